//! E-mail addresses, trimmed and lower-cased so each person has one spelling.

use crate::error::AppError;

/// A syntactically plausible e-mail address in canonical (lower-case) form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    /// Parses `raw`, reporting problems against `field`.
    pub fn parse(raw: &str, field: &'static str) -> Result<Self, AppError> {
        let email = raw.trim().to_lowercase();
        let bad = |why: &str| AppError::field(field, format!("email {why}"));
        if email.is_empty() {
            return Err(bad("is required"));
        }
        if email.chars().count() > 254 {
            return Err(bad("is longer than 254 characters"));
        }
        if email.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(bad("contains spaces or control characters"));
        }
        let Some((local, domain)) = email.rsplit_once('@') else {
            return Err(bad("needs an @"));
        };
        if local.is_empty() || local.contains('@') || local.len() > 64 {
            return Err(bad("has an invalid part before the @"));
        }
        let labels_ok = domain.split('.').all(|label| {
            !label.is_empty()
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_alphanumeric() || c == '-')
        });
        if !domain.contains('.') || !labels_ok {
            return Err(bad("has an invalid domain"));
        }
        Ok(Self(email))
    }

    /// The canonical form.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Takes the canonical form.
    pub fn into_inner(self) -> String {
        self.0
    }
}

#[cfg(test)]
mod tests;
