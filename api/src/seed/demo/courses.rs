//! Two published courses with lessons, a few enrolments and some progress.

use crate::auth::Actor;
use crate::context::AppState;
use crate::error::AppResult;
use crate::service::courses::CourseInput;
use crate::service::lessons::LessonInput;
use crate::service::{courses, enrolments, lessons};

use super::Skills;

/// A published course and its lessons (title, body, minutes).
struct CoursePlan {
    title: &'static str,
    summary: &'static str,
    skills: &'static [&'static str],
    capacity: Option<i32>,
    lessons: &'static [(&'static str, &'static str, i32)],
}

const COURSES: &[CoursePlan] = &[
    CoursePlan {
        title: "Some työssä: perusteet",
        summary: "What to post for the town, how often, and how to answer residents. Three short lessons.",
        skills: &["short-posts", "community-engagement"],
        capacity: None,
        lessons: &[
            (
                "Kenelle kirjoitamme?",
                "Pick one resident you write for, and write to them.",
                15,
            ),
            (
                "Lyhyt on parempi",
                "Cut every post to the one thing a reader should do.",
                20,
            ),
            (
                "Vastaaminen",
                "Answer within a working day, in plain language, and sign with your name.",
                15,
            ),
        ],
    },
    CoursePlan {
        title: "Vaikuttavuus ja mittarit",
        summary: "From likes to outcomes: choose measures that tell whether a post helped anyone.",
        skills: &["measuring-influence"],
        capacity: Some(20),
        lessons: &[
            (
                "Mitä haluamme muuttaa?",
                "Start from the change you want, not from the numbers you have.",
                20,
            ),
            (
                "Kolme mittaria",
                "Reach, action and outcome, and where each one lives.",
                25,
            ),
            (
                "Kuukausiraportti",
                "One page, three numbers, one decision.",
                20,
            ),
        ],
    },
];

/// Who enrols in every course (indices into the people); the first of them
/// completes the first lesson.
const ENROLLED: [usize; 4] = [2, 12, 15, 17];

/// Creates and publishes the courses and enrols a few people; returns how many.
pub(super) async fn publish(
    state: &AppState,
    admin: &Actor,
    actors: &[Actor],
    skills: &Skills,
) -> AppResult<usize> {
    for plan in COURSES {
        let course = courses::create(
            state,
            admin,
            CourseInput {
                title: Some(plan.title.into()),
                summary: Some(plan.summary.into()),
                skill_ids: Some(skills.ids(plan.skills)?),
                capacity: Some(plan.capacity),
            },
        )
        .await?;
        let mut first_lesson = None;
        for (lesson_title, body, minutes) in plan.lessons {
            let lesson = lessons::add_lesson(
                state,
                admin,
                course.id,
                LessonInput {
                    title: Some((*lesson_title).into()),
                    body: Some((*body).into()),
                    estimated_minutes: Some(*minutes),
                },
            )
            .await?;
            first_lesson.get_or_insert(lesson.id);
        }
        courses::transition(state, admin, course.id, entity::CourseStatus::Published).await?;
        for who in ENROLLED {
            if let Some(actor) = actors.get(who) {
                enrolments::enrol(state, actor, course.id).await?;
            }
        }
        if let (Some(lesson), Some(learner)) = (first_lesson, actors.get(ENROLLED[0])) {
            enrolments::complete_lesson(state, learner, lesson).await?;
        }
    }
    Ok(COURSES.len())
}
