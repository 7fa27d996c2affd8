//! A short-lived cache of the account facts every authenticated request
//! needs (organisation, role, active, token version, whether the session is
//! still live), so a busy client does not cost a read per request.
//!
//! Any committed write on this server empties it at once (a generation
//! counter bumped by [`crate::db::commit`]), and so does an account event
//! from any instance (a session ended, a role or status changed: see
//! [`crate::events::Event::Account`]), so such a change applies to the very
//! next request everywhere. The lifetime bounds what a lost event could cost.
//! A lifetime of zero turns the cache off.

use chrono::{DateTime, Duration, Utc};
use entity::Role;
use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

/// What authentication reads of a user and one of their sessions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub user_id: i64,
    pub organisation_id: i64,
    pub role: Role,
    pub active: bool,
    pub token_version: i32,
    /// Whether the session (refresh-token family) the token names is live.
    pub session_live: bool,
}

/// An account as seen from one session.
type Key = (i64, String);

#[derive(Debug)]
struct Entry {
    account: Account,
    generation: u64,
    read_at: DateTime<Utc>,
}

/// Entries beyond this many are dropped wholesale rather than tracked.
const MAX_ENTRIES: usize = 100_000;

/// The cache; one per server.
#[derive(Debug)]
pub struct AccountCache {
    lifetime: Duration,
    generation: AtomicU64,
    entries: Mutex<HashMap<Key, Entry>>,
}

impl AccountCache {
    /// A cache whose entries live at most `lifetime` on the server's clock
    /// (zero: nothing is kept).
    pub fn new(lifetime: Duration) -> Self {
        Self {
            lifetime,
            generation: AtomicU64::new(0),
            entries: Mutex::new(HashMap::new()),
        }
    }

    /// The current generation; read it before reading the row you will
    /// [`store`](Self::store), so a write committed meanwhile outdates it.
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// Forgets everything: called after every committed write.
    pub fn invalidate(&self) {
        self.generation.fetch_add(1, Ordering::AcqRel);
    }

    /// The account as seen from `session`, if read since the last write and
    /// within the lifetime.
    pub fn get(&self, user_id: i64, session: &str, now: DateTime<Utc>) -> Option<Account> {
        if self.lifetime <= Duration::zero() {
            return None;
        }
        let generation = self.generation();
        let entries = self.entries.lock().ok()?;
        entries
            .get(&(user_id, session.to_owned()))
            .filter(|e| {
                e.generation == generation && now - e.read_at < self.lifetime && now >= e.read_at
            })
            .map(|e| e.account.clone())
    }

    /// Keeps an account, as seen from `session`, read at `read_at` under `generation`.
    pub fn store(&self, account: Account, session: &str, generation: u64, read_at: DateTime<Utc>) {
        if self.lifetime <= Duration::zero() || generation != self.generation() {
            return;
        }
        let Ok(mut entries) = self.entries.lock() else {
            return;
        };
        if entries.len() >= MAX_ENTRIES {
            entries.clear();
        }
        entries.insert(
            (account.user_id, session.to_owned()),
            Entry {
                account,
                generation,
                read_at,
            },
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn account(user_id: i64) -> Account {
        Account {
            user_id,
            organisation_id: 1,
            role: Role::Member,
            active: true,
            token_version: 0,
            session_live: true,
        }
    }

    #[test]
    fn serves_an_account_until_it_ages_out() {
        let cache = AccountCache::new(Duration::seconds(1));
        let t0 = Utc::now();
        cache.store(account(7), "s", cache.generation(), t0);
        assert_eq!(
            cache.get(7, "s", t0 + Duration::milliseconds(999)),
            Some(account(7))
        );
        assert_eq!(cache.get(7, "s", t0 + Duration::seconds(1)), None);
        assert_eq!(cache.get(8, "s", t0), None);
        // A clock set back does not make an entry live longer.
        assert_eq!(cache.get(7, "s", t0 - Duration::seconds(5)), None);
        // Another session of the same member is read on its own.
        assert_eq!(cache.get(7, "other", t0), None);
    }

    #[test]
    fn a_write_forgets_everything_read_before_it() {
        let cache = AccountCache::new(Duration::seconds(60));
        let t0 = Utc::now();
        cache.store(account(7), "s", cache.generation(), t0);
        cache.invalidate();
        assert_eq!(cache.get(7, "s", t0), None);
    }

    #[test]
    fn a_read_that_raced_a_write_is_not_kept() {
        let cache = AccountCache::new(Duration::seconds(60));
        let t0 = Utc::now();
        let before = cache.generation();
        cache.invalidate();
        cache.store(account(7), "s", before, t0);
        assert_eq!(cache.get(7, "s", t0), None);
    }

    #[test]
    fn a_zero_lifetime_keeps_nothing() {
        let cache = AccountCache::new(Duration::zero());
        let t0 = Utc::now();
        cache.store(account(7), "s", cache.generation(), t0);
        assert_eq!(cache.get(7, "s", t0), None);
    }
}
