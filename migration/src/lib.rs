//! Voimavara's database migrations.
//!
//! Each migration is one step of the schema with a working `down()`. A released
//! migration is never edited: later changes arrive as new migrations.

pub use sea_orm_migration::prelude::*;

mod helpers;
mod m20261128_000001_identity;
mod m20261128_000002_skills;
mod m20261128_000003_courses_and_clinics;
mod m20261128_000004_mentoring_and_notifications;
mod m20261206_000005_security;
mod m20261206_000006_rules_in_the_database;
mod m20261206_000007_read_path;
mod m20261206_000008_mail;
mod m20261206_000009_sso;
mod m20261206_000010_presence;
mod m20261206_000011_plan;

/// The ordered list of every migration.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261128_000001_identity::Migration),
            Box::new(m20261128_000002_skills::Migration),
            Box::new(m20261128_000003_courses_and_clinics::Migration),
            Box::new(m20261128_000004_mentoring_and_notifications::Migration),
            Box::new(m20261206_000005_security::Migration),
            Box::new(m20261206_000006_rules_in_the_database::Migration),
            Box::new(m20261206_000007_read_path::Migration),
            Box::new(m20261206_000008_mail::Migration),
            Box::new(m20261206_000009_sso::Migration),
            Box::new(m20261206_000010_presence::Migration),
            Box::new(m20261206_000011_plan::Migration),
        ]
    }
}
