//! Free-text fields: trimmed, bounded, and free of control characters.

use crate::error::AppError;

/// Trims `raw` and checks it is 1 to `max` characters with no control characters
/// (line breaks allowed only when `multiline`).
pub fn required(
    raw: &str,
    field: &'static str,
    max: usize,
    multiline: bool,
) -> Result<String, AppError> {
    let value = optional(raw, field, max, multiline)?;
    if value.is_empty() {
        return Err(AppError::field(field, format!("{field} is required")));
    }
    Ok(value)
}

/// Like [`required`] but an empty value is allowed.
pub fn optional(
    raw: &str,
    field: &'static str,
    max: usize,
    multiline: bool,
) -> Result<String, AppError> {
    let value = raw.trim();
    if value.chars().count() > max {
        return Err(AppError::field(
            field,
            format!("{field} must be at most {max} characters"),
        ));
    }
    let bad = value
        .chars()
        .any(|c| c.is_control() && !(multiline && (c == '\n' || c == '\r' || c == '\t')));
    if bad {
        return Err(AppError::field(
            field,
            format!("{field} contains control characters"),
        ));
    }
    Ok(value.to_owned())
}

/// Longest search term.
pub const MAX_SEARCH: usize = 100;

/// A search term as lists take it: trimmed, lower case, at most
/// [`MAX_SEARCH`] characters; `None` when there is nothing to search for.
pub fn search_term(raw: Option<&str>) -> Result<Option<String>, AppError> {
    let Some(term) = raw.map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    if term.chars().count() > MAX_SEARCH {
        return Err(AppError::field(
            "search",
            format!("search must be at most {MAX_SEARCH} characters"),
        ));
    }
    Ok(Some(term.to_lowercase()))
}

#[cfg(test)]
mod tests;
