//! Clinic input rules: capacity bounds, links, the overlap test.

use chrono::{DateTime, Utc};

use crate::error::AppError;

/// Checks a capacity (clinics and courses alike).
pub fn capacity(value: i32, field: &'static str) -> Result<i32, AppError> {
    if super::seats::CAPACITY_RANGE.contains(&value) {
        Ok(value)
    } else {
        Err(AppError::field(
            field,
            "capacity must be between 1 and 10000",
        ))
    }
}

/// Checks that an optional link is an absolute http(s) URL.
pub fn link(value: Option<&str>, field: &'static str) -> Result<Option<String>, AppError> {
    let Some(value) = value.map(str::trim).filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    if value.len() > 2048 {
        return Err(AppError::field(
            field,
            "the address is longer than 2048 characters",
        ));
    }
    match url::Url::parse(value) {
        Ok(url)
            if matches!(url.scheme(), "http" | "https")
                && url.host_str().is_some_and(|h| !h.is_empty()) =>
        {
            Ok(Some(url.to_string()))
        }
        _ => Err(AppError::field(
            field,
            "not a web address (http:// or https://)",
        )),
    }
}

/// Checks that a clinic ends after it starts.
pub fn times(starts_at: DateTime<Utc>, ends_at: DateTime<Utc>) -> Result<(), AppError> {
    if ends_at <= starts_at {
        return Err(AppError::field("endsAt", "endsAt must be after startsAt"));
    }
    Ok(())
}

/// Seat rule 5: whether a clinic takes registrations now (not once it has
/// started, not once it is cancelled).
pub fn registration_open(
    cancelled: bool,
    starts_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    if cancelled {
        return Err(AppError::Conflict("the clinic is cancelled".into()));
    }
    if starts_at <= now {
        return Err(AppError::Conflict("the clinic has already started".into()));
    }
    Ok(())
}

/// Whether a clinic's waitlist still moves: until it starts. Seat rule 5
/// stops registration at the start, and a seat freed after it (or a capacity
/// raised) promotes nobody: a promotion then would be a seat in a session
/// already under way.
pub fn waitlist_moves(starts_at: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    now < starts_at
}

/// A start in the clinic's own time zone, for messages ("2027-01-10 12:00 EET").
pub fn local_start(starts_at: DateTime<Utc>, timezone: &str) -> String {
    match timezone.parse::<chrono_tz::Tz>() {
        Ok(tz) => starts_at
            .with_timezone(&tz)
            .format("%Y-%m-%d %H:%M %Z")
            .to_string(),
        Err(_) => starts_at.format("%Y-%m-%d %H:%M UTC").to_string(),
    }
}

/// Whether two half-open intervals overlap (back-to-back clinics do not).
pub fn overlaps(a: (DateTime<Utc>, DateTime<Utc>), b: (DateTime<Utc>, DateTime<Utc>)) -> bool {
    a.0 < b.1 && b.0 < a.1
}

#[cfg(test)]
mod tests;
