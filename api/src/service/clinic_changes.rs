//! Changing and cancelling a scheduled clinic: the facilitator's calendar
//! checked again, seats following rule 4, registrants told.

use chrono::{DateTime, Utc};
use entity::{ClinicStatus, clinic, clinic_skill, seat};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder,
};

use super::clinics::{details, ensure_free, local_time, lock_facilitator, lock_in, set_skills};
use super::notifications::{self, Kind};
use super::{seats, skills};
use crate::auth::{Actor, permissions};
use crate::context::AppState;
use crate::db;
use crate::domain::clinics as rules;
use crate::domain::recurrence;
use crate::domain::text;
use crate::error::{AppError, AppResult};

/// What `updateClinic` may change; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct Update {
    pub title: Option<String>,
    pub description: Option<String>,
    pub facilitator_id: Option<i64>,
    pub starts_at: Option<DateTime<Utc>>,
    pub ends_at: Option<DateTime<Utc>>,
    pub timezone: Option<String>,
    pub capacity: Option<i32>,
    pub location: Option<String>,
    pub online_url: Option<String>,
    pub skill_ids: Option<Vec<i64>>,
}

/// Changes a clinic (ADMIN). Moving it rechecks the facilitator's other
/// clinics and notifies every registrant; a capacity change follows seat rule 4.
#[tracing::instrument(skip_all, fields(organisation = actor.organisation_id, user = actor.user_id))]
pub async fn update(
    state: &AppState,
    actor: &Actor,
    clinic_id: i64,
    input: Update,
) -> AppResult<clinic::Model> {
    permissions::require_admin(actor)?;
    let now = state.clock.now();
    let txn = db::begin_write(state).await?;
    let current = lock_in(&txn, actor, clinic_id).await?;
    if current.status == ClinicStatus::Cancelled {
        return Err(AppError::Conflict(
            "a cancelled clinic cannot be changed".into(),
        ));
    }
    if current.ends_at <= now {
        return Err(AppError::Conflict(
            "a clinic that has ended cannot be changed".into(),
        ));
    }
    let details = details(
        input.title.as_deref().unwrap_or(&current.title),
        input.description.as_deref().unwrap_or(&current.description),
        input.location.as_deref().or(current.location.as_deref()),
        input
            .online_url
            .as_deref()
            .or(current.online_url.as_deref()),
    )?;
    let tz = recurrence::parse_timezone(
        input.timezone.as_deref().unwrap_or(&current.timezone),
        "timezone",
    )?;
    let starts_at = input.starts_at.unwrap_or(current.starts_at);
    let ends_at = input.ends_at.unwrap_or(current.ends_at);
    rules::times(starts_at, ends_at)?;
    let moved = starts_at != current.starts_at || ends_at != current.ends_at;
    // Registrants are told when it starts at another time.
    let start_moved = starts_at != current.starts_at;
    if moved && starts_at <= now {
        return Err(AppError::field(
            "startsAt",
            "startsAt must be in the future",
        ));
    }
    let facilitator_id = input.facilitator_id.unwrap_or(current.facilitator_id);
    if facilitator_id != current.facilitator_id
        && seats::live_claim(&*txn, current.seat_pool_id, facilitator_id)
            .await?
            .is_some()
    {
        return Err(AppError::Conflict(
            "the new facilitator holds a seat in this clinic; cancel their registration first"
                .into(),
        ));
    }
    if moved || facilitator_id != current.facilitator_id {
        lock_facilitator(&txn, actor, facilitator_id).await?;
        ensure_free(
            &txn,
            facilitator_id,
            &[(starts_at, ends_at)],
            Some(current.id),
        )
        .await?;
    }
    if let Some(skill_ids) = &input.skill_ids {
        let skill_ids = skills::require_visible(&txn, actor.organisation_id, skill_ids).await?;
        clinic_skill::Entity::delete_many()
            .filter(clinic_skill::Column::ClinicId.eq(current.id))
            .exec(&txn)
            .await?;
        set_skills(&txn, current.id, &skill_ids).await?;
    }
    let promoted = match input.capacity {
        Some(capacity) => {
            let capacity = rules::capacity(capacity, "capacity")?;
            let waitlist = seats::Waitlist::moves_if(rules::waitlist_moves(current.starts_at, now));
            seats::set_capacity(&txn, current.seat_pool_id, Some(capacity), now, waitlist)
                .await?
                .promoted
        }
        None => Vec::new(),
    };

    let mut active: clinic::ActiveModel = current.clone().into();
    active.title = Set(details.title);
    active.description = Set(details.description);
    active.location = Set(details.location);
    active.online_url = Set(details.online_url);
    active.timezone = Set(tz.name().to_owned());
    active.starts_at = Set(starts_at);
    active.ends_at = Set(ends_at);
    active.facilitator_id = Set(facilitator_id);
    active.updated_at = Set(now);
    let updated = active.update(&txn).await?;

    notifications::promoted_to_clinic(&txn, &updated, &promoted, now).await?;
    if start_moved {
        let registrants = seat::Entity::find()
            .filter(seat::Column::PoolId.eq(updated.seat_pool_id))
            .filter(seat::Column::Status.is_in([
                entity::SeatStatus::Confirmed,
                entity::SeatStatus::Waitlisted,
            ]))
            .order_by_asc(seat::Column::Id)
            .all(&txn)
            .await?;
        for registrant in registrants {
            notifications::notify(
                &txn,
                notifications::New {
                    organisation_id: updated.organisation_id,
                    user_id: registrant.user_id,
                    kind: Kind::ClinicMoved,
                    message: format!(
                        "\"{}\" has moved to {}",
                        updated.title,
                        local_time(&updated)
                    ),
                    subject: Some(("Clinic", updated.id)),
                },
                now,
            )
            .await?;
        }
    }
    db::commit(txn, state).await?;
    Ok(updated)
}

/// Cancels a clinic (ADMIN): every registration is cancelled and every
/// registrant notified.
#[tracing::instrument(skip_all, fields(organisation = actor.organisation_id, user = actor.user_id))]
pub async fn cancel(
    state: &AppState,
    actor: &Actor,
    clinic_id: i64,
    reason: Option<String>,
) -> AppResult<clinic::Model> {
    permissions::require_admin(actor)?;
    let reason = text::optional(reason.as_deref().unwrap_or(""), "reason", 1000, true)?;
    let now = state.clock.now();
    let txn = db::begin_write(state).await?;
    let current = lock_in(&txn, actor, clinic_id).await?;
    if current.status == ClinicStatus::Cancelled {
        return Err(AppError::Conflict("the clinic is already cancelled".into()));
    }
    if current.ends_at <= now {
        return Err(AppError::Conflict(
            "a clinic that has ended cannot be cancelled".into(),
        ));
    }
    let mut active: clinic::ActiveModel = current.into();
    active.status = Set(ClinicStatus::Cancelled);
    active.cancel_reason = Set(Some(reason.clone()).filter(|r| !r.is_empty()));
    active.cancelled_at = Set(Some(now));
    active.updated_at = Set(now);
    let cancelled = active.update(&txn).await?;
    let registrants = seats::cancel_all(&txn, cancelled.seat_pool_id, now).await?;
    for registrant in registrants {
        let mut message = format!(
            "\"{}\" on {} is cancelled",
            cancelled.title,
            local_time(&cancelled)
        );
        if !reason.is_empty() {
            message.push_str(&format!(": {reason}"));
        }
        notifications::notify(
            &txn,
            notifications::New {
                organisation_id: cancelled.organisation_id,
                user_id: registrant.user_id,
                kind: Kind::ClinicCancelled,
                message,
                subject: Some(("Clinic", cancelled.id)),
            },
            now,
        )
        .await?;
    }
    db::commit(txn, state).await?;
    Ok(cancelled)
}
