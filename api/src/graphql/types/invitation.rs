//! `Invitation`.

use async_graphql::{ID, Object};
use entity::invitation;

use super::Role;
use crate::graphql::ids::{self, Kind};
use crate::graphql::scalars::Timestamp;

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
}
