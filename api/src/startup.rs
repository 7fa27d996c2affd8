//! Building and running the server from settings.

use std::net::TcpListener;
use std::sync::Arc;

use actix_cors::Cors;
use actix_web::dev::{Server, ServerHandle, Service};
use actix_web::{App, HttpServer, web};

use crate::auth::jwt::JwtKeys;
use crate::clock::{Clock, SystemClock};
use crate::config::Settings;
use crate::context::{AppState, State};
use crate::db;
use crate::http::drain::{self, InFlight};
use crate::http::{self, HttpState};
use crate::metrics::Metrics;
use crate::random::Random;
use crate::secrets;

/// Why the server could not start. Each says what to fix.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error("cannot reach the database: {0}")]
    Database(sea_orm::DbErr),
    #[error("cannot apply migrations: {0}")]
    Migration(sea_orm::DbErr),
    #[error("{0}")]
    Secret(#[from] secrets::SecretError),
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: String,
        source: std::io::Error,
    },
    #[error("invalid setting: {0}")]
    Settings(String),
}

/// A bound, migrated, ready-to-run server.
pub struct Application {
    port: u16,
    server: Server,
    state: State,
    in_flight: Arc<InFlight>,
    mail: crate::mail::worker::Worker,
}

/// How long a stopping server waits for the requests in flight.
const SHUTDOWN_TIMEOUT_S: u64 = 30;

/// Replaceable parts, for tests: the clock and the random source.
#[derive(Default)]
pub struct Overrides {
    pub clock: Option<Arc<dyn Clock>>,
    pub random: Option<Arc<Random>>,
}

impl Application {
    /// Connects, migrates, binds `settings.bind` (port 0 picks a free one).
    pub async fn build(settings: Settings) -> Result<Self, StartupError> {
        Self::build_with(settings, Overrides::default()).await
    }

    /// Like [`Application::build`] with a chosen clock and random source.
    pub async fn build_with(
        settings: Settings,
        overrides: Overrides,
    ) -> Result<Self, StartupError> {
        settings.check().map_err(StartupError::Settings)?;
        let clock = overrides.clock.unwrap_or_else(|| Arc::new(SystemClock));
        let random = overrides
            .random
            .unwrap_or_else(|| Arc::new(Random::from_os()));
        let mut conn = db::connect(
            &settings.database.database_url,
            settings.database.pool_size(),
        )
        .await
        .map_err(StartupError::Database)?;
        db::migrate(&settings.database.database_url, &conn)
            .await
            .map_err(StartupError::Migration)?;
        let metrics =
            Arc::new(Metrics::new().map_err(|e| StartupError::Settings(format!("metrics: {e}")))?);
        metrics.instrument(&mut conn);
        let secret = secrets::jwt_secret(&settings, &conn, &random, clock.as_ref()).await?;
        let jwt = JwtKeys::new(&secret).map_err(|_| StartupError::Settings("JWT secret".into()))?;
        let tokens = crate::auth::tokens::TokenKeys::new(&secret);

        let listener = TcpListener::bind(&settings.bind).map_err(|source| StartupError::Bind {
            addr: settings.bind.clone(),
            source,
        })?;
        let local = listener.local_addr().map_err(|source| StartupError::Bind {
            addr: settings.bind.clone(),
            source,
        })?;
        let public_url = settings
            .public_url
            .clone()
            .unwrap_or_else(|| format!("http://{local}"))
            .trim_end_matches('/')
            .to_owned();

        let accounts = Arc::new(crate::auth::cache::AccountCache::new(
            i64::try_from(settings.auth_cache_ms)
                .ok()
                .and_then(chrono::Duration::try_milliseconds)
                .unwrap_or(chrono::Duration::MAX),
        ));
        let catalogues = Arc::new(crate::catalogue::SkillCatalogues::default());
        let events = crate::events::Bus::new(&conn, accounts.clone(), catalogues.clone());
        events
            .start_listener(settings.database.database_url.clone())
            .await;
        let state: State = Arc::new(AppState {
            events,
            db: conn,
            settings: settings.clone(),
            clock,
            random,
            jwt,
            tokens,
            public_url,
            metrics,
            accounts,
            catalogues,
            writer: Arc::new(tokio::sync::Mutex::new(())),
        });
        crate::service::maintenance::start(state.clone());
        let mail =
            crate::mail::worker::Worker::start(state.clone()).map_err(StartupError::Settings)?;
        let http_state = HttpState::new(state.clone());
        let cors_origins = settings.cors_origins.clone();
        let in_flight = Arc::new(InFlight::default());
        let counted = in_flight.clone();
        let observed = state.clone();
        let mut server = HttpServer::new(move || {
            let counted = counted.clone();
            let observed = observed.clone();
            App::new()
                .wrap(cors(&cors_origins))
                .wrap_fn(move |request, service| {
                    let handling = counted.enter();
                    let answer = service.call(request);
                    async move {
                        let mut response = answer.await;
                        let draining = handling.draining();
                        drop(handling);
                        if draining && let Ok(response) = response.as_mut() {
                            response.headers_mut().insert(
                                actix_web::http::header::CONNECTION,
                                actix_web::http::header::HeaderValue::from_static("close"),
                            );
                        }
                        response
                    }
                })
                .wrap_fn(move |request, service| {
                    use tracing::Instrument;
                    let started = std::time::Instant::now();
                    let id = http::observe::request_id(
                        request.headers().get(http::observe::REQUEST_ID),
                        &observed,
                    );
                    let span = http::observe::span(&request, &id);
                    actix_web::HttpMessage::extensions_mut(&request)
                        .insert(http::observe::RequestId(id.clone()));
                    let answer = service.call(request).instrument(span.clone());
                    let observed = observed.clone();
                    async move {
                        let mut response = answer.await;
                        http::observe::finish(&mut response, &span, &id, started, &observed);
                        response
                    }
                })
                .app_data(web::Data::new(http_state.clone()))
                .configure(http::routes)
        })
        .listen(listener)
        .map_err(|source| StartupError::Bind {
            addr: settings.bind.clone(),
            source,
        })?
        .disable_signals()
        .shutdown_timeout(SHUTDOWN_TIMEOUT_S);
        if let Some(workers) = settings.workers {
            server = server.workers(workers.max(1));
        }
        Ok(Self {
            port: local.port(),
            server: server.run(),
            state,
            in_flight,
            mail,
        })
    }

    /// The port actually bound.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The shared state (database, clock, …).
    pub fn state(&self) -> State {
        self.state.clone()
    }

    /// A handle that stops the server.
    pub fn handle(&self) -> ServerHandle {
        self.server.handle()
    }

    /// Serves until stopped. SIGTERM and SIGINT stop accepting new
    /// connections and let requests in flight finish (see [`drain`]).
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let served = drain::serve(
            self.server,
            self.in_flight,
            std::time::Duration::from_secs(SHUTDOWN_TIMEOUT_S),
        )
        .await;
        self.mail.stop().await;
        served
    }
}

fn cors(origins: &[String]) -> Cors {
    let base = Cors::default()
        .allowed_methods(["GET", "POST"])
        .allowed_headers(["authorization", "content-type", "accept"])
        .max_age(3600);
    if origins.iter().any(|o| o == "*") {
        return base.allow_any_origin();
    }
    origins
        .iter()
        .filter(|o| !o.trim().is_empty())
        .fold(base, |cors, origin| cors.allowed_origin(origin.trim()))
}
