//! Lessons and their completion: a course's content, edited by admins and
//! worked through by enrolled members.

use std::collections::HashSet;

use entity::{CourseStatus, SeatStatus, course, lesson, lesson_completion, seat};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect,
};

use super::courses::{changeable, get_in, get_visible};
use super::{notifications, seats};
use crate::auth::{Actor, permissions};
use crate::context::AppState;
use crate::db;
use crate::domain::text;
use crate::error::{AppError, AppResult};

/// Longest lesson body (Markdown), in characters.
pub const MAX_BODY_CHARS: usize = 20_000;

/// A lesson's editable fields.
#[derive(Debug, Clone, Default)]
pub struct LessonInput {
    pub title: Option<String>,
    pub body: Option<String>,
    pub estimated_minutes: Option<i32>,
}

/// The lessons of a course, in order.
#[tracing::instrument(skip_all)]
pub async fn lessons(conn: &impl ConnectionTrait, course_id: i64) -> AppResult<Vec<lesson::Model>> {
    Ok(lesson::Entity::find()
        .filter(lesson::Column::CourseId.eq(course_id))
        .order_by_asc(lesson::Column::Position)
        .order_by_asc(lesson::Column::Id)
        .all(conn)
        .await?)
}

fn lesson_fields(
    input: &LessonInput,
    current: Option<&lesson::Model>,
) -> AppResult<(String, String, i32)> {
    let title = text::required(
        input
            .title
            .as_deref()
            .or(current.map(|l| l.title.as_str()))
            .unwrap_or(""),
        "title",
        200,
        false,
    )?;
    let body = text::optional(
        input
            .body
            .as_deref()
            .or(current.map(|l| l.body.as_str()))
            .unwrap_or(""),
        "body",
        MAX_BODY_CHARS,
        true,
    )?;
    let minutes = input
        .estimated_minutes
        .or(current.map(|l| l.estimated_minutes))
        .ok_or_else(|| AppError::field("estimatedMinutes", "estimatedMinutes is required"))?;
    if !(1..=1440).contains(&minutes) {
        return Err(AppError::field(
            "estimatedMinutes",
            "estimatedMinutes must be between 1 and 1440",
        ));
    }
    Ok((title, body, minutes))
}

/// Adds a lesson at the end of a course (ADMIN).
#[tracing::instrument(skip_all, fields(organisation = actor.organisation_id, user = actor.user_id))]
pub async fn add_lesson(
    state: &AppState,
    actor: &Actor,
    course_id: i64,
    input: LessonInput,
) -> AppResult<lesson::Model> {
    permissions::require_admin(actor)?;
    let (title, body, minutes) = lesson_fields(&input, None)?;
    let now = state.clock.now();
    let txn = db::begin_write(state).await?;
    let course = get_in(&txn, actor, course_id).await?;
    changeable(&course)?;
    let last: Option<i32> = lesson::Entity::find()
        .select_only()
        .column_as(lesson::Column::Position.max(), "max")
        .filter(lesson::Column::CourseId.eq(course.id))
        .into_tuple::<Option<i32>>()
        .one(&txn)
        .await?
        .flatten();
    let created = lesson::ActiveModel {
        course_id: Set(course.id),
        position: Set(last.map_or(1, |p| p + 1)),
        title: Set(title),
        body: Set(body),
        estimated_minutes: Set(minutes),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    db::commit(txn, state).await?;
    Ok(created)
}

/// A lesson of a course the actor may see, with the course.
#[tracing::instrument(skip_all, fields(organisation = actor.organisation_id, user = actor.user_id))]
pub async fn get_lesson(
    conn: &impl ConnectionTrait,
    actor: &Actor,
    lesson_id: i64,
) -> AppResult<(lesson::Model, course::Model)> {
    let lesson = lesson::Entity::find_by_id(lesson_id)
        .one(conn)
        .await?
        .ok_or(AppError::NotFound("lesson"))?;
    let course = get_visible(conn, actor, lesson.course_id)
        .await
        .map_err(|_| AppError::NotFound("lesson"))?;
    Ok((lesson, course))
}

/// Changes a lesson (ADMIN).
#[tracing::instrument(skip_all, fields(organisation = actor.organisation_id, user = actor.user_id))]
pub async fn update_lesson(
    state: &AppState,
    actor: &Actor,
    lesson_id: i64,
    input: LessonInput,
) -> AppResult<lesson::Model> {
    permissions::require_admin(actor)?;
    let txn = db::begin_write(state).await?;
    let (current, course) = get_lesson(&txn, actor, lesson_id).await?;
    changeable(&course)?;
    let (title, body, minutes) = lesson_fields(&input, Some(&current))?;
    let mut active: lesson::ActiveModel = current.into();
    active.title = Set(title);
    active.body = Set(body);
    active.estimated_minutes = Set(minutes);
    active.updated_at = Set(state.clock.now());
    let updated = active.update(&txn).await?;
    db::commit(txn, state).await?;
    Ok(updated)
}

/// Removes a lesson (ADMIN); enrolments that have now done every remaining
/// lesson are completed. Returns the course.
#[tracing::instrument(skip_all, fields(organisation = actor.organisation_id, user = actor.user_id))]
pub async fn remove_lesson(
    state: &AppState,
    actor: &Actor,
    lesson_id: i64,
) -> AppResult<course::Model> {
    permissions::require_admin(actor)?;
    let now = state.clock.now();
    let txn = db::begin_write(state).await?;
    let (lesson, course) = get_lesson(&txn, actor, lesson_id).await?;
    changeable(&course)?;
    let remaining: Vec<lesson::Model> = lessons(&txn, course.id)
        .await?
        .into_iter()
        .filter(|l| l.id != lesson.id)
        .collect();
    if remaining.is_empty() && course.status == CourseStatus::Published {
        return Err(AppError::Conflict(
            "a published course keeps at least one lesson; archive it instead".into(),
        ));
    }
    lesson::Entity::delete_by_id(lesson.id).exec(&txn).await?;
    // Positions stay 1, 2, 3, … with no gap.
    for (index, kept) in remaining.iter().enumerate() {
        let position = i32::try_from(index + 1).unwrap_or(i32::MAX);
        if kept.position != position {
            lesson::Entity::update_many()
                .col_expr(lesson::Column::Position, Expr::value(position))
                .filter(lesson::Column::Id.eq(kept.id))
                .exec(&txn)
                .await?;
        }
    }
    if !remaining.is_empty() {
        let enrolled = seat::Entity::find()
            .filter(seat::Column::PoolId.eq(course.seat_pool_id))
            .filter(seat::Column::Status.eq(SeatStatus::Confirmed))
            .all(&txn)
            .await?;
        for enrolment in enrolled {
            if done_all(&*txn, enrolment.id, &remaining).await? {
                let changed = seats::complete(&txn, enrolment.id, now).await?;
                notifications::promoted_to_course(&txn, &course, &changed.promoted, now).await?;
            }
        }
    }
    db::commit(txn, state).await?;
    Ok(course)
}

/// Puts a course's lessons in the given order (ADMIN); the list must hold
/// exactly the course's lessons, each once. Returns the course.
#[tracing::instrument(skip_all, fields(organisation = actor.organisation_id, user = actor.user_id))]
pub async fn reorder_lessons(
    state: &AppState,
    actor: &Actor,
    course_id: i64,
    lesson_ids: &[i64],
) -> AppResult<course::Model> {
    permissions::require_admin(actor)?;
    let txn = db::begin_write(state).await?;
    let course = get_in(&txn, actor, course_id).await?;
    changeable(&course)?;
    let current: HashSet<i64> = lessons(&txn, course.id)
        .await?
        .into_iter()
        .map(|l| l.id)
        .collect();
    let given: HashSet<i64> = lesson_ids.iter().copied().collect();
    if given.len() != lesson_ids.len() || given != current {
        return Err(AppError::field(
            "lessonIds",
            "give every lesson of the course exactly once",
        ));
    }
    for (index, id) in lesson_ids.iter().enumerate() {
        lesson::Entity::update_many()
            .col_expr(
                lesson::Column::Position,
                Expr::value(i32::try_from(index + 1).unwrap_or(i32::MAX)),
            )
            .filter(lesson::Column::Id.eq(*id))
            .exec(&txn)
            .await?;
    }
    db::commit(txn, state).await?;
    Ok(course)
}

/// Lessons completed by each enrolment, for progress.
#[tracing::instrument(skip_all)]
pub async fn completed_lessons(
    conn: &impl ConnectionTrait,
    seat_ids: &[i64],
) -> AppResult<Vec<(i64, i64)>> {
    Ok(lesson_completion::Entity::find()
        .select_only()
        .column(lesson_completion::Column::SeatId)
        .column(lesson_completion::Column::LessonId)
        .filter(lesson_completion::Column::SeatId.is_in(seat_ids.iter().copied()))
        .into_tuple()
        .all(conn)
        .await?)
}

/// Whether an enrolment has completed every one of `lessons`.
#[tracing::instrument(skip_all)]
pub async fn done_all(
    conn: &impl ConnectionTrait,
    seat_id: i64,
    lessons: &[lesson::Model],
) -> AppResult<bool> {
    let done: std::collections::HashSet<i64> = completed_lessons(conn, &[seat_id])
        .await?
        .into_iter()
        .map(|(_, lesson)| lesson)
        .collect();
    Ok(!lessons.is_empty() && lessons.iter().all(|l| done.contains(&l.id)))
}
