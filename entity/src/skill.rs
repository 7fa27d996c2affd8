//! A skill of the catalogue (no organisation) or of one organisation.

use sea_orm::entity::prelude::*;

/// What kind of skill.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
pub enum SkillKind {
    #[sea_orm(string_value = "PLATFORM")]
    Platform,
    #[sea_orm(string_value = "COMPETENCY")]
    Competency,
}

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "skills")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub organisation_id: Option<i64>,
    pub key: String,
    pub name: String,
    pub kind: SkillKind,
    pub description: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
