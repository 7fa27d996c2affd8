//! sea-orm entities of Voimavara's data model, one module per table.
//!
//! Entities are plain data: no GraphQL, no business rules. Enumerated columns
//! are stored as text and surfaced as `DeriveActiveEnum` enums.

pub mod invitation;
pub mod login_attempt;
pub mod organisation;
pub mod outbox;
pub mod refresh_token;
pub mod server_setting;
pub mod user;

pub use user::Role;
