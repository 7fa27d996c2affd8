//! Skill keys: one rule for a key given by an admin and one derived from a
//! name. A key is 1 to 64 characters of a–z, 0–9 and single hyphens between
//! them: a name's letters lose their accents (ä → a, ö → o, é → e), anything
//! else becomes a hyphen.

use unicode_normalization::UnicodeNormalization;

use crate::error::AppError;

/// Longest key.
pub const MAX_KEY_LENGTH: usize = 64;

/// Checks a key given explicitly.
pub fn check_key(key: &str) -> Result<String, AppError> {
    let key = key.trim();
    let valid = !key.is_empty()
        && key.len() <= MAX_KEY_LENGTH
        && key
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !key.starts_with('-')
        && !key.ends_with('-')
        && !key.contains("--");
    if valid {
        Ok(key.to_owned())
    } else {
        Err(AppError::field(
            "key",
            "a key is 1 to 64 of a-z, 0-9 and single hyphens between them",
        ))
    }
}

/// The key a name gives: "Kuntaviestintä & some!" → "kuntaviestinta-some".
/// Empty when the name has no letter or digit that has an ASCII form.
pub fn key_from_name(name: &str) -> String {
    let mut out = String::new();
    for c in name.trim().to_lowercase().nfd() {
        if c.is_ascii_alphanumeric() {
            if out.len() == MAX_KEY_LENGTH {
                break;
            }
            out.push(c);
        } else if unicode_normalization::char::is_combining_mark(c) {
            // An accent, taken off its letter.
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_owned()
}

#[cfg(test)]
mod tests;

/// The order skills are listed in: by name in any case, then by id.
/// Compares the names' lower-case characters as they come, allocating
/// nothing (a page sorts each clinic's skills with it).
pub fn name_order(a: (&str, i64), b: (&str, i64)) -> std::cmp::Ordering {
    fn lower(name: &str) -> impl Iterator<Item = char> + '_ {
        name.chars().flat_map(char::to_lowercase)
    }
    lower(a.0)
        .cmp(lower(b.0))
        .then_with(|| a.0.cmp(b.0))
        .then_with(|| a.1.cmp(&b.1))
}
