//! The mutation root, merged from one object per domain.

mod clinics;
mod courses;
mod members;
mod mentoring;
mod notifications;
mod plan;
mod presence;
mod sessions;
mod skills;
mod sso;

use async_graphql::MergedObject;

/// All mutations.
#[derive(MergedObject, Default)]
#[graphql(name = "Mutation")]
pub struct MutationRoot(
    sessions::SessionMutation,
    members::MemberMutation,
    clinics::ClinicMutation,
    courses::CourseMutation,
    mentoring::MentoringMutation,
    notifications::NotificationMutation,
    presence::PresenceMutation,
    plan::PlanMutation,
    skills::SkillMutation,
    sso::SsoMutation,
);
