//! Clinics one to two weeks ahead, on fixed days after today (so the board
//! reads the same whichever weekday the demo starts), Helsinki time. The
//! weekly one fills up and gets a waitlist, with the demo learner on it.

use chrono::{DateTime, Duration, NaiveTime, TimeZone, Utc};

use crate::auth::Actor;
use crate::context::AppState;
use crate::domain::recurrence::Weekly;
use crate::error::{AppError, AppResult};
use crate::service::{clinics, registrations};

use super::{Skills, TIMEZONE};

/// Who registers for the weekly clinic's first session, in order (indices
/// into the people): the ninth and later wait.
const QUEUE: [usize; 9] = [12, 13, 14, 16, 18, 20, 2, 22, 24];

/// Schedules the clinics and fills the first weekly one; returns how many
/// sessions there are.
pub(super) async fn schedule_all(
    state: &AppState,
    admin: &Actor,
    actors: &[Actor],
    skills: &Skills,
) -> AppResult<usize> {
    let now = state.clock.now();
    let weekly = schedule(
        state,
        admin,
        actors,
        ClinicPlan {
            title: "Vaikuttavuuden mittaaminen somessa",
            description: "Weekly presence clinic on measuring social-media influence: bring a post, \
                          we read its numbers together and decide what to measure next.",
            facilitator: 1,
            starts: days_ahead(now, 10, 10)?,
            capacity: 6,
            skills: &["measuring-influence"],
            weeks: Some(8),
            location: Some("Kaupungintalo, neuvotteluhuone Saimaa"),
        },
        skills,
    )
    .await?;
    let mut count = weekly.len();
    for plan in [
        ClinicPlan {
            title: "LinkedIn-profiili kuntoon",
            description: "One hour to make your professional profile say what you do for residents.",
            facilitator: 6,
            starts: days_ahead(now, 8, 13)?,
            capacity: 10,
            skills: &["linkedin"],
            weeks: None,
            location: None,
        },
        ClinicPlan {
            title: "Lyhyet videot: TikTok ja Reels",
            description: "Film, cut and caption a 30-second video with your phone.",
            facilitator: 3,
            starts: days_ahead(now, 9, 14)?,
            capacity: 8,
            skills: &["tiktok", "visual-content"],
            weeks: None,
            location: Some("Kirjasto, mediapaja"),
        },
        ClinicPlan {
            title: "Kun somessa kuohuu",
            description: "What to do when a post draws a storm: roles, first replies, and when to stop.",
            facilitator: 7,
            starts: days_ahead(now, 7, 9)?,
            capacity: 12,
            skills: &["safety-policy", "social-customer-service"],
            weeks: None,
            location: None,
        },
    ] {
        count += schedule(state, admin, actors, plan, skills).await?.len();
    }
    if let Some(first) = weekly.first() {
        for who in QUEUE {
            if let Some(actor) = actors.get(who) {
                registrations::register(state, actor, first.id).await?;
            }
        }
    }
    Ok(count)
}

struct ClinicPlan {
    title: &'static str,
    description: &'static str,
    /// Index into the people.
    facilitator: usize,
    starts: DateTime<Utc>,
    capacity: i32,
    skills: &'static [&'static str],
    weeks: Option<u32>,
    location: Option<&'static str>,
}

async fn schedule(
    state: &AppState,
    admin: &Actor,
    actors: &[Actor],
    plan: ClinicPlan,
    skills: &Skills,
) -> AppResult<Vec<entity::clinic::Model>> {
    let facilitator = actors
        .get(plan.facilitator)
        .ok_or_else(|| AppError::internal("no such demo facilitator"))?;
    clinics::schedule(
        state,
        admin,
        clinics::Schedule {
            title: plan.title.into(),
            description: plan.description.into(),
            facilitator_id: facilitator.user_id,
            starts_at: plan.starts,
            ends_at: plan.starts + Duration::hours(1),
            timezone: TIMEZONE.into(),
            capacity: plan.capacity,
            location: plan.location.map(Into::into),
            online_url: None,
            skill_ids: skills.ids(plan.skills)?,
            recurrence: plan.weeks.map(Weekly::Count),
        },
    )
    .await
}

/// `hour`:00 Helsinki time, `days` days after today's Helsinki date.
pub(super) fn days_ahead(now: DateTime<Utc>, days: i64, hour: u32) -> AppResult<DateTime<Utc>> {
    let zone: chrono_tz::Tz = TIMEZONE
        .parse()
        .map_err(|_| AppError::internal("unknown demo time zone"))?;
    let day = now.with_timezone(&zone).date_naive() + Duration::days(days);
    let time = NaiveTime::from_hms_opt(hour, 0, 0)
        .ok_or_else(|| AppError::internal("invalid demo hour"))?;
    zone.from_local_datetime(&day.and_time(time))
        .earliest()
        .map(|local| local.with_timezone(&Utc))
        .ok_or_else(|| AppError::internal("the demo time does not exist"))
}
