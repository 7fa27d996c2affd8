//! Mentor profiles, mentoring requests, pairings, session logs, feedback and
//! persisted notifications.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::helpers::{
    at, at_null, create_indexes, create_tables, drop_tables, fk, id, index, int_between, one_of,
    reference, reference_null, unique, unique_where,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use ForeignKeyAction::{Cascade, SetNull};
        create_tables(
            manager,
            vec![
                // active_mentees is maintained with a conditional update when a pairing
                // becomes or stops being ACTIVE, so capacity holds under concurrency.
                Table::create()
                    .table("mentor_profiles")
                    .col(reference("user_id").primary_key())
                    .col(text("bio"))
                    .col(int_between("max_mentees", 1, 20))
                    .col(boolean("accepting_mentees"))
                    .col(
                        integer("active_mentees")
                            .default(0)
                            .check(Expr::col("active_mentees").gte(0)),
                    )
                    .col(at("created_at"))
                    .col(at("updated_at"))
                    .foreign_key(&mut fk("mentor_profiles", "user_id", "users", Cascade))
                    .take(),
                Table::create()
                    .table("mentoring_requests")
                    .col(id())
                    .col(reference("organisation_id"))
                    .col(reference("learner_id"))
                    .col(text("message"))
                    .col(one_of(
                        "status",
                        &["OPEN", "MATCHED", "WITHDRAWN", "CLOSED"],
                    ))
                    .col(at("created_at"))
                    .col(at("updated_at"))
                    .foreign_key(&mut fk(
                        "mentoring_requests",
                        "organisation_id",
                        "organisations",
                        Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "mentoring_requests",
                        "learner_id",
                        "users",
                        Cascade,
                    ))
                    .take(),
                Table::create()
                    .table("mentoring_request_skills")
                    .col(reference("request_id"))
                    .col(reference("skill_id"))
                    .primary_key(Index::create().col("request_id").col("skill_id"))
                    .foreign_key(&mut fk(
                        "mentoring_request_skills",
                        "request_id",
                        "mentoring_requests",
                        Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "mentoring_request_skills",
                        "skill_id",
                        "skills",
                        Cascade,
                    ))
                    .take(),
                Table::create()
                    .table("pairings")
                    .col(id())
                    .col(reference("organisation_id"))
                    .col(reference("request_id"))
                    .col(reference("mentor_id"))
                    .col(reference("learner_id"))
                    .col(reference_null("proposed_by"))
                    .col(one_of(
                        "status",
                        &["PROPOSED", "ACTIVE", "DECLINED", "CANCELLED", "COMPLETED"],
                    ))
                    .col(text("goals"))
                    .col(text_null("cancel_reason"))
                    .col(at("created_at"))
                    .col(at("updated_at"))
                    .col(at_null("responded_at"))
                    .col(at_null("ended_at"))
                    .foreign_key(&mut fk(
                        "pairings",
                        "organisation_id",
                        "organisations",
                        Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "pairings",
                        "request_id",
                        "mentoring_requests",
                        Cascade,
                    ))
                    .foreign_key(&mut fk("pairings", "mentor_id", "users", Cascade))
                    .foreign_key(&mut fk("pairings", "learner_id", "users", Cascade))
                    .foreign_key(&mut fk("pairings", "proposed_by", "users", SetNull))
                    .take(),
                Table::create()
                    .table("mentoring_sessions")
                    .col(id())
                    .col(reference("pairing_id"))
                    .col(reference("author_id"))
                    .col(at("held_at"))
                    .col(int_between("minutes", 1, 1440))
                    .col(text("notes"))
                    .col(text_null("private_note"))
                    .col(at("created_at"))
                    .foreign_key(&mut fk(
                        "mentoring_sessions",
                        "pairing_id",
                        "pairings",
                        Cascade,
                    ))
                    .foreign_key(&mut fk("mentoring_sessions", "author_id", "users", Cascade))
                    .take(),
                Table::create()
                    .table("feedback")
                    .col(id())
                    .col(reference("pairing_id"))
                    .col(reference("author_id"))
                    .col(int_between("rating", 1, 5))
                    .col(text("comment"))
                    .col(at("created_at"))
                    .foreign_key(&mut fk("feedback", "pairing_id", "pairings", Cascade))
                    .foreign_key(&mut fk("feedback", "author_id", "users", Cascade))
                    .take(),
                // subject_type/subject_id name the related object (a Node) by kind and id.
                Table::create()
                    .table("notifications")
                    .col(id())
                    .col(reference("organisation_id"))
                    .col(reference("user_id"))
                    .col(string_len("kind", 64))
                    .col(text("message"))
                    .col(string_len_null("subject_type", 64))
                    .col(big_integer_null("subject_id"))
                    .col(at("created_at"))
                    .col(at_null("read_at"))
                    .foreign_key(&mut fk(
                        "notifications",
                        "organisation_id",
                        "organisations",
                        Cascade,
                    ))
                    .foreign_key(&mut fk("notifications", "user_id", "users", Cascade))
                    .take(),
            ],
        )
        .await?;
        create_indexes(
            manager,
            vec![
                index("mentoring_requests", &["learner_id", "status"]),
                index("mentoring_requests", &["organisation_id", "status"]),
                index("mentoring_request_skills", &["skill_id"]),
                index("pairings", &["request_id"]),
                index("pairings", &["mentor_id", "status"]),
                index("pairings", &["learner_id", "status"]),
                // A mentor and a learner have at most one live pairing.
                unique_where(
                    "uq_pairings_live_pair",
                    "pairings",
                    &["mentor_id", "learner_id"],
                    Expr::col("status").is_in(["PROPOSED", "ACTIVE"]),
                ),
                index("mentoring_sessions", &["pairing_id"]),
                unique("feedback", &["pairing_id", "author_id"]),
                index("notifications", &["user_id", "read_at", "id"]),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(
            manager,
            &[
                "notifications",
                "feedback",
                "mentoring_sessions",
                "pairings",
                "mentoring_request_skills",
                "mentoring_requests",
                "mentor_profiles",
            ],
        )
        .await
    }
}
