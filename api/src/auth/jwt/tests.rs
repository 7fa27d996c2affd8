//! Unit tests of the parent module.

use super::*;

fn keys(secret: &str) -> JwtKeys {
    JwtKeys::new(secret.as_bytes()).expect("keys")
}

#[test]
fn a_token_verifies_until_it_expires() {
    let keys = keys("0123456789abcdef0123456789abcdef");
    let now = Utc::now();
    let (token, expires_at) = keys.issue(7, 3, "s", now).expect("issue");
    assert_eq!(expires_at - now, ACCESS_TOKEN_TTL);
    let claims = keys.verify(&token, now).ok();
    assert_eq!(claims.map(|c| (c.sub, c.ver)), Some(("7".into(), 3)));
    assert_eq!(keys.verify(&token, expires_at), Err(TokenError::Expired));
}

#[test]
fn a_token_signed_with_another_key_is_invalid() {
    let now = Utc::now();
    let (token, _) = keys("another secret that is long enough!!")
        .issue(7, 0, "s", now)
        .expect("issue");
    let ours = keys("0123456789abcdef0123456789abcdef");
    assert_eq!(ours.verify(&token, now), Err(TokenError::Invalid));
}

#[test]
fn short_secrets_are_refused() {
    assert!(JwtKeys::new(b"too short").is_err());
}
