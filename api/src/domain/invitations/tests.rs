//! Unit tests of the parent module.

use chrono::{Duration, TimeZone, Utc};

use super::*;

#[test]
fn acceptance_wins_then_revocation_then_expiry() {
    let now = Utc.with_ymd_and_hms(2026, 12, 6, 12, 0, 0).unwrap();
    let later = now + Duration::days(1);
    let earlier = now - Duration::days(1);
    assert_eq!(status(None, None, later, now), InvitationStatus::Pending);
    assert_eq!(status(None, None, now, now), InvitationStatus::Expired);
    assert_eq!(
        status(None, Some(earlier), later, now),
        InvitationStatus::Revoked
    );
    assert_eq!(
        status(None, Some(earlier), earlier, now),
        InvitationStatus::Revoked
    );
    assert_eq!(
        status(Some(earlier), Some(earlier), earlier, now),
        InvitationStatus::Accepted
    );
}
