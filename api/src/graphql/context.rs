//! What resolvers take from the GraphQL context.

use async_graphql::Context;
use tokio::sync::OnceCell;

use crate::auth::Actor;
use crate::context::{AppState, ClientAddr, State};
use crate::error::{AppError, AppResult};
use crate::service;

/// The credentials a request arrived with, resolved to an [`Actor`] at most once,
/// and only if a resolver asks.
#[derive(Debug, Default)]
pub struct RequestAuth {
    bearer: Option<String>,
    actor: OnceCell<Result<Actor, AppError>>,
    /// Where the caller is noted for the request's log lines.
    log: Option<std::sync::Arc<RequestLog>>,
}

/// The request's span, which the caller's id is recorded in once known,
/// unless the request is discreet (it asks a clinic question, which may be
/// anonymous: no log line of it names the caller).
#[derive(Debug)]
pub struct RequestLog {
    pub span: tracing::Span,
    pub discreet: std::sync::atomic::AtomicBool,
}

impl RequestAuth {
    /// Credentials from an `Authorization: Bearer …` value (or none).
    pub fn new(bearer: Option<String>) -> Self {
        Self {
            bearer,
            actor: OnceCell::new(),
            log: None,
        }
    }

    /// Notes the caller, once known, in `log`.
    pub fn logged(mut self, log: std::sync::Arc<RequestLog>) -> Self {
        self.log = Some(log);
        self
    }

    /// The authenticated caller, or `UNAUTHENTICATED`. The check reads the
    /// database once per request; its future is boxed, so that the many
    /// resolvers that ask for the caller (and the futures that hold theirs)
    /// stay small once it is known.
    pub async fn actor(&self, state: &AppState) -> AppResult<Actor> {
        let resolved = self
            .actor
            .get_or_init(|| async {
                match &self.bearer {
                    None => Err(AppError::Unauthenticated("sign in first")),
                    Some(token) => Box::pin(service::sessions::authenticate(state, token)).await,
                }
            })
            .await;
        match resolved {
            Ok(actor) => {
                if let Some(log) = &self.log
                    && !log.discreet.load(std::sync::atomic::Ordering::Acquire)
                {
                    log.span.record("user", actor.user_id);
                }
                Ok(actor.clone())
            }
            Err(AppError::Internal(_)) => Err(AppError::Internal(String::new())),
            Err(AppError::Unauthenticated(why)) => Err(AppError::Unauthenticated(why)),
            Err(_) => Err(AppError::Unauthenticated("invalid access token")),
        }
    }
}

/// The shared state.
pub fn state<'a>(ctx: &Context<'a>) -> AppResult<&'a AppState> {
    ctx.data::<State>()
        .map(|state| state.as_ref())
        .map_err(|_| AppError::internal("state missing from the schema"))
}

/// The shared state itself, for work that outlives the request.
pub fn shared_state(ctx: &Context<'_>) -> AppResult<State> {
    ctx.data::<State>()
        .cloned()
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
