//! Unit tests of the parent module.

use proptest::prelude::*;

use super::*;

#[test]
fn names_give_readable_keys() {
    assert_eq!(key_from_name("  Employer branding! "), "employer-branding");
    assert_eq!(key_from_name("Kuntaviestintä"), "kuntaviestinta");
    assert_eq!(key_from_name("Ääni-öljy"), "aani-oljy");
    assert_eq!(
        key_from_name("Työnantajakuva & some"),
        "tyonantajakuva-some"
    );
    assert_eq!(key_from_name("Café crème"), "cafe-creme");
    assert_eq!(key_from_name("!!!"), "");
    assert_eq!(key_from_name("日本語"), "");
}

#[test]
fn explicit_keys_follow_the_rule() {
    assert!(check_key("linkedin").is_ok());
    assert!(check_key("employer-branding-2").is_ok());
    for bad in [
        "",
        "Kunta",
        "kunta viestinta",
        "kuntaviestintä",
        "-a",
        "a-",
        "a--b",
        &"a".repeat(65),
    ] {
        assert!(check_key(bad).is_err(), "{bad:?}");
    }
}

proptest! {
    /// Whatever a name holds, the key it gives (when it gives one) is a key
    /// the explicit rule accepts.
    #[test]
    fn a_derived_key_always_passes_the_explicit_rule(name in "\\PC{0,100}") {
        let key = key_from_name(&name);
        if !key.is_empty() {
            prop_assert_eq!(check_key(&key).ok(), Some(key.clone()));
        }
    }
}
