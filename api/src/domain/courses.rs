//! A course's life: DRAFT → PUBLISHED → ARCHIVED (a draft may be archived
//! straight away); nothing else, and an archived course no longer changes.

use crate::error::AppError;

/// Where a course stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CourseStatus {
    /// Being written; admins only.
    Draft,
    /// Open to members.
    Published,
    /// Closed: kept for those who took it.
    Archived,
}

impl CourseStatus {
    /// The status in a sentence, with its article.
    fn with_article(self) -> &'static str {
        match self {
            Self::Draft => "a draft",
            Self::Published => "a published",
            Self::Archived => "an archived",
        }
    }

    fn word(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Published => "published",
            Self::Archived => "archived",
        }
    }
}

/// Whether a course may move from `from` to `to`; publishing needs a lesson.
pub fn check_move(from: CourseStatus, to: CourseStatus, lessons: u64) -> Result<(), AppError> {
    use CourseStatus::*;
    match (from, to) {
        (Draft, Published) if lessons == 0 => Err(AppError::Conflict(
            "a course needs at least one lesson to be published".into(),
        )),
        (Draft, Published) | (Draft | Published, Archived) => Ok(()),
        (from, to) => Err(AppError::Conflict(format!(
            "{} course cannot become {}",
            from.with_article(),
            to.word()
        ))),
    }
}

/// Whether a course's content and settings may still change.
pub fn check_changeable(status: CourseStatus) -> Result<(), AppError> {
    if status == CourseStatus::Archived {
        Err(AppError::Conflict(
            "an archived course cannot change".into(),
        ))
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests;
