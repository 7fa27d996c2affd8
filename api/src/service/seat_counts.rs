//! Reading seat pools: counts and waitlist positions of many at once, each
//! in one statement (the board and lists read these).

use std::collections::HashMap;

use entity::{SeatStatus, seat, seat_pool};
use sea_orm::sea_query::{Alias, Expr, Query, QueryStatementBuilder};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, ExprTrait, FromQueryResult, QueryFilter, QuerySelect,
};

use crate::error::AppResult;

/// Confirmed and waitlisted counts of several pools, in one query.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub capacity: Option<i32>,
    pub confirmed: i64,
    pub waitlisted: i64,
}

#[derive(FromQueryResult)]
struct CountRow {
    id: i64,
    capacity: Option<i32>,
    confirmed_count: i32,
    waitlisted: i64,
}

/// Seat counts of every pool in `pool_ids`, in one statement however many
/// pools: the confirmed count is kept on the pool by the engine, the waitlist
/// is counted by a correlated subquery.
#[tracing::instrument(skip_all)]
pub async fn counts(
    conn: &impl ConnectionTrait,
    pool_ids: &[i64],
) -> AppResult<HashMap<i64, Counts>> {
    let waitlisted = Query::select()
        .expr(Expr::col((seat::Entity, seat::Column::Id)).count())
        .from(seat::Entity)
        .and_where(
            Expr::col((seat::Entity, seat::Column::PoolId))
                .equals((seat_pool::Entity, seat_pool::Column::Id)),
        )
        .and_where(Expr::col((seat::Entity, seat::Column::Status)).eq(SeatStatus::Waitlisted))
        .to_owned();
    let rows = seat_pool::Entity::find()
        .select_only()
        .column(seat_pool::Column::Id)
        .column(seat_pool::Column::Capacity)
        .column(seat_pool::Column::ConfirmedCount)
        .column_as(
            Expr::from(waitlisted.into_sub_query_statement()),
            "waitlisted",
        )
        .filter(seat_pool::Column::Id.is_in(pool_ids.iter().copied()))
        .into_model::<CountRow>()
        .all(conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(|row| {
            (
                row.id,
                Counts {
                    capacity: row.capacity,
                    confirmed: i64::from(row.confirmed_count),
                    waitlisted: row.waitlisted,
                },
            )
        })
        .collect())
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
