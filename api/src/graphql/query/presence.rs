//! `presenceReport`.

use async_graphql::{Context, Object};

use crate::graphql::context::{actor, state};
use crate::graphql::scalars::Date;
use crate::graphql::types::PresenceReport;
use crate::service::presence;

#[derive(Default)]
pub struct PresenceQuery;

#[Object]
impl PresenceQuery {
    /// The organisation's presence from `from` to `to` (both included), per
    /// platform, from `ORGANISATION` channels only (ADMIN). A platform with
    /// fewer than 5 contributing members shows only `contributors`.
    async fn presence_report(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The first day (included).")] from: Date,
        #[graphql(desc = "The last day (included).")] to: Date,
    ) -> async_graphql::Result<PresenceReport> {
        let actor = actor(ctx).await?;
        let platforms = presence::report(state(ctx)?, &actor, from.0, to.0).await?;
        Ok(PresenceReport {
            from: from.0,
            to: to.0,
            platforms,
        })
    }
}
