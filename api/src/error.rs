//! The one error type. Every failure a client can see is an [`AppError`]; its
//! variant decides the GraphQL `extensions.code`, in [`AppError::code`] and
//! nowhere else. Database errors never reach a client as text (they are
//! converted in [`crate::db`], so the domain, which uses this type, knows
//! nothing of the database).

/// Result of any operation that can fail in a client-visible way.
pub type AppResult<T> = Result<T, AppError>;

/// The codes of API.md, exactly as clients see them in `extensions.code`.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum ErrorCode {
    Unauthenticated,
    Forbidden,
    NotFound,
    BadUserInput,
    Conflict,
    RateLimited,
    QueryTooComplex,
    Internal,
}

impl ErrorCode {
    /// The wire form of the code.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Unauthenticated => "UNAUTHENTICATED",
            Self::Forbidden => "FORBIDDEN",
            Self::NotFound => "NOT_FOUND",
            Self::BadUserInput => "BAD_USER_INPUT",
            Self::Conflict => "CONFLICT",
            Self::RateLimited => "RATE_LIMITED",
            Self::QueryTooComplex => "QUERY_TOO_COMPLEX",
            Self::Internal => "INTERNAL",
        }
    }
}

/// A failure, described in words that are safe to show any client.
#[derive(Debug, Clone, thiserror::Error)]
pub enum AppError {
    /// No valid credentials: `UNAUTHENTICATED`.
    #[error("{0}")]
    Unauthenticated(&'static str),
    /// Known caller, not allowed: `FORBIDDEN`.
    #[error("{0}")]
    Forbidden(&'static str),
    /// Does not exist, or belongs to another organisation: `NOT_FOUND`.
    #[error("{0} not found")]
    NotFound(&'static str),
    /// Invalid input, optionally naming the field at fault: `BAD_USER_INPUT`.
    #[error("{message}")]
    BadInput {
        field: Option<&'static str>,
        message: String,
    },
    /// The request contradicts the current state: `CONFLICT`.
    #[error("{0}")]
    Conflict(String),
    /// Too many attempts; try again after the given number of seconds: `RATE_LIMITED`.
    #[error("too many attempts, try again later")]
    RateLimited { retry_after_secs: u64 },
    /// The document is too large or too complex to run: `QUERY_TOO_COMPLEX`.
    #[error("{0}")]
    QueryTooComplex(String),
    /// Anything else. The cause is logged, never shown: `INTERNAL`.
    #[error("internal error")]
    Internal(String),
}

impl AppError {
    /// The client-visible code of this error.
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::Unauthenticated(_) => ErrorCode::Unauthenticated,
            Self::Forbidden(_) => ErrorCode::Forbidden,
            Self::NotFound(_) => ErrorCode::NotFound,
            Self::BadInput { .. } => ErrorCode::BadUserInput,
            Self::Conflict(_) => ErrorCode::Conflict,
            Self::RateLimited { .. } => ErrorCode::RateLimited,
            Self::QueryTooComplex(_) => ErrorCode::QueryTooComplex,
            Self::Internal(_) => ErrorCode::Internal,
        }
    }

    /// Invalid input in one named field.
    pub fn field(field: &'static str, message: impl Into<String>) -> Self {
        Self::BadInput {
            field: Some(field),
            message: message.into(),
        }
    }

    /// Invalid input not tied to one field.
    pub fn bad_input(message: impl Into<String>) -> Self {
        Self::BadInput {
            field: None,
            message: message.into(),
        }
    }

    /// An internal failure; `cause` is logged, not shown.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        let cause = cause.to_string();
        tracing::error!(%cause, "internal error");
        Self::Internal(cause)
    }
}

impl From<tokio::task::JoinError> for AppError {
    fn from(err: tokio::task::JoinError) -> Self {
        Self::internal(err)
    }
}

/// A row another row refers to (the database keeps the reference): that it
/// is missing is a server fault, not the caller's.
pub trait Required<T> {
    /// The value, or `INTERNAL` naming what was missing.
    fn required(self, what: &'static str) -> AppResult<T>;
}

impl<T> Required<T> for Option<T> {
    fn required(self, what: &'static str) -> AppResult<T> {
        self.ok_or_else(|| AppError::internal(format!("{what} missing")))
    }
}
