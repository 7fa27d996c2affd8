//! Password hashing with argon2id at OWASP's parameters (19 MiB, t=2, p=1).
//! Hashing is slow on purpose, so it runs on the blocking thread pool, and
//! only as many hashes run at once as there are cores: a flood of sign-ups
//! or password changes waits its turn instead of taking 19 MiB each at once.

use std::sync::OnceLock;

use tokio::sync::{Semaphore, SemaphorePermit};

use argon2::{Algorithm, Argon2, Params, PasswordHash, PasswordHasher, PasswordVerifier, Version};

use crate::error::{AppError, AppResult};

fn hasher() -> Argon2<'static> {
    Argon2::new(Algorithm::Argon2id, Version::V0x13, Params::default())
}

/// Hashes `password` into a PHC string (blocking; call through [`hash`]).
fn hash_blocking(password: &str) -> AppResult<String> {
    hasher()
        .hash_password(password.as_bytes())
        .map(|hash| hash.to_string())
        .map_err(AppError::internal)
}

/// Whether `password` matches `stored` (blocking). A malformed stored hash never matches.
fn verify_blocking(password: &str, stored: &str) -> bool {
    match PasswordHash::new(stored) {
        Ok(parsed) => hasher()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}

/// Whether a stored hash was made with weaker settings than today's and should
/// be replaced at the next successful sign-in.
pub fn needs_rehash(stored: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(stored) else {
        return true;
    };
    if parsed.algorithm.as_str() != "argon2id" {
        return true;
    }
    let Ok(params) = Params::try_from(&parsed) else {
        return true;
    };
    let wanted = Params::default();
    params.m_cost() < wanted.m_cost()
        || params.t_cost() < wanted.t_cost()
        || params.p_cost() < wanted.p_cost()
}

/// A turn to hash: one per core.
async fn turn() -> AppResult<SemaphorePermit<'static>> {
    static TURNS: OnceLock<Semaphore> = OnceLock::new();
    TURNS
        .get_or_init(|| Semaphore::new(std::thread::available_parallelism().map_or(2, |n| n.get())))
        .acquire()
        .await
        .map_err(AppError::internal)
}

/// Hashes a password off the async threads, in turn.
pub async fn hash(password: String) -> AppResult<String> {
    let _turn = turn().await?;
    tokio::task::spawn_blocking(move || hash_blocking(&password)).await?
}

/// Verifies a password off the async threads. With no stored hash (unknown
/// account) it checks against a dummy hash so the answer takes as long either way.
pub async fn verify(password: String, stored: Option<String>) -> AppResult<bool> {
    let _turn = turn().await?;
    tokio::task::spawn_blocking(move || match stored {
        Some(stored) => verify_blocking(&password, &stored),
        None => {
            let _ = verify_blocking(&password, dummy_hash());
            false
        }
    })
    .await
    .map_err(AppError::from)
}

fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| {
        hash_blocking("a password nobody has, used to even out timing")
            .unwrap_or_else(|_| String::new())
    })
}

#[cfg(test)]
mod tests;
