//! Enrolling in courses and completing lessons. Seats come from the same
//! engine as clinic registrations.

use entity::{CourseStatus, SeatStatus, course, lesson_completion, seat};
use sea_orm::ActiveValue::Set;
use sea_orm::{ConnectionTrait, EntityTrait};

use super::notifications::{self};
use super::{courses, lessons, seats};
use crate::auth::{Actor, permissions};
use crate::context::AppState;
use crate::db;
use crate::error::{AppError, AppResult};

/// Enrols the actor in a published course (seat rules 1 and 2).
#[tracing::instrument(skip_all, fields(organisation = actor.organisation_id, user = actor.user_id))]
pub async fn enrol(state: &AppState, actor: &Actor, course_id: i64) -> AppResult<seat::Model> {
    let now = state.clock.now();
    let txn = db::begin_write(state).await?;
    let course = courses::lock_visible(&txn, actor, course_id).await?;
    if course.status != CourseStatus::Published {
        return Err(AppError::Conflict(
            "only a published course takes enrolments".into(),
        ));
    }
    let claimed = seats::claim(&txn, course.seat_pool_id, actor.user_id, now).await?;
    db::commit(txn, state).await?;
    Ok(claimed)
}

/// Cancels an enrolment (its holder or an admin); a freed seat goes to the
/// first on the waitlist. A completed enrolment stays completed.
#[tracing::instrument(skip_all, fields(organisation = actor.organisation_id, user = actor.user_id))]
pub async fn cancel(state: &AppState, actor: &Actor, enrolment_id: i64) -> AppResult<seat::Model> {
    let now = state.clock.now();
    let txn = db::begin_write(state).await?;
    let (enrolment, course) = load(&txn, actor, enrolment_id).await?;
    if !permissions::may_cancel_seat(actor, enrolment.user_id) {
        return Err(AppError::Forbidden(
            "only its holder or an admin may cancel an enrolment",
        ));
    }
    if enrolment.status == SeatStatus::Completed {
        return Err(AppError::Conflict(
            "a completed enrolment cannot be cancelled".into(),
        ));
    }
    let changed = seats::release(&txn, enrolment.id, now, seats::Waitlist::Moves).await?;
    notifications::promoted_to_course(&txn, &course, &changed.promoted, now).await?;
    db::commit(txn, state).await?;
    changed.released.ok_or(AppError::NotFound("enrolment"))
}

/// Marks a lesson done for the actor's confirmed enrolment; the enrolment is
/// COMPLETED when every lesson is done.
#[tracing::instrument(skip_all, fields(organisation = actor.organisation_id, user = actor.user_id))]
pub async fn complete_lesson(
    state: &AppState,
    actor: &Actor,
    lesson_id: i64,
) -> AppResult<seat::Model> {
    let now = state.clock.now();
    let txn = db::begin_write(state).await?;
    let (lesson, course) = lessons::get_lesson(&txn, actor, lesson_id).await?;
    let enrolment = seats::live_claim(&txn, course.seat_pool_id, actor.user_id)
        .await?
        .ok_or_else(|| AppError::Conflict("enrol in the course first".into()))?;
    match enrolment.status {
        SeatStatus::Completed => {
            db::commit(txn, state).await?;
            return Ok(enrolment);
        }
        SeatStatus::Waitlisted => {
            return Err(AppError::Conflict("you are still on the waitlist".into()));
        }
        _ => {}
    }
    lesson_completion::Entity::insert(lesson_completion::ActiveModel {
        seat_id: Set(enrolment.id),
        lesson_id: Set(lesson.id),
        completed_at: Set(now),
    })
    .on_conflict_do_nothing_on([
        lesson_completion::Column::SeatId,
        lesson_completion::Column::LessonId,
    ])
    .exec(&txn)
    .await?;
    let all = lessons::lessons(&txn, course.id).await?;
    let result = if lessons::done_all(&txn, enrolment.id, &all).await? {
        let changed = seats::complete(&txn, enrolment.id, now).await?;
        notifications::promoted_to_course(&txn, &course, &changed.promoted, now).await?;
        changed.released.ok_or(AppError::NotFound("enrolment"))?
    } else {
        enrolment
    };
    db::commit(txn, state).await?;
    Ok(result)
}

/// An enrolment the actor may see (their own, or any for an admin), with its course.
#[tracing::instrument(skip_all, fields(organisation = actor.organisation_id, user = actor.user_id))]
pub async fn get(
    state: &AppState,
    actor: &Actor,
    enrolment_id: i64,
) -> AppResult<(seat::Model, course::Model)> {
    load(&state.db, actor, enrolment_id).await
}

/// Whether the actor may see an enrolment (see [`permissions::may_see_enrolment`]).
pub fn visible_to(actor: &Actor, enrolment: &seat::Model, course: &course::Model) -> bool {
    permissions::may_see_enrolment(actor, course.organisation_id, enrolment.user_id)
}

async fn load(
    conn: &impl ConnectionTrait,
    actor: &Actor,
    enrolment_id: i64,
) -> AppResult<(seat::Model, course::Model)> {
    seats::with_owner(
        conn,
        enrolment_id,
        "enrolment",
        |pool| courses::by_pool(conn, pool),
        |seat, course| visible_to(actor, seat, course),
    )
    .await
}
