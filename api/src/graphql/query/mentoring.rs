//! Mentoring requests, suggestions and pairings.

use async_graphql::{Context, ID, InputObject, Object};

use crate::domain::paging::Position;
use crate::graphql::context::{actor, state};
use crate::graphql::ids::{self, Kind};
use crate::graphql::pagination::{Page, connection, page_request};
use crate::graphql::types::{MentorSuggestion, MentoringRequest, Pairing, RequestStatus};
use crate::service::mentoring::{self, Scope};
use crate::service::reads;

/// Which requests to list.
#[derive(InputObject, Default)]
pub struct MentoringRequestFilter {
    pub status: Option<RequestStatus>,
}

#[derive(Default)]
pub struct MentoringQuery;

impl MentoringQuery {
    async fn requests(
        ctx: &Context<'_>,
        scope: Scope,
        status: Option<RequestStatus>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<Page<MentoringRequest>> {
        let actor = actor(ctx).await?;
        let page = page_request(ctx, first, after, None, None)?;
        let paged =
            mentoring::list(state(ctx)?, &actor, scope, status.map(Into::into), &page).await?;
        Ok(connection(paged, |r| Position::id(r.id), MentoringRequest))
    }
}

#[Object]
impl MentoringQuery {
    /// The caller's own mentoring requests.
    #[graphql(complexity = "crate::graphql::cost::page(first, None, child_complexity)")]
    async fn my_mentoring_requests(
        &self,
        ctx: &Context<'_>,
        filter: Option<MentoringRequestFilter>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<Page<MentoringRequest>> {
        Self::requests(
            ctx,
            Scope::Mine,
            filter.and_then(|f| f.status),
            first,
            after,
        )
        .await
    }

    /// Open requests of others asking for a skill the caller knows at level 3 or better.
    #[graphql(complexity = "crate::graphql::cost::page(first, None, child_complexity)")]
    async fn mentoring_requests_i_can_help_with(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<Page<MentoringRequest>> {
        Self::requests(ctx, Scope::ICanHelpWith, None, first, after).await
    }

    /// Every mentoring request of the organisation (ADMIN).
    #[graphql(complexity = "crate::graphql::cost::page(first, None, child_complexity)")]
    async fn mentoring_requests(
        &self,
        ctx: &Context<'_>,
        filter: Option<MentoringRequestFilter>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<Page<MentoringRequest>> {
        Self::requests(ctx, Scope::All, filter.and_then(|f| f.status), first, after).await
    }

    /// Ranked, explained mentors for a request (its learner or an ADMIN); at most 50.
    #[graphql(complexity = "crate::graphql::cost::page(Some(first), None, child_complexity)")]
    async fn mentor_suggestions(
        &self,
        ctx: &Context<'_>,
        request_id: ID,
        #[graphql(default = 10)] first: i32,
    ) -> async_graphql::Result<Vec<MentorSuggestion>> {
        let actor = actor(ctx).await?;
        let request_id = ids::decode(&request_id, Kind::MentoringRequest, "requestId")?;
        let first = usize::try_from(first)
            .ok()
            .filter(|n| *n <= 50)
            .ok_or_else(|| {
                crate::error::AppError::field("first", "first must be between 0 and 50")
            })?;
        let ranked = mentoring::suggestions(state(ctx)?, &actor, request_id, first).await?;
        Ok(ranked.into_iter().map(MentorSuggestion).collect())
    }

    /// Pairings the caller is mentor or learner in, newest first.
    async fn my_pairings(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Pairing>> {
        let actor = actor(ctx).await?;
        let look = ctx.look_ahead();
        let wants = reads::pairings::Wants {
            parties: look.field("mentor").exists()
                || look.field("learner").exists()
                || look.field("sessions").field("author").exists()
                || look.field("feedback").field("author").exists(),
            sessions: look.field("sessions").exists(),
            feedback: look.field("feedback").exists(),
        };
        Ok(reads::pairings::mine(state(ctx)?, &actor, wants)
            .await?
            .into_iter()
            .map(Pairing::of_list)
            .collect())
    }
}
