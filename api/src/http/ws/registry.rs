//! How many WebSocket connections each account holds on this server.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Open connections per account on this server.
#[derive(Debug, Default)]
pub struct Registry {
    open: Mutex<HashMap<i64, usize>>,
}

impl Registry {
    /// Takes one of the account's places, if it has one left.
    pub(super) fn enter(self: &Arc<Self>, user_id: i64, max: usize) -> Option<Place> {
        let mut open = self.open.lock().ok()?;
        let count = open.entry(user_id).or_insert(0);
        if *count >= max {
            return None;
        }
        *count += 1;
        Some(Place {
            registry: self.clone(),
            user_id,
        })
    }
}

/// A connection's place in the [`Registry`], given back when dropped.
pub(super) struct Place {
    registry: Arc<Registry>,
    user_id: i64,
}

impl Drop for Place {
    fn drop(&mut self) {
        if let Ok(mut open) = self.registry.open.lock()
            && let Some(count) = open.get_mut(&self.user_id)
        {
            *count = count.saturating_sub(1);
            if *count == 0 {
                open.remove(&self.user_id);
            }
        }
    }
}
