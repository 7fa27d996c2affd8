//! The sums behind plan figures: for each (organisation, platform, day)
//! asked for, the organisation's `ORGANISATION` channels on that platform
//! and their snapshots in the window up to that day, in one statement
//! however many are asked for.

use std::collections::HashMap;

use chrono::NaiveDate;
use sea_orm::{ConnectionTrait, FromQueryResult, Statement, Value};

use crate::db::param;
use crate::domain::plan::{Sums, window};
use crate::error::AppResult;

/// Where and when a figure is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FiguresKey {
    pub organisation_id: i64,
    pub platform_id: i64,
    pub day: NaiveDate,
}

/// The sums of each key; a key without snapshots in its window has none.
#[tracing::instrument(skip_all, fields(keys = keys.len()))]
pub async fn sums(
    conn: &impl ConnectionTrait,
    keys: &[FiguresKey],
) -> AppResult<HashMap<FiguresKey, Sums>> {
    let mut distinct: Vec<FiguresKey> = keys.to_vec();
    distinct.sort_by_key(|k| (k.organisation_id, k.platform_id, k.day));
    distinct.dedup();
    if distinct.is_empty() {
        return Ok(HashMap::new());
    }
    let backend = conn.get_database_backend();
    let mut rows = Vec::with_capacity(distinct.len());
    let mut values: Vec<Value> = Vec::with_capacity(distinct.len() * 5);
    for (n, key) in distinct.iter().enumerate() {
        let at = values.len();
        let (first, last) = window(key.day);
        rows.push(format!(
            "({}, {}, {}, {}, {})",
            param(backend, at + 1),
            param(backend, at + 2),
            param(backend, at + 3),
            param(backend, at + 4),
            param(backend, at + 5)
        ));
        values.extend([
            (n as i64).into(),
            key.organisation_id.into(),
            key.platform_id.into(),
            first.into(),
            last.into(),
        ]);
    }
    // Per key and channel: the last day seen and the sums over the window;
    // then per key: contributors, and the sums over its channels with each
    // channel's followers on its last day.
    let sql = format!(
        "WITH k (n, org, platform, first_day, last_day) AS (VALUES {}),
         w AS (
           SELECT k.n, c.user_id, s.channel_id, MAX(s.taken_on) AS last_seen,
                  SUM(s.posts) AS posts,
                  SUM(s.reactions + s.comments + s.shares) AS interactions,
                  SUM(CAST(s.posts AS DOUBLE PRECISION) * s.followers) AS reach
           FROM k
           JOIN channels c ON c.organisation_id = k.org AND c.platform_id = k.platform
                          AND c.visibility = 'ORGANISATION'
           JOIN presence_snapshots s ON s.channel_id = c.id
                                    AND s.taken_on >= k.first_day AND s.taken_on <= k.last_day
           GROUP BY k.n, c.user_id, s.channel_id)
         SELECT w.n, COUNT(DISTINCT w.user_id) AS contributors,
                CAST(SUM(l.followers) AS BIGINT) AS followers,
                CAST(SUM(w.posts) AS BIGINT) AS posts,
                CAST(SUM(w.interactions) AS BIGINT) AS interactions,
                CAST(SUM(w.reach) AS DOUBLE PRECISION) AS reach
         FROM w JOIN presence_snapshots l ON l.channel_id = w.channel_id AND l.taken_on = w.last_seen
         GROUP BY w.n",
        rows.join(", ")
    );
    #[derive(FromQueryResult)]
    struct Row {
        n: i64,
        contributors: i64,
        followers: i64,
        posts: i64,
        interactions: i64,
        reach: f64,
    }
    let found = Row::find_by_statement(Statement::from_sql_and_values(backend, sql, values))
        .all(conn)
        .await?;
    Ok(found
        .into_iter()
        .filter_map(|row| {
            let key = distinct.get(usize::try_from(row.n).ok()?)?;
            Some((
                *key,
                Sums {
                    contributors: u32::try_from(row.contributors).unwrap_or(u32::MAX),
                    followers: row.followers,
                    posts: row.posts,
                    interactions: row.interactions,
                    reach: row.reach,
                },
            ))
        })
        .collect())
}
