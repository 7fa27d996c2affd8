//! The browser's side of single sign-on: starting a flow, finishing it at
//! the callback (the ID token's checks, the member found or created), and
//! exchanging the one-time code for a session.

use chrono::{DateTime, Utc};
use entity::{Role, organisation, sso_code, sso_flow, sso_setting, user};
use openidconnect::core::{CoreAuthenticationFlow, CoreIdTokenClaims};
use openidconnect::{
    AuthorizationCode, ClaimsVerificationError, CsrfToken, Nonce, PkceCodeChallenge,
    PkceCodeVerifier, Scope,
};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};

use super::{Provider, client_for, discover, enabled_settings, http_client};
use crate::auth::password;
use crate::context::AppState;
use crate::db;
use crate::domain::Email;
use crate::domain::sso::{CODE_TTL, FLOW_TTL, SsoError, domain_allowed, redirect_allowed};
use crate::error::{AppError, AppResult};
use crate::service::session_tokens::{Session, start_session_with, token_hash};
use crate::service::{accounts, rate_limits};

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
