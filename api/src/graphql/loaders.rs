//! Batch loading (async-graphql's DataLoader, one per request) for every
//! relation a list can reach, so a page costs a fixed number of statements.

use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::Context;
use async_graphql::dataloader::{DataLoader, Loader};
use entity::{clinic, clinic_skill, learning_goal, seat, skill, user, user_skill};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::context::State;
use crate::error::{AppError, AppResult};
use crate::service::seats::{self, Counts};

/// The loader behind every key type below.
pub struct AppLoader {
    state: State,
}

/// A per-request DataLoader.
pub fn new_loader(state: State) -> DataLoader<AppLoader> {
    DataLoader::new(AppLoader { state }, tokio::spawn)
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
        let counts = seats::counts(&self.state.db, &ids).await?;
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
    type Value = Arc<Vec<skill::Model>>;
    type Error = AppError;
    async fn load(
        &self,
        keys: &[ClinicSkills],
    ) -> Result<HashMap<ClinicSkills, Arc<Vec<skill::Model>>>, AppError> {
        let links = clinic_skill::Entity::find()
            .filter(clinic_skill::Column::ClinicId.is_in(keys.iter().map(|k| k.0)))
            .all(&self.state.db)
            .await?;
        let skills: HashMap<i64, skill::Model> = skill::Entity::find()
            .filter(skill::Column::Id.is_in(links.iter().map(|l| l.skill_id)))
            .order_by_asc(skill::Column::Name)
            .all(&self.state.db)
            .await?
            .into_iter()
            .map(|s| (s.id, s))
            .collect();
        let mut out: HashMap<ClinicSkills, Vec<skill::Model>> =
            keys.iter().map(|k| (*k, Vec::new())).collect();
        for link in links {
            if let (Some(list), Some(skill)) = (
                out.get_mut(&ClinicSkills(link.clinic_id)),
                skills.get(&link.skill_id),
            ) {
                list.push(skill.clone());
            }
        }
        Ok(out
            .into_iter()
            .map(|(k, mut v)| {
                v.sort_by(|a, b| a.name.cmp(&b.name));
                (k, Arc::new(v))
            })
            .collect())
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

/// The 1-based waitlist position of a waitlisted seat.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct WaitlistPosition {
    pub seat_id: i64,
    pub pool_id: i64,
}

impl Loader<WaitlistPosition> for AppLoader {
    type Value = i64;
    type Error = AppError;
    async fn load(
        &self,
        keys: &[WaitlistPosition],
    ) -> Result<HashMap<WaitlistPosition, i64>, AppError> {
        let pools: Vec<i64> = keys.iter().map(|k| k.pool_id).collect();
        let positions = seats::waitlist_positions(&self.state.db, &pools).await?;
        Ok(keys
            .iter()
            .filter_map(|k| positions.get(&k.seat_id).map(|p| (*k, *p)))
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
    type Value = Arc<Vec<(skill::Model, user_skill::Model)>>;
    type Error = AppError;
    async fn load(
        &self,
        keys: &[UserSkills],
    ) -> Result<HashMap<UserSkills, Self::Value>, AppError> {
        let levels = user_skill::Entity::find()
            .filter(user_skill::Column::UserId.is_in(keys.iter().map(|k| k.0)))
            .all(&self.state.db)
            .await?;
        let skills: HashMap<i64, skill::Model> = skill::Entity::find()
            .filter(skill::Column::Id.is_in(levels.iter().map(|l| l.skill_id)))
            .all(&self.state.db)
            .await?
            .into_iter()
            .map(|s| (s.id, s))
            .collect();
        let mut out: HashMap<UserSkills, Vec<(skill::Model, user_skill::Model)>> =
            keys.iter().map(|k| (*k, Vec::new())).collect();
        for level in levels {
            if let (Some(list), Some(skill)) = (
                out.get_mut(&UserSkills(level.user_id)),
                skills.get(&level.skill_id),
            ) {
                list.push((skill.clone(), level));
            }
        }
        Ok(out
            .into_iter()
            .map(|(k, mut v)| {
                v.sort_by(|a, b| {
                    b.1.level
                        .cmp(&a.1.level)
                        .then_with(|| a.0.name.cmp(&b.0.name))
                });
                (k, Arc::new(v))
            })
            .collect())
    }
}

/// A member's learning goals, by name.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct UserGoals(pub i64);

impl Loader<UserGoals> for AppLoader {
    type Value = Arc<Vec<skill::Model>>;
    type Error = AppError;
    async fn load(&self, keys: &[UserGoals]) -> Result<HashMap<UserGoals, Self::Value>, AppError> {
        let goals = learning_goal::Entity::find()
            .filter(learning_goal::Column::UserId.is_in(keys.iter().map(|k| k.0)))
            .all(&self.state.db)
            .await?;
        let skills: HashMap<i64, skill::Model> = skill::Entity::find()
            .filter(skill::Column::Id.is_in(goals.iter().map(|g| g.skill_id)))
            .all(&self.state.db)
            .await?
            .into_iter()
            .map(|s| (s.id, s))
            .collect();
        let mut out: HashMap<UserGoals, Vec<skill::Model>> =
            keys.iter().map(|k| (*k, Vec::new())).collect();
        for goal in goals {
            if let (Some(list), Some(skill)) = (
                out.get_mut(&UserGoals(goal.user_id)),
                skills.get(&goal.skill_id),
            ) {
                list.push(skill.clone());
            }
        }
        Ok(out
            .into_iter()
            .map(|(k, mut v)| {
                v.sort_by(|a, b| a.name.cmp(&b.name));
                (k, Arc::new(v))
            })
            .collect())
    }
}
