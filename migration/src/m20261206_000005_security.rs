//! The second security pass: rate limits for every guessable operation
//! (replacing the sign-in attempts table), invitation tokens that are derived
//! rather than stored, and the lease that lets one automatic matching run per
//! organisation at a time.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::helpers::{at, create_indexes, create_tables, drop_tables, id, index, reference};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        create_tables(
            manager,
            vec![
                // One counted attempt of a rate-limited operation: `bucket`
                // names the limit, `key` what it counts by (an account, a
                // client address).
                Table::create()
                    .table("rate_attempts")
                    .col(id())
                    .col(string_len("bucket", 32))
                    .col(string_len("key", 320))
                    .col(at("attempted_at"))
                    .take(),
                // While a row exists and has not expired, an automatic
                // matching runs for the organisation.
                Table::create()
                    .table("automatch_leases")
                    .col(reference("organisation_id").primary_key())
                    .col(string_len("holder", 64))
                    .col(at("expires_at"))
                    .take(),
            ],
        )
        .await?;
        create_indexes(
            manager,
            vec![index("rate_attempts", &["bucket", "key", "attempted_at"])],
        )
        .await?;
        drop_tables(manager, &["login_attempts"]).await?;
        // The secret part of an invitation's token is derived from this nonce
        // and the server's secret when needed, never stored.
        manager
            .alter_table(
                Table::alter()
                    .table("invitations")
                    .add_column(string_len_null("token_nonce", 64))
                    .take(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("invitations")
                    .drop_column("token_nonce")
                    .take(),
            )
            .await?;
        create_tables(
            manager,
            vec![
                Table::create()
                    .table("login_attempts")
                    .col(id())
                    .col(string_len("email", 320))
                    .col(string_len("client_addr", 64))
                    .col(boolean("succeeded"))
                    .col(at("attempted_at"))
                    .take(),
            ],
        )
        .await?;
        create_indexes(
            manager,
            vec![
                index("login_attempts", &["email", "attempted_at"]),
                index("login_attempts", &["client_addr", "attempted_at"]),
            ],
        )
        .await?;
        drop_tables(manager, &["automatch_leases", "rate_attempts"]).await
    }
}
