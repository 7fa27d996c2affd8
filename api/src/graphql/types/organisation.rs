//! `Organisation`.

use async_graphql::{ID, Object};
use entity::organisation;

use crate::graphql::ids::{self, Kind};
use crate::graphql::scalars::Timestamp;

/// An organisation: its members, courses, clinics and mentoring live inside it.
pub struct Organisation(pub organisation::Model);

/// An organisation: its members, courses, clinics and mentoring live inside it.
#[Object]
impl Organisation {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        ids::encode(Kind::Organisation, self.0.id)
    }

    /// The organisation's name.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// The language new members start with (each may choose their own).
    async fn default_locale(&self) -> super::user::Locale {
        self.0.default_locale.into()
    }

    /// When the organisation signed up.
    async fn created_at(&self) -> Timestamp {
        self.0.created_at.into()
    }
}
