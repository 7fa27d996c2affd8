//! `courses`.

use async_graphql::{Context, ID, InputObject, Object};

use crate::domain::paging::Position;
use crate::graphql::context::{actor, state};
use crate::graphql::ids::{self, Kind};
use crate::graphql::pagination::{Page, connection, page_request};
use crate::graphql::types::{Course, CourseStatus};
use crate::service::courses;

/// Which courses to list; every field narrows the list.
#[derive(InputObject, Default)]
pub struct CourseFilter {
    /// Only courses teaching this skill.
    pub skill_id: Option<ID>,
    /// Members only ever see PUBLISHED courses and ARCHIVED ones they took.
    pub status: Option<CourseStatus>,
    /// Part of the title or summary, any case.
    pub search: Option<String>,
}

#[derive(Default)]
pub struct CoursesQuery;

#[Object]
impl CoursesQuery {
    /// Courses the caller may see, oldest first.
    #[graphql(complexity = "crate::graphql::cost::page(first, last, child_complexity)")]
    async fn courses(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which ones to list.")] filter: Option<CourseFilter>,
        #[graphql(desc = "At most this many (0 to 100).")] first: Option<i32>,
        #[graphql(desc = "After this cursor.")] after: Option<String>,
        #[graphql(desc = "At most this many from the end (0 to 100).")] last: Option<i32>,
        #[graphql(desc = "Before this cursor.")] before: Option<String>,
    ) -> async_graphql::Result<Page<Course>> {
        let actor = actor(ctx).await?;
        let page = page_request(ctx, first, after, last, before)?;
        let filter = filter.unwrap_or_default();
        let skill_id = filter
            .skill_id
            .map(|id| ids::decode(&id, Kind::Skill, "skillId"))
            .transpose()?;
        let paged = courses::list(
            state(ctx)?,
            &actor,
            courses::Filter {
                skill_id,
                status: filter.status.map(Into::into),
                search: filter.search,
            },
            &page,
        )
        .await?;
        Ok(connection(paged, |c| Position::id(c.id), Course))
    }
}
