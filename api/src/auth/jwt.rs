//! Access tokens: HS256 JWTs with `iss`, `aud`, `sub`, `iat`, `exp` required,
//! and a `typ` claim so no other token can pass for an access token.

use chrono::{DateTime, Duration, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation, decode, encode};
use lru::LruCache;
use serde::{Deserialize, Serialize};
use std::num::NonZeroUsize;
use std::sync::Mutex;

use crate::error::{AppError, AppResult};

/// Who issues tokens.
pub const ISSUER: &str = "voimavara";
/// Who tokens are for.
pub const AUDIENCE: &str = "voimavara-api";
/// The only token type accepted as an access token.
pub const ACCESS_TYPE: &str = "access";
/// Lifetime of an access token.
pub const ACCESS_TOKEN_TTL: Duration = Duration::minutes(15);
/// Shortest secret accepted (256 bits).
pub const MIN_SECRET_BYTES: usize = 32;

/// The claims of an access token.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Claims {
    pub iss: String,
    pub aud: String,
    /// The user's id.
    pub sub: String,
    pub iat: i64,
    pub exp: i64,
    /// Token type; always [`ACCESS_TYPE`].
    pub typ: String,
    /// The user's token version when the token was issued.
    pub ver: i32,
    /// The session (refresh-token family) the token was issued in.
    #[serde(default)]
    pub sid: Option<String>,
}

/// Tokens kept as verified (see [`JwtKeys::verify`]).
pub const VERIFIED_KEPT: usize = 1024;

/// Signing and checking keys for one secret.
pub struct JwtKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    /// Tokens whose signature and claims passed, by their text, with their
    /// claims: a client sends the same token with every request until it
    /// expires, and checking its signature and reading its claims cost more
    /// than a small request's resolvers. Bounded (least recently used go
    /// first); only what this server issued can be kept.
    verified: Mutex<LruCache<String, Claims>>,
}

impl std::fmt::Debug for JwtKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("JwtKeys([redacted])")
    }
}

impl JwtKeys {
    /// Keys for `secret`, which must hold at least 256 bits.
    pub fn new(secret: &[u8]) -> AppResult<Self> {
        if secret.len() < MIN_SECRET_BYTES {
            return Err(AppError::internal(
                "the JWT secret must be at least 32 bytes",
            ));
        }
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[AUDIENCE]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        validation.leeway = 0;
        Ok(Self {
            encoding: EncodingKey::from_secret(secret).map_err(AppError::internal)?,
            decoding: DecodingKey::from_secret(secret).map_err(AppError::internal)?,
            validation,
            verified: Mutex::new(LruCache::new(
                NonZeroUsize::new(VERIFIED_KEPT).unwrap_or(NonZeroUsize::MIN),
            )),
        })
    }

    /// Issues an access token for `user_id`, valid from `now` for [`ACCESS_TOKEN_TTL`].
    pub fn issue(
        &self,
        user_id: i64,
        token_version: i32,
        session: &str,
        now: DateTime<Utc>,
    ) -> AppResult<(String, DateTime<Utc>)> {
        let expires_at = now + ACCESS_TOKEN_TTL;
        let claims = Claims {
            iss: ISSUER.into(),
            aud: AUDIENCE.into(),
            sub: user_id.to_string(),
            iat: now.timestamp(),
            exp: expires_at.timestamp(),
            typ: ACCESS_TYPE.into(),
            ver: token_version,
            sid: Some(session.to_owned()),
        };
        let token = encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(AppError::internal)?;
        Ok((token, expires_at))
    }

    /// Checks a token's signature, algorithm, issuer, audience, type and expiry
    /// against `now` (the server clock, not the system clock, so tests can move it).
    /// What does not depend on `now` is checked once per token: the same text
    /// passes or fails the same way against the same key, so a token that
    /// passed is kept with its claims, and only its expiry is checked again.
    pub fn verify(&self, token: &str, now: DateTime<Utc>) -> Result<Claims, TokenError> {
        let kept = self
            .verified
            .lock()
            .ok()
            .and_then(|mut verified| verified.get(token).cloned());
        let claims = match kept {
            Some(claims) => claims,
            None => {
                let claims = self.check(token)?;
                if claims.exp > now.timestamp()
                    && let Ok(mut verified) = self.verified.lock()
                {
                    verified.put(token.to_owned(), claims.clone());
                }
                claims
            }
        };
        if claims.exp <= now.timestamp() {
            return Err(TokenError::Expired);
        }
        Ok(claims)
    }

    /// A token's signature, algorithm, issuer, audience and type, checked;
    /// its claims.
    fn check(&self, token: &str) -> Result<Claims, TokenError> {
        let mut validation = self.validation.clone();
        // Expiry is checked by `verify` against the server's clock.
        validation.validate_exp = false;
        let data = decode::<Claims>(token, &self.decoding, &validation)
            .map_err(|_| TokenError::Invalid)?;
        if data.claims.typ != ACCESS_TYPE {
            return Err(TokenError::Invalid);
        }
        Ok(data.claims)
    }

    /// How many tokens are kept as verified.
    #[cfg(test)]
    fn kept(&self) -> usize {
        self.verified.lock().map(|v| v.len()).unwrap_or(0)
    }
}

/// Why a token was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenError {
    Invalid,
    Expired,
}

#[cfg(test)]
mod tests;
