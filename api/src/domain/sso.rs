//! Single sign-on rules: which addresses an organisation's provider may sign
//! in, where a finished sign-in may send the browser, how long a flow and
//! its one-time code live, and the `sso_error` codes a frontend is sent.

use chrono::Duration;

use crate::error::AppError;

/// How long a sign-in may take at the provider.
pub const FLOW_TTL: Duration = Duration::minutes(10);
/// How long the one-time code handed to the frontend works.
pub const CODE_TTL: Duration = Duration::seconds(60);
/// The most domains one organisation may allow.
pub const MAX_DOMAINS: usize = 50;

/// Why a sign-in through the provider was refused: the `sso_error` the
/// browser is sent back with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SsoError {
    /// The `state` is unknown, or the flow was already finished.
    InvalidState,
    /// The flow took longer than [`FLOW_TTL`].
    FlowExpired,
    /// The provider answered with an error, or would not exchange the code.
    ProviderError,
    /// The ID token's signature is not the provider's.
    TokenSignature,
    /// The ID token was issued to another client.
    TokenAudience,
    /// The ID token does not carry this flow's nonce.
    TokenNonce,
    /// The ID token is expired, from another issuer, or malformed.
    TokenInvalid,
    /// The provider has not verified the address (or gave none).
    EmailNotVerified,
    /// The address's domain is not one the organisation allows.
    DomainNotAllowed,
    /// The member has been deactivated.
    AccountDeactivated,
    /// The address belongs to a member of another organisation.
    OtherOrganisation,
    /// The organisation has no single sign-on now.
    SsoDisabled,
}

impl SsoError {
    /// The code sent as `sso_error`.
    pub fn as_str(self) -> &'static str {
        match self {
            SsoError::InvalidState => "INVALID_STATE",
            SsoError::FlowExpired => "FLOW_EXPIRED",
            SsoError::ProviderError => "PROVIDER_ERROR",
            SsoError::TokenSignature => "TOKEN_SIGNATURE",
            SsoError::TokenAudience => "TOKEN_AUDIENCE",
            SsoError::TokenNonce => "TOKEN_NONCE",
            SsoError::TokenInvalid => "TOKEN_INVALID",
            SsoError::EmailNotVerified => "EMAIL_NOT_VERIFIED",
            SsoError::DomainNotAllowed => "DOMAIN_NOT_ALLOWED",
            SsoError::AccountDeactivated => "ACCOUNT_DEACTIVATED",
            SsoError::OtherOrganisation => "OTHER_ORGANISATION",
            SsoError::SsoDisabled => "SSO_DISABLED",
        }
    }
}

/// The allowed domains as stored: lower-case, trimmed, each a host name,
/// each once, 1 to [`MAX_DOMAINS`] of them; `field` names the input.
pub fn allowed_domains(raw: &[String], field: &'static str) -> Result<Vec<String>, AppError> {
    let mut out: Vec<String> = Vec::new();
    for domain in raw {
        let domain = domain.trim().trim_start_matches('@').to_lowercase();
        let valid = !domain.is_empty()
            && domain.len() <= 253
            && domain.contains('.')
            && domain.split('.').all(|label| {
                !label.is_empty()
                    && label.len() <= 63
                    && !label.starts_with('-')
                    && !label.ends_with('-')
                    && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            });
        if !valid {
            return Err(AppError::field(
                field,
                "each allowed domain is a host name such as example.fi",
            ));
        }
        if !out.contains(&domain) {
            out.push(domain);
        }
    }
    if out.is_empty() || out.len() > MAX_DOMAINS {
        return Err(AppError::field(field, "allow between 1 and 50 domains"));
    }
    Ok(out)
}

/// Whether `email` (already normalised) is in one of `domains` (exactly:
/// a subdomain is not its parent).
pub fn domain_allowed(email: &str, domains: &[String]) -> bool {
    email
        .rsplit_once('@')
        .is_some_and(|(_, domain)| domains.iter().any(|d| d.eq_ignore_ascii_case(domain)))
}

/// Whether a finished sign-in may send the browser to `redirect`: only to
/// the frontend's own origin, under its path (no open redirect).
pub fn redirect_allowed(redirect: &str, app_url: &str) -> bool {
    let (Ok(redirect), Ok(app)) = (url::Url::parse(redirect), url::Url::parse(app_url)) else {
        return false;
    };
    let base = app.path().trim_end_matches('/');
    redirect.scheme() == app.scheme()
        && redirect.host_str() == app.host_str()
        && redirect.port_or_known_default() == app.port_or_known_default()
        && redirect.username().is_empty()
        && redirect.password().is_none()
        && (redirect.path() == base
            || redirect.path().starts_with(&format!("{base}/"))
            || base.is_empty())
}

/// Whether an issuer URL may be used: `https`, or `http` on the loopback
/// interface (a provider on the same machine, as in development).
pub fn issuer_allowed(issuer: &str) -> bool {
    match url::Url::parse(issuer) {
        Ok(url) => match url.scheme() {
            "https" => url.host_str().is_some(),
            "http" => matches!(url.host_str(), Some("127.0.0.1" | "localhost" | "[::1]")),
            _ => false,
        },
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests;
