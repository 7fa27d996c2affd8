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
mod tests;
