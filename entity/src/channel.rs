//! A member's social-media channel: a platform (a `PLATFORM` skill) and a
//! handle, visible to its owner alone or to the organisation.

use sea_orm::entity::prelude::*;

/// Who sees a channel and its figures.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
pub enum Visibility {
    /// The owner alone, everywhere.
    #[sea_orm(string_value = "PRIVATE")]
    Private,
    /// Colleagues, and the organisation's figures.
    #[sea_orm(string_value = "ORGANISATION")]
    Organisation,
}

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "channels")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub organisation_id: i64,
    pub user_id: i64,
    pub platform_id: i64,
    pub handle: String,
    pub handle_key: String,
    pub url: Option<String>,
    pub visibility: Visibility,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
