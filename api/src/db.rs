//! Database connections and transactions that behave the same on SQLite and
//! PostgreSQL.

use std::time::Duration;

use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DatabaseTransaction, DbBackend,
    DbErr, SqliteTransactionMode, TransactionOptions, TransactionTrait,
};

/// Opens a pool. SQLite gets WAL, foreign keys, a busy timeout and `NORMAL`
/// synchronous mode, so readers never block the writer and concurrent writers
/// queue instead of failing.
pub async fn connect(url: &str, max_connections: u32) -> Result<DatabaseConnection, DbErr> {
    let mut options = ConnectOptions::new(url.to_owned());
    options
        .sqlx_logging(false)
        .connect_timeout(Duration::from_secs(5))
        .acquire_timeout(Duration::from_secs(10));
    if url.starts_with("sqlite:") {
        let in_memory = url.contains(":memory:") || url.contains("mode=memory");
        // An in-memory database exists once per connection, so it gets exactly one.
        options.max_connections(if in_memory { 1 } else { max_connections.max(1) });
        options.min_connections(1);
        options.map_sqlx_sqlite_opts(|opts| {
            opts.create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(30))
        });
    } else {
        options.max_connections(max_connections.max(1));
    }
    Database::connect(options).await
}

/// Begins a transaction that will write. On SQLite it is `BEGIN IMMEDIATE`,
/// which takes the write lock at once: a deferred transaction that reads and
/// then writes fails with SQLITE_BUSY under concurrency instead of waiting.
pub async fn begin_write<C>(db: &C) -> Result<DatabaseTransaction, DbErr>
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

/// Commits a write transaction, then publishes the events it recorded.
pub async fn commit(
    txn: DatabaseTransaction,
    state: &crate::context::AppState,
) -> Result<(), DbErr> {
    txn.commit().await?;
    state.accounts.invalidate();
    state.events.publish(crate::events::take()).await;
    Ok(())
}

/// Whether the pool talks to PostgreSQL.
pub fn is_postgres(db: &impl ConnectionTrait) -> bool {
    db.get_database_backend() == DbBackend::Postgres
}
