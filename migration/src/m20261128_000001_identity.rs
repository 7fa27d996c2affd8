//! Organisations, users, invitations, sessions, login attempts, the outbox and
//! server settings.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::helpers::{
    at, at_null, create_indexes, create_tables, drop_tables, fk, id, index, one_of, reference,
    reference_null, unique,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

const ROLES: &[&str] = &["ADMIN", "MEMBER"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use ForeignKeyAction::{Cascade, SetNull};
        create_tables(
            manager,
            vec![
                // Server-wide key/value settings, e.g. the generated JWT secret on SQLite.
                Table::create()
                    .table("server_settings")
                    .col(string_len("key", 64).primary_key())
                    .col(text("value"))
                    .col(at("updated_at"))
                    .take(),
                Table::create()
                    .table("organisations")
                    .col(id())
                    .col(string_len("name", 200))
                    .col(at("created_at"))
                    .col(at("updated_at"))
                    .take(),
                Table::create()
                    .table("users")
                    .col(id())
                    .col(reference("organisation_id"))
                    .col(string_len("email", 320))
                    .col(string_len("password_hash", 256))
                    .col(string_len("display_name", 200))
                    .col(one_of("role", ROLES))
                    .col(boolean("active").default(true))
                    // Bumped whenever role or activity changes, so access tokens
                    // issued before the change stop matching.
                    .col(integer("token_version").default(0))
                    .col(string_len("calendar_token", 64))
                    .col(at("created_at"))
                    .col(at("updated_at"))
                    .foreign_key(&mut fk(
                        "users",
                        "organisation_id",
                        "organisations",
                        Cascade,
                    ))
                    .take(),
                Table::create()
                    .table("invitations")
                    .col(id())
                    .col(reference("organisation_id"))
                    .col(string_len("email", 320))
                    .col(one_of("role", ROLES))
                    .col(string_len("token_hash", 64))
                    .col(reference_null("invited_by"))
                    .col(reference_null("accepted_user_id"))
                    .col(at("expires_at"))
                    .col(at_null("accepted_at"))
                    .col(at_null("revoked_at"))
                    .col(at("created_at"))
                    .foreign_key(&mut fk(
                        "invitations",
                        "organisation_id",
                        "organisations",
                        Cascade,
                    ))
                    .foreign_key(&mut fk("invitations", "invited_by", "users", SetNull))
                    .foreign_key(&mut fk("invitations", "accepted_user_id", "users", SetNull))
                    .take(),
                // One row per refresh token ever issued; a family is one login's chain of
                // rotations. Only the SHA-256 of a token is stored.
                Table::create()
                    .table("refresh_tokens")
                    .col(id())
                    .col(reference("user_id"))
                    .col(string_len("family", 64))
                    .col(string_len("token_hash", 64))
                    .col(at("created_at"))
                    .col(at("expires_at"))
                    .col(at("family_expires_at"))
                    .col(at_null("used_at"))
                    .col(at_null("revoked_at"))
                    .foreign_key(&mut fk("refresh_tokens", "user_id", "users", Cascade))
                    .take(),
                Table::create()
                    .table("login_attempts")
                    .col(id())
                    .col(string_len("email", 320))
                    .col(string_len("client_addr", 64))
                    .col(boolean("succeeded"))
                    .col(at("attempted_at"))
                    .take(),
                // Messages that would be mailed; there is no mail server.
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
                        Cascade,
                    ))
                    .take(),
            ],
        )
        .await?;
        create_indexes(
            manager,
            vec![
                unique("users", &["email"]),
                unique("users", &["calendar_token"]),
                index("users", &["organisation_id", "role"]),
                unique("invitations", &["token_hash"]),
                index("invitations", &["organisation_id"]),
                unique("refresh_tokens", &["token_hash"]),
                index("refresh_tokens", &["family"]),
                index("refresh_tokens", &["user_id"]),
                index("login_attempts", &["email", "attempted_at"]),
                index("login_attempts", &["client_addr", "attempted_at"]),
                index("outbox", &["organisation_id"]),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(
            manager,
            &[
                "outbox",
                "login_attempts",
                "refresh_tokens",
                "invitations",
                "users",
                "organisations",
                "server_settings",
            ],
        )
        .await
    }
}
