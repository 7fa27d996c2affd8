//! GraphQL over HTTP, following the GraphQL-over-HTTP specification: content
//! negotiation, GET for queries only, and status codes for requests that never
//! execute. async-graphql's own actix handler does none of this.

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, web};
use async_graphql::{BatchRequest, Request, Response, ServerError};
use futures_util::StreamExt;
use serde_json::{Value, json};

use super::HttpState;
use super::negotiate::{ResponseType, is_json_content_type, negotiate};
use crate::context::{ClientAddr, RequestAuth, bearer_token};
use crate::error::AppError;
use crate::graphql::guard::{self, RequestInfo, to_server_error};
use crate::graphql::loaders::new_loader;

/// `POST /graphql` with a JSON body: one operation or a small batch.
pub async fn post(
    req: HttpRequest,
    mut payload: web::Payload,
    http: web::Data<HttpState>,
) -> HttpResponse {
    let Some(response_type) = negotiate(header_str(&req, header::ACCEPT)) else {
        return not_acceptable();
    };
    let content_type = header_str(&req, header::CONTENT_TYPE).unwrap_or("");
    if !is_json_content_type(content_type) {
        return refusal(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            response_type,
            "send the request as application/json",
        );
    }

    let limit = http.state.settings.limits.max_body_bytes;
    let too_large = || {
        refusal(
            StatusCode::PAYLOAD_TOO_LARGE,
            response_type,
            &format!("request body is larger than {limit} bytes"),
        )
    };
    if header_str(&req, header::CONTENT_LENGTH)
        .and_then(|len| len.parse::<usize>().ok())
        .is_some_and(|len| len > limit)
    {
        return too_large();
    }
    let mut body = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let Ok(chunk) = chunk else {
            return refusal(
                StatusCode::BAD_REQUEST,
                response_type,
                "could not read the request body",
            );
        };
        if body.len() + chunk.len() > limit {
            return too_large();
        }
        body.extend_from_slice(&chunk);
    }

    let batch = match serde_json::from_slice::<BatchRequest>(&body) {
        Ok(batch) => batch,
        Err(_) => {
            return refusal(
                StatusCode::BAD_REQUEST,
                response_type,
                "the body is not a GraphQL request: expected {\"query\": \"…\", \"variables\": {…}}",
            );
        }
    };
    match batch {
        BatchRequest::Single(request) => execute_one(&req, &http, request, response_type).await,
        BatchRequest::Batch(requests) => {
            let max = http.state.settings.limits.max_batch;
            if requests.is_empty() || requests.len() > max || max <= 1 {
                let message = if max <= 1 {
                    "batched requests are turned off".to_owned()
                } else {
                    format!("a batch holds 1 to {max} operations")
                };
                return refusal(StatusCode::BAD_REQUEST, response_type, &message);
            }
            let mut bodies = Vec::with_capacity(requests.len());
            for request in requests {
                let (_, body) = run(&req, &http, request, false).await;
                bodies.push(body);
            }
            respond(
                StatusCode::OK,
                response_type,
                format!("[{}]", bodies.join(",")),
            )
        }
    }
}

/// `GET /graphql?query=…&variables=…`: queries only; a mutation gets 405.
pub async fn get(req: HttpRequest, http: web::Data<HttpState>) -> HttpResponse {
    let Some(response_type) = negotiate(header_str(&req, header::ACCEPT)) else {
        return not_acceptable();
    };
    let request = match async_graphql::http::parse_query_string(req.query_string()) {
        Ok(request) => request,
        Err(_) => {
            return refusal(
                StatusCode::BAD_REQUEST,
                response_type,
                "expected ?query=… with optional operationName and variables (JSON)",
            );
        }
    };
    // The guard refuses a mutation (sent as text or as a persisted-query
    // hash) before it executes; that is a 405.
    let (info, body) = run(&req, &http, request, true).await;
    if info.refused() {
        let mut response = refusal(
            StatusCode::METHOD_NOT_ALLOWED,
            response_type,
            "mutations must be sent with POST",
        );
        response
            .headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("POST"));
        return response;
    }
    finish(&info, response_type, body)
}

/// Any other method on `/graphql`.
pub async fn method_not_allowed(req: HttpRequest) -> HttpResponse {
    let response_type = negotiate(header_str(&req, header::ACCEPT)).unwrap_or(ResponseType::Json);
    let mut response = refusal(
        StatusCode::METHOD_NOT_ALLOWED,
        response_type,
        "use GET for queries or POST",
    );
    response
        .headers_mut()
        .insert(header::ALLOW, HeaderValue::from_static("GET, POST"));
    response
}

async fn execute_one(
    req: &HttpRequest,
    http: &HttpState,
    request: Request,
    response_type: ResponseType,
) -> HttpResponse {
    let (info, body) = run(req, http, request, false).await;
    finish(&info, response_type, body)
}

/// With the new media type a request that never executed (unparsable,
/// invalid, over a limit) is a 400; the legacy type always answers 200.
fn finish(info: &RequestInfo, response_type: ResponseType, body: String) -> HttpResponse {
    let status = match response_type {
        ResponseType::GraphqlResponse if !info.executed() => StatusCode::BAD_REQUEST,
        _ => StatusCode::OK,
    };
    respond(status, response_type, body)
}

/// Executes one operation with the caller's credentials, under the timeout.
/// Returns what the guard learned about it, and the response body.
async fn run(
    req: &HttpRequest,
    http: &HttpState,
    request: Request,
    read_only: bool,
) -> (RequestInfo, String) {
    let info = RequestInfo::new(request.operation_name.clone(), read_only);
    let client = req
        .peer_addr()
        .map(|addr| addr.ip().to_string())
        .unwrap_or_else(|| "unknown".into());
    let request = request
        .data(RequestAuth::new(bearer_token(header_str(
            req,
            header::AUTHORIZATION,
        ))))
        .data(ClientAddr(client))
        .data(new_loader(http.state.clone()));
    let timeout = http.state.settings.limits.request_timeout();
    let started = std::time::Instant::now();
    let metrics = &http.state.metrics;
    let execution = async {
        // The guard's checks, persisted queries and parsing, here rather
        // than as an extension of the schema (see `build_http_schema`).
        let request = match guard::prepare(
            request,
            &http.state.settings.limits,
            http.persisted.as_ref(),
            &info,
        )
        .await
        {
            Ok(request) => request,
            Err(err) => return Response::from_errors(vec![err]),
        };
        // Only so many operations run at once; the rest wait here, holding
        // no more than their request.
        let waiting = metrics.operation_waiting();
        let _permit = http.operations.acquire().await.ok();
        drop(waiting);
        let _running = metrics.operation_running();
        // Unconstrained: under tokio's cooperative budget a page of 100 items
        // would yield part-way through registering its DataLoader keys, and
        // the batch would be split into several statements.
        let response =
            tokio::task::unconstrained(crate::events::scope(http.schema.execute(request))).await;
        guard::finish(response, &info)
    };
    let response = match tokio::time::timeout(timeout, execution).await {
        Ok(response) => response,
        Err(_) => {
            info.mark_executed();
            let err = AppError::QueryTooComplex(format!(
                "the operation did not finish within {} ms",
                timeout.as_millis()
            ));
            Response::from_errors(vec![to_server_error(&err)])
        }
    };
    let codes: Vec<&str> = response
        .errors
        .iter()
        .filter_map(|e| e.extensions.as_ref()?.get("code"))
        .filter_map(|code| match code {
            async_graphql::Value::String(code) => Some(code.as_str()),
            _ => None,
        })
        .collect();
    http.state
        .metrics
        .observe_request(info.operation(), started.elapsed(), &codes);
    let body = response_body(response, info.executed());
    (info, body)
}

/// The response as JSON text, serialised once; a request that never executed
/// has no `data` entry.
fn response_body(response: Response, executed: bool) -> String {
    let body = if executed {
        serde_json::to_string(&response)
    } else {
        serde_json::to_value(&response).and_then(|mut body| {
            if let Value::Object(map) = &mut body {
                map.remove("data");
            }
            serde_json::to_string(&body)
        })
    };
    body.unwrap_or_else(|_| {
        json!({"errors": [{"message": "internal error", "extensions": {"code": "INTERNAL"}}]})
            .to_string()
    })
}

fn header_str(req: &HttpRequest, name: header::HeaderName) -> Option<&str> {
    req.headers()
        .get(name)
        .and_then(|value| value.to_str().ok())
}

fn respond(status: StatusCode, response_type: ResponseType, body: String) -> HttpResponse {
    HttpResponse::build(status)
        .insert_header((header::CONTENT_TYPE, response_type.content_type()))
        .body(body)
}

/// A request refused before execution, as a GraphQL error body.
fn refusal(status: StatusCode, response_type: ResponseType, message: &str) -> HttpResponse {
    let error: ServerError = to_server_error(&AppError::bad_input(message));
    respond(
        status,
        response_type,
        json!({ "errors": [error] }).to_string(),
    )
}

fn not_acceptable() -> HttpResponse {
    refusal(
        StatusCode::NOT_ACCEPTABLE,
        ResponseType::Json,
        "accept application/graphql-response+json or application/json",
    )
}
