//! Anything with a capacity and a waitlist (a clinic, a course).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "seat_pools")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub organisation_id: i64,
    /// None = unlimited.
    pub capacity: Option<i32>,
    pub confirmed_count: i32,
    /// Waitlisted claims, kept by the seat engine like `confirmed_count`.
    pub waitlisted_count: i32,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
