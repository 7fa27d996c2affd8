//! Unit tests of the parent module.

use super::*;

#[test]
fn a_hash_verifies_its_password_and_no_other() {
    let stored = hash_blocking("correct horse battery").expect("hash");
    assert!(stored.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
    assert!(verify_blocking("correct horse battery", &stored));
    assert!(!verify_blocking("correct horse battery!", &stored));
    assert!(!needs_rehash(&stored));
}

#[test]
fn weaker_hashes_are_marked_for_upgrade() {
    let weak = Argon2::new(
        Algorithm::Argon2id,
        Version::V0x13,
        Params::new(4096, 1, 1, None).expect("params"),
    )
    .hash_password(b"some password")
    .map(|h| h.to_string())
    .expect("hash");
    assert!(verify_blocking("some password", &weak));
    assert!(needs_rehash(&weak));
    assert!(needs_rehash("not a hash"));
    assert!(!verify_blocking("x", "not a hash"));
}
