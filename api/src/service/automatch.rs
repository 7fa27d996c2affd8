//! The automatic matching (`autoMatch`): reads the organisation's open
//! requests and mentors, solves for the optimal assignment off the async
//! workers and outside any transaction, and, unless it is a dry run, writes
//! the proposals in one transaction, checking each against the mentor's
//! capacity and the request's status again as it is written. One run per
//! organisation at a time, on any number of instances (a lease row).

use std::collections::HashMap;

use chrono::Duration;
use entity::{RequestStatus, automatch_lease, mentor_profile, mentoring_request};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::mentoring::{candidates, levels_of, paired_with, requested_skills};
use super::pairing_flow;
use crate::auth::{Actor, permissions};
use crate::context::AppState;
use crate::db;
use crate::domain::mentoring::{self, OpenRequest, Pool, Suggestion};
use crate::error::{AppError, AppResult};

/// One pairing chosen by the automatic matching.
#[derive(Debug, Clone)]
pub struct Matched {
    pub request: mentoring_request::Model,
    pub suggestion: Suggestion,
    /// The pairing created, unless it was a dry run.
    pub pairing: Option<entity::pairing::Model>,
}

/// The outcome of the automatic matching.
#[derive(Debug, Clone, Default)]
pub struct AutoMatch {
    pub matched: Vec<Matched>,
    /// Thousandths of a point.
    pub total_score: i64,
    pub unmatched: Vec<mentoring_request::Model>,
}

/// Assigns open requests to mentors with the greatest total score under the
/// rules of [`mentoring::plan`] (ADMIN). With `dry_run` false, creates the
/// pairings as PROPOSED in one transaction and notifies the mentors; a
/// proposal that no longer fits (the mentor's places or the request changed
/// meanwhile) is left out, and its request reported unmatched.
#[tracing::instrument(skip_all, fields(organisation = actor.organisation_id, user = actor.user_id))]
pub async fn auto_match(state: &AppState, actor: &Actor, dry_run: bool) -> AppResult<AutoMatch> {
    permissions::require_admin(actor)?;
    let lease = Lease::take(state, actor.organisation_id).await?;
    let result = run(state, actor, dry_run).await;
    lease.release(state).await;
    result
}

async fn run(state: &AppState, actor: &Actor, dry_run: bool) -> AppResult<AutoMatch> {
    let (open, pool) = load(state, actor.organisation_id).await?;
    // The solve is CPU work: off the async workers, so nothing else waits.
    let pool = std::sync::Arc::new(pool);
    let solving = pool.clone();
    let planned = tokio::task::spawn_blocking(move || mentoring::plan(&solving)).await?;

    let mut result = AutoMatch::default();
    let mut matched = vec![false; open.len()];
    if dry_run {
        for m in planned {
            matched[m.request] = true;
            result.total_score += m.suggestion.score;
            result.matched.push(Matched {
                request: open[m.request].clone(),
                suggestion: m.suggestion,
                pairing: None,
            });
        }
    } else {
        let now = state.clock.now();
        let txn = db::begin_write(state).await?;
        // Proposals made in this run, per mentor: each must still fit.
        let mut proposed: HashMap<i64, i32> = HashMap::new();
        for m in planned {
            let mentor_id = m.suggestion.mentor_id;
            let Some(request) = still_open(&txn, open[m.request].id).await? else {
                continue;
            };
            let already = proposed.get(&mentor_id).copied().unwrap_or(0);
            if free_places(&txn, mentor_id).await? <= already
                || paired_with(&*txn, &[request.learner_id])
                    .await?
                    .contains(&(request.learner_id, mentor_id))
            {
                continue;
            }
            let pairing =
                pairing_flow::create_proposal(&txn, &request, mentor_id, actor.user_id, "", now)
                    .await?;
            proposed.insert(mentor_id, already + 1);
            matched[m.request] = true;
            result.total_score += m.suggestion.score;
            result.matched.push(Matched {
                request,
                suggestion: m.suggestion,
                pairing: Some(pairing),
            });
        }
        db::commit(txn, state).await?;
    }
    result.unmatched = open
        .into_iter()
        .zip(matched)
        .filter(|(_, matched)| !matched)
        .map(|(request, _)| request)
        .collect();
    Ok(result)
}

/// The organisation's open requests, and what the matching decides from.
async fn load(
    state: &AppState,
    organisation_id: i64,
) -> AppResult<(Vec<mentoring_request::Model>, Pool)> {
    let open = mentoring_request::Entity::find()
        .filter(mentoring_request::Column::OrganisationId.eq(organisation_id))
        .filter(mentoring_request::Column::Status.eq(RequestStatus::Open))
        .order_by_asc(mentoring_request::Column::Id)
        .all(&state.db)
        .await?;
    let request_ids: Vec<i64> = open.iter().map(|r| r.id).collect();
    let learners: Vec<i64> = open.iter().map(|r| r.learner_id).collect();
    let mut skills = requested_skills(&state.db, &request_ids).await?;
    let pool = Pool {
        requests: open
            .iter()
            .map(|r| OpenRequest {
                id: r.id,
                learner_id: r.learner_id,
                skills: skills.remove(&r.id).unwrap_or_default(),
            })
            .collect(),
        learner_levels: levels_of(&state.db, &learners, None).await?,
        mentors: candidates(&state.db, organisation_id, None).await?,
        paired: paired_with(&state.db, &learners).await?,
    };
    Ok((open, pool))
}

/// The request, if it is still open (locked for the rest of the transaction
/// on PostgreSQL).
async fn still_open(
    txn: &db::WriteTxn,
    request_id: i64,
) -> AppResult<Option<mentoring_request::Model>> {
    let mut query = mentoring_request::Entity::find_by_id(request_id);
    if db::is_postgres(&**txn) {
        query = query.lock_exclusive();
    }
    Ok(query
        .one(&**txn)
        .await?
        .filter(|r| r.status == RequestStatus::Open))
}

/// A mentor's free places now (0 when not accepting), their profile locked
/// for the rest of the transaction on PostgreSQL.
async fn free_places(txn: &db::WriteTxn, mentor_id: i64) -> AppResult<i32> {
    let mut query = mentor_profile::Entity::find_by_id(mentor_id);
    if db::is_postgres(&**txn) {
        query = query.lock_exclusive();
    }
    Ok(query.one(&**txn).await?.map_or(0, |p| {
        mentoring::free_places(p.max_mentees, p.active_mentees, p.accepting_mentees)
    }))
}

/// The right to run the matching for one organisation. Taken with one
/// conditional write, so of two runs started together on any instances one
/// gets it; it expires by itself should its holder die.
struct Lease {
    organisation_id: i64,
    holder: String,
    released: bool,
}

impl Lease {
    async fn take(state: &AppState, organisation_id: i64) -> AppResult<Lease> {
        let now = state.clock.now();
        let holder = state.random.token();
        let lasts = Duration::milliseconds(
            i64::try_from(state.settings.limits.request_timeout_ms).unwrap_or(i64::MAX / 2),
        ) + Duration::seconds(30);
        let txn = db::begin_write(state).await?;
        automatch_lease::Entity::insert(automatch_lease::ActiveModel {
            organisation_id: sea_orm::ActiveValue::Set(organisation_id),
            holder: sea_orm::ActiveValue::Set(holder.clone()),
            expires_at: sea_orm::ActiveValue::Set(now + lasts),
        })
        .on_conflict(
            OnConflict::column(automatch_lease::Column::OrganisationId)
                .update_columns([
                    automatch_lease::Column::Holder,
                    automatch_lease::Column::ExpiresAt,
                ])
                .action_and_where(automatch_lease::Column::ExpiresAt.lte(now))
                .to_owned(),
        )
        .exec_without_returning(&*txn)
        .await?;
        let current: Option<String> = automatch_lease::Entity::find_by_id(organisation_id)
            .select_only()
            .column(automatch_lease::Column::Holder)
            .into_tuple()
            .one(&*txn)
            .await?;
        db::commit(txn, state).await?;
        if current.as_deref() != Some(holder.as_str()) {
            return Err(AppError::Conflict(
                "an automatic matching is already running for this organisation".into(),
            ));
        }
        Ok(Lease {
            organisation_id,
            holder,
            released: false,
        })
    }

    async fn release(mut self, state: &AppState) {
        self.released = true;
        let released = async {
            let txn = db::begin_write(state).await?;
            automatch_lease::Entity::delete_many()
                .filter(automatch_lease::Column::OrganisationId.eq(self.organisation_id))
                .filter(automatch_lease::Column::Holder.eq(self.holder.as_str()))
                .exec(&*txn)
                .await?;
            db::commit(txn, state).await
        }
        .await;
        if let Err(err) = released {
            tracing::warn!(error = %err, "could not release the automatic matching's lease; it expires by itself");
        }
    }
}

impl Drop for Lease {
    fn drop(&mut self) {
        if !self.released {
            // Cut off (the request timed out): the lease expires by itself.
            tracing::info!(
                organisation = self.organisation_id,
                "an automatic matching was cut off; its lease will expire"
            );
        }
    }
}
