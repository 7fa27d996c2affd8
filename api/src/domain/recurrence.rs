//! Weekly series, computed in the clinic's own time zone: a weekly 10:00
//! Europe/Helsinki clinic stays at 10:00 local time across daylight-saving
//! changes, so its UTC instant moves by an hour.
//!
//! The first clinic is exactly the given start. Each later week keeps the
//! first's local wall-clock time; where that time occurs twice (the autumn
//! change) the week keeps the UTC offset the series started with (the
//! earlier of the two when neither has it), and where it does not occur (the
//! spring change) it moves forward by the real length of the gap (half an
//! hour on Lord Howe Island, two hours at Troll station, an hour elsewhere).

use chrono::{DateTime, Duration, LocalResult, NaiveDate, NaiveDateTime, Offset, TimeZone, Utc};
use chrono_tz::Tz;

use crate::error::AppError;

/// Whether an instant can be written as RFC 3339 (years 1 to 9999 in UTC),
/// as every date-time in the API is.
pub fn expressible(at: DateTime<Utc>) -> bool {
    (1..=9999).contains(&chrono::Datelike::year(&at))
}

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
    let first = starts_at.with_timezone(&tz);
    let local_start = first.naive_local();
    let first_offset = first.offset().fix().local_minus_utc();
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
    let series: Vec<Occurrence> = (0..count)
        .map(|week| {
            let start = if week == 0 {
                starts_at
            } else {
                let local = local_start + Duration::weeks(i64::from(week));
                resolve(tz, local, first_offset)
            };
            (start, start + duration)
        })
        .collect();
    if series
        .iter()
        .any(|(start, end)| !expressible(*start) || !expressible(*end))
    {
        return Err(AppError::field(
            "recurrence",
            "the series would run past the year 9999",
        ));
    }
    Ok(series)
}

/// The UTC instant of a local wall-clock time in `tz`, for a series whose
/// first clinic had the UTC offset `first_offset` (seconds east of UTC).
/// Twice over (the autumn change): the instant with that offset, else the
/// earlier. Not at all (the spring change): the time as the offset in force
/// just before the gap reads it, which is the local time moved forward by
/// the gap's length.
pub fn resolve(tz: Tz, local: NaiveDateTime, first_offset: i32) -> DateTime<Utc> {
    let offset = |at: &DateTime<Tz>| at.offset().fix().local_minus_utc();
    match tz.from_local_datetime(&local) {
        LocalResult::Single(at) => at.with_timezone(&Utc),
        LocalResult::Ambiguous(earlier, later) => {
            if offset(&later) == first_offset && offset(&earlier) != first_offset {
                later.with_timezone(&Utc)
            } else {
                earlier.with_timezone(&Utc)
            }
        }
        LocalResult::None => {
            // Two days before, read as UTC, is before the gap began whatever
            // the zone's offset (at most 14 hours), and after any earlier change.
            let before = tz
                .offset_from_utc_datetime(&(local - Duration::days(2)))
                .fix()
                .local_minus_utc();
            Utc.from_utc_datetime(&(local - Duration::seconds(i64::from(before))))
        }
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
