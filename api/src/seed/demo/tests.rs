use chrono::{Datelike, TimeZone, Timelike, Utc, Weekday};

use super::*;

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
fn clinics_start_next_week_at_local_time_across_dst() {
    // Saturday 28 November 2026: at least six days ahead, Thursday 10 December.
    let now = Utc.with_ymd_and_hms(2026, 11, 28, 9, 0, 0).unwrap();
    let thursday = next(now, Weekday::Thu, 10).unwrap();
    assert_eq!(
        thursday,
        Utc.with_ymd_and_hms(2026, 12, 10, 8, 0, 0).unwrap()
    );
    // In summer Helsinki is UTC+3.
    let summer = next(
        Utc.with_ymd_and_hms(2027, 6, 1, 9, 0, 0).unwrap(),
        Weekday::Mon,
        9,
    )
    .unwrap();
    assert_eq!(summer.hour(), 6);
    assert_eq!(summer.weekday(), Weekday::Mon);
}
