//! Presence: members' social-media channels and the figures they record of
//! them, one snapshot per channel and day.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::helpers::{
    at, create_indexes, create_tables, drop_tables, fk, id, index, one_of, reference, unique,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    /// In one transaction on SQLite too: every statement on one connection,
    /// and a failure leaves nothing half-done.
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use ForeignKeyAction::Cascade;
        create_tables(
            manager,
            vec![
                Table::create()
                    .table("channels")
                    .col(id())
                    .col(reference("organisation_id"))
                    .col(reference("user_id"))
                    .col(reference("platform_id"))
                    .col(string_len("handle", 100))
                    // The handle as compared: lower-case, without a leading @.
                    .col(string_len("handle_key", 100))
                    .col(string_len_null("url", 500))
                    .col(one_of("visibility", &["PRIVATE", "ORGANISATION"]))
                    .col(at("created_at"))
                    .col(at("updated_at"))
                    .foreign_key(&mut fk(
                        "channels",
                        "organisation_id",
                        "organisations",
                        Cascade,
                    ))
                    .foreign_key(&mut fk("channels", "user_id", "users", Cascade))
                    .foreign_key(&mut fk("channels", "platform_id", "skills", Cascade))
                    .take(),
                Table::create()
                    .table("presence_snapshots")
                    .col(id())
                    .col(reference("channel_id"))
                    .col(date("taken_on"))
                    .col(big_integer("followers"))
                    .col(big_integer("posts"))
                    .col(big_integer("reactions"))
                    .col(big_integer("comments"))
                    .col(big_integer("shares"))
                    .col(at("created_at"))
                    .col(at("updated_at"))
                    .foreign_key(&mut fk(
                        "presence_snapshots",
                        "channel_id",
                        "channels",
                        Cascade,
                    ))
                    .take(),
            ],
        )
        .await?;
        create_indexes(
            manager,
            vec![
                unique("channels", &["user_id", "platform_id", "handle_key"]),
                index(
                    "channels",
                    &["organisation_id", "visibility", "platform_id"],
                ),
                unique("presence_snapshots", &["channel_id", "taken_on"]),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, &["presence_snapshots", "channels"]).await
    }
}
