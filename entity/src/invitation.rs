//! An invitation to join an organisation; single use, stored by token hash.

use sea_orm::entity::prelude::*;

use crate::user::Role;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "invitations")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub organisation_id: i64,
    pub email: String,
    pub role: Role,
    pub token_hash: String,
    /// With the server's secret, gives the token (see the api crate's
    /// `service::invitations`); the token itself is never stored.
    pub token_nonce: Option<String>,
    pub invited_by: Option<i64>,
    pub accepted_user_id: Option<i64>,
    pub expires_at: DateTimeUtc,
    pub accepted_at: Option<DateTimeUtc>,
    pub revoked_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
