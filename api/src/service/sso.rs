//! Single sign-on through an organisation's OpenID provider, with the
//! `openidconnect` crate: discovery, the authorization code flow with PKCE
//! (S256), `state` and `nonce` kept server-side for one use (so any instance
//! finishes a flow another started), the ID token checked against the
//! provider's keys (refetched once when they do not match), `iss`, `aud`,
//! `exp`, `nonce` and `email_verified`; then a one-time code the frontend
//! exchanges for a session. This file holds the organisation's settings
//! and the provider's discovery; [`flow`] the browser's side.

use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};
use std::time::{Duration as StdDuration, Instant};

use entity::{refresh_token, sso_setting};
use openidconnect::core::{CoreClient, CoreProviderMetadata};
use openidconnect::{ClientId, ClientSecret, IssuerUrl, RedirectUrl};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter,
};

use crate::auth::{Actor, permissions};
use crate::context::AppState;
use crate::db;
use crate::domain::sso::{allowed_domains, issuer_allowed};
use crate::domain::text;
use crate::error::{AppError, AppResult};

/// How long a provider's discovery document and keys are reused.
const DISCOVERY_TTL: StdDuration = StdDuration::from_secs(600);
/// How long one call to a provider may take.
const PROVIDER_TIMEOUT: StdDuration = StdDuration::from_secs(10);

/// Providers' discovery documents and keys, by issuer.
static DISCOVERED: LazyLock<Mutex<HashMap<String, (Instant, CoreProviderMetadata)>>> =
    LazyLock::new(|| Mutex::new(HashMap::new()));

fn http_client() -> AppResult<openidconnect::reqwest::Client> {
    openidconnect::reqwest::Client::builder()
        .redirect(openidconnect::reqwest::redirect::Policy::none())
        .timeout(PROVIDER_TIMEOUT)
        .build()
        .map_err(AppError::internal)
}

/// The provider's discovery document and keys: cached, unless `fresh`.
async fn discover(issuer: &str, fresh: bool) -> Result<CoreProviderMetadata, String> {
    if !fresh
        && let Ok(cache) = DISCOVERED.lock()
        && let Some((at, metadata)) = cache.get(issuer)
        && at.elapsed() < DISCOVERY_TTL
    {
        return Ok(metadata.clone());
    }
    let url = IssuerUrl::new(issuer.to_owned()).map_err(|e| e.to_string())?;
    let client = http_client().map_err(|e| e.to_string())?;
    let metadata = CoreProviderMetadata::discover_async(url, &client)
        .await
        .map_err(|e| {
            let mut text = e.to_string();
            let mut source = std::error::Error::source(&e);
            while let Some(cause) = source {
                text.push_str(": ");
                text.push_str(&cause.to_string());
                source = cause.source();
            }
            text
        })?;
    if let Ok(mut cache) = DISCOVERED.lock() {
        cache.insert(issuer.to_owned(), (Instant::now(), metadata.clone()));
    }
    Ok(metadata)
}

/// What `configureSso` sets.
#[derive(Debug, Clone)]
pub struct Configure {
    pub issuer: String,
    pub client_id: String,
    /// `None` keeps the secret already stored.
    pub client_secret: Option<String>,
    pub allowed_domains: Vec<String>,
    pub password_login: bool,
}

/// The organisation's settings (ADMIN), if any were ever made.
#[tracing::instrument(skip_all, fields(organisation = actor.organisation_id, user = actor.user_id))]
pub async fn settings(state: &AppState, actor: &Actor) -> AppResult<Option<sso_setting::Model>> {
    permissions::require_admin(actor)?;
    Ok(sso_setting::Entity::find()
        .filter(sso_setting::Column::OrganisationId.eq(actor.organisation_id))
        .one(&state.db)
        .await?)
}

/// Sets the organisation's provider up (ADMIN), after reading its discovery
/// document. Turning password sign-in off is for an admin whose own session
/// came through the provider (so nobody locks the organisation out).
#[tracing::instrument(skip_all, fields(organisation = actor.organisation_id, user = actor.user_id))]
pub async fn configure(
    state: &AppState,
    actor: &Actor,
    input: Configure,
) -> AppResult<sso_setting::Model> {
    permissions::require_admin(actor)?;
    let issuer = input.issuer.trim().trim_end_matches('/').to_owned();
    if issuer.len() > 500 || !issuer_allowed(&issuer) {
        return Err(AppError::field(
            "issuer",
            "the issuer is an https:// URL (http:// only on this machine)",
        ));
    }
    let client_id = text::required(&input.client_id, "clientId", 300, false)?;
    let client_secret = input
        .client_secret
        .map(|secret| text::required(&secret, "clientSecret", 500, false))
        .transpose()?;
    let domains = allowed_domains(&input.allowed_domains, "allowedDomains")?;
    if !input.password_login && !session_via_sso(state, actor).await? {
        return Err(AppError::field(
            "passwordLogin",
            "sign in through the provider first: only then may password sign-in be turned off",
        ));
    }
    discover(&issuer, true).await.map_err(|why| {
        AppError::field(
            "issuer",
            format!("the issuer's discovery document could not be read: {why}"),
        )
    })?;

    let now = state.clock.now();
    let txn = db::begin_write(state).await?;
    let existing = sso_setting::Entity::find()
        .filter(sso_setting::Column::OrganisationId.eq(actor.organisation_id))
        .one(&*txn)
        .await?;
    let saved = match existing {
        Some(existing) => {
            let mut row: sso_setting::ActiveModel = existing.into();
            row.issuer = Set(issuer);
            row.client_id = Set(client_id);
            if let Some(secret) = client_secret {
                row.client_secret = Set(secret);
            }
            row.allowed_domains = Set(domains.join(","));
            row.password_login = Set(input.password_login);
            row.enabled = Set(true);
            row.updated_at = Set(now);
            row.update(&*txn).await?
        }
        None => {
            let secret = client_secret.ok_or_else(|| {
                AppError::field("clientSecret", "the client secret is needed the first time")
            })?;
            sso_setting::ActiveModel {
                organisation_id: Set(actor.organisation_id),
                issuer: Set(issuer),
                client_id: Set(client_id),
                client_secret: Set(secret),
                allowed_domains: Set(domains.join(",")),
                password_login: Set(input.password_login),
                enabled: Set(true),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            }
            .insert(&*txn)
            .await?
        }
    };
    db::commit(txn, state).await?;
    Ok(saved)
}

/// Turns single sign-on off (ADMIN): members sign in with passwords again.
#[tracing::instrument(skip_all, fields(organisation = actor.organisation_id, user = actor.user_id))]
pub async fn disable(state: &AppState, actor: &Actor) -> AppResult<Option<sso_setting::Model>> {
    permissions::require_admin(actor)?;
    let txn = db::begin_write(state).await?;
    sso_setting::Entity::update_many()
        .col_expr(sso_setting::Column::Enabled, Expr::value(false))
        .col_expr(sso_setting::Column::PasswordLogin, Expr::value(true))
        .col_expr(
            sso_setting::Column::UpdatedAt,
            Expr::value(state.clock.now()),
        )
        .filter(sso_setting::Column::OrganisationId.eq(actor.organisation_id))
        .exec(&*txn)
        .await?;
    let settings = sso_setting::Entity::find()
        .filter(sso_setting::Column::OrganisationId.eq(actor.organisation_id))
        .one(&*txn)
        .await?;
    db::commit(txn, state).await?;
    Ok(settings)
}

/// Whether the actor's current session was opened through the provider.
async fn session_via_sso(state: &AppState, actor: &Actor) -> AppResult<bool> {
    let Some(family) = &actor.session else {
        return Ok(false);
    };
    Ok(refresh_token::Entity::find()
        .filter(refresh_token::Column::Family.eq(family.as_str()))
        .filter(refresh_token::Column::UserId.eq(actor.user_id))
        .filter(refresh_token::Column::ViaSso.eq(true))
        .count(&state.db)
        .await?
        > 0)
}

/// Whether members of `organisation_id` may sign in with a password.
pub async fn password_login_allowed(
    conn: &impl ConnectionTrait,
    organisation_id: i64,
) -> AppResult<bool> {
    Ok(sso_setting::Entity::find()
        .filter(sso_setting::Column::OrganisationId.eq(organisation_id))
        .filter(sso_setting::Column::Enabled.eq(true))
        .filter(sso_setting::Column::PasswordLogin.eq(false))
        .count(conn)
        .await?
        == 0)
}

async fn enabled_settings(
    conn: &impl ConnectionTrait,
    organisation_id: i64,
) -> AppResult<Option<sso_setting::Model>> {
    Ok(sso_setting::Entity::find()
        .filter(sso_setting::Column::OrganisationId.eq(organisation_id))
        .filter(sso_setting::Column::Enabled.eq(true))
        .one(conn)
        .await?)
}

pub(crate) type Provider = CoreClient<
    openidconnect::EndpointSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointMaybeSet,
    openidconnect::EndpointMaybeSet,
>;

fn client_for(
    state: &AppState,
    settings: &sso_setting::Model,
    metadata: CoreProviderMetadata,
) -> AppResult<Provider> {
    let callback = RedirectUrl::new(format!("{}/auth/sso/callback", state.public_url))
        .map_err(AppError::internal)?;
    Ok(CoreClient::from_provider_metadata(
        metadata,
        ClientId::new(settings.client_id.clone()),
        Some(ClientSecret::new(settings.client_secret.clone())),
    )
    .set_redirect_uri(callback))
}

pub mod flow;

pub use flow::{Callback, callback, complete, start};
