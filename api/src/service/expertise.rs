//! Self-assessment, learning goals, and the organisation's skill map.

use std::collections::HashSet;

use entity::{
    RequestStatus, learning_goal, mentor_profile, mentoring_request, mentoring_request_skill,
    skill, user, user_skill,
};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QuerySelect, sea_query::OnConflict,
};

use super::skills;
use crate::auth::{Actor, permissions};
use crate::context::AppState;
use crate::db;
use crate::domain::expertise::{self, Inputs, SkillMap};
use crate::error::{AppError, AppResult};

/// Most learning goals one member may hold.
pub const MAX_LEARNING_GOALS: usize = 20;

/// Sets the actor's self-assessed level (1–5) in a skill.
#[tracing::instrument(skip_all, fields(organisation = actor.organisation_id, user = actor.user_id))]
pub async fn set_level(
    state: &AppState,
    actor: &Actor,
    skill_id: i64,
    level: i32,
) -> AppResult<()> {
    if !(1..=5).contains(&level) {
        return Err(AppError::field("level", "level must be between 1 and 5"));
    }
    let txn = db::begin_write(state).await?;
    skills::require_visible(&txn, actor.organisation_id, &[skill_id]).await?;
    user_skill::Entity::insert(user_skill::ActiveModel {
        user_id: Set(actor.user_id),
        skill_id: Set(skill_id),
        level: Set(level),
        updated_at: Set(state.clock.now()),
    })
    .on_conflict(
        OnConflict::columns([user_skill::Column::UserId, user_skill::Column::SkillId])
            .update_columns([user_skill::Column::Level, user_skill::Column::UpdatedAt])
            .to_owned(),
    )
    .exec(&txn)
    .await?;
    db::commit(txn, state).await?;
    Ok(())
}

/// Removes the actor's self-assessment of a skill (nothing to remove is fine).
#[tracing::instrument(skip_all, fields(organisation = actor.organisation_id, user = actor.user_id))]
pub async fn remove_level(state: &AppState, actor: &Actor, skill_id: i64) -> AppResult<()> {
    skills::get(state, actor, skill_id).await?;
    user_skill::Entity::delete_many()
        .filter(user_skill::Column::UserId.eq(actor.user_id))
        .filter(user_skill::Column::SkillId.eq(skill_id))
        .exec(&state.db)
        .await?;
    Ok(())
}

/// Replaces the actor's learning goals.
#[tracing::instrument(skip_all, fields(organisation = actor.organisation_id, user = actor.user_id))]
pub async fn set_goals(state: &AppState, actor: &Actor, skill_ids: &[i64]) -> AppResult<()> {
    let txn = db::begin_write(state).await?;
    let wanted = skills::require_visible(&txn, actor.organisation_id, skill_ids).await?;
    if wanted.len() > MAX_LEARNING_GOALS {
        return Err(AppError::field(
            "skillIds",
            format!("at most {MAX_LEARNING_GOALS} learning goals"),
        ));
    }
    learning_goal::Entity::delete_many()
        .filter(learning_goal::Column::UserId.eq(actor.user_id))
        .exec(&txn)
        .await?;
    if !wanted.is_empty() {
        let now = state.clock.now();
        learning_goal::Entity::insert_many(wanted.iter().map(|skill_id| {
            learning_goal::ActiveModel {
                user_id: Set(actor.user_id),
                skill_id: Set(*skill_id),
                created_at: Set(now),
            }
        }))
        .exec(&txn)
        .await?;
    }
    db::commit(txn, state).await?;
    Ok(())
}

/// The organisation's skill map (ADMIN), over its active members.
#[tracing::instrument(skip_all, fields(organisation = actor.organisation_id, user = actor.user_id))]
pub async fn skill_map(state: &AppState, actor: &Actor) -> AppResult<SkillMap> {
    permissions::require_admin(actor)?;
    let org = actor.organisation_id;
    let active_members = || {
        sea_orm::sea_query::Query::select()
            .column(user::Column::Id)
            .from(user::Entity)
            .and_where(user::Column::OrganisationId.eq(org))
            .and_where(user::Column::Active.eq(true))
            .to_owned()
    };
    let skills: Vec<(i64, String)> = skill::Entity::find()
        .select_only()
        .column(skill::Column::Id)
        .column(skill::Column::Name)
        .filter(skills::visible_to(org))
        .into_tuple()
        .all(&state.db)
        .await?;
    let levels: Vec<(i64, i64, i32)> = user_skill::Entity::find()
        .select_only()
        .column(user_skill::Column::UserId)
        .column(user_skill::Column::SkillId)
        .column(user_skill::Column::Level)
        .filter(user_skill::Column::UserId.in_subquery(active_members()))
        .into_tuple()
        .all(&state.db)
        .await?;
    let mentors: HashSet<i64> = mentor_profile::Entity::find()
        .select_only()
        .column(mentor_profile::Column::UserId)
        .filter(mentor_profile::Column::AcceptingMentees.eq(true))
        .filter(mentor_profile::Column::UserId.in_subquery(active_members()))
        .into_tuple::<i64>()
        .all(&state.db)
        .await?
        .into_iter()
        .collect();
    let mut wants: Vec<(i64, i64)> = learning_goal::Entity::find()
        .select_only()
        .column(learning_goal::Column::UserId)
        .column(learning_goal::Column::SkillId)
        .filter(learning_goal::Column::UserId.in_subquery(active_members()))
        .into_tuple()
        .all(&state.db)
        .await?;
    let open_requests: Vec<(i64, i64)> = mentoring_request::Entity::find()
        .select_only()
        .column(mentoring_request::Column::Id)
        .column(mentoring_request::Column::LearnerId)
        .filter(mentoring_request::Column::OrganisationId.eq(org))
        .filter(mentoring_request::Column::Status.eq(RequestStatus::Open))
        .filter(mentoring_request::Column::LearnerId.in_subquery(active_members()))
        .into_tuple()
        .all(&state.db)
        .await?;
    if !open_requests.is_empty() {
        let learner_of: std::collections::HashMap<i64, i64> = open_requests.into_iter().collect();
        let requested: Vec<(i64, i64)> = mentoring_request_skill::Entity::find()
            .select_only()
            .column(mentoring_request_skill::Column::RequestId)
            .column(mentoring_request_skill::Column::SkillId)
            .filter(mentoring_request_skill::Column::RequestId.is_in(learner_of.keys().copied()))
            .into_tuple()
            .all(&state.db)
            .await?;
        wants.extend(requested.into_iter().filter_map(|(request, skill)| {
            learner_of.get(&request).map(|learner| (*learner, skill))
        }));
    }
    Ok(expertise::build(&Inputs {
        skills,
        levels,
        mentors,
        wants,
    }))
}
