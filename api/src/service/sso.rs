//! Single sign-on through an organisation's OpenID provider, with the
//! `openidconnect` crate: discovery, the authorization code flow with PKCE
//! (S256), `state` and `nonce` kept server-side for one use (so any instance
//! finishes a flow another started), the ID token checked against the
//! provider's keys (refetched once when they do not match), `iss`, `aud`,
//! `exp`, `nonce` and `email_verified`; then a one-time code the frontend
//! exchanges for a session.

use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};
use std::time::{Duration as StdDuration, Instant};

use chrono::{DateTime, Utc};
use entity::{Role, organisation, refresh_token, sso_code, sso_flow, sso_setting, user};
use openidconnect::core::{
    CoreAuthenticationFlow, CoreClient, CoreIdTokenClaims, CoreProviderMetadata,
};
use openidconnect::{
    AuthorizationCode, ClaimsVerificationError, ClientId, ClientSecret, CsrfToken, IssuerUrl,
    Nonce, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, Scope,
};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter,
};

use super::session_tokens::{Session, start_session_with, token_hash};
use super::{accounts, rate_limits};
use crate::auth::{Actor, password, permissions};
use crate::context::AppState;
use crate::db;
use crate::domain::Email;
use crate::domain::sso::{
    CODE_TTL, FLOW_TTL, SsoError, allowed_domains, domain_allowed, issuer_allowed, redirect_allowed,
};
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

/// Where the browser is sent to start: the provider's authorization URL.
/// Refused (`BAD_USER_INPUT`) for an organisation without single sign-on, or
/// a `redirect_uri` outside the frontend (no open redirect).
#[tracing::instrument(skip_all, fields(organisation = organisation_id))]
pub async fn start(
    state: &AppState,
    app_url: &str,
    organisation_id: i64,
    redirect_uri: &str,
) -> AppResult<String> {
    if redirect_uri.len() > 2000 || !redirect_allowed(redirect_uri, app_url) {
        return Err(AppError::field(
            "redirect_uri",
            "redirect_uri must be a page of the frontend (VOIMAVARA_APP_URL)",
        ));
    }
    let settings = enabled_settings(&state.db, organisation_id)
        .await?
        .ok_or_else(|| {
            AppError::field("organisation", "this organisation has no single sign-on")
        })?;
    let metadata = discover(&settings.issuer, false)
        .await
        .map_err(|why| AppError::Conflict(format!("the provider cannot be reached: {why}")))?;
    let client = client_for(state, &settings, metadata)?;
    let csrf = state.random.token();
    let nonce = state.random.token();
    let verifier = PkceCodeVerifier::new(state.random.token());
    let challenge = PkceCodeChallenge::from_code_verifier_sha256(&verifier);
    let (url, _, _) = client
        .authorize_url(
            CoreAuthenticationFlow::AuthorizationCode,
            {
                let csrf = csrf.clone();
                move || CsrfToken::new(csrf)
            },
            {
                let nonce = nonce.clone();
                move || Nonce::new(nonce)
            },
        )
        .add_scope(Scope::new("email".into()))
        .set_pkce_challenge(challenge)
        .url();
    let now = state.clock.now();
    let txn = db::begin_write(state).await?;
    sso_flow::ActiveModel {
        organisation_id: Set(organisation_id),
        state_hash: Set(token_hash(&csrf)),
        nonce: Set(nonce),
        pkce_verifier: Set(verifier.secret().clone()),
        redirect_uri: Set(redirect_uri.to_owned()),
        expires_at: Set(now + FLOW_TTL),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&*txn)
    .await?;
    db::commit(txn, state).await?;
    Ok(url.to_string())
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

type Provider = CoreClient<
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

/// What the provider sent the browser back with.
#[derive(Debug, Clone, Default)]
pub struct Callback {
    pub state: Option<String>,
    pub code: Option<String>,
    pub error: Option<String>,
}

/// Finishes a flow: returns where to send the browser, with `sso_code` or
/// `sso_error` added.
#[tracing::instrument(skip_all)]
pub async fn callback(state: &AppState, app_url: &str, back: Callback) -> AppResult<String> {
    let now = state.clock.now();
    let fallback = format!("{}/", app_url.trim_end_matches('/'));
    let Some(flow) = claim_flow(state, back.state.as_deref(), now).await? else {
        return Ok(with_param(
            &fallback,
            "sso_error",
            SsoError::InvalidState.as_str(),
        ));
    };
    let outcome = finish(state, &flow, &back, now).await?;
    Ok(match outcome {
        Ok(code) => with_param(&flow.redirect_uri, "sso_code", &code),
        Err(error) => {
            tracing::info!(
                sso_error = error.as_str(),
                organisation = flow.organisation_id,
                "single sign-on refused"
            );
            with_param(&flow.redirect_uri, "sso_error", error.as_str())
        }
    })
}

/// The flow `state` names, claimed for this one use (`None`: unknown or used).
async fn claim_flow(
    state: &AppState,
    csrf: Option<&str>,
    now: DateTime<Utc>,
) -> AppResult<Option<sso_flow::Model>> {
    let Some(csrf) = csrf.filter(|s| !s.is_empty() && s.len() <= 200) else {
        return Ok(None);
    };
    let Some(flow) = sso_flow::Entity::find()
        .filter(sso_flow::Column::StateHash.eq(token_hash(csrf)))
        .one(&state.db)
        .await?
    else {
        return Ok(None);
    };
    let txn = db::begin_write(state).await?;
    let claimed = sso_flow::Entity::update_many()
        .col_expr(sso_flow::Column::UsedAt, Expr::value(now))
        .filter(sso_flow::Column::Id.eq(flow.id))
        .filter(sso_flow::Column::UsedAt.is_null())
        .exec(&*txn)
        .await?;
    db::commit(txn, state).await?;
    Ok((claimed.rows_affected == 1).then_some(flow))
}

/// Checks what the provider says and issues the one-time code.
async fn finish(
    state: &AppState,
    flow: &sso_flow::Model,
    back: &Callback,
    now: DateTime<Utc>,
) -> AppResult<Result<String, SsoError>> {
    if flow.expires_at <= now {
        return Ok(Err(SsoError::FlowExpired));
    }
    if back.error.is_some() {
        return Ok(Err(SsoError::ProviderError));
    }
    let Some(code) = back.code.clone() else {
        return Ok(Err(SsoError::ProviderError));
    };
    let Some(settings) = enabled_settings(&state.db, flow.organisation_id).await? else {
        return Ok(Err(SsoError::SsoDisabled));
    };
    let Ok(metadata) = discover(&settings.issuer, false).await else {
        return Ok(Err(SsoError::ProviderError));
    };
    let client = client_for(state, &settings, metadata)?;
    let http = http_client()?;
    let exchanged = match client.exchange_code(AuthorizationCode::new(code)) {
        Ok(request) => {
            request
                .set_pkce_verifier(PkceCodeVerifier::new(flow.pkce_verifier.clone()))
                .request_async(&http)
                .await
        }
        Err(err) => {
            tracing::warn!(error = %err, "the provider has no token endpoint");
            return Ok(Err(SsoError::ProviderError));
        }
    };
    let response = match exchanged {
        Ok(response) => response,
        Err(err) => {
            tracing::info!(error = %err, "the provider would not exchange the code");
            return Ok(Err(SsoError::ProviderError));
        }
    };
    use openidconnect::TokenResponse;
    let Some(id_token) = response.id_token().cloned() else {
        return Ok(Err(SsoError::TokenInvalid));
    };
    let nonce = Nonce::new(flow.nonce.clone());
    let verify = |client: &Provider| -> Result<CoreIdTokenClaims, ClaimsVerificationError> {
        let clock = state.clock.clone();
        let verifier = client.id_token_verifier().set_time_fn(move || clock.now());
        id_token.claims(&verifier, &nonce).cloned()
    };
    let mut verified = verify(&client);
    if let Err(ClaimsVerificationError::SignatureVerification(_)) = verified {
        // The provider may have rotated its keys: read them again, once.
        if let Ok(metadata) = discover(&settings.issuer, true).await {
            verified = verify(&client_for(state, &settings, metadata)?);
        }
    }
    let claims = match verified {
        Ok(claims) => claims,
        Err(err) => {
            tracing::info!(error = %err, "an ID token was refused");
            return Ok(Err(match err {
                ClaimsVerificationError::SignatureVerification(_) => SsoError::TokenSignature,
                ClaimsVerificationError::InvalidAudience(_) => SsoError::TokenAudience,
                ClaimsVerificationError::InvalidNonce(_) => SsoError::TokenNonce,
                _ => SsoError::TokenInvalid,
            }));
        }
    };
    let (Some(email), Some(true)) = (claims.email(), claims.email_verified()) else {
        return Ok(Err(SsoError::EmailNotVerified));
    };
    let Ok(email) = Email::parse(email.as_str(), "email") else {
        return Ok(Err(SsoError::EmailNotVerified));
    };
    let member = match member_for(state, &settings, email).await? {
        Ok(member) => member,
        Err(error) => return Ok(Err(error)),
    };
    let code = state.random.token();
    let txn = db::begin_write(state).await?;
    sso_code::ActiveModel {
        user_id: Set(member.id),
        code_hash: Set(token_hash(&code)),
        expires_at: Set(now + CODE_TTL),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&*txn)
    .await?;
    db::commit(txn, state).await?;
    Ok(Ok(code))
}

/// The member the provider vouched for: found by address in the
/// organisation, or created as a MEMBER when the domain is allowed.
async fn member_for(
    state: &AppState,
    settings: &sso_setting::Model,
    email: Email,
) -> AppResult<Result<user::Model, SsoError>> {
    let existing = user::Entity::find()
        .filter(user::Column::Email.eq(email.as_str()))
        .one(&state.db)
        .await?;
    match existing {
        Some(member) if member.organisation_id != settings.organisation_id => {
            return Ok(Err(SsoError::OtherOrganisation));
        }
        Some(member) if !member.active => return Ok(Err(SsoError::AccountDeactivated)),
        Some(member) => return Ok(Ok(member)),
        None => {}
    }
    let domains: Vec<String> = settings
        .allowed_domains
        .split(',')
        .map(str::to_owned)
        .collect();
    if !domain_allowed(email.as_str(), &domains) {
        return Ok(Err(SsoError::DomainNotAllowed));
    }
    // A password nobody knows: the member signs in through the provider
    // (or sets one with a reset link, where password sign-in is allowed).
    let unusable = password::hash(state.random.token()).await?;
    let display_name = email
        .as_str()
        .split('@')
        .next()
        .unwrap_or("member")
        .to_owned();
    let txn = db::begin_write(state).await?;
    organisation::Entity::find_by_id(settings.organisation_id)
        .one(&*txn)
        .await?
        .ok_or(AppError::NotFound("organisation"))?;
    let created = accounts::insert_user(
        &*txn,
        state,
        settings.organisation_id,
        email,
        unusable,
        display_name,
        Role::Member,
    )
    .await
    .map_err(accounts::email_conflict)?;
    db::commit(txn, state).await?;
    tracing::info!(
        organisation = settings.organisation_id,
        user = created.id,
        "a member joined through single sign-on"
    );
    Ok(Ok(created))
}

/// Exchanges the one-time code for a session: once, within a minute, for an
/// active member. Counted per client address like a sign-in.
#[tracing::instrument(skip_all)]
pub async fn complete(state: &AppState, code: &str, client: Option<&str>) -> AppResult<Session> {
    if let Some(client) = client {
        let _counted =
            rate_limits::count(state, &[(rate_limits::LOGIN_PER_CLIENT, client)]).await?;
    }
    let invalid = || AppError::field("code", "the sign-in code is invalid, used or expired");
    let now = state.clock.now();
    let Some(found) = sso_code::Entity::find()
        .filter(sso_code::Column::CodeHash.eq(token_hash(code.trim())))
        .one(&state.db)
        .await?
        .filter(|c| c.used_at.is_none() && c.expires_at > now)
    else {
        return Err(invalid());
    };
    let txn = db::begin_write(state).await?;
    let claimed = sso_code::Entity::update_many()
        .col_expr(sso_code::Column::UsedAt, Expr::value(now))
        .filter(sso_code::Column::Id.eq(found.id))
        .filter(sso_code::Column::UsedAt.is_null())
        .exec(&*txn)
        .await?;
    if claimed.rows_affected != 1 {
        return Err(invalid());
    }
    let Some(member) = user::Entity::find_by_id(found.user_id)
        .one(&*txn)
        .await?
        .filter(|u| u.active)
    else {
        return Err(invalid());
    };
    let session = start_session_with(&*txn, state, member, true).await?;
    db::commit(txn, state).await?;
    Ok(session)
}

/// `url` with `name=value` added to its query.
fn with_param(url: &str, name: &str, value: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) => {
            parsed.query_pairs_mut().append_pair(name, value);
            parsed.to_string()
        }
        Err(_) => url.to_owned(),
    }
}
