//! Account recovery: a single-use link, valid for an hour, mailed to an
//! active member who asks; using it sets a new password and ends every
//! session of the account. The database keeps the token's hash, and the
//! nonce it is derived from only until the mail is sent.

use entity::{password_reset, user};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};

use super::outbox::{self, ForMember};
use super::rate_limits;
use super::session_tokens::{Session, start_session, token_hash};
use super::sessions;
use crate::auth::password;
use crate::auth::tokens::Purpose;
use crate::context::{AppState, State};
use crate::db;
use crate::domain::mail::{MailKind, RESET_TTL};
use crate::domain::{Email, Password};
use crate::error::{AppError, AppResult};

/// Asks for a reset link for `email`. Answers the same, at once, whether or
/// not the address belongs to anyone: the link is made and queued after the
/// answer. Counted per client address (`RATE_LIMITED` beyond it); beyond
/// three links an hour for one address, nothing more is sent.
#[tracing::instrument(skip_all)]
pub async fn request(state: &State, email: &str, client: Option<&str>) -> AppResult<()> {
    let email = Email::parse(email, "email")?;
    if let Some(client) = client {
        let _counted =
            rate_limits::count(state, &[(rate_limits::RESET_REQUEST_PER_CLIENT, client)]).await?;
    }
    let state = state.clone();
    tokio::spawn(crate::events::scope(async move {
        if let Err(err) = issue(&state, email).await {
            match err {
                AppError::RateLimited { .. } => {
                    tracing::info!("password reset not sent: too many for this address this hour")
                }
                err => tracing::error!(error = %err, "could not issue a password reset"),
            }
        }
    }));
    Ok(())
}

/// Makes a reset link for the active member with `email`, if there is one,
/// and queues its mail.
async fn issue(state: &AppState, email: Email) -> AppResult<()> {
    let Some(member) = user::Entity::find()
        .filter(user::Column::Email.eq(email.as_str()))
        .one(&state.db)
        .await?
        .filter(|u| u.active)
    else {
        return Ok(());
    };
    let _counted = rate_limits::count(
        state,
        &[(rate_limits::RESET_MAIL_PER_ADDRESS, email.as_str())],
    )
    .await?;
    let now = state.clock.now();
    let nonce = state.random.token();
    let token = state.tokens.token(Purpose::PasswordReset, &nonce);
    let txn = db::begin_write(state).await?;
    let reset = password_reset::ActiveModel {
        user_id: Set(member.id),
        token_hash: Set(token_hash(&token)),
        token_nonce: Set(Some(nonce)),
        expires_at: Set(now + RESET_TTL),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&*txn)
    .await?;
    outbox::queue_for(
        &*txn,
        ForMember {
            user: &member,
            kind: MailKind::PasswordReset,
            subject_id: Some(reset.id),
        },
        now,
    )
    .await?;
    db::commit(txn, state).await?;
    Ok(())
}

/// Sets a new password with a reset link's token: the link works once,
/// within the hour, for an active member; every session of the account ends
/// and a new one starts. Counted per client address.
#[tracing::instrument(skip_all)]
pub async fn reset(
    state: &AppState,
    token: &str,
    new_password: &str,
    client: Option<&str>,
) -> AppResult<Session> {
    let new_password = Password::parse(new_password, "newPassword")?;
    if let Some(client) = client {
        let _counted =
            rate_limits::count(state, &[(rate_limits::RESET_PER_CLIENT, client)]).await?;
    }
    let invalid = || AppError::field("token", "the reset link is invalid, used or expired");
    let now = state.clock.now();
    let Some(found) = password_reset::Entity::find()
        .filter(password_reset::Column::TokenHash.eq(token_hash(token.trim())))
        .one(&state.db)
        .await?
        .filter(|r| r.used_at.is_none() && r.expires_at > now)
    else {
        return Err(invalid());
    };
    let hash = password::hash(new_password.into_inner()).await?;
    let txn = db::begin_write(state).await?;
    // Claim the link: of two uses at once, one wins.
    let claimed = password_reset::Entity::update_many()
        .col_expr(password_reset::Column::UsedAt, Expr::value(now))
        .col_expr(
            password_reset::Column::TokenNonce,
            Expr::value(Option::<String>::None),
        )
        .filter(password_reset::Column::Id.eq(found.id))
        .filter(password_reset::Column::UsedAt.is_null())
        .exec(&*txn)
        .await?;
    if claimed.rows_affected != 1 {
        return Err(invalid());
    }
    let Some(member) = user::Entity::find_by_id(found.user_id)
        .one(&*txn)
        .await?
        .filter(|u| u.active)
    else {
        return Err(invalid());
    };
    // Every other link of the account stops working too.
    password_reset::Entity::update_many()
        .col_expr(password_reset::Column::UsedAt, Expr::value(now))
        .col_expr(
            password_reset::Column::TokenNonce,
            Expr::value(Option::<String>::None),
        )
        .filter(password_reset::Column::UserId.eq(member.id))
        .filter(password_reset::Column::UsedAt.is_null())
        .exec(&*txn)
        .await?;
    sessions::end_all_sessions(&*txn, &member, now).await?;
    let mut active: user::ActiveModel = member.into();
    active.password_hash = Set(hash);
    active.updated_at = Set(now);
    let member = active.update(&*txn).await?;
    let session = start_session(&*txn, state, member).await?;
    db::commit(txn, state).await?;
    Ok(session)
}
