//! Signing up, signing in, refreshing and ending sessions, and resolving an
//! access token to an [`Actor`].

use chrono::{DateTime, Utc};
use entity::{Role, refresh_token, user};
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QuerySelect,
};

use super::rate_limits;
use super::session_tokens::insert_refresh_token;
pub use super::session_tokens::{
    REFRESH_ABSOLUTE_TTL, REFRESH_IDLE_TTL, Session, open_session, revoke_family, start_session,
    token_hash,
};
use crate::auth::cache::Account;
use crate::auth::jwt::TokenError;
use crate::auth::{Actor, password};
use crate::context::AppState;
use crate::db;
use crate::domain::Password;
use crate::error::{AppError, AppResult};

/// Resolves an access token to the member it names. Refused: an expired or
/// invalid token, a deactivated member, a token issued before the member's
/// sessions were ended (deactivation, role change, password reset), and a
/// token of a session that has ended (logout, refresh-token reuse, password
/// change). What this reads is cached briefly; any change of those clears the
/// cache on every instance (see [`crate::auth::cache`]).
#[tracing::instrument(skip_all)]
pub async fn authenticate(state: &AppState, token: &str) -> AppResult<Actor> {
    let claims = state
        .jwt
        .verify(token, state.clock.now())
        .map_err(|err| match err {
            TokenError::Expired => AppError::Unauthenticated("access token expired"),
            TokenError::Invalid => AppError::Unauthenticated("invalid access token"),
        })?;
    let user_id: i64 = claims
        .sub
        .parse()
        .map_err(|_| AppError::Unauthenticated("invalid access token"))?;
    let session = claims
        .sid
        .ok_or(AppError::Unauthenticated("invalid access token"))?;
    let user = account(state, user_id, &session)
        .await?
        .ok_or(AppError::Unauthenticated("invalid access token"))?;
    if !user.active || user.token_version != claims.ver || !user.session_live {
        return Err(AppError::Unauthenticated("session no longer valid"));
    }
    Ok(Actor {
        user_id: user.user_id,
        organisation_id: user.organisation_id,
        role: user.role,
        session: Some(session),
        expires_at: Some(claims.exp),
    })
}

/// What authentication needs of a user's row and of the session, in one
/// statement: from the cache, or read and cached.
async fn account(state: &AppState, user_id: i64, session: &str) -> AppResult<Option<Account>> {
    let now = state.clock.now();
    if let Some(account) = state.accounts.get(user_id, session, now) {
        return Ok(Some(account));
    }
    let generation = state.accounts.generation();
    let live = Expr::exists(
        Query::select()
            .expr(Expr::val(1))
            .from(refresh_token::Entity)
            .and_where(refresh_token::Column::Family.eq(session))
            .and_where(refresh_token::Column::RevokedAt.is_null())
            .and_where(refresh_token::Column::FamilyExpiresAt.gt(now))
            .to_owned(),
    );
    let row: Option<(i64, Role, bool, i32, bool)> = user::Entity::find_by_id(user_id)
        .select_only()
        .columns([
            user::Column::OrganisationId,
            user::Column::Role,
            user::Column::Active,
            user::Column::TokenVersion,
        ])
        .expr_as(live, "session_live")
        .into_tuple()
        .one(&state.db)
        .await?;
    let account = row.map(
        |(organisation_id, role, active, token_version, session_live)| Account {
            user_id,
            organisation_id,
            role,
            active,
            token_version,
            session_live,
        },
    );
    if let Some(account) = &account {
        state
            .accounts
            .store(account.clone(), session, generation, now);
    }
    Ok(account)
}

/// Tells every instance that a member's sessions, role or status changed:
/// their cached account is forgotten and their open subscriptions are
/// authorised again. Recorded in the current write, sent after it commits.
pub fn account_changed(organisation_id: i64, user_id: i64) {
    crate::events::emit(crate::events::Event::Account {
        org: organisation_id,
        user: user_id,
    });
}

/// Signs a member in. Unknown e-mail and wrong password answer alike and take
/// as long; failures are counted per account and per client address, and a
/// guess is counted before it is checked, so none can race past the limit.
#[tracing::instrument(skip_all)]
pub async fn login(
    state: &AppState,
    email: &str,
    password_raw: &str,
    client: &str,
) -> AppResult<Session> {
    let email = email.trim().to_lowercase();
    let counted = rate_limits::count(
        state,
        &[
            (rate_limits::LOGIN_PER_ACCOUNT, &email),
            (rate_limits::LOGIN_PER_CLIENT, client),
        ],
    )
    .await?;

    let user = user::Entity::find()
        .filter(user::Column::Email.eq(email.as_str()))
        .one(&state.db)
        .await?;
    let ok = password::verify(
        password_raw.to_owned(),
        user.as_ref().map(|u| u.password_hash.clone()),
    )
    .await?;
    // A failure stays counted.
    let user = match user {
        Some(user) if ok && user.active => user,
        _ => return Err(AppError::Unauthenticated("wrong email or password")),
    };
    // An organisation that signs in only through its provider: answered
    // exactly as a wrong password, and counted as one.
    if !super::sso::password_login_allowed(&state.db, user.organisation_id).await? {
        return Err(AppError::Unauthenticated("wrong email or password"));
    }

    let now = state.clock.now();
    let txn = db::begin_write(state).await?;
    counted.forgive(&*txn).await?;
    let user = if password::needs_rehash(&user.password_hash) {
        let rehashed = password::hash(password_raw.to_owned()).await?;
        let mut active: user::ActiveModel = user.into();
        active.password_hash = Set(rehashed);
        active.updated_at = Set(now);
        active.update(&txn).await?
    } else {
        user
    };
    let session = start_session(&txn, state, user).await?;
    db::commit(txn, state).await?;
    Ok(session)
}

/// Exchanges a refresh token for a new session in the same family. A token
/// that was already used revokes its whole family (RFC 9700 §4.14).
#[tracing::instrument(skip_all)]
pub async fn refresh(state: &AppState, presented: &str) -> AppResult<Session> {
    let now = state.clock.now();
    let refused = AppError::Unauthenticated("invalid refresh token");
    let txn = db::begin_write(state).await?;
    let Some(row) = refresh_token::Entity::find()
        .filter(refresh_token::Column::TokenHash.eq(token_hash(presented)))
        .one(&txn)
        .await?
    else {
        return Err(refused);
    };
    if row.revoked_at.is_some() {
        return Err(refused);
    }
    let reused = AppError::Unauthenticated("refresh token reused; the session is revoked");
    if row.used_at.is_some() {
        end_session(&txn, &row.family, row.user_id, now).await?;
        db::commit(txn, state).await?;
        return Err(reused);
    }
    if row.expires_at <= now || row.family_expires_at <= now {
        return Err(AppError::Unauthenticated("refresh token expired"));
    }
    let user = user::Entity::find_by_id(row.user_id).one(&txn).await?;
    let Some(user) = user.filter(|u| u.active) else {
        return Err(refused);
    };
    // The conditional update decides between two uses of one token: on
    // PostgreSQL the second waits for the first to commit and then finds the
    // token used, which is a reuse like any other.
    let marked = refresh_token::Entity::update_many()
        .col_expr(refresh_token::Column::UsedAt, Expr::value(now))
        .filter(refresh_token::Column::Id.eq(row.id))
        .filter(refresh_token::Column::UsedAt.is_null())
        .exec(&txn)
        .await?;
    if marked.rows_affected != 1 {
        end_session(&txn, &row.family, row.user_id, now).await?;
        db::commit(txn, state).await?;
        return Err(reused);
    }
    let (refresh_token, _) = insert_refresh_token(
        &txn,
        state,
        user.id,
        row.family.clone(),
        row.family_expires_at,
    )
    .await?;
    let (access_token, expires_at) =
        state
            .jwt
            .issue(user.id, user.token_version, &row.family, now)?;
    db::commit(txn, state).await?;
    Ok(Session {
        access_token,
        refresh_token,
        expires_at,
        user,
    })
}

/// Ends the session the refresh token belongs to, its access tokens
/// included. Unknown tokens are ignored, so logging out twice is harmless.
#[tracing::instrument(skip_all)]
pub async fn logout(state: &AppState, presented: &str) -> AppResult<()> {
    let now = state.clock.now();
    let txn = db::begin_write(state).await?;
    if let Some(row) = refresh_token::Entity::find()
        .filter(refresh_token::Column::TokenHash.eq(token_hash(presented)))
        .one(&txn)
        .await?
    {
        end_session(&txn, &row.family, row.user_id, now).await?;
    }
    db::commit(txn, state).await?;
    Ok(())
}

/// Revokes one session of a member and tells every instance.
async fn end_session(
    conn: &impl ConnectionTrait,
    family: &str,
    user_id: i64,
    now: DateTime<Utc>,
) -> AppResult<()> {
    revoke_family(conn, family, now).await?;
    let organisation: Option<i64> = user::Entity::find_by_id(user_id)
        .select_only()
        .column(user::Column::OrganisationId)
        .into_tuple()
        .one(conn)
        .await?;
    if let Some(organisation) = organisation {
        account_changed(organisation, user_id);
    }
    Ok(())
}

/// Changes the actor's password after checking the current one (wrong
/// guesses are counted per account), and ends every other session of theirs.
#[tracing::instrument(skip_all, fields(organisation = actor.organisation_id, user = actor.user_id))]
pub async fn change_password(
    state: &AppState,
    actor: &Actor,
    current: &str,
    new: &str,
) -> AppResult<user::Model> {
    let new = Password::parse(new, "newPassword")?;
    let counted = rate_limits::count(
        state,
        &[(
            rate_limits::PASSWORD_PER_ACCOUNT,
            &actor.user_id.to_string(),
        )],
    )
    .await?;
    let user = user::Entity::find_by_id(actor.user_id)
        .one(&state.db)
        .await?
        .ok_or(AppError::Unauthenticated("session no longer valid"))?;
    if !password::verify(current.to_owned(), Some(user.password_hash.clone())).await? {
        return Err(AppError::field(
            "currentPassword",
            "current password is wrong",
        ));
    }
    let hash = password::hash(new.into_inner()).await?;
    let now = state.clock.now();
    let txn = db::begin_write(state).await?;
    counted.forgive(&*txn).await?;
    let mut active: user::ActiveModel = user.into();
    active.password_hash = Set(hash);
    active.updated_at = Set(now);
    let user = active.update(&txn).await?;
    let mut others = refresh_token::Entity::update_many()
        .col_expr(refresh_token::Column::RevokedAt, Expr::value(now))
        .filter(refresh_token::Column::UserId.eq(actor.user_id))
        .filter(refresh_token::Column::RevokedAt.is_null());
    if let Some(current) = &actor.session {
        others = others.filter(refresh_token::Column::Family.ne(current.as_str()));
    }
    others.exec(&txn).await?;
    account_changed(actor.organisation_id, actor.user_id);
    db::commit(txn, state).await?;
    Ok(user)
}

/// Ends every session of a member, access tokens included (deactivation,
/// role change, password reset): their token version moves on and every
/// refresh token is revoked.
#[tracing::instrument(skip_all)]
pub async fn end_all_sessions(
    conn: &impl ConnectionTrait,
    user: &user::Model,
    now: DateTime<Utc>,
) -> AppResult<()> {
    user::Entity::update_many()
        .col_expr(
            user::Column::TokenVersion,
            Expr::value(user.token_version.wrapping_add(1)),
        )
        .filter(user::Column::Id.eq(user.id))
        .exec(conn)
        .await?;
    account_changed(user.organisation_id, user.id);
    let user_id = user.id;
    refresh_token::Entity::update_many()
        .col_expr(refresh_token::Column::RevokedAt, Expr::value(now))
        .filter(refresh_token::Column::UserId.eq(user_id))
        .filter(refresh_token::Column::RevokedAt.is_null())
        .exec(conn)
        .await?;
    Ok(())
}
