//! Scheduling clinics and registering for them.

use async_graphql::{Context, ID, InputObject, Object};

use crate::domain::recurrence::Weekly;
use crate::error::AppError;
use crate::graphql::context::{actor, state};
use crate::graphql::ids::{self, Kind};
use crate::graphql::scalars::{Date, Timestamp};
use crate::graphql::types::{Clinic, ClinicRegistration, User};
use crate::service::{calendar, clinic_changes, clinics, registrations};

/// A weekly series: give exactly one of the two. At most 52 clinics.
#[derive(InputObject)]
pub struct RecurrenceInput {
    /// This many clinics in all, the first included.
    pub weekly_count: Option<i32>,
    /// Every week up to and including this date (in the clinic's time zone).
    pub weekly_until: Option<Date>,
}

/// A clinic to schedule.
#[derive(InputObject)]
pub struct ScheduleClinicInput {
    /// The clinic's title (1 to 200 characters).
    pub title: String,
    /// What it is about.
    #[graphql(default)]
    pub description: String,
    /// The member who runs it; they may not hold an overlapping clinic.
    pub facilitator_id: ID,
    /// Must be in the future.
    pub starts_at: Timestamp,
    /// Must be after `startsAt`.
    pub ends_at: Timestamp,
    /// IANA time zone, e.g. `Europe/Helsinki`; a series repeats at the same local time.
    pub timezone: String,
    /// 1 to 10,000 seats.
    pub capacity: i32,
    /// Where it is held, if in person.
    pub location: Option<String>,
    /// An http(s) link for joining online.
    pub online_url: Option<String>,
    /// The skills it is about.
    #[graphql(default)]
    pub skill_ids: Vec<ID>,
    /// Repeat weekly.
    pub recurrence: Option<RecurrenceInput>,
}

/// Changes to a clinic; omitted fields stay as they are.
#[derive(InputObject, Default)]
pub struct UpdateClinicInput {
    /// A new title.
    pub title: Option<String>,
    /// A new description.
    pub description: Option<String>,
    /// A new facilitator (a member of the organisation).
    pub facilitator_id: Option<ID>,
    /// A new start (registrants are notified).
    pub starts_at: Option<Timestamp>,
    /// A new end.
    pub ends_at: Option<Timestamp>,
    /// A new IANA time zone.
    pub timezone: Option<String>,
    /// Raising it promotes from the waitlist; lowering it bumps nobody.
    pub capacity: Option<i32>,
    /// A new place; null removes it.
    pub location: Option<String>,
    /// A new online address; null removes it.
    pub online_url: Option<String>,
    /// Replaces the clinic's skills.
    pub skill_ids: Option<Vec<ID>>,
}

fn weekly(recurrence: Option<RecurrenceInput>) -> Result<Option<Weekly>, AppError> {
    let Some(recurrence) = recurrence else {
        return Ok(None);
    };
    match (recurrence.weekly_count, recurrence.weekly_until) {
        (Some(count), None) => Ok(Some(Weekly::Count(u32::try_from(count).map_err(|_| {
            AppError::field("weeklyCount", "weeklyCount must be between 1 and 52")
        })?))),
        (None, Some(until)) => Ok(Some(Weekly::Until(until.0))),
        _ => Err(AppError::field(
            "recurrence",
            "give exactly one of weeklyCount and weeklyUntil",
        )),
    }
}

#[derive(Default)]
pub struct ClinicMutation;

#[Object]
impl ClinicMutation {
    /// Schedules a clinic, or a weekly series (ADMIN). Returns every clinic created.
    async fn schedule_clinic(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The details, as the input type describes them.")]
        input: ScheduleClinicInput,
    ) -> async_graphql::Result<Vec<Clinic>> {
        let actor = actor(ctx).await?;
        let schedule = clinics::Schedule {
            title: input.title,
            description: input.description,
            facilitator_id: ids::decode(&input.facilitator_id, Kind::User, "facilitatorId")
                .map_err(|_| AppError::field("facilitatorId", "no such active member"))?,
            starts_at: input.starts_at.0,
            ends_at: input.ends_at.0,
            timezone: input.timezone,
            capacity: input.capacity,
            location: input.location,
            online_url: input.online_url,
            skill_ids: ids::decode_all(&input.skill_ids, Kind::Skill, "skillIds")?,
            recurrence: weekly(input.recurrence)?,
        };
        let created = clinics::schedule(state(ctx)?, &actor, schedule).await?;
        Ok(created.into_iter().map(Clinic::new).collect())
    }

    /// Changes a clinic (ADMIN). Moving it notifies every registrant.
    async fn update_clinic(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The clinic.")] id: ID,
        #[graphql(desc = "The details, as the input type describes them.")]
        input: UpdateClinicInput,
    ) -> async_graphql::Result<Clinic> {
        let actor = actor(ctx).await?;
        let clinic_id = ids::decode(&id, Kind::Clinic, "id")?;
        let facilitator_id = input
            .facilitator_id
            .map(|id| ids::decode(&id, Kind::User, "facilitatorId"))
            .transpose()
            .map_err(|_| AppError::field("facilitatorId", "no such active member"))?;
        let skill_ids = input
            .skill_ids
            .map(|ids| ids::decode_all(&ids, Kind::Skill, "skillIds"))
            .transpose()?;
        let update = clinic_changes::Update {
            title: input.title,
            description: input.description,
            facilitator_id,
            starts_at: input.starts_at.map(|t| t.0),
            ends_at: input.ends_at.map(|t| t.0),
            timezone: input.timezone,
            capacity: input.capacity,
            location: input.location,
            online_url: input.online_url,
            skill_ids,
        };
        Ok(Clinic::new(
            clinic_changes::update(state(ctx)?, &actor, clinic_id, update).await?,
        ))
    }

    /// Cancels a clinic (ADMIN): every registration is cancelled and every registrant notified.
    async fn cancel_clinic(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The clinic.")] id: ID,
        #[graphql(desc = "Why, in a sentence shown to those affected.")] reason: Option<String>,
    ) -> async_graphql::Result<Clinic> {
        let actor = actor(ctx).await?;
        let clinic_id = ids::decode(&id, Kind::Clinic, "id")?;
        Ok(Clinic::new(
            clinic_changes::cancel(state(ctx)?, &actor, clinic_id, reason).await?,
        ))
    }

    /// Takes a seat, or a place on the waitlist when the clinic is full.
    /// Registering again returns the existing registration.
    async fn register_for_clinic(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The clinic.")] clinic_id: ID,
    ) -> async_graphql::Result<ClinicRegistration> {
        let actor = actor(ctx).await?;
        let clinic_id = ids::decode(&clinic_id, Kind::Clinic, "clinicId")?;
        let seat = registrations::register(state(ctx)?, &actor, clinic_id).await?;
        Ok(ClinicRegistration::new(seat))
    }

    /// Cancels a registration (its holder or an admin); a freed seat goes to
    /// the first on the waitlist.
    async fn cancel_registration(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The registration.")] registration_id: ID,
    ) -> async_graphql::Result<ClinicRegistration> {
        let actor = actor(ctx).await?;
        let id = ids::decode(&registration_id, Kind::ClinicRegistration, "registrationId")?;
        let seat = registrations::cancel(state(ctx)?, &actor, id).await?;
        Ok(ClinicRegistration::new(seat))
    }

    /// Records attendance (admin or the facilitator, once the clinic has started).
    async fn mark_attendance(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The registration.")] registration_id: ID,
        #[graphql(desc = "Whether the member attended.")] attended: bool,
    ) -> async_graphql::Result<ClinicRegistration> {
        let actor = actor(ctx).await?;
        let id = ids::decode(&registration_id, Kind::ClinicRegistration, "registrationId")?;
        let seat = registrations::mark_attendance(state(ctx)?, &actor, id, attended).await?;
        Ok(ClinicRegistration::new(seat))
    }

    /// Gives the caller a new calendar address; the old one stops working.
    async fn reset_calendar_token(&self, ctx: &Context<'_>) -> async_graphql::Result<User> {
        let actor = actor(ctx).await?;
        Ok(User::owned(
            calendar::reset_token(state(ctx)?, &actor).await?,
        ))
    }
}
