//! A pairing's course: proposed (by the learner, an admin or the automatic
//! matching), answered by the mentor, then completed or cancelled. The moves
//! come from [`crate::domain::mentoring::transition`]; who may make each one
//! is checked here, once per rule.

use chrono::{DateTime, Utc};
use entity::{PairingStatus, RequestStatus, mentor_profile, mentoring_request, pairing};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseTransaction,
    EntityTrait, ExprTrait, PaginatorTrait, QueryFilter,
};

use super::notifications::{self, Kind};
use super::pairings::{end, is_party, lock_in, other_party, refresh_request, tell};
use super::requests;
use crate::auth::{Actor, permissions};
use crate::context::AppState;
use crate::db;
use crate::domain::mentoring::{self, Event, transition};
use crate::domain::text;
use crate::error::{AppError, AppResult};

/// Free places of a mentor who accepts mentees (0 when not accepting).
async fn free_capacity(conn: &impl ConnectionTrait, mentor_id: i64) -> AppResult<i32> {
    Ok(mentor_profile::Entity::find_by_id(mentor_id)
        .one(conn)
        .await?
        .map_or(0, |p| {
            mentoring::free_places(p.max_mentees, p.active_mentees, p.accepting_mentees)
        }))
}

/// Proposes a pairing for a request (its learner or an ADMIN).
#[tracing::instrument(skip_all, fields(organisation = actor.organisation_id, user = actor.user_id))]
pub async fn propose(
    state: &AppState,
    actor: &Actor,
    request_id: i64,
    mentor_id: i64,
    goals: &str,
) -> AppResult<pairing::Model> {
    let goals = text::optional(goals, "goals", 2000, true)?;
    let now = state.clock.now();
    let txn = db::begin_write(state).await?;
    let request = requests::lock_in(&txn, actor, request_id).await?;
    if !permissions::may_act_for_learner(actor, request.learner_id) {
        return Err(AppError::Forbidden(
            "only the learner or an admin may propose a pairing",
        ));
    }
    if !matches!(request.status, RequestStatus::Open | RequestStatus::Matched) {
        return Err(AppError::Conflict("the request is no longer open".into()));
    }
    let has_mentor = pairing::Entity::find()
        .filter(pairing::Column::RequestId.eq(request.id))
        .filter(pairing::Column::Status.eq(PairingStatus::Active))
        .count(&*txn)
        .await?;
    if has_mentor > 0 {
        return Err(AppError::Conflict(
            "the request already has a mentor".into(),
        ));
    }
    if mentor_id == request.learner_id {
        return Err(AppError::field(
            "mentorId",
            "a learner cannot mentor themselves",
        ));
    }
    let mentor = super::users::get_in(&txn, actor, mentor_id)
        .await
        .map_err(|_| AppError::NotFound("mentor"))?;
    if !mentor.active {
        return Err(AppError::NotFound("mentor"));
    }
    if free_capacity(&txn, mentor_id).await? == 0 {
        return Err(AppError::Conflict("the mentor has no free capacity".into()));
    }
    let created = create_proposal(&txn, &request, mentor_id, actor.user_id, &goals, now).await?;
    db::commit(txn, state).await?;
    Ok(created)
}

/// Inserts a PROPOSED pairing, marks the request MATCHED and tells the mentor.
#[tracing::instrument(skip_all)]
pub async fn create_proposal(
    txn: &DatabaseTransaction,
    request: &mentoring_request::Model,
    mentor_id: i64,
    proposed_by: i64,
    goals: &str,
    now: DateTime<Utc>,
) -> AppResult<pairing::Model> {
    let created = pairing::ActiveModel {
        organisation_id: Set(request.organisation_id),
        request_id: Set(request.id),
        mentor_id: Set(mentor_id),
        learner_id: Set(request.learner_id),
        proposed_by: Set(Some(proposed_by)),
        status: Set(PairingStatus::Proposed),
        goals: Set(goals.to_owned()),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(txn)
    .await
    .map_err(|err| match AppError::from(err) {
        AppError::Conflict(_) => {
            AppError::Conflict("this mentor and learner already have a pairing".into())
        }
        other => other,
    })?;
    refresh_request(txn, request.id, now).await?;
    notifications::notify(
        txn,
        notifications::New {
            organisation_id: request.organisation_id,
            user_id: mentor_id,
            kind: Kind::PairingProposed,
            message: "You have been proposed as a mentor".into(),
            subject: Some(("Pairing", created.id)),
        },
        now,
    )
    .await?;
    Ok(created)
}

/// The mentor accepts (ACTIVE, if a place is free) or declines (DECLINED).
#[tracing::instrument(skip_all, fields(organisation = actor.organisation_id, user = actor.user_id))]
pub async fn respond(
    state: &AppState,
    actor: &Actor,
    pairing_id: i64,
    accept: bool,
) -> AppResult<pairing::Model> {
    let now = state.clock.now();
    let txn = db::begin_write(state).await?;
    let current = lock_in(&txn, actor, pairing_id).await?;
    if current.mentor_id != actor.user_id {
        return Err(AppError::Forbidden(
            "only the mentor may respond to a proposal",
        ));
    }
    let event = if accept {
        Event::Accept
    } else {
        Event::Decline
    };
    let to: PairingStatus = transition(current.status.into(), event)
        .ok_or_else(|| AppError::Conflict("the pairing is not awaiting a response".into()))?
        .into();
    if to == PairingStatus::Active {
        let taken_already = pairing::Entity::find()
            .filter(pairing::Column::RequestId.eq(current.request_id))
            .filter(pairing::Column::Status.eq(PairingStatus::Active))
            .count(&*txn)
            .await?;
        if taken_already > 0 {
            return Err(AppError::Conflict(
                "another mentor has already taken this request".into(),
            ));
        }
        // The capacity check and the count move together, in one conditional
        // update: two accepts racing for the last place cannot both win.
        let taken = mentor_profile::Entity::update_many()
            .col_expr(
                mentor_profile::Column::ActiveMentees,
                Expr::col(mentor_profile::Column::ActiveMentees).add(1),
            )
            .filter(mentor_profile::Column::UserId.eq(current.mentor_id))
            .filter(mentor_profile::Column::AcceptingMentees.eq(true))
            .filter(
                Expr::col(mentor_profile::Column::ActiveMentees)
                    .lt(Expr::col(mentor_profile::Column::MaxMentees)),
            )
            .exec(&txn)
            .await?;
        if taken.rows_affected != 1 {
            return Err(AppError::Conflict("the mentor has no free capacity".into()));
        }
    }
    let mut active: pairing::ActiveModel = current.clone().into();
    active.status = Set(to);
    active.responded_at = Set(Some(now));
    active.updated_at = Set(now);
    if to == PairingStatus::Declined {
        active.ended_at = Set(Some(now));
    }
    let updated = active.update(&txn).await?;
    if to == PairingStatus::Active {
        // The request has its mentor: the other proposals for it end.
        let others = pairing::Entity::find()
            .filter(pairing::Column::RequestId.eq(updated.request_id))
            .filter(pairing::Column::Status.eq(PairingStatus::Proposed))
            .all(&*txn)
            .await?;
        for other in others {
            let mentor = other.mentor_id;
            let ended = end(
                &txn,
                other,
                PairingStatus::Cancelled,
                Some("another mentor accepted the request".into()),
                now,
            )
            .await?;
            tell(
                &txn,
                &ended,
                mentor,
                Kind::PairingCancelled,
                "A proposal to you was withdrawn: another mentor accepted the request",
                now,
            )
            .await?;
        }
    }
    refresh_request(&txn, updated.request_id, now).await?;
    let (kind, message) = if accept {
        (Kind::PairingAccepted, "Your mentor accepted the pairing")
    } else {
        (Kind::PairingDeclined, "The mentor declined the pairing")
    };
    tell(&txn, &updated, updated.learner_id, kind, message, now).await?;
    db::commit(txn, state).await?;
    Ok(updated)
}

/// Completes an ACTIVE pairing (either party): the request is CLOSED.
#[tracing::instrument(skip_all, fields(organisation = actor.organisation_id, user = actor.user_id))]
pub async fn complete(
    state: &AppState,
    actor: &Actor,
    pairing_id: i64,
) -> AppResult<pairing::Model> {
    let now = state.clock.now();
    let txn = db::begin_write(state).await?;
    let current = lock_in(&txn, actor, pairing_id).await?;
    if !is_party(actor, &current) {
        return Err(AppError::Forbidden(
            "only the mentor or the learner may complete a pairing",
        ));
    }
    transition(current.status.into(), Event::Complete)
        .ok_or_else(|| AppError::Conflict("only an active pairing can be completed".into()))?;
    let other = other_party(&current, actor.user_id);
    let updated = end(&txn, current, PairingStatus::Completed, None, now).await?;
    tell(
        &txn,
        &updated,
        other,
        Kind::PairingCompleted,
        "Your mentoring pairing is completed",
        now,
    )
    .await?;
    db::commit(txn, state).await?;
    Ok(updated)
}

/// Cancels a pairing: the proposer withdraws a proposal, or either party ends
/// an active pairing (with a reason). Anything else is `CONFLICT`.
#[tracing::instrument(skip_all, fields(organisation = actor.organisation_id, user = actor.user_id))]
pub async fn cancel(
    state: &AppState,
    actor: &Actor,
    pairing_id: i64,
    reason: Option<String>,
) -> AppResult<pairing::Model> {
    let reason = text::optional(reason.as_deref().unwrap_or(""), "reason", 1000, true)?;
    let now = state.clock.now();
    let txn = db::begin_write(state).await?;
    let current = lock_in(&txn, actor, pairing_id).await?;
    let event = match current.status {
        PairingStatus::Proposed => {
            let proposer =
                current.proposed_by == Some(actor.user_id) || actor.user_id == current.learner_id;
            if current.mentor_id == actor.user_id {
                return Err(AppError::Conflict("decline the proposal instead".into()));
            }
            if !proposer {
                return Err(AppError::Forbidden(
                    "only the proposer may withdraw a proposal",
                ));
            }
            Event::Withdraw
        }
        _ => {
            if !is_party(actor, &current) {
                return Err(AppError::Forbidden(
                    "only the mentor or the learner may cancel a pairing",
                ));
            }
            Event::Cancel
        }
    };
    transition(current.status.into(), event)
        .ok_or_else(|| AppError::Conflict("the pairing has already ended".into()))?;
    let others: Vec<i64> = [current.mentor_id, current.learner_id]
        .into_iter()
        .filter(|id| *id != actor.user_id)
        .collect();
    let updated = end(
        &txn,
        current,
        PairingStatus::Cancelled,
        Some(reason).filter(|r| !r.is_empty()),
        now,
    )
    .await?;
    for other in others {
        tell(
            &txn,
            &updated,
            other,
            Kind::PairingCancelled,
            "A mentoring pairing was cancelled",
            now,
        )
        .await?;
    }
    db::commit(txn, state).await?;
    Ok(updated)
}
