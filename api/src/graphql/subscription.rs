//! Subscriptions: `notificationAdded` and `clinicSeatsChanged`. Each ends when
//! the access token that opened it expires, and a subscriber that falls more
//! than the event buffer behind is told and dropped, so it never slows others.

use async_graphql::{Context, ID, Subscription};
use futures_util::Stream;
use tokio::sync::broadcast::error::RecvError;

use crate::auth::Actor;
use crate::context::State;
use crate::error::AppError;
use crate::events::Event;
use crate::graphql::context::actor;
use crate::graphql::ids::{self, Kind};
use crate::graphql::types::{Clinic, Notification};
use crate::service::{clinics, notifications};

/// All subscriptions.
#[derive(Default)]
pub struct SubscriptionRoot;

fn shared_state(ctx: &Context<'_>) -> Result<State, AppError> {
    ctx.data::<State>()
        .cloned()
        .map_err(|_| AppError::internal("state missing from the schema"))
}

/// How long the actor's token has left, by the server's clock.
fn remaining(state: &State, actor: &Actor) -> std::time::Duration {
    let left = actor.expires_at.unwrap_or(0) - state.clock.now().timestamp();
    std::time::Duration::from_secs(u64::try_from(left).unwrap_or(0))
}

const LAGGED: &str = "this subscription fell too far behind and was closed; subscribe again";

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
        let mut events = state.events.subscribe();
        let expiry = tokio::time::sleep(remaining(&state, &me));
        Ok(async_stream::stream! {
            tokio::pin!(expiry);
            loop {
                tokio::select! {
                    _ = &mut expiry => break,
                    received = events.recv() => match received {
                        Ok(Event::Notification { user, id }) if user == me.user_id => {
                            match notifications::get(&state, &me, id).await {
                                Ok(row) => yield Ok(Notification(row)),
                                Err(AppError::NotFound(_)) => {}
                                Err(err) => { yield Err(err.into()); break; }
                            }
                        }
                        Ok(_) => {}
                        Err(RecvError::Lagged(_)) => {
                            yield Err(AppError::Conflict(LAGGED.into()).into());
                            break;
                        }
                        Err(RecvError::Closed) => break,
                    }
                }
            }
        })
    }

    /// The clinic, each time its seats change (registrations, cancellations,
    /// capacity). Only a clinic the caller may see.
    async fn clinic_seats_changed(
        &self,
        ctx: &Context<'_>,
        clinic_id: ID,
    ) -> async_graphql::Result<impl Stream<Item = async_graphql::Result<Clinic>> + use<>> {
        let me = actor(ctx).await?;
        let state = shared_state(ctx)?;
        let clinic_id = ids::decode(&clinic_id, Kind::Clinic, "clinicId")?;
        // Listening first, then reading: no change can fall in between.
        let mut events = state.events.subscribe();
        let clinic = clinics::get(&state, &me, clinic_id).await?;
        let pool = clinic.seat_pool_id;
        let expiry = tokio::time::sleep(remaining(&state, &me));
        Ok(async_stream::stream! {
            tokio::pin!(expiry);
            yield Ok(Clinic(clinic));
            loop {
                tokio::select! {
                    _ = &mut expiry => break,
                    received = events.recv() => match received {
                        Ok(Event::Seats { pool: changed }) if changed == pool => {
                            match clinics::get(&state, &me, clinic_id).await {
                                Ok(row) => yield Ok(Clinic(row)),
                                Err(err) => { yield Err(err.into()); break; }
                            }
                        }
                        Ok(_) => {}
                        Err(RecvError::Lagged(_)) => {
                            yield Err(AppError::Conflict(LAGGED.into()).into());
                            break;
                        }
                        Err(RecvError::Closed) => break,
                    }
                }
            }
        })
    }
}
