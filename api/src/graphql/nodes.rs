//! Resolving a global id to the object it names, as the caller may see it,
//! for `node`, `nodes` and a notification's subject. Plain rows here; the
//! GraphQL types wrap them (`types::node`).

use async_graphql::ID;
use entity::{
    clinic, course, invitation, lesson, mentoring_request, notification, organisation, pairing,
    seat, skill, user,
};

use crate::auth::Actor;
use crate::context::AppState;
use crate::error::{AppError, AppResult};
use crate::graphql::ids::{self, Kind};
use crate::service::{
    clinics, courses, enrolments, invitations, lessons, notifications, organisations, pairings,
    registrations, requests, skills, users,
};

/// The row a global id names.
pub enum Found {
    User(user::Model),
    Organisation(organisation::Model),
    Invitation(invitation::Model),
    Skill(skill::Model),
    Clinic(clinic::Model),
    ClinicRegistration(seat::Model),
    Course(course::Model),
    Lesson(lesson::Model),
    Enrolment(seat::Model),
    MentoringRequest(mentoring_request::Model),
    Pairing(pairing::Model),
    Notification(notification::Model),
    Channel(entity::channel::Model),
    PresenceSnapshot(entity::presence_snapshot::Model),
    PlanGoal(entity::plan_goal::Model),
    PlanComment(entity::plan_comment::Model),
    ClinicQuestion(entity::clinic_question::Model),
}

/// Resolves a global id for the actor: `None` when absent or not visible.
pub async fn find(state: &AppState, actor: &Actor, id: &ID) -> AppResult<Option<Found>> {
    let (kind, raw) = ids::decode_any(id, "id")?;
    find_kind(state, actor, kind, raw).await
}

/// Like [`find`], for a decoded id.
pub async fn find_kind(
    state: &AppState,
    actor: &Actor,
    kind: Kind,
    raw: i64,
) -> AppResult<Option<Found>> {
    let found = match kind {
        Kind::User => users::get(state, actor, raw).await.map(Found::User),
        Kind::Organisation => organisations::get(state, actor, raw)
            .await
            .map(Found::Organisation),
        Kind::Invitation => invitations::get(state, actor, raw)
            .await
            .map(Found::Invitation),
        Kind::Skill => skills::get(state, actor, raw).await.map(Found::Skill),
        Kind::Clinic => clinics::get(state, actor, raw).await.map(Found::Clinic),
        Kind::ClinicRegistration => registrations::get(state, actor, raw)
            .await
            .map(|(seat, _)| Found::ClinicRegistration(seat)),
        Kind::Course => courses::get(state, actor, raw).await.map(Found::Course),
        Kind::Lesson => lessons::get_lesson(&state.db, actor, raw)
            .await
            .map(|(l, _)| Found::Lesson(l)),
        Kind::Enrolment => enrolments::get(state, actor, raw)
            .await
            .map(|(seat, _)| Found::Enrolment(seat)),
        Kind::MentoringRequest => requests::get(state, actor, raw)
            .await
            .map(Found::MentoringRequest),
        Kind::Pairing => pairings::get(state, actor, raw).await.map(Found::Pairing),
        Kind::Notification => notifications::get(state, actor, raw)
            .await
            .map(Found::Notification),
        Kind::Channel => crate::service::presence::get(state, actor, raw)
            .await
            .map(Found::Channel),
        Kind::PresenceSnapshot => crate::service::presence::get_snapshot(state, actor, raw)
            .await
            .map(Found::PresenceSnapshot),
        Kind::PlanGoal => crate::service::plan::get(state, actor, raw)
            .await
            .map(Found::PlanGoal),
        Kind::PlanComment => crate::service::plan::comments::get(state, actor, raw)
            .await
            .map(Found::PlanComment),
        Kind::ClinicQuestion => crate::service::questions::get(state, actor, raw)
            .await
            .map(Found::ClinicQuestion),
    };
    match found {
        Ok(node) => Ok(Some(node)),
        Err(AppError::NotFound(_)) => Ok(None),
        Err(other) => Err(other),
    }
}
