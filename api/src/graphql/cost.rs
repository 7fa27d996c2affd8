//! Query cost (API.md, *Query cost*): every field costs 1, and a field that
//! pages (`first`/`last`) multiplies the cost of its selection by the page
//! size asked for, 100 when none is given. async-graphql adds the costs up
//! during validation, with fragments written out, and refuses a document over
//! `VOIMAVARA_MAX_COMPLEXITY` with `QUERY_TOO_COMPLEX`.

use crate::domain::paging::MAX_PAGE_SIZE;

/// The cost of a page of `first` (or `last`) items, each costing `each`.
pub fn page(first: Option<i32>, last: Option<i32>, each: usize) -> usize {
    let max = usize::try_from(MAX_PAGE_SIZE).unwrap_or(100);
    let size = first
        .or(last)
        .map_or(max, |n| usize::try_from(n).unwrap_or(0).clamp(1, max));
    each.saturating_mul(size).saturating_add(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_costs_its_selection_times_its_size() {
        assert_eq!(page(Some(20), None, 10), 201);
        assert_eq!(page(None, Some(5), 10), 51);
        // No size given: the largest page.
        assert_eq!(page(None, None, 10), 1001);
        // Out-of-range sizes cost as the nearest allowed (and are refused later).
        assert_eq!(page(Some(-3), None, 10), 11);
        assert_eq!(page(Some(100_000), None, 10), 1001);
        assert_eq!(page(Some(100), None, usize::MAX), usize::MAX);
    }
}
