//! `configureSso`, `disableSso`, `completeSso`.

use async_graphql::{Context, InputObject, Object};

use crate::graphql::context::{actor, client_addr, state};
use crate::graphql::types::{AuthPayload, SsoSettings};
use crate::service::sso::{self, Configure};

/// The organisation's OpenID provider.
#[derive(InputObject)]
pub struct ConfigureSsoInput {
    /// The provider's issuer URL (https://; http:// only on this machine);
    /// its discovery document is read before anything is saved.
    pub issuer: String,
    /// The client id Voimavara is registered under at the provider.
    pub client_id: String,
    /// The client's secret; never returned. Leave it out to keep the one
    /// already saved.
    pub client_secret: Option<String>,
    /// Domains whose verified addresses become members on first sign-in
    /// (existing members of the organisation sign in whatever their domain).
    pub allowed_domains: Vec<String>,
    /// Whether members may still sign in with a password. Turning it off
    /// needs a session opened through the provider.
    #[graphql(default = true)]
    pub password_login: bool,
}

#[derive(Default)]
pub struct SsoMutation;

#[Object]
impl SsoMutation {
    /// Sets up single sign-on for the caller's organisation (ADMIN).
    async fn configure_sso(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The details, as the input type describes them.")]
        input: ConfigureSsoInput,
    ) -> async_graphql::Result<SsoSettings> {
        let actor = actor(ctx).await?;
        let saved = sso::configure(
            state(ctx)?,
            &actor,
            Configure {
                issuer: input.issuer,
                client_id: input.client_id,
                client_secret: input.client_secret,
                allowed_domains: input.allowed_domains,
                password_login: input.password_login,
            },
        )
        .await?;
        Ok(SsoSettings(saved))
    }

    /// Turns single sign-on off for the caller's organisation (ADMIN);
    /// members sign in with passwords again. Null when it was never set up.
    async fn disable_sso(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<SsoSettings>> {
        let actor = actor(ctx).await?;
        Ok(sso::disable(state(ctx)?, &actor).await?.map(SsoSettings))
    }

    /// Exchanges the one-time `sso_code` a finished sign-in sent the
    /// browser back with for a session; the code works once, for 60 s.
    async fn complete_sso(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The `sso_code` from the redirect.")] code: String,
    ) -> async_graphql::Result<AuthPayload> {
        Ok(sso::complete(state(ctx)?, &code, Some(&client_addr(ctx)))
            .await?
            .into())
    }
}
