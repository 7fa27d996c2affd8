//! HTTP routes: GraphQL over HTTP and WebSocket, GraphiQL, the SDL, health.

pub mod calendar;
pub mod client;
pub mod drain;
pub mod graphiql;
pub mod graphql;
pub mod negotiate;
pub mod observe;
pub mod pages;
pub mod sso;
pub mod ws;

use actix_web::web;

use std::sync::Arc;

use crate::context::State;
use crate::graphql::pipeline::Pipeline;

/// What every HTTP handler can reach.
#[derive(Clone)]
pub struct HttpState {
    /// How every GraphQL operation runs, whatever carried it.
    pub pipeline: Arc<Pipeline>,
    pub state: State,
    /// Open WebSocket connections per account.
    pub sockets: Arc<ws::Registry>,
}

impl HttpState {
    /// The routes' state for a server.
    pub fn new(state: State) -> Self {
        Self {
            pipeline: Pipeline::new(state.clone()),
            sockets: Arc::new(ws::Registry::default()),
            state,
        }
    }
}

/// Registers every route.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/graphql", web::post().to(graphql::post))
        .route("/graphql", web::get().to(graphql::get))
        .route("/graphql", web::route().to(graphql::method_not_allowed))
        .route("/graphql/ws", web::get().to(ws::subscribe))
        .route("/graphiql", web::get().to(pages::graphiql))
        .route(
            "/graphiql/assets/{file}",
            web::get().to(pages::graphiql_asset),
        )
        .route("/schema.graphql", web::get().to(pages::schema))
        .route("/healthz", web::get().to(pages::healthz))
        .route("/healthz", web::head().to(pages::healthz))
        .route("/healthz", web::route().to(pages::read_only))
        .route("/readyz", web::get().to(pages::readyz))
        .route("/readyz", web::head().to(pages::readyz))
        .route("/readyz", web::route().to(pages::read_only))
        .route("/metrics", web::get().to(pages::metrics))
        .route("/calendar/{file}", web::get().to(calendar::feed))
        .route("/calendar/{file}", web::head().to(calendar::feed))
        .route("/calendar/{file}", web::route().to(pages::read_only))
        .route("/auth/sso/start", web::get().to(sso::start))
        .route("/auth/sso/callback", web::get().to(sso::callback));
}
