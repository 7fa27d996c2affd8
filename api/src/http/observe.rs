//! Every HTTP request is observed the same way: its id (an incoming
//! `x-request-id` kept when it is sensible, else one made) returned in the
//! response; a span that every log line of the request carries, with the
//! operation and the caller filled in once known (see
//! [`crate::graphql::pipeline`]); one access-log line when it is answered;
//! and the response counted by status, refusals before GraphQL included.

use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};

use crate::context::AppState;

/// The header a request id travels in.
pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");
/// The longest request id kept from a client.
const MAX_ID: usize = 128;

/// The request's id: the client's, when it is 1 to 128 visible ASCII
/// characters, else 128 random bits in hex.
pub fn request_id(incoming: Option<&HeaderValue>, state: &AppState) -> String {
    incoming
        .and_then(|value| value.to_str().ok())
        .filter(|id| {
            !id.is_empty() && id.len() <= MAX_ID && id.bytes().all(|b| b.is_ascii_graphic())
        })
        .map(str::to_owned)
        .unwrap_or_else(|| hex::encode(state.random.bytes::<16>()))
}

/// A request's id, in its extensions for handlers that need it (the
/// WebSocket connection names its operations after it).
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

/// The span one operation over a WebSocket connection runs in: the
/// connection's request id and the operation's, and the same fields as an
/// HTTP request's.
pub fn operation_span(connection: &str, operation: &str) -> tracing::Span {
    tracing::info_span!(
        "request",
        request_id = %format!("{connection}/{operation}"),
        method = "WS",
        path = "/graphql/ws",
        operation = tracing::field::Empty,
        user = tracing::field::Empty,
    )
}

/// The span a request runs in.
pub fn span(request: &ServiceRequest, id: &str) -> tracing::Span {
    tracing::info_span!(
        "request",
        request_id = %id,
        method = %request.method(),
        path = %request.path(),
        operation = tracing::field::Empty,
        user = tracing::field::Empty,
    )
}

/// Finishes a request: its id on the response, its status counted, its
/// access-log line written in its span.
pub fn finish<B: MessageBody>(
    response: &mut Result<ServiceResponse<B>, actix_web::Error>,
    span: &tracing::Span,
    id: &str,
    started: Instant,
    state: &AppState,
) {
    let status = match response {
        Ok(response) => {
            if let Ok(value) = HeaderValue::from_str(id) {
                response.headers_mut().insert(REQUEST_ID, value);
            }
            response.status()
        }
        Err(err) => err.as_response_error().status_code(),
    };
    state.metrics.response(status);
    let micros = started.elapsed().as_micros() as u64;
    tracing::info!(parent: span, status = status.as_u16(), micros, "request answered");
}
