//! The pairing lifecycle, session logs and feedback. Transitions come from
//! [`crate::domain::mentoring::transition`]; who may cause each one is checked
//! here, once per rule.

use chrono::{DateTime, Utc};
use entity::{PairingStatus, RequestStatus, mentor_profile, mentoring_request, pairing};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseTransaction,
    EntityTrait, ExprTrait, QueryFilter, QueryOrder,
};

use super::notifications::{self, Kind};
use crate::auth::{Actor, permissions};
use crate::context::AppState;
use crate::db;
use crate::domain::mentoring::{self, request_status};
use crate::error::{AppError, AppResult};

pub(super) fn is_party(actor: &Actor, pairing: &pairing::Model) -> bool {
    permissions::is_pairing_party(actor, pairing.mentor_id, pairing.learner_id)
}

/// A pairing visible to the actor (a party or an admin of its organisation).
#[tracing::instrument(skip_all, fields(organisation = actor.organisation_id, user = actor.user_id))]
pub async fn get(state: &AppState, actor: &Actor, pairing_id: i64) -> AppResult<pairing::Model> {
    get_in(&state.db, actor, pairing_id).await
}

pub(super) async fn get_in(
    conn: &impl ConnectionTrait,
    actor: &Actor,
    pairing_id: i64,
) -> AppResult<pairing::Model> {
    visible(
        actor,
        pairing::Entity::find_by_id(pairing_id).one(conn).await?,
    )
}

/// Like [`get_in`], holding the row locks of the pairing's request and then
/// of the pairing for the rest of the transaction. Every change of a request
/// or its pairings (withdrawing, proposing, answering, completing,
/// cancelling) locks the request first, so they run one after the other and
/// each sees what the one before did. SQLite's write transactions are one at
/// a time already.
pub(super) async fn lock_in(
    txn: &DatabaseTransaction,
    actor: &Actor,
    pairing_id: i64,
) -> AppResult<pairing::Model> {
    let found = visible(
        actor,
        pairing::Entity::find_by_id(pairing_id).one(txn).await?,
    )?;
    db::for_update(mentoring_request::Entity::find_by_id(found.request_id), txn)
        .one(txn)
        .await?;
    visible(
        actor,
        db::for_update(pairing::Entity::find_by_id(pairing_id), txn)
            .one(txn)
            .await?,
    )
}

/// Whether the actor may see a pairing: a party, or an admin of its organisation.
pub fn visible_to(actor: &Actor, pairing: &pairing::Model) -> bool {
    permissions::may_see_pairing(
        actor,
        pairing.organisation_id,
        pairing.mentor_id,
        pairing.learner_id,
    )
}

fn visible(actor: &Actor, found: Option<pairing::Model>) -> AppResult<pairing::Model> {
    found
        .filter(|p| visible_to(actor, p))
        .ok_or(AppError::NotFound("pairing"))
}

/// Moves a pairing to an end state, frees the mentor's place if it was
/// active, and updates the request.
#[tracing::instrument(skip_all)]
pub async fn end(
    txn: &DatabaseTransaction,
    current: pairing::Model,
    to: PairingStatus,
    reason: Option<String>,
    now: DateTime<Utc>,
) -> AppResult<pairing::Model> {
    let was_active = current.status == PairingStatus::Active;
    let mut active: pairing::ActiveModel = current.into();
    active.status = Set(to);
    active.cancel_reason = Set(reason);
    active.ended_at = Set(Some(now));
    active.updated_at = Set(now);
    let updated = active.update(txn).await?;
    if was_active {
        mentor_profile::Entity::update_many()
            .col_expr(
                mentor_profile::Column::ActiveMentees,
                Expr::col(mentor_profile::Column::ActiveMentees).sub(1),
            )
            .filter(mentor_profile::Column::UserId.eq(updated.mentor_id))
            .filter(mentor_profile::Column::ActiveMentees.gt(0))
            .exec(txn)
            .await?;
    }
    refresh_request(txn, updated.request_id, now).await?;
    Ok(updated)
}

pub(super) fn other_party(pairing: &pairing::Model, me: i64) -> i64 {
    if pairing.mentor_id == me {
        pairing.learner_id
    } else {
        pairing.mentor_id
    }
}

/// Tells `user_id` about a pairing, in the transaction of the change.
#[tracing::instrument(skip_all)]
pub async fn tell(
    conn: &impl ConnectionTrait,
    pairing: &pairing::Model,
    user_id: i64,
    kind: Kind,
    message: &str,
    now: DateTime<Utc>,
) -> AppResult<()> {
    notifications::notify(
        conn,
        notifications::New {
            organisation_id: pairing.organisation_id,
            user_id,
            kind,
            message: message.into(),
            subject: Some(("Pairing", pairing.id)),
        },
        now,
    )
    .await?;
    Ok(())
}

/// Recomputes a request's status from its pairings.
pub(super) async fn refresh_request(
    conn: &impl ConnectionTrait,
    request_id: i64,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let Some(request) = mentoring_request::Entity::find_by_id(request_id)
        .one(conn)
        .await?
    else {
        return Ok(());
    };
    let statuses: Vec<mentoring::PairingStatus> = pairing::Entity::find()
        .filter(pairing::Column::RequestId.eq(request_id))
        .all(conn)
        .await?
        .into_iter()
        .map(|p| p.status.into())
        .collect();
    let next: RequestStatus = request_status(request.status.into(), &statuses).into();
    if next != request.status {
        let mut active: mentoring_request::ActiveModel = request.into();
        active.status = Set(next);
        active.updated_at = Set(now);
        active.update(conn).await?;
    }
    Ok(())
}

/// Pairings of a request, for anyone who may see the request.
#[tracing::instrument(skip_all)]
pub async fn of_requests(
    conn: &impl ConnectionTrait,
    request_ids: &[i64],
) -> AppResult<Vec<pairing::Model>> {
    Ok(pairing::Entity::find()
        .filter(pairing::Column::RequestId.is_in(request_ids.iter().copied()))
        .order_by_asc(pairing::Column::Id)
        .all(conn)
        .await?)
}
