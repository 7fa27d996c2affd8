//! `Organisation`.

use async_graphql::{Context, ID, Object};
use entity::{organisation, sso_setting};

use crate::graphql::context::{actor, state};

use crate::graphql::ids::{self, Kind};
use crate::graphql::scalars::Timestamp;

/// An organisation: its members, courses, clinics and mentoring live inside it.
pub struct Organisation(pub organisation::Model);

/// An organisation: its members, courses, clinics and mentoring live inside it.
#[Object]
impl Organisation {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        ids::encode(Kind::Organisation, self.0.id)
    }

    /// The organisation's name.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// The language new members start with (each may choose their own).
    async fn default_locale(&self) -> super::user::Locale {
        self.0.default_locale.into()
    }

    /// The organisation's single sign-on (ADMIN only; `FORBIDDEN` for
    /// others); null when it was never set up.
    async fn sso(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<SsoSettings>> {
        let actor = actor(ctx).await?;
        crate::auth::permissions::require_same_organisation(&actor, self.0.id, "organisation")?;
        Ok(crate::service::sso::settings(state(ctx)?, &actor)
            .await?
            .map(SsoSettings))
    }

    /// When the organisation signed up.
    async fn created_at(&self) -> Timestamp {
        self.0.created_at.into()
    }
}

/// An organisation's OpenID provider. The client secret is never returned.
pub struct SsoSettings(pub sso_setting::Model);

/// An organisation's OpenID provider. The client secret is never returned.
#[Object]
impl SsoSettings {
    /// The provider's issuer URL.
    async fn issuer(&self) -> &str {
        &self.0.issuer
    }

    /// The client id Voimavara is registered under.
    async fn client_id(&self) -> &str {
        &self.0.client_id
    }

    /// Domains whose verified addresses become members on first sign-in.
    async fn allowed_domains(&self) -> Vec<&str> {
        self.0
            .allowed_domains
            .split(',')
            .filter(|d| !d.is_empty())
            .collect()
    }

    /// Whether members may also sign in with a password.
    async fn password_login(&self) -> bool {
        self.0.password_login
    }

    /// Whether sign-in through the provider is on.
    async fn enabled(&self) -> bool {
        self.0.enabled
    }
}
