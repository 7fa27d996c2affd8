//! sea-orm entities of Voimavara's data model, one module per table.
//!
//! Entities are plain data: no GraphQL, no business rules. Enumerated columns
//! are stored as text and surfaced as `DeriveActiveEnum` enums.

pub mod automatch_lease;
pub mod channel;
pub mod clinic;
pub mod clinic_question;
pub mod clinic_series;
pub mod clinic_skill;
pub mod course;
pub mod course_skill;
pub mod feedback;
pub mod invitation;
pub mod learning_goal;
pub mod lesson;
pub mod lesson_completion;
pub mod mentor_profile;
pub mod mentoring_request;
pub mod mentoring_request_skill;
pub mod mentoring_session;
pub mod notification;
pub mod organisation;
pub mod outbox;
pub mod pairing;
pub mod password_reset;
pub mod plan_comment;
pub mod plan_goal;
pub mod presence_snapshot;
pub mod rate_attempt;
pub mod refresh_token;
pub mod seat;
pub mod seat_pool;
pub mod server_setting;
pub mod skill;
pub mod sso_code;
pub mod sso_flow;
pub mod sso_setting;
pub mod user;
pub mod user_skill;

pub use channel::Visibility;
pub use clinic::ClinicStatus;
pub use course::CourseStatus;
pub use mentoring_request::RequestStatus;
pub use outbox::MailStatus;
pub use pairing::PairingStatus;
pub use plan_goal::{GoalStatus, Metric};
pub use seat::SeatStatus;
pub use skill::SkillKind;
pub use user::{Locale, Role};
