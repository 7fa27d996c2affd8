//! `skills` and `clinics`.

use async_graphql::{Context, ID, InputObject, Object};

use crate::graphql::context::{actor, state};
use crate::graphql::ids::{self, Kind};
use crate::graphql::pagination::{ItemSelection, Page, connection, page_request};
use crate::graphql::scalars::Timestamp;
use crate::graphql::types::{Clinic, ClinicStatus, Skill, SkillMap};
use crate::service::reads::clinics as board;
use crate::service::{expertise, skills};

/// Which clinics to list; every field narrows the list.
#[derive(InputObject, Default)]
pub struct ClinicFilter {
    /// Only clinics starting at or after this instant.
    pub from: Option<Timestamp>,
    /// Only clinics starting before this instant.
    pub to: Option<Timestamp>,
    /// Only clinics about this skill.
    pub skill_id: Option<ID>,
    /// Only clinics with this status.
    pub status: Option<ClinicStatus>,
}

#[derive(Default)]
pub struct ClinicsQuery;

#[Object]
impl ClinicsQuery {
    /// The skill catalogue: the shared skills and the organisation's own.
    async fn skills(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Skill>> {
        let actor = actor(ctx).await?;
        Ok(skills::list(state(ctx)?, &actor)
            .await?
            .into_iter()
            .map(Skill::from)
            .collect())
    }

    /// The expertise map (ADMIN): supply and demand per skill, and hidden experts.
    async fn skill_map(&self, ctx: &Context<'_>) -> async_graphql::Result<SkillMap> {
        let actor = actor(ctx).await?;
        Ok(SkillMap(expertise::skill_map(state(ctx)?, &actor).await?))
    }

    /// The organisation's clinics, soonest first.
    #[graphql(complexity = "crate::graphql::cost::page(first, last, child_complexity)")]
    async fn clinics(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which ones to list.")] filter: Option<ClinicFilter>,
        #[graphql(desc = "At most this many (0 to 100).")] first: Option<i32>,
        #[graphql(desc = "After this cursor.")] after: Option<String>,
        #[graphql(desc = "At most this many from the end (0 to 100).")] last: Option<i32>,
        #[graphql(desc = "Before this cursor.")] before: Option<String>,
    ) -> async_graphql::Result<Page<Clinic>> {
        let actor = actor(ctx).await?;
        let page = page_request(ctx, first, after, last, before)?;
        let filter = filter.unwrap_or_default();
        let skill_id = filter
            .skill_id
            .map(|id| ids::decode(&id, Kind::Skill, "skillId"))
            .transpose()?;
        let selected = ItemSelection::of(ctx);
        let wants = board::Wants {
            columns: if selected.only(Clinic::BOARD_FIELDS) {
                board::Columns::Board
            } else {
                board::Columns::Whole
            },
            counts: selected.any(&["capacity", "seatsTaken", "seatsLeft", "waitlistLength"]),
            facilitator: if selected.only_in("facilitator", &["id", "displayName", "__typename"]) {
                Some(board::Facilitator::Card)
            } else if selected.any(&["facilitator"]) {
                Some(board::Facilitator::Whole)
            } else {
                None
            },
            skills: selected.any(&["skills"]),
            mine: selected.any(&["myRegistration"]),
        };
        let filter = board::Filter {
            from: filter.from.map(|t| t.0),
            to: filter.to.map(|t| t.0),
            skill_id,
            status: filter.status.map(Into::into),
        };
        let paged = board::page(state(ctx)?, &actor, &filter, &page, wants).await?;
        Ok(connection(
            paged,
            |row| board::position(&row.clinic),
            Clinic::of_page,
        ))
    }
}
