//! GraphiQL, the SDL and health checks.

use actix_web::http::header;
use actix_web::{HttpResponse, web};
use async_graphql::http::GraphiQLSource;
use serde_json::json;

use super::HttpState;

/// `GET /graphiql`: the GraphiQL IDE (not in production mode).
pub async fn graphiql(http: web::Data<HttpState>) -> HttpResponse {
    if http.state.settings.production {
        return HttpResponse::NotFound().finish();
    }
    let page = GraphiQLSource::build()
        .endpoint("/graphql")
        .subscription_endpoint("/graphql/ws")
        .title("Voimavara GraphiQL")
        .finish();
    HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "text/html; charset=utf-8"))
        .body(page)
}

/// `GET /schema.graphql`: the schema as SDL (not in production mode, where
/// introspection is off too).
pub async fn schema(http: web::Data<HttpState>) -> HttpResponse {
    if http.state.settings.production {
        return HttpResponse::NotFound().finish();
    }
    HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "text/plain; charset=utf-8"))
        .body(http.schema.sdl())
}

/// `GET /healthz`: the process is up.
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(json!({ "status": "ok" }))
}

/// `GET /readyz`: the database answers.
pub async fn readyz(http: web::Data<HttpState>) -> HttpResponse {
    match http.state.db.ping().await {
        Ok(()) => HttpResponse::Ok().json(json!({ "status": "ready", "database": "up" })),
        Err(err) => {
            tracing::warn!(error = %err, "readiness check failed");
            HttpResponse::ServiceUnavailable()
                .json(json!({ "status": "unavailable", "database": "down" }))
        }
    }
}

/// `GET /metrics`: Prometheus text exposition.
pub async fn metrics(http: web::Data<HttpState>) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        ))
        .body(http.state.metrics.render(&http.state.db))
}
