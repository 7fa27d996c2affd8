use chrono::{Duration, TimeZone, Utc};

use super::*;

#[test]
fn every_mail_kind_reads_back_from_its_stored_name() {
    for kind in [
        MailKind::Invitation,
        MailKind::PasswordReset,
        MailKind::ClinicReminder,
    ]
    .into_iter()
    .chain(Kind::ALL.into_iter().map(MailKind::Notification))
    {
        assert_eq!(MailKind::parse(kind.as_str()), Some(kind));
    }
    assert_eq!(MailKind::parse("newsletter"), None);
}

#[test]
fn email_kinds_round_trip_in_one_order_and_skip_unknown_names() {
    let stored = store_email_kinds(&[Kind::ClinicMoved, Kind::WaitlistPromoted, Kind::ClinicMoved]);
    assert_eq!(stored, "WAITLIST_PROMOTED,CLINIC_MOVED");
    assert_eq!(
        email_kinds("CLINIC_MOVED, SOMETHING_NEWER,WAITLIST_PROMOTED"),
        [Kind::WaitlistPromoted, Kind::ClinicMoved]
    );
    assert_eq!(email_kinds(""), []);
    assert!(wants(&stored, Kind::ClinicMoved));
    assert!(!wants(&stored, Kind::ClinicCancelled));
    assert_eq!(
        email_kinds(&store_email_kinds(&DEFAULT_EMAIL_KINDS)),
        DEFAULT_EMAIL_KINDS
    );
}

#[test]
fn retries_double_up_to_an_hour_and_stop_after_a_day() {
    let created = Utc.with_ymd_and_hms(2027, 1, 1, 12, 0, 0).unwrap();
    assert_eq!(
        retry_at(created, 1, created),
        Some(created + Duration::seconds(30))
    );
    assert_eq!(
        retry_at(created, 2, created),
        Some(created + Duration::seconds(60))
    );
    assert_eq!(
        retry_at(created, 5, created),
        Some(created + Duration::seconds(480))
    );
    assert_eq!(
        retry_at(created, 12, created),
        Some(created + LONGEST_DELAY)
    );
    assert_eq!(
        retry_at(created, i32::MAX, created),
        Some(created + LONGEST_DELAY)
    );
    let late = created + Duration::hours(23) + Duration::minutes(30);
    assert_eq!(retry_at(created, 20, late), None);
    assert_eq!(
        retry_at(created, 1, late),
        Some(late + Duration::seconds(30))
    );
}

#[test]
fn times_are_written_in_the_zone_and_the_readers_language() {
    let at = Utc.with_ymd_and_hms(2027, 3, 31, 7, 0, 0).unwrap();
    assert_eq!(
        local_time(at, "Europe/Helsinki", Locale::Fi),
        "31.3.2027 klo 10.00 EEST"
    );
    assert_eq!(
        local_time(at, "Europe/Stockholm", Locale::Sv),
        "31.3.2027 kl. 09.00 CEST"
    );
    assert_eq!(
        local_time(at, "Europe/London", Locale::En),
        "31 March 2027 at 08:00 BST"
    );
    assert_eq!(
        local_time(at, "Nowhere/Atlantis", Locale::En),
        "31 March 2027 at 07:00 UTC"
    );
}
