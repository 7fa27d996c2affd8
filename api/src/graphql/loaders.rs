//! Batch loading (async-graphql's DataLoader, one per request) for every
//! relation a list can reach when its page did not read it, so a page costs
//! a fixed number of statements. One generic loader answers every [`Key`];
//! each key names the lookup in [`crate::service::lookups`] that fetches it.

use std::collections::HashMap;
use std::future::Future;
use std::hash::Hash;
use std::sync::Arc;

use async_graphql::Context;
use async_graphql::dataloader::{DataLoader, Loader};
use entity::{
    channel, clinic, clinic_question, course, feedback, lesson, mentor_profile, mentoring_request,
    mentoring_session, pairing, presence_snapshot, seat, skill, user, user_skill,
};

use crate::context::State;
use crate::error::{AppError, AppResult};
use crate::service::lookups;
use crate::service::seat_counts::{self, Counts};

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

/// A key the loader answers in batches: what it loads and how.
pub trait Key: Copy + Eq + Hash + Send + Sync + 'static {
    /// What one key loads.
    type Value: Clone + Send + Sync + 'static;
    /// Loads many keys in one statement; a key left out has no value.
    fn fetch(
        state: &State,
        keys: &[Self],
    ) -> impl Future<Output = AppResult<HashMap<Self, Self::Value>>> + Send;
}

impl<K: Key> Loader<K> for AppLoader {
    type Value = K::Value;
    type Error = AppError;
    async fn load(&self, keys: &[K]) -> Result<HashMap<K, K::Value>, AppError> {
        K::fetch(&self.state, keys).await
    }
}

/// Declares keys that load one row per id (`None` when there is none).
macro_rules! by_id {
    ($($(#[$doc:meta])* $name:ident => $value:ty = $lookup:path;)*) => {$(
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash)]
        pub struct $name(pub i64);

        impl Key for $name {
            type Value = $value;
            async fn fetch(state: &State, keys: &[Self]) -> AppResult<HashMap<Self, $value>> {
                let ids: Vec<i64> = keys.iter().map(|k| k.0).collect();
                let found = $lookup(&state.db, &ids).await?;
                Ok(found.into_iter().map(|(id, value)| ($name(id), value)).collect())
            }
        }
    )*};
}

/// Declares keys that load a list per id (empty when there is none).
macro_rules! group_by {
    ($($(#[$doc:meta])* $name:ident => $item:ty = $lookup:path;)*) => {$(
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash)]
        pub struct $name(pub i64);

        impl Key for $name {
            type Value = Arc<Vec<$item>>;
            async fn fetch(state: &State, keys: &[Self]) -> AppResult<HashMap<Self, Self::Value>> {
                let ids: Vec<i64> = keys.iter().map(|k| k.0).collect();
                let mut found = $lookup(&state.db, &ids).await?;
                Ok(keys
                    .iter()
                    .map(|k| (*k, Arc::new(found.remove(&k.0).unwrap_or_default())))
                    .collect())
            }
        }
    )*};
}

by_id! {
    /// A user by id.
    UserById => user::Model = lookups::users;
    /// A clinic by id.
    ClinicById => clinic::Model = lookups::clinics;
    /// The clinic that owns a seat pool.
    ClinicByPool => clinic::Model = lookups::clinics_by_pool;
    /// The course that owns a seat pool.
    CourseByPool => course::Model = lookups::courses_by_pool;
    /// A skill by id.
    SkillById => skill::Model = lookups::skills;
    /// A seat (a clinic registration or an enrolment) by id.
    SeatById => seat::Model = lookups::seats;
    /// A pairing by id.
    PairingById => pairing::Model = lookups::pairings;
    /// A mentoring request by id.
    RequestById => mentoring_request::Model = lookups::requests;
    /// A member's mentor profile.
    ProfileOf => mentor_profile::Model = lookups::profiles;
    /// A channel's latest snapshot.
    LatestSnapshot => presence_snapshot::Model = lookups::latest_snapshots;
    /// Seat counts of a pool.
    PoolCounts => Counts = seat_counts::counts;
    /// The 1-based waitlist position of a waitlisted seat, by seat id.
    WaitlistPosition => i64 = seat_counts::waitlist_positions;
}

group_by! {
    /// The skills of a clinic, by name.
    ClinicSkills => Arc<skill::Model> = lookups::clinic_skills;
    /// The skills a course teaches, by name.
    CourseSkills => Arc<skill::Model> = lookups::course_skills;
    /// A member's learning goals, by name.
    UserGoals => Arc<skill::Model> = lookups::goals;
    /// The skills a mentoring request asks for, by name.
    RequestSkills => Arc<skill::Model> = lookups::request_skills;
    /// A course's lessons, in order.
    CourseLessons => lesson::Model = lookups::lessons;
    /// The lessons an enrolment has completed.
    Completions => i64 = lookups::completions;
    /// The pairings of a mentoring request.
    RequestPairings => pairing::Model = lookups::request_pairings;
    /// The logged sessions of a pairing, oldest first.
    PairingSessions => mentoring_session::Model = lookups::pairing_sessions;
    /// All feedback on a pairing (what a reader may see is filtered after).
    PairingFeedback => feedback::Model = lookups::pairing_feedback;
    /// A member's self-assessed skills, strongest first.
    UserSkills => (Arc<skill::Model>, user_skill::Model) = lookups::levels;
    /// A member's channels, by platform then handle (all of them: the
    /// resolver keeps those the caller may see).
    UserChannels => channel::Model = lookups::channels;
    /// A clinic's questions, oldest first (all of them: the resolver keeps
    /// those the caller may see).
    ClinicQuestions => clinic_question::Model = lookups::clinic_questions;
}

/// The sums behind a plan figure: the organisation's channels on a platform
/// over the window up to a day (none without snapshots in it).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct PlanSums(pub crate::service::plan::FiguresKey);

impl Key for PlanSums {
    type Value = crate::domain::plan::Sums;
    async fn fetch(state: &State, keys: &[Self]) -> AppResult<HashMap<Self, Self::Value>> {
        let wanted: Vec<_> = keys.iter().map(|k| k.0).collect();
        let found = lookups::plan_sums(&state.db, &wanted).await?;
        Ok(found.into_iter().map(|(k, v)| (PlanSums(k), v)).collect())
    }
}

/// A person's live seat in a pool.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct LiveSeat {
    pub pool_id: i64,
    pub user_id: i64,
}

impl Key for LiveSeat {
    type Value = seat::Model;
    async fn fetch(state: &State, keys: &[Self]) -> AppResult<HashMap<Self, seat::Model>> {
        let pairs: Vec<(i64, i64)> = keys.iter().map(|k| (k.pool_id, k.user_id)).collect();
        let found = lookups::live_seats(&state.db, &pairs).await?;
        Ok(found
            .into_iter()
            .map(|((pool_id, user_id), seat)| (LiveSeat { pool_id, user_id }, seat))
            .collect())
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
