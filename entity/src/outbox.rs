//! A mail to send: written in the transaction of the change that causes it,
//! delivered by a worker in some instance, rendered when it is sent from what
//! `kind` and `subject_id` name (so no secret waits here).

use sea_orm::entity::prelude::*;

use crate::Locale;

/// Where a mail is on its way.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
pub enum MailStatus {
    /// Waiting for its next attempt.
    #[sea_orm(string_value = "PENDING")]
    Pending,
    /// Claimed by a worker until `claimed_until`.
    #[sea_orm(string_value = "SENDING")]
    Sending,
    #[sea_orm(string_value = "SENT")]
    Sent,
    /// Given up on after retrying for a day.
    #[sea_orm(string_value = "FAILED")]
    Failed,
    /// Not sent because it no longer applied (a cancelled clinic, a
    /// deactivated recipient, an invitation revoked meanwhile).
    #[sea_orm(string_value = "DROPPED")]
    Dropped,
}

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "outbox")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub organisation_id: i64,
    pub user_id: Option<i64>,
    pub kind: String,
    pub recipient: String,
    pub locale: Locale,
    pub subject_id: Option<i64>,
    pub once_key: Option<String>,
    pub status: MailStatus,
    pub attempts: i32,
    pub next_attempt_at: DateTimeUtc,
    pub claimed_until: Option<DateTimeUtc>,
    pub last_error: Option<String>,
    pub created_at: DateTimeUtc,
    pub sent_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
