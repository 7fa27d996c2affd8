//! `UserSkill`, `SkillMap`, `SkillMapRow`, `HiddenExpert`.

use async_graphql::{Context, Object};
use entity::{skill, user_skill};
use std::sync::Arc;

use super::{Skill, User};
use crate::domain::expertise;
use crate::error::Required;
use crate::graphql::loaders::{SkillById, UserById, loader};
use crate::graphql::scalars::Timestamp;

/// A member's self-assessed level in a skill.
pub struct UserSkill {
    pub skill: Arc<skill::Model>,
    pub level: user_skill::Model,
}

/// A member's self-assessed level in a skill.
#[Object]
impl UserSkill {
    /// The skill.
    async fn skill(&self) -> Skill {
        Skill(self.skill.clone())
    }

    /// 1 (beginner) to 5 (could teach it); 4 and up counts as knowing it well.
    async fn level(&self) -> i32 {
        self.level.level
    }

    /// When the level was last set.
    async fn updated_at(&self) -> Timestamp {
        self.level.updated_at.into()
    }
}

/// The organisation's expertise map.
pub struct SkillMap(pub expertise::SkillMap);

/// The organisation's expertise map: supply and demand per skill, and the
/// hidden experts it did not know it had.
#[Object]
impl SkillMap {
    /// One row per skill, largest gap between demand and supply first.
    async fn rows(&self) -> Vec<SkillMapRow> {
        self.0.rows.iter().cloned().map(SkillMapRow).collect()
    }

    /// Members at level 4+ in a skill someone else wants, who do not mentor yet.
    async fn hidden_experts(&self) -> Vec<HiddenExpert> {
        self.0
            .hidden_experts
            .iter()
            .cloned()
            .map(HiddenExpert)
            .collect()
    }
}

/// Supply and demand of one skill.
pub struct SkillMapRow(pub expertise::Row);

/// Supply and demand of one skill.
#[Object]
impl SkillMapRow {
    /// The skill.
    async fn skill(&self, ctx: &Context<'_>) -> async_graphql::Result<Skill> {
        let skill = loader(ctx)?
            .load_one(SkillById(self.0.skill_id))
            .await?
            .required("skill")?;
        Ok(Skill::from(skill))
    }

    /// Active members at level 4 or 5.
    async fn experts(&self) -> u32 {
        self.0.experts
    }

    /// Of those, how many mentor (a mentor profile accepting mentees).
    async fn mentoring_experts(&self) -> u32 {
        self.0.mentoring_experts
    }

    /// Distinct members who want the skill: learning goals and open mentoring requests.
    async fn learners(&self) -> u32 {
        self.0.learners
    }

    /// learners − mentoringExperts: positive means more demand than supply.
    async fn gap(&self) -> i64 {
        self.0.gap
    }
}

/// Someone who knows wanted skills well and does not mentor yet.
pub struct HiddenExpert(pub expertise::HiddenExpert);

/// Someone who knows wanted skills well and does not mentor yet.
#[Object]
impl HiddenExpert {
    /// The member.
    async fn user(&self, ctx: &Context<'_>) -> async_graphql::Result<User> {
        let user = loader(ctx)?
            .load_one(UserById(self.0.user_id))
            .await?
            .required("user")?;
        Ok(User::new(user))
    }

    /// The wanted skills they know well, with their levels, strongest first.
    async fn skills(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<HiddenSkill>> {
        let found = loader(ctx)?
            .load_many(self.0.skills.iter().map(|(id, _)| SkillById(*id)))
            .await?;
        Ok(self
            .0
            .skills
            .iter()
            .filter_map(|(id, level)| {
                found.get(&SkillById(*id)).map(|skill| HiddenSkill {
                    skill: skill.clone(),
                    level: *level,
                })
            })
            .collect())
    }
}

/// A wanted skill a hidden expert knows, and how well.
pub struct HiddenSkill {
    skill: skill::Model,
    level: i32,
}

/// A wanted skill a hidden expert knows, and how well.
#[Object]
impl HiddenSkill {
    /// The skill.
    async fn skill(&self) -> Skill {
        Skill::from(self.skill.clone())
    }

    /// Their self-assessed level (4 or 5).
    async fn level(&self) -> i32 {
        self.level
    }
}
