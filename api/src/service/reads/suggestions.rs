//! Ranked mentor suggestions for a request in two statements: the request
//! with its skills and the learner's levels on them; then every mentor who
//! could score (accepting, active, not the learner, not already paired with
//! them, holding a requested skill at the mentor level) with their levels
//! and, when the selection asks for the mentors, their columns. The ranking
//! itself is the domain's.

use std::collections::HashMap;
use std::sync::Arc;

use entity::{
    PairingStatus, RequestStatus, mentor_profile, mentoring_request, mentoring_request_skill,
    pairing, skill, user, user_skill,
};
use sea_orm::ColumnTrait;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, JoinType, Query};

use super::columns::{self, take};
use super::members::{Extras, Row as Member, named_levels};
use crate::auth::{Actor, permissions};
use crate::context::AppState;
use crate::domain::mentoring::{self, Candidate, Suggestion};
use crate::error::{AppError, AppResult};
use crate::service::{requests, skills};

/// What the selection asks for of each suggested mentor.
#[derive(Debug, Clone, Copy, Default)]
pub struct Wants {
    /// The mentor's own columns.
    pub mentor: bool,
    /// All of the mentor's self-assessed skills (implies `mentor`).
    pub skills: bool,
}

/// The skills a request's reasons name, from the catalogue, by id.
pub type Named = Arc<HashMap<i64, Arc<skill::Model>>>;

/// A suggestion and what was read with it.
#[derive(Debug, Clone)]
pub struct Ranked {
    pub suggestion: Suggestion,
    /// The mentor, when asked.
    pub mentor: Option<Member>,
    /// The requested skills (the reasons name no others).
    pub skills: Named,
}

/// The request's best `first` suggestions, each with its mentor when asked.
#[tracing::instrument(skip_all, fields(organisation = actor.organisation_id, user = actor.user_id))]
pub async fn ranked(
    state: &AppState,
    actor: &Actor,
    request_id: i64,
    first: usize,
    wants: Wants,
) -> AppResult<Vec<Ranked>> {
    let (request, requested, learner_levels) = request(state, request_id).await?;
    let visible = request.as_ref().is_some_and(|r| {
        permissions::may_see_request(
            actor,
            r.organisation_id,
            r.status == RequestStatus::Open,
            r.learner_id,
            false,
        )
    });
    let request = match request {
        Some(request) if visible && permissions::may_act_for_learner(actor, request.learner_id) => {
            request
        }
        // Not the learner nor an admin: not found if they may not see it at
        // all (as a mentor of its pairing may), else refused.
        _ => {
            requests::get(state, actor, request_id).await?;
            return Err(AppError::Forbidden(
                "only the learner or an admin may see suggestions",
            ));
        }
    };
    let (pool, mut mentors) = candidates(state, actor, &request, &requested, wants).await?;
    let mut ranked = mentoring::rank(&requested, &learner_levels, &pool);
    ranked.truncate(first);
    let named: Named = Arc::new(
        skills::by_ids(state, actor.organisation_id, vec![requested])
            .await?
            .into_iter()
            .flatten()
            .map(|skill| (skill.id, skill))
            .collect(),
    );
    Ok(ranked
        .into_iter()
        .map(|suggestion| Ranked {
            mentor: mentors.remove(&suggestion.mentor_id),
            suggestion,
            skills: named.clone(),
        })
        .collect())
}

type RequestRead = (
    Option<mentoring_request::Model>,
    Vec<i64>,
    HashMap<i64, i32>,
);

/// The request, its skills (ascending) and the learner's levels on them.
async fn request(state: &AppState, request_id: i64) -> AppResult<RequestRead> {
    let learner = Alias::new("learner_level");
    let mut query = Query::select();
    query.from(mentoring_request::Entity);
    columns::select(
        &mut query,
        mentoring_request::Entity,
        columns::mentoring_request::COLUMNS,
    );
    query
        .expr(Expr::col((
            mentoring_request_skill::Entity,
            mentoring_request_skill::Column::SkillId,
        )))
        .expr(Expr::col((learner.clone(), user_skill::Column::Level)))
        .join(
            JoinType::LeftJoin,
            mentoring_request_skill::Entity,
            Expr::col((
                mentoring_request_skill::Entity,
                mentoring_request_skill::Column::RequestId,
            ))
            .equals((mentoring_request::Entity, mentoring_request::Column::Id)),
        )
        .join_as(
            JoinType::LeftJoin,
            user_skill::Entity,
            learner.clone(),
            Expr::col((learner.clone(), user_skill::Column::UserId))
                .equals((
                    mentoring_request::Entity,
                    mentoring_request::Column::LearnerId,
                ))
                .and(
                    Expr::col((learner.clone(), user_skill::Column::SkillId)).equals((
                        mentoring_request_skill::Entity,
                        mentoring_request_skill::Column::SkillId,
                    )),
                ),
        )
        .and_where(
            Expr::col((mentoring_request::Entity, mentoring_request::Column::Id)).eq(request_id),
        );
    let mut found = None;
    let mut requested = Vec::new();
    let mut levels = HashMap::new();
    for row in super::rows(&state.db, &query).await? {
        let mut at = 0;
        found = Some(columns::mentoring_request::decode(&row, &mut at)?);
        let skill: Option<i64> = take(&row, &mut at)?;
        let level: Option<i32> = take(&row, &mut at)?;
        if let Some(skill) = skill {
            requested.push(skill);
            if let Some(level) = level {
                levels.insert(skill, level);
            }
        }
    }
    requested.sort_unstable();
    Ok((found, requested, levels))
}

/// Every mentor who could score for `requested`, as the domain ranks them,
/// and (when asked) each one as a member with their levels.
async fn candidates(
    state: &AppState,
    actor: &Actor,
    request: &mentoring_request::Model,
    requested: &[i64],
    wants: Wants,
) -> AppResult<(Vec<Candidate>, HashMap<i64, Member>)> {
    let mut query = Query::select();
    query.from(mentor_profile::Entity);
    columns::select(
        &mut query,
        mentor_profile::Entity,
        columns::mentor_profile::COLUMNS,
    );
    columns::select(&mut query, user_skill::Entity, columns::user_skill::COLUMNS);
    if wants.mentor || wants.skills {
        columns::select(&mut query, user::Entity, columns::user::COLUMNS);
    }
    // All their levels when the mentors' skills are asked, else only the
    // requested ones (scoring looks at nothing else).
    let mut levels_on = Expr::col((user_skill::Entity, user_skill::Column::UserId))
        .equals((mentor_profile::Entity, mentor_profile::Column::UserId));
    if !wants.skills {
        levels_on = levels_on.and(
            Expr::col((user_skill::Entity, user_skill::Column::SkillId))
                .is_in(requested.iter().copied()),
        );
    }
    let mut scoring = Query::select();
    scoring
        .column(user_skill::Column::UserId)
        .from(user_skill::Entity)
        .and_where(user_skill::Column::SkillId.is_in(requested.iter().copied()))
        .and_where(user_skill::Column::Level.gte(mentoring::MIN_MENTOR_LEVEL));
    let mut paired = Query::select();
    paired
        .column(pairing::Column::MentorId)
        .from(pairing::Entity)
        .and_where(pairing::Column::LearnerId.eq(request.learner_id))
        .and_where(pairing::Column::Status.is_in([PairingStatus::Proposed, PairingStatus::Active]));
    query
        .join(
            JoinType::InnerJoin,
            user::Entity,
            Expr::col((user::Entity, user::Column::Id))
                .equals((mentor_profile::Entity, mentor_profile::Column::UserId)),
        )
        .join(JoinType::InnerJoin, user_skill::Entity, levels_on)
        .and_where(
            Expr::col((user::Entity, user::Column::OrganisationId)).eq(request.organisation_id),
        )
        .and_where(Expr::col((user::Entity, user::Column::Active)).eq(true))
        .and_where(
            Expr::col((
                mentor_profile::Entity,
                mentor_profile::Column::AcceptingMentees,
            ))
            .eq(true),
        )
        .and_where(
            Expr::col((mentor_profile::Entity, mentor_profile::Column::UserId))
                .ne(request.learner_id),
        )
        .and_where(
            Expr::col((mentor_profile::Entity, mentor_profile::Column::UserId))
                .in_subquery(scoring),
        )
        .and_where(
            Expr::col((mentor_profile::Entity, mentor_profile::Column::UserId))
                .not_in_subquery(paired),
        )
        .order_by(
            (mentor_profile::Entity, mentor_profile::Column::UserId),
            sea_orm::Order::Asc,
        );

    let mut pool: Vec<Candidate> = Vec::new();
    let mut all_levels: Vec<user_skill::Model> = Vec::new();
    let mut mentors: HashMap<i64, Member> = HashMap::new();
    for row in super::rows(&state.db, &query).await? {
        let mut at = 0;
        let profile = columns::mentor_profile::decode(&row, &mut at)?;
        let level = columns::user_skill::decode(&row, &mut at)?;
        // A mentor's rows come together (ordered by mentor).
        if pool.last().is_none_or(|c| c.mentor_id != profile.user_id) {
            pool.push(Candidate {
                mentor_id: profile.user_id,
                levels: HashMap::new(),
                free_capacity: u32::try_from(mentoring::free_places(
                    profile.max_mentees,
                    profile.active_mentees,
                    true,
                ))
                .unwrap_or(0),
                max_mentees: u32::try_from(Ord::max(profile.max_mentees, 0)).unwrap_or(0),
            });
            if wants.mentor || wants.skills {
                let user = columns::user::decode(&row, &mut at)?;
                mentors.insert(
                    user.id,
                    Member {
                        user,
                        extras: Extras::default(),
                    },
                );
            }
        }
        if let Some(candidate) = pool.last_mut()
            && requested.binary_search(&level.skill_id).is_ok()
        {
            candidate.levels.insert(level.skill_id, level.level);
        }
        if wants.skills {
            all_levels.push(level);
        }
    }
    if wants.skills {
        let mut grouped = named_levels(state, actor.organisation_id, all_levels).await?;
        for (id, member) in &mut mentors {
            member.extras.skills = Some(grouped.remove(id).unwrap_or_default());
        }
    }
    Ok((pool, mentors))
}
