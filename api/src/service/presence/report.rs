//! The organisation's presence report: one statement over the range's
//! snapshots of its ORGANISATION channels, summed per platform by the
//! domain's rules (figures only where five or more members contribute).

use chrono::NaiveDate;
use entity::{Visibility, channel, presence_snapshot, skill};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QuerySelect};

use super::range;
use crate::auth::{Actor, permissions};
use crate::context::AppState;
use crate::domain::presence::{self, Figures, Growth, PlatformFigures};
use crate::error::AppResult;

/// One platform of the report.
#[derive(Debug, Clone)]
pub struct PlatformReport {
    pub platform: skill::Model,
    pub figures: PlatformFigures,
}

/// The organisation's presence over [from, to] (ADMIN), from ORGANISATION
/// channels only, per platform, in one statement; figures only where at
/// least five members contribute.
#[tracing::instrument(skip_all, fields(organisation = actor.organisation_id, user = actor.user_id))]
pub async fn report(
    state: &AppState,
    actor: &Actor,
    from: NaiveDate,
    to: NaiveDate,
) -> AppResult<Vec<PlatformReport>> {
    permissions::require_admin(actor)?;
    range(from, to)?;
    #[derive(Debug, sea_orm::FromQueryResult)]
    struct Row {
        channel_id: i64,
        user_id: i64,
        platform_id: i64,
        taken_on: NaiveDate,
        followers: i64,
        posts: i64,
        reactions: i64,
        comments: i64,
        shares: i64,
    }
    let rows: Vec<Row> = presence_snapshot::Entity::find()
        .select_only()
        .column(presence_snapshot::Column::ChannelId)
        .column_as(
            Expr::col((channel::Entity, channel::Column::UserId)),
            "user_id",
        )
        .column_as(
            Expr::col((channel::Entity, channel::Column::PlatformId)),
            "platform_id",
        )
        .columns([
            presence_snapshot::Column::TakenOn,
            presence_snapshot::Column::Followers,
            presence_snapshot::Column::Posts,
            presence_snapshot::Column::Reactions,
            presence_snapshot::Column::Comments,
            presence_snapshot::Column::Shares,
        ])
        .join(
            sea_orm::JoinType::InnerJoin,
            presence_snapshot::Entity::belongs_to(channel::Entity)
                .from(presence_snapshot::Column::ChannelId)
                .to(channel::Column::Id)
                .into(),
        )
        .filter(
            Condition::all()
                .add(channel::Column::OrganisationId.eq(actor.organisation_id))
                .add(channel::Column::Visibility.eq(Visibility::Organisation)),
        )
        .filter(presence_snapshot::Column::TakenOn.between(from, to))
        .into_model::<Row>()
        .all(&state.db)
        .await?;
    let mut channels: std::collections::BTreeMap<(i64, i64), (i64, Vec<Figures>)> =
        std::collections::BTreeMap::new();
    for row in rows {
        channels
            .entry((row.platform_id, row.channel_id))
            .or_insert_with(|| (row.user_id, Vec::new()))
            .1
            .push(Figures {
                taken_on: row.taken_on,
                followers: row.followers,
                posts: row.posts,
                reactions: row.reactions,
                comments: row.comments,
                shares: row.shares,
            });
    }
    let mut by_platform: std::collections::BTreeMap<i64, Vec<(i64, Growth)>> =
        std::collections::BTreeMap::new();
    for ((platform, _), (member, snapshots)) in channels {
        if let Some(growth) = Growth::of(&snapshots) {
            by_platform
                .entry(platform)
                .or_default()
                .push((member, growth));
        }
    }
    let platforms = crate::service::skills::catalogue(state, actor.organisation_id).await?;
    Ok(by_platform
        .into_iter()
        .filter_map(|(platform, channels)| {
            platforms.get(&platform).map(|skill| PlatformReport {
                platform: skill.as_ref().clone(),
                figures: presence::platform(&channels),
            })
        })
        .collect())
}
