//! `members`: the organisation's member directory.

use async_graphql::{Context, ID, InputObject, Object};

use crate::domain::paging::Position;
use crate::graphql::context::{actor, state};
use crate::graphql::ids::{self, Kind};
use crate::graphql::pagination::{ItemSelection, Page, connection, page_request};
use crate::graphql::types::{Invitation, InvitationStatus, Role, User};
use crate::service::members::{self, MemberFilter as Filter};
use crate::service::{invitations, reads};

/// Which members to list; every field narrows the list.
#[derive(InputObject, Default)]
pub struct MemberFilter {
    /// Only members with this role.
    pub role: Option<Role>,
    /// Part of a display name or e-mail address, any case.
    pub search: Option<String>,
    /// Only active (true) or deactivated (false) members.
    pub active: Option<bool>,
    /// Only members who have assessed themselves in this skill…
    pub skill_id: Option<ID>,
    /// …at this level or better (1–5): "who knows LinkedIn at level 4 or better?"
    pub min_level: Option<i32>,
}

#[derive(Default)]
pub struct MembersQuery;

#[Object]
impl MembersQuery {
    /// Members of the caller's organisation, in joining order.
    #[graphql(complexity = "crate::graphql::cost::page(first, last, child_complexity)")]
    async fn members(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which ones to list.")] filter: Option<MemberFilter>,
        #[graphql(desc = "At most this many (0 to 100).")] first: Option<i32>,
        #[graphql(desc = "After this cursor.")] after: Option<String>,
        #[graphql(desc = "At most this many from the end (0 to 100).")] last: Option<i32>,
        #[graphql(desc = "Before this cursor.")] before: Option<String>,
    ) -> async_graphql::Result<Page<User>> {
        let actor = actor(ctx).await?;
        let page = page_request(ctx, first, after, last, before)?;
        let filter = filter.unwrap_or_default();
        let skill_id = filter
            .skill_id
            .map(|id| ids::decode(&id, Kind::Skill, "skillId"))
            .transpose()?;
        let selected = ItemSelection::of(ctx);
        let wants = reads::members::Wants {
            skills: selected.any(&["skills"]),
            goals: selected.any(&["learningGoals"]),
            profile: selected.any(&["mentorProfile"]),
        };
        let paged = members::list(
            state(ctx)?,
            &actor,
            Filter {
                role: filter.role.map(Into::into),
                search: filter.search,
                active: filter.active,
                skill_id,
                min_level: filter.min_level,
            },
            &page,
            wants,
        )
        .await?;
        Ok(connection(
            paged,
            |row| Position::id(row.user.id),
            User::of_page,
        ))
    }

    /// The organisation's invitations, newest first (ADMIN).
    #[graphql(complexity = "crate::graphql::cost::page(first, last, child_complexity)")]
    async fn invitations(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only invitations with this status.")] status: Option<InvitationStatus>,
        #[graphql(desc = "At most this many (0 to 100).")] first: Option<i32>,
        #[graphql(desc = "After this cursor.")] after: Option<String>,
        #[graphql(desc = "At most this many from the end (0 to 100).")] last: Option<i32>,
        #[graphql(desc = "Before this cursor.")] before: Option<String>,
    ) -> async_graphql::Result<Page<Invitation>> {
        let actor = actor(ctx).await?;
        let page = page_request(ctx, first, after, last, before)?;
        let paged = invitations::list(state(ctx)?, &actor, status.map(Into::into), &page).await?;
        Ok(connection(
            paged,
            |i| Position::id(i.id),
            |model| Invitation { model, token: None },
        ))
    }
}
