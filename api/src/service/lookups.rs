//! Batch lookups by key: what the GraphQL layer's batch loaders fetch when a
//! page did not read a relation itself. Each takes many keys and answers in
//! one statement, as a map from key to row (left out when there is none) or
//! to a list (left out when empty). Who may see the rows is decided by the
//! caller through [`crate::auth::permissions`]; these only read.

use std::collections::HashMap;
use std::sync::Arc;

use entity::{
    channel, clinic, clinic_skill, course, course_skill, feedback, learning_goal, lesson,
    mentor_profile, mentoring_request, mentoring_request_skill, mentoring_session, pairing,
    presence_snapshot, seat, skill, user, user_skill,
};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, ExprTrait, FromQueryResult, JoinType, QueryFilter,
    QueryOrder, QuerySelect, RelationDef,
};

use crate::domain::skills::name_order;
use crate::error::AppResult;
use crate::service::reads::members::{Levels, strongest_first};
use crate::service::seats;

/// Rows of `E` whose `column` is one of `keys`, by `key_of`.
async fn keyed<E: EntityTrait>(
    conn: &impl ConnectionTrait,
    column: E::Column,
    keys: &[i64],
    key_of: fn(&E::Model) -> i64,
) -> AppResult<HashMap<i64, E::Model>> {
    let rows = E::find()
        .filter(column.is_in(keys.iter().copied()))
        .all(conn)
        .await?;
    Ok(rows.into_iter().map(|row| (key_of(&row), row)).collect())
}

/// Groups rows by `key_of`, keeping their order.
fn grouped<T>(rows: Vec<T>, key_of: impl Fn(&T) -> i64) -> HashMap<i64, Vec<T>> {
    let mut out: HashMap<i64, Vec<T>> = HashMap::new();
    for row in rows {
        out.entry(key_of(&row)).or_default().push(row);
    }
    out
}

/// Users by id.
pub async fn users(
    conn: &impl ConnectionTrait,
    ids: &[i64],
) -> AppResult<HashMap<i64, user::Model>> {
    keyed::<user::Entity>(conn, user::Column::Id, ids, |u| u.id).await
}

/// Clinics by id.
pub async fn clinics(
    conn: &impl ConnectionTrait,
    ids: &[i64],
) -> AppResult<HashMap<i64, clinic::Model>> {
    keyed::<clinic::Entity>(conn, clinic::Column::Id, ids, |c| c.id).await
}

/// Clinics by their seat pool.
pub async fn clinics_by_pool(
    conn: &impl ConnectionTrait,
    pools: &[i64],
) -> AppResult<HashMap<i64, clinic::Model>> {
    keyed::<clinic::Entity>(conn, clinic::Column::SeatPoolId, pools, |c| c.seat_pool_id).await
}

/// Courses by their seat pool.
pub async fn courses_by_pool(
    conn: &impl ConnectionTrait,
    pools: &[i64],
) -> AppResult<HashMap<i64, course::Model>> {
    keyed::<course::Entity>(conn, course::Column::SeatPoolId, pools, |c| c.seat_pool_id).await
}

/// Skills by id.
pub async fn skills(
    conn: &impl ConnectionTrait,
    ids: &[i64],
) -> AppResult<HashMap<i64, skill::Model>> {
    keyed::<skill::Entity>(conn, skill::Column::Id, ids, |s| s.id).await
}

/// Seats (clinic registrations and enrolments) by id.
pub async fn seats(
    conn: &impl ConnectionTrait,
    ids: &[i64],
) -> AppResult<HashMap<i64, seat::Model>> {
    keyed::<seat::Entity>(conn, seat::Column::Id, ids, |s| s.id).await
}

/// Pairings by id.
pub async fn pairings(
    conn: &impl ConnectionTrait,
    ids: &[i64],
) -> AppResult<HashMap<i64, pairing::Model>> {
    keyed::<pairing::Entity>(conn, pairing::Column::Id, ids, |p| p.id).await
}

/// Mentoring requests by id.
pub async fn requests(
    conn: &impl ConnectionTrait,
    ids: &[i64],
) -> AppResult<HashMap<i64, mentoring_request::Model>> {
    keyed::<mentoring_request::Entity>(conn, mentoring_request::Column::Id, ids, |r| r.id).await
}

/// Mentor profiles by member.
pub async fn profiles(
    conn: &impl ConnectionTrait,
    users: &[i64],
) -> AppResult<HashMap<i64, mentor_profile::Model>> {
    keyed::<mentor_profile::Entity>(conn, mentor_profile::Column::UserId, users, |p| p.user_id)
        .await
}

/// Each course's lessons, in order.
pub async fn lessons(
    conn: &impl ConnectionTrait,
    courses: &[i64],
) -> AppResult<HashMap<i64, Vec<lesson::Model>>> {
    let rows = lesson::Entity::find()
        .filter(lesson::Column::CourseId.is_in(courses.iter().copied()))
        .order_by_asc(lesson::Column::Position)
        .order_by_asc(lesson::Column::Id)
        .all(conn)
        .await?;
    Ok(grouped(rows, |l| l.course_id))
}

/// The lessons each enrolment (seat) has completed.
pub async fn completions(
    conn: &impl ConnectionTrait,
    seats: &[i64],
) -> AppResult<HashMap<i64, Vec<i64>>> {
    let rows = crate::service::lessons::completed_lessons(conn, seats).await?;
    let mut out: HashMap<i64, Vec<i64>> = HashMap::new();
    for (seat, lesson) in rows {
        out.entry(seat).or_default().push(lesson);
    }
    Ok(out)
}

/// The pairings of each mentoring request, oldest first.
pub async fn request_pairings(
    conn: &impl ConnectionTrait,
    requests: &[i64],
) -> AppResult<HashMap<i64, Vec<pairing::Model>>> {
    let rows = crate::service::pairings::of_requests(conn, requests).await?;
    Ok(grouped(rows, |p| p.request_id))
}

/// The logged sessions of each pairing, oldest first.
pub async fn pairing_sessions(
    conn: &impl ConnectionTrait,
    pairings: &[i64],
) -> AppResult<HashMap<i64, Vec<mentoring_session::Model>>> {
    crate::service::pairing_notes::sessions_of(conn, pairings).await
}

/// All feedback on each pairing (what a reader may see is filtered after).
pub async fn pairing_feedback(
    conn: &impl ConnectionTrait,
    pairings: &[i64],
) -> AppResult<HashMap<i64, Vec<feedback::Model>>> {
    crate::service::pairing_notes::feedback_of(conn, pairings).await
}

/// Each member's channels, by platform then handle (who may see which is
/// decided by the caller).
pub async fn channels(
    conn: &impl ConnectionTrait,
    users: &[i64],
) -> AppResult<HashMap<i64, Vec<channel::Model>>> {
    let rows = channel::Entity::find()
        .filter(channel::Column::UserId.is_in(users.iter().copied()))
        .order_by_asc(channel::Column::PlatformId)
        .order_by_asc(channel::Column::HandleKey)
        .all(conn)
        .await?;
    Ok(grouped(rows, |c| c.user_id))
}

/// The latest snapshot of each channel that has one.
pub async fn latest_snapshots(
    conn: &impl ConnectionTrait,
    channels: &[i64],
) -> AppResult<HashMap<i64, presence_snapshot::Model>> {
    // One statement however many channels: the snapshots taken on a day
    // that is some asked channel's latest, newest first; each channel's
    // first row is then its own latest (a day that is only another
    // channel's latest can only come after it).
    let latest_days = sea_orm::sea_query::Query::select()
        .expr(Expr::col(presence_snapshot::Column::TakenOn).max())
        .from(presence_snapshot::Entity)
        .and_where(Expr::col(presence_snapshot::Column::ChannelId).is_in(channels.iter().copied()))
        .group_by_col(presence_snapshot::Column::ChannelId)
        .to_owned();
    let rows = presence_snapshot::Entity::find()
        .filter(presence_snapshot::Column::ChannelId.is_in(channels.iter().copied()))
        .filter(presence_snapshot::Column::TakenOn.in_subquery(latest_days))
        .order_by_desc(presence_snapshot::Column::TakenOn)
        .all(conn)
        .await?;
    let mut out = HashMap::new();
    for row in rows {
        out.entry(row.channel_id).or_insert(row);
    }
    Ok(out)
}

/// The live seat of each (pool, person) asked for.
pub async fn live_seats(
    conn: &impl ConnectionTrait,
    keys: &[(i64, i64)],
) -> AppResult<HashMap<(i64, i64), seat::Model>> {
    let mut users: Vec<i64> = keys.iter().map(|k| k.1).collect();
    users.sort_unstable();
    users.dedup();
    let rows = seat::Entity::find()
        .filter(seat::Column::PoolId.is_in(keys.iter().map(|k| k.0)))
        .filter(seat::Column::UserId.is_in(users))
        .filter(seat::Column::Status.is_in(seats::LIVE))
        .all(conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(|s| ((s.pool_id, s.user_id), s))
        .collect())
}

/// The skills of each clinic, by name.
pub async fn clinic_skills(
    conn: &impl ConnectionTrait,
    clinics: &[i64],
) -> AppResult<HashMap<i64, Vec<Arc<skill::Model>>>> {
    linked_skills::<clinic_skill::Entity>(
        conn,
        clinic_skill::Column::ClinicId,
        clinic_skill::Column::SkillId,
        clinics,
    )
    .await
}

/// The skills each course teaches, by name.
pub async fn course_skills(
    conn: &impl ConnectionTrait,
    courses: &[i64],
) -> AppResult<HashMap<i64, Vec<Arc<skill::Model>>>> {
    linked_skills::<course_skill::Entity>(
        conn,
        course_skill::Column::CourseId,
        course_skill::Column::SkillId,
        courses,
    )
    .await
}

/// Each member's learning goals, by name.
pub async fn goals(
    conn: &impl ConnectionTrait,
    users: &[i64],
) -> AppResult<HashMap<i64, Vec<Arc<skill::Model>>>> {
    linked_skills::<learning_goal::Entity>(
        conn,
        learning_goal::Column::UserId,
        learning_goal::Column::SkillId,
        users,
    )
    .await
}

/// The skills each mentoring request asks for, by name.
pub async fn request_skills(
    conn: &impl ConnectionTrait,
    requests: &[i64],
) -> AppResult<HashMap<i64, Vec<Arc<skill::Model>>>> {
    linked_skills::<mentoring_request_skill::Entity>(
        conn,
        mentoring_request_skill::Column::RequestId,
        mentoring_request_skill::Column::SkillId,
        requests,
    )
    .await
}

/// Each member's self-assessed skills, strongest first.
pub async fn levels(conn: &impl ConnectionTrait, users: &[i64]) -> AppResult<HashMap<i64, Levels>> {
    let rows = skill::Entity::find()
        .join(
            JoinType::InnerJoin,
            link::<user_skill::Entity>(user_skill::Column::SkillId),
        )
        .column_as(user_skill::Column::UserId, "owner_id")
        .column_as(user_skill::Column::Level, "level")
        .column_as(user_skill::Column::UpdatedAt, "level_updated_at")
        .filter(user_skill::Column::UserId.is_in(users.iter().copied()))
        .into_model::<LevelledSkill>()
        .all(conn)
        .await?;
    let mut out: HashMap<i64, Levels> = HashMap::new();
    for row in rows {
        let level = user_skill::Model {
            user_id: row.owner_id,
            skill_id: row.skill.id,
            level: row.level,
            updated_at: row.level_updated_at,
        };
        out.entry(row.owner_id)
            .or_default()
            .push((Arc::new(row.skill), level));
    }
    out.values_mut().for_each(strongest_first);
    Ok(out)
}

/// The skills each owner links to through a link table (`owner` and
/// `skill` columns), by name, in one statement.
async fn linked_skills<L: EntityTrait>(
    conn: &impl ConnectionTrait,
    owner: L::Column,
    skill_column: L::Column,
    owners: &[i64],
) -> AppResult<HashMap<i64, Vec<Arc<skill::Model>>>> {
    let rows = skill::Entity::find()
        .join(JoinType::InnerJoin, link::<L>(skill_column))
        .column_as(Expr::col((L::default(), owner)), "owner_id")
        .filter(Expr::col((L::default(), owner)).is_in(owners.iter().copied()))
        .order_by_asc(skill::Column::Name)
        .into_model::<LinkedSkill>()
        .all(conn)
        .await?;
    let mut out: HashMap<i64, Vec<Arc<skill::Model>>> = HashMap::new();
    for row in rows {
        out.entry(row.owner_id)
            .or_default()
            .push(Arc::new(row.skill));
    }
    for skills in out.values_mut() {
        skills.sort_by(|a, b| name_order((&a.name, a.id), (&b.name, b.id)));
    }
    Ok(out)
}

/// The join from skills to a link table's `skill_column`.
fn link<L: EntityTrait>(skill_column: L::Column) -> RelationDef {
    let to_skill: RelationDef = L::belongs_to(skill::Entity)
        .from(skill_column)
        .to(skill::Column::Id)
        .into();
    to_skill.rev()
}

#[derive(FromQueryResult)]
struct LinkedSkill {
    owner_id: i64,
    #[sea_orm(nested)]
    skill: skill::Model,
}

#[derive(FromQueryResult)]
struct LevelledSkill {
    owner_id: i64,
    level: i32,
    level_updated_at: chrono::DateTime<chrono::Utc>,
    #[sea_orm(nested)]
    skill: skill::Model,
}

/// The questions of each clinic, oldest first (who may see which is decided
/// by the caller).
pub async fn clinic_questions(
    conn: &impl ConnectionTrait,
    clinics: &[i64],
) -> AppResult<HashMap<i64, Vec<entity::clinic_question::Model>>> {
    use entity::clinic_question;
    let rows = clinic_question::Entity::find()
        .filter(clinic_question::Column::ClinicId.is_in(clinics.iter().copied()))
        .order_by_asc(clinic_question::Column::Id)
        .all(conn)
        .await?;
    Ok(grouped(rows, |q| q.clinic_id))
}

/// The sums behind each plan figure asked for.
pub async fn plan_sums(
    conn: &impl ConnectionTrait,
    keys: &[crate::service::plan::FiguresKey],
) -> AppResult<HashMap<crate::service::plan::FiguresKey, crate::domain::plan::Sums>> {
    crate::service::plan::figures::sums(conn, keys).await
}
