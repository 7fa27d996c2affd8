//! Registering for clinics, cancelling, and marking attendance. The seats
//! themselves are the seat engine's.

use entity::{ClinicStatus, SeatStatus, clinic, seat};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};

use super::{clinics, seats};
use crate::auth::{Actor, permissions};
use crate::context::AppState;
use crate::db;
use crate::domain::clinics as rules;
use crate::domain::paging::{PageRequest, Paged};
use crate::error::{AppError, AppResult};

/// Who may see and manage all registrations of a clinic (see
/// [`permissions::may_manage_clinic`]).
pub fn can_manage(actor: &Actor, clinic: &clinic::Model) -> bool {
    permissions::may_manage_clinic(actor, clinic.organisation_id, clinic.facilitator_id)
}

/// Whether the actor may see a registration (see [`permissions::may_see_registration`]).
pub fn visible_to(actor: &Actor, registration: &seat::Model, clinic: &clinic::Model) -> bool {
    permissions::may_see_registration(
        actor,
        clinic.organisation_id,
        registration.user_id,
        clinic.facilitator_id,
    )
}

fn require_manager(actor: &Actor, clinic: &clinic::Model) -> AppResult<()> {
    if can_manage(actor, clinic) {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "only an admin or the facilitator may do this",
        ))
    }
}

/// Registers the actor for a clinic (seat rules 1, 2 and 5).
#[tracing::instrument(skip_all, fields(organisation = actor.organisation_id, user = actor.user_id))]
pub async fn register(state: &AppState, actor: &Actor, clinic_id: i64) -> AppResult<seat::Model> {
    let now = state.clock.now();
    let txn = db::begin_write(state).await?;
    let clinic = clinics::lock_in(&txn, actor, clinic_id).await?;
    rules::registration_open(
        clinic.status == ClinicStatus::Cancelled,
        clinic.starts_at,
        now,
    )?;
    if clinic.facilitator_id == actor.user_id {
        return Err(AppError::Conflict(
            "the facilitator does not need a seat".into(),
        ));
    }
    let claimed = seats::claim(&txn, clinic.seat_pool_id, actor.user_id, now).await?;
    db::commit(txn, state).await?;
    Ok(claimed)
}

/// Cancels a registration (its holder or an admin); a freed seat goes to the
/// first on the waitlist, who is notified.
#[tracing::instrument(skip_all, fields(organisation = actor.organisation_id, user = actor.user_id))]
pub async fn cancel(
    state: &AppState,
    actor: &Actor,
    registration_id: i64,
) -> AppResult<seat::Model> {
    let now = state.clock.now();
    let txn = db::begin_write(state).await?;
    let (registration, clinic) = load(&txn, actor, registration_id).await?;
    if !permissions::may_cancel_seat(actor, registration.user_id) {
        return Err(AppError::Forbidden(
            "only its holder or an admin may cancel a registration",
        ));
    }
    if clinic.ends_at <= now {
        return Err(AppError::Conflict("the clinic has ended".into()));
    }
    let waitlist = seats::Waitlist::moves_if(rules::waitlist_moves(clinic.starts_at, now));
    let changed = seats::release(&txn, registration.id, now, waitlist).await?;
    super::notifications::promoted_to_clinic(&txn, &clinic, &changed.promoted, now).await?;
    db::commit(txn, state).await?;
    let released = changed.released.ok_or(AppError::NotFound("registration"))?;
    Ok(released)
}

/// A member's live clinic registrations (confirmed or waitlisted), oldest
/// first: visible to the member and to admins of their organisation.
#[tracing::instrument(skip_all, fields(organisation = actor.organisation_id, user = actor.user_id))]
pub async fn of_member(
    state: &AppState,
    actor: &Actor,
    member: &entity::user::Model,
    page: &PageRequest,
    wants: super::reads::registrations::Wants,
) -> AppResult<Paged<super::reads::registrations::Row>> {
    permissions::require_same_organisation(actor, member.organisation_id, "user")?;
    if !permissions::may_see_registrations_of(actor, member.organisation_id, member.id) {
        return Err(AppError::Forbidden(
            "only the member and admins see a member's registrations",
        ));
    }
    let clinic_pools = sea_orm::sea_query::Query::select()
        .column(clinic::Column::SeatPoolId)
        .from(clinic::Entity)
        .and_where(clinic::Column::OrganisationId.eq(member.organisation_id))
        .to_owned();
    let select = seat::Entity::find()
        .filter(seat::Column::UserId.eq(member.id))
        .filter(seat::Column::Status.is_in(seats::LIVE))
        .filter(seat::Column::PoolId.in_subquery(clinic_pools));
    super::reads::registrations::page(state, select, page, wants).await
}

/// Records whether a confirmed registrant attended (admin or facilitator,
/// once the clinic has started).
#[tracing::instrument(skip_all, fields(organisation = actor.organisation_id, user = actor.user_id))]
pub async fn mark_attendance(
    state: &AppState,
    actor: &Actor,
    registration_id: i64,
    attended: bool,
) -> AppResult<seat::Model> {
    let now = state.clock.now();
    let txn = db::begin_write(state).await?;
    let (registration, clinic) = load(&txn, actor, registration_id).await?;
    require_manager(actor, &clinic)?;
    if clinic.status == ClinicStatus::Cancelled {
        return Err(AppError::Conflict("the clinic is cancelled".into()));
    }
    if clinic.starts_at > now {
        return Err(AppError::Conflict(
            "attendance can be marked once the clinic has started".into(),
        ));
    }
    if registration.status != SeatStatus::Confirmed {
        return Err(AppError::Conflict(
            "only a confirmed registration can attend".into(),
        ));
    }
    let mut active: seat::ActiveModel = registration.into();
    active.attended = Set(Some(attended));
    active.updated_at = Set(now);
    let updated = active.update(&txn).await?;
    db::commit(txn, state).await?;
    Ok(updated)
}

/// A registration the actor may see (their own, or any of a clinic they
/// manage), with its clinic; anything else is `NOT_FOUND`.
#[tracing::instrument(skip_all, fields(organisation = actor.organisation_id, user = actor.user_id))]
pub async fn get(
    state: &AppState,
    actor: &Actor,
    registration_id: i64,
) -> AppResult<(seat::Model, clinic::Model)> {
    load(&state.db, actor, registration_id).await
}

async fn load(
    conn: &impl sea_orm::ConnectionTrait,
    actor: &Actor,
    registration_id: i64,
) -> AppResult<(seat::Model, clinic::Model)> {
    seats::with_owner(
        conn,
        registration_id,
        "registration",
        |pool| clinics::by_pool(conn, pool),
        |seat, clinic| visible_to(actor, seat, clinic),
    )
    .await
}

/// All registrations of a clinic, in arrival order (admin or facilitator).
#[tracing::instrument(skip_all, fields(organisation = actor.organisation_id, user = actor.user_id))]
pub async fn list(
    state: &AppState,
    actor: &Actor,
    clinic: &clinic::Model,
    page: &PageRequest,
) -> AppResult<Paged<seat::Model>> {
    require_manager(actor, clinic)?;
    let select = seat::Entity::find().filter(seat::Column::PoolId.eq(clinic.seat_pool_id));
    super::paging::fetch(&state.db, select, seat::Column::Id, page).await
}
