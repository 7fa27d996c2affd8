//! Courses and their lessons: drafting, publishing, archiving, ordering.
//!
//! Adding a lesson later leaves COMPLETED enrolments completed (they finished
//! the course as it was) and lowers the progress of the others; removing a
//! lesson completes any enrolment that has now done every remaining lesson.

use entity::{CourseStatus, course, course_skill, lesson, seat};
use sea_orm::sea_query::Query;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait,
    DatabaseTransaction, EntityTrait, PaginatorTrait, QueryFilter,
};

use super::{notifications, paging, seats, skills};
use crate::auth::{Actor, permissions};
use crate::context::AppState;
use crate::db;
use crate::domain::courses as rules;
use crate::domain::paging::{PageRequest, Paged};
use crate::domain::text;
use crate::error::{AppError, AppResult};

/// A course's editable fields; `None` leaves a field unchanged, and for
/// `capacity` `Some(None)` means unlimited.
#[derive(Debug, Clone, Default)]
pub struct CourseInput {
    pub title: Option<String>,
    pub summary: Option<String>,
    pub skill_ids: Option<Vec<i64>>,
    pub capacity: Option<Option<i32>>,
}

/// Which courses to list.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub skill_id: Option<i64>,
    pub status: Option<CourseStatus>,
    /// Part of the title or summary, any case.
    pub search: Option<String>,
}

/// A course's capacity: as a clinic's, or null for unlimited.
fn check_capacity(capacity: Option<i32>) -> AppResult<Option<i32>> {
    capacity
        .map(|c| crate::domain::clinics::capacity(c, "capacity"))
        .transpose()
}

/// Creates a draft course (ADMIN).
#[tracing::instrument(skip_all, fields(organisation = actor.organisation_id, user = actor.user_id))]
pub async fn create(
    state: &AppState,
    actor: &Actor,
    input: CourseInput,
) -> AppResult<course::Model> {
    permissions::require_admin(actor)?;
    let title = text::required(input.title.as_deref().unwrap_or(""), "title", 200, false)?;
    let summary = text::optional(
        input.summary.as_deref().unwrap_or(""),
        "summary",
        5000,
        true,
    )?;
    let capacity = check_capacity(input.capacity.flatten())?;
    let now = state.clock.now();
    let txn = db::begin_write(state).await?;
    let skill_ids = skills::require_visible(
        &txn,
        actor.organisation_id,
        &input.skill_ids.unwrap_or_default(),
    )
    .await?;
    let pool = seats::create_pool(&txn, actor.organisation_id, capacity, now).await?;
    let created = course::ActiveModel {
        organisation_id: Set(actor.organisation_id),
        seat_pool_id: Set(pool.id),
        title: Set(title),
        summary: Set(summary),
        status: Set(CourseStatus::Draft),
        created_by: Set(Some(actor.user_id)),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    set_skills(&txn, created.id, &skill_ids).await?;
    db::commit(txn, state).await?;
    Ok(created)
}

/// Changes a course (ADMIN); a capacity change follows seat rule 4.
#[tracing::instrument(skip_all, fields(organisation = actor.organisation_id, user = actor.user_id))]
pub async fn update(
    state: &AppState,
    actor: &Actor,
    course_id: i64,
    input: CourseInput,
) -> AppResult<course::Model> {
    permissions::require_admin(actor)?;
    let now = state.clock.now();
    let txn = db::begin_write(state).await?;
    let current = lock_in(&txn, actor, course_id).await?;
    if current.status == CourseStatus::Archived {
        return Err(AppError::Conflict(
            "an archived course cannot change".into(),
        ));
    }
    let title = text::required(
        input.title.as_deref().unwrap_or(&current.title),
        "title",
        200,
        false,
    )?;
    let summary = text::optional(
        input.summary.as_deref().unwrap_or(&current.summary),
        "summary",
        5000,
        true,
    )?;
    if let Some(skill_ids) = &input.skill_ids {
        let skill_ids = skills::require_visible(&txn, actor.organisation_id, skill_ids).await?;
        course_skill::Entity::delete_many()
            .filter(course_skill::Column::CourseId.eq(current.id))
            .exec(&txn)
            .await?;
        set_skills(&txn, current.id, &skill_ids).await?;
    }
    if let Some(capacity) = input.capacity {
        let changed = seats::set_capacity(
            &txn,
            current.seat_pool_id,
            check_capacity(capacity)?,
            now,
            seats::Waitlist::Moves,
        )
        .await?;
        notifications::promoted_to_course(&txn, &current, &changed.promoted, now).await?;
    }
    let mut active: course::ActiveModel = current.into();
    active.title = Set(title);
    active.summary = Set(summary);
    active.updated_at = Set(now);
    let updated = active.update(&txn).await?;
    db::commit(txn, state).await?;
    Ok(updated)
}

/// Moves a course along DRAFT → PUBLISHED → ARCHIVED (ADMIN); any other move is `CONFLICT`.
#[tracing::instrument(skip_all, fields(organisation = actor.organisation_id, user = actor.user_id))]
pub async fn transition(
    state: &AppState,
    actor: &Actor,
    course_id: i64,
    to: CourseStatus,
) -> AppResult<course::Model> {
    permissions::require_admin(actor)?;
    let now = state.clock.now();
    let txn = db::begin_write(state).await?;
    let current = lock_in(&txn, actor, course_id).await?;
    let lessons = lesson::Entity::find()
        .filter(lesson::Column::CourseId.eq(current.id))
        .count(&txn)
        .await?;
    rules::check_move(current.status.into(), to.into(), lessons)?;
    if to == CourseStatus::Archived {
        // An archived course takes nobody new: its waitlist ends.
        seats::end_waitlist(&txn, current.seat_pool_id, now).await?;
    }
    let mut active: course::ActiveModel = current.into();
    active.status = Set(to);
    active.updated_at = Set(now);
    match to {
        CourseStatus::Published => active.published_at = Set(Some(now)),
        CourseStatus::Archived => active.archived_at = Set(Some(now)),
        CourseStatus::Draft => {}
    }
    let updated = active.update(&txn).await?;
    db::commit(txn, state).await?;
    Ok(updated)
}

/// An archived course is kept as it was: nothing about it changes.
pub(super) fn changeable(course: &course::Model) -> AppResult<()> {
    rules::check_changeable(course.status.into())
}

/// Whether the actor may see a course (see [`permissions::may_see_course`]);
/// whether they hold a place is read only when it matters.
pub(super) async fn visible(
    conn: &impl ConnectionTrait,
    actor: &Actor,
    course: &course::Model,
) -> AppResult<bool> {
    let state = match course.status {
        CourseStatus::Draft => permissions::CourseState::Draft,
        CourseStatus::Published => permissions::CourseState::Published,
        CourseStatus::Archived => permissions::CourseState::Archived,
    };
    if permissions::may_see_course(actor, state, false) {
        return Ok(true);
    }
    let enrolled = state == permissions::CourseState::Archived
        && seats::live_claim(conn, course.seat_pool_id, actor.user_id)
            .await?
            .is_some();
    Ok(permissions::may_see_course(actor, state, enrolled))
}

/// A course the actor may see, or `NOT_FOUND`.
#[tracing::instrument(skip_all, fields(organisation = actor.organisation_id, user = actor.user_id))]
pub async fn get(state: &AppState, actor: &Actor, course_id: i64) -> AppResult<course::Model> {
    get_visible(&state.db, actor, course_id).await
}

/// Like [`get`], on any connection.
#[tracing::instrument(skip_all, fields(organisation = actor.organisation_id, user = actor.user_id))]
pub async fn get_visible(
    conn: &impl ConnectionTrait,
    actor: &Actor,
    course_id: i64,
) -> AppResult<course::Model> {
    let course = get_in(conn, actor, course_id).await?;
    if visible(conn, actor, &course).await? {
        Ok(course)
    } else {
        Err(AppError::NotFound("course"))
    }
}

/// Like [`get_in`], locking the course's row for the rest of the
/// transaction: enrolling, changing, publishing and archiving a course take
/// turns on it, so none decides on a status another is changing.
#[tracing::instrument(skip_all, fields(organisation = actor.organisation_id, user = actor.user_id))]
pub async fn lock_in(
    txn: &DatabaseTransaction,
    actor: &Actor,
    course_id: i64,
) -> AppResult<course::Model> {
    let course = db::for_update(course::Entity::find_by_id(course_id), txn)
        .one(txn)
        .await?
        .ok_or(AppError::NotFound("course"))?;
    permissions::require_same_organisation(actor, course.organisation_id, "course")?;
    Ok(course)
}

/// Like [`get_visible`], with the course's row locked (see [`lock_in`]).
#[tracing::instrument(skip_all, fields(organisation = actor.organisation_id, user = actor.user_id))]
pub async fn lock_visible(
    txn: &DatabaseTransaction,
    actor: &Actor,
    course_id: i64,
) -> AppResult<course::Model> {
    let course = lock_in(txn, actor, course_id).await?;
    if visible(txn, actor, &course).await? {
        Ok(course)
    } else {
        Err(AppError::NotFound("course"))
    }
}

/// A course of the actor's organisation whatever its state (for admins' changes).
pub(super) async fn get_in(
    conn: &impl ConnectionTrait,
    actor: &Actor,
    course_id: i64,
) -> AppResult<course::Model> {
    let course = course::Entity::find_by_id(course_id)
        .one(conn)
        .await?
        .ok_or(AppError::NotFound("course"))?;
    permissions::require_same_organisation(actor, course.organisation_id, "course")?;
    Ok(course)
}

/// Courses the actor may see, newest first by id order.
#[tracing::instrument(skip_all, fields(organisation = actor.organisation_id, user = actor.user_id))]
pub async fn list(
    state: &AppState,
    actor: &Actor,
    filter: Filter,
    page: &PageRequest,
) -> AppResult<Paged<course::Model>> {
    let mut select =
        course::Entity::find().filter(course::Column::OrganisationId.eq(actor.organisation_id));
    if !actor.is_admin() {
        let mine = Query::select()
            .column(seat::Column::PoolId)
            .from(seat::Entity)
            .and_where(seat::Column::UserId.eq(actor.user_id))
            .and_where(seat::Column::Status.is_in(seats::LIVE))
            .to_owned();
        select = select.filter(
            Condition::any()
                .add(course::Column::Status.eq(CourseStatus::Published))
                .add(
                    Condition::all()
                        .add(course::Column::Status.eq(CourseStatus::Archived))
                        .add(course::Column::SeatPoolId.in_subquery(mine)),
                ),
        );
    }
    if let Some(status) = filter.status {
        select = select.filter(course::Column::Status.eq(status));
    }
    if let Some(skill_id) = filter.skill_id {
        select = select.filter(
            course::Column::Id.in_subquery(
                Query::select()
                    .column(course_skill::Column::CourseId)
                    .from(course_skill::Entity)
                    .and_where(course_skill::Column::SkillId.eq(skill_id))
                    .to_owned(),
            ),
        );
    }
    if let Some(term) = text::search_term(filter.search.as_deref())? {
        select = select.filter(paging::containing(
            &term,
            &[course::Column::Title, course::Column::Summary],
        ));
    }
    paging::fetch(&state.db, select, course::Column::Id, page).await
}

/// The course whose seats are in `pool_id`.
#[tracing::instrument(skip_all)]
pub async fn by_pool(
    conn: &impl ConnectionTrait,
    pool_id: i64,
) -> AppResult<Option<course::Model>> {
    Ok(course::Entity::find()
        .filter(course::Column::SeatPoolId.eq(pool_id))
        .one(conn)
        .await?)
}

async fn set_skills(txn: &DatabaseTransaction, course_id: i64, skill_ids: &[i64]) -> AppResult<()> {
    if skill_ids.is_empty() {
        return Ok(());
    }
    course_skill::Entity::insert_many(skill_ids.iter().map(|skill_id| course_skill::ActiveModel {
        course_id: Set(course_id),
        skill_id: Set(*skill_id),
    }))
    .exec(txn)
    .await?;
    Ok(())
}
