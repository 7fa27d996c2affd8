//! Reading the skill catalogue: the shared skills plus the organisation's own.

use entity::skill;
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::auth::Actor;
use crate::context::AppState;
use crate::error::{AppError, AppResult};

/// Skills visible in an organisation: the catalogue and its own.
pub fn visible_to(organisation_id: i64) -> Condition {
    Condition::any()
        .add(skill::Column::OrganisationId.is_null())
        .add(skill::Column::OrganisationId.eq(organisation_id))
}

/// Every skill the actor can see, catalogue first, then by name.
pub async fn list(state: &AppState, actor: &Actor) -> AppResult<Vec<skill::Model>> {
    Ok(skill::Entity::find()
        .filter(visible_to(actor.organisation_id))
        .order_by_asc(skill::Column::Kind)
        .order_by_asc(skill::Column::Name)
        .all(&state.db)
        .await?)
}

/// One visible skill, or `NOT_FOUND`.
pub async fn get(state: &AppState, actor: &Actor, id: i64) -> AppResult<skill::Model> {
    skill::Entity::find_by_id(id)
        .filter(visible_to(actor.organisation_id))
        .one(&state.db)
        .await?
        .ok_or(AppError::NotFound("skill"))
}

/// Checks that every id names a skill visible in the organisation; duplicates
/// are dropped. An unknown id is `BAD_USER_INPUT` on `field`.
pub async fn require_visible(
    conn: &impl ConnectionTrait,
    organisation_id: i64,
    ids: &[i64],
    field: &'static str,
) -> AppResult<Vec<i64>> {
    let mut wanted: Vec<i64> = ids.to_vec();
    wanted.sort_unstable();
    wanted.dedup();
    if wanted.is_empty() {
        return Ok(wanted);
    }
    let found = skill::Entity::find()
        .filter(visible_to(organisation_id))
        .filter(skill::Column::Id.is_in(wanted.clone()))
        .all(conn)
        .await?;
    if found.len() != wanted.len() {
        return Err(AppError::field(field, "unknown skill"));
    }
    Ok(wanted)
}
