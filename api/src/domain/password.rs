//! The password policy: 10 to 256 characters, nothing else imposed (NIST 800-63B).

use crate::error::AppError;

/// Shortest password accepted, in characters.
pub const MIN_CHARS: usize = 10;
/// Longest password accepted, in characters.
pub const MAX_CHARS: usize = 256;

/// A password that meets the policy. Never printed.
#[derive(Clone)]
pub struct Password(String);

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password([redacted])")
    }
}

impl Password {
    /// Checks `raw` against the policy, reporting problems against `field`.
    pub fn parse(raw: &str, field: &'static str) -> Result<Self, AppError> {
        let chars = raw.chars().count();
        if chars < MIN_CHARS {
            return Err(AppError::field(
                field,
                format!("password must be at least {MIN_CHARS} characters"),
            ));
        }
        if chars > MAX_CHARS {
            return Err(AppError::field(
                field,
                format!("password must be at most {MAX_CHARS} characters"),
            ));
        }
        Ok(Self(raw.to_owned()))
    }

    /// The password itself, for hashing.
    pub fn into_inner(self) -> String {
        self.0
    }
}

#[cfg(test)]
mod tests;
