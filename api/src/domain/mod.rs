//! Pure types and rules: parsed, validated values that the rest of the code
//! can trust. Nothing here touches a database, HTTP or GraphQL.

pub mod clinics;
pub mod courses;
pub mod email;
pub mod expertise;
pub mod invitations;
pub mod mail;
pub mod matching;
pub mod mentoring;
pub mod notifications;
pub mod paging;
pub mod password;
pub mod plan;
pub mod presence;
pub mod recurrence;
pub mod seats;
pub mod skills;
pub mod sso;
pub mod text;

pub use email::Email;
pub use password::Password;
