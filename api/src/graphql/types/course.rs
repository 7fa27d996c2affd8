//! `Course`, `Lesson`, `Enrolment`.

use async_graphql::{Context, Enum, ID, Object};
use entity::{course, lesson, seat};

use super::{RegistrationStatus, Skill, User};
use crate::error::Required;
use crate::graphql::context::actor;
use crate::graphql::ids::{self, Kind};
use crate::graphql::loaders::{
    Completions, CourseByPool, CourseLessons, CourseSkills, LiveSeat, UserById, loader,
    pool_counts, waitlist_position,
};
use crate::graphql::scalars::Timestamp;

/// A course's life.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "entity::CourseStatus")]
pub enum CourseStatus {
    /// Being written; only admins see it.
    Draft,
    /// Open: members see it and enrol.
    Published,
    /// Closed: readable by those enrolled, no new enrolments.
    Archived,
}

/// A course: ordered lessons, taken at one's own pace.
pub struct Course(pub course::Model);

/// A course: ordered lessons, taken at one's own pace.
#[Object]
impl Course {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        ids::encode(Kind::Course, self.0.id)
    }

    /// The course's title.
    async fn title(&self) -> &str {
        &self.0.title
    }

    /// What it is about.
    async fn summary(&self) -> &str {
        &self.0.summary
    }

    /// Draft, published or archived.
    async fn status(&self) -> CourseStatus {
        self.0.status.into()
    }

    /// Places in all; null means unlimited.
    async fn capacity(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<i32>> {
        let counts = pool_counts(ctx, self.0.seat_pool_id).await?;
        Ok(counts.capacity)
    }

    /// Enrolments holding a place (completed ones have given theirs up).
    async fn seats_taken(&self, ctx: &Context<'_>) -> async_graphql::Result<i64> {
        let counts = pool_counts(ctx, self.0.seat_pool_id).await?;
        Ok(counts.confirmed)
    }

    /// Places still free; null when unlimited.
    async fn seats_left(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<i64>> {
        let counts = pool_counts(ctx, self.0.seat_pool_id).await?;
        Ok(crate::domain::seats::seats_left(
            counts.capacity,
            counts.confirmed,
        ))
    }

    /// People waiting for a place.
    async fn waitlist_length(&self, ctx: &Context<'_>) -> async_graphql::Result<i64> {
        let counts = pool_counts(ctx, self.0.seat_pool_id).await?;
        Ok(counts.waitlisted)
    }

    /// What it teaches.
    async fn skills(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Skill>> {
        let skills = loader(ctx)?
            .load_one(CourseSkills(self.0.id))
            .await?
            .unwrap_or_default();
        Ok(skills.iter().cloned().map(Skill).collect())
    }

    /// Its lessons, in order.
    async fn lessons(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Lesson>> {
        let lessons = loader(ctx)?
            .load_one(CourseLessons(self.0.id))
            .await?
            .unwrap_or_default();
        Ok(lessons.iter().cloned().map(Lesson).collect())
    }

    /// How many lessons it has.
    async fn lesson_count(&self, ctx: &Context<'_>) -> async_graphql::Result<usize> {
        Ok(loader(ctx)?
            .load_one(CourseLessons(self.0.id))
            .await?
            .map_or(0, |l| l.len()))
    }

    /// The caller's enrolment, if any.
    async fn my_enrolment(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Enrolment>> {
        let me = actor(ctx).await?;
        let seat = loader(ctx)?
            .load_one(LiveSeat {
                pool_id: self.0.seat_pool_id,
                user_id: me.user_id,
            })
            .await?;
        Ok(seat.map(Enrolment))
    }

    /// When it was created.
    async fn created_at(&self) -> Timestamp {
        self.0.created_at.into()
    }

    /// When it was published; null while a draft.
    async fn published_at(&self) -> Option<Timestamp> {
        self.0.published_at.map(Into::into)
    }
}

/// One lesson of a course.
pub struct Lesson(pub lesson::Model);

/// One lesson of a course.
#[Object]
impl Lesson {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        ids::encode(Kind::Lesson, self.0.id)
    }

    /// 1 for the first lesson.
    async fn position(&self) -> i32 {
        self.0.position
    }

    /// The lesson's title.
    async fn title(&self) -> &str {
        &self.0.title
    }

    /// Markdown text.
    async fn body(&self) -> &str {
        &self.0.body
    }

    /// About how many minutes it takes.
    async fn estimated_minutes(&self) -> i32 {
        self.0.estimated_minutes
    }
}

/// A member's place in a course.
pub struct Enrolment(pub seat::Model);

/// A member's place in a course: confirmed, waitlisted, cancelled or completed.
#[Object]
impl Enrolment {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        ids::encode(Kind::Enrolment, self.0.id)
    }

    /// Where the enrolment stands.
    async fn status(&self) -> RegistrationStatus {
        self.0.status.into()
    }

    /// 1 for the first in line; null unless waitlisted.
    async fn waitlist_position(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<i64>> {
        Ok(waitlist_position(ctx, &self.0).await?)
    }

    /// Share of the course's current lessons completed, 0 to 1; 1 once COMPLETED.
    async fn progress(&self, ctx: &Context<'_>) -> async_graphql::Result<f64> {
        if self.0.status == entity::SeatStatus::Completed {
            return Ok(1.0);
        }
        let loader = loader(ctx)?;
        let course = self.course_model(ctx).await?;
        let lessons = loader
            .load_one(CourseLessons(course.id))
            .await?
            .unwrap_or_default();
        if lessons.is_empty() {
            return Ok(0.0);
        }
        let done = loader
            .load_one(Completions(self.0.id))
            .await?
            .unwrap_or_default();
        let count = lessons.iter().filter(|l| done.contains(&l.id)).count();
        Ok(count as f64 / lessons.len() as f64)
    }

    /// When every lesson was done.
    async fn completed_at(&self) -> Option<Timestamp> {
        self.0.completed_at.map(Into::into)
    }

    /// Ids of the lessons completed.
    async fn completed_lesson_ids(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<ID>> {
        let done = loader(ctx)?
            .load_one(Completions(self.0.id))
            .await?
            .unwrap_or_default();
        Ok(done
            .iter()
            .map(|id| ids::encode(Kind::Lesson, *id))
            .collect())
    }

    /// The course.
    async fn course(&self, ctx: &Context<'_>) -> async_graphql::Result<Course> {
        Ok(Course(self.course_model(ctx).await?))
    }

    /// Who is enrolled.
    async fn user(&self, ctx: &Context<'_>) -> async_graphql::Result<User> {
        let user = loader(ctx)?
            .load_one(UserById(self.0.user_id))
            .await?
            .required("enrolled user")?;
        Ok(User::new(user))
    }

    /// When the member enrolled.
    async fn created_at(&self) -> Timestamp {
        self.0.created_at.into()
    }
}

impl Enrolment {
    async fn course_model(&self, ctx: &Context<'_>) -> async_graphql::Result<course::Model> {
        Ok(loader(ctx)?
            .load_one(CourseByPool(self.0.pool_id))
            .await?
            .required("course")?)
    }
}
