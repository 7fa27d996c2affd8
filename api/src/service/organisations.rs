//! Reading organisations, and their settings.

use entity::{Locale, organisation};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait};

use crate::auth::{Actor, permissions};
use crate::context::AppState;
use crate::db;
use crate::error::{AppError, AppResult};

/// Sets the language new members of the actor's organisation start with (ADMIN).
#[tracing::instrument(skip_all, fields(organisation = actor.organisation_id, user = actor.user_id))]
pub async fn set_default_locale(
    state: &AppState,
    actor: &Actor,
    locale: Locale,
) -> AppResult<organisation::Model> {
    permissions::require_admin(actor)?;
    let now = state.clock.now();
    let txn = db::begin_write(state).await?;
    let found = organisation::Entity::find_by_id(actor.organisation_id)
        .one(&*txn)
        .await?
        .ok_or(AppError::NotFound("organisation"))?;
    let mut active: organisation::ActiveModel = found.into();
    active.default_locale = Set(locale);
    active.updated_at = Set(now);
    let updated = active.update(&*txn).await?;
    db::commit(txn, state).await?;
    Ok(updated)
}

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
