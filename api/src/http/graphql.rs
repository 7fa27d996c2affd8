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
use super::client;
use super::negotiate::{ResponseType, is_json_content_type, negotiate};
use crate::context::bearer_token;
use crate::error::AppError;
use crate::graphql::guard::{RequestInfo, to_server_error};
use crate::graphql::pipeline::{Caller, Outcome, Transport};

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
    // A client that trickles its body holds a worker: it gets so long.
    let deadline = std::time::Duration::from_millis(http.state.settings.body_timeout_ms);
    let read = tokio::time::timeout(deadline, async {
        let mut body = web::BytesMut::new();
        while let Some(chunk) = payload.next().await {
            let Ok(chunk) = chunk else {
                return Err(BodyError::Unreadable);
            };
            if body.len() + chunk.len() > limit {
                return Err(BodyError::TooLarge);
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body)
    })
    .await;
    let body = match read {
        Ok(Ok(body)) => body,
        Ok(Err(BodyError::TooLarge)) => return too_large(),
        Ok(Err(BodyError::Unreadable)) => {
            return refusal(
                StatusCode::BAD_REQUEST,
                response_type,
                "could not read the request body",
            );
        }
        Err(_) => {
            return refusal(
                StatusCode::REQUEST_TIMEOUT,
                response_type,
                "the request body did not arrive in time",
            );
        }
    };

    // A JSON array is a batch; anything else one request. (Letting serde
    // choose would read `[]` as one request with every field missing.)
    let is_array = body.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'[');
    let parsed = if is_array {
        serde_json::from_slice::<Vec<Request>>(&body).map(BatchRequest::Batch)
    } else {
        serde_json::from_slice::<Request>(&body).map(BatchRequest::Single)
    };
    let batch = match parsed {
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
                let (_, body) = run(&req, &http, request, Transport::HttpPost).await;
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

/// Why a body could not be read.
enum BodyError {
    TooLarge,
    Unreadable,
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
    let (info, body) = run(&req, &http, request, Transport::HttpGet).await;
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
    let (info, body) = run(req, http, request, Transport::HttpPost).await;
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

/// Runs one operation through the pipeline with the caller's credentials.
/// Returns what the guard learned about it, and the response body.
async fn run(
    req: &HttpRequest,
    http: &HttpState,
    request: Request,
    transport: Transport,
) -> (RequestInfo, String) {
    let info = RequestInfo::new(
        request.operation_name.clone(),
        transport == Transport::HttpGet,
    );
    let caller = Caller {
        bearer: bearer_token(header_str(req, header::AUTHORIZATION)),
        client: client::address(req, &http.state.settings.trusted_proxies),
    };
    let response = match http.pipeline.run(request, &caller, transport, &info).await {
        Outcome::Done(response) => *response,
        // Only WebSocket streams; over HTTP a subscription is refused before.
        Outcome::Stream(_) => Response::from_errors(vec![to_server_error(&AppError::bad_input(
            "subscriptions run over WebSocket at /graphql/ws",
        ))]),
    };
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
        // The type (and so the status) depends on what the client accepts.
        .insert_header((header::VARY, "Accept"))
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
