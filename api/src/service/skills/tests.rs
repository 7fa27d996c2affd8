//! Unit tests of the parent module.

#[test]
fn slugs_are_readable_keys() {
    assert_eq!(super::slug("  Employer branding! "), "employer-branding");
    assert_eq!(super::slug("Työnantajakuva & some"), "työnantajakuva-some");
    assert_eq!(super::slug("!!!"), "");
}
