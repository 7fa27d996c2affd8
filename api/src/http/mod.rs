//! HTTP routes: GraphQL over HTTP and WebSocket, GraphiQL, the SDL, health.

pub mod calendar;
pub mod graphiql;
pub mod graphql;
pub mod negotiate;
pub mod pages;
pub mod ws;

use actix_web::web;

use crate::context::State;
use crate::graphql::AppSchema;

/// What every HTTP handler can reach.
#[derive(Clone)]
pub struct HttpState {
    /// The schema GraphQL over HTTP executes (no extensions: see `graphql::run`).
    pub schema: AppSchema,
    /// The schema subscriptions over WebSocket execute, guard included.
    pub subscriptions: AppSchema,
    /// Automatic persisted queries, when turned on.
    pub persisted: Option<async_graphql::extensions::apollo_persisted_queries::LruCacheStorage>,
    pub state: State,
    /// Operations allowed to execute at once; the others wait their turn.
    pub operations: std::sync::Arc<tokio::sync::Semaphore>,
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
        .route("/readyz", web::get().to(pages::readyz))
        .route("/metrics", web::get().to(pages::metrics))
        .route("/calendar/{file}", web::get().to(calendar::feed));
}
