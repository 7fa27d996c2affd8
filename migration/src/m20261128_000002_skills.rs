//! The skill catalogue, self-assessed levels and learning goals. The shared
//! catalogue (rows with no organisation) ships with this migration.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::helpers::{
    at, create_indexes, create_tables, drop_tables, fk, id, index, int_between, one_of, reference,
    reference_null, unique_where,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// (key, name, kind, description) of every skill in the shared catalogue.
const CATALOGUE: &[(&str, &str, &str, &str)] = &[
    (
        "facebook",
        "Facebook",
        "PLATFORM",
        "Pages, groups, events and the Facebook audience.",
    ),
    (
        "linkedin",
        "LinkedIn",
        "PLATFORM",
        "Professional networking, company pages and thought leadership.",
    ),
    (
        "x",
        "X",
        "PLATFORM",
        "Short public posts, threads and real-time conversation on X (formerly Twitter).",
    ),
    (
        "instagram",
        "Instagram",
        "PLATFORM",
        "Photos, reels and stories on Instagram.",
    ),
    (
        "tiktok",
        "TikTok",
        "PLATFORM",
        "Short vertical video and trends on TikTok.",
    ),
    (
        "youtube",
        "YouTube",
        "PLATFORM",
        "Video channels, shorts and search on YouTube.",
    ),
    (
        "whatsapp",
        "WhatsApp",
        "PLATFORM",
        "Channels, groups and one-to-one messaging on WhatsApp.",
    ),
    (
        "short-posts",
        "Writing short posts",
        "COMPETENCY",
        "Saying one thing clearly in a few words, with a hook and a call to action.",
    ),
    (
        "content-that-travels",
        "Knowing what content travels",
        "COMPETENCY",
        "Recognising what people react to and share, and why.",
    ),
    (
        "community-engagement",
        "Community engagement and replying",
        "COMPETENCY",
        "Answering comments, starting conversations and keeping them civil.",
    ),
    (
        "social-customer-service",
        "Customer service on social media",
        "COMPETENCY",
        "Handling questions and complaints in public and in direct messages.",
    ),
    (
        "branding",
        "Personal and employer branding",
        "COMPETENCY",
        "Presenting yourself and the organisation as a place people want to work with.",
    ),
    (
        "measuring-influence",
        "Measuring reach and influence",
        "COMPETENCY",
        "Reading analytics: reach, engagement and what actually moved people.",
    ),
    (
        "safety-policy",
        "Safety, privacy and policy",
        "COMPETENCY",
        "Staying safe, protecting privacy and following the organisation's social-media policy.",
    ),
    (
        "visual-content",
        "Visual content",
        "COMPETENCY",
        "Images, short video and graphics that work on a small screen.",
    ),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use ForeignKeyAction::Cascade;
        create_tables(
            manager,
            vec![
                // organisation_id NULL marks the shared catalogue.
                Table::create()
                    .table("skills")
                    .col(id())
                    .col(reference_null("organisation_id"))
                    .col(string_len("key", 64))
                    .col(string_len("name", 120))
                    .col(one_of("kind", &["PLATFORM", "COMPETENCY"]))
                    .col(text("description"))
                    .col(at("created_at"))
                    .foreign_key(&mut fk(
                        "skills",
                        "organisation_id",
                        "organisations",
                        Cascade,
                    ))
                    .take(),
                Table::create()
                    .table("user_skills")
                    .col(reference("user_id"))
                    .col(reference("skill_id"))
                    .col(int_between("level", 1, 5))
                    .col(at("updated_at"))
                    .primary_key(Index::create().col("user_id").col("skill_id"))
                    .foreign_key(&mut fk("user_skills", "user_id", "users", Cascade))
                    .foreign_key(&mut fk("user_skills", "skill_id", "skills", Cascade))
                    .take(),
                Table::create()
                    .table("learning_goals")
                    .col(reference("user_id"))
                    .col(reference("skill_id"))
                    .col(at("created_at"))
                    .primary_key(Index::create().col("user_id").col("skill_id"))
                    .foreign_key(&mut fk("learning_goals", "user_id", "users", Cascade))
                    .foreign_key(&mut fk("learning_goals", "skill_id", "skills", Cascade))
                    .take(),
            ],
        )
        .await?;
        create_indexes(
            manager,
            vec![
                unique_where(
                    "uq_skills_catalogue_key",
                    "skills",
                    &["key"],
                    Expr::col("organisation_id").is_null(),
                ),
                unique_where(
                    "uq_skills_organisation_key",
                    "skills",
                    &["organisation_id", "key"],
                    Expr::col("organisation_id").is_not_null(),
                ),
                index("user_skills", &["skill_id", "level"]),
                index("learning_goals", &["skill_id"]),
            ],
        )
        .await?;

        let now = chrono::Utc::now();
        let mut insert = Query::insert();
        insert
            .into_table("skills")
            .columns(["key", "name", "kind", "description", "created_at"]);
        for (key, name, kind, description) in CATALOGUE {
            insert.values_panic([
                (*key).into(),
                (*name).into(),
                (*kind).into(),
                (*description).into(),
                now.into(),
            ]);
        }
        manager.exec_stmt(insert).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, &["learning_goals", "user_skills", "skills"]).await
    }
}
