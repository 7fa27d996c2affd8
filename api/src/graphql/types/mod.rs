//! GraphQL object types: thin wrappers over entity models.

pub mod clinic;
pub mod course;
pub mod expertise;
pub mod invitation;
pub mod mentoring;
pub mod node;
pub mod organisation;
pub mod pairing_notes;
pub mod plan;
pub mod presence;
pub mod session;
pub mod skill;
pub mod user;

pub use clinic::{Clinic, ClinicRegistration, ClinicStatus, RegistrationStatus};
pub use course::{Course, CourseStatus, Enrolment, Lesson};
pub use expertise::{SkillMap, UserSkill};
pub use invitation::{Invitation, InvitationStatus};
pub use mentoring::{
    AutoMatchResult, MatchedPairing, MentorProfile, MentorSuggestion, MentoringRequest, Pairing,
    RequestStatus,
};
pub use node::{Node, Notification, NotificationKind};
pub use organisation::{Organisation, SsoSettings};
pub use pairing_notes::{Feedback, MentoringSession};
pub use plan::{ClinicQuestion, PlanComment, PlanGoal, PlanGoalStatus, PlanMetric};
pub use presence::{Channel, ChannelGrowth, PresenceReport, PresenceSnapshot, Visibility};
pub use session::AuthPayload;
pub use skill::{Skill, SkillKind};
pub use user::{Locale, Role, User};

/// A member by id, through the request's batch loader.
pub(crate) async fn member(
    ctx: &async_graphql::Context<'_>,
    id: i64,
) -> async_graphql::Result<User> {
    use crate::error::Required;
    let user = crate::graphql::loaders::loader(ctx)?
        .load_one(crate::graphql::loaders::UserById(id))
        .await?
        .required("user")?;
    Ok(User::new(user))
}
