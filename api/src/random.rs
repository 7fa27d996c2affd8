//! The one source of randomness: a cryptographically secure generator seeded
//! from the operating system, or from a fixed seed in tests.

use std::sync::Mutex;

use rand::{Rng, RngExt, SeedableRng, rngs::StdRng};

/// A shared, seedable random source.
#[derive(Debug)]
pub struct Random(Mutex<StdRng>);

impl Random {
    /// Seeded from the operating system's entropy.
    pub fn from_os() -> Self {
        Self(Mutex::new(rand::make_rng()))
    }

    /// Seeded deterministically (tests, benchmarks).
    pub fn from_seed(seed: u64) -> Self {
        Self(Mutex::new(StdRng::seed_from_u64(seed)))
    }

    /// `N` random bytes.
    pub fn bytes<const N: usize>(&self) -> [u8; N] {
        let mut out = [0u8; N];
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .fill_bytes(&mut out);
        out
    }

    /// A uniformly random number in `0..n` (0 when `n` is 0).
    pub fn below(&self, n: u64) -> u64 {
        if n == 0 {
            return 0;
        }
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .random_range(0..n)
    }

    /// A random 256-bit token as 64 lowercase hex characters.
    pub fn token(&self) -> String {
        hex::encode(self.bytes::<32>())
    }
}
