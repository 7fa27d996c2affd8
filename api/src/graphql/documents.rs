//! Documents already parsed and found within the limits, by their text: a
//! client sends the same few operations again and again, and parsing one
//! costs more than executing a small one. Bounded (least recently used go
//! first); a text over [`MAX_TEXT`] is parsed every time rather than kept.
//!
//! A kept document also remembers the requests it answered without an error
//! (each as its operation name and variables, the rest of what validation
//! reads): validating a document against the schema gives the same answer
//! every time for the same schema, document, operation and variables, so
//! such a request again runs on the schema that checks only what execution
//! depends on (see `pipeline`).

use std::num::NonZeroUsize;
use std::sync::{Arc, Mutex};

use async_graphql::Variables;
use async_graphql::parser::types::ExecutableDocument;
use lru::LruCache;

/// Documents kept.
pub const CAPACITY: usize = 512;
/// Longest text kept, in bytes.
pub const MAX_TEXT: usize = 16 * 1024;
/// Requests (operation name and variables) remembered as valid per document;
/// later ones are validated every time.
pub const MAX_VALID: usize = 8;

/// The kept documents; one per server.
pub struct Documents {
    kept: Mutex<LruCache<String, Arc<Kept>>>,
}

/// A parsed document within the limits, and the requests it answered.
#[derive(Debug)]
pub struct Kept {
    pub document: Arc<ExecutableDocument>,
    valid: Mutex<Vec<(Option<String>, Variables)>>,
}

impl Kept {
    /// Whether the document, with this operation name and these variables,
    /// passed validation before.
    pub fn valid_for(&self, operation: Option<&str>, variables: &Variables) -> bool {
        self.valid
            .lock()
            .is_ok_and(|valid| Self::listed(&valid, operation, variables))
    }

    /// Whether `valid` holds this operation name and these variables.
    fn listed(
        valid: &[(Option<String>, Variables)],
        operation: Option<&str>,
        variables: &Variables,
    ) -> bool {
        valid
            .iter()
            .any(|(name, vars)| name.as_deref() == operation && vars == variables)
    }

    /// Records that the document passed validation with this operation name
    /// and these variables (nothing once [`MAX_VALID`] are recorded).
    pub fn passed(&self, operation: Option<String>, variables: Variables) {
        if let Ok(mut valid) = self.valid.lock()
            && valid.len() < MAX_VALID
            && !Self::listed(&valid, operation.as_deref(), &variables)
        {
            valid.push((operation, variables));
        }
    }
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
    pub fn get(&self, text: &str) -> Option<Arc<Kept>> {
        self.kept.lock().ok()?.get(text).cloned()
    }

    /// Keeps the document of `text` (which passed the limits); what is kept,
    /// or nothing when the text is too long to keep.
    pub fn keep(&self, text: &str, document: Arc<ExecutableDocument>) -> Option<Arc<Kept>> {
        if text.len() > MAX_TEXT {
            return None;
        }
        let kept = Arc::new(Kept {
            document,
            valid: Mutex::new(Vec::new()),
        });
        self.kept.lock().ok()?.put(text.to_owned(), kept.clone());
        Some(kept)
    }
}

#[cfg(test)]
mod tests;
