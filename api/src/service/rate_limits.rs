//! Rate limits on everything that can be guessed or flooded: sign-in
//! failures, wrong current passwords, sign-ups, invitation acceptances,
//! password resets. Attempts are counted in the database, so every instance
//! shares the count, and counting is serialised per key (a transaction-scoped
//! advisory lock on PostgreSQL; SQLite's single writer), so concurrent
//! guesses cannot race past the check: of any number sent at once, exactly
//! as many as the limit allows are let through.

use chrono::{DateTime, Duration, Utc};
use entity::rate_attempt;
use sea_orm::sea_query::{Expr, Func};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbBackend, EntityTrait,
    QueryFilter, QuerySelect, Statement,
};

use crate::context::AppState;
use crate::db;
use crate::error::{AppError, AppResult};

/// One limit: at most `max` counted attempts per key within `window`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    /// The name attempts are stored under.
    pub bucket: &'static str,
    pub max: u64,
    pub window: Duration,
}

/// Failed sign-ins per account.
pub const LOGIN_PER_ACCOUNT: Limit = Limit {
    bucket: "login-account",
    max: 5,
    window: Duration::minutes(15),
};
/// Failed sign-ins per client address.
pub const LOGIN_PER_CLIENT: Limit = Limit {
    bucket: "login-client",
    max: 30,
    window: Duration::minutes(15),
};
/// Wrong current passwords given to `changePassword`, per account.
pub const PASSWORD_PER_ACCOUNT: Limit = Limit {
    bucket: "password-account",
    max: 5,
    window: Duration::minutes(15),
};
/// Sign-ups per client address.
pub const SIGN_UP_PER_CLIENT: Limit = Limit {
    bucket: "sign-up-client",
    max: 10,
    window: Duration::hours(1),
};
/// Invitation acceptances per client address.
pub const ACCEPT_INVITATION_PER_CLIENT: Limit = Limit {
    bucket: "invitation-client",
    max: 10,
    window: Duration::hours(1),
};

/// Password-reset requests per client address.
pub const RESET_REQUEST_PER_CLIENT: Limit = Limit {
    bucket: "reset-request-client",
    max: 10,
    window: Duration::hours(1),
};
/// Password-reset mails per address (beyond it, requests are answered as
/// usual and nothing is sent).
pub const RESET_MAIL_PER_ADDRESS: Limit = Limit {
    bucket: "reset-mail-address",
    max: 3,
    window: Duration::hours(1),
};
/// Password resets per client address.
pub const RESET_PER_CLIENT: Limit = Limit {
    bucket: "reset-client",
    max: 10,
    window: Duration::hours(1),
};

/// The longest window of any limit: attempts older than this count for nothing.
pub const LONGEST_WINDOW: Duration = Duration::hours(1);

/// Attempts just counted, one per limit; [`Counted::forgive`] takes them
/// back (the attempt succeeded, so it was no failure).
#[derive(Debug)]
#[must_use = "an attempt that succeeded should be forgiven"]
pub struct Counted {
    ids: Vec<i64>,
}

/// Counts one attempt against every `(limit, key)`, or refuses it with
/// `RATE_LIMITED` (counting nothing) when any of them is already at its
/// maximum within its window.
#[tracing::instrument(skip_all)]
pub async fn count(state: &AppState, checks: &[(Limit, &str)]) -> AppResult<Counted> {
    let now = state.clock.now();
    let txn = db::begin_write(state).await?;
    let mut keyed: Vec<(Limit, String)> = checks
        .iter()
        .map(|(limit, key)| (*limit, key.chars().take(320).collect()))
        .collect();
    // Always locked in one order, so two attempts cannot wait on each other.
    keyed.sort_by(|a, b| (a.0.bucket, &a.1).cmp(&(b.0.bucket, &b.1)));
    for (limit, key) in &keyed {
        if db::is_postgres(&*txn) {
            txn.execute_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))",
                [format!("rate:{}:{key}", limit.bucket).into()],
            ))
            .await?;
        }
        if let Some(retry_after_secs) = refusal(&*txn, limit, key, now).await? {
            txn.rollback().await?;
            return Err(AppError::RateLimited { retry_after_secs });
        }
    }
    let mut ids = Vec::with_capacity(keyed.len());
    for (limit, key) in keyed {
        let row = rate_attempt::ActiveModel {
            bucket: Set(limit.bucket.to_owned()),
            key: Set(key),
            attempted_at: Set(now),
            ..Default::default()
        }
        .insert(&*txn)
        .await?;
        ids.push(row.id);
    }
    db::commit(txn, state).await?;
    Ok(Counted { ids })
}

/// When the limit is full for `key`, the seconds until its oldest attempt
/// leaves the window.
async fn refusal(
    conn: &impl ConnectionTrait,
    limit: &Limit,
    key: &str,
    now: DateTime<Utc>,
) -> AppResult<Option<u64>> {
    let (count, oldest): (i64, Option<DateTime<Utc>>) = rate_attempt::Entity::find()
        .select_only()
        .expr(Func::count(Expr::col(rate_attempt::Column::Id)))
        .expr(Func::min(Expr::col(rate_attempt::Column::AttemptedAt)))
        .filter(rate_attempt::Column::Bucket.eq(limit.bucket))
        .filter(rate_attempt::Column::Key.eq(key))
        .filter(rate_attempt::Column::AttemptedAt.gt(now - limit.window))
        .into_tuple()
        .one(conn)
        .await?
        .unwrap_or((0, None));
    if u64::try_from(count).unwrap_or(0) < limit.max {
        return Ok(None);
    }
    let retry_at = oldest.map_or(now + limit.window, |at| at + limit.window);
    Ok(Some(
        u64::try_from((retry_at - now).num_seconds())
            .unwrap_or(0)
            .max(1),
    ))
}

impl Counted {
    /// Takes the attempts back inside the caller's transaction.
    pub async fn forgive(self, conn: &impl ConnectionTrait) -> AppResult<()> {
        rate_attempt::Entity::delete_many()
            .filter(rate_attempt::Column::Id.is_in(self.ids))
            .exec(conn)
            .await?;
        Ok(())
    }
}

/// Deletes attempts too old to count (the periodic clean-up).
#[tracing::instrument(skip_all)]
pub async fn prune(conn: &impl ConnectionTrait, now: DateTime<Utc>) -> AppResult<u64> {
    Ok(rate_attempt::Entity::delete_many()
        .filter(rate_attempt::Column::AttemptedAt.lte(now - LONGEST_WINDOW))
        .exec(conn)
        .await?
        .rows_affected)
}
