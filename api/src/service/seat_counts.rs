//! Reading seat pools: counts and waitlist positions of many at once, each
//! in one statement (the board and lists read these).

use std::collections::HashMap;

use entity::{SeatStatus, seat, seat_pool};
use sea_orm::sea_query::{Alias, Expr, Query, QueryStatementBuilder};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, ExprTrait, QueryFilter, QuerySelect};

use crate::error::AppResult;

/// Confirmed and waitlisted counts of several pools, in one query.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub capacity: Option<i32>,
    pub confirmed: i64,
    pub waitlisted: i64,
}

/// Seat counts of every pool in `pool_ids`, in one statement however many
/// pools: the engine keeps both counts on the pool.
#[tracing::instrument(skip_all)]
pub async fn counts(
    conn: &impl ConnectionTrait,
    pool_ids: &[i64],
) -> AppResult<HashMap<i64, Counts>> {
    let rows = seat_pool::Entity::find()
        .filter(seat_pool::Column::Id.is_in(pool_ids.iter().copied()))
        .all(conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(|pool| (pool.id, Counts::of(&pool)))
        .collect())
}

impl Counts {
    /// The counts a pool keeps.
    pub fn of(pool: &seat_pool::Model) -> Self {
        Self {
            capacity: pool.capacity,
            confirmed: i64::from(pool.confirmed_count),
            waitlisted: i64::from(pool.waitlisted_count),
        }
    }
}

/// 1-based waitlist positions (arrival order) of the given seats, by seat
/// id; seats that are not waitlisted are left out. One statement, one row per
/// seat: each position is counted on the (pool, status, id) index.
#[tracing::instrument(skip_all)]
pub async fn waitlist_positions(
    conn: &impl ConnectionTrait,
    seat_ids: &[i64],
) -> AppResult<HashMap<i64, i64>> {
    if seat_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let ahead = Alias::new("ahead");
    let position = Query::select()
        .expr(Expr::col((ahead.clone(), seat::Column::Id)).count())
        .from_as(seat::Entity, ahead.clone())
        .and_where(
            Expr::col((ahead.clone(), seat::Column::PoolId))
                .equals((seat::Entity, seat::Column::PoolId)),
        )
        .and_where(Expr::col((ahead.clone(), seat::Column::Status)).eq(SeatStatus::Waitlisted))
        .and_where(
            Expr::col((ahead.clone(), seat::Column::Id))
                .lte(Expr::col((seat::Entity, seat::Column::Id))),
        )
        .to_owned();
    let rows = seat::Entity::find()
        .select_only()
        .column(seat::Column::Id)
        .column_as(Expr::from(position.into_sub_query_statement()), "position")
        .filter(seat::Column::Id.is_in(seat_ids.iter().copied()))
        .filter(seat::Column::Status.eq(SeatStatus::Waitlisted))
        .into_tuple::<(i64, i64)>()
        .all(conn)
        .await?;
    Ok(rows.into_iter().collect())
}
