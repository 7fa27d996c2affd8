//! `addSkill`, `setMySkill`, `removeMySkill`, `setMyLearningGoals`.

use async_graphql::{Context, ID, InputObject, Object};

use crate::graphql::context::{actor, state};
use crate::graphql::ids::{self, Kind};
use crate::graphql::types::{Skill, SkillKind, User};
use crate::service::{expertise, skills, users};

/// An organisation-only skill.
#[derive(InputObject)]
pub struct AddSkillInput {
    /// The skill's name (1 to 100 characters).
    pub name: String,
    /// A platform or a competency.
    pub kind: SkillKind,
    /// What it covers (at most 1,000 characters).
    #[graphql(default)]
    pub description: String,
    /// Machine key (a-z, 0-9, '-'); derived from the name when omitted.
    pub key: Option<String>,
}

/// A self-assessment.
#[derive(InputObject)]
pub struct SetMySkillInput {
    /// The skill.
    pub skill_id: ID,
    /// 1 (beginner) to 5 (could teach it).
    pub level: i32,
}

#[derive(Default)]
pub struct SkillMutation;

#[Object]
impl SkillMutation {
    /// Adds a skill only this organisation sees (ADMIN).
    async fn add_skill(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The details, as the input type describes them.")] input: AddSkillInput,
    ) -> async_graphql::Result<Skill> {
        let actor = actor(ctx).await?;
        let created = skills::add(
            state(ctx)?,
            &actor,
            skills::NewSkill {
                key: input.key,
                name: input.name,
                kind: input.kind.into(),
                description: input.description,
            },
        )
        .await?;
        Ok(Skill::from(created))
    }

    /// Sets the caller's level in a skill; returns the caller.
    async fn set_my_skill(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The details, as the input type describes them.")] input: SetMySkillInput,
    ) -> async_graphql::Result<User> {
        let actor = actor(ctx).await?;
        let skill_id = ids::decode(&input.skill_id, Kind::Skill, "skillId")?;
        let state = state(ctx)?;
        expertise::set_level(state, &actor, skill_id, input.level).await?;
        Ok(User::owned(users::get(state, &actor, actor.user_id).await?))
    }

    /// Removes the caller's self-assessment of a skill; returns the caller.
    async fn remove_my_skill(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The skill.")] skill_id: ID,
    ) -> async_graphql::Result<User> {
        let actor = actor(ctx).await?;
        let skill_id = ids::decode(&skill_id, Kind::Skill, "skillId")?;
        let state = state(ctx)?;
        expertise::remove_level(state, &actor, skill_id).await?;
        Ok(User::owned(users::get(state, &actor, actor.user_id).await?))
    }

    /// Replaces the caller's learning goals (at most 20); returns the caller.
    async fn set_my_learning_goals(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The skills (the whole new list).")] skill_ids: Vec<ID>,
    ) -> async_graphql::Result<User> {
        let actor = actor(ctx).await?;
        let skill_ids = ids::decode_all(&skill_ids, Kind::Skill, "skillIds")?;
        let state = state(ctx)?;
        expertise::set_goals(state, &actor, &skill_ids).await?;
        Ok(User::owned(users::get(state, &actor, actor.user_id).await?))
    }
}
