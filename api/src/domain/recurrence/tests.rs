//! Unit tests of the parent module.

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
    assert_eq!(resolve(tz, gap), utc("2027-03-28T01:30:00Z"));
}

#[test]
fn zones_must_be_real() {
    assert!(parse_timezone("Europe/Helsinki", "timezone").is_ok());
    assert!(parse_timezone("Mars/Olympus", "timezone").is_err());
    assert!(parse_timezone("", "timezone").is_err());
}
