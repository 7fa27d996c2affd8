//! `signUp`, `login`, `refreshSession`, `logout`, `requestPasswordReset`,
//! `resetPassword`.

use async_graphql::{Context, InputObject, Object};

use crate::graphql::context::{client_addr, shared_state, state};
use crate::graphql::types::AuthPayload;
use crate::service::accounts::{self, SignUp};
use crate::service::{password_resets, sessions};

/// A new organisation and its first admin.
#[derive(InputObject)]
pub struct SignUpInput {
    /// Name of the organisation to create.
    pub organisation_name: String,
    /// The admin's sign-in address.
    pub email: String,
    /// 10 to 256 characters.
    pub password: String,
    /// The admin's name as others see it.
    pub display_name: String,
}

/// Credentials.
#[derive(InputObject)]
pub struct LoginInput {
    /// The account's e-mail address.
    pub email: String,
    /// Its password.
    pub password: String,
}

/// A new password set with a reset link's token.
#[derive(InputObject)]
pub struct ResetPasswordInput {
    /// The token from the reset link (`…/reset-password?token=…`).
    pub token: String,
    /// 10 to 256 characters.
    pub new_password: String,
}

#[derive(Default)]
pub struct SessionMutation;

#[Object]
impl SessionMutation {
    /// Creates an organisation with the caller as its first ADMIN, and signs in.
    async fn sign_up(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The details, as the input type describes them.")] input: SignUpInput,
    ) -> async_graphql::Result<AuthPayload> {
        let session = accounts::sign_up(
            state(ctx)?,
            SignUp {
                organisation_name: input.organisation_name,
                email: input.email,
                password: input.password,
                display_name: input.display_name,
            },
            Some(&client_addr(ctx)),
        )
        .await?;
        Ok(session.into())
    }

    /// Signs in. After 5 failures for an account within 15 minutes further
    /// attempts get `RATE_LIMITED` with `extensions.retryAfterSeconds`.
    async fn login(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The details, as the input type describes them.")] input: LoginInput,
    ) -> async_graphql::Result<AuthPayload> {
        let session = sessions::login(
            state(ctx)?,
            &input.email,
            &input.password,
            &client_addr(ctx),
        )
        .await?;
        Ok(session.into())
    }

    /// Exchanges a refresh token for a new session. Each refresh token works
    /// once; presenting a used one revokes the whole session.
    async fn refresh_session(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The refresh token from signing in or the last refresh.")]
        refresh_token: String,
    ) -> async_graphql::Result<AuthPayload> {
        Ok(sessions::refresh(state(ctx)?, &refresh_token).await?.into())
    }

    /// Mails a single-use link, valid for one hour, to the active member with
    /// this address. Always answers true, at once, whether or not the address
    /// belongs to anyone; 10 requests an hour per client address, and at
    /// most 3 links an hour per address.
    async fn request_password_reset(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The member's sign-in address.")] email: String,
    ) -> async_graphql::Result<bool> {
        password_resets::request(&shared_state(ctx)?, &email, Some(&client_addr(ctx))).await?;
        Ok(true)
    }

    /// Sets a new password with a reset link's token and signs in; the link
    /// works once, and every other session of the account ends. 10 an hour
    /// per client address.
    async fn reset_password(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The details, as the input type describes them.")]
        input: ResetPasswordInput,
    ) -> async_graphql::Result<AuthPayload> {
        Ok(password_resets::reset(
            state(ctx)?,
            &input.token,
            &input.new_password,
            Some(&client_addr(ctx)),
        )
        .await?
        .into())
    }

    /// Ends the session the refresh token belongs to. Always true.
    async fn logout(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The refresh token from signing in or the last refresh.")]
        refresh_token: String,
    ) -> async_graphql::Result<bool> {
        sessions::logout(state(ctx)?, &refresh_token).await?;
        Ok(true)
    }
}
