//! Documents already parsed and found within the limits, by their text: a
//! client sends the same few operations again and again, and parsing one
//! costs more than executing a small one. Bounded (least recently used go
//! first); a text over [`MAX_TEXT`] is parsed every time rather than kept.

use std::num::NonZeroUsize;
use std::sync::{Arc, Mutex};

use async_graphql::parser::types::ExecutableDocument;
use lru::LruCache;

/// Documents kept.
pub const CAPACITY: usize = 512;
/// Longest text kept, in bytes.
pub const MAX_TEXT: usize = 16 * 1024;

/// The kept documents; one per server.
pub struct Documents {
    kept: Mutex<LruCache<String, Arc<ExecutableDocument>>>,
}

impl Default for Documents {
    fn default() -> Self {
        Self {
            kept: Mutex::new(LruCache::new(
                NonZeroUsize::new(CAPACITY).unwrap_or(NonZeroUsize::MIN),
            )),
        }
    }
}

impl Documents {
    /// The document of `text`, if kept.
    pub fn get(&self, text: &str) -> Option<Arc<ExecutableDocument>> {
        self.kept.lock().ok()?.get(text).cloned()
    }

    /// Keeps the document of `text` (which passed the limits).
    pub fn keep(&self, text: &str, document: Arc<ExecutableDocument>) {
        if text.len() > MAX_TEXT {
            return;
        }
        if let Ok(mut kept) = self.kept.lock() {
            kept.put(text.to_owned(), document);
        }
    }
}

#[cfg(test)]
mod tests;
