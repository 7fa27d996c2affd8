//! Subscriptions: `notificationAdded` and `clinicSeatsChanged`, both one loop
//! over the caller's organisation's events ([`follow`]). Authorisation while
//! they run (expiry, ended sessions, deactivation, role changes) is the
//! WebSocket connection's job, for every operation alike (`http::ws`).

use std::future::Future;

use async_graphql::{Context, ID, Subscription};
use futures_util::Stream;
use tokio::sync::broadcast::{self, error::RecvError};

use crate::error::{AppError, AppResult};
use crate::events::Event;
use crate::graphql::context::{actor, shared_state};
use crate::graphql::ids::{self, Kind};
use crate::graphql::types::{Clinic, Notification};
use crate::service::{clinics, notifications};

/// All subscriptions.
#[derive(Default)]
pub struct SubscriptionRoot;

const LAGGED: &str = "this subscription fell too far behind and was closed; subscribe again";

/// Yields `first` (if any), then, for every event `wanted` picks a key from,
/// what `load` reads for that key (nothing when it reads nothing). A
/// subscriber that falls more than the event buffer behind is told and
/// dropped, so it never slows others; a failed load ends the stream.
fn follow<T, L, F>(
    mut events: broadcast::Receiver<Event>,
    first: Option<T>,
    wanted: impl Fn(&Event) -> Option<i64>,
    load: L,
) -> impl Stream<Item = async_graphql::Result<T>>
where
    L: Fn(i64) -> F,
    F: Future<Output = AppResult<Option<T>>>,
{
    async_stream::stream! {
        if let Some(first) = first {
            yield Ok(first);
        }
        loop {
            match events.recv().await {
                Ok(event) => {
                    let Some(key) = wanted(&event) else { continue };
                    match load(key).await {
                        Ok(Some(item)) => yield Ok(item),
                        Ok(None) => {}
                        Err(err) => {
                            yield Err(err.into());
                            break;
                        }
                    }
                }
                Err(RecvError::Lagged(_)) => {
                    yield Err(AppError::Conflict(LAGGED.into()).into());
                    break;
                }
                Err(RecvError::Closed) => break,
            }
        }
    }
}

/// Live updates over `/graphql/ws` (graphql-transport-ws): the caller's
/// notifications and a clinic's seats.
#[Subscription(name = "Subscription")]
impl SubscriptionRoot {
    /// The caller's new notifications, as they are written.
    async fn notification_added(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<impl Stream<Item = async_graphql::Result<Notification>> + use<>>
    {
        let me = actor(ctx).await?;
        let state = shared_state(ctx)?;
        let events = state.events.subscribe(me.organisation_id);
        let user = me.user_id;
        Ok(follow(
            events,
            None,
            move |event| match *event {
                Event::Notification { user: to, id, .. } if to == user => Some(id),
                _ => None,
            },
            move |id| {
                let (state, me) = (state.clone(), me.clone());
                async move {
                    match notifications::get(&state, &me, id).await {
                        Ok(row) => Ok(Some(Notification::new(row))),
                        Err(AppError::NotFound(_)) => Ok(None),
                        Err(err) => Err(err),
                    }
                }
            },
        ))
    }

    /// The clinic as it is now, then again each time its seats change
    /// (registrations, cancellations, capacity). Only a clinic the caller may see.
    async fn clinic_seats_changed(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The clinic to follow.")] clinic_id: ID,
    ) -> async_graphql::Result<impl Stream<Item = async_graphql::Result<Clinic>> + use<>> {
        let me = actor(ctx).await?;
        let state = shared_state(ctx)?;
        let clinic_id = ids::decode(&clinic_id, Kind::Clinic, "clinicId")?;
        // Listening first, then reading: no change can fall in between.
        let events = state.events.subscribe(me.organisation_id);
        let clinic = clinics::get(&state, &me, clinic_id).await?;
        let pool = clinic.seat_pool_id;
        Ok(follow(
            events,
            Some(Clinic::new(clinic)),
            move |event| match *event {
                Event::Seats { pool: changed, .. } if changed == pool => Some(clinic_id),
                _ => None,
            },
            move |id| {
                let (state, me) = (state.clone(), me.clone());
                async move { Ok(Some(Clinic::new(clinics::get(&state, &me, id).await?))) }
            },
        ))
    }
}
