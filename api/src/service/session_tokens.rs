//! Sessions as rows: a session is a family of refresh tokens, each used once;
//! starting one, storing its tokens (only their SHA-256) and revoking it.

use chrono::{DateTime, Duration, Utc};
use entity::{refresh_token, user};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
};
use sha2::{Digest, Sha256};

use crate::context::AppState;
use crate::error::AppResult;

/// How long a refresh token lives unused.
pub const REFRESH_IDLE_TTL: Duration = Duration::days(14);
/// How long a session (a refresh-token family) lives at most.
pub const REFRESH_ABSOLUTE_TTL: Duration = Duration::days(60);

/// A fresh session: tokens and the user they belong to.
#[derive(Debug, Clone)]
pub struct Session {
    pub access_token: String,
    pub refresh_token: String,
    pub expires_at: DateTime<Utc>,
    pub user: user::Model,
}

/// The SHA-256 of a token, as stored.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Revokes every token of one family.
#[tracing::instrument(skip_all)]
pub async fn revoke_family(
    conn: &impl ConnectionTrait,
    family: &str,
    now: DateTime<Utc>,
) -> AppResult<()> {
    refresh_token::Entity::update_many()
        .col_expr(refresh_token::Column::RevokedAt, Expr::value(now))
        .filter(refresh_token::Column::Family.eq(family))
        .filter(refresh_token::Column::RevokedAt.is_null())
        .exec(conn)
        .await?;
    Ok(())
}

/// Starts a new session (a new refresh-token family) for `user`.
#[tracing::instrument(skip_all)]
pub async fn start_session(
    conn: &impl ConnectionTrait,
    state: &AppState,
    user: user::Model,
) -> AppResult<Session> {
    start_session_with(conn, state, user, false).await
}

/// Like [`start_session`], saying whether the member came through the
/// organisation's OpenID provider.
#[tracing::instrument(skip_all)]
pub async fn start_session_with(
    conn: &impl ConnectionTrait,
    state: &AppState,
    user: user::Model,
    via_sso: bool,
) -> AppResult<Session> {
    let now = state.clock.now();
    let family = state.random.token();
    let (refresh_token, first) = insert_refresh_token(
        conn,
        state,
        user.id,
        family.clone(),
        now + REFRESH_ABSOLUTE_TTL,
    )
    .await?;
    if via_sso {
        refresh_token::Entity::update_many()
            .col_expr(refresh_token::Column::ViaSso, Expr::value(true))
            .filter(refresh_token::Column::Id.eq(first.id))
            .exec(conn)
            .await?;
    }
    let (access_token, expires_at) = state.jwt.issue(user.id, user.token_version, &family, now)?;
    Ok(Session {
        access_token,
        refresh_token,
        expires_at,
        user,
    })
}

pub(super) async fn insert_refresh_token(
    conn: &impl ConnectionTrait,
    state: &AppState,
    user_id: i64,
    family: String,
    family_expires_at: DateTime<Utc>,
) -> AppResult<(String, refresh_token::Model)> {
    let token = state.random.token();
    let row = store_refresh_token(
        conn,
        &token,
        user_id,
        family,
        family_expires_at,
        state.clock.now(),
    )
    .await?;
    Ok((token, row))
}

async fn store_refresh_token(
    conn: &impl ConnectionTrait,
    token: &str,
    user_id: i64,
    family: String,
    family_expires_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> AppResult<refresh_token::Model> {
    Ok(refresh_token::ActiveModel {
        user_id: Set(user_id),
        family: Set(family),
        token_hash: Set(token_hash(token)),
        created_at: Set(now),
        expires_at: Set((now + REFRESH_IDLE_TTL).min(family_expires_at)),
        family_expires_at: Set(family_expires_at),
        ..Default::default()
    }
    .insert(conn)
    .await?)
}

/// Opens a session without a password, for seeding tools and tests: a new
/// session `family` with `refresh_token` as its first refresh token, and an
/// access token in it for a member whose token version is `token_version`.
#[tracing::instrument(skip_all)]
pub async fn open_session(
    conn: &impl ConnectionTrait,
    keys: &crate::auth::jwt::JwtKeys,
    user_id: i64,
    token_version: i32,
    family: &str,
    refresh_token: &str,
    now: DateTime<Utc>,
) -> AppResult<String> {
    store_refresh_token(
        conn,
        refresh_token,
        user_id,
        family.to_owned(),
        now + REFRESH_ABSOLUTE_TTL,
        now,
    )
    .await?;
    Ok(keys.issue(user_id, token_version, family, now)?.0)
}
