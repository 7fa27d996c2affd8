//! The plan, made together: the organisation's social-media goals, their
//! comments, and questions sent to clinics beforehand. Notifications gain a
//! once-key (a clinic reminder is written once per seat however many
//! instances run), and members who had clinic reminders mailed to them
//! keep them as the `CLINIC_REMINDER` notification kind.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::helpers::{
    at, at_null, create_indexes, create_tables, drop_tables, fk, id, index, one_of, reference,
    reference_null, unique,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

const GOAL_STATUSES: [&str; 5] = ["PROPOSED", "ACCEPTED", "DECLINED", "ACHIEVED", "MISSED"];
const METRICS: [&str; 4] = ["FOLLOWERS", "POSTS", "INTERACTIONS", "ENGAGEMENT_RATE"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    /// In one transaction on SQLite too: every statement on one connection,
    /// and a failure leaves nothing half-done.
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use ForeignKeyAction::{Cascade, SetNull};
        create_tables(
            manager,
            vec![
                Table::create()
                    .table("plan_goals")
                    .col(id())
                    .col(reference("organisation_id"))
                    .col(reference_null("proposed_by"))
                    .col(reference("platform_id"))
                    .col(string_len("title", 200))
                    .col(text("description"))
                    .col(one_of("metric", &METRICS))
                    .col(double("target"))
                    .col(date("starts_on"))
                    .col(date("due_on"))
                    .col(one_of("status", &GOAL_STATUSES))
                    .col(reference_null("decided_by"))
                    .col(at_null("decided_at"))
                    .col(at_null("settled_at"))
                    .col(at("created_at"))
                    .col(at("updated_at"))
                    .foreign_key(&mut fk(
                        "plan_goals",
                        "organisation_id",
                        "organisations",
                        Cascade,
                    ))
                    .foreign_key(&mut fk("plan_goals", "proposed_by", "users", SetNull))
                    .foreign_key(&mut fk("plan_goals", "platform_id", "skills", Cascade))
                    .foreign_key(&mut fk("plan_goals", "decided_by", "users", SetNull))
                    .take(),
                Table::create()
                    .table("plan_comments")
                    .col(id())
                    .col(reference("organisation_id"))
                    .col(reference("goal_id"))
                    .col(reference_null("author_id"))
                    .col(text("text"))
                    .col(at("created_at"))
                    .col(at_null("edited_at"))
                    .col(at_null("removed_at"))
                    .col(reference_null("removed_by"))
                    .foreign_key(&mut fk(
                        "plan_comments",
                        "organisation_id",
                        "organisations",
                        Cascade,
                    ))
                    .foreign_key(&mut fk("plan_comments", "goal_id", "plan_goals", Cascade))
                    .foreign_key(&mut fk("plan_comments", "author_id", "users", SetNull))
                    .foreign_key(&mut fk("plan_comments", "removed_by", "users", SetNull))
                    .take(),
                Table::create()
                    .table("clinic_questions")
                    .col(id())
                    .col(reference("organisation_id"))
                    .col(reference("clinic_id"))
                    // Kept for "askers see their own", never shown when anonymous.
                    .col(reference("author_id"))
                    .col(boolean("anonymous"))
                    .col(text("text"))
                    .col(at("created_at"))
                    .col(at_null("answered_at"))
                    .foreign_key(&mut fk(
                        "clinic_questions",
                        "organisation_id",
                        "organisations",
                        Cascade,
                    ))
                    .foreign_key(&mut fk("clinic_questions", "clinic_id", "clinics", Cascade))
                    .foreign_key(&mut fk("clinic_questions", "author_id", "users", Cascade))
                    .take(),
            ],
        )
        .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("notifications")
                    .add_column(string_len_null("once_key", 100))
                    .to_owned(),
            )
            .await?;
        create_indexes(
            manager,
            vec![
                index("plan_goals", &["organisation_id", "status"]),
                index("plan_comments", &["goal_id"]),
                index("clinic_questions", &["clinic_id"]),
                unique("notifications", &["once_key"]),
            ],
        )
        .await?;
        // Clinic reminders were mailed to every confirmed registrant; they
        // are now a notification kind each member chooses, kept for everyone.
        manager
            .get_connection()
            .execute_unprepared(
                "UPDATE users SET email_kinds = CASE WHEN email_kinds = '' THEN 'CLINIC_REMINDER' \
                 ELSE email_kinds || ',CLINIC_REMINDER' END",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let trim = match manager.get_database_backend() {
            sea_orm_migration::sea_orm::DatabaseBackend::Postgres => "BTRIM",
            _ => "TRIM",
        };
        manager
            .get_connection()
            .execute_unprepared(&format!(
                "UPDATE users SET email_kinds = {trim}(REPLACE(',' || email_kinds || ',', ',CLINIC_REMINDER,', ','), ',')"
            ))
            .await?;
        manager
            .drop_index(
                Index::drop()
                    .name("uq_notifications_once_key")
                    .table("notifications")
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("notifications")
                    .drop_column("once_key")
                    .to_owned(),
            )
            .await?;
        drop_tables(
            manager,
            &["clinic_questions", "plan_comments", "plan_goals"],
        )
        .await
    }
}
