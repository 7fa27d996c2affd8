//! The seat engine: capacity, waitlists and promotions for anything with
//! seats (clinics, courses). It knows nothing of what the pool belongs to.
//!
//! Every operation runs inside the caller's write transaction and first locks
//! the pool's row (`SELECT … FOR UPDATE` on PostgreSQL; SQLite's `BEGIN
//! IMMEDIATE` already holds the database's single write lock), so concurrent
//! requests on any number of server instances are applied one at a time. The
//! decisions come from [`crate::domain::seats`]; a partial unique index on
//! (pool, person) for live claims backs rule 2 in the database.

use chrono::{DateTime, Utc};
use entity::{SeatStatus, seat, seat_pool};
use sea_orm::ExprTrait;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseTransaction,
    EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};

use crate::db;
use crate::domain::seats::{Placement, place, promotions};
use crate::error::{AppError, AppResult};
use crate::events::{Event, emit};

/// Statuses that hold a place in a pool.
pub const LIVE: [SeatStatus; 3] = [
    SeatStatus::Confirmed,
    SeatStatus::Waitlisted,
    SeatStatus::Completed,
];

/// The result of a release or a capacity change.
#[derive(Debug, Clone, Default)]
pub struct Changed {
    /// The released seat, if one was released.
    pub released: Option<seat::Model>,
    /// Claims moved from the waitlist to confirmed, in arrival order.
    pub promoted: Vec<seat::Model>,
}

fn capacity_of(pool: &seat_pool::Model) -> Option<u32> {
    pool.capacity.map(|c| u32::try_from(c).unwrap_or(0))
}

fn count_of(value: i32) -> u32 {
    u32::try_from(value).unwrap_or(0)
}

/// Creates a pool with `capacity` (None = unlimited).
#[tracing::instrument(skip_all)]
pub async fn create_pool(
    txn: &DatabaseTransaction,
    organisation_id: i64,
    capacity: Option<i32>,
    now: DateTime<Utc>,
) -> AppResult<seat_pool::Model> {
    Ok(seat_pool::ActiveModel {
        organisation_id: Set(organisation_id),
        capacity: Set(capacity),
        confirmed_count: Set(0),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(txn)
    .await?)
}

/// Locks and reads a pool for the rest of the transaction.
async fn lock(txn: &DatabaseTransaction, pool_id: i64) -> AppResult<seat_pool::Model> {
    let mut query = seat_pool::Entity::find_by_id(pool_id);
    if db::is_postgres(txn) {
        query = query.lock_exclusive();
    }
    query.one(txn).await?.ok_or(AppError::NotFound("seat pool"))
}

/// A seat and its pool, the pool locked: the seat is read again under the
/// lock, as another transaction may have changed it meanwhile.
async fn lock_seat(
    txn: &DatabaseTransaction,
    seat_id: i64,
) -> AppResult<(seat::Model, seat_pool::Model)> {
    let read = || async {
        seat::Entity::find_by_id(seat_id)
            .one(txn)
            .await?
            .ok_or(AppError::NotFound("seat"))
    };
    let pool = lock(txn, read().await?.pool_id).await?;
    Ok((read().await?, pool))
}

/// A seat with what its pool belongs to (a clinic, a course), found by
/// `owner`, if `visible` lets the caller see them; anything else is
/// `NOT_FOUND` naming `what`.
#[tracing::instrument(skip_all)]
pub async fn with_owner<O, Fut>(
    conn: &impl ConnectionTrait,
    seat_id: i64,
    what: &'static str,
    owner: impl FnOnce(i64) -> Fut,
    visible: impl FnOnce(&seat::Model, &O) -> bool,
) -> AppResult<(seat::Model, O)>
where
    Fut: std::future::Future<Output = AppResult<Option<O>>>,
{
    let found = seat::Entity::find_by_id(seat_id).one(conn).await?;
    let Some(seat) = found else {
        return Err(AppError::NotFound(what));
    };
    match owner(seat.pool_id).await? {
        Some(owner) if visible(&seat, &owner) => Ok((seat, owner)),
        _ => Err(AppError::NotFound(what)),
    }
}

/// The person's live claim in a pool, if any.
#[tracing::instrument(skip_all)]
pub async fn live_claim(
    conn: &impl ConnectionTrait,
    pool_id: i64,
    user_id: i64,
) -> AppResult<Option<seat::Model>> {
    Ok(seat::Entity::find()
        .filter(seat::Column::PoolId.eq(pool_id))
        .filter(seat::Column::UserId.eq(user_id))
        .filter(seat::Column::Status.is_in(LIVE))
        .one(conn)
        .await?)
}

/// Rules 1 and 2: claims a seat for `user_id`, confirmed while seats are free,
/// otherwise waitlisted; a live claim is returned unchanged.
#[tracing::instrument(skip_all)]
pub async fn claim(
    txn: &DatabaseTransaction,
    pool_id: i64,
    user_id: i64,
    now: DateTime<Utc>,
) -> AppResult<seat::Model> {
    let pool = lock(txn, pool_id).await?;
    if let Some(seat) = live_claim(txn, pool_id, user_id).await? {
        return Ok(seat);
    }
    let placement = place(capacity_of(&pool), count_of(pool.confirmed_count));
    let confirmed = placement == Placement::Confirmed;
    let seat = seat::ActiveModel {
        pool_id: Set(pool_id),
        user_id: Set(user_id),
        status: Set(if confirmed {
            SeatStatus::Confirmed
        } else {
            SeatStatus::Waitlisted
        }),
        created_at: Set(now),
        updated_at: Set(now),
        confirmed_at: Set(confirmed.then_some(now)),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    if confirmed {
        adjust(txn, pool_id, 1, 0).await?;
    } else {
        adjust(txn, pool_id, 0, 1).await?;
    }
    emit(Event::Seats {
        org: pool.organisation_id,
        pool: pool_id,
    });
    Ok(seat)
}

/// Whether a change may move the waitlist up (a clinic's stops at its start).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Waitlist {
    Moves,
    Frozen,
}

impl Waitlist {
    /// `Moves` when `moves`.
    pub fn moves_if(moves: bool) -> Self {
        if moves { Self::Moves } else { Self::Frozen }
    }
}

/// Rule 3: releases a claim; releasing a confirmed seat promotes from the
/// waitlist in arrival order (unless the waitlist is frozen). Releasing a
/// released claim changes nothing.
#[tracing::instrument(skip_all)]
pub async fn release(
    txn: &DatabaseTransaction,
    seat_id: i64,
    now: DateTime<Utc>,
    waitlist: Waitlist,
) -> AppResult<Changed> {
    let (current, pool) = lock_seat(txn, seat_id).await?;
    if !matches!(
        current.status,
        SeatStatus::Confirmed | SeatStatus::Waitlisted
    ) {
        return Ok(Changed {
            released: Some(current),
            promoted: Vec::new(),
        });
    }
    let was_confirmed = current.status == SeatStatus::Confirmed;
    let mut active: seat::ActiveModel = current.into();
    active.status = Set(SeatStatus::Cancelled);
    active.cancelled_at = Set(Some(now));
    active.updated_at = Set(now);
    let released = active.update(txn).await?;
    if was_confirmed {
        adjust(txn, released.pool_id, -1, 0).await?;
    } else {
        adjust(txn, released.pool_id, 0, -1).await?;
    }
    let promoted = match waitlist {
        Waitlist::Moves => promote(txn, released.pool_id, now).await?,
        Waitlist::Frozen => Vec::new(),
    };
    emit(Event::Seats {
        org: pool.organisation_id,
        pool: released.pool_id,
    });
    Ok(Changed {
        released: Some(released),
        promoted,
    })
}

/// Finishes a confirmed claim (a completed course): the claim stays live, so
/// the person cannot claim again, but its seat is freed for the waitlist.
#[tracing::instrument(skip_all)]
pub async fn complete(
    txn: &DatabaseTransaction,
    seat_id: i64,
    now: DateTime<Utc>,
) -> AppResult<Changed> {
    let (current, pool) = lock_seat(txn, seat_id).await?;
    if current.status != SeatStatus::Confirmed {
        return Ok(Changed {
            released: Some(current),
            promoted: Vec::new(),
        });
    }
    let mut active: seat::ActiveModel = current.into();
    active.status = Set(SeatStatus::Completed);
    active.completed_at = Set(Some(now));
    active.updated_at = Set(now);
    let completed = active.update(txn).await?;
    adjust(txn, completed.pool_id, -1, 0).await?;
    let promoted = promote(txn, completed.pool_id, now).await?;
    emit(Event::Seats {
        org: pool.organisation_id,
        pool: completed.pool_id,
    });
    Ok(Changed {
        released: Some(completed),
        promoted,
    })
}

/// Rule 4: changes the capacity; raising it promotes from the waitlist
/// (unless the waitlist is frozen), lowering it bumps nobody.
#[tracing::instrument(skip_all)]
pub async fn set_capacity(
    txn: &DatabaseTransaction,
    pool_id: i64,
    capacity: Option<i32>,
    now: DateTime<Utc>,
    waitlist: Waitlist,
) -> AppResult<Changed> {
    let pool = lock(txn, pool_id).await?;
    seat_pool::Entity::update_many()
        .col_expr(seat_pool::Column::Capacity, Expr::value(capacity))
        .filter(seat_pool::Column::Id.eq(pool_id))
        .exec(txn)
        .await?;
    let promoted = match waitlist {
        Waitlist::Moves => promote(txn, pool_id, now).await?,
        Waitlist::Frozen => Vec::new(),
    };
    emit(Event::Seats {
        org: pool.organisation_id,
        pool: pool_id,
    });
    Ok(Changed {
        released: None,
        promoted,
    })
}

/// Cancels every live claim of a pool (the thing was cancelled); returns them
/// as they were before.
#[tracing::instrument(skip_all)]
pub async fn cancel_all(
    txn: &DatabaseTransaction,
    pool_id: i64,
    now: DateTime<Utc>,
) -> AppResult<Vec<seat::Model>> {
    let pool = lock(txn, pool_id).await?;
    let live = seat::Entity::find()
        .filter(seat::Column::PoolId.eq(pool_id))
        .filter(seat::Column::Status.is_in([SeatStatus::Confirmed, SeatStatus::Waitlisted]))
        .order_by_asc(seat::Column::Id)
        .all(txn)
        .await?;
    seat::Entity::update_many()
        .col_expr(seat::Column::Status, Expr::value(SeatStatus::Cancelled))
        .col_expr(seat::Column::CancelledAt, Expr::value(now))
        .col_expr(seat::Column::UpdatedAt, Expr::value(now))
        .filter(seat::Column::PoolId.eq(pool_id))
        .filter(seat::Column::Status.is_in([SeatStatus::Confirmed, SeatStatus::Waitlisted]))
        .exec(txn)
        .await?;
    seat_pool::Entity::update_many()
        .col_expr(seat_pool::Column::ConfirmedCount, Expr::value(0))
        .col_expr(seat_pool::Column::WaitlistedCount, Expr::value(0))
        .filter(seat_pool::Column::Id.eq(pool_id))
        .exec(txn)
        .await?;
    emit(Event::Seats {
        org: pool.organisation_id,
        pool: pool_id,
    });
    Ok(live)
}

/// Ends a pool's waitlist (its thing takes nobody new): every waitlisted
/// claim is cancelled; confirmed ones stay.
#[tracing::instrument(skip_all)]
pub async fn end_waitlist(
    txn: &DatabaseTransaction,
    pool_id: i64,
    now: DateTime<Utc>,
) -> AppResult<u64> {
    let pool = lock(txn, pool_id).await?;
    let ended = seat::Entity::update_many()
        .col_expr(seat::Column::Status, Expr::value(SeatStatus::Cancelled))
        .col_expr(seat::Column::CancelledAt, Expr::value(now))
        .col_expr(seat::Column::UpdatedAt, Expr::value(now))
        .filter(seat::Column::PoolId.eq(pool_id))
        .filter(seat::Column::Status.eq(SeatStatus::Waitlisted))
        .exec(txn)
        .await?
        .rows_affected;
    seat_pool::Entity::update_many()
        .col_expr(seat_pool::Column::WaitlistedCount, Expr::value(0))
        .filter(seat_pool::Column::Id.eq(pool_id))
        .exec(txn)
        .await?;
    emit(Event::Seats {
        org: pool.organisation_id,
        pool: pool_id,
    });
    Ok(ended)
}

/// Promotes as many waitlisted claims as the rules allow, oldest first.
async fn promote(
    txn: &DatabaseTransaction,
    pool_id: i64,
    now: DateTime<Utc>,
) -> AppResult<Vec<seat::Model>> {
    let pool = seat_pool::Entity::find_by_id(pool_id)
        .one(txn)
        .await?
        .ok_or(AppError::NotFound("seat pool"))?;
    let count = promotions(
        capacity_of(&pool),
        count_of(pool.confirmed_count),
        count_of(pool.waitlisted_count),
    );
    if count == 0 {
        return Ok(Vec::new());
    }
    let chosen = seat::Entity::find()
        .filter(seat::Column::PoolId.eq(pool_id))
        .filter(seat::Column::Status.eq(SeatStatus::Waitlisted))
        .order_by_asc(seat::Column::Id)
        .limit(u64::from(count))
        .all(txn)
        .await?;
    let ids: Vec<i64> = chosen.iter().map(|s| s.id).collect();
    seat::Entity::update_many()
        .col_expr(seat::Column::Status, Expr::value(SeatStatus::Confirmed))
        .col_expr(seat::Column::ConfirmedAt, Expr::value(now))
        .col_expr(seat::Column::UpdatedAt, Expr::value(now))
        .filter(seat::Column::Id.is_in(ids.clone()))
        .exec(txn)
        .await?;
    let moved = i32::try_from(ids.len()).unwrap_or(i32::MAX);
    adjust(txn, pool_id, moved, -moved).await?;
    Ok(chosen
        .into_iter()
        .map(|mut seat| {
            seat.status = SeatStatus::Confirmed;
            seat.confirmed_at = Some(now);
            seat.updated_at = now;
            seat
        })
        .collect())
}

/// Moves a pool's counters by what a change did to its seats.
async fn adjust(
    txn: &DatabaseTransaction,
    pool_id: i64,
    confirmed: i32,
    waitlisted: i32,
) -> AppResult<()> {
    seat_pool::Entity::update_many()
        .col_expr(
            seat_pool::Column::ConfirmedCount,
            Expr::col(seat_pool::Column::ConfirmedCount).add(confirmed),
        )
        .col_expr(
            seat_pool::Column::WaitlistedCount,
            Expr::col(seat_pool::Column::WaitlistedCount).add(waitlisted),
        )
        .filter(seat_pool::Column::Id.eq(pool_id))
        .exec(txn)
        .await?;
    Ok(())
}
