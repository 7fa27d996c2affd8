//! Presence: a member's channels and the figures they record, and the
//! organisation's report. Who sees a channel is
//! [`permissions::may_see_channel`]: a `PRIVATE` channel is its owner's
//! alone, everywhere; only its owner changes it or records its figures.

use chrono::{Datelike, NaiveDate};
use entity::{SkillKind, Visibility, channel, presence_snapshot};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect,
};

use crate::auth::{Actor, permissions};
use crate::context::AppState;
use crate::db;
use crate::domain::clinics::link;
use crate::domain::paging::{PageRequest, Paged, Position};
use crate::domain::presence::{self, Figures, Growth};
use crate::domain::text;
use crate::error::{AppError, AppResult};

/// A channel to add, or what to change of one (`None` keeps it).
#[derive(Debug, Clone, Default)]
pub struct ChannelInput {
    pub platform_id: Option<i64>,
    pub handle: Option<String>,
    pub url: Option<Option<String>>,
    pub visibility: Option<Visibility>,
}

fn handle(raw: &str) -> AppResult<(String, String)> {
    let handle = text::required(raw, "handle", 100, false)?;
    let key = handle.trim_start_matches('@').to_lowercase();
    if key.is_empty() {
        return Err(AppError::field("handle", "handle is required"));
    }
    Ok((handle, key))
}

/// The unique platform-and-handle rule, said as the member would.
fn taken(err: sea_orm::DbErr) -> AppError {
    match AppError::from(err) {
        AppError::Conflict(_) => AppError::Conflict(
            "you already have a channel with this handle on this platform".into(),
        ),
        other => other,
    }
}

/// Adds a channel of the actor's on a `PLATFORM` skill of their
/// organisation's catalogue; the same platform and handle twice is `CONFLICT`.
#[tracing::instrument(skip_all, fields(organisation = actor.organisation_id, user = actor.user_id))]
pub async fn add(
    state: &AppState,
    actor: &Actor,
    input: ChannelInput,
) -> AppResult<channel::Model> {
    let platform_id = input
        .platform_id
        .ok_or_else(|| AppError::field("platformId", "platformId is required"))?;
    let (handle, key) = handle(input.handle.as_deref().unwrap_or(""))?;
    let url = link(input.url.flatten().as_deref(), "url")?;
    let platform = super::skills::get(state, actor, platform_id)
        .await
        .map_err(|_| AppError::field("platformId", "no such platform"))?;
    if platform.kind != SkillKind::Platform {
        return Err(AppError::field(
            "platformId",
            "a channel is on a PLATFORM skill",
        ));
    }
    let now = state.clock.now();
    let txn = db::begin_write(state).await?;
    let added = channel::ActiveModel {
        organisation_id: Set(actor.organisation_id),
        user_id: Set(actor.user_id),
        platform_id: Set(platform.id),
        handle: Set(handle),
        handle_key: Set(key),
        url: Set(url),
        visibility: Set(input.visibility.unwrap_or(Visibility::Organisation)),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&*txn)
    .await
    .map_err(taken)?;
    db::commit(txn, state).await?;
    Ok(added)
}

/// A channel the actor may see, or `NOT_FOUND`.
#[tracing::instrument(skip_all, fields(organisation = actor.organisation_id, user = actor.user_id))]
pub async fn get(state: &AppState, actor: &Actor, id: i64) -> AppResult<channel::Model> {
    channel::Entity::find_by_id(id)
        .one(&state.db)
        .await?
        .filter(|c| permissions::may_see_channel(actor, c.organisation_id, c.user_id, c.visibility))
        .ok_or(AppError::NotFound("channel"))
}

/// A snapshot of a channel the actor may see, or `NOT_FOUND`.
#[tracing::instrument(skip_all, fields(organisation = actor.organisation_id, user = actor.user_id))]
pub async fn get_snapshot(
    state: &AppState,
    actor: &Actor,
    id: i64,
) -> AppResult<presence_snapshot::Model> {
    let snapshot = presence_snapshot::Entity::find_by_id(id)
        .one(&state.db)
        .await?
        .ok_or(AppError::NotFound("snapshot"))?;
    get(state, actor, snapshot.channel_id)
        .await
        .map_err(|_| AppError::NotFound("snapshot"))?;
    Ok(snapshot)
}

/// A channel of the actor's own: one they may see but not own is
/// `FORBIDDEN`, one they may not see `NOT_FOUND`.
async fn own(conn: &impl ConnectionTrait, actor: &Actor, id: i64) -> AppResult<channel::Model> {
    let found = channel::Entity::find_by_id(id)
        .one(conn)
        .await?
        .filter(|c| permissions::may_see_channel(actor, c.organisation_id, c.user_id, c.visibility))
        .ok_or(AppError::NotFound("channel"))?;
    if !permissions::is_self(actor, found.user_id) {
        return Err(AppError::Forbidden("only its owner changes a channel"));
    }
    Ok(found)
}

/// Changes the actor's channel.
#[tracing::instrument(skip_all, fields(organisation = actor.organisation_id, user = actor.user_id))]
pub async fn update(
    state: &AppState,
    actor: &Actor,
    id: i64,
    input: ChannelInput,
) -> AppResult<channel::Model> {
    let handle = input.handle.as_deref().map(handle).transpose()?;
    let url = input
        .url
        .map(|url| link(url.as_deref(), "url"))
        .transpose()?;
    let now = state.clock.now();
    let txn = db::begin_write(state).await?;
    let mut row: channel::ActiveModel = own(&*txn, actor, id).await?.into();
    if let Some((handle, key)) = handle {
        row.handle = Set(handle);
        row.handle_key = Set(key);
    }
    if let Some(url) = url {
        row.url = Set(url);
    }
    if let Some(visibility) = input.visibility {
        row.visibility = Set(visibility);
    }
    row.updated_at = Set(now);
    let updated = row.update(&*txn).await.map_err(taken)?;
    db::commit(txn, state).await?;
    Ok(updated)
}

/// Removes the actor's channel and its snapshots.
#[tracing::instrument(skip_all, fields(organisation = actor.organisation_id, user = actor.user_id))]
pub async fn remove(state: &AppState, actor: &Actor, id: i64) -> AppResult<channel::Model> {
    let txn = db::begin_write(state).await?;
    let found = own(&*txn, actor, id).await?;
    presence_snapshot::Entity::delete_many()
        .filter(presence_snapshot::Column::ChannelId.eq(found.id))
        .exec(&*txn)
        .await?;
    channel::Entity::delete_by_id(found.id).exec(&*txn).await?;
    db::commit(txn, state).await?;
    Ok(found)
}

/// Records one day's figures of the actor's channel; the same day again
/// replaces them.
#[tracing::instrument(skip_all, fields(organisation = actor.organisation_id, user = actor.user_id))]
pub async fn record(
    state: &AppState,
    actor: &Actor,
    channel_id: i64,
    figures: Figures,
) -> AppResult<presence_snapshot::Model> {
    figures.check(state.clock.now().date_naive())?;
    let txn = db::begin_write(state).await?;
    let found = own(&*txn, actor, channel_id).await?;
    upsert(&*txn, found.id, &[figures], state.clock.now()).await?;
    let saved = presence_snapshot::Entity::find()
        .filter(presence_snapshot::Column::ChannelId.eq(found.id))
        .filter(presence_snapshot::Column::TakenOn.eq(figures.taken_on))
        .one(&*txn)
        .await?
        .ok_or_else(|| AppError::internal("a recorded snapshot is missing"))?;
    db::commit(txn, state).await?;
    Ok(saved)
}

/// Imports a CSV of figures into the actor's channel: every row or none;
/// the first bad line is named. Returns the imported snapshots by date.
#[tracing::instrument(skip_all, fields(organisation = actor.organisation_id, user = actor.user_id))]
pub async fn import(
    state: &AppState,
    actor: &Actor,
    channel_id: i64,
    csv: &str,
) -> AppResult<Vec<presence_snapshot::Model>> {
    let rows = presence::parse_csv(csv, state.clock.now().date_naive())?;
    let txn = db::begin_write(state).await?;
    let found = own(&*txn, actor, channel_id).await?;
    for chunk in rows.chunks(500) {
        upsert(&*txn, found.id, chunk, state.clock.now()).await?;
    }
    let (Some(first), Some(last)) = (
        rows.iter().map(|r| r.taken_on).min(),
        rows.iter().map(|r| r.taken_on).max(),
    ) else {
        return Err(AppError::field(
            "csv",
            "line 2: there are no rows after the header",
        ));
    };
    let mut saved = presence_snapshot::Entity::find()
        .filter(presence_snapshot::Column::ChannelId.eq(found.id))
        .filter(presence_snapshot::Column::TakenOn.between(first, last))
        .order_by_asc(presence_snapshot::Column::TakenOn)
        .all(&*txn)
        .await?;
    saved.retain(|s| rows.iter().any(|r| r.taken_on == s.taken_on));
    db::commit(txn, state).await?;
    Ok(saved)
}

async fn upsert(
    conn: &impl ConnectionTrait,
    channel_id: i64,
    rows: &[Figures],
    now: chrono::DateTime<chrono::Utc>,
) -> AppResult<()> {
    if rows.is_empty() {
        return Ok(());
    }
    presence_snapshot::Entity::insert_many(rows.iter().map(|r| presence_snapshot::ActiveModel {
        channel_id: Set(channel_id),
        taken_on: Set(r.taken_on),
        followers: Set(r.followers),
        posts: Set(r.posts),
        reactions: Set(r.reactions),
        comments: Set(r.comments),
        shares: Set(r.shares),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }))
    .on_conflict(
        OnConflict::columns([
            presence_snapshot::Column::ChannelId,
            presence_snapshot::Column::TakenOn,
        ])
        .update_columns([
            presence_snapshot::Column::Followers,
            presence_snapshot::Column::Posts,
            presence_snapshot::Column::Reactions,
            presence_snapshot::Column::Comments,
            presence_snapshot::Column::Shares,
            presence_snapshot::Column::UpdatedAt,
        ])
        .to_owned(),
    )
    .exec_without_returning(conn)
    .await?;
    Ok(())
}

/// A snapshot's place in its channel's list (by day).
pub fn position(snapshot: &presence_snapshot::Model) -> Position {
    Position {
        key: Some(i64::from(snapshot.taken_on.num_days_from_ce())),
        id: snapshot.id,
    }
}

fn day_of(position: &Position) -> Option<NaiveDate> {
    position
        .key
        .and_then(|days| i32::try_from(days).ok())
        .and_then(NaiveDate::from_num_days_from_ce_opt)
}

/// One page of a visible channel's snapshots, oldest first.
#[tracing::instrument(skip_all)]
pub async fn snapshots(
    state: &AppState,
    channel: &channel::Model,
    request: &PageRequest,
) -> AppResult<Paged<presence_snapshot::Model>> {
    let base = presence_snapshot::Entity::find()
        .filter(presence_snapshot::Column::ChannelId.eq(channel.id));
    let mut window = base.clone();
    if let Some(after) = request.after.as_ref().and_then(day_of) {
        window = window.filter(presence_snapshot::Column::TakenOn.gt(after));
    }
    if let Some(before) = request.before.as_ref().and_then(day_of) {
        window = window.filter(presence_snapshot::Column::TakenOn.lt(before));
    }
    window = if request.from_end {
        window.order_by_desc(presence_snapshot::Column::TakenOn)
    } else {
        window.order_by_asc(presence_snapshot::Column::TakenOn)
    };
    let fetched = window.limit(request.limit + 1).all(&state.db).await?;
    let total = if request.count_total {
        base.count(&state.db).await?
    } else {
        0
    };
    Ok(Paged::from_fetched(fetched, request, total))
}

/// The figures of a snapshot row.
pub fn figures(s: &presence_snapshot::Model) -> Figures {
    Figures {
        taken_on: s.taken_on,
        followers: s.followers,
        posts: s.posts,
        reactions: s.reactions,
        comments: s.comments,
        shares: s.shares,
    }
}

/// A visible channel's growth over [from, to] (none without snapshots in it).
pub async fn growth(
    state: &AppState,
    channel: &channel::Model,
    from: NaiveDate,
    to: NaiveDate,
) -> AppResult<Option<Growth>> {
    range(from, to)?;
    let rows = presence_snapshot::Entity::find()
        .filter(presence_snapshot::Column::ChannelId.eq(channel.id))
        .filter(presence_snapshot::Column::TakenOn.between(from, to))
        .all(&state.db)
        .await?;
    Ok(Growth::of(&rows.iter().map(figures).collect::<Vec<_>>()))
}

pub(crate) fn range(from: NaiveDate, to: NaiveDate) -> AppResult<()> {
    presence::range(from, to)
}

pub mod report;

pub use report::{PlatformReport, report};
