//! Shared server state, and plain data about a request (its credentials
//! are resolved to an actor by the GraphQL layer: see `graphql::context`).

use std::sync::Arc;

use sea_orm::DatabaseConnection;

use crate::auth::jwt::JwtKeys;
use crate::clock::Clock;
use crate::config::Settings;
use crate::random::Random;

/// What every request can reach: the database, settings, clock, randomness, keys.
#[derive(Debug)]
pub struct AppState {
    pub db: DatabaseConnection,
    pub settings: Settings,
    pub clock: Arc<dyn Clock>,
    pub random: Arc<Random>,
    pub jwt: JwtKeys,
    /// Derives tokens that are never stored (invitations).
    pub tokens: crate::auth::tokens::TokenKeys,
    /// Base URL for absolute links, without a trailing slash.
    pub public_url: String,
    /// Live events for subscriptions.
    pub events: crate::events::Bus,
    /// Prometheus metrics, and the statement counter.
    pub metrics: Arc<crate::metrics::Metrics>,
    /// Recently read accounts, so authentication need not read them again.
    pub accounts: Arc<crate::auth::cache::AccountCache>,
    /// Skill catalogues read recently (see [`crate::catalogue`]).
    pub catalogues: Arc<crate::catalogue::SkillCatalogues>,
    /// The turn to write, on SQLite (see [`crate::db::WriteTxn`]).
    pub writer: Arc<tokio::sync::Mutex<()>>,
}

/// Shared handle on the state.
pub type State = Arc<AppState>;

impl AppState {
    /// The frontend's base URL, which links in mails and single sign-on's
    /// redirects point to (`VOIMAVARA_APP_URL`, else the public URL).
    pub fn app_url(&self) -> String {
        self.settings
            .mail
            .app_url
            .clone()
            .unwrap_or_else(|| self.public_url.clone())
            .trim_end_matches('/')
            .to_owned()
    }
}

/// Where a request came from, for rate limits.
#[derive(Debug, Clone)]
pub struct ClientAddr(pub String);

/// Extracts the bearer token from an `Authorization` header value.
pub fn bearer_token(header: Option<&str>) -> Option<String> {
    let value = header?.trim();
    let (scheme, token) = value.split_once(' ')?;
    if scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty() {
        Some(token.trim().to_owned())
    } else {
        None
    }
}
