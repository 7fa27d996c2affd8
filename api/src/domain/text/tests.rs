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
