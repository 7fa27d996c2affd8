//! The query root, merged from one object per domain.

mod clinics;
mod courses;
mod identity;
mod members;
mod mentoring;
mod node;
mod notifications;
mod plan;
mod presence;

use async_graphql::MergedObject;

/// All queries.
#[derive(MergedObject, Default)]
#[graphql(name = "Query")]
pub struct QueryRoot(
    identity::IdentityQuery,
    members::MembersQuery,
    clinics::ClinicsQuery,
    courses::CoursesQuery,
    mentoring::MentoringQuery,
    notifications::NotificationsQuery,
    presence::PresenceQuery,
    plan::PlanQuery,
    node::NodeQuery,
);
