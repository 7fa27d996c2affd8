//! Business operations. Each takes the shared state (or a transaction) and the
//! [`crate::auth::Actor`] asking, checks permission through
//! [`crate::auth::permissions`], applies the rules from [`crate::domain`] and
//! writes in one transaction.

pub mod accounts;
pub mod automatch;
pub mod calendar;
pub mod clinic_changes;
pub mod clinics;
pub mod courses;
pub mod enrolments;
pub mod expertise;
pub mod invitations;
pub mod lessons;
pub mod lookups;
pub mod maintenance;
pub mod members;
pub mod mentoring;
pub mod notifications;
pub mod organisations;
pub mod outbox;
pub mod paging;
pub mod pairing_flow;
pub mod pairing_notes;
pub mod pairings;
pub mod password_resets;
pub mod plan;
pub mod presence;
pub mod questions;
pub mod rate_limits;
pub mod reads;
pub mod registrations;
pub mod requests;
pub mod seat_counts;
pub mod seats;
pub mod session_tokens;
pub mod sessions;
pub mod skills;
pub mod sso;
pub mod statuses;
pub mod users;
