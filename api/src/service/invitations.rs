//! Inviting members and accepting invitations.

use chrono::{DateTime, Duration, Utc};
use entity::{Role, invitation, organisation, user};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QuerySelect, sea_query::Expr,
};

use super::sessions::{self, Session, token_hash};
use super::{accounts, paging};
use crate::auth::tokens::Purpose;
use crate::auth::{Actor, password, permissions};
use crate::context::AppState;
use crate::db;
use crate::domain::invitations::{InvitationStatus, status as invitation_status};
use crate::domain::mail::MailKind;
use crate::domain::paging::{PageRequest, Paged};
use crate::domain::{Email, Password, text};
use crate::error::{AppError, AppResult};

/// How long an invitation can be accepted.
pub const INVITATION_TTL: Duration = Duration::days(7);

/// A new invitation and its token (shown to the inviting admin, and written
/// into the invitation mail when it is sent; never stored).
#[derive(Debug, Clone)]
pub struct Issued {
    pub invitation: invitation::Model,
    pub token: String,
}

/// The token of an invitation, derived again from its nonce.
pub fn token_of(state: &AppState, invitation: &invitation::Model) -> Option<String> {
    state
        .tokens
        .of_nonce(Purpose::Invitation, invitation.token_nonce.as_deref())
}

/// Invites `email` into the actor's organisation (ADMIN). The token is
/// returned; the database keeps only its hash and the nonce it is derived
/// from, and the invitation mail is queued in the outbox.
#[tracing::instrument(skip_all, fields(organisation = actor.organisation_id, user = actor.user_id))]
pub async fn invite(state: &AppState, actor: &Actor, email: &str, role: Role) -> AppResult<Issued> {
    permissions::require_admin(actor)?;
    let email = Email::parse(email, "email")?;
    let now = state.clock.now();
    let txn = db::begin_write(state).await?;
    let already_member = user::Entity::find()
        .filter(user::Column::Email.eq(email.as_str()))
        .filter(user::Column::OrganisationId.eq(actor.organisation_id))
        .one(&txn)
        .await?
        .is_some();
    if already_member {
        return Err(AppError::Conflict(
            "that address is already a member".into(),
        ));
    }
    let organisation = organisation::Entity::find_by_id(actor.organisation_id)
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound("organisation"))?;
    let nonce = state.random.token();
    let token = state.tokens.token(Purpose::Invitation, &nonce);
    let invitation = invitation::ActiveModel {
        organisation_id: Set(actor.organisation_id),
        email: Set(email.as_str().to_owned()),
        role: Set(role),
        token_hash: Set(token_hash(&token)),
        token_nonce: Set(Some(nonce)),
        invited_by: Set(Some(actor.user_id)),
        expires_at: Set(now + INVITATION_TTL),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    super::outbox::queue_invitation(&txn, &organisation, &invitation, now).await?;
    db::commit(txn, state).await?;
    Ok(Issued { invitation, token })
}

/// An invitation of the actor's organisation (ADMIN); anything else, an
/// invitation the actor may not see included, is `NOT_FOUND`.
#[tracing::instrument(skip_all, fields(organisation = actor.organisation_id, user = actor.user_id))]
pub async fn get(state: &AppState, actor: &Actor, id: i64) -> AppResult<invitation::Model> {
    invitation::Entity::find_by_id(id)
        .one(&state.db)
        .await?
        .filter(|i| permissions::may_manage_members(actor, i.organisation_id))
        .ok_or(AppError::NotFound("invitation"))
}

/// The organisation's invitations, newest first, optionally of one status (ADMIN).
#[tracing::instrument(skip_all, fields(organisation = actor.organisation_id, user = actor.user_id))]
pub async fn list(
    state: &AppState,
    actor: &Actor,
    status: Option<InvitationStatus>,
    page: &PageRequest,
) -> AppResult<Paged<invitation::Model>> {
    permissions::require_admin(actor)?;
    let now = state.clock.now();
    let mut select = invitation::Entity::find()
        .filter(invitation::Column::OrganisationId.eq(actor.organisation_id));
    use invitation::Column::{AcceptedAt, ExpiresAt, RevokedAt};
    select = match status {
        None => select,
        Some(InvitationStatus::Accepted) => select.filter(AcceptedAt.is_not_null()),
        Some(InvitationStatus::Revoked) => select
            .filter(AcceptedAt.is_null())
            .filter(RevokedAt.is_not_null()),
        Some(InvitationStatus::Expired) => select
            .filter(AcceptedAt.is_null())
            .filter(RevokedAt.is_null())
            .filter(ExpiresAt.lte(now)),
        Some(InvitationStatus::Pending) => select
            .filter(AcceptedAt.is_null())
            .filter(RevokedAt.is_null())
            .filter(ExpiresAt.gt(now)),
    };
    paging::fetch_newest_first(&state.db, select, invitation::Column::Id, page).await
}

/// Revokes an invitation that has not been accepted (ADMIN); revoking twice
/// changes nothing. An accepted one is a `CONFLICT`.
#[tracing::instrument(skip_all, fields(organisation = actor.organisation_id, user = actor.user_id))]
pub async fn revoke(state: &AppState, actor: &Actor, id: i64) -> AppResult<invitation::Model> {
    permissions::require_admin(actor)?;
    let now = state.clock.now();
    let txn = db::begin_write(state).await?;
    let found = invitation::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .filter(|i| i.organisation_id == actor.organisation_id)
        .ok_or(AppError::NotFound("invitation"))?;
    if found.accepted_at.is_some() {
        return Err(AppError::Conflict(
            "the invitation was already accepted".into(),
        ));
    }
    invitation::Entity::update_many()
        .col_expr(invitation::Column::RevokedAt, Expr::value(now))
        .filter(invitation::Column::Id.eq(id))
        .filter(invitation::Column::AcceptedAt.is_null())
        .filter(invitation::Column::RevokedAt.is_null())
        .exec(&txn)
        .await?;
    let revoked = invitation::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound("invitation"))?;
    if revoked.accepted_at.is_some() {
        return Err(AppError::Conflict(
            "the invitation was already accepted".into(),
        ));
    }
    super::outbox::withdraw(
        &txn,
        MailKind::Invitation,
        [revoked.id],
        "the invitation was revoked",
    )
    .await?;
    db::commit(txn, state).await?;
    Ok(revoked)
}

/// Voids the pending invitations `inviter` sent (they are no longer an
/// active admin), inside the caller's transaction.
#[tracing::instrument(skip_all)]
pub async fn void_sent_by(
    conn: &impl ConnectionTrait,
    inviter: i64,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let voided: Vec<i64> = invitation::Entity::find()
        .select_only()
        .column(invitation::Column::Id)
        .filter(invitation::Column::InvitedBy.eq(inviter))
        .filter(invitation::Column::AcceptedAt.is_null())
        .filter(invitation::Column::RevokedAt.is_null())
        .into_tuple()
        .all(conn)
        .await?;
    invitation::Entity::update_many()
        .col_expr(invitation::Column::RevokedAt, Expr::value(now))
        .filter(invitation::Column::Id.is_in(voided.iter().copied()))
        .exec(conn)
        .await?;
    super::outbox::withdraw(
        conn,
        MailKind::Invitation,
        voided,
        "its inviter is no longer an active admin",
    )
    .await
}

/// Accepts an invitation: creates the member and signs them in. Each
/// invitation works once, within seven days. Counted per client address
/// (`None`: the server's own tools, not counted).
#[tracing::instrument(skip_all)]
pub async fn accept(
    state: &AppState,
    token: &str,
    password_raw: &str,
    display_name: &str,
    client: Option<&str>,
) -> AppResult<Session> {
    let display_name = text::required(display_name, "displayName", 200, false)?;
    let password = Password::parse(password_raw, "password")?;
    if let Some(client) = client {
        let _counted = super::rate_limits::count(
            state,
            &[(super::rate_limits::ACCEPT_INVITATION_PER_CLIENT, client)],
        )
        .await?;
    }
    let invalid = || AppError::field("token", "the invitation is invalid, used or expired");
    let now = state.clock.now();

    let found = invitation::Entity::find()
        .filter(invitation::Column::TokenHash.eq(token_hash(token.trim())))
        .one(&state.db)
        .await?;
    let Some(found) = found.filter(|i| {
        invitation_status(i.accepted_at, i.revoked_at, i.expires_at, now)
            == InvitationStatus::Pending
    }) else {
        return Err(invalid());
    };
    // An invitation is only as good as its inviter: one who has since been
    // deactivated or demoted vouches for nobody.
    let inviter_is_admin = match found.invited_by {
        Some(inviter) => user::Entity::find_by_id(inviter)
            .one(&state.db)
            .await?
            .is_some_and(|u| {
                u.active && u.role == Role::Admin && u.organisation_id == found.organisation_id
            }),
        None => false,
    };
    if !inviter_is_admin {
        return Err(invalid());
    }
    let password_hash = password::hash(password.into_inner()).await?;

    let txn = db::begin_write(state).await?;
    // Claim the invitation first: of two concurrent acceptances one wins,
    // and one racing a revocation (or its inviter's deactivation) loses if
    // the revocation committed first.
    let claimed = invitation::Entity::update_many()
        .col_expr(invitation::Column::AcceptedAt, Expr::value(now))
        .filter(invitation::Column::Id.eq(found.id))
        .filter(invitation::Column::AcceptedAt.is_null())
        .filter(invitation::Column::RevokedAt.is_null())
        .exec(&txn)
        .await?;
    if claimed.rows_affected != 1 {
        return Err(invalid());
    }
    super::outbox::withdraw(
        &txn,
        MailKind::Invitation,
        [found.id],
        "the invitation was accepted",
    )
    .await?;
    if accounts::email_taken(&txn, &found.email).await? {
        return Err(AppError::Conflict(
            "an account with this address already exists".into(),
        ));
    }
    let email = Email::parse(&found.email, "email")?;
    let user = accounts::insert_user(
        &txn,
        state,
        found.organisation_id,
        email,
        password_hash,
        display_name,
        found.role,
    )
    .await?;
    invitation::Entity::update_many()
        .col_expr(invitation::Column::AcceptedUserId, Expr::value(user.id))
        .filter(invitation::Column::Id.eq(found.id))
        .exec(&txn)
        .await?;
    if let Some(inviter) = found.invited_by {
        super::notifications::notify(
            &txn,
            super::notifications::New {
                organisation_id: found.organisation_id,
                user_id: inviter,
                kind: super::notifications::Kind::InvitationAccepted,
                message: format!("{} accepted your invitation", user.display_name),
                subject: Some(("User", user.id)),
            },
            now,
        )
        .await?;
    }
    let session = sessions::start_session(&txn, state, user).await?;
    db::commit(txn, state).await?;
    Ok(session)
}
