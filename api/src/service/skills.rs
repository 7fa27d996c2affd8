//! Reading the skill catalogue: the shared skills plus the organisation's own.

use entity::skill;
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use std::sync::Arc;

use crate::auth::Actor;
use crate::catalogue::Catalogue;
use crate::context::AppState;
use crate::db;
use crate::domain::skills;
use crate::error::{AppError, AppResult};

/// Skills visible in an organisation: the catalogue and its own.
pub fn visible_to(organisation_id: i64) -> Condition {
    Condition::any()
        .add(skill::Column::OrganisationId.is_null())
        .add(skill::Column::OrganisationId.eq(organisation_id))
}

/// Every skill the actor can see, catalogue first, then by name.
#[tracing::instrument(skip_all, fields(organisation = actor.organisation_id, user = actor.user_id))]
pub async fn list(state: &AppState, actor: &Actor) -> AppResult<Vec<skill::Model>> {
    Ok(skill::Entity::find()
        .filter(visible_to(actor.organisation_id))
        .order_by_asc(skill::Column::Kind)
        .order_by_asc(skill::Column::Name)
        .all(&state.db)
        .await?)
}

/// One visible skill, or `NOT_FOUND`.
#[tracing::instrument(skip_all, fields(organisation = actor.organisation_id, user = actor.user_id))]
pub async fn get(state: &AppState, actor: &Actor, id: i64) -> AppResult<skill::Model> {
    skill::Entity::find_by_id(id)
        .filter(visible_to(actor.organisation_id))
        .one(&state.db)
        .await?
        .ok_or(AppError::NotFound("skill"))
}

/// Checks that every id names a skill visible in the organisation; duplicates
/// are dropped. An unknown id is `BAD_USER_INPUT` on `field`.
#[tracing::instrument(skip_all)]
pub async fn require_visible(
    conn: &impl ConnectionTrait,
    organisation_id: i64,
    ids: &[i64],
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
        // Well-formed ids that name no skill the caller can reach.
        return Err(AppError::NotFound("skill"));
    }
    Ok(wanted)
}

/// What `addSkill` needs.
#[derive(Debug, Clone)]
pub struct NewSkill {
    /// Optional machine key; derived from the name when absent.
    pub key: Option<String>,
    pub name: String,
    pub kind: entity::SkillKind,
    pub description: String,
}

/// Adds a skill only the actor's organisation sees (ADMIN).
#[tracing::instrument(skip_all, fields(organisation = actor.organisation_id, user = actor.user_id))]
pub async fn add(state: &AppState, actor: &Actor, input: NewSkill) -> AppResult<skill::Model> {
    crate::auth::permissions::require_admin(actor)?;
    let name = crate::domain::text::required(&input.name, "name", 120, false)?;
    let description = crate::domain::text::optional(&input.description, "description", 1000, true)?;
    // One rule for keys, given or derived (see domain::skills).
    let key = match input
        .key
        .as_deref()
        .map(str::trim)
        .filter(|k| !k.is_empty())
    {
        Some(key) => skills::check_key(key)?,
        None => {
            let derived = skills::key_from_name(&name);
            if derived.is_empty() {
                return Err(AppError::field(
                    "key",
                    "the name gives no key (no letter a-z or digit): give one",
                ));
            }
            derived
        }
    };
    let txn = db::begin_write(state).await?;
    let taken = skill::Entity::find()
        .filter(visible_to(actor.organisation_id))
        .filter(skill::Column::Key.eq(key.as_str()))
        .one(&txn)
        .await?
        .is_some();
    if taken {
        return Err(AppError::field("key", "a skill with this key exists"));
    }
    use sea_orm::{ActiveModelTrait, ActiveValue::Set};
    let created = skill::ActiveModel {
        organisation_id: Set(Some(actor.organisation_id)),
        key: Set(key),
        name: Set(name),
        kind: Set(input.kind),
        description: Set(description),
        created_at: Set(state.clock.now()),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(|err| match AppError::from(err) {
        AppError::Conflict(_) => AppError::field("key", "a skill with this key exists"),
        other => other,
    })?;
    crate::events::emit(crate::events::Event::Catalogue {
        org: actor.organisation_id,
    });
    db::commit(txn, state).await?;
    Ok(created)
}

/// The organisation's catalogue (shared skills and its own), from memory
/// or read and kept (see [`crate::catalogue`]).
#[tracing::instrument(skip_all)]
pub async fn catalogue(state: &AppState, organisation_id: i64) -> AppResult<Arc<Catalogue>> {
    match state.catalogues.get(organisation_id) {
        Some(catalogue) => Ok(catalogue),
        None => reload(state, organisation_id).await,
    }
}

/// The skills of each list of ids, each by name (see
/// [`skills::name_order`]), from the catalogue; an id the kept catalogue
/// lacks (a skill added on another instance a moment ago) reads the
/// catalogue again.
#[tracing::instrument(skip_all)]
pub async fn by_ids(
    state: &AppState,
    organisation_id: i64,
    lists: Vec<Vec<i64>>,
) -> AppResult<Vec<Vec<Arc<skill::Model>>>> {
    let mut catalogue = catalogue(state, organisation_id).await?;
    if lists.iter().flatten().any(|id| !catalogue.contains_key(id)) {
        catalogue = reload(state, organisation_id).await?;
    }
    Ok(lists
        .into_iter()
        .map(|ids| {
            let mut found: Vec<Arc<skill::Model>> = ids
                .iter()
                .filter_map(|id| catalogue.get(id).cloned())
                .collect();
            found.sort_by(|a, b| skills::name_order((&a.name, a.id), (&b.name, b.id)));
            found
        })
        .collect())
}

async fn reload(state: &AppState, organisation_id: i64) -> AppResult<Arc<Catalogue>> {
    let generation = state.catalogues.generation();
    let read: Catalogue = skill::Entity::find()
        .filter(visible_to(organisation_id))
        .all(&state.db)
        .await?
        .into_iter()
        .map(|skill| (skill.id, Arc::new(skill)))
        .collect();
    let read = Arc::new(read);
    state
        .catalogues
        .store(organisation_id, read.clone(), generation);
    Ok(read)
}
