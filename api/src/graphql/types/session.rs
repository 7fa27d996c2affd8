//! `AuthPayload`: what every operation that starts a session returns.

use async_graphql::SimpleObject;

use super::User;
use crate::graphql::scalars::Timestamp;
use crate::service::sessions::Session;

/// A new session.
#[derive(SimpleObject)]
pub struct AuthPayload {
    /// Bearer token for `Authorization`, valid for at most 15 minutes.
    pub access_token: String,
    /// Single-use token for `refreshSession`; rotates on every use.
    pub refresh_token: String,
    /// When the access token expires.
    pub expires_at: Timestamp,
    /// The signed-in member.
    pub user: User,
}

impl From<Session> for AuthPayload {
    fn from(session: Session) -> Self {
        Self {
            access_token: session.access_token,
            refresh_token: session.refresh_token,
            expires_at: session.expires_at.into(),
            user: User::owned(session.user),
        }
    }
}
