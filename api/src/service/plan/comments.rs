//! Comments on plan goals: plain text, oldest first; their author edits or
//! deletes them for [`EDIT_WINDOW`](crate::domain::plan::EDIT_WINDOW), an
//! admin removes any. A deleted comment keeps its place, without its words.

use entity::{plan_comment, plan_goal};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QuerySelect,
};

use crate::auth::{Actor, permissions};
use crate::context::AppState;
use crate::db;
use crate::domain::paging::{PageRequest, Paged};
use crate::domain::plan::{self, comment_open};
use crate::domain::text;
use crate::error::{AppError, AppResult};
use crate::service::notifications::{self, Kind, New};

fn words(raw: &str) -> AppResult<String> {
    text::required(raw, "text", plan::MAX_TEXT, true)
}

/// Comments on a goal the actor may see (any member); the goal's proposer
/// and everyone who commented before are told.
#[tracing::instrument(skip_all, fields(organisation = actor.organisation_id, user = actor.user_id))]
pub async fn comment(
    state: &AppState,
    actor: &Actor,
    goal_id: i64,
    raw: &str,
) -> AppResult<plan_comment::Model> {
    let text = words(raw)?;
    let now = state.clock.now();
    let txn = db::begin_write(state).await?;
    let goal = super::find(&*txn, actor, goal_id).await?;
    let written = plan_comment::ActiveModel {
        organisation_id: Set(goal.organisation_id),
        goal_id: Set(goal.id),
        author_id: Set(Some(actor.user_id)),
        text: Set(text),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&*txn)
    .await?;
    for reader in readers(&*txn, &goal, actor.user_id).await? {
        notifications::notify(
            &*txn,
            New {
                organisation_id: goal.organisation_id,
                user_id: reader,
                kind: Kind::PlanGoalCommented,
                message: format!("New comment on the goal \"{}\"", goal.title),
                subject: Some(("PlanGoal", goal.id)),
            },
            now,
        )
        .await?;
    }
    db::commit(txn, state).await?;
    Ok(written)
}

/// Who hears of a new comment: the proposer and earlier commenters, but
/// not its author.
async fn readers(
    conn: &impl ConnectionTrait,
    goal: &plan_goal::Model,
    author: i64,
) -> AppResult<Vec<i64>> {
    let mut readers: Vec<i64> = plan_comment::Entity::find()
        .select_only()
        .column(plan_comment::Column::AuthorId)
        .filter(plan_comment::Column::GoalId.eq(goal.id))
        .filter(plan_comment::Column::AuthorId.is_not_null())
        .distinct()
        .into_tuple::<Option<i64>>()
        .all(conn)
        .await?
        .into_iter()
        .flatten()
        .collect();
    readers.extend(goal.proposed_by);
    readers.sort_unstable();
    readers.dedup();
    readers.retain(|r| *r != author);
    Ok(readers)
}

/// A comment the actor may see, or `NOT_FOUND`.
#[tracing::instrument(skip_all, fields(organisation = actor.organisation_id, user = actor.user_id))]
pub async fn get(state: &AppState, actor: &Actor, id: i64) -> AppResult<plan_comment::Model> {
    find(&state.db, actor, id).await
}

async fn find(
    conn: &impl ConnectionTrait,
    actor: &Actor,
    id: i64,
) -> AppResult<plan_comment::Model> {
    plan_comment::Entity::find_by_id(id)
        .one(conn)
        .await?
        .filter(|c| permissions::may_see_goal(actor, c.organisation_id))
        .ok_or(AppError::NotFound("comment"))
}

/// Changes the words of the actor's own comment, within its edit window.
#[tracing::instrument(skip_all, fields(organisation = actor.organisation_id, user = actor.user_id))]
pub async fn edit(
    state: &AppState,
    actor: &Actor,
    id: i64,
    raw: &str,
) -> AppResult<plan_comment::Model> {
    let text = words(raw)?;
    let now = state.clock.now();
    let txn = db::begin_write(state).await?;
    let found = find(&*txn, actor, id).await?;
    let open = comment_open(found.created_at, found.removed_at.is_some(), now);
    if !permissions::may_edit_comment(actor, found.author_id, open) {
        return Err(refusal(actor, &found));
    }
    let mut row: plan_comment::ActiveModel = found.into();
    row.text = Set(text);
    row.edited_at = Set(Some(now));
    let edited = row.update(&*txn).await?;
    db::commit(txn, state).await?;
    Ok(edited)
}

/// Deletes a comment: its author within the edit window, an admin at any
/// time. It keeps its place in the list, shown as removed, without words.
#[tracing::instrument(skip_all, fields(organisation = actor.organisation_id, user = actor.user_id))]
pub async fn remove(state: &AppState, actor: &Actor, id: i64) -> AppResult<plan_comment::Model> {
    let now = state.clock.now();
    let txn = db::begin_write(state).await?;
    let found = find(&*txn, actor, id).await?;
    let open = comment_open(found.created_at, found.removed_at.is_some(), now);
    if !permissions::may_remove_comment(actor, found.organisation_id, found.author_id, open) {
        return Err(refusal(actor, &found));
    }
    if found.removed_at.is_some() {
        db::commit(txn, state).await?;
        return Ok(found);
    }
    plan_comment::Entity::update_many()
        .col_expr(plan_comment::Column::Text, Expr::value(""))
        .col_expr(plan_comment::Column::RemovedAt, Expr::value(now))
        .col_expr(plan_comment::Column::RemovedBy, Expr::value(actor.user_id))
        .filter(plan_comment::Column::Id.eq(found.id))
        .exec(&*txn)
        .await?;
    let removed = find(&*txn, actor, id).await?;
    db::commit(txn, state).await?;
    Ok(removed)
}

/// Why the actor may not change a comment they can see.
fn refusal(actor: &Actor, comment: &plan_comment::Model) -> AppError {
    if comment.author_id != Some(actor.user_id) {
        AppError::Forbidden("only its author changes a comment")
    } else if comment.removed_at.is_some() {
        AppError::Forbidden("the comment was removed")
    } else {
        AppError::Forbidden("a comment can be changed for 15 minutes after it is written")
    }
}

/// One page of a visible goal's comments, oldest first.
#[tracing::instrument(skip_all)]
pub async fn list(
    state: &AppState,
    goal: &plan_goal::Model,
    page: &PageRequest,
) -> AppResult<Paged<plan_comment::Model>> {
    let select = plan_comment::Entity::find().filter(plan_comment::Column::GoalId.eq(goal.id));
    crate::service::paging::fetch(&state.db, select, plan_comment::Column::Id, page).await
}
