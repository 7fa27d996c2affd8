//! Reading members.

use entity::user;
use sea_orm::EntityTrait;

use crate::auth::{Actor, permissions};
use crate::context::AppState;
use crate::error::{AppError, AppResult};

/// A member of the actor's organisation, or `NOT_FOUND`.
#[tracing::instrument(skip_all, fields(organisation = actor.organisation_id, user = actor.user_id))]
pub async fn get(state: &AppState, actor: &Actor, user_id: i64) -> AppResult<user::Model> {
    get_in(&state.db, actor, user_id).await
}

/// Like [`get`], on any connection.
#[tracing::instrument(skip_all, fields(organisation = actor.organisation_id, user = actor.user_id))]
pub async fn get_in(
    conn: &impl sea_orm::ConnectionTrait,
    actor: &Actor,
    user_id: i64,
) -> AppResult<user::Model> {
    let user = user::Entity::find_by_id(user_id)
        .one(conn)
        .await?
        .ok_or(AppError::NotFound("user"))?;
    permissions::require_same_organisation(actor, user.organisation_id, "user")?;
    Ok(user)
}
