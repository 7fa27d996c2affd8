//! `Clinic`, `ClinicRegistration` and their statuses.

use async_graphql::{Context, Enum, ID, Object};
use entity::{clinic, seat};

use super::{Skill, User};
use crate::domain::paging::Position;
use crate::domain::seats;
use crate::error::Required;
use crate::graphql::context::{actor, state};
use crate::graphql::ids::{self, Kind};
use crate::graphql::loaders::{
    ClinicByPool, ClinicSkills, LiveSeat, UserById, loader, pool_counts, waitlist_position,
};
use crate::graphql::pagination::{Page, connection, page_request};
use crate::graphql::scalars::Timestamp;
use crate::service::registrations;

/// Whether a clinic takes place.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "entity::ClinicStatus")]
pub enum ClinicStatus {
    Scheduled,
    /// Cancelled by an admin; every registration was cancelled with it.
    Cancelled,
}

/// Where a registration (or enrolment) stands.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "entity::SeatStatus")]
pub enum RegistrationStatus {
    /// Holds a seat.
    Confirmed,
    /// Waiting for a seat; see `waitlistPosition`.
    Waitlisted,
    /// Cancelled by its holder, an admin, or with the clinic.
    Cancelled,
    /// Finished (courses).
    Completed,
}

/// A short, capacity-limited session, often one of a weekly series.
pub struct Clinic(pub clinic::Model);

/// A short, capacity-limited session, often one of a weekly series.
#[Object]
impl Clinic {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        ids::encode(Kind::Clinic, self.0.id)
    }

    async fn title(&self) -> &str {
        &self.0.title
    }

    async fn description(&self) -> &str {
        &self.0.description
    }

    /// Start, in UTC.
    async fn starts_at(&self) -> Timestamp {
        self.0.starts_at.into()
    }

    /// End, in UTC.
    async fn ends_at(&self) -> Timestamp {
        self.0.ends_at.into()
    }

    /// IANA time zone the clinic is planned in (for display and recurrence).
    async fn timezone(&self) -> &str {
        &self.0.timezone
    }

    /// Where it takes place, if somewhere physical.
    async fn location(&self) -> Option<&str> {
        self.0.location.as_deref()
    }

    /// Link for joining online.
    async fn online_url(&self) -> Option<&str> {
        self.0.online_url.as_deref()
    }

    async fn status(&self) -> ClinicStatus {
        self.0.status.into()
    }

    /// Why it was cancelled.
    async fn cancel_reason(&self) -> Option<&str> {
        self.0.cancel_reason.as_deref()
    }

    /// Seats in all.
    async fn capacity(&self, ctx: &Context<'_>) -> async_graphql::Result<i32> {
        let counts = pool_counts(ctx, self.0.seat_pool_id).await?;
        Ok(counts.capacity.unwrap_or(0))
    }

    /// Confirmed registrations.
    async fn seats_taken(&self, ctx: &Context<'_>) -> async_graphql::Result<i64> {
        let counts = pool_counts(ctx, self.0.seat_pool_id).await?;
        Ok(counts.confirmed)
    }

    /// Seats still free (never negative, also after the capacity was lowered).
    async fn seats_left(&self, ctx: &Context<'_>) -> async_graphql::Result<i64> {
        let counts = pool_counts(ctx, self.0.seat_pool_id).await?;
        Ok(seats::seats_left(Some(counts.capacity.unwrap_or(0)), counts.confirmed).unwrap_or(0))
    }

    /// People waiting for a seat.
    async fn waitlist_length(&self, ctx: &Context<'_>) -> async_graphql::Result<i64> {
        let counts = pool_counts(ctx, self.0.seat_pool_id).await?;
        Ok(counts.waitlisted)
    }

    /// Who runs it.
    async fn facilitator(&self, ctx: &Context<'_>) -> async_graphql::Result<User> {
        let user = loader(ctx)?
            .load_one(UserById(self.0.facilitator_id))
            .await?
            .required("facilitator")?;
        Ok(User::new(user))
    }

    /// What it is about.
    async fn skills(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Skill>> {
        let skills = loader(ctx)?
            .load_one(ClinicSkills(self.0.id))
            .await?
            .unwrap_or_default();
        Ok(skills.iter().cloned().map(Skill).collect())
    }

    /// The caller's live registration, if any.
    async fn my_registration(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<ClinicRegistration>> {
        let me = actor(ctx).await?;
        let seat = loader(ctx)?
            .load_one(LiveSeat {
                pool_id: self.0.seat_pool_id,
                user_id: me.user_id,
            })
            .await?;
        Ok(seat.map(ClinicRegistration))
    }

    /// Every registration, in arrival order (admins and the facilitator only).
    #[graphql(complexity = "crate::graphql::cost::page(first, None, child_complexity)")]
    async fn registrations(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<Page<ClinicRegistration>> {
        let me = actor(ctx).await?;
        let page = page_request(ctx, first, after, None, None)?;
        let paged = registrations::list(state(ctx)?, &me, &self.0, &page).await?;
        Ok(connection(
            paged,
            |s| Position::id(s.id),
            ClinicRegistration,
        ))
    }
}

/// A member's place in a clinic: a seat, or a place on its waitlist.
pub struct ClinicRegistration(pub seat::Model);

/// A member's place in a clinic: a seat, or a place on its waitlist.
#[Object]
impl ClinicRegistration {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        ids::encode(Kind::ClinicRegistration, self.0.id)
    }

    async fn status(&self) -> RegistrationStatus {
        self.0.status.into()
    }

    /// 1 for the first in line; null unless waitlisted.
    async fn waitlist_position(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<i64>> {
        Ok(waitlist_position(ctx, &self.0).await?)
    }

    /// Whether the holder came (null until marked).
    async fn attended(&self) -> Option<bool> {
        self.0.attended
    }

    /// When the registration was made.
    async fn created_at(&self) -> Timestamp {
        self.0.created_at.into()
    }

    async fn clinic(&self, ctx: &Context<'_>) -> async_graphql::Result<Clinic> {
        let clinic = loader(ctx)?
            .load_one(ClinicByPool(self.0.pool_id))
            .await?
            .required("clinic")?;
        Ok(Clinic(clinic))
    }

    /// Who holds it.
    async fn user(&self, ctx: &Context<'_>) -> async_graphql::Result<User> {
        let user = loader(ctx)?
            .load_one(UserById(self.0.user_id))
            .await?
            .required("registrant")?;
        Ok(User::new(user))
    }
}
