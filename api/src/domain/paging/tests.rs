//! Unit tests of the parent module.

use super::*;

#[test]
fn page_sizes_are_bounded() {
    assert!(PageRequest::new(Some(101), None, None, None).is_err());
    assert!(PageRequest::new(Some(-1), None, None, None).is_err());
    assert!(PageRequest::new(Some(1), None, Some(1), None).is_err());
    assert_eq!(
        PageRequest::new(None, None, None, None)
            .map(|p| p.limit)
            .ok(),
        Some(DEFAULT_PAGE_SIZE)
    );
    assert_eq!(
        PageRequest::new(Some(100), None, None, None)
            .map(|p| p.limit)
            .ok(),
        Some(100)
    );
}

#[test]
fn the_extra_item_only_signals_more() {
    let request = PageRequest::new(Some(2), Some(Position::id(5)), None, None).expect("valid");
    let page = Paged::from_fetched(vec![6, 7, 8], &request, 10);
    assert_eq!(page.items, vec![6, 7]);
    assert!(page.has_next_page && page.has_previous_page);

    let request = PageRequest::new(None, None, Some(2), Some(Position::id(9))).expect("valid");
    let page = Paged::from_fetched(vec![8, 7, 6], &request, 10);
    assert_eq!(page.items, vec![7, 8]);
    assert!(page.has_previous_page && page.has_next_page);
}
