//! What resolvers take from the GraphQL context.

use async_graphql::Context;

use crate::auth::Actor;
use crate::context::{AppState, ClientAddr, RequestAuth, State};
use crate::error::{AppError, AppResult};

/// The shared state.
pub fn state<'a>(ctx: &Context<'a>) -> AppResult<&'a AppState> {
    ctx.data::<State>()
        .map(|state| state.as_ref())
        .map_err(|_| AppError::internal("state missing from the schema"))
}

/// The authenticated caller, or `UNAUTHENTICATED`.
pub async fn actor(ctx: &Context<'_>) -> AppResult<Actor> {
    let state = state(ctx)?;
    match ctx.data_opt::<RequestAuth>() {
        Some(auth) => auth.actor(state).await,
        None => Err(AppError::Unauthenticated("sign in first")),
    }
}

/// The caller's network address, for rate limits.
pub fn client_addr(ctx: &Context<'_>) -> String {
    ctx.data_opt::<ClientAddr>()
        .map(|addr| addr.0.clone())
        .unwrap_or_else(|| "unknown".into())
}
