//! Authentication and authorization: password hashing, access tokens, the
//! caller ([`Actor`]) and the permission checks, one function per rule.

pub mod actor;
pub mod cache;
pub mod jwt;
pub mod password;
pub mod permissions;
pub mod tokens;

pub use actor::Actor;
