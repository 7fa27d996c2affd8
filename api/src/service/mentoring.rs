//! Mentor profiles, mentoring requests, ranked suggestions and the optimal
//! automatic matching.

use std::collections::{HashMap, HashSet};

use entity::{
    PairingStatus, RequestStatus, mentor_profile, mentoring_request, mentoring_request_skill,
    pairing, user, user_skill,
};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect,
};

use super::{paging, pairings, requests, skills};
use crate::auth::{Actor, permissions};
use crate::context::AppState;
use crate::db;
use crate::domain::mentoring::{self, Candidate};
use crate::domain::paging::{PageRequest, Paged};
use crate::domain::text;
use crate::error::{AppError, AppResult};

/// Most open (OPEN or MATCHED) requests a learner may hold.
pub const MAX_OPEN_REQUESTS: u64 = 3;

/// Creates or changes the actor's mentor profile.
#[tracing::instrument(skip_all, fields(organisation = actor.organisation_id, user = actor.user_id))]
pub async fn upsert_profile(
    state: &AppState,
    actor: &Actor,
    bio: &str,
    max_mentees: i32,
    accepting: bool,
) -> AppResult<mentor_profile::Model> {
    let bio = text::optional(bio, "bio", 2000, true)?;
    if !(1..=20).contains(&max_mentees) {
        return Err(AppError::field(
            "maxMentees",
            "maxMentees must be between 1 and 20",
        ));
    }
    let now = state.clock.now();
    let txn = db::begin_write(state).await?;
    let existing = mentor_profile::Entity::find_by_id(actor.user_id)
        .one(&txn)
        .await?;
    let saved = match existing {
        Some(profile) => {
            let mut active: mentor_profile::ActiveModel = profile.into();
            active.bio = Set(bio);
            active.max_mentees = Set(max_mentees);
            active.accepting_mentees = Set(accepting);
            active.updated_at = Set(now);
            active.update(&txn).await?
        }
        None => {
            mentor_profile::ActiveModel {
                user_id: Set(actor.user_id),
                bio: Set(bio),
                max_mentees: Set(max_mentees),
                accepting_mentees: Set(accepting),
                active_mentees: Set(0),
                created_at: Set(now),
                updated_at: Set(now),
            }
            .insert(&txn)
            .await?
        }
    };
    db::commit(txn, state).await?;
    Ok(saved)
}

/// Opens a mentoring request for 1 to 5 skills (at most 3 open per learner).
#[tracing::instrument(skip_all, fields(organisation = actor.organisation_id, user = actor.user_id))]
pub async fn request(
    state: &AppState,
    actor: &Actor,
    skill_ids: &[i64],
    message: &str,
) -> AppResult<mentoring_request::Model> {
    let message = text::optional(message, "message", 2000, true)?;
    let now = state.clock.now();
    let txn = db::begin_write(state).await?;
    let skill_ids = skills::require_visible(&txn, actor.organisation_id, skill_ids).await?;
    if !(1..=5).contains(&skill_ids.len()) {
        return Err(AppError::field("skillIds", "ask for 1 to 5 skills"));
    }
    let open = mentoring_request::Entity::find()
        .filter(mentoring_request::Column::LearnerId.eq(actor.user_id))
        .filter(
            mentoring_request::Column::Status.is_in([RequestStatus::Open, RequestStatus::Matched]),
        )
        .count(&txn)
        .await?;
    if open >= MAX_OPEN_REQUESTS {
        return Err(AppError::Conflict(format!(
            "a learner has at most {MAX_OPEN_REQUESTS} open requests"
        )));
    }
    let created = mentoring_request::ActiveModel {
        organisation_id: Set(actor.organisation_id),
        learner_id: Set(actor.user_id),
        message: Set(message),
        status: Set(RequestStatus::Open),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    mentoring_request_skill::Entity::insert_many(skill_ids.iter().map(|skill_id| {
        mentoring_request_skill::ActiveModel {
            request_id: Set(created.id),
            skill_id: Set(*skill_id),
        }
    }))
    .exec(&txn)
    .await?;
    db::commit(txn, state).await?;
    Ok(created)
}

/// Withdraws the actor's request; its proposals are cancelled. A request with
/// an active pairing cannot be withdrawn (`CONFLICT`).
#[tracing::instrument(skip_all, fields(organisation = actor.organisation_id, user = actor.user_id))]
pub async fn withdraw(
    state: &AppState,
    actor: &Actor,
    request_id: i64,
) -> AppResult<mentoring_request::Model> {
    let now = state.clock.now();
    let txn = db::begin_write(state).await?;
    let current = requests::lock_in(&txn, actor, request_id).await?;
    if current.learner_id != actor.user_id {
        return Err(AppError::Forbidden(
            "only the learner may withdraw a request",
        ));
    }
    if matches!(
        current.status,
        RequestStatus::Withdrawn | RequestStatus::Closed
    ) {
        return Err(AppError::Conflict("the request is no longer open".into()));
    }
    let live = pairing::Entity::find()
        .filter(pairing::Column::RequestId.eq(current.id))
        .filter(pairing::Column::Status.is_in([PairingStatus::Proposed, PairingStatus::Active]))
        .all(&txn)
        .await?;
    if live.iter().any(|p| p.status == PairingStatus::Active) {
        return Err(AppError::Conflict(
            "complete or cancel the active pairing first".into(),
        ));
    }
    for proposal in live {
        let mentor = proposal.mentor_id;
        let ended = pairings::end(
            &txn,
            proposal,
            PairingStatus::Cancelled,
            Some("request withdrawn".into()),
            now,
        )
        .await?;
        pairings::tell(
            &txn,
            &ended,
            mentor,
            super::notifications::Kind::PairingCancelled,
            "A proposal to you was withdrawn: the learner withdrew the request",
            now,
        )
        .await?;
    }
    let mut active: mentoring_request::ActiveModel = current.into();
    active.status = Set(RequestStatus::Withdrawn);
    active.updated_at = Set(now);
    let withdrawn = active.update(&txn).await?;
    db::commit(txn, state).await?;
    Ok(withdrawn)
}

/// Which requests to list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// The actor's own.
    Mine,
    /// Open requests of others that the actor, as a mentor, would score for.
    ICanHelpWith,
    /// Everything in the organisation (ADMIN).
    All,
}

/// Lists requests in a scope, oldest first.
#[tracing::instrument(skip_all, fields(organisation = actor.organisation_id, user = actor.user_id))]
pub async fn list(
    state: &AppState,
    actor: &Actor,
    scope: Scope,
    status: Option<RequestStatus>,
    page: &PageRequest,
) -> AppResult<Paged<mentoring_request::Model>> {
    let mut select = mentoring_request::Entity::find()
        .filter(mentoring_request::Column::OrganisationId.eq(actor.organisation_id));
    match scope {
        Scope::Mine => {
            select = select.filter(mentoring_request::Column::LearnerId.eq(actor.user_id))
        }
        Scope::All => permissions::require_admin(actor)?,
        Scope::ICanHelpWith => {
            let mine: Vec<i64> = user_skill::Entity::find()
                .select_only()
                .column(user_skill::Column::SkillId)
                .filter(user_skill::Column::UserId.eq(actor.user_id))
                .filter(user_skill::Column::Level.gte(mentoring::MIN_MENTOR_LEVEL))
                .into_tuple()
                .all(&state.db)
                .await?;
            select = select
                .filter(mentoring_request::Column::LearnerId.ne(actor.user_id))
                .filter(mentoring_request::Column::Status.eq(RequestStatus::Open))
                .filter(
                    mentoring_request::Column::Id.in_subquery(
                        sea_orm::sea_query::Query::select()
                            .column(mentoring_request_skill::Column::RequestId)
                            .from(mentoring_request_skill::Entity)
                            .and_where(mentoring_request_skill::Column::SkillId.is_in(mine))
                            .to_owned(),
                    ),
                );
        }
    }
    if let Some(status) = status {
        select = select.filter(mentoring_request::Column::Status.eq(status));
    }
    paging::fetch(&state.db, select, mentoring_request::Column::Id, page).await
}

/// The skills each request asks for.
#[tracing::instrument(skip_all)]
pub async fn requested_skills(
    conn: &impl ConnectionTrait,
    request_ids: &[i64],
) -> AppResult<HashMap<i64, Vec<i64>>> {
    let rows: Vec<(i64, i64)> = mentoring_request_skill::Entity::find()
        .select_only()
        .column(mentoring_request_skill::Column::RequestId)
        .column(mentoring_request_skill::Column::SkillId)
        .filter(mentoring_request_skill::Column::RequestId.is_in(request_ids.iter().copied()))
        .into_tuple()
        .all(conn)
        .await?;
    let mut out: HashMap<i64, Vec<i64>> = HashMap::new();
    for (request, skill) in rows {
        out.entry(request).or_default().push(skill);
    }
    for skills in out.values_mut() {
        skills.sort_unstable();
    }
    Ok(out)
}

/// Everyone in the organisation who could mentor now: active members with a
/// profile accepting mentees and free capacity, with their levels.
/// Mentors of the organisation who accept mentees. With `skills`, only those
/// who could score for one of them (at least the minimum mentor level), with
/// only those skills' levels: scoring looks at nothing else.
pub(super) async fn candidates(
    conn: &impl ConnectionTrait,
    organisation_id: i64,
    skills: Option<&[i64]>,
) -> AppResult<Vec<Candidate>> {
    let mut select = mentor_profile::Entity::find();
    if let Some(skills) = skills {
        select = select.filter(
            mentor_profile::Column::UserId.in_subquery(
                sea_orm::sea_query::Query::select()
                    .column(user_skill::Column::UserId)
                    .from(user_skill::Entity)
                    .and_where(user_skill::Column::SkillId.is_in(skills.iter().copied()))
                    .and_where(user_skill::Column::Level.gte(mentoring::MIN_MENTOR_LEVEL))
                    .to_owned(),
            ),
        );
    }
    let profiles = select
        .filter(mentor_profile::Column::AcceptingMentees.eq(true))
        .filter(
            mentor_profile::Column::UserId.in_subquery(
                sea_orm::sea_query::Query::select()
                    .column(user::Column::Id)
                    .from(user::Entity)
                    .and_where(user::Column::OrganisationId.eq(organisation_id))
                    .and_where(user::Column::Active.eq(true))
                    .to_owned(),
            ),
        )
        .order_by_asc(mentor_profile::Column::UserId)
        .all(conn)
        .await?;
    let ids: Vec<i64> = profiles.iter().map(|p| p.user_id).collect();
    let levels = levels_of(conn, &ids, skills).await?;
    Ok(profiles
        .into_iter()
        .map(|p| Candidate {
            mentor_id: p.user_id,
            levels: levels.get(&p.user_id).cloned().unwrap_or_default(),
            free_capacity: u32::try_from(mentoring::free_places(
                p.max_mentees,
                p.active_mentees,
                true,
            ))
            .unwrap_or(0),
            max_mentees: u32::try_from(p.max_mentees.max(0)).unwrap_or(0),
        })
        .collect())
}

/// Self-assessed levels of `users`, by user and skill; with `skills`, only
/// those skills.
pub(super) async fn levels_of(
    conn: &impl ConnectionTrait,
    users: &[i64],
    skills: Option<&[i64]>,
) -> AppResult<HashMap<i64, HashMap<i64, i32>>> {
    let mut select = user_skill::Entity::find()
        .select_only()
        .column(user_skill::Column::UserId)
        .column(user_skill::Column::SkillId)
        .column(user_skill::Column::Level)
        .filter(user_skill::Column::UserId.is_in(users.iter().copied()));
    if let Some(skills) = skills {
        select = select.filter(user_skill::Column::SkillId.is_in(skills.iter().copied()));
    }
    let rows: Vec<(i64, i64, i32)> = select.into_tuple().all(conn).await?;
    let mut out: HashMap<i64, HashMap<i64, i32>> = HashMap::new();
    for (user, skill, level) in rows {
        out.entry(user).or_default().insert(skill, level);
    }
    Ok(out)
}

/// Mentors each learner already has a proposed or active pairing with.
pub(super) async fn paired_with(
    conn: &impl ConnectionTrait,
    learners: &[i64],
) -> AppResult<HashSet<(i64, i64)>> {
    let rows: Vec<(i64, i64)> = pairing::Entity::find()
        .select_only()
        .column(pairing::Column::LearnerId)
        .column(pairing::Column::MentorId)
        .filter(pairing::Column::LearnerId.is_in(learners.iter().copied()))
        .filter(pairing::Column::Status.is_in([PairingStatus::Proposed, PairingStatus::Active]))
        .into_tuple()
        .all(conn)
        .await?;
    Ok(rows.into_iter().collect())
}
