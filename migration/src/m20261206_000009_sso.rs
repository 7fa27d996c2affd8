//! Single sign-on: an organisation's OpenID provider settings, the flows in
//! progress (so any instance can finish a flow another started), the
//! one-time codes a finished flow hands the frontend, and whether a session
//! was opened through the provider.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::helpers::{at, at_null, create_indexes, drop_tables, fk, id, index, reference, unique};

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
        crate::helpers::create_tables(
            manager,
            vec![
                Table::create()
                    .table("sso_settings")
                    .col(id())
                    .col(reference("organisation_id"))
                    .col(string_len("issuer", 500))
                    .col(string_len("client_id", 300))
                    .col(string_len("client_secret", 500))
                    // Lower-case domains, comma-separated.
                    .col(string_len("allowed_domains", 2000))
                    .col(boolean("password_login"))
                    .col(boolean("enabled"))
                    .col(at("created_at"))
                    .col(at("updated_at"))
                    .foreign_key(&mut fk(
                        "sso_settings",
                        "organisation_id",
                        "organisations",
                        Cascade,
                    ))
                    .take(),
                Table::create()
                    .table("sso_flows")
                    .col(id())
                    .col(reference("organisation_id"))
                    .col(string_len("state_hash", 64))
                    .col(string_len("nonce", 128))
                    .col(string_len("pkce_verifier", 128))
                    .col(string_len("redirect_uri", 2000))
                    .col(at("expires_at"))
                    .col(at_null("used_at"))
                    .col(at("created_at"))
                    .foreign_key(&mut fk(
                        "sso_flows",
                        "organisation_id",
                        "organisations",
                        Cascade,
                    ))
                    .take(),
                Table::create()
                    .table("sso_codes")
                    .col(id())
                    .col(reference("user_id"))
                    .col(string_len("code_hash", 64))
                    .col(at("expires_at"))
                    .col(at_null("used_at"))
                    .col(at("created_at"))
                    .foreign_key(&mut fk("sso_codes", "user_id", "users", Cascade))
                    .take(),
            ],
        )
        .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("refresh_tokens")
                    .add_column(boolean("via_sso").default(false))
                    .to_owned(),
            )
            .await?;
        create_indexes(
            manager,
            vec![
                unique("sso_settings", &["organisation_id"]),
                unique("sso_flows", &["state_hash"]),
                index("sso_flows", &["expires_at"]),
                unique("sso_codes", &["code_hash"]),
                index("sso_codes", &["user_id"]),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("refresh_tokens")
                    .drop_column("via_sso")
                    .to_owned(),
            )
            .await?;
        drop_tables(manager, &["sso_codes", "sso_flows", "sso_settings"]).await
    }
}
