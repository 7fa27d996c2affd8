//! Cursor pagination, independent of GraphQL: which slice of an id-ordered
//! list to read, and what came back.

use crate::error::AppError;

/// Largest page a client may ask for.
pub const MAX_PAGE_SIZE: u64 = 100;
/// Page size when the client does not say.
pub const DEFAULT_PAGE_SIZE: u64 = 20;

/// Where an item sits in an ordered list: an optional sort key (for lists
/// ordered by something else first, such as a start time) and its id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Position {
    pub key: Option<i64>,
    pub id: i64,
}

impl Position {
    /// The position of an item in a list ordered by id alone.
    pub fn id(id: i64) -> Self {
        Self { key: None, id }
    }
}

/// A slice of an ordered list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageRequest {
    /// Only items after this position.
    pub after: Option<Position>,
    /// Only items before this position.
    pub before: Option<Position>,
    /// How many items at most.
    pub limit: u64,
    /// Take the last `limit` items of the window instead of the first.
    pub from_end: bool,
    /// Whether the caller wants the list's total count (it costs a query).
    pub count_total: bool,
}

impl PageRequest {
    /// Validates Relay's `first`/`last` (at most one of them, 0 to 100).
    pub fn new(
        first: Option<i32>,
        after: Option<Position>,
        last: Option<i32>,
        before: Option<Position>,
    ) -> Result<Self, AppError> {
        let size = |value: i32, field: &'static str| {
            u64::try_from(value)
                .ok()
                .filter(|n| *n <= MAX_PAGE_SIZE)
                .ok_or_else(|| {
                    AppError::field(
                        field,
                        format!("{field} must be between 0 and {MAX_PAGE_SIZE}"),
                    )
                })
        };
        let (limit, from_end) = match (first, last) {
            (Some(_), Some(_)) => {
                return Err(AppError::field("last", "give first or last, not both"));
            }
            (Some(first), None) => (size(first, "first")?, false),
            (None, Some(last)) => (size(last, "last")?, true),
            (None, None) => (DEFAULT_PAGE_SIZE, false),
        };
        Ok(Self {
            after,
            before,
            limit,
            from_end,
            count_total: true,
        })
    }

    /// The first `limit` items, for lists that take only `first`/`after`.
    pub fn first(first: Option<i32>, after: Option<Position>) -> Result<Self, AppError> {
        Self::new(first, after, None, None)
    }
}

/// One page of items and where it sits in the whole list.
#[derive(Debug, Clone)]
pub struct Paged<T> {
    pub items: Vec<T>,
    pub has_previous_page: bool,
    pub has_next_page: bool,
    pub total_count: u64,
}

impl<T> Paged<T> {
    /// Builds a page from `fetched`, which holds up to `limit + 1` items in
    /// the read direction (the extra one only says that more exist).
    pub fn from_fetched(mut fetched: Vec<T>, request: &PageRequest, total_count: u64) -> Self {
        let limit = usize::try_from(request.limit).unwrap_or(usize::MAX);
        let more = fetched.len() > limit;
        fetched.truncate(limit);
        if request.from_end {
            fetched.reverse();
        }
        let (has_previous_page, has_next_page) = if request.from_end {
            (more, request.before.is_some())
        } else {
            (request.after.is_some(), more)
        };
        Self {
            items: fetched,
            has_previous_page,
            has_next_page,
            total_count,
        }
    }

    /// Maps the items, keeping the page information.
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Paged<U> {
        Paged {
            items: self.items.into_iter().map(f).collect(),
            has_previous_page: self.has_previous_page,
            has_next_page: self.has_next_page,
            total_count: self.total_count,
        }
    }
}

#[cfg(test)]
mod tests;
