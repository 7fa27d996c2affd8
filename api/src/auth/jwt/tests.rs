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

#[test]
fn a_kept_token_still_expires_and_a_changed_one_is_still_checked() {
    let keys = keys("0123456789abcdef0123456789abcdef");
    let now = Utc::now();
    let (token, expires_at) = keys.issue(7, 3, "s", now).expect("issue");
    assert!(keys.verify(&token, now).is_ok());
    assert_eq!(keys.kept(), 1, "a token that passed is kept");
    let again = keys.verify(&token, now).ok();
    assert_eq!(again.map(|c| (c.sub, c.ver)), Some(("7".into(), 3)));
    assert_eq!(keys.verify(&token, expires_at), Err(TokenError::Expired));

    // The same token with its signature's first character changed.
    let parts: Vec<&str> = token.split('.').collect();
    let first = if parts[2].starts_with('A') { "B" } else { "A" };
    let forged = format!("{}.{}.{first}{}", parts[0], parts[1], &parts[2][1..]);
    assert_eq!(keys.verify(&forged, now), Err(TokenError::Invalid));
    // And with its claims changed (another user), the signature kept.
    let (other, _) = keys.issue(8, 3, "s", now).expect("issue");
    let other_claims = other.split('.').nth(1).expect("claims");
    let swapped = format!("{}.{}.{}", parts[0], other_claims, parts[2]);
    assert_eq!(keys.verify(&swapped, now), Err(TokenError::Invalid));
    assert_eq!(keys.kept(), 1, "only tokens that passed are kept");

    let expired = keys
        .issue(9, 0, "s", now - ACCESS_TOKEN_TTL * 2)
        .expect("issue")
        .0;
    assert_eq!(keys.verify(&expired, now), Err(TokenError::Expired));
    assert_eq!(keys.kept(), 1, "an expired token is not kept");
}

#[test]
fn kept_tokens_are_bounded() {
    let keys = keys("0123456789abcdef0123456789abcdef");
    let now = Utc::now();
    for user in 0..VERIFIED_KEPT as i64 + 10 {
        let (token, _) = keys.issue(user, 0, "s", now).expect("issue");
        assert!(keys.verify(&token, now).is_ok());
    }
    assert_eq!(keys.kept(), VERIFIED_KEPT);
}
