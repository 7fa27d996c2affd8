//! Unit tests of the parent module.

use chrono::Datelike;

use super::*;

fn utc(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s)
        .expect("valid")
        .with_timezone(&Utc)
}

#[test]
fn a_helsinki_series_keeps_its_local_time_across_the_spring_change() {
    let tz: Tz = "Europe/Helsinki".parse().expect("zone");
    let series = weekly(
        utc("2027-03-17T08:00:00Z"),
        utc("2027-03-17T09:00:00Z"),
        tz,
        Some(Weekly::Count(3)),
    )
    .expect("valid");
    let starts: Vec<String> = series.iter().map(|(s, _)| s.to_rfc3339()).collect();
    // 10:00 EET is 08:00Z; after 28 March 10:00 EEST is 07:00Z.
    assert_eq!(
        starts,
        [
            "2027-03-17T08:00:00+00:00",
            "2027-03-24T08:00:00+00:00",
            "2027-03-31T07:00:00+00:00"
        ]
    );
    assert!(series.iter().all(|(s, e)| *e - *s == Duration::hours(1)));
    for (start, _) in &series {
        assert_eq!(
            start.with_timezone(&tz).format("%H:%M").to_string(),
            "10:00"
        );
    }
}

#[test]
fn and_across_the_autumn_change() {
    let tz: Tz = "Europe/Helsinki".parse().expect("zone");
    let series = weekly(
        utc("2027-10-27T07:00:00Z"),
        utc("2027-10-27T08:00:00Z"),
        tz,
        Some(Weekly::Until(
            NaiveDate::from_ymd_opt(2027, 11, 3).expect("date"),
        )),
    )
    .expect("valid");
    assert_eq!(series.len(), 2);
    assert_eq!(series[1].0, utc("2027-11-03T08:00:00Z"));
}

#[test]
fn series_are_bounded() {
    let tz: Tz = "UTC".parse().expect("zone");
    let (s, e) = (utc("2027-01-04T10:00:00Z"), utc("2027-01-04T11:00:00Z"));
    assert_eq!(
        weekly(s, e, tz, Some(Weekly::Count(52)))
            .map(|v| v.len())
            .ok(),
        Some(52)
    );
    assert!(weekly(s, e, tz, Some(Weekly::Count(53))).is_err());
    assert!(weekly(s, e, tz, Some(Weekly::Count(0))).is_err());
    let until = |d| {
        Some(Weekly::Until(
            NaiveDate::from_ymd_opt(2027, 12, d).expect("date"),
        ))
    };
    assert_eq!(weekly(s, e, tz, until(27)).map(|v| v.len()).ok(), Some(52));
    assert_eq!(weekly(s, e, tz, until(28)).map(|v| v.len()).ok(), Some(52));
    let too_far = Some(Weekly::Until(
        NaiveDate::from_ymd_opt(2028, 1, 3).expect("date"),
    ));
    assert!(weekly(s, e, tz, too_far).is_err());
    assert!(
        weekly(
            s,
            e,
            tz,
            Some(Weekly::Until(
                NaiveDate::from_ymd_opt(2026, 1, 1).expect("date")
            ))
        )
        .is_err()
    );
    assert_eq!(weekly(s, e, tz, None).map(|v| v.len()).ok(), Some(1));
}

#[test]
fn times_in_the_spring_gap_move_an_hour_later() {
    let tz: Tz = "Europe/Helsinki".parse().expect("zone");
    let gap = NaiveDate::from_ymd_opt(2027, 3, 28)
        .expect("date")
        .and_hms_opt(3, 30, 0)
        .expect("time");
    assert_eq!(resolve(tz, gap, 2 * 3600), utc("2027-03-28T01:30:00Z"));
}

fn starts(series: &[Occurrence], tz: Tz) -> Vec<String> {
    series
        .iter()
        .map(|(s, _)| s.with_timezone(&tz).to_rfc3339())
        .collect()
}

#[test]
fn a_helsinki_series_started_at_the_second_half_past_three_of_the_fall_back_night() {
    let tz: Tz = "Europe/Helsinki".parse().expect("zone");
    // 25 October 2026: 04:00 EEST goes back to 03:00 EET, so 03:30 happens
    // twice. The series starts at the second (EET, 01:30Z)…
    let series = weekly(
        utc("2026-10-25T01:30:00Z"),
        utc("2026-10-25T02:30:00Z"),
        tz,
        Some(Weekly::Count(2)),
    )
    .expect("valid");
    // …exactly there, not an hour early, and stays at 03:30 local.
    assert_eq!(
        starts(&series, tz),
        ["2026-10-25T03:30:00+02:00", "2026-11-01T03:30:00+02:00"]
    );
    // One started a week earlier in summer time keeps its offset on that night.
    let series = weekly(
        utc("2026-10-18T00:30:00Z"),
        utc("2026-10-18T01:30:00Z"),
        tz,
        Some(Weekly::Count(3)),
    )
    .expect("valid");
    assert_eq!(
        starts(&series, tz),
        [
            "2026-10-18T03:30:00+03:00",
            "2026-10-25T03:30:00+03:00",
            "2026-11-01T03:30:00+02:00"
        ]
    );
}

#[test]
fn a_lord_howe_series_moves_forward_by_its_half_hour_gap() {
    let tz: Tz = "Australia/Lord_Howe".parse().expect("zone");
    // 4 October 2026, 02:00 +10:30 becomes 02:30 +11: 02:15 does not exist.
    let series = weekly(
        utc("2026-09-26T15:45:00Z"),
        utc("2026-09-26T16:45:00Z"),
        tz,
        Some(Weekly::Count(3)),
    )
    .expect("valid");
    assert_eq!(
        starts(&series, tz),
        [
            "2026-09-27T02:15:00+10:30",
            "2026-10-04T02:45:00+11:00",
            "2026-10-11T02:15:00+11:00"
        ]
    );
}

#[test]
fn a_troll_series_moves_forward_by_its_two_hour_gap() {
    let tz: Tz = "Antarctica/Troll".parse().expect("zone");
    // 28 March 2027, 01:00 +00 becomes 03:00 +02: 01:30 and 02:30 do not exist.
    let series = weekly(
        utc("2027-03-21T02:30:00Z"),
        utc("2027-03-21T03:00:00Z"),
        tz,
        Some(Weekly::Count(3)),
    )
    .expect("valid");
    assert_eq!(
        starts(&series, tz),
        [
            "2027-03-21T02:30:00+00:00",
            "2027-03-28T04:30:00+02:00",
            "2027-04-04T02:30:00+02:00"
        ]
    );
}

/// The rule again, computed another way: every UTC instant that reads as
/// `local` in `tz` is `local` minus one of the offsets in force around it;
/// keep those that really read so. None: the offset in force at the last
/// moment that read earlier than `local` (just before the gap) applies.
fn by_scanning(tz: Tz, local: NaiveDateTime, first_offset: i32) -> DateTime<Utc> {
    let around = Utc.from_utc_datetime(&local);
    let samples: Vec<DateTime<Utc>> = (-64..=64)
        .map(|quarter| around + Duration::minutes(15 * quarter))
        .collect();
    let offset_at = |t: DateTime<Utc>| {
        tz.offset_from_utc_datetime(&t.naive_utc())
            .fix()
            .local_minus_utc()
    };
    let mut offsets: Vec<i32> = samples.iter().map(|t| offset_at(*t)).collect();
    offsets.sort_unstable();
    offsets.dedup();
    let mut readings: Vec<(DateTime<Utc>, i32)> = offsets
        .iter()
        .map(|o| (around - Duration::seconds(i64::from(*o)), *o))
        .filter(|(t, o)| offset_at(*t) == *o)
        .collect();
    readings.sort();
    match readings.as_slice() {
        [(only, _)] => *only,
        [] => {
            let before = samples
                .iter()
                .filter(|t| t.naive_utc() + Duration::seconds(i64::from(offset_at(**t))) < local)
                .last()
                .map(|t| offset_at(*t))
                .unwrap_or(0);
            around - Duration::seconds(i64::from(before))
        }
        many => many
            .iter()
            .find(|(_, o)| *o == first_offset)
            .map_or(many[0].0, |(t, _)| *t),
    }
}

use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4000))]
    /// Every zone chrono-tz knows, at random moments between 1990 and 2037,
    /// including the weeks around each zone's changes.
    #[test]
    fn every_zone_agrees_with_an_independent_computation(
        zone in 0..chrono_tz::TZ_VARIANTS.len(),
        days in 0i64..(48 * 366),
        minutes in 0i64..(24 * 60),
        first_offset_hours in -12i32..=14,
    ) {
        let tz = chrono_tz::TZ_VARIANTS[zone];
        let local = NaiveDate::from_ymd_opt(1990, 1, 1).expect("date").and_hms_opt(0, 0, 0).expect("time")
            + Duration::days(days) + Duration::minutes(minutes);
        for first_offset in [first_offset_hours * 3600, tz.offset_from_utc_datetime(&local).fix().local_minus_utc()] {
            prop_assert_eq!(resolve(tz, local, first_offset), by_scanning(tz, local, first_offset), "{} at {}", tz, local);
        }
    }
}

#[test]
fn every_zone_is_checked_around_each_of_its_changes() {
    // Each zone's changes in 2026 and 2027, found a day at a time; around
    // each, every quarter of an hour for three hours either side.
    let mut checked = 0;
    for tz in chrono_tz::TZ_VARIANTS {
        let offset_at = |t: NaiveDateTime| tz.offset_from_utc_datetime(&t).fix().local_minus_utc();
        let mut day = NaiveDate::from_ymd_opt(2026, 1, 1)
            .expect("date")
            .and_hms_opt(0, 0, 0)
            .expect("time");
        while day.date().year_ce().1 < 2028 {
            let next = day + Duration::days(1);
            let (before, after) = (offset_at(day), offset_at(next));
            if before != after {
                for quarter in -12..=12 {
                    let local = next + Duration::minutes(15 * quarter);
                    for first in [before, after] {
                        assert_eq!(
                            resolve(tz, local, first),
                            by_scanning(tz, local, first),
                            "{tz} at {local}"
                        );
                        checked += 1;
                    }
                }
            }
            day = next;
        }
    }
    assert!(checked > 10_000, "{checked}");
}
