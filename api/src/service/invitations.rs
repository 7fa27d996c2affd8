//! Inviting members and accepting invitations.

use chrono::Duration;
use entity::{Role, invitation, organisation, outbox, user};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr,
};

use super::sessions::{self, Session, token_hash};
use crate::auth::{Actor, password, permissions};
use crate::context::AppState;
use crate::db;
use crate::domain::{Email, Password, text};
use crate::error::{AppError, AppResult};

/// How long an invitation can be accepted.
pub const INVITATION_TTL: Duration = Duration::days(7);

/// A new invitation and its token (shown once, to the inviting admin).
#[derive(Debug, Clone)]
pub struct Issued {
    pub invitation: invitation::Model,
    pub token: String,
}

/// Invites `email` into the actor's organisation (ADMIN). The token is
/// returned, and the message that would be mailed is recorded in the outbox.
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
    let token = state.random.token();
    let invitation = invitation::ActiveModel {
        organisation_id: Set(actor.organisation_id),
        email: Set(email.as_str().to_owned()),
        role: Set(role),
        token_hash: Set(token_hash(&token)),
        invited_by: Set(Some(actor.user_id)),
        expires_at: Set(now + INVITATION_TTL),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    outbox::ActiveModel {
        organisation_id: Set(actor.organisation_id),
        kind: Set("invitation".into()),
        recipient: Set(email.as_str().to_owned()),
        subject: Set(format!(
            "You are invited to {} on Voimavara",
            organisation.name
        )),
        body: Set(format!(
            "You have been invited to join {} on Voimavara.\n\nAccept with the acceptInvitation \
             operation and this invitation token:\n\n{token}\n\nThe invitation expires on {}.",
            organisation.name,
            invitation.expires_at.format("%Y-%m-%d %H:%M UTC")
        )),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    db::commit(txn, state).await?;
    Ok(Issued { invitation, token })
}

/// An invitation of the actor's organisation (ADMIN), or `NOT_FOUND`.
pub async fn get(state: &AppState, actor: &Actor, id: i64) -> AppResult<invitation::Model> {
    let invitation = invitation::Entity::find_by_id(id)
        .one(&state.db)
        .await?
        .ok_or(AppError::NotFound("invitation"))?;
    permissions::require_same_organisation(actor, invitation.organisation_id, "invitation")?;
    permissions::require_admin(actor)?;
    Ok(invitation)
}

/// Accepts an invitation: creates the member and signs them in. Each
/// invitation works once, within seven days. Counted per client address
/// (`None`: the server's own tools, not counted).
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
    let Some(found) =
        found.filter(|i| i.accepted_at.is_none() && i.revoked_at.is_none() && i.expires_at > now)
    else {
        return Err(invalid());
    };
    let password_hash = password::hash(password.into_inner()).await?;

    let txn = db::begin_write(state).await?;
    // Claim the invitation first: of two concurrent acceptances one wins.
    let claimed = invitation::Entity::update_many()
        .col_expr(invitation::Column::AcceptedAt, Expr::value(now))
        .filter(invitation::Column::Id.eq(found.id))
        .filter(invitation::Column::AcceptedAt.is_null())
        .exec(&txn)
        .await?;
    if claimed.rows_affected != 1 {
        return Err(invalid());
    }
    if sessions::email_taken(&txn, &found.email).await? {
        return Err(AppError::Conflict(
            "an account with this address already exists".into(),
        ));
    }
    let email = Email::parse(&found.email, "email")?;
    let user = sessions::insert_user(
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
