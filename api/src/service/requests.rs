//! Looking up a mentoring request as a given caller may see it: below both
//! the requests' own operations (`mentoring`) and their pairings'
//! (`pairings`), which both need it.

use entity::{RequestStatus, mentoring_request, pairing};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter};

use crate::auth::{Actor, permissions};
use crate::context::AppState;
use crate::db;
use crate::error::{AppError, AppResult};

/// A request visible to the actor (see [`permissions::may_see_request`]);
/// anything else is `NOT_FOUND`.
#[tracing::instrument(skip_all, fields(organisation = actor.organisation_id, user = actor.user_id))]
pub async fn get(
    state: &AppState,
    actor: &Actor,
    request_id: i64,
) -> AppResult<mentoring_request::Model> {
    get_in(&state.db, actor, request_id).await
}

/// Like [`get`], on any connection.
#[tracing::instrument(skip_all, fields(organisation = actor.organisation_id, user = actor.user_id))]
pub async fn get_in(
    conn: &impl ConnectionTrait,
    actor: &Actor,
    request_id: i64,
) -> AppResult<mentoring_request::Model> {
    let request = mentoring_request::Entity::find_by_id(request_id)
        .one(conn)
        .await?
        .ok_or(AppError::NotFound("mentoring request"))?;
    let open = request.status == RequestStatus::Open;
    let mentor = if open || actor.is_admin() || actor.user_id == request.learner_id {
        false
    } else {
        pairing::Entity::find()
            .filter(pairing::Column::RequestId.eq(request.id))
            .filter(pairing::Column::MentorId.eq(actor.user_id))
            .count(conn)
            .await?
            > 0
    };
    if !permissions::may_see_request(
        actor,
        request.organisation_id,
        open,
        request.learner_id,
        mentor,
    ) {
        return Err(AppError::NotFound("mentoring request"));
    }
    Ok(request)
}

/// Like [`get_in`], locking the request's row for the rest of the
/// transaction (see `pairings::lock_in`: every change of a request or its
/// pairings takes this lock first).
#[tracing::instrument(skip_all, fields(organisation = actor.organisation_id, user = actor.user_id))]
pub async fn lock_in(
    txn: &sea_orm::DatabaseTransaction,
    actor: &Actor,
    request_id: i64,
) -> AppResult<mentoring_request::Model> {
    db::for_update(mentoring_request::Entity::find_by_id(request_id), txn)
        .one(txn)
        .await?;
    get_in(txn, actor, request_id).await
}
