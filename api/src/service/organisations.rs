//! Reading organisations.

use entity::organisation;
use sea_orm::EntityTrait;

use crate::auth::{Actor, permissions};
use crate::context::AppState;
use crate::error::{AppError, AppResult};

/// The actor's own organisation, or `NOT_FOUND` for any other id.
#[tracing::instrument(skip_all, fields(organisation = actor.organisation_id, user = actor.user_id))]
pub async fn get(
    state: &AppState,
    actor: &Actor,
    organisation_id: i64,
) -> AppResult<organisation::Model> {
    permissions::require_same_organisation(actor, organisation_id, "organisation")?;
    organisation::Entity::find_by_id(organisation_id)
        .one(&state.db)
        .await?
        .ok_or(AppError::NotFound("organisation"))
}
