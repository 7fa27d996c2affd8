//! Live events for subscriptions. Services record events while they work
//! ([`emit`]); they are published only after the transaction commits
//! ([`crate::db::commit`]), so rolled-back work never announces anything.
//!
//! On SQLite events go straight to this process's subscribers. On PostgreSQL
//! they travel through `NOTIFY`, and every instance's listener (this one
//! included) hands them to its own subscribers, so a subscriber on one
//! instance hears about a change made through another.
//!
//! Each organisation has a channel of its own: a burst of events in one
//! organisation can make only that organisation's slow subscribers fall
//! behind, never another's.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement};
use serde::{Deserialize, Serialize};
use tokio::sync::broadcast;

use crate::auth::cache::AccountCache;
use crate::catalogue::SkillCatalogues;

/// The PostgreSQL channel events travel on.
pub const CHANNEL: &str = "voimavara_events";
/// Events a subscriber may fall behind by before it is dropped.
pub const BUFFER: usize = 256;

/// Something subscribers may want to hear about. Small on purpose: ids to
/// reload, and the organisation whose channel carries it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "k")]
pub enum Event {
    /// A notification row was written for a member.
    #[serde(rename = "n")]
    Notification {
        #[serde(rename = "o")]
        org: i64,
        #[serde(rename = "u")]
        user: i64,
        id: i64,
    },
    /// The seats of a pool (a clinic or course) changed.
    #[serde(rename = "s")]
    Seats {
        #[serde(rename = "o")]
        org: i64,
        #[serde(rename = "p")]
        pool: i64,
    },
    /// A member's sessions, role or status changed: whatever they have open
    /// must be authorised again, and cached copies of their account forgotten.
    #[serde(rename = "a")]
    Account {
        #[serde(rename = "o")]
        org: i64,
        #[serde(rename = "u")]
        user: i64,
    },
    /// The organisation's skill catalogue changed: cached copies are forgotten.
    #[serde(rename = "c")]
    Catalogue {
        #[serde(rename = "o")]
        org: i64,
    },
    /// A mail was queued: every instance's mail worker looks for work.
    #[serde(rename = "m")]
    Mail {
        #[serde(rename = "o")]
        org: i64,
    },
}

impl Event {
    /// The organisation the event belongs to.
    pub fn organisation(&self) -> i64 {
        match *self {
            Event::Notification { org, .. }
            | Event::Seats { org, .. }
            | Event::Account { org, .. }
            | Event::Catalogue { org }
            | Event::Mail { org } => org,
        }
    }
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

/// This process's subscribers, one channel per organisation.
#[derive(Debug)]
struct Hub {
    channels: Mutex<HashMap<i64, broadcast::Sender<Event>>>,
    accounts: Arc<AccountCache>,
    catalogues: Arc<SkillCatalogues>,
    mail: Arc<tokio::sync::Notify>,
}

impl Hub {
    /// Hands an event to this process: forgets cached accounts or
    /// catalogues when one changed, then tells the organisation's subscribers.
    fn deliver(&self, event: Event) {
        match event {
            Event::Account { .. } => self.accounts.invalidate(),
            Event::Catalogue { org } => self.catalogues.invalidate(Some(org)),
            Event::Mail { .. } => self.mail.notify_one(),
            Event::Notification { .. } | Event::Seats { .. } => {}
        }
        let Ok(channels) = self.channels.lock() else {
            return;
        };
        if let Some(sender) = channels.get(&event.organisation()) {
            let _ = sender.send(event);
        }
    }

    fn subscribe(&self, organisation: i64) -> broadcast::Receiver<Event> {
        let mut channels = match self.channels.lock() {
            Ok(channels) => channels,
            Err(poisoned) => poisoned.into_inner(),
        };
        // Organisations nobody listens to any more give their channel up.
        channels.retain(|_, sender| sender.receiver_count() > 0);
        channels
            .entry(organisation)
            .or_insert_with(|| broadcast::channel(BUFFER).0)
            .subscribe()
    }
}

/// This process's event hub.
#[derive(Debug, Clone)]
pub struct Bus {
    hub: Arc<Hub>,
    postgres: Option<DatabaseConnection>,
}

impl Bus {
    /// A hub for `db`: in-process on SQLite, through NOTIFY on PostgreSQL.
    /// Account events also clear `accounts`, catalogue events
    /// `catalogues`, on every instance.
    pub fn new(
        db: &DatabaseConnection,
        accounts: Arc<AccountCache>,
        catalogues: Arc<SkillCatalogues>,
    ) -> Self {
        let postgres = (db.get_database_backend() == DbBackend::Postgres).then(|| db.clone());
        Self {
            hub: Arc::new(Hub {
                channels: Mutex::new(HashMap::new()),
                accounts,
                catalogues,
                mail: Arc::new(tokio::sync::Notify::new()),
            }),
            postgres,
        }
    }

    /// Woken when a mail is queued through any instance.
    pub fn mail_queued(&self) -> Arc<tokio::sync::Notify> {
        self.hub.mail.clone()
    }

    /// A receiver of every event of one organisation from now on.
    pub fn subscribe(&self, organisation: i64) -> broadcast::Receiver<Event> {
        self.hub.subscribe(organisation)
    }

    /// Publishes committed events.
    pub async fn publish(&self, events: Vec<Event>) {
        for event in events {
            match &self.postgres {
                None => self.hub.deliver(event),
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
                        // This instance at least hears of it.
                        self.hub.deliver(event);
                    }
                }
            }
        }
    }

    /// On PostgreSQL, listens for every instance's events and hands them to
    /// local subscribers, reconnecting by itself when the connection drops.
    /// The first `LISTEN` is in place before this returns, so nothing
    /// committed after start-up is missed. While the listener is away,
    /// cached accounts are not trusted (an account event may have been missed).
    pub async fn start_listener(&self, url: String) {
        if self.postgres.is_none() {
            return;
        }
        let hub = self.hub.clone();
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
                // Anything cached before this connection may be out of date.
                hub.accounts.invalidate();
                hub.catalogues.invalidate(None);
                loop {
                    match listener.try_recv().await {
                        Ok(Some(notification)) => {
                            if let Ok(event) = serde_json::from_str::<Event>(notification.payload())
                            {
                                hub.deliver(event);
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
