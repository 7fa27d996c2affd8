//! GraphiQL, the SDL and health checks.

use actix_web::http::header;
use actix_web::{HttpResponse, web};
use serde_json::json;
use sha2::Digest;

use super::HttpState;

/// GraphiQL's page, filled in per request.
const GRAPHIQL_PAGE: &str = include_str!("graphiql/page.html");

/// The browser files GraphiQL needs: (name served locally, address on unpkg).
const GRAPHIQL_ASSETS: [(&str, &str); 4] = [
    (
        "react.production.min.js",
        "https://unpkg.com/react@18.3.1/umd/react.production.min.js",
    ),
    (
        "react-dom.production.min.js",
        "https://unpkg.com/react-dom@18.3.1/umd/react-dom.production.min.js",
    ),
    (
        "graphiql.min.js",
        "https://unpkg.com/graphiql@3.9.0/graphiql.min.js",
    ),
    (
        "graphiql.min.css",
        "https://unpkg.com/graphiql@3.9.0/graphiql.min.css",
    ),
];

/// `GET /graphiql`: the GraphiQL IDE (not in production mode), opening with
/// one example tab per first thing to try. Its browser files come from unpkg,
/// or from `VOIMAVARA_GRAPHIQL_ASSETS` when that names a folder holding them.
pub async fn graphiql(http: web::Data<HttpState>) -> HttpResponse {
    if http.state.settings.production {
        return HttpResponse::NotFound().finish();
    }
    let local = http.state.settings.graphiql_assets.is_some();
    let asset = |index: usize| {
        let (name, remote) = GRAPHIQL_ASSETS[index];
        if local {
            format!("/graphiql/assets/{name}")
        } else {
            remote.to_owned()
        }
    };
    let tabs: Vec<serde_json::Value> = super::graphiql::examples::TABS
        .iter()
        .map(|(query, variables, headers)| json!({"query": query, "variables": variables, "headers": headers}))
        .collect();
    // Inside a <script>, "</" would end it early.
    let tabs = serde_json::Value::Array(tabs)
        .to_string()
        .replace("</", "<\\/");
    let page = GRAPHIQL_PAGE
        .replace("{{REACT}}", &asset(0))
        .replace("{{REACT_DOM}}", &asset(1))
        .replace("{{GRAPHIQL_JS}}", &asset(2))
        .replace("{{GRAPHIQL_CSS}}", &asset(3))
        .replace("{{TABS}}", &tabs);
    HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "text/html; charset=utf-8"))
        .body(page)
}

/// `GET /graphiql/assets/{file}`: GraphiQL's browser files from the folder
/// `VOIMAVARA_GRAPHIQL_ASSETS` names (for machines without internet access).
/// Only the four known files are served.
pub async fn graphiql_asset(http: web::Data<HttpState>, file: web::Path<String>) -> HttpResponse {
    let (Some(folder), false) = (
        http.state.settings.graphiql_assets.as_ref(),
        http.state.settings.production,
    ) else {
        return HttpResponse::NotFound().finish();
    };
    let Some((name, _)) = GRAPHIQL_ASSETS
        .iter()
        .find(|(name, _)| *name == file.as_str())
    else {
        return HttpResponse::NotFound().finish();
    };
    match tokio::fs::read(folder.join(name)).await {
        Ok(bytes) => HttpResponse::Ok()
            .insert_header((
                header::CONTENT_TYPE,
                if name.ends_with(".css") {
                    "text/css; charset=utf-8"
                } else {
                    "text/javascript; charset=utf-8"
                },
            ))
            .insert_header((header::CACHE_CONTROL, "public, max-age=86400"))
            .body(bytes),
        Err(err) => {
            tracing::warn!(file = name, error = %err, "GraphiQL asset missing");
            HttpResponse::NotFound().finish()
        }
    }
}

/// `GET /schema.graphql`: the schema as SDL (not in production mode, where
/// introspection is off too).
pub async fn schema(http: web::Data<HttpState>) -> HttpResponse {
    if http.state.settings.production {
        return HttpResponse::NotFound().finish();
    }
    HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "text/plain; charset=utf-8"))
        .body(crate::graphql::sdl())
}

/// Any method but GET and HEAD on a read-only resource: 405.
pub async fn read_only() -> HttpResponse {
    HttpResponse::MethodNotAllowed()
        .insert_header((header::ALLOW, "GET, HEAD"))
        .finish()
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

/// `GET /metrics`: Prometheus text exposition; with `VOIMAVARA_METRICS_TOKEN`
/// set, only for a request bearing that token (401 otherwise).
pub async fn metrics(req: actix_web::HttpRequest, http: web::Data<HttpState>) -> HttpResponse {
    if let Some(wanted) = &http.state.settings.metrics_token {
        let presented = crate::context::bearer_token(
            req.headers()
                .get(header::AUTHORIZATION)
                .and_then(|v| v.to_str().ok()),
        );
        // Compared as digests, so the time taken says nothing of the token.
        let digest = |text: &str| sha2::Sha256::digest(text.as_bytes());
        if presented.as_deref().map(digest) != Some(digest(wanted.expose())) {
            return HttpResponse::Unauthorized()
                .insert_header((header::WWW_AUTHENTICATE, "Bearer realm=\"metrics\""))
                .finish();
        }
    }
    HttpResponse::Ok()
        .insert_header((
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        ))
        .body(http.state.metrics.render(&http.state.db))
}
