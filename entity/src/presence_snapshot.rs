//! One day's figures of a channel: followers that day; posts, reactions,
//! comments and shares since the snapshot before.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "presence_snapshots")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub channel_id: i64,
    pub taken_on: Date,
    pub followers: i64,
    pub posts: i64,
    pub reactions: i64,
    pub comments: i64,
    pub shares: i64,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
