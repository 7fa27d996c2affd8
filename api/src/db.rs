//! Database connections and transactions that behave the same on SQLite and
//! PostgreSQL.

use std::time::Duration;

use tokio::sync::OwnedMutexGuard;

use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DatabaseTransaction, DbBackend,
    DbErr, ExecResult, QueryResult, SqlErr, SqliteTransactionMode, Statement, TransactionOptions,
    TransactionTrait,
};

use crate::context::AppState;
use crate::error::AppError;

/// Prepared statements each SQLite connection keeps.
const SQLITE_STATEMENT_CACHE: usize = 32;
/// Each SQLite connection's page cache: negative is KiB (SQLite's convention).
const SQLITE_PAGE_CACHE_KIB: &str = "-512";

/// Opens a pool. SQLite gets WAL, foreign keys, a busy timeout and `NORMAL`
/// synchronous mode, so readers never block the writer and concurrent writers
/// queue instead of failing, and small per-connection caches.
pub async fn connect(url: &str, max_connections: u32) -> Result<DatabaseConnection, DbErr> {
    let mut options = ConnectOptions::new(url.to_owned());
    options
        .sqlx_logging(false)
        .connect_timeout(Duration::from_secs(5))
        .acquire_timeout(Duration::from_secs(10));
    if crate::config::is_sqlite(url) {
        let in_memory = url.contains(":memory:") || url.contains("mode=memory");
        // An in-memory database exists once per connection, so it gets exactly one.
        options.max_connections(if in_memory { 1 } else { max_connections.max(1) });
        options.min_connections(1);
        // sqlx pings a connection before handing it out, to find one the
        // server dropped; an SQLite connection is a file handle in this
        // process and cannot be dropped from outside, so the ping would only
        // cost a round trip to the connection's thread on every statement.
        options.test_before_acquire(false);
        options.map_sqlx_sqlite_opts(|opts| {
            opts.create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(30))
                // Every pooled connection keeps its own page cache and prepared
                // statements, so their size multiplies by the pool's; the
                // operating system caches the file as well. Measured on the
                // benchmark's data: 2 MiB and 100 statements per connection
                // (SQLite's and sqlx's defaults) peak at 110-125 MiB, these at
                // about 92 MiB, with the same throughput.
                .statement_cache_capacity(SQLITE_STATEMENT_CACHE)
                .pragma("cache_size", SQLITE_PAGE_CACHE_KIB)
        });
    } else {
        options.max_connections(max_connections.max(1));
        if plain_on_loopback(url) {
            options.map_sqlx_postgres_opts(|opts| {
                opts.ssl_mode(sea_orm::sqlx::postgres::PgSslMode::Disable)
            });
        }
    }
    Database::connect(options).await
}

/// Whether a PostgreSQL URL names this machine (a loopback address, or a
/// Unix socket) and says nothing of TLS: then the connection is not
/// encrypted, as there is no network to protect it from and encryption
/// costs both ends CPU on every statement. A URL that gives `sslmode` gets
/// what it asks for; any other host gets the driver's default (`prefer`).
fn plain_on_loopback(url: &str) -> bool {
    let Ok(parsed) = url::Url::parse(url) else {
        return false;
    };
    if parsed.query_pairs().any(|(key, _)| key == "sslmode") {
        return false;
    }
    let socket = parsed
        .query_pairs()
        .any(|(key, value)| key == "host" && value.starts_with('/'));
    socket
        || match parsed.host() {
            // Hosts of `postgres:` URLs come as names, addresses included.
            Some(url::Host::Domain(name)) => {
                name == "localhost"
                    || name
                        .trim_matches(['[', ']'])
                        .parse::<std::net::IpAddr>()
                        .is_ok_and(|ip| ip.is_loopback())
            }
            Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
            Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
            None => true,
        }
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod loopback_tests {
    use super::plain_on_loopback;

    #[test]
    fn only_loopback_urls_without_sslmode_go_unencrypted() {
        for url in [
            "postgres://postgres@127.0.0.1:5432/db",
            "postgres://u:p@localhost/db",
            "postgres://u@[::1]:5432/db",
            "postgres://u@127.0.0.2/db",
            "postgres:///db?host=/var/run/postgresql",
        ] {
            assert!(plain_on_loopback(url), "{url}");
        }
        for url in [
            "postgres://u@db.example.com/db",
            "postgres://u@10.0.0.5/db",
            "postgres://u@127.0.0.1/db?sslmode=require",
            "postgres://u@localhost/db?sslmode=prefer",
            "not a url",
        ] {
            assert!(!plain_on_loopback(url), "{url}");
        }
    }
}

/// A write transaction. On SQLite it also holds this server's turn to
/// write: SQLite has one writer at a time, and writers queued here take turns
/// in order, where waiting on SQLite's lock would poll with sleeps of up to
/// 100 ms (the busy timeout still covers other processes on the same file).
pub struct WriteTxn {
    txn: DatabaseTransaction,
    turn: Option<OwnedMutexGuard<()>>,
}

impl std::ops::Deref for WriteTxn {
    type Target = DatabaseTransaction;

    fn deref(&self) -> &DatabaseTransaction {
        &self.txn
    }
}

impl WriteTxn {
    /// Undoes the transaction and gives up the turn.
    pub async fn rollback(self) -> Result<(), DbErr> {
        self.txn.rollback().await
    }
}

#[async_trait::async_trait]
impl ConnectionTrait for WriteTxn {
    fn get_database_backend(&self) -> DbBackend {
        self.txn.get_database_backend()
    }

    async fn execute_raw(&self, stmt: Statement) -> Result<ExecResult, DbErr> {
        self.txn.execute_raw(stmt).await
    }

    async fn execute_unprepared(&self, sql: &str) -> Result<ExecResult, DbErr> {
        self.txn.execute_unprepared(sql).await
    }

    async fn query_one_raw(&self, stmt: Statement) -> Result<Option<QueryResult>, DbErr> {
        self.txn.query_one_raw(stmt).await
    }

    async fn query_all_raw(&self, stmt: Statement) -> Result<Vec<QueryResult>, DbErr> {
        self.txn.query_all_raw(stmt).await
    }

    fn support_returning(&self) -> bool {
        self.txn.support_returning()
    }

    fn is_mock_connection(&self) -> bool {
        self.txn.is_mock_connection()
    }
}

/// Begins a transaction that will write, after this server's earlier writers
/// on SQLite (see [`WriteTxn`]).
pub async fn begin_write(state: &AppState) -> Result<WriteTxn, DbErr> {
    let turn = match state.db.get_database_backend() {
        DbBackend::Sqlite => Some(state.writer.clone().lock_owned().await),
        _ => None,
    };
    let txn = begin_write_on(&state.db).await?;
    Ok(WriteTxn { txn, turn })
}

/// Begins a transaction that will write on any connection. On SQLite it is
/// `BEGIN IMMEDIATE`, which takes the write lock at once: a deferred
/// transaction that reads and then writes fails with SQLITE_BUSY under
/// concurrency instead of waiting.
pub async fn begin_write_on<C>(db: &C) -> Result<DatabaseTransaction, DbErr>
where
    C: ConnectionTrait + TransactionTrait<Transaction = DatabaseTransaction>,
{
    let options = match db.get_database_backend() {
        DbBackend::Sqlite => TransactionOptions {
            sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
            ..Default::default()
        },
        _ => TransactionOptions::default(),
    };
    crate::events::reset();
    db.begin_with_options(options).await
}

/// Commits a write transaction, gives up the turn, then publishes the events
/// it recorded.
pub async fn commit(txn: WriteTxn, state: &AppState) -> Result<(), DbErr> {
    let WriteTxn { txn, turn } = txn;
    txn.commit().await?;
    drop(turn);
    state.accounts.invalidate();
    state.events.publish(crate::events::take()).await;
    Ok(())
}

impl From<DbErr> for AppError {
    fn from(err: DbErr) -> Self {
        match err.sql_err() {
            // A unique constraint backs every "only one" rule; losing such a race
            // is a conflict with the current state, not a server failure.
            Some(SqlErr::UniqueConstraintViolation(_)) => {
                Self::Conflict("that already exists".into())
            }
            _ => Self::internal(err),
        }
    }
}

/// `select` as `SELECT … FOR UPDATE` on PostgreSQL: the rows it reads stay
/// locked until the transaction ends, so a decision taken on them cannot be
/// undercut by another transaction. On SQLite a write transaction already
/// holds the whole database.
pub fn for_update<E: sea_orm::EntityTrait>(
    select: sea_orm::Select<E>,
    conn: &impl ConnectionTrait,
) -> sea_orm::Select<E> {
    use sea_orm::QuerySelect;
    if is_postgres(conn) {
        select.lock_exclusive()
    } else {
        select
    }
}

/// The `n`th (1-based) bound parameter of a hand-written statement:
/// `$n` on PostgreSQL, `?` on SQLite.
pub fn param(backend: DbBackend, n: usize) -> String {
    match backend {
        DbBackend::Postgres => format!("${n}"),
        _ => "?".into(),
    }
}

/// The PostgreSQL advisory lock migrations run under ("voimavara" in ASCII).
const MIGRATION_LOCK: i64 = 0x766f_696d_6176_6172;

/// Applies the pending migrations. On PostgreSQL, under a session advisory
/// lock held on a connection of its own: instances starting together take
/// turns, and those after the first find nothing left to do. (SQLite is one
/// instance per file.)
pub async fn migrate(url: &str, conn: &DatabaseConnection) -> Result<(), DbErr> {
    use migration::{Migrator, MigratorTrait};
    if !is_postgres(conn) {
        return Migrator::up(conn, None).await;
    }
    let lock = connect(url, 1).await?;
    lock.execute_unprepared(&format!("SELECT pg_advisory_lock({MIGRATION_LOCK})"))
        .await?;
    let migrated = Migrator::up(conn, None).await;
    // Closing the session releases the lock too, whatever happened above.
    let unlocked = lock
        .execute_unprepared(&format!("SELECT pg_advisory_unlock({MIGRATION_LOCK})"))
        .await;
    lock.close().await.ok();
    migrated?;
    unlocked.map(|_| ())
}

/// Whether the pool talks to PostgreSQL.
pub fn is_postgres(db: &impl ConnectionTrait) -> bool {
    db.get_database_backend() == DbBackend::Postgres
}
