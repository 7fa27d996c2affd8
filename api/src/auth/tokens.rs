//! Tokens the server can reproduce but never stores: an invitation's token
//! is an HMAC of a random nonce under a key derived from the server's secret.
//! The database holds the nonce and the token's SHA-256; neither gives the
//! token without the secret, so a copy of the database (a backup, a replica)
//! cannot accept an invitation, yet the mail that carries it can be written
//! when it is sent.

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

/// Derives tokens from nonces.
pub struct TokenKeys {
    key: Vec<u8>,
}

impl std::fmt::Debug for TokenKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TokenKeys([redacted])")
    }
}

/// What a derived token is for; part of the derivation, so a token for one
/// purpose is never valid for another.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    Invitation,
    PasswordReset,
}

impl Purpose {
    fn label(self) -> &'static [u8] {
        match self {
            Purpose::Invitation => b"invitation",
            Purpose::PasswordReset => b"password reset",
        }
    }
}

impl TokenKeys {
    /// Keys derived from the server's secret (the one access tokens are signed with).
    pub fn new(secret: &[u8]) -> Self {
        Self {
            key: mac(secret, &[b"voimavara derived tokens"]),
        }
    }

    /// The token a stored nonce stands for (none once the nonce is gone).
    pub fn of_nonce(&self, purpose: Purpose, nonce: Option<&str>) -> Option<String> {
        nonce.map(|nonce| self.token(purpose, nonce))
    }

    /// The token for `nonce`, as 64 lowercase hex characters.
    pub fn token(&self, purpose: Purpose, nonce: &str) -> String {
        hex::encode(mac(&self.key, &[purpose.label(), b"\0", nonce.as_bytes()]))
    }
}

fn mac(key: &[u8], parts: &[&[u8]]) -> Vec<u8> {
    // HMAC takes a key of any length; `new_from_slice` cannot fail for it.
    let Ok(mut mac) = <Hmac<Sha256> as KeyInit>::new_from_slice(key) else {
        return Vec::new();
    };
    for part in parts {
        mac.update(part);
    }
    mac.finalize().into_bytes().to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_depends_on_the_secret_the_purpose_and_the_nonce() {
        let keys = TokenKeys::new(b"0123456789abcdef0123456789abcdef");
        let token = keys.token(Purpose::Invitation, "n1");
        assert_eq!(token.len(), 64);
        assert_eq!(token, keys.token(Purpose::Invitation, "n1"));
        assert_ne!(token, keys.token(Purpose::Invitation, "n2"));
        let other = TokenKeys::new(b"another secret of thirty-two bytes!");
        assert_ne!(token, other.token(Purpose::Invitation, "n1"));
    }
}
