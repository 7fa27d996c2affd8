//! `notifications` and `unreadNotificationCount`.

use async_graphql::{Context, Object};

use crate::domain::paging::Position;
use crate::graphql::context::{actor, state};
use crate::graphql::pagination::{Page, connection, page_request};
use crate::graphql::types::Notification;
use crate::service::notifications;

#[derive(Default)]
pub struct NotificationsQuery;

#[Object]
impl NotificationsQuery {
    /// The caller's notifications, newest first.
    #[graphql(complexity = "crate::graphql::cost::page(first, None, child_complexity)")]
    async fn notifications(
        &self,
        ctx: &Context<'_>,
        #[graphql(default)] unread_only: bool,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<Page<Notification>> {
        let actor = actor(ctx).await?;
        let page = page_request(ctx, first, after, None, None)?;
        let paged = notifications::list(state(ctx)?, &actor, unread_only, &page).await?;
        Ok(connection(paged, |n| Position::id(n.id), Notification))
    }

    /// How many of the caller's notifications are unread.
    async fn unread_notification_count(&self, ctx: &Context<'_>) -> async_graphql::Result<u64> {
        let actor = actor(ctx).await?;
        Ok(notifications::unread_count(state(ctx)?, &actor).await?)
    }
}
