//! The organisation's presence report: one statement over the range's
//! snapshots of its ORGANISATION channels, aggregated per channel in the
//! database and summed per platform by the domain's rules (figures only
//! where five or more members contribute).

use std::collections::BTreeMap;

use chrono::NaiveDate;
use entity::skill;
use sea_orm::{FromQueryResult, Statement};

use super::range;
use crate::auth::{Actor, permissions};
use crate::context::AppState;
use crate::domain::presence::{self, Growth, PlatformFigures};
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
    let backend = state.db.get_database_backend();
    // Per channel with a snapshot in the range: its first and last day's
    // followers, and the sums over the snapshots after the first (the sums
    // over all of them less the first's), so a year of weekly figures comes
    // back as one row per channel.
    let sql = format!(
        "WITH agg AS (
           SELECT s.channel_id, MIN(s.taken_on) AS first_day, MAX(s.taken_on) AS last_day,
                  CAST(SUM(s.posts) AS BIGINT) AS posts,
                  CAST(SUM(s.reactions + s.comments + s.shares) AS BIGINT) AS interactions,
                  SUM(CAST(s.posts AS DOUBLE PRECISION) * s.followers) AS reach
           FROM presence_snapshots s JOIN channels c ON c.id = s.channel_id
           WHERE c.organisation_id = {p1} AND c.visibility = 'ORGANISATION'
             AND s.taken_on >= {p2} AND s.taken_on <= {p3}
           GROUP BY s.channel_id)
         SELECT c.user_id, c.platform_id,
                f.followers AS followers_start, l.followers AS followers_end,
                agg.posts - f.posts AS posts,
                agg.interactions - (f.reactions + f.comments + f.shares) AS interactions,
                agg.reach - CAST(f.posts AS DOUBLE PRECISION) * f.followers AS reach
         FROM agg JOIN channels c ON c.id = agg.channel_id
         JOIN presence_snapshots f ON f.channel_id = agg.channel_id AND f.taken_on = agg.first_day
         JOIN presence_snapshots l ON l.channel_id = agg.channel_id AND l.taken_on = agg.last_day",
        p1 = crate::db::param(backend, 1),
        p2 = crate::db::param(backend, 2),
        p3 = crate::db::param(backend, 3),
    );
    #[derive(Debug, sea_orm::FromQueryResult)]
    struct Row {
        user_id: i64,
        platform_id: i64,
        followers_start: i64,
        followers_end: i64,
        posts: i64,
        interactions: i64,
        reach: f64,
    }
    let rows = Row::find_by_statement(Statement::from_sql_and_values(
        backend,
        sql,
        [actor.organisation_id.into(), from.into(), to.into()],
    ))
    .all(&state.db)
    .await?;
    let mut by_platform: BTreeMap<i64, Vec<(i64, Growth)>> = BTreeMap::new();
    for row in rows {
        by_platform.entry(row.platform_id).or_default().push((
            row.user_id,
            Growth {
                followers_start: row.followers_start,
                followers_end: row.followers_end,
                posts: row.posts,
                interactions: row.interactions,
                reach: row.reach,
            },
        ));
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
