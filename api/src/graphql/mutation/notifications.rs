//! `markNotificationsRead`.

use async_graphql::{Context, ID, Object};

use crate::graphql::context::{actor, state};
use crate::graphql::ids::{self, Kind};
use crate::graphql::types::Notification;
use crate::service::notifications;

#[derive(Default)]
pub struct NotificationMutation;

#[Object]
impl NotificationMutation {
    /// Marks the caller's notifications read (at most 100); returns them.
    async fn mark_notifications_read(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The notifications to mark read.")] ids: Vec<ID>,
    ) -> async_graphql::Result<Vec<Notification>> {
        let actor = actor(ctx).await?;
        let ids = ids::decode_all(&ids, Kind::Notification, "ids")?;
        Ok(notifications::mark_read(state(ctx)?, &actor, &ids)
            .await?
            .into_iter()
            .map(Notification::new)
            .collect())
    }
}
