//! Unit tests of the parent module.

use super::*;

#[test]
fn length_bounds_are_inclusive_and_count_characters() {
    assert!(Password::parse("123456789", "p").is_err());
    assert!(Password::parse("1234567890", "p").is_ok());
    assert!(Password::parse(&"ä".repeat(256), "p").is_ok());
    assert!(Password::parse(&"ä".repeat(257), "p").is_err());
}
