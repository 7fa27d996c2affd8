//! Mail: the outbox becomes a queue a worker in every instance delivers
//! from (a mail is rendered when it is sent, from what its row names, so no
//! secret waits in it), password resets, each member's language and the
//! notification kinds they want by e-mail, and an organisation's default
//! language. A clinic reminder is queued once per seat (its `once_key`).
//!
//! The old outbox was written and never read (there was no delivery); its
//! rows are kept in the new table as `DROPPED`, so nothing is sent that was
//! written before delivery existed.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::helpers::{
    at, at_null, create_indexes, drop_tables, fk, id, index, one_of, reference, reference_null,
    unique,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The kinds a member gets by e-mail unless they choose otherwise.
pub const DEFAULT_EMAIL_KINDS: &str = "WAITLIST_PROMOTED,CLINIC_CANCELLED,CLINIC_MOVED,\
PAIRING_PROPOSED,PAIRING_ACCEPTED,PAIRING_DECLINED,PAIRING_CANCELLED";

const STATUSES: [&str; 5] = ["PENDING", "SENDING", "SENT", "FAILED", "DROPPED"];
const LOCALES: [&str; 3] = ["FI", "SV", "EN"];

fn locale(name: &'static str) -> ColumnDef {
    let mut column = one_of(name, &LOCALES);
    column.default("EN");
    column
}

async fn add(
    manager: &SchemaManager<'_>,
    table: &'static str,
    column: ColumnDef,
) -> Result<(), DbErr> {
    manager
        .alter_table(Table::alter().table(table).add_column(column).to_owned())
        .await
}

async fn drop(
    manager: &SchemaManager<'_>,
    table: &'static str,
    column: &'static str,
) -> Result<(), DbErr> {
    manager
        .alter_table(Table::alter().table(table).drop_column(column).to_owned())
        .await
}

fn old_outbox() -> TableCreateStatement {
    Table::create()
        .table("outbox")
        .col(id())
        .col(reference("organisation_id"))
        .col(string_len("kind", 64))
        .col(string_len("recipient", 320))
        .col(string_len("subject", 300))
        .col(text("body"))
        .col(at("created_at"))
        .col(at_null("sent_at"))
        .foreign_key(&mut fk(
            "outbox",
            "organisation_id",
            "organisations",
            ForeignKeyAction::Cascade,
        ))
        .take()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    /// In one transaction on SQLite too: every statement on one connection,
    /// and a failure leaves nothing half-done.
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use ForeignKeyAction::Cascade;
        add(manager, "organisations", locale("default_locale")).await?;
        add(manager, "users", locale("locale")).await?;
        add(
            manager,
            "users",
            string_len("email_kinds", 512)
                .default(DEFAULT_EMAIL_KINDS)
                .take(),
        )
        .await?;

        manager
            .rename_table(
                Table::rename()
                    .table("outbox", "outbox_before_mail")
                    .to_owned(),
            )
            .await?;
        manager
            .drop_index(Index::drop().name("idx_outbox_organisation_id").to_owned())
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("outbox")
                    .col(id())
                    .col(reference("organisation_id"))
                    .col(reference_null("user_id"))
                    .col(string_len("kind", 64))
                    .col(string_len("recipient", 320))
                    .col(locale("locale"))
                    // What the mail is about (an invitation, a reset, a clinic,
                    // a notification), read again when it is rendered.
                    .col(big_integer_null("subject_id"))
                    // Set on mails that must be queued once (clinic reminders).
                    .col(string_len_null("once_key", 200))
                    .col(one_of("status", &STATUSES).default("PENDING").take())
                    .col(integer("attempts").default(0))
                    .col(at("next_attempt_at"))
                    .col(at_null("claimed_until"))
                    .col(text_null("last_error"))
                    .col(at("created_at"))
                    .col(at_null("sent_at"))
                    .foreign_key(&mut fk(
                        "outbox",
                        "organisation_id",
                        "organisations",
                        Cascade,
                    ))
                    .foreign_key(&mut fk("outbox", "user_id", "users", Cascade))
                    .take(),
            )
            .await?;
        manager
            .get_connection()
            .execute_unprepared(
                "INSERT INTO outbox (organisation_id, kind, recipient, status, attempts, \
                 next_attempt_at, last_error, created_at) \
                 SELECT organisation_id, kind, recipient, 'DROPPED', 0, created_at, \
                 'written before mail delivery existed', created_at FROM outbox_before_mail",
            )
            .await?;
        drop_tables(manager, &["outbox_before_mail"]).await?;

        manager
            .create_table(
                Table::create()
                    .table("password_resets")
                    .col(id())
                    .col(reference("user_id"))
                    .col(string_len("token_hash", 64))
                    // What the mailed token is derived from; cleared once sent.
                    .col(string_len_null("token_nonce", 64))
                    .col(at("expires_at"))
                    .col(at_null("used_at"))
                    .col(at("created_at"))
                    .foreign_key(&mut fk("password_resets", "user_id", "users", Cascade))
                    .take(),
            )
            .await?;
        create_indexes(
            manager,
            vec![
                index("outbox", &["status", "next_attempt_at"]),
                index("outbox", &["organisation_id"]),
                unique("outbox", &["once_key"]),
                unique("password_resets", &["token_hash"]),
                index("password_resets", &["user_id"]),
                index("clinics", &["starts_at"]),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, &["password_resets"]).await?;
        manager
            .rename_table(
                Table::rename()
                    .table("outbox", "outbox_with_mail")
                    .to_owned(),
            )
            .await?;
        for name in [
            "idx_outbox_status_next_attempt_at",
            "idx_outbox_organisation_id",
            "uq_outbox_once_key",
        ] {
            manager
                .drop_index(Index::drop().name(name).to_owned())
                .await?;
        }
        manager.create_table(old_outbox()).await?;
        manager
            .get_connection()
            .execute_unprepared(
                "INSERT INTO outbox (organisation_id, kind, recipient, subject, body, created_at, sent_at) \
                 SELECT organisation_id, kind, recipient, kind, '', created_at, sent_at FROM outbox_with_mail",
            )
            .await?;
        drop_tables(manager, &["outbox_with_mail"]).await?;
        create_indexes(manager, vec![index("outbox", &["organisation_id"])]).await?;
        manager
            .drop_index(
                Index::drop()
                    .name("idx_clinics_starts_at")
                    .table("clinics")
                    .to_owned(),
            )
            .await?;
        drop(manager, "users", "email_kinds").await?;
        drop(manager, "users", "locale").await?;
        drop(manager, "organisations", "default_locale").await
    }
}
