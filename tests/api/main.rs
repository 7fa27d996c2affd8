//! Integration tests: the real server over HTTP, one fresh database per test.
//! SQLite by default; PostgreSQL when `TEST_DATABASE_URL` names a server.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod helpers;

mod architecture;
mod authorization;
mod backups;

mod clinics;
mod courses;
mod demo;
mod expertise;
mod faults;
mod fuzz;
mod http_transport;
mod logs;
mod mail;
mod members;
mod mentoring;
mod migrations;
mod performance;
mod plan;
mod presence;
mod query_limits;
mod races;
mod schema_file;
mod semantics;
mod sessions;
mod soak;
mod sockets;
mod sso;
mod startup;
mod subscriptions;
