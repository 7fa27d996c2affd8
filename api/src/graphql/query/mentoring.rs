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
    /// Only requests with this status.
    pub status: Option<RequestStatus>,
}

#[derive(Default)]
pub struct MentoringQuery;

impl MentoringQuery {
    async fn requests(
        ctx: &Context<'_>,
        scope: Scope,
        status: Option<RequestStatus>,
        [first, last]: [Option<i32>; 2],
        [after, before]: [Option<String>; 2],
    ) -> async_graphql::Result<Page<MentoringRequest>> {
        let actor = actor(ctx).await?;
        let page = page_request(ctx, first, after, last, before)?;
        let paged =
            mentoring::list(state(ctx)?, &actor, scope, status.map(Into::into), &page).await?;
        Ok(connection(paged, |r| Position::id(r.id), MentoringRequest))
    }
}

#[Object]
impl MentoringQuery {
    /// The caller's own mentoring requests.
    #[graphql(complexity = "crate::graphql::cost::page(first, last, child_complexity)")]
    async fn my_mentoring_requests(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which ones to list.")] filter: Option<MentoringRequestFilter>,
        #[graphql(desc = "At most this many (0 to 100).")] first: Option<i32>,
        #[graphql(desc = "After this cursor.")] after: Option<String>,
        #[graphql(desc = "At most this many from the end (0 to 100).")] last: Option<i32>,
        #[graphql(desc = "Before this cursor.")] before: Option<String>,
    ) -> async_graphql::Result<Page<MentoringRequest>> {
        Self::requests(
            ctx,
            Scope::Mine,
            filter.and_then(|f| f.status),
            [first, last],
            [after, before],
        )
        .await
    }

    /// Open requests of others asking for a skill the caller knows at level 3 or better.
    #[graphql(complexity = "crate::graphql::cost::page(first, last, child_complexity)")]
    async fn mentoring_requests_i_can_help_with(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "At most this many (0 to 100).")] first: Option<i32>,
        #[graphql(desc = "After this cursor.")] after: Option<String>,
        #[graphql(desc = "At most this many from the end (0 to 100).")] last: Option<i32>,
        #[graphql(desc = "Before this cursor.")] before: Option<String>,
    ) -> async_graphql::Result<Page<MentoringRequest>> {
        Self::requests(
            ctx,
            Scope::ICanHelpWith,
            None,
            [first, last],
            [after, before],
        )
        .await
    }

    /// Every mentoring request of the organisation (ADMIN).
    #[graphql(complexity = "crate::graphql::cost::page(first, last, child_complexity)")]
    async fn mentoring_requests(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which ones to list.")] filter: Option<MentoringRequestFilter>,
        #[graphql(desc = "At most this many (0 to 100).")] first: Option<i32>,
        #[graphql(desc = "After this cursor.")] after: Option<String>,
        #[graphql(desc = "At most this many from the end (0 to 100).")] last: Option<i32>,
        #[graphql(desc = "Before this cursor.")] before: Option<String>,
    ) -> async_graphql::Result<Page<MentoringRequest>> {
        Self::requests(
            ctx,
            Scope::All,
            filter.and_then(|f| f.status),
            [first, last],
            [after, before],
        )
        .await
    }

    /// Ranked, explained mentors for a request (its learner or an ADMIN); at most 50.
    #[graphql(complexity = "crate::graphql::cost::page(Some(first), None, child_complexity)")]
    async fn mentor_suggestions(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The mentoring request.")] request_id: ID,
        #[graphql(default = 10, desc = "At most this many (1 to 50).")] first: i32,
    ) -> async_graphql::Result<Vec<MentorSuggestion>> {
        let actor = actor(ctx).await?;
        let request_id = ids::decode(&request_id, Kind::MentoringRequest, "requestId")?;
        let first = usize::try_from(first)
            .ok()
            .filter(|n| *n <= 50)
            .ok_or_else(|| {
                crate::error::AppError::field("first", "first must be between 0 and 50")
            })?;
        let mentor = ctx.look_ahead().field("mentor");
        let wants = reads::suggestions::Wants {
            mentor: mentor.exists(),
            skills: mentor.field("skills").exists(),
        };
        let ranked =
            reads::suggestions::ranked(state(ctx)?, &actor, request_id, first, wants).await?;
        Ok(ranked.into_iter().map(MentorSuggestion::ranked).collect())
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
