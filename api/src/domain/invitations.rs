//! Where an invitation stands.

use chrono::{DateTime, Utc};

/// An invitation's status, from its timestamps and the time now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InvitationStatus {
    /// May still be accepted.
    Pending,
    /// Accepted: the member exists.
    Accepted,
    /// Revoked by an admin, or voided when its inviter stopped being an
    /// active admin.
    Revoked,
    /// Not accepted in time.
    Expired,
}

/// The status of an invitation: acceptance wins over everything, a
/// revocation over expiry.
pub fn status(
    accepted_at: Option<DateTime<Utc>>,
    revoked_at: Option<DateTime<Utc>>,
    expires_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> InvitationStatus {
    match (accepted_at, revoked_at) {
        (Some(_), _) => InvitationStatus::Accepted,
        (None, Some(_)) => InvitationStatus::Revoked,
        (None, None) if expires_at <= now => InvitationStatus::Expired,
        (None, None) => InvitationStatus::Pending,
    }
}

#[cfg(test)]
mod tests;
