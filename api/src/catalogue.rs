//! The skill catalogue of each organisation (the shared skills and its
//! own), kept in memory: it changes rarely, and every page that shows skills
//! would otherwise read them again. Adding a skill emits
//! [`crate::events::Event::Catalogue`], which empties the organisation's
//! entry on every instance; a skill id a page meets and the entry lacks
//! (added on another instance, its event still on the way) makes the reader
//! load the catalogue again, so a page never shows less than the database.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use entity::skill;

/// One organisation's skills by id.
pub type Catalogue = HashMap<i64, Arc<skill::Model>>;

/// The catalogues this server has read; one per server.
#[derive(Debug, Default)]
pub struct SkillCatalogues {
    /// Bumped by every invalidation, so a catalogue read before one is not
    /// stored after it.
    generation: AtomicU64,
    entries: Mutex<HashMap<i64, Arc<Catalogue>>>,
}

impl SkillCatalogues {
    /// The organisation's catalogue, if held.
    pub fn get(&self, organisation: i64) -> Option<Arc<Catalogue>> {
        self.entries.lock().ok()?.get(&organisation).cloned()
    }

    /// The current generation; read it before reading what you will
    /// [`store`](Self::store).
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// Keeps a catalogue read at `generation`, unless one was invalidated
    /// since.
    pub fn store(&self, organisation: i64, catalogue: Arc<Catalogue>, generation: u64) {
        if let Ok(mut entries) = self.entries.lock()
            && self.generation() == generation
        {
            entries.insert(organisation, catalogue);
        }
    }

    /// Forgets the organisation's catalogue (`None`: every organisation's,
    /// when a shared skill changes).
    pub fn invalidate(&self, organisation: Option<i64>) {
        self.generation.fetch_add(1, Ordering::AcqRel);
        if let Ok(mut entries) = self.entries.lock() {
            match organisation {
                Some(organisation) => {
                    entries.remove(&organisation);
                }
                None => entries.clear(),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_catalogue_read_before_an_invalidation_is_not_kept() {
        let catalogues = SkillCatalogues::default();
        let before = catalogues.generation();
        catalogues.invalidate(Some(1));
        catalogues.store(1, Arc::new(Catalogue::new()), before);
        assert!(catalogues.get(1).is_none());

        let now = catalogues.generation();
        catalogues.store(1, Arc::new(Catalogue::new()), now);
        assert!(catalogues.get(1).is_some());
        catalogues.invalidate(Some(2));
        assert!(catalogues.get(1).is_some(), "another organisation's change");
        catalogues.invalidate(Some(1));
        assert!(catalogues.get(1).is_none());
    }
}
