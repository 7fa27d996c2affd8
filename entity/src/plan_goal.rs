//! One of the organisation's social-media goals: proposed by anyone,
//! decided by an admin, measured from the organisation's presence figures.

use sea_orm::entity::prelude::*;

/// Where a goal stands.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
pub enum GoalStatus {
    /// Waiting for an admin's decision.
    #[sea_orm(string_value = "PROPOSED")]
    Proposed,
    /// Part of the plan, measured until its due day.
    #[sea_orm(string_value = "ACCEPTED")]
    Accepted,
    /// Not taken into the plan.
    #[sea_orm(string_value = "DECLINED")]
    Declined,
    /// Its figure reached the target.
    #[sea_orm(string_value = "ACHIEVED")]
    Achieved,
    /// Its due day passed without reaching the target.
    #[sea_orm(string_value = "MISSED")]
    Missed,
}

/// What a goal measures.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
pub enum Metric {
    #[sea_orm(string_value = "FOLLOWERS")]
    Followers,
    #[sea_orm(string_value = "POSTS")]
    Posts,
    #[sea_orm(string_value = "INTERACTIONS")]
    Interactions,
    #[sea_orm(string_value = "ENGAGEMENT_RATE")]
    EngagementRate,
}

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "plan_goals")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub organisation_id: i64,
    pub proposed_by: Option<i64>,
    pub platform_id: i64,
    pub title: String,
    pub description: String,
    pub metric: Metric,
    pub target: f64,
    pub starts_on: Date,
    pub due_on: Date,
    pub status: GoalStatus,
    pub decided_by: Option<i64>,
    pub decided_at: Option<DateTimeUtc>,
    pub settled_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
