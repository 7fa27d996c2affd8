//! GraphQL object types: thin wrappers over entity models.

pub mod invitation;
pub mod node;
pub mod organisation;
pub mod session;
pub mod user;

pub use invitation::Invitation;
pub use node::Node;
pub use organisation::Organisation;
pub use session::AuthPayload;
pub use user::{Role, User};
