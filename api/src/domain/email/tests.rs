//! Unit tests of the parent module.

use super::*;

#[test]
fn addresses_are_trimmed_and_lower_cased() {
    let email = Email::parse("  Aino.Virtanen@Example.FI ", "email").expect("valid");
    assert_eq!(email.as_str(), "aino.virtanen@example.fi");
}

#[test]
fn malformed_addresses_are_refused() {
    for raw in [
        "",
        "no-at-sign",
        "@example.fi",
        "a@",
        "a@b",
        "a b@c.fi",
        "a@-x.fi",
        "a@@b.fi",
        "a@b..fi",
    ] {
        assert!(Email::parse(raw, "email").is_err(), "{raw:?} was accepted");
    }
}
