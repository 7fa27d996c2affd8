use chrono::{Datelike, TimeZone, Timelike, Utc, Weekday};

use super::clinics::days_ahead;
use super::people::{PEOPLE, email};

#[test]
fn emails_are_ascii_first_dot_last() {
    assert_eq!(email("Liisa Mäkinen"), "liisa.makinen@kuusisto.example");
    assert_eq!(email("Päivi Salonen"), "paivi.salonen@kuusisto.example");
    assert_eq!(email("Kirsi Pitkänen"), "kirsi.pitkanen@kuusisto.example");
}

#[test]
fn every_demo_person_has_a_distinct_address() {
    let mut all: Vec<String> = PEOPLE.iter().map(|p| email(p.name)).collect();
    all.sort();
    all.dedup();
    assert_eq!(all.len(), PEOPLE.len());
    assert!(PEOPLE.len() >= 40);
}

#[test]
fn clinics_start_days_ahead_at_local_time_across_dst() {
    // Saturday 28 November 2026, ten days ahead: Tuesday 8 December, 10:00 EET.
    let now = Utc.with_ymd_and_hms(2026, 11, 28, 9, 0, 0).unwrap();
    assert_eq!(
        days_ahead(now, 10, 10).unwrap(),
        Utc.with_ymd_and_hms(2026, 12, 8, 8, 0, 0).unwrap()
    );
    // Whatever the weekday, the board's order is the same.
    for offset in 0..7 {
        let today = now + chrono::Duration::days(offset);
        let starts: Vec<_> = [(7, 9), (8, 13), (9, 14), (10, 10)]
            .iter()
            .map(|(d, h)| days_ahead(today, *d, *h).unwrap())
            .collect();
        assert!(starts.windows(2).all(|w| w[0] < w[1]), "{starts:?}");
    }
    // In summer Helsinki is UTC+3.
    let summer = days_ahead(Utc.with_ymd_and_hms(2027, 6, 1, 9, 0, 0).unwrap(), 7, 9).unwrap();
    assert_eq!(summer.hour(), 6);
    assert_eq!(summer.weekday(), Weekday::Tue);
}
