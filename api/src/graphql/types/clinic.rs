//! `Clinic`, `ClinicRegistration` and their statuses.

use async_graphql::{Context, Enum, ID, Object};
use entity::{clinic, seat};

use super::{Skill, User};
use crate::domain::paging::Position;
use crate::domain::seats;
use crate::error::{AppResult, Required};
use crate::graphql::context::{actor, state};
use crate::graphql::ids::{self, Kind};
use crate::graphql::inline::Inline;
use crate::graphql::loaders::{
    ClinicByPool, ClinicSkills, LiveSeat, UserById, loader, pool_counts, waitlist_position,
};
use crate::graphql::pagination::{Page, connection, page_request};
use crate::graphql::scalars::Timestamp;
use crate::service::reads::{self, clinics::Extras};
use crate::service::registrations;
use crate::service::seat_counts::Counts;

/// Whether a clinic takes place.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "entity::ClinicStatus")]
pub enum ClinicStatus {
    /// Takes place as planned.
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
pub struct Clinic {
    pub model: clinic::Model,
    /// What a page read of it already; the rest is batch-loaded.
    extras: Box<Extras>,
}

impl Clinic {
    /// The fields that read nothing of the model but its keys (id,
    /// organisation, seat pool, facilitator), title and times: a page whose
    /// selection asks for nothing else reads only those columns
    /// (`reads::columns::clinic_board`). A field added here must read no
    /// other column.
    pub const BOARD_FIELDS: &[&str] = &[
        "__typename",
        "id",
        "title",
        "startsAt",
        "endsAt",
        "capacity",
        "seatsTaken",
        "seatsLeft",
        "waitlistLength",
        "facilitator",
        "skills",
        "myRegistration",
    ];

    /// A clinic with nothing read beyond its row.
    pub fn new(model: clinic::Model) -> Self {
        Self {
            model,
            extras: Box::default(),
        }
    }

    /// A clinic of a page, with what the page read of it.
    pub fn of_page(row: reads::clinics::Row) -> Self {
        Self {
            model: row.clinic,
            extras: Box::new(row.extras),
        }
    }

    async fn counts(&self, ctx: &Context<'_>) -> AppResult<Counts> {
        match self.extras.counts {
            Some(counts) => Ok(counts),
            None => Box::pin(pool_counts(ctx, self.model.seat_pool_id)).await,
        }
    }
}

/// A short, capacity-limited session, often one of a weekly series.
#[Object]
impl Clinic {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        ids::encode(Kind::Clinic, self.model.id)
    }

    /// The clinic's title.
    async fn title(&self) -> &str {
        &self.model.title
    }

    /// What it is about.
    async fn description(&self) -> &str {
        &self.model.description
    }

    /// Start, in UTC.
    async fn starts_at(&self) -> Timestamp {
        self.model.starts_at.into()
    }

    /// End, in UTC.
    async fn ends_at(&self) -> Timestamp {
        self.model.ends_at.into()
    }

    /// IANA time zone the clinic is planned in (for display and recurrence).
    async fn timezone(&self) -> &str {
        &self.model.timezone
    }

    /// Where it takes place, if somewhere physical.
    async fn location(&self) -> Option<&str> {
        self.model.location.as_deref()
    }

    /// Link for joining online.
    async fn online_url(&self) -> Option<&str> {
        self.model.online_url.as_deref()
    }

    /// Whether it takes place.
    async fn status(&self) -> ClinicStatus {
        self.model.status.into()
    }

    /// Why it was cancelled.
    async fn cancel_reason(&self) -> Option<&str> {
        self.model.cancel_reason.as_deref()
    }

    /// Seats in all.
    async fn capacity(&self, ctx: &Context<'_>) -> async_graphql::Result<i32> {
        let counts = self.counts(ctx).await?;
        Ok(counts.capacity.unwrap_or(0))
    }

    /// Confirmed registrations.
    async fn seats_taken(&self, ctx: &Context<'_>) -> async_graphql::Result<i64> {
        let counts = self.counts(ctx).await?;
        Ok(counts.confirmed)
    }

    /// Seats still free (never negative, also after the capacity was lowered).
    async fn seats_left(&self, ctx: &Context<'_>) -> async_graphql::Result<i64> {
        let counts = self.counts(ctx).await?;
        Ok(seats::seats_left(Some(counts.capacity.unwrap_or(0)), counts.confirmed).unwrap_or(0))
    }

    /// People waiting for a seat.
    async fn waitlist_length(&self, ctx: &Context<'_>) -> async_graphql::Result<i64> {
        let counts = self.counts(ctx).await?;
        Ok(counts.waitlisted)
    }

    /// Who runs it.
    async fn facilitator(&self, ctx: &Context<'_>) -> async_graphql::Result<Inline<User>> {
        let user = match &self.extras.facilitator {
            Some(user) => user.clone(),
            None => Box::pin(loader(ctx)?.load_one(UserById(self.model.facilitator_id)))
                .await?
                .required("facilitator")?,
        };
        Ok(Inline(User::new(user)))
    }

    /// What it is about.
    async fn skills(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Inline<Skill>>> {
        let loaded;
        let skills = match &self.extras.skills {
            Some(skills) => skills,
            None => {
                loaded = Box::pin(loader(ctx)?.load_one(ClinicSkills(self.model.id)))
                    .await?
                    .unwrap_or_default();
                &*loaded
            }
        };
        Ok(skills.iter().cloned().map(|s| Inline(Skill(s))).collect())
    }

    /// The caller's live registration, if any.
    async fn my_registration(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<Inline<ClinicRegistration>>> {
        if let Some(mine) = &self.extras.mine {
            return Ok(mine.clone().map(|mine| {
                Inline(ClinicRegistration {
                    seat: mine.seat,
                    waitlist_position: Some(mine.waitlist_position),
                    clinic: None,
                })
            }));
        }
        let me = actor(ctx).await?;
        let seat = Box::pin(loader(ctx)?.load_one(LiveSeat {
            pool_id: self.model.seat_pool_id,
            user_id: me.user_id,
        }))
        .await?;
        Ok(seat.map(|seat| Inline(ClinicRegistration::new(seat))))
    }

    /// Every registration, in arrival order (admins and the facilitator only).
    #[graphql(complexity = "crate::graphql::cost::page(first, last, child_complexity)")]
    async fn registrations(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "At most this many (0 to 100).")] first: Option<i32>,
        #[graphql(desc = "After this cursor.")] after: Option<String>,
        #[graphql(desc = "At most this many from the end (0 to 100).")] last: Option<i32>,
        #[graphql(desc = "Before this cursor.")] before: Option<String>,
    ) -> async_graphql::Result<Page<ClinicRegistration>> {
        let me = actor(ctx).await?;
        let page = page_request(ctx, first, after, last, before)?;
        let paged = Box::pin(registrations::list(state(ctx)?, &me, &self.model, &page)).await?;
        Ok(connection(
            paged,
            |s| Position::id(s.id),
            ClinicRegistration::new,
        ))
    }

    /// Questions sent beforehand, oldest first: all of them for the
    /// facilitator and admins, their own for anyone else.
    async fn questions(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<super::ClinicQuestion>> {
        let me = actor(ctx).await?;
        let all = Box::pin(
            loader(ctx)?.load_one(crate::graphql::loaders::ClinicQuestions(self.model.id)),
        )
        .await?
        .unwrap_or_default();
        Ok(all
            .iter()
            .filter(|q| crate::service::questions::visible_to(&me, q, self.model.facilitator_id))
            .cloned()
            .map(super::ClinicQuestion)
            .collect())
    }
}

/// A member's place in a clinic: a seat, or a place on its waitlist.
pub struct ClinicRegistration {
    pub seat: seat::Model,
    /// Read with the seat by a page (`None`: batch-loaded when asked).
    waitlist_position: Option<Option<i64>>,
    /// Read with the seat by a page (`None`: batch-loaded when asked).
    clinic: Option<clinic::Model>,
}

impl ClinicRegistration {
    /// A registration with nothing read beyond its row.
    pub fn new(seat: seat::Model) -> Self {
        Self {
            seat,
            waitlist_position: None,
            clinic: None,
        }
    }

    /// A registration of a member's page, with what the page read of it.
    pub fn of_page(row: reads::registrations::Row) -> Self {
        Self {
            seat: row.seat,
            waitlist_position: row.waitlist_position,
            clinic: row.clinic,
        }
    }
}

/// A member's place in a clinic: a seat, or a place on its waitlist.
#[Object]
impl ClinicRegistration {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        ids::encode(Kind::ClinicRegistration, self.seat.id)
    }

    /// Where the registration stands.
    async fn status(&self) -> RegistrationStatus {
        self.seat.status.into()
    }

    /// 1 for the first in line; null unless waitlisted.
    async fn waitlist_position(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<i64>> {
        match self.waitlist_position {
            Some(position) => Ok(position),
            None => Ok(Box::pin(waitlist_position(ctx, &self.seat)).await?),
        }
    }

    /// Whether the holder came (null until marked).
    async fn attended(&self) -> Option<bool> {
        self.seat.attended
    }

    /// When the registration was made.
    async fn created_at(&self) -> Timestamp {
        self.seat.created_at.into()
    }

    /// The clinic.
    async fn clinic(&self, ctx: &Context<'_>) -> async_graphql::Result<Clinic> {
        if let Some(clinic) = &self.clinic {
            return Ok(Clinic::new(clinic.clone()));
        }
        let clinic = Box::pin(loader(ctx)?.load_one(ClinicByPool(self.seat.pool_id)))
            .await?
            .required("clinic")?;
        Ok(Clinic::new(clinic))
    }

    /// Who holds it.
    async fn user(&self, ctx: &Context<'_>) -> async_graphql::Result<User> {
        let user = Box::pin(loader(ctx)?.load_one(UserById(self.seat.user_id)))
            .await?
            .required("registrant")?;
        Ok(User::new(user))
    }
}
