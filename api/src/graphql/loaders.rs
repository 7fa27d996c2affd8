//! Batch loading (async-graphql's DataLoader, one per request) for every
//! relation a list can reach, so a page costs a fixed number of statements.

use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::Context;
use async_graphql::dataloader::{DataLoader, Loader};
use entity::{
    clinic, clinic_skill, course, course_skill, learning_goal, lesson, seat, skill, user,
    user_skill,
};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, EntityTrait, ExprTrait, FromQueryResult, JoinType, QueryFilter, QueryOrder,
    QuerySelect, RelationDef,
};

use crate::context::State;
use crate::domain::skills::name_order;
use crate::error::{AppError, AppResult};
use crate::service::seat_counts::{self, Counts};
use crate::service::seats;

/// The loader behind every key type below.
pub struct AppLoader {
    state: State,
}

/// A per-request DataLoader.
pub fn new_loader(state: State) -> DataLoader<AppLoader> {
    let delay = std::time::Duration::from_micros(state.settings.batch_delay_us);
    DataLoader::new(AppLoader { state }, tokio::spawn).delay(delay)
}

/// The request's loader.
pub fn loader<'a>(ctx: &Context<'a>) -> AppResult<&'a DataLoader<AppLoader>> {
    ctx.data::<DataLoader<AppLoader>>()
        .map_err(|_| AppError::internal("loader missing from the request"))
}

/// A user by id.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct UserById(pub i64);

impl Loader<UserById> for AppLoader {
    type Value = user::Model;
    type Error = AppError;
    async fn load(&self, keys: &[UserById]) -> Result<HashMap<UserById, user::Model>, AppError> {
        let rows = user::Entity::find()
            .filter(user::Column::Id.is_in(keys.iter().map(|k| k.0)))
            .all(&self.state.db)
            .await?;
        Ok(rows.into_iter().map(|u| (UserById(u.id), u)).collect())
    }
}

/// A clinic by id.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct ClinicById(pub i64);

impl Loader<ClinicById> for AppLoader {
    type Value = clinic::Model;
    type Error = AppError;
    async fn load(
        &self,
        keys: &[ClinicById],
    ) -> Result<HashMap<ClinicById, clinic::Model>, AppError> {
        let rows = clinic::Entity::find()
            .filter(clinic::Column::Id.is_in(keys.iter().map(|k| k.0)))
            .all(&self.state.db)
            .await?;
        Ok(rows.into_iter().map(|c| (ClinicById(c.id), c)).collect())
    }
}

/// The clinic that owns a seat pool.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct ClinicByPool(pub i64);

impl Loader<ClinicByPool> for AppLoader {
    type Value = clinic::Model;
    type Error = AppError;
    async fn load(
        &self,
        keys: &[ClinicByPool],
    ) -> Result<HashMap<ClinicByPool, clinic::Model>, AppError> {
        let rows = clinic::Entity::find()
            .filter(clinic::Column::SeatPoolId.is_in(keys.iter().map(|k| k.0)))
            .all(&self.state.db)
            .await?;
        Ok(rows
            .into_iter()
            .map(|c| (ClinicByPool(c.seat_pool_id), c))
            .collect())
    }
}

/// Seat counts of a pool.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct PoolCounts(pub i64);

impl Loader<PoolCounts> for AppLoader {
    type Value = Counts;
    type Error = AppError;
    async fn load(&self, keys: &[PoolCounts]) -> Result<HashMap<PoolCounts, Counts>, AppError> {
        let ids: Vec<i64> = keys.iter().map(|k| k.0).collect();
        let counts = seat_counts::counts(&self.state.db, &ids).await?;
        Ok(counts
            .into_iter()
            .map(|(id, c)| (PoolCounts(id), c))
            .collect())
    }
}

/// The skills of a clinic.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct ClinicSkills(pub i64);

impl Loader<ClinicSkills> for AppLoader {
    type Value = Arc<Vec<Arc<skill::Model>>>;
    type Error = AppError;
    async fn load(
        &self,
        keys: &[ClinicSkills],
    ) -> Result<HashMap<ClinicSkills, Arc<Vec<Arc<skill::Model>>>>, AppError> {
        self.linked_skills::<clinic_skill::Entity, _>(
            clinic_skill::Column::ClinicId,
            clinic_skill::Column::SkillId,
            keys,
            |k| k.0,
        )
        .await
    }
}

/// The skills a course teaches.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct CourseSkills(pub i64);

impl Loader<CourseSkills> for AppLoader {
    type Value = Arc<Vec<Arc<skill::Model>>>;
    type Error = AppError;
    async fn load(
        &self,
        keys: &[CourseSkills],
    ) -> Result<HashMap<CourseSkills, Arc<Vec<Arc<skill::Model>>>>, AppError> {
        self.linked_skills::<course_skill::Entity, _>(
            course_skill::Column::CourseId,
            course_skill::Column::SkillId,
            keys,
            |k| k.0,
        )
        .await
    }
}

impl AppLoader {
    /// The skills each key's owner links to through a link table (`owner`
    /// and `skill` columns), by name, in one statement; an empty list for an
    /// owner with none.
    async fn linked_skills<L, K>(
        &self,
        owner: L::Column,
        skill_column: L::Column,
        keys: &[K],
        owner_of: impl Fn(&K) -> i64,
    ) -> Result<HashMap<K, Arc<Vec<Arc<skill::Model>>>>, AppError>
    where
        L: EntityTrait,
        K: Copy + Eq + std::hash::Hash,
    {
        let rows = skill::Entity::find()
            .join(JoinType::InnerJoin, link::<L>(skill_column))
            .column_as(Expr::col((L::default(), owner)), "owner_id")
            .filter(Expr::col((L::default(), owner)).is_in(keys.iter().map(&owner_of)))
            .order_by_asc(skill::Column::Name)
            .into_model::<LinkedSkill>()
            .all(&self.state.db)
            .await?;
        let mut grouped: HashMap<i64, Vec<Arc<skill::Model>>> = HashMap::new();
        for row in rows {
            grouped
                .entry(row.owner_id)
                .or_default()
                .push(Arc::new(row.skill));
        }
        for skills in grouped.values_mut() {
            skills.sort_by(|a, b| name_order((&a.name, a.id), (&b.name, b.id)));
        }
        Ok(keys
            .iter()
            .map(|k| {
                (
                    *k,
                    Arc::new(grouped.remove(&owner_of(k)).unwrap_or_default()),
                )
            })
            .collect())
    }
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

/// The course that owns a seat pool.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct CourseByPool(pub i64);

impl Loader<CourseByPool> for AppLoader {
    type Value = course::Model;
    type Error = AppError;
    async fn load(
        &self,
        keys: &[CourseByPool],
    ) -> Result<HashMap<CourseByPool, course::Model>, AppError> {
        let rows = course::Entity::find()
            .filter(course::Column::SeatPoolId.is_in(keys.iter().map(|k| k.0)))
            .all(&self.state.db)
            .await?;
        Ok(rows
            .into_iter()
            .map(|c| (CourseByPool(c.seat_pool_id), c))
            .collect())
    }
}

/// A course's lessons, in order.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct CourseLessons(pub i64);

impl Loader<CourseLessons> for AppLoader {
    type Value = Arc<Vec<lesson::Model>>;
    type Error = AppError;
    async fn load(
        &self,
        keys: &[CourseLessons],
    ) -> Result<HashMap<CourseLessons, Arc<Vec<lesson::Model>>>, AppError> {
        let rows = lesson::Entity::find()
            .filter(lesson::Column::CourseId.is_in(keys.iter().map(|k| k.0)))
            .order_by_asc(lesson::Column::Position)
            .order_by_asc(lesson::Column::Id)
            .all(&self.state.db)
            .await?;
        let mut out: HashMap<CourseLessons, Vec<lesson::Model>> =
            keys.iter().map(|k| (*k, Vec::new())).collect();
        for row in rows {
            if let Some(list) = out.get_mut(&CourseLessons(row.course_id)) {
                list.push(row);
            }
        }
        Ok(out.into_iter().map(|(k, v)| (k, Arc::new(v))).collect())
    }
}

/// The lessons an enrolment has completed.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Completions(pub i64);

impl Loader<Completions> for AppLoader {
    type Value = Arc<Vec<i64>>;
    type Error = AppError;
    async fn load(
        &self,
        keys: &[Completions],
    ) -> Result<HashMap<Completions, Arc<Vec<i64>>>, AppError> {
        let seat_ids: Vec<i64> = keys.iter().map(|k| k.0).collect();
        let rows = crate::service::lessons::completed_lessons(&self.state.db, &seat_ids).await?;
        let mut out: HashMap<Completions, Vec<i64>> =
            keys.iter().map(|k| (*k, Vec::new())).collect();
        for (seat_id, lesson_id) in rows {
            if let Some(list) = out.get_mut(&Completions(seat_id)) {
                list.push(lesson_id);
            }
        }
        Ok(out.into_iter().map(|(k, v)| (k, Arc::new(v))).collect())
    }
}

/// A person's live seat in a pool.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct LiveSeat {
    pub pool_id: i64,
    pub user_id: i64,
}

impl Loader<LiveSeat> for AppLoader {
    type Value = seat::Model;
    type Error = AppError;
    async fn load(&self, keys: &[LiveSeat]) -> Result<HashMap<LiveSeat, seat::Model>, AppError> {
        let mut users: Vec<i64> = keys.iter().map(|k| k.user_id).collect();
        users.sort_unstable();
        users.dedup();
        let rows = seat::Entity::find()
            .filter(seat::Column::PoolId.is_in(keys.iter().map(|k| k.pool_id)))
            .filter(seat::Column::UserId.is_in(users))
            .filter(seat::Column::Status.is_in(seats::LIVE))
            .all(&self.state.db)
            .await?;
        Ok(rows
            .into_iter()
            .map(|s| {
                (
                    LiveSeat {
                        pool_id: s.pool_id,
                        user_id: s.user_id,
                    },
                    s,
                )
            })
            .collect())
    }
}

/// The 1-based waitlist position of a waitlisted seat, by seat id.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct WaitlistPosition(pub i64);

impl Loader<WaitlistPosition> for AppLoader {
    type Value = i64;
    type Error = AppError;
    async fn load(
        &self,
        keys: &[WaitlistPosition],
    ) -> Result<HashMap<WaitlistPosition, i64>, AppError> {
        let ids: Vec<i64> = keys.iter().map(|k| k.0).collect();
        let positions = seat_counts::waitlist_positions(&self.state.db, &ids).await?;
        Ok(positions
            .into_iter()
            .map(|(seat, position)| (WaitlistPosition(seat), position))
            .collect())
    }
}

/// A skill by id.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct SkillById(pub i64);

impl Loader<SkillById> for AppLoader {
    type Value = skill::Model;
    type Error = AppError;
    async fn load(&self, keys: &[SkillById]) -> Result<HashMap<SkillById, skill::Model>, AppError> {
        let rows = skill::Entity::find()
            .filter(skill::Column::Id.is_in(keys.iter().map(|k| k.0)))
            .all(&self.state.db)
            .await?;
        Ok(rows.into_iter().map(|s| (SkillById(s.id), s)).collect())
    }
}

/// A member's self-assessed skills, strongest first.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct UserSkills(pub i64);

impl Loader<UserSkills> for AppLoader {
    type Value = Arc<crate::service::reads::members::Levels>;
    type Error = AppError;
    async fn load(
        &self,
        keys: &[UserSkills],
    ) -> Result<HashMap<UserSkills, Self::Value>, AppError> {
        let rows = skill::Entity::find()
            .join(
                JoinType::InnerJoin,
                link::<user_skill::Entity>(user_skill::Column::SkillId),
            )
            .column_as(user_skill::Column::UserId, "owner_id")
            .column_as(user_skill::Column::Level, "level")
            .column_as(user_skill::Column::UpdatedAt, "level_updated_at")
            .filter(user_skill::Column::UserId.is_in(keys.iter().map(|k| k.0)))
            .into_model::<LevelledSkill>()
            .all(&self.state.db)
            .await?;
        let mut out: HashMap<UserSkills, crate::service::reads::members::Levels> =
            keys.iter().map(|k| (*k, Vec::new())).collect();
        for row in rows {
            if let Some(list) = out.get_mut(&UserSkills(row.owner_id)) {
                let level = user_skill::Model {
                    user_id: row.owner_id,
                    skill_id: row.skill.id,
                    level: row.level,
                    updated_at: row.level_updated_at,
                };
                list.push((Arc::new(row.skill), level));
            }
        }
        Ok(out
            .into_iter()
            .map(|(k, mut v)| {
                crate::service::reads::members::strongest_first(&mut v);
                (k, Arc::new(v))
            })
            .collect())
    }
}

/// A member's learning goals, by name.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct UserGoals(pub i64);

impl Loader<UserGoals> for AppLoader {
    type Value = Arc<Vec<Arc<skill::Model>>>;
    type Error = AppError;
    async fn load(&self, keys: &[UserGoals]) -> Result<HashMap<UserGoals, Self::Value>, AppError> {
        self.linked_skills::<learning_goal::Entity, _>(
            learning_goal::Column::UserId,
            learning_goal::Column::SkillId,
            keys,
            |k| k.0,
        )
        .await
    }
}

/// A member's mentor profile.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct ProfileOf(pub i64);

impl Loader<ProfileOf> for AppLoader {
    type Value = entity::mentor_profile::Model;
    type Error = AppError;
    async fn load(&self, keys: &[ProfileOf]) -> Result<HashMap<ProfileOf, Self::Value>, AppError> {
        let rows = entity::mentor_profile::Entity::find()
            .filter(entity::mentor_profile::Column::UserId.is_in(keys.iter().map(|k| k.0)))
            .all(&self.state.db)
            .await?;
        Ok(rows
            .into_iter()
            .map(|p| (ProfileOf(p.user_id), p))
            .collect())
    }
}

/// The skills a mentoring request asks for.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct RequestSkills(pub i64);

impl Loader<RequestSkills> for AppLoader {
    type Value = Arc<Vec<Arc<skill::Model>>>;
    type Error = AppError;
    async fn load(
        &self,
        keys: &[RequestSkills],
    ) -> Result<HashMap<RequestSkills, Self::Value>, AppError> {
        self.linked_skills::<entity::mentoring_request_skill::Entity, _>(
            entity::mentoring_request_skill::Column::RequestId,
            entity::mentoring_request_skill::Column::SkillId,
            keys,
            |k| k.0,
        )
        .await
    }
}

/// The pairings of a mentoring request.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct RequestPairings(pub i64);

impl Loader<RequestPairings> for AppLoader {
    type Value = Arc<Vec<entity::pairing::Model>>;
    type Error = AppError;
    async fn load(
        &self,
        keys: &[RequestPairings],
    ) -> Result<HashMap<RequestPairings, Self::Value>, AppError> {
        let ids: Vec<i64> = keys.iter().map(|k| k.0).collect();
        let rows = crate::service::pairings::of_requests(&self.state.db, &ids).await?;
        let mut out: HashMap<RequestPairings, Vec<entity::pairing::Model>> =
            keys.iter().map(|k| (*k, Vec::new())).collect();
        for row in rows {
            if let Some(list) = out.get_mut(&RequestPairings(row.request_id)) {
                list.push(row);
            }
        }
        Ok(out.into_iter().map(|(k, v)| (k, Arc::new(v))).collect())
    }
}

/// A mentoring request by id.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct RequestById(pub i64);

impl Loader<RequestById> for AppLoader {
    type Value = entity::mentoring_request::Model;
    type Error = AppError;
    async fn load(
        &self,
        keys: &[RequestById],
    ) -> Result<HashMap<RequestById, Self::Value>, AppError> {
        let rows = entity::mentoring_request::Entity::find()
            .filter(entity::mentoring_request::Column::Id.is_in(keys.iter().map(|k| k.0)))
            .all(&self.state.db)
            .await?;
        Ok(rows.into_iter().map(|r| (RequestById(r.id), r)).collect())
    }
}

/// The seat counts of a pool (a clinic's or a course's).
pub async fn pool_counts(ctx: &Context<'_>, pool_id: i64) -> AppResult<Counts> {
    Ok(loader(ctx)?
        .load_one(PoolCounts(pool_id))
        .await?
        .unwrap_or_default())
}

/// The 1-based waitlist position of a seat; `None` unless it is waitlisted.
pub async fn waitlist_position(ctx: &Context<'_>, seat: &seat::Model) -> AppResult<Option<i64>> {
    if seat.status != entity::SeatStatus::Waitlisted {
        return Ok(None);
    }
    loader(ctx)?.load_one(WaitlistPosition(seat.id)).await
}

/// A seat (a clinic registration or an enrolment) by id.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct SeatById(pub i64);

impl Loader<SeatById> for AppLoader {
    type Value = seat::Model;
    type Error = AppError;
    async fn load(&self, keys: &[SeatById]) -> Result<HashMap<SeatById, Self::Value>, AppError> {
        let rows = seat::Entity::find()
            .filter(seat::Column::Id.is_in(keys.iter().map(|k| k.0)))
            .all(&self.state.db)
            .await?;
        Ok(rows.into_iter().map(|s| (SeatById(s.id), s)).collect())
    }
}

/// A pairing by id.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct PairingById(pub i64);

impl Loader<PairingById> for AppLoader {
    type Value = entity::pairing::Model;
    type Error = AppError;
    async fn load(
        &self,
        keys: &[PairingById],
    ) -> Result<HashMap<PairingById, Self::Value>, AppError> {
        let rows = entity::pairing::Entity::find()
            .filter(entity::pairing::Column::Id.is_in(keys.iter().map(|k| k.0)))
            .all(&self.state.db)
            .await?;
        Ok(rows.into_iter().map(|p| (PairingById(p.id), p)).collect())
    }
}

/// The logged sessions of a pairing, oldest first.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct PairingSessions(pub i64);

impl Loader<PairingSessions> for AppLoader {
    type Value = Arc<Vec<entity::mentoring_session::Model>>;
    type Error = AppError;
    async fn load(
        &self,
        keys: &[PairingSessions],
    ) -> Result<HashMap<PairingSessions, Self::Value>, AppError> {
        let ids: Vec<i64> = keys.iter().map(|k| k.0).collect();
        let mut grouped = crate::service::pairing_notes::sessions_of(&self.state.db, &ids).await?;
        Ok(keys
            .iter()
            .map(|k| (*k, Arc::new(grouped.remove(&k.0).unwrap_or_default())))
            .collect())
    }
}

/// All feedback on a pairing (what a reader may see is filtered after).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct PairingFeedback(pub i64);

impl Loader<PairingFeedback> for AppLoader {
    type Value = Arc<Vec<entity::feedback::Model>>;
    type Error = AppError;
    async fn load(
        &self,
        keys: &[PairingFeedback],
    ) -> Result<HashMap<PairingFeedback, Self::Value>, AppError> {
        let ids: Vec<i64> = keys.iter().map(|k| k.0).collect();
        let mut grouped = crate::service::pairing_notes::feedback_of(&self.state.db, &ids).await?;
        Ok(keys
            .iter()
            .map(|k| (*k, Arc::new(grouped.remove(&k.0).unwrap_or_default())))
            .collect())
    }
}
