//! Live events for subscriptions. Services record events while they work
//! ([`emit`]); they are published only after the transaction commits
//! ([`crate::db::commit`]), so rolled-back work never announces anything.
//!
//! On SQLite events go straight to this process's subscribers. On PostgreSQL
//! they travel through `NOTIFY`, and every instance's listener (this one
//! included) hands them to its own subscribers, so a subscriber on one
//! instance hears about a change made through another.

use std::cell::RefCell;
use std::time::Duration;

use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement};
use serde::{Deserialize, Serialize};
use tokio::sync::broadcast;

/// The PostgreSQL channel events travel on.
pub const CHANNEL: &str = "voimavara_events";
/// Events a subscriber may fall behind by before it is dropped.
pub const BUFFER: usize = 256;

/// Something subscribers may want to hear about. Small on purpose: an id to reload.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "k")]
pub enum Event {
    /// A notification row was written for a member.
    #[serde(rename = "n")]
    Notification { user: i64, id: i64 },
    /// The seats of a pool (a clinic or course) changed.
    #[serde(rename = "s")]
    Seats { pool: i64 },
}

tokio::task_local! {
    static PENDING: RefCell<Vec<Event>>;
}

/// Records an event of the current write; a no-op outside a request scope.
pub fn emit(event: Event) {
    let _ = PENDING.try_with(|pending| pending.borrow_mut().push(event));
}

/// Forgets events recorded so far (a new write transaction begins).
pub fn reset() {
    let _ = PENDING.try_with(|pending| pending.borrow_mut().clear());
}

/// Takes the events recorded so far.
pub fn take() -> Vec<Event> {
    PENDING
        .try_with(|pending| std::mem::take(&mut *pending.borrow_mut()))
        .unwrap_or_default()
}

/// Runs `work` with a place to record events.
pub async fn scope<F: std::future::Future>(work: F) -> F::Output {
    PENDING.scope(RefCell::new(Vec::new()), work).await
}

/// This process's event hub.
#[derive(Debug, Clone)]
pub struct Bus {
    local: broadcast::Sender<Event>,
    postgres: Option<DatabaseConnection>,
}

impl Bus {
    /// A hub for `db`: in-process on SQLite, through NOTIFY on PostgreSQL.
    pub fn new(db: &DatabaseConnection) -> Self {
        let (local, _) = broadcast::channel(BUFFER);
        let postgres = (db.get_database_backend() == DbBackend::Postgres).then(|| db.clone());
        Self { local, postgres }
    }

    /// A receiver of every event from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<Event> {
        self.local.subscribe()
    }

    /// Publishes committed events.
    pub async fn publish(&self, events: Vec<Event>) {
        for event in events {
            match &self.postgres {
                None => {
                    let _ = self.local.send(event);
                }
                Some(db) => {
                    let payload = serde_json::to_string(&event).unwrap_or_default();
                    let sent = db
                        .execute_raw(Statement::from_sql_and_values(
                            DbBackend::Postgres,
                            "SELECT pg_notify($1, $2)",
                            [CHANNEL.into(), payload.into()],
                        ))
                        .await;
                    if let Err(err) = sent {
                        tracing::warn!(error = %err, "could not publish an event");
                    }
                }
            }
        }
    }

    /// On PostgreSQL, listens for every instance's events and hands them to
    /// local subscribers, reconnecting by itself when the connection drops.
    /// The first `LISTEN` is in place before this returns, so nothing
    /// committed after start-up is missed.
    pub async fn start_listener(&self, url: String) {
        if self.postgres.is_none() {
            return;
        }
        let local = self.local.clone();
        let mut current = listen(&url).await;
        tokio::spawn(async move {
            loop {
                let mut listener = match current.take() {
                    Some(listener) => listener,
                    None => match listen(&url).await {
                        Some(listener) => listener,
                        None => {
                            tokio::time::sleep(Duration::from_millis(500)).await;
                            continue;
                        }
                    },
                };
                loop {
                    match listener.try_recv().await {
                        Ok(Some(notification)) => {
                            if let Ok(event) = serde_json::from_str::<Event>(notification.payload())
                            {
                                let _ = local.send(event);
                            }
                        }
                        // The connection was lost: start over with a new one.
                        Ok(None) => break,
                        Err(err) => {
                            tracing::warn!(error = %err, "event listener failed");
                            break;
                        }
                    }
                }
            }
        });
    }
}

/// A connection listening on [`CHANNEL`], or `None` (logged) when it cannot be had.
async fn listen(url: &str) -> Option<sea_orm::sqlx::postgres::PgListener> {
    let mut listener = match sea_orm::sqlx::postgres::PgListener::connect(url).await {
        Ok(listener) => listener,
        Err(err) => {
            tracing::warn!(error = %err, "could not connect the event listener");
            return None;
        }
    };
    match listener.listen(CHANNEL).await {
        Ok(()) => Some(listener),
        Err(err) => {
            tracing::warn!(error = %err, "could not LISTEN for events");
            None
        }
    }
}

#[cfg(test)]
mod tests;
