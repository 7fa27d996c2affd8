//! Personal iCalendar feeds: the clinics a member holds a confirmed seat in
//! or facilitates, reachable without signing in at an unguessable address.

use std::collections::HashMap;

use chrono::Duration;
use entity::{ClinicStatus, SeatStatus, clinic, seat, user};
use icalendar::{Calendar, Component, Event, EventLike, EventStatus};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, EntityTrait, QueryFilter,
    QueryOrder,
};

use crate::auth::Actor;
use crate::context::AppState;
use crate::error::{AppError, AppResult};

/// How far back the feed reaches.
pub const FEED_HISTORY: Duration = Duration::days(90);

/// The feed behind a calendar token, as iCalendar text. An unknown token, or
/// one of a deactivated member, is `NOT_FOUND`.
#[tracing::instrument(skip_all)]
pub async fn feed(state: &AppState, token: &str) -> AppResult<String> {
    let member = user::Entity::find()
        .filter(user::Column::CalendarToken.eq(token))
        .one(&state.db)
        .await?
        .filter(|u| u.active)
        .ok_or(AppError::NotFound("calendar"))?;
    let since = state.clock.now() - FEED_HISTORY;

    let seats: HashMap<i64, seat::Model> = seat::Entity::find()
        .filter(seat::Column::UserId.eq(member.id))
        .filter(seat::Column::Status.is_in([SeatStatus::Confirmed, SeatStatus::Cancelled]))
        .filter(seat::Column::ConfirmedAt.is_not_null())
        .all(&state.db)
        .await?
        .into_iter()
        .map(|s| (s.pool_id, s))
        .collect();
    let clinics = clinic::Entity::find()
        .filter(clinic::Column::OrganisationId.eq(member.organisation_id))
        .filter(clinic::Column::EndsAt.gte(since))
        .filter(
            Condition::any()
                .add(clinic::Column::FacilitatorId.eq(member.id))
                .add(clinic::Column::SeatPoolId.is_in(seats.keys().copied())),
        )
        .order_by_asc(clinic::Column::StartsAt)
        .all(&state.db)
        .await?;

    let mut calendar = Calendar::new();
    calendar.name(&format!("Voimavara: {}", member.display_name));
    for clinic in clinics {
        let facilitates = clinic.facilitator_id == member.id;
        let seat = seats.get(&clinic.seat_pool_id);
        let holds_seat = seat.is_some_and(|s| s.status == SeatStatus::Confirmed);
        // A seat cancelled together with its clinic stays in the feed, marked
        // cancelled, so calendars drop the event instead of keeping it.
        let lost_to_cancellation = clinic.status == ClinicStatus::Cancelled
            && seat
                .is_some_and(|s| s.cancelled_at.is_some() && s.cancelled_at == clinic.cancelled_at);
        if !(facilitates || holds_seat || lost_to_cancellation) {
            continue;
        }
        calendar.push(event(state, &clinic));
    }
    Ok(calendar.done().to_string())
}

fn event(state: &AppState, clinic: &clinic::Model) -> Event {
    let mut event = Event::new();
    event
        .uid(&format!("clinic-{}@{}", clinic.id, host(&state.public_url)))
        .summary(&clinic.title)
        .starts(clinic.starts_at)
        .ends(clinic.ends_at)
        .timestamp(clinic.updated_at)
        .status(match clinic.status {
            ClinicStatus::Scheduled => EventStatus::Confirmed,
            ClinicStatus::Cancelled => EventStatus::Cancelled,
        });
    if !clinic.description.is_empty() {
        event.description(&clinic.description);
    }
    if let Some(location) = &clinic.location {
        event.location(location);
    }
    if let Some(url) = &clinic.online_url {
        event.url(url);
    }
    event.done()
}

fn host(public_url: &str) -> String {
    url::Url::parse(public_url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_owned))
        .unwrap_or_else(|| "voimavara".into())
}

/// Replaces the actor's calendar token: the old address stops working.
#[tracing::instrument(skip_all, fields(organisation = actor.organisation_id, user = actor.user_id))]
pub async fn reset_token(state: &AppState, actor: &Actor) -> AppResult<user::Model> {
    let current = user::Entity::find_by_id(actor.user_id)
        .one(&state.db)
        .await?
        .ok_or(AppError::Unauthenticated("session no longer valid"))?;
    let mut active: user::ActiveModel = current.into();
    active.calendar_token = Set(state.random.token());
    active.updated_at = Set(state.clock.now());
    Ok(active.update(&state.db).await?)
}
