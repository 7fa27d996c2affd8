//! `Skill` and `SkillKind`.

use std::sync::Arc;

use async_graphql::{Enum, ID, Object};
use entity::skill;

use crate::graphql::ids::{self, Kind};

/// What kind of skill.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "entity::SkillKind")]
pub enum SkillKind {
    /// A social-media platform: Facebook, LinkedIn, X, …
    Platform,
    /// A competency that works across platforms: writing short posts, …
    Competency,
}

/// A skill of the expertise map: from the shared catalogue or the organisation's own.
pub struct Skill(pub Arc<skill::Model>);

impl From<skill::Model> for Skill {
    fn from(model: skill::Model) -> Self {
        Self(Arc::new(model))
    }
}

/// A skill of the expertise map: from the shared catalogue or the organisation's own.
#[Object]
impl Skill {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        ids::encode(Kind::Skill, self.0.id)
    }

    /// Stable machine key, e.g. `linkedin` or `short-posts`.
    async fn key(&self) -> &str {
        &self.0.key
    }

    /// Display name.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// Platform or competency.
    async fn kind(&self) -> SkillKind {
        self.0.kind.into()
    }

    /// What the skill covers.
    async fn description(&self) -> &str {
        &self.0.description
    }

    /// True for the organisation's own skills, false for the shared catalogue.
    async fn custom(&self) -> bool {
        self.0.organisation_id.is_some()
    }
}
