//! Scheduling, finding and listing clinics (changing and cancelling one:
//! `clinic_changes`).

use chrono::{DateTime, Utc};
use entity::{ClinicStatus, clinic, clinic_series, clinic_skill, user};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseTransaction,
    EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};

use super::{seats, skills};
use crate::auth::{Actor, permissions};
use crate::context::AppState;
use crate::db;
use crate::domain::clinics as rules;
use crate::domain::recurrence::{self, Weekly};
use crate::domain::text;
use crate::error::{AppError, AppResult};

/// What `scheduleClinic` needs.
#[derive(Debug, Clone)]
pub struct Schedule {
    pub title: String,
    pub description: String,
    pub facilitator_id: i64,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub timezone: String,
    pub capacity: i32,
    pub location: Option<String>,
    pub online_url: Option<String>,
    pub skill_ids: Vec<i64>,
    pub recurrence: Option<Weekly>,
}

pub(super) struct Details {
    pub(super) title: String,
    pub(super) description: String,
    pub(super) location: Option<String>,
    pub(super) online_url: Option<String>,
}

pub(super) fn details(
    title: &str,
    description: &str,
    location: Option<&str>,
    online_url: Option<&str>,
) -> AppResult<Details> {
    Ok(Details {
        title: text::required(title, "title", 200, false)?,
        description: text::optional(description, "description", 5000, true)?,
        location: Some(text::optional(
            location.unwrap_or(""),
            "location",
            300,
            false,
        )?)
        .filter(|l| !l.is_empty()),
        online_url: rules::link(online_url, "onlineUrl")?,
    })
}

/// Schedules a clinic, or a weekly series of them (ADMIN).
#[tracing::instrument(skip_all, fields(organisation = actor.organisation_id, user = actor.user_id))]
pub async fn schedule(
    state: &AppState,
    actor: &Actor,
    input: Schedule,
) -> AppResult<Vec<clinic::Model>> {
    permissions::require_admin(actor)?;
    let now = state.clock.now();
    let details = details(
        &input.title,
        &input.description,
        input.location.as_deref(),
        input.online_url.as_deref(),
    )?;
    let tz = recurrence::parse_timezone(&input.timezone, "timezone")?;
    rules::times(input.starts_at, input.ends_at)?;
    if input.starts_at <= now {
        return Err(AppError::field(
            "startsAt",
            "startsAt must be in the future",
        ));
    }
    let capacity = rules::capacity(input.capacity, "capacity")?;
    let occurrences = recurrence::weekly(input.starts_at, input.ends_at, tz, input.recurrence)?;

    let txn = db::begin_write(state).await?;
    let skill_ids = skills::require_visible(&txn, actor.organisation_id, &input.skill_ids).await?;
    lock_facilitator(&txn, actor, input.facilitator_id).await?;
    for (i, a) in occurrences.iter().enumerate() {
        if occurrences[i + 1..].iter().any(|b| rules::overlaps(*a, *b)) {
            return Err(AppError::Conflict(
                "clinics of the series overlap each other".into(),
            ));
        }
    }
    ensure_free(&txn, input.facilitator_id, &occurrences, None).await?;

    let series_id = match input.recurrence {
        None => None,
        Some(rule) => Some(
            clinic_series::ActiveModel {
                organisation_id: Set(actor.organisation_id),
                timezone: Set(tz.name().to_owned()),
                rule: Set(match rule {
                    Weekly::Count(n) => format!("WEEKLY;COUNT={n}"),
                    Weekly::Until(date) => format!("WEEKLY;UNTIL={date}"),
                }),
                created_by: Set(Some(actor.user_id)),
                created_at: Set(now),
                ..Default::default()
            }
            .insert(&txn)
            .await?
            .id,
        ),
    };
    let mut created = Vec::with_capacity(occurrences.len());
    for (starts_at, ends_at) in occurrences {
        let pool = seats::create_pool(&txn, actor.organisation_id, Some(capacity), now).await?;
        let clinic = clinic::ActiveModel {
            organisation_id: Set(actor.organisation_id),
            series_id: Set(series_id),
            seat_pool_id: Set(pool.id),
            facilitator_id: Set(input.facilitator_id),
            title: Set(details.title.clone()),
            description: Set(details.description.clone()),
            starts_at: Set(starts_at),
            ends_at: Set(ends_at),
            timezone: Set(tz.name().to_owned()),
            location: Set(details.location.clone()),
            online_url: Set(details.online_url.clone()),
            status: Set(ClinicStatus::Scheduled),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        set_skills(&txn, clinic.id, &skill_ids).await?;
        created.push(clinic);
    }
    db::commit(txn, state).await?;
    Ok(created)
}

/// The clinic's start in its own time zone, for messages.
pub fn local_time(clinic: &clinic::Model) -> String {
    rules::local_start(clinic.starts_at, &clinic.timezone)
}

/// A clinic of the actor's organisation, or `NOT_FOUND`. Its span names no
/// caller: asking a clinic a question (which may be anonymous) reads it too.
#[tracing::instrument(skip_all, fields(organisation = actor.organisation_id))]
pub async fn get(state: &AppState, actor: &Actor, clinic_id: i64) -> AppResult<clinic::Model> {
    get_in(&state.db, actor, clinic_id).await
}

/// Like [`get`], on any connection.
#[tracing::instrument(skip_all, fields(organisation = actor.organisation_id))]
pub async fn get_in(
    conn: &impl ConnectionTrait,
    actor: &Actor,
    clinic_id: i64,
) -> AppResult<clinic::Model> {
    let clinic = clinic::Entity::find_by_id(clinic_id)
        .one(conn)
        .await?
        .ok_or(AppError::NotFound("clinic"))?;
    permissions::require_same_organisation(actor, clinic.organisation_id, "clinic")?;
    Ok(clinic)
}

/// Like [`get_in`], locking the clinic's row for the rest of the transaction:
/// registering, cancelling and changing a clinic take turns on it, so none
/// decides on a status another is changing.
#[tracing::instrument(skip_all, fields(organisation = actor.organisation_id, user = actor.user_id))]
pub async fn lock_in(
    txn: &DatabaseTransaction,
    actor: &Actor,
    clinic_id: i64,
) -> AppResult<clinic::Model> {
    let clinic = db::for_update(clinic::Entity::find_by_id(clinic_id), txn)
        .one(txn)
        .await?
        .ok_or(AppError::NotFound("clinic"))?;
    permissions::require_same_organisation(actor, clinic.organisation_id, "clinic")?;
    Ok(clinic)
}

/// The clinic whose seats are in `pool_id`.
#[tracing::instrument(skip_all)]
pub async fn by_pool(
    conn: &impl ConnectionTrait,
    pool_id: i64,
) -> AppResult<Option<clinic::Model>> {
    Ok(clinic::Entity::find()
        .filter(clinic::Column::SeatPoolId.eq(pool_id))
        .one(conn)
        .await?)
}

pub(super) async fn set_skills(
    txn: &DatabaseTransaction,
    clinic_id: i64,
    skill_ids: &[i64],
) -> AppResult<()> {
    if skill_ids.is_empty() {
        return Ok(());
    }
    clinic_skill::Entity::insert_many(skill_ids.iter().map(|skill_id| clinic_skill::ActiveModel {
        clinic_id: Set(clinic_id),
        skill_id: Set(*skill_id),
    }))
    .exec(txn)
    .await?;
    Ok(())
}

/// Checks the facilitator is an active member of the organisation and, on
/// PostgreSQL, locks their row so two overlapping clinics cannot be
/// scheduled for them at the same moment.
pub(super) async fn lock_facilitator(
    txn: &DatabaseTransaction,
    actor: &Actor,
    facilitator_id: i64,
) -> AppResult<user::Model> {
    let mut query = user::Entity::find_by_id(facilitator_id);
    if db::is_postgres(txn) {
        query = query.lock_exclusive();
    }
    query
        .one(txn)
        .await?
        .filter(|u| u.organisation_id == actor.organisation_id && u.active)
        .ok_or(AppError::NotFound("facilitator"))
}

/// Refuses when the facilitator already holds a scheduled clinic overlapping
/// any of `slots` (other than `except`), naming the clash.
pub(super) async fn ensure_free(
    txn: &DatabaseTransaction,
    facilitator_id: i64,
    slots: &[(DateTime<Utc>, DateTime<Utc>)],
    except: Option<i64>,
) -> AppResult<()> {
    let (Some(first), Some(last)) = (
        slots.iter().map(|s| s.0).min(),
        slots.iter().map(|s| s.1).max(),
    ) else {
        return Ok(());
    };
    let mut query = clinic::Entity::find()
        .filter(clinic::Column::FacilitatorId.eq(facilitator_id))
        .filter(clinic::Column::Status.eq(ClinicStatus::Scheduled))
        .filter(clinic::Column::StartsAt.lt(last))
        .filter(clinic::Column::EndsAt.gt(first));
    if let Some(except) = except {
        query = query.filter(clinic::Column::Id.ne(except));
    }
    let existing = query
        .order_by_asc(clinic::Column::StartsAt)
        .all(txn)
        .await?;
    for clash in existing {
        if slots
            .iter()
            .any(|slot| rules::overlaps(*slot, (clash.starts_at, clash.ends_at)))
        {
            return Err(AppError::Conflict(format!(
                "the facilitator already holds \"{}\" on {}",
                clash.title,
                local_time(&clash)
            )));
        }
    }
    Ok(())
}
