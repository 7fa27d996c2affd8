//! Settings: built-in defaults, then the environment (`DATABASE_URL`,
//! `VOIMAVARA_*`), then command-line flags; a flag wins over the environment.

use std::fmt;
use std::time::Duration;

use clap::{Args, ValueEnum};

/// The default database: a SQLite file in the working directory, created if missing.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://voimavara.db?mode=rwc";

/// A value that must never be printed (logs, `Debug`, error messages).
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The secret itself; call only where it is used.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([redacted])")
    }
}

impl std::str::FromStr for Secret {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Self(s.to_owned()))
    }
}

/// How log lines are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum, Default)]
pub enum LogFormat {
    /// Human-readable, for a terminal.
    #[default]
    Pretty,
    /// One JSON object per line, for log collectors.
    Json,
}

/// Where the database is.
#[derive(Args, Clone, Debug)]
pub struct DatabaseSettings {
    /// Database URL: `sqlite://FILE?mode=rwc` or `postgres://USER@HOST:PORT/DB`.
    /// (Its value in the environment is never printed: it may hold a password.)
    #[arg(long, env = "DATABASE_URL", default_value = DEFAULT_DATABASE_URL, hide_env_values = true)]
    pub database_url: String,

    /// Largest number of pooled database connections (by default 10 on
    /// PostgreSQL; on SQLite two per core, from 2 to 10).
    #[arg(long, env = "VOIMAVARA_DB_MAX_CONNECTIONS")]
    pub db_max_connections: Option<u32>,
}

/// Whether `url` names an SQLite database (anything else is PostgreSQL).
pub fn is_sqlite(url: &str) -> bool {
    url.starts_with("sqlite:")
}

impl DatabaseSettings {
    /// The pool's size: as set, or the database's default. Each SQLite
    /// connection runs its statements on a thread of its own and keeps its
    /// own page cache, and SQLite writes one at a time whatever the pool, so
    /// connections beyond two per core add thread switches and memory, not
    /// throughput (measured on two cores: 4 connections served the board as
    /// fast as 10, with 5 MiB less at peak).
    pub fn pool_size(&self) -> u32 {
        self.db_max_connections.unwrap_or_else(|| {
            if is_sqlite(&self.database_url) {
                let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
                u32::try_from(cores * 2).unwrap_or(10).clamp(2, 10)
            } else {
                10
            }
        })
    }
}

/// Limits applied to every GraphQL request before and during execution.
#[derive(Args, Clone, Debug)]
pub struct QueryLimits {
    /// Deepest allowed selection nesting.
    #[arg(long, env = "VOIMAVARA_MAX_DEPTH", default_value_t = 16)]
    pub max_depth: usize,
    /// Highest allowed query complexity (each field counts 1, lists multiply).
    #[arg(long, env = "VOIMAVARA_MAX_COMPLEXITY", default_value_t = 5000)]
    pub max_complexity: usize,
    /// Most aliases in one document.
    #[arg(long, env = "VOIMAVARA_MAX_ALIASES", default_value_t = 15)]
    pub max_aliases: usize,
    /// Most directives in one document.
    #[arg(long, env = "VOIMAVARA_MAX_DIRECTIVES", default_value_t = 50)]
    pub max_directives: usize,
    /// Most lexical tokens in one document.
    #[arg(long, env = "VOIMAVARA_MAX_TOKENS", default_value_t = 1000)]
    pub max_tokens: usize,
    /// Longest document, in characters.
    #[arg(long, env = "VOIMAVARA_MAX_QUERY_LENGTH", default_value_t = 15_000)]
    pub max_query_length: usize,
    /// Largest request body, in bytes.
    #[arg(long, env = "VOIMAVARA_MAX_BODY_BYTES", default_value_t = 65_536)]
    pub max_body_bytes: usize,
    /// Most operations in one batched request (1 turns batching off).
    #[arg(long, env = "VOIMAVARA_MAX_BATCH", default_value_t = 5)]
    pub max_batch: usize,
    /// Longest time one operation may run, in milliseconds.
    #[arg(long, env = "VOIMAVARA_REQUEST_TIMEOUT_MS", default_value_t = 15_000)]
    pub request_timeout_ms: u64,
    /// Automatic persisted queries kept in memory (least recently used are
    /// dropped first); 0 turns persisted queries off.
    #[arg(long, env = "VOIMAVARA_PERSISTED_QUERIES", default_value_t = 1000)]
    pub persisted_queries: usize,
}

impl QueryLimits {
    /// The execution timeout as a duration.
    pub fn request_timeout(&self) -> Duration {
        Duration::from_millis(self.request_timeout_ms)
    }
}

impl Default for QueryLimits {
    fn default() -> Self {
        Self {
            max_depth: 16,
            max_complexity: 5000,
            max_aliases: 15,
            max_directives: 50,
            max_tokens: 1000,
            max_query_length: 15_000,
            max_body_bytes: 65_536,
            max_batch: 5,
            request_timeout_ms: 15_000,
            persisted_queries: 1000,
        }
    }
}

/// Bounds on WebSocket connections (`/graphql/ws`).
#[derive(Args, Clone, Debug)]
pub struct SocketLimits {
    /// How long a new connection may take to send `connection_init`, in
    /// milliseconds; then it is closed with 4408.
    #[arg(long, env = "VOIMAVARA_WS_INIT_TIMEOUT_MS", default_value_t = 10_000)]
    pub ws_init_timeout_ms: u64,
    /// How often the server pings each connection, in milliseconds.
    #[arg(long, env = "VOIMAVARA_WS_PING_INTERVAL_MS", default_value_t = 30_000)]
    pub ws_ping_interval_ms: u64,
    /// A connection silent this long (no message, no pong), in milliseconds,
    /// is closed (1001).
    #[arg(long, env = "VOIMAVARA_WS_IDLE_TIMEOUT_MS", default_value_t = 90_000)]
    pub ws_idle_timeout_ms: u64,
    /// Most operations running at once on one connection.
    #[arg(long, env = "VOIMAVARA_WS_MAX_SUBSCRIPTIONS", default_value_t = 100)]
    pub ws_max_subscriptions: usize,
    /// Most open connections of one account on one server.
    #[arg(
        long,
        env = "VOIMAVARA_WS_MAX_CONNECTIONS_PER_ACCOUNT",
        default_value_t = 20
    )]
    pub ws_max_connections_per_account: usize,
}

impl Default for SocketLimits {
    fn default() -> Self {
        Self {
            ws_init_timeout_ms: 10_000,
            ws_ping_interval_ms: 30_000,
            ws_idle_timeout_ms: 90_000,
            ws_max_subscriptions: 100,
            ws_max_connections_per_account: 20,
        }
    }
}

/// Everything `voimavara serve` needs.
#[derive(Args, Clone, Debug)]
pub struct Settings {
    #[command(flatten)]
    pub database: DatabaseSettings,

    /// Address and port to listen on.
    #[arg(long, env = "VOIMAVARA_BIND", default_value = "127.0.0.1:8080")]
    pub bind: String,

    /// Secret for signing access tokens, at least 32 bytes. Optional on SQLite
    /// (generated on first start and kept in the database); required on PostgreSQL.
    #[arg(long, env = "VOIMAVARA_JWT_SECRET", hide_env_values = true)]
    pub jwt_secret: Option<Secret>,

    /// Log format.
    #[arg(long, env = "VOIMAVARA_LOG_FORMAT", value_enum, default_value_t = LogFormat::Pretty)]
    pub log_format: LogFormat,

    /// Origins allowed to call the API from a browser, comma-separated (`*` for any).
    #[arg(long, env = "VOIMAVARA_CORS_ORIGINS", value_delimiter = ',')]
    pub cors_origins: Vec<String>,

    /// Production mode: no GraphiQL, no introspection, no field suggestions.
    #[arg(long, env = "VOIMAVARA_PRODUCTION", default_value_t = false)]
    pub production: bool,

    /// The address clients reach this server at, used in absolute links such as
    /// calendar feeds (defaults to `http://<bind>`).
    #[arg(long, env = "VOIMAVARA_PUBLIC_URL")]
    pub public_url: Option<String>,

    /// How long a request's batch loader waits for more keys before it runs
    /// one statement for all of them, in microseconds.
    #[arg(long, env = "VOIMAVARA_BATCH_DELAY_US", default_value_t = 1000)]
    pub batch_delay_us: u64,

    /// How long a signed-in member's organisation, role and status are reused
    /// between their requests without reading their row again, in
    /// milliseconds (0: read on every request). Any write committed on this
    /// server clears them at once; other servers on the same database see a
    /// change after at most this long.
    #[arg(long, env = "VOIMAVARA_AUTH_CACHE_MS", default_value_t = 1000)]
    pub auth_cache_ms: u64,

    /// A folder holding GraphiQL's browser files (react.production.min.js,
    /// react-dom.production.min.js, graphiql.min.js, graphiql.min.css), served
    /// at /graphiql/assets/ for machines without internet access; GraphiQL
    /// loads them from unpkg.com otherwise.
    #[arg(long, env = "VOIMAVARA_GRAPHIQL_ASSETS")]
    pub graphiql_assets: Option<std::path::PathBuf>,

    /// Fill an empty database with the demo organisation before serving (a
    /// database with data is left as it is).
    #[arg(long, env = "VOIMAVARA_DEMO", default_value_t = false)]
    pub demo: bool,

    /// HTTP worker threads (default: one per core).
    #[arg(long, env = "VOIMAVARA_WORKERS")]
    pub workers: Option<usize>,

    /// GraphQL operations over HTTP that may run at once (default: the
    /// database pool's size); the others wait their turn, within the
    /// request timeout. Bounds memory and latency under load.
    #[arg(long, env = "VOIMAVARA_MAX_CONCURRENT_OPERATIONS")]
    pub max_concurrent_operations: Option<usize>,

    /// Reverse proxies whose `X-Forwarded-For` is believed, comma-separated
    /// CIDR blocks or addresses (e.g. `10.0.0.0/8,::1`). Rate limits count by
    /// the right-most forwarded address that is not one of them.
    #[arg(
        long,
        env = "VOIMAVARA_TRUSTED_PROXIES",
        value_delimiter = ',',
        value_parser = crate::http::client::parse_trusted
    )]
    pub trusted_proxies: Vec<ipnet::IpNet>,

    /// A bearer token `/metrics` asks for (`Authorization: Bearer <token>`);
    /// without it `/metrics` is open.
    #[arg(long, env = "VOIMAVARA_METRICS_TOKEN", hide_env_values = true)]
    pub metrics_token: Option<Secret>,

    /// Longest time a client may take to send a request body, in milliseconds.
    #[arg(long, env = "VOIMAVARA_BODY_TIMEOUT_MS", default_value_t = 10_000)]
    pub body_timeout_ms: u64,

    /// How often expired sign-in attempts, refresh tokens and invitations
    /// are deleted, in seconds.
    #[arg(long, env = "VOIMAVARA_PRUNE_INTERVAL_S", default_value_t = 600)]
    pub prune_interval_s: u64,

    #[command(flatten)]
    pub limits: QueryLimits,

    #[command(flatten)]
    pub sockets: SocketLimits,

    #[command(flatten)]
    pub mail: MailSettings,
}

/// Where mail goes and what its links point to.
#[derive(Args, Clone, Debug, Default)]
pub struct MailSettings {
    /// The SMTP relay: `smtp://host:port` (no TLS, a local relay),
    /// `smtp+starttls://user:pass@host:587` or `smtps://user:pass@host:465`.
    /// Unset: every mail is written to the log instead, whole.
    #[arg(long, env = "VOIMAVARA_SMTP_URL", hide_env_values = true)]
    pub smtp_url: Option<Secret>,

    /// A PEM file of certificates to trust for the relay (a private CA),
    /// besides the public roots.
    #[arg(long, env = "VOIMAVARA_SMTP_CA_FILE")]
    pub smtp_ca_file: Option<std::path::PathBuf>,

    /// The sender of every mail.
    #[arg(
        long,
        env = "VOIMAVARA_MAIL_FROM",
        default_value = "Voimavara <no-reply@localhost>"
    )]
    pub mail_from: String,

    /// The frontend's base URL that links in mails point to (the public URL
    /// when unset).
    #[arg(long, env = "VOIMAVARA_APP_URL")]
    pub app_url: Option<String>,

    /// How often the mail worker looks for due mail when nothing woke it,
    /// in milliseconds (a mail queued through any instance wakes it at once).
    #[arg(long, env = "VOIMAVARA_MAIL_POLL_MS", default_value_t = 10_000)]
    pub mail_poll_ms: u64,
}

impl Settings {
    /// Refuses combinations that make no sense.
    pub fn check(&self) -> Result<(), String> {
        if self.demo && self.production {
            return Err(
                "--demo creates accounts with a published password; it cannot run with --production"
                    .into(),
            );
        }
        Ok(())
    }

    /// Settings for a server on `database_url` with every other value at its default.
    pub fn for_database(database_url: impl Into<String>) -> Self {
        Self {
            database: DatabaseSettings {
                database_url: database_url.into(),
                db_max_connections: None,
            },
            bind: "127.0.0.1:8080".into(),
            jwt_secret: None,
            log_format: LogFormat::Pretty,
            cors_origins: Vec::new(),
            production: false,
            public_url: None,
            batch_delay_us: 1000,
            auth_cache_ms: 1000,
            demo: false,
            graphiql_assets: None,
            workers: None,
            max_concurrent_operations: None,
            trusted_proxies: Vec::new(),
            metrics_token: None,
            body_timeout_ms: 10_000,
            prune_interval_s: 600,
            limits: QueryLimits::default(),
            sockets: SocketLimits::default(),
            mail: MailSettings {
                mail_from: "Voimavara <no-reply@localhost>".into(),
                mail_poll_ms: 10_000,
                ..MailSettings::default()
            },
        }
    }
}

#[cfg(test)]
mod pool_size_tests {
    use super::Settings;

    #[test]
    fn the_pool_is_as_set_or_the_databases_default() {
        let postgres = Settings::for_database("postgres://u@127.0.0.1/db");
        assert_eq!(postgres.database.pool_size(), 10);
        let sqlite = Settings::for_database("sqlite://x.db?mode=rwc");
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        assert_eq!(
            sqlite.database.pool_size() as usize,
            (cores * 2).clamp(2, 10)
        );
        let mut set = Settings::for_database("sqlite://x.db?mode=rwc");
        set.database.db_max_connections = Some(7);
        assert_eq!(set.database.pool_size(), 7);
    }
}
