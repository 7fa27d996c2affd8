//! `notifications` and `unreadNotificationCount`.

use async_graphql::{Context, Object};

use crate::domain::paging::Position;
use crate::graphql::context::{actor, state};
use crate::graphql::pagination::{ItemSelection, Page, connection, page_request};
use crate::graphql::types::Notification;
use crate::service::{notifications, reads};

#[derive(Default)]
pub struct NotificationsQuery;

#[Object]
impl NotificationsQuery {
    /// The caller's notifications, newest first.
    #[graphql(complexity = "crate::graphql::cost::page(first, last, child_complexity)")]
    async fn notifications(
        &self,
        ctx: &Context<'_>,
        #[graphql(default, desc = "Only unread ones.")] unread_only: bool,
        #[graphql(desc = "At most this many (0 to 100).")] first: Option<i32>,
        #[graphql(desc = "After this cursor.")] after: Option<String>,
        #[graphql(desc = "At most this many from the end (0 to 100).")] last: Option<i32>,
        #[graphql(desc = "Before this cursor.")] before: Option<String>,
    ) -> async_graphql::Result<Page<Notification>> {
        let actor = actor(ctx).await?;
        let page = page_request(ctx, first, after, last, before)?;
        let items = ItemSelection::of(ctx);
        let wants = reads::notifications::Wants {
            subjects: items.any(&["subject"]),
            parties: items.any_in("subject", &["mentor", "learner"]),
        };
        let paged =
            reads::notifications::page(state(ctx)?, &actor, unread_only, &page, wants).await?;
        Ok(connection(
            paged,
            |row| Position::id(row.notification.id),
            Notification::of_page,
        ))
    }

    /// How many of the caller's notifications are unread.
    async fn unread_notification_count(&self, ctx: &Context<'_>) -> async_graphql::Result<u64> {
        let actor = actor(ctx).await?;
        Ok(notifications::unread_count(state(ctx)?, &actor).await?)
    }
}
