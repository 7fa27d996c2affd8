//! A logged mentoring session.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "mentoring_sessions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub pairing_id: i64,
    pub author_id: i64,
    pub held_at: DateTimeUtc,
    pub minutes: i32,
    pub notes: String,
    pub private_note: Option<String>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
