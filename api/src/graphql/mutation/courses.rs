//! Courses, lessons and enrolments.

use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object};

use crate::graphql::context::{actor, state};
use crate::graphql::ids::{self, Kind};
use crate::graphql::types::{Course, Enrolment, Lesson};
use crate::service::{courses, enrolments, lessons};

/// A new course.
#[derive(InputObject)]
pub struct CreateCourseInput {
    /// The course's title (1 to 200 characters).
    pub title: String,
    /// What it is about (at most 2,000 characters).
    #[graphql(default)]
    pub summary: String,
    /// The skills it teaches.
    #[graphql(default)]
    pub skill_ids: Vec<ID>,
    /// 1 to 10,000 places; null or omitted for unlimited.
    pub capacity: Option<i32>,
}

/// Changes to a course; omitted fields stay as they are.
#[derive(InputObject, Default)]
pub struct UpdateCourseInput {
    /// A new title.
    pub title: Option<String>,
    /// A new summary.
    pub summary: Option<String>,
    /// Replaces the course's skills.
    pub skill_ids: Option<Vec<ID>>,
    /// New capacity; null for unlimited. Raising it promotes from the waitlist.
    pub capacity: MaybeUndefined<i32>,
}

/// A lesson's content.
#[derive(InputObject)]
pub struct LessonInput {
    /// The lesson's title (1 to 200 characters).
    pub title: String,
    /// Markdown, at most 20,000 characters.
    #[graphql(default)]
    pub body: String,
    /// 1 to 1440.
    pub estimated_minutes: i32,
}

/// Changes to a lesson; omitted fields stay as they are.
#[derive(InputObject, Default)]
pub struct UpdateLessonInput {
    /// A new title.
    pub title: Option<String>,
    /// A new body text.
    pub body: Option<String>,
    /// A new estimate of the minutes it takes.
    pub estimated_minutes: Option<i32>,
}

#[derive(Default)]
pub struct CourseMutation;

#[Object]
impl CourseMutation {
    /// Creates a DRAFT course (ADMIN).
    async fn create_course(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The details, as the input type describes them.")]
        input: CreateCourseInput,
    ) -> async_graphql::Result<Course> {
        let actor = actor(ctx).await?;
        let created = courses::create(
            state(ctx)?,
            &actor,
            courses::CourseInput {
                title: Some(input.title),
                summary: Some(input.summary),
                skill_ids: Some(ids::decode_all(&input.skill_ids, Kind::Skill, "skillIds")?),
                capacity: Some(input.capacity),
            },
        )
        .await?;
        Ok(Course(created))
    }

    /// Changes a course (ADMIN).
    async fn update_course(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The course.")] id: ID,
        #[graphql(desc = "The details, as the input type describes them.")]
        input: UpdateCourseInput,
    ) -> async_graphql::Result<Course> {
        let actor = actor(ctx).await?;
        let course_id = ids::decode(&id, Kind::Course, "id")?;
        let skill_ids = input
            .skill_ids
            .map(|ids| ids::decode_all(&ids, Kind::Skill, "skillIds"))
            .transpose()?;
        let capacity = match input.capacity {
            MaybeUndefined::Undefined => None,
            MaybeUndefined::Null => Some(None),
            MaybeUndefined::Value(c) => Some(Some(c)),
        };
        let updated = courses::update(
            state(ctx)?,
            &actor,
            course_id,
            courses::CourseInput {
                title: input.title,
                summary: input.summary,
                skill_ids,
                capacity,
            },
        )
        .await?;
        Ok(Course(updated))
    }

    /// DRAFT → PUBLISHED (ADMIN); a course needs at least one lesson.
    async fn publish_course(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The course.")] id: ID,
    ) -> async_graphql::Result<Course> {
        let actor = actor(ctx).await?;
        let course_id = ids::decode(&id, Kind::Course, "id")?;
        Ok(Course(
            courses::transition(
                state(ctx)?,
                &actor,
                course_id,
                entity::CourseStatus::Published,
            )
            .await?,
        ))
    }

    /// DRAFT or PUBLISHED → ARCHIVED (ADMIN): no new enrolments; those enrolled keep reading.
    async fn archive_course(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The course.")] id: ID,
    ) -> async_graphql::Result<Course> {
        let actor = actor(ctx).await?;
        let course_id = ids::decode(&id, Kind::Course, "id")?;
        Ok(Course(
            courses::transition(
                state(ctx)?,
                &actor,
                course_id,
                entity::CourseStatus::Archived,
            )
            .await?,
        ))
    }

    /// Adds a lesson at the end of a course (ADMIN).
    async fn add_lesson(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The course.")] course_id: ID,
        #[graphql(desc = "The details, as the input type describes them.")] input: LessonInput,
    ) -> async_graphql::Result<Lesson> {
        let actor = actor(ctx).await?;
        let course_id = ids::decode(&course_id, Kind::Course, "courseId")?;
        let lesson = lessons::add_lesson(
            state(ctx)?,
            &actor,
            course_id,
            lessons::LessonInput {
                title: Some(input.title),
                body: Some(input.body),
                estimated_minutes: Some(input.estimated_minutes),
            },
        )
        .await?;
        Ok(Lesson(lesson))
    }

    /// Changes a lesson (ADMIN).
    async fn update_lesson(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The lesson.")] id: ID,
        #[graphql(desc = "The details, as the input type describes them.")]
        input: UpdateLessonInput,
    ) -> async_graphql::Result<Lesson> {
        let actor = actor(ctx).await?;
        let lesson_id = ids::decode(&id, Kind::Lesson, "id")?;
        let lesson = lessons::update_lesson(
            state(ctx)?,
            &actor,
            lesson_id,
            lessons::LessonInput {
                title: input.title,
                body: input.body,
                estimated_minutes: input.estimated_minutes,
            },
        )
        .await?;
        Ok(Lesson(lesson))
    }

    /// Removes a lesson (ADMIN); returns its course.
    async fn remove_lesson(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The lesson.")] id: ID,
    ) -> async_graphql::Result<Course> {
        let actor = actor(ctx).await?;
        let lesson_id = ids::decode(&id, Kind::Lesson, "id")?;
        Ok(Course(
            lessons::remove_lesson(state(ctx)?, &actor, lesson_id).await?,
        ))
    }

    /// Orders a course's lessons (ADMIN): `lessonIds` must hold every lesson once.
    async fn reorder_lessons(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The course.")] course_id: ID,
        #[graphql(desc = "Every lesson of the course, in the new order.")] lesson_ids: Vec<ID>,
    ) -> async_graphql::Result<Course> {
        let actor = actor(ctx).await?;
        let course_id = ids::decode(&course_id, Kind::Course, "courseId")?;
        let lesson_ids = ids::decode_all(&lesson_ids, Kind::Lesson, "lessonIds")?;
        Ok(Course(
            lessons::reorder_lessons(state(ctx)?, &actor, course_id, &lesson_ids).await?,
        ))
    }

    /// Enrols the caller in a published course, or waitlists them when it is full.
    async fn enrol_in_course(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The course.")] course_id: ID,
    ) -> async_graphql::Result<Enrolment> {
        let actor = actor(ctx).await?;
        let course_id = ids::decode(&course_id, Kind::Course, "courseId")?;
        Ok(Enrolment(
            enrolments::enrol(state(ctx)?, &actor, course_id).await?,
        ))
    }

    /// Cancels an enrolment (its holder or an admin).
    async fn cancel_enrolment(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The enrolment.")] enrolment_id: ID,
    ) -> async_graphql::Result<Enrolment> {
        let actor = actor(ctx).await?;
        let id = ids::decode(&enrolment_id, Kind::Enrolment, "enrolmentId")?;
        Ok(Enrolment(
            enrolments::cancel(state(ctx)?, &actor, id).await?,
        ))
    }

    /// Marks a lesson done; returns the enrolment with its progress.
    async fn complete_lesson(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The lesson.")] lesson_id: ID,
    ) -> async_graphql::Result<Enrolment> {
        let actor = actor(ctx).await?;
        let id = ids::decode(&lesson_id, Kind::Lesson, "lessonId")?;
        Ok(Enrolment(
            enrolments::complete_lesson(state(ctx)?, &actor, id).await?,
        ))
    }
}
