//! Rules the database keeps itself, whatever the code does: a mentoring
//! request has at most one active pairing; a seat pool confirms nobody new
//! while it is full, and a mentor takes nobody new while at capacity.
//!
//! `confirmed ≤ capacity` cannot be a plain CHECK: lowering a capacity below
//! the confirmed count is allowed (it bumps nobody). What the rules do forbid
//! is *raising* the confirmed count past the capacity, which a trigger can
//! check on every update; likewise for a mentor's active mentees.

use sea_orm_migration::prelude::*;

use crate::helpers::unique_where;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// (trigger, table, counter, limit): the counter may not grow past the limit.
const GUARDS: [(&str, &str, &str, &str); 2] = [
    (
        "seat_pools_confirmed_within_capacity",
        "seat_pools",
        "confirmed_count",
        "capacity",
    ),
    (
        "mentor_profiles_active_within_max",
        "mentor_profiles",
        "active_mentees",
        "max_mentees",
    ),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_index(unique_where(
                "uq_pairings_one_active_per_request",
                "pairings",
                &["request_id"],
                Expr::col("status").eq("ACTIVE"),
            ))
            .await?;
        let db = manager.get_connection();
        let postgres =
            manager.get_database_backend() == sea_orm_migration::sea_orm::DatabaseBackend::Postgres;
        for (name, table, counter, limit) in GUARDS {
            let condition = format!(
                "NEW.{limit} IS NOT NULL AND NEW.{counter} > OLD.{counter} AND NEW.{counter} > NEW.{limit}"
            );
            let message = format!("{table}.{counter} may not grow past {limit}");
            if postgres {
                db.execute_unprepared(&format!(
                    "CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
                     BEGIN
                       IF {condition} THEN
                         RAISE EXCEPTION '{message}' USING ERRCODE = 'check_violation';
                       END IF;
                       RETURN NEW;
                     END $$"
                ))
                .await?;
                db.execute_unprepared(&format!(
                    "CREATE TRIGGER {name} BEFORE UPDATE ON {table}
                     FOR EACH ROW EXECUTE FUNCTION {name}()"
                ))
                .await?;
            } else {
                db.execute_unprepared(&format!(
                    "CREATE TRIGGER {name} BEFORE UPDATE ON {table}
                     FOR EACH ROW WHEN {condition}
                     BEGIN SELECT RAISE(ABORT, '{message}'); END"
                ))
                .await?;
            }
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        let postgres =
            manager.get_database_backend() == sea_orm_migration::sea_orm::DatabaseBackend::Postgres;
        for (name, table, _, _) in GUARDS {
            if postgres {
                db.execute_unprepared(&format!("DROP TRIGGER IF EXISTS {name} ON {table}"))
                    .await?;
                db.execute_unprepared(&format!("DROP FUNCTION IF EXISTS {name}()"))
                    .await?;
            } else {
                db.execute_unprepared(&format!("DROP TRIGGER IF EXISTS {name}"))
                    .await?;
            }
        }
        manager
            .drop_index(
                Index::drop()
                    .name("uq_pairings_one_active_per_request")
                    .table("pairings")
                    .to_owned(),
            )
            .await
    }
}
