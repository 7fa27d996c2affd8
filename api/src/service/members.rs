//! Listing members, changing roles, deactivating. An organisation always
//! keeps at least one active ADMIN.

use entity::{Role, organisation, user, user_skill};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseTransaction,
    EntityTrait, PaginatorTrait, QueryFilter, QuerySelect,
};

use super::{paging, reads, sessions};
use crate::auth::{Actor, permissions};
use crate::context::AppState;
use crate::db;
use crate::domain::paging::{PageRequest, Paged};
use crate::domain::text;
use crate::error::{AppError, AppResult};

/// Which members to list.
#[derive(Debug, Clone, Default)]
pub struct MemberFilter {
    pub role: Option<Role>,
    /// Part of a display name or e-mail address, any case.
    pub search: Option<String>,
    pub active: Option<bool>,
    /// Only members who know this skill…
    pub skill_id: Option<i64>,
    /// …at this level or better (1–5; default 1).
    pub min_level: Option<i32>,
}

/// Members of the actor's organisation, in joining order, with what
/// `wants` asks for of each (see [`reads::members`]).
#[tracing::instrument(skip_all, fields(organisation = actor.organisation_id, user = actor.user_id))]
pub async fn list(
    state: &AppState,
    actor: &Actor,
    filter: MemberFilter,
    page: &PageRequest,
    wants: reads::members::Wants,
) -> AppResult<Paged<reads::members::Row>> {
    let select = filtered(actor, filter)?;
    reads::members::page(state, actor, select, page, wants).await
}

/// The actor's organisation's members that pass `filter`.
fn filtered(actor: &Actor, filter: MemberFilter) -> AppResult<sea_orm::Select<user::Entity>> {
    let mut select =
        user::Entity::find().filter(user::Column::OrganisationId.eq(actor.organisation_id));
    if let Some(role) = filter.role {
        select = select.filter(user::Column::Role.eq(role));
    }
    if let Some(active) = filter.active {
        select = select.filter(user::Column::Active.eq(active));
    }
    match (filter.skill_id, filter.min_level) {
        (None, Some(_)) => return Err(AppError::field("minLevel", "minLevel needs a skillId")),
        (Some(_), Some(level)) if !(1..=5).contains(&level) => {
            return Err(AppError::field(
                "minLevel",
                "minLevel must be between 1 and 5",
            ));
        }
        (Some(skill_id), min_level) => {
            select = select.filter(
                user::Column::Id.in_subquery(
                    sea_orm::sea_query::Query::select()
                        .column(user_skill::Column::UserId)
                        .from(user_skill::Entity)
                        .and_where(user_skill::Column::SkillId.eq(skill_id))
                        .and_where(user_skill::Column::Level.gte(min_level.unwrap_or(1)))
                        .to_owned(),
                ),
            );
        }
        (None, None) => {}
    }
    if let Some(term) = text::search_term(filter.search.as_deref())? {
        select = select.filter(paging::containing(
            &term,
            &[user::Column::DisplayName, user::Column::Email],
        ));
    }
    Ok(select)
}

/// Changes a member's role (ADMIN). Demoting the last active admin is a `CONFLICT`.
#[tracing::instrument(skip_all, fields(organisation = actor.organisation_id, user = actor.user_id))]
pub async fn set_role(
    state: &AppState,
    actor: &Actor,
    user_id: i64,
    role: Role,
) -> AppResult<user::Model> {
    permissions::require_admin(actor)?;
    let txn = db::begin_write(state).await?;
    let target = load_for_change(&txn, actor, user_id).await?;
    if target.role == role {
        return Ok(target);
    }
    if target.role == Role::Admin && target.active {
        ensure_another_admin(&txn, actor.organisation_id, target.id).await?;
    }
    let now = state.clock.now();
    // The member signs in again with the new role: every session ends.
    sessions::end_all_sessions(&txn, &target, now).await?;
    if target.role == Role::Admin {
        super::invitations::void_sent_by(&txn, target.id, now).await?;
    }
    let mut active: user::ActiveModel = target.into();
    active.role = Set(role);
    active.updated_at = Set(now);
    let user = active.update(&txn).await?;
    db::commit(txn, state).await?;
    Ok(user)
}

/// Deactivates a member (ADMIN): their tokens stop working at once and their
/// sessions end. Deactivating the last active admin is a `CONFLICT`.
#[tracing::instrument(skip_all, fields(organisation = actor.organisation_id, user = actor.user_id))]
pub async fn deactivate(state: &AppState, actor: &Actor, user_id: i64) -> AppResult<user::Model> {
    permissions::require_admin(actor)?;
    let now = state.clock.now();
    let txn = db::begin_write(state).await?;
    let target = load_for_change(&txn, actor, user_id).await?;
    if !target.active {
        return Ok(target);
    }
    if target.role == Role::Admin {
        ensure_another_admin(&txn, actor.organisation_id, target.id).await?;
    }
    sessions::end_all_sessions(&txn, &target, now).await?;
    super::invitations::void_sent_by(&txn, target.id, now).await?;
    let mut active: user::ActiveModel = target.into();
    active.active = Set(false);
    active.updated_at = Set(now);
    let user = active.update(&txn).await?;
    db::commit(txn, state).await?;
    Ok(user)
}

/// Brings a deactivated member back (ADMIN): they sign in again with their
/// password (or a reset link); their old sessions stay ended.
#[tracing::instrument(skip_all, fields(organisation = actor.organisation_id, user = actor.user_id))]
pub async fn reactivate(state: &AppState, actor: &Actor, user_id: i64) -> AppResult<user::Model> {
    permissions::require_admin(actor)?;
    let now = state.clock.now();
    let txn = db::begin_write(state).await?;
    let target = load_for_change(&txn, actor, user_id).await?;
    if target.active {
        return Ok(target);
    }
    let mut active: user::ActiveModel = target.into();
    active.active = Set(true);
    active.updated_at = Set(now);
    let user = active.update(&txn).await?;
    sessions::account_changed(user.organisation_id, user.id);
    db::commit(txn, state).await?;
    Ok(user)
}

/// Locks the organisation's row (PostgreSQL; SQLite's write transaction is
/// already exclusive) so admin changes are serialised, then loads the target.
async fn load_for_change(
    txn: &DatabaseTransaction,
    actor: &Actor,
    user_id: i64,
) -> AppResult<user::Model> {
    let mut lock = organisation::Entity::find_by_id(actor.organisation_id);
    if db::is_postgres(txn) {
        lock = lock.lock_exclusive();
    }
    lock.one(txn).await?;
    let target = user::Entity::find_by_id(user_id)
        .one(txn)
        .await?
        .ok_or(AppError::NotFound("user"))?;
    permissions::require_same_organisation(actor, target.organisation_id, "user")?;
    Ok(target)
}

async fn ensure_another_admin(
    conn: &impl ConnectionTrait,
    organisation_id: i64,
    except: i64,
) -> AppResult<()> {
    let others = user::Entity::find()
        .filter(user::Column::OrganisationId.eq(organisation_id))
        .filter(user::Column::Role.eq(Role::Admin))
        .filter(user::Column::Active.eq(true))
        .filter(user::Column::Id.ne(except))
        .count(conn)
        .await?;
    if others == 0 {
        return Err(AppError::Conflict(
            "an organisation must keep at least one active admin".into(),
        ));
    }
    Ok(())
}
