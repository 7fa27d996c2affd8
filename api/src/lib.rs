//! Voimavara's server: HTTP and GraphQL, authentication and business rules.
//!
//! The layers, from the outside in:
//! - [`http`]: routes, GraphQL-over-HTTP request handling, WebSocket, health.
//! - [`graphql`]: the schema; resolvers are thin and call [`service`].
//! - [`service`]: business operations; each takes a connection and an
//!   [`auth::Actor`], checks permission, applies a [`domain`] rule and writes
//!   in one transaction.
//! - [`domain`]: pure types and rules, no database, no HTTP.
//! - [`mail`]: the worker that delivers the outbox, beside [`http`].

pub mod auth;
pub mod catalogue;
pub mod cli;
pub mod clock;
pub mod config;
pub mod context;
pub mod db;
pub mod domain;
pub mod error;
pub mod events;
pub mod graphql;
pub mod http;
pub mod mail;
pub mod metrics;
pub mod random;
pub mod secrets;
pub mod seed;
pub mod service;
pub mod startup;
pub mod telemetry;

pub use config::Settings;
pub use error::{AppError, AppResult};
pub use startup::Application;
