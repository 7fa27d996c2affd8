//! Reading members, and a member's own settings.

use entity::{Locale, user};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait};

use crate::auth::{Actor, permissions};
use crate::context::AppState;
use crate::db;
use crate::domain::mail::store_email_kinds;
use crate::domain::notifications::Kind;
use crate::domain::text;
use crate::error::{AppError, AppResult};

/// What a member may change of their own account; `None` leaves it.
#[derive(Debug, Clone, Default)]
pub struct MySettings {
    pub display_name: Option<String>,
    pub locale: Option<Locale>,
    pub email_kinds: Option<Vec<Kind>>,
}

/// Changes the actor's own name, language or e-mailed notification kinds.
#[tracing::instrument(skip_all, fields(organisation = actor.organisation_id, user = actor.user_id))]
pub async fn update_me(
    state: &AppState,
    actor: &Actor,
    settings: MySettings,
) -> AppResult<user::Model> {
    let display_name = settings
        .display_name
        .map(|name| text::required(&name, "displayName", 200, false))
        .transpose()?;
    if settings
        .email_kinds
        .as_ref()
        .is_some_and(|kinds| kinds.contains(&Kind::Other))
    {
        return Err(AppError::field(
            "emailNotifications",
            "OTHER is not a kind that can be chosen",
        ));
    }
    let now = state.clock.now();
    let txn = db::begin_write(state).await?;
    let me = user::Entity::find_by_id(actor.user_id)
        .one(&*txn)
        .await?
        .filter(|u| u.active)
        .ok_or(AppError::Unauthenticated("session no longer valid"))?;
    let mut active: user::ActiveModel = me.into();
    if let Some(name) = display_name {
        active.display_name = Set(name);
    }
    if let Some(locale) = settings.locale {
        active.locale = Set(locale);
    }
    if let Some(kinds) = settings.email_kinds {
        active.email_kinds = Set(store_email_kinds(&kinds));
    }
    active.updated_at = Set(now);
    let me = active.update(&*txn).await?;
    db::commit(txn, state).await?;
    Ok(me)
}

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
