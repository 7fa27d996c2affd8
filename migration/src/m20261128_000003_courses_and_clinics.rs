//! Courses, lessons, clinics and their series, and the seat tables that back
//! both course enrolments and clinic registrations.
//!
//! A *seat pool* is anything with a capacity and a waitlist; a *seat* is one
//! person's claim on a pool. A course enrolment and a clinic registration are
//! both seats, so one mechanism enforces the seat rules for both.

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
        use ForeignKeyAction::{Cascade, Restrict, SetNull};
        create_tables(
            manager,
            vec![
                // capacity NULL = unlimited. confirmed_count is maintained by the seat
                // engine inside the same transaction as the seat rows it counts.
                Table::create()
                    .table("seat_pools")
                    .col(id())
                    .col(reference("organisation_id"))
                    .col(integer_null("capacity").check(Expr::col("capacity").gte(0)))
                    .col(
                        integer("confirmed_count")
                            .default(0)
                            .check(Expr::col("confirmed_count").gte(0)),
                    )
                    .col(at("created_at"))
                    .foreign_key(&mut fk(
                        "seat_pools",
                        "organisation_id",
                        "organisations",
                        Cascade,
                    ))
                    .take(),
                Table::create()
                    .table("seats")
                    .col(id())
                    .col(reference("pool_id"))
                    .col(reference("user_id"))
                    .col(one_of(
                        "status",
                        &["CONFIRMED", "WAITLISTED", "CANCELLED", "COMPLETED"],
                    ))
                    .col(boolean_null("attended"))
                    .col(at("created_at"))
                    .col(at("updated_at"))
                    .col(at_null("confirmed_at"))
                    .col(at_null("cancelled_at"))
                    .col(at_null("completed_at"))
                    .foreign_key(&mut fk("seats", "pool_id", "seat_pools", Cascade))
                    .foreign_key(&mut fk("seats", "user_id", "users", Cascade))
                    .take(),
                Table::create()
                    .table("courses")
                    .col(id())
                    .col(reference("organisation_id"))
                    .col(reference("seat_pool_id"))
                    .col(string_len("title", 200))
                    .col(text("summary"))
                    .col(one_of("status", &["DRAFT", "PUBLISHED", "ARCHIVED"]))
                    .col(reference_null("created_by"))
                    .col(at("created_at"))
                    .col(at("updated_at"))
                    .col(at_null("published_at"))
                    .col(at_null("archived_at"))
                    .foreign_key(&mut fk(
                        "courses",
                        "organisation_id",
                        "organisations",
                        Cascade,
                    ))
                    .foreign_key(&mut fk("courses", "seat_pool_id", "seat_pools", Restrict))
                    .foreign_key(&mut fk("courses", "created_by", "users", SetNull))
                    .take(),
                Table::create()
                    .table("course_skills")
                    .col(reference("course_id"))
                    .col(reference("skill_id"))
                    .primary_key(Index::create().col("course_id").col("skill_id"))
                    .foreign_key(&mut fk("course_skills", "course_id", "courses", Cascade))
                    .foreign_key(&mut fk("course_skills", "skill_id", "skills", Cascade))
                    .take(),
                Table::create()
                    .table("lessons")
                    .col(id())
                    .col(reference("course_id"))
                    .col(integer("position"))
                    .col(string_len("title", 200))
                    .col(text("body"))
                    .col(int_between("estimated_minutes", 1, 1440))
                    .col(at("created_at"))
                    .col(at("updated_at"))
                    .foreign_key(&mut fk("lessons", "course_id", "courses", Cascade))
                    .take(),
                Table::create()
                    .table("lesson_completions")
                    .col(reference("seat_id"))
                    .col(reference("lesson_id"))
                    .col(at("completed_at"))
                    .primary_key(Index::create().col("seat_id").col("lesson_id"))
                    .foreign_key(&mut fk("lesson_completions", "seat_id", "seats", Cascade))
                    .foreign_key(&mut fk(
                        "lesson_completions",
                        "lesson_id",
                        "lessons",
                        Cascade,
                    ))
                    .take(),
                Table::create()
                    .table("clinic_series")
                    .col(id())
                    .col(reference("organisation_id"))
                    .col(string_len("timezone", 64))
                    .col(string_len("rule", 120))
                    .col(reference_null("created_by"))
                    .col(at("created_at"))
                    .foreign_key(&mut fk(
                        "clinic_series",
                        "organisation_id",
                        "organisations",
                        Cascade,
                    ))
                    .foreign_key(&mut fk("clinic_series", "created_by", "users", SetNull))
                    .take(),
                Table::create()
                    .table("clinics")
                    .col(id())
                    .col(reference("organisation_id"))
                    .col(reference_null("series_id"))
                    .col(reference("seat_pool_id"))
                    .col(reference("facilitator_id"))
                    .col(string_len("title", 200))
                    .col(text("description"))
                    .col(at("starts_at"))
                    .col(at("ends_at"))
                    .col(string_len("timezone", 64))
                    .col(string_len_null("location", 300))
                    .col(string_len_null("online_url", 2048))
                    .col(one_of("status", &["SCHEDULED", "CANCELLED"]))
                    .col(text_null("cancel_reason"))
                    .col(at_null("cancelled_at"))
                    .col(at("created_at"))
                    .col(at("updated_at"))
                    .check((
                        "ck_clinics_ends_after_start",
                        Expr::col("ends_at").gt(Expr::col("starts_at")),
                    ))
                    .foreign_key(&mut fk(
                        "clinics",
                        "organisation_id",
                        "organisations",
                        Cascade,
                    ))
                    .foreign_key(&mut fk("clinics", "series_id", "clinic_series", SetNull))
                    .foreign_key(&mut fk("clinics", "seat_pool_id", "seat_pools", Restrict))
                    .foreign_key(&mut fk("clinics", "facilitator_id", "users", Restrict))
                    .take(),
                Table::create()
                    .table("clinic_skills")
                    .col(reference("clinic_id"))
                    .col(reference("skill_id"))
                    .primary_key(Index::create().col("clinic_id").col("skill_id"))
                    .foreign_key(&mut fk("clinic_skills", "clinic_id", "clinics", Cascade))
                    .foreign_key(&mut fk("clinic_skills", "skill_id", "skills", Cascade))
                    .take(),
            ],
        )
        .await?;
        create_indexes(
            manager,
            vec![
                // Seat rule 6: nobody holds two live seats in one pool.
                unique_where(
                    "uq_seats_live_holder",
                    "seats",
                    &["pool_id", "user_id"],
                    Expr::col("status").is_in(["CONFIRMED", "WAITLISTED", "COMPLETED"]),
                ),
                index("seats", &["pool_id", "status", "id"]),
                index("seats", &["user_id", "status"]),
                index("seat_pools", &["organisation_id"]),
                unique("courses", &["seat_pool_id"]),
                index("courses", &["organisation_id", "status"]),
                index("course_skills", &["skill_id"]),
                index("lessons", &["course_id", "position"]),
                index("lesson_completions", &["lesson_id"]),
                index("clinic_series", &["organisation_id"]),
                unique("clinics", &["seat_pool_id"]),
                index("clinics", &["organisation_id", "starts_at"]),
                index("clinics", &["facilitator_id", "starts_at"]),
                index("clinics", &["series_id"]),
                index("clinic_skills", &["skill_id"]),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(
            manager,
            &[
                "clinic_skills",
                "clinics",
                "clinic_series",
                "lesson_completions",
                "lessons",
                "course_skills",
                "courses",
                "seats",
                "seat_pools",
            ],
        )
        .await
    }
}
