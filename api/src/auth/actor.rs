//! The caller of a request, as established from its access token.

use entity::Role;

/// An authenticated member: who they are, where, with which role, and which
/// session (refresh-token family) the request belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub user_id: i64,
    pub organisation_id: i64,
    pub role: Role,
    pub session: Option<String>,
    /// When the access token that established this actor expires (Unix seconds).
    pub expires_at: Option<i64>,
}

impl Actor {
    /// Whether the actor administers their organisation.
    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }
}
