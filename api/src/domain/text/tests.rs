//! Unit tests of the parent module.

use super::*;

#[test]
fn text_is_trimmed_and_bounded() {
    assert_eq!(
        required("  Kahvila  ", "name", 10, false).ok(),
        Some("Kahvila".into())
    );
    assert!(required("   ", "name", 10, false).is_err());
    assert!(required("abcdefghijk", "name", 10, false).is_err());
    assert!(required("a\u{0}b", "name", 10, false).is_err());
    assert!(required("a\nb", "name", 10, false).is_err());
    assert!(required("a\nb", "name", 10, true).is_ok());
}

#[test]
fn search_terms_are_trimmed_lowered_and_bounded() {
    assert_eq!(search_term(None).ok(), Some(None));
    assert_eq!(search_term(Some("   ")).ok(), Some(None));
    assert_eq!(
        search_term(Some(" LinkedIn ")).ok(),
        Some(Some("linkedin".into()))
    );
    assert!(search_term(Some(&"x".repeat(101))).is_err());
}
