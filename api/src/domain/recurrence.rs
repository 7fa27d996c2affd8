//! Weekly series, computed in the clinic's own time zone: a weekly 10:00
//! Europe/Helsinki clinic stays at 10:00 local time across daylight-saving
//! changes, so its UTC instant moves by an hour.

use chrono::{DateTime, Duration, LocalResult, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;

use crate::error::AppError;

/// Most clinics one series may hold.
pub const MAX_OCCURRENCES: u32 = 52;

/// How long a weekly series runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Weekly {
    /// This many clinics in all, the first included.
    Count(u32),
    /// Every week up to and including this local date.
    Until(NaiveDate),
}

/// One occurrence: start and end in UTC.
pub type Occurrence = (DateTime<Utc>, DateTime<Utc>);

/// The clinics of a series starting at `starts_at` and lasting until `ends_at`,
/// repeated weekly at the same local wall-clock time in `tz`. Without a rule,
/// the single clinic.
pub fn weekly(
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
    tz: Tz,
    rule: Option<Weekly>,
) -> Result<Vec<Occurrence>, AppError> {
    let duration = ends_at - starts_at;
    let Some(rule) = rule else {
        return Ok(vec![(starts_at, ends_at)]);
    };
    if rule != Weekly::Count(1) && duration >= Duration::days(7) {
        return Err(AppError::field(
            "endsAt",
            "a weekly clinic must last less than a week",
        ));
    }
    let local_start = starts_at.with_timezone(&tz).naive_local();
    let count = match rule {
        Weekly::Count(count) => {
            if !(1..=MAX_OCCURRENCES).contains(&count) {
                return Err(AppError::field(
                    "weeklyCount",
                    format!("weeklyCount must be between 1 and {MAX_OCCURRENCES}"),
                ));
            }
            count
        }
        Weekly::Until(until) => {
            let first_date = local_start.date();
            if until < first_date {
                return Err(AppError::field(
                    "weeklyUntil",
                    "weeklyUntil is before the first clinic",
                ));
            }
            let weeks = (until - first_date).num_days() / 7 + 1;
            if weeks > i64::from(MAX_OCCURRENCES) {
                return Err(AppError::field(
                    "weeklyUntil",
                    format!("a series holds at most {MAX_OCCURRENCES} clinics"),
                ));
            }
            weeks as u32
        }
    };
    Ok((0..count)
        .map(|week| {
            let local = local_start + Duration::weeks(i64::from(week));
            let start = resolve(tz, local);
            (start, start + duration)
        })
        .collect())
}

/// The UTC instant of a local wall-clock time. In the autumn overlap the
/// earlier instant is taken; in the spring gap the time moves an hour later.
pub fn resolve(tz: Tz, local: NaiveDateTime) -> DateTime<Utc> {
    match tz.from_local_datetime(&local) {
        LocalResult::Single(at) => at.with_timezone(&Utc),
        LocalResult::Ambiguous(earlier, _) => earlier.with_timezone(&Utc),
        LocalResult::None => match tz.from_local_datetime(&(local + Duration::hours(1))) {
            LocalResult::Single(at) | LocalResult::Ambiguous(at, _) => at.with_timezone(&Utc),
            LocalResult::None => tz.from_utc_datetime(&local).with_timezone(&Utc),
        },
    }
}

/// Parses an IANA time zone name.
pub fn parse_timezone(name: &str, field: &'static str) -> Result<Tz, AppError> {
    name.trim()
        .parse::<Tz>()
        .map_err(|_| AppError::field(field, "not an IANA time zone such as Europe/Helsinki"))
}

#[cfg(test)]
mod tests {
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
}
