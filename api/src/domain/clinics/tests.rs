//! Unit tests of the parent module.

use super::*;
use chrono::TimeZone;

#[test]
fn capacities_and_links_are_checked() {
    assert!(capacity(0, "capacity").is_err());
    assert!(capacity(10_001, "capacity").is_err());
    assert_eq!(capacity(20, "capacity").ok(), Some(20));
    assert_eq!(
        link(Some("https://meet.example.fi/x"), "onlineUrl").ok(),
        Some(Some("https://meet.example.fi/x".into()))
    );
    assert_eq!(link(Some("  "), "onlineUrl").ok(), Some(None));
    for bad in [
        "javascript:alert(1)",
        "meet.example.fi",
        "ftp://x.fi",
        "https://",
    ] {
        assert!(link(Some(bad), "onlineUrl").is_err(), "{bad}");
    }
}

#[test]
fn back_to_back_is_not_an_overlap() {
    let at = |h| {
        Utc.with_ymd_and_hms(2027, 1, 1, h, 0, 0)
            .single()
            .expect("valid")
    };
    assert!(!overlaps((at(9), at(10)), (at(10), at(11))));
    assert!(overlaps((at(9), at(11)), (at(10), at(12))));
    assert!(overlaps((at(9), at(12)), (at(10), at(11))));
}

#[test]
fn the_waitlist_stops_moving_when_the_clinic_starts() {
    use chrono::{Duration, TimeZone};
    let start = Utc.with_ymd_and_hms(2027, 1, 10, 10, 0, 0).unwrap();
    assert!(waitlist_moves(start, start - Duration::seconds(1)));
    assert!(!waitlist_moves(start, start));
    assert!(!waitlist_moves(start, start + Duration::minutes(5)));
}

#[test]
fn registration_closes_at_the_start_and_with_a_cancellation() {
    use chrono::{Duration, TimeZone};
    let start = Utc.with_ymd_and_hms(2027, 1, 10, 10, 0, 0).unwrap();
    assert!(registration_open(false, start, start - Duration::seconds(1)).is_ok());
    assert!(registration_open(false, start, start).is_err());
    assert!(registration_open(true, start, start - Duration::days(1)).is_err());
}
