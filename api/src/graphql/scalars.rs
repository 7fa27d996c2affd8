//! Custom scalars.

use async_graphql::{InputValueError, InputValueResult, Scalar, ScalarType, Value};
use chrono::{DateTime, SecondsFormat, Utc};

use crate::domain::recurrence;

/// An instant, as RFC 3339 in UTC with a `Z` suffix (`2026-11-28T10:00:00Z`).
/// Input may use any offset; it is converted to UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Timestamp(pub DateTime<Utc>);

#[Scalar(name = "DateTime")]
/// An instant in RFC 3339 format, always written in UTC with a `Z` suffix.
impl ScalarType for Timestamp {
    fn parse(value: Value) -> InputValueResult<Self> {
        match &value {
            Value::String(text) => DateTime::parse_from_rfc3339(text)
                .map(|at| at.with_timezone(&Utc))
                .ok()
                .filter(|at| recurrence::expressible(*at))
                .map(Timestamp)
                .ok_or_else(|| {
                    InputValueError::custom(
                        "expected an RFC 3339 date-time between the years 1 and 9999, such as 2026-11-28T10:00:00Z",
                    )
                }),
            _ => Err(InputValueError::expected_type(value)),
        }
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.to_rfc3339_opts(SecondsFormat::AutoSi, true))
    }
}

impl From<DateTime<Utc>> for Timestamp {
    fn from(at: DateTime<Utc>) -> Self {
        Self(at)
    }
}

/// A calendar date without a time, `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Date(pub chrono::NaiveDate);

#[Scalar(name = "Date")]
/// A calendar date without a time of day, as `YYYY-MM-DD`.
impl ScalarType for Date {
    fn parse(value: Value) -> InputValueResult<Self> {
        match &value {
            Value::String(text) => chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .ok()
                .filter(|date| (1..=9999).contains(&chrono::Datelike::year(date)))
                .map(Date)
                .ok_or_else(|| InputValueError::custom("expected a date such as 2027-03-01")),
            _ => Err(InputValueError::expected_type(value)),
        }
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.format("%Y-%m-%d").to_string())
    }
}
