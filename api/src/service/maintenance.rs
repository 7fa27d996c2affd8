//! Periodic clean-up, run by every instance (deleting is idempotent):
//! rate-limit attempts too old to count, refresh tokens that can no longer
//! be used, invitations long expired or revoked, leases whose holder died,
//! single sign-on flows and codes past their time.

use chrono::{DateTime, Duration, Utc};
use entity::{automatch_lease, invitation, refresh_token, sso_code, sso_flow};
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter};

use super::rate_limits;
use crate::context::{AppState, State};
use crate::db;
use crate::error::AppResult;

/// How long an expired or revoked invitation stays listed before it is deleted.
pub const INVITATIONS_KEPT: Duration = Duration::days(30);
/// How long a dead refresh token is kept (so a late reuse is still seen as one).
pub const TOKENS_KEPT: Duration = Duration::days(1);

/// What one clean-up deleted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Pruned {
    pub attempts: u64,
    pub refresh_tokens: u64,
    pub invitations: u64,
    pub leases: u64,
    pub sso: u64,
}

/// Deletes what can no longer matter at `now`, in one transaction.
#[tracing::instrument(skip_all)]
pub async fn prune(state: &AppState) -> AppResult<Pruned> {
    let now = state.clock.now();
    let txn = db::begin_write(state).await?;
    let pruned = Pruned {
        attempts: rate_limits::prune(&*txn, now).await?,
        refresh_tokens: prune_tokens(&txn, now).await?,
        invitations: invitation::Entity::delete_many()
            .filter(invitation::Column::AcceptedAt.is_null())
            .filter(
                Condition::any()
                    .add(invitation::Column::ExpiresAt.lte(now - INVITATIONS_KEPT))
                    .add(invitation::Column::RevokedAt.lte(now - INVITATIONS_KEPT)),
            )
            .exec(&*txn)
            .await?
            .rows_affected,
        leases: automatch_lease::Entity::delete_many()
            .filter(automatch_lease::Column::ExpiresAt.lte(now))
            .exec(&*txn)
            .await?
            .rows_affected,
        sso: sso_flow::Entity::delete_many()
            .filter(sso_flow::Column::ExpiresAt.lte(now))
            .exec(&*txn)
            .await?
            .rows_affected
            + sso_code::Entity::delete_many()
                .filter(sso_code::Column::ExpiresAt.lte(now))
                .exec(&*txn)
                .await?
                .rows_affected,
    };
    db::commit(txn, state).await?;
    Ok(pruned)
}

async fn prune_tokens(txn: &db::WriteTxn, now: DateTime<Utc>) -> AppResult<u64> {
    let dead_since = now - TOKENS_KEPT;
    Ok(refresh_token::Entity::delete_many()
        .filter(
            Condition::any()
                .add(refresh_token::Column::FamilyExpiresAt.lte(now))
                .add(refresh_token::Column::ExpiresAt.lte(dead_since))
                .add(refresh_token::Column::RevokedAt.lte(dead_since)),
        )
        .exec(&**txn)
        .await?
        .rows_affected)
}

/// Runs [`prune`] every `VOIMAVARA_PRUNE_INTERVAL_S` seconds, for as long as
/// the server runs.
pub fn start(state: State) {
    let every = std::time::Duration::from_secs(state.settings.prune_interval_s.max(1));
    tokio::spawn(async move {
        // The first round one interval after start: a restart loop costs nothing.
        let mut ticks = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
        loop {
            ticks.tick().await;
            match prune(&state).await {
                Ok(pruned) if pruned != Pruned::default() => {
                    tracing::info!(?pruned, "pruned expired rows");
                }
                Ok(_) => {}
                Err(err) => tracing::warn!(error = %err, "pruning failed; trying again later"),
            }
        }
    });
}
