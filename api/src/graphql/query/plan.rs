//! `planGoals`.

use async_graphql::{Context, InputObject, Object};

use crate::domain::paging::Position;
use crate::graphql::context::{actor, state};
use crate::graphql::pagination::{Page, connection, page_request};
use crate::graphql::types::{PlanGoal, PlanGoalStatus};
use crate::service::plan;

/// Which goals to list.
#[derive(InputObject, Default)]
pub struct PlanGoalFilter {
    /// Only goals in this status (as last settled: an accepted goal whose
    /// figures decided it moves when read or by the periodic check).
    pub status: Option<PlanGoalStatus>,
}

#[derive(Default)]
pub struct PlanQuery;

#[Object]
impl PlanQuery {
    /// The organisation's plan: its goals, newest first (every member).
    #[graphql(complexity = "crate::graphql::cost::page(first, last, child_complexity)")]
    async fn plan_goals(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which goals.")] filter: Option<PlanGoalFilter>,
        #[graphql(desc = "At most this many (0 to 100).")] first: Option<i32>,
        #[graphql(desc = "After this cursor.")] after: Option<String>,
        #[graphql(desc = "At most this many from the end (0 to 100).")] last: Option<i32>,
        #[graphql(desc = "Before this cursor.")] before: Option<String>,
    ) -> async_graphql::Result<Page<PlanGoal>> {
        let actor = actor(ctx).await?;
        let request = page_request(ctx, first, after, last, before)?;
        let status = filter.unwrap_or_default().status.map(Into::into);
        let paged = plan::list(state(ctx)?, &actor, status, &request).await?;
        Ok(connection(paged, |g| Position::id(g.id), PlanGoal::new))
    }
}
