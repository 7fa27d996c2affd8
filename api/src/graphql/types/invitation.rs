//! `Invitation`.

use async_graphql::{Context, Enum, ID, Object};
use entity::invitation;

use super::{Role, User};
use crate::domain::invitations::{self, InvitationStatus as Status};
use crate::graphql::context::state;
use crate::graphql::ids::{self, Kind};
use crate::graphql::loaders::{UserById, loader};
use crate::graphql::scalars::Timestamp;

/// Where an invitation stands.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "crate::domain::invitations::InvitationStatus")]
pub enum InvitationStatus {
    /// It may still be accepted.
    Pending,
    /// It was accepted: the member exists.
    Accepted,
    /// An admin revoked it, or its inviter stopped being an active admin.
    Revoked,
    /// It was not accepted in time.
    Expired,
}

/// An invitation to join the organisation. Single use; expires after 7 days.
pub struct Invitation {
    pub model: invitation::Model,
    /// Only known right after `inviteMember`: stored hashed.
    pub token: Option<String>,
}

/// An invitation to join the organisation. Single use; expires after 7 days.
#[Object]
impl Invitation {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        ids::encode(Kind::Invitation, self.model.id)
    }

    /// The address invited.
    async fn email(&self) -> &str {
        &self.model.email
    }

    /// The role the new member gets.
    async fn role(&self) -> Role {
        self.model.role.into()
    }

    /// The token to pass to `acceptInvitation`. Returned once, by
    /// `inviteMember`; null afterwards (only its hash is stored).
    async fn token(&self) -> Option<&str> {
        self.token.as_deref()
    }

    /// After this instant the invitation can no longer be accepted.
    async fn expires_at(&self) -> Timestamp {
        self.model.expires_at.into()
    }

    /// When it was accepted, if it was.
    async fn accepted_at(&self) -> Option<Timestamp> {
        self.model.accepted_at.map(Into::into)
    }

    /// Whether it may still be accepted, and if not, why.
    async fn status(&self, ctx: &Context<'_>) -> async_graphql::Result<InvitationStatus> {
        let now = state(ctx)?.clock.now();
        let status: Status = invitations::status(
            self.model.accepted_at,
            self.model.revoked_at,
            self.model.expires_at,
            now,
        );
        Ok(status.into())
    }

    /// The admin who sent it (null if their account is gone).
    async fn invited_by(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<User>> {
        let Some(inviter) = self.model.invited_by else {
            return Ok(None);
        };
        Ok(loader(ctx)?
            .load_one(UserById(inviter))
            .await?
            .map(User::new))
    }
}
