//! Prometheus metrics, served at `GET /metrics` in the text exposition format:
//! GraphQL requests and latency per operation name, errors per code, HTTP
//! responses per status (refusals before GraphQL included), SQL statements,
//! the database pool, open subscriptions, the build, and the process
//! (`process_*`: CPU, memory, open files, start time).

use std::collections::HashSet;
use std::sync::Mutex;
use std::time::Duration;

use prometheus::{
    Encoder, HistogramOpts, HistogramVec, IntCounter, IntCounterVec, IntGauge, IntGaugeVec, Opts,
    Registry, TextEncoder,
};
use sea_orm::{DatabaseConnection, DatabaseConnectionType};

/// Most distinct operation names kept as labels; later ones count as `other`,
/// so a client inventing names cannot grow the registry without bound.
const MAX_OPERATION_LABELS: usize = 200;
/// Longest operation name kept as a label.
const MAX_OPERATION_NAME: usize = 64;

/// The server's metrics. One per running server.
pub struct Metrics {
    registry: Registry,
    requests: IntCounterVec,
    latency: HistogramVec,
    errors: IntCounterVec,
    statements: IntCounter,
    statements_failed: IntCounter,
    pool: IntGaugeVec,
    subscriptions: IntGauge,
    operations: IntGaugeVec,
    mails: IntCounterVec,
    responses: IntCounterVec,
    operation_names: Mutex<HashSet<String>>,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Metrics")
            .field("statements", &self.statements.get())
            .finish_non_exhaustive()
    }
}

impl Metrics {
    /// A fresh registry with every metric registered.
    pub fn new() -> Result<Self, prometheus::Error> {
        let registry = Registry::new_custom(Some("voimavara".into()), None)?;
        let requests = IntCounterVec::new(
            Opts::new("graphql_requests_total", "GraphQL operations executed"),
            &["operation"],
        )?;
        let latency = HistogramVec::new(
            HistogramOpts::new(
                "graphql_request_duration_seconds",
                "Time from receiving a GraphQL operation to its response",
            )
            .buckets(vec![
                0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
                15.0,
            ]),
            &["operation"],
        )?;
        let errors = IntCounterVec::new(
            Opts::new("graphql_errors_total", "GraphQL errors returned, by code"),
            &["code"],
        )?;
        let statements = IntCounter::new("db_statements_total", "SQL statements executed")?;
        let statements_failed =
            IntCounter::new("db_statements_failed_total", "SQL statements that failed")?;
        let pool = IntGaugeVec::new(
            Opts::new("db_pool_connections", "Database pool connections by state"),
            &["state"],
        )?;
        let subscriptions =
            IntGauge::new("subscriptions_open", "GraphQL subscriptions streaming now")?;
        let operations = IntGaugeVec::new(
            Opts::new(
                "graphql_operations",
                "GraphQL operations over HTTP now, running or waiting for their turn",
            ),
            &["state"],
        )?;
        let mails = IntCounterVec::new(
            Opts::new(
                "mails_total",
                "Mail attempts by outcome: sent, retry (will be tried again), failed (given up), dropped (no longer applied), released (handed back at shutdown)",
            ),
            &["outcome"],
        )?;
        for outcome in ["sent", "retry", "failed", "dropped", "released"] {
            mails.with_label_values(&[outcome]);
        }
        registry.register(Box::new(mails.clone()))?;
        registry.register(Box::new(requests.clone()))?;
        registry.register(Box::new(latency.clone()))?;
        registry.register(Box::new(errors.clone()))?;
        registry.register(Box::new(statements.clone()))?;
        registry.register(Box::new(statements_failed.clone()))?;
        registry.register(Box::new(pool.clone()))?;
        registry.register(Box::new(subscriptions.clone()))?;
        registry.register(Box::new(operations.clone()))?;
        let responses = IntCounterVec::new(
            Opts::new("http_responses_total", "HTTP responses sent, by status"),
            &["status"],
        )?;
        registry.register(Box::new(responses.clone()))?;
        let build = IntGaugeVec::new(
            Opts::new("build_info", "The running build (always 1)"),
            &["version"],
        )?;
        build.with_label_values(&[env!("CARGO_PKG_VERSION")]).set(1);
        registry.register(Box::new(build))?;
        // Unprefixed, as every Prometheus client names them.
        prometheus::default_registry()
            .register(Box::new(
                prometheus::process_collector::ProcessCollector::for_self(),
            ))
            .or_else(|err| match err {
                prometheus::Error::AlreadyReg => Ok(()),
                other => Err(other),
            })?;
        Ok(Self {
            registry,
            requests,
            latency,
            errors,
            statements,
            statements_failed,
            pool,
            subscriptions,
            operations,
            mails,
            responses,
            operation_names: Mutex::new(HashSet::new()),
        })
    }

    /// Counts one HTTP response by its status.
    pub fn response(&self, status: actix_web::http::StatusCode) {
        self.responses.with_label_values(&[status.as_str()]).inc();
    }

    /// Counts one mail attempt's outcome.
    pub fn mail(&self, outcome: &str) {
        self.mails.with_label_values(&[outcome]).inc();
    }

    /// Counts every statement the connection runs, through sea-orm's metric
    /// callback. Call before the connection is cloned.
    pub fn instrument(self: &std::sync::Arc<Self>, db: &mut DatabaseConnection) {
        let metrics = self.clone();
        db.set_metric_callback(move |info| {
            tracing::trace!(
                target: "voimavara::sql",
                micros = info.elapsed.as_micros() as u64,
                failed = info.failed,
                sql = %info.statement.sql,
            );
            metrics.statements.inc();
            if info.failed {
                metrics.statements_failed.inc();
            }
        });
    }

    /// SQL statements run since the server started.
    pub fn statements(&self) -> u64 {
        self.statements.get()
    }

    /// Records one GraphQL operation and the codes of its errors.
    pub fn observe_request(
        &self,
        operation: Option<&str>,
        elapsed: Duration,
        error_codes: &[&str],
    ) {
        let label = self.operation_label(operation);
        self.requests.with_label_values(&[&label]).inc();
        self.latency
            .with_label_values(&[&label])
            .observe(elapsed.as_secs_f64());
        for code in error_codes {
            self.errors.with_label_values(&[code]).inc();
        }
    }

    /// A subscription started; the returned guard ends it when dropped.
    pub fn subscription_opened(&self) -> GaugeGuard {
        GaugeGuard::up(&self.subscriptions)
    }

    /// An operation waits for its turn to run, until the guard is dropped.
    pub fn operation_waiting(&self) -> GaugeGuard {
        GaugeGuard::up(&self.operations.with_label_values(&["waiting"]))
    }

    /// An operation runs, until the guard is dropped.
    pub fn operation_running(&self) -> GaugeGuard {
        GaugeGuard::up(&self.operations.with_label_values(&["running"]))
    }

    /// The text exposition of every metric, with the pool read now.
    pub fn render(&self, db: &DatabaseConnection) -> String {
        let (size, idle) = pool_size(db);
        self.pool.with_label_values(&["idle"]).set(idle);
        self.pool
            .with_label_values(&["in_use"])
            .set((size - idle).max(0));
        let mut out = Vec::new();
        let mut families = self.registry.gather();
        families.extend(prometheus::default_registry().gather());
        if TextEncoder::new().encode(&families, &mut out).is_err() {
            return String::new();
        }
        String::from_utf8(out).unwrap_or_default()
    }

    fn operation_label(&self, operation: Option<&str>) -> String {
        let Some(name) = operation.filter(|n| {
            !n.is_empty()
                && n.len() <= MAX_OPERATION_NAME
                && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        }) else {
            return if operation.is_none() {
                "anonymous".into()
            } else {
                "other".into()
            };
        };
        let Ok(mut names) = self.operation_names.lock() else {
            return "other".into();
        };
        if names.contains(name) {
            return name.to_owned();
        }
        if names.len() >= MAX_OPERATION_LABELS {
            return "other".into();
        }
        names.insert(name.to_owned());
        name.to_owned()
    }
}

/// Holds a gauge one higher for as long as it lives.
pub struct GaugeGuard(IntGauge);

impl GaugeGuard {
    fn up(gauge: &IntGauge) -> Self {
        gauge.inc();
        Self(gauge.clone())
    }
}

impl Drop for GaugeGuard {
    fn drop(&mut self) {
        self.0.dec();
    }
}

/// Connections in the pool, and how many of them are idle.
fn pool_size(db: &DatabaseConnection) -> (i64, i64) {
    match &db.inner {
        DatabaseConnectionType::SqlxSqlitePoolConnection(_) => {
            let pool = db.get_sqlite_connection_pool();
            (i64::from(pool.size()), to_i64(pool.num_idle()))
        }
        DatabaseConnectionType::SqlxPostgresPoolConnection(_) => {
            let pool = db.get_postgres_connection_pool();
            (i64::from(pool.size()), to_i64(pool.num_idle()))
        }
        _ => (0, 0),
    }
}

fn to_i64(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests;
