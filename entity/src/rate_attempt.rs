//! One counted attempt of a rate-limited operation.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "rate_attempts")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// Which limit counts it.
    pub bucket: String,
    /// What the limit counts by: an account's address, a client address.
    pub key: String,
    pub attempted_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
