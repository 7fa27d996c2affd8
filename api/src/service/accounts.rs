//! Accounts: signing up (a new organisation and its first admin), creating a
//! member, and the rule that an address registers once.

use entity::{Role, organisation, user};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter,
};

use super::rate_limits;
use super::session_tokens::{Session, start_session};
use crate::auth::password;
use crate::context::AppState;
use crate::db;
use crate::domain::{Email, Password, text};
use crate::error::{AppError, AppResult};

/// What `signUp` needs.
#[derive(Debug, Clone)]
pub struct SignUp {
    pub organisation_name: String,
    pub email: String,
    pub password: String,
    pub display_name: String,
}

/// Creates an organisation and its first ADMIN, and signs them in. Counted
/// per client address (`None`: the server's own tools, not counted).
#[tracing::instrument(skip_all)]
pub async fn sign_up(state: &AppState, input: SignUp, client: Option<&str>) -> AppResult<Session> {
    let organisation_name =
        text::required(&input.organisation_name, "organisationName", 200, false)?;
    let display_name = text::required(&input.display_name, "displayName", 200, false)?;
    let email = Email::parse(&input.email, "email")?;
    let password = Password::parse(&input.password, "password")?;
    if let Some(client) = client {
        let _counted =
            rate_limits::count(state, &[(rate_limits::SIGN_UP_PER_CLIENT, client)]).await?;
    }
    let password_hash = password::hash(password.into_inner()).await?;

    let now = state.clock.now();
    let txn = db::begin_write(state).await?;
    if email_taken(&txn, email.as_str()).await? {
        return Err(AppError::field("email", "email is already registered"));
    }
    let organisation = organisation::ActiveModel {
        name: Set(organisation_name),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let user = insert_user(
        &txn,
        state,
        organisation.id,
        email,
        password_hash,
        display_name,
        Role::Admin,
    )
    .await
    .map_err(email_conflict)?;
    let session = start_session(&txn, state, user).await?;
    db::commit(txn, state).await?;
    Ok(session)
}

/// Inserts a user with a fresh calendar token.
#[tracing::instrument(skip_all)]
pub async fn insert_user(
    conn: &impl ConnectionTrait,
    state: &AppState,
    organisation_id: i64,
    email: Email,
    password_hash: String,
    display_name: String,
    role: Role,
) -> AppResult<user::Model> {
    let now = state.clock.now();
    let locale = organisation::Entity::find_by_id(organisation_id)
        .one(conn)
        .await?
        .map_or(entity::Locale::En, |o| o.default_locale);
    Ok(user::ActiveModel {
        organisation_id: Set(organisation_id),
        email: Set(email.into_inner()),
        password_hash: Set(password_hash),
        display_name: Set(display_name),
        role: Set(role),
        active: Set(true),
        token_version: Set(0),
        calendar_token: Set(state.random.token()),
        locale: Set(locale),
        email_kinds: Set(crate::domain::mail::store_email_kinds(
            &crate::domain::mail::DEFAULT_EMAIL_KINDS,
        )),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(conn)
    .await?)
}

/// Whether an account already uses `email`.
#[tracing::instrument(skip_all)]
pub async fn email_taken(conn: &impl ConnectionTrait, email: &str) -> AppResult<bool> {
    Ok(user::Entity::find()
        .filter(user::Column::Email.eq(email))
        .count(conn)
        .await?
        > 0)
}

/// A unique violation on insert means someone registered the address meanwhile.
pub fn email_conflict(err: AppError) -> AppError {
    match err {
        AppError::Conflict(_) => AppError::field("email", "email is already registered"),
        other => other,
    }
}
