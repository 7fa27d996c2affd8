//! `GET /graphql/ws`: subscriptions over WebSocket with the
//! `graphql-transport-ws` protocol (and the older `graphql-ws`). The access
//! token travels in the `connection_init` payload as
//! `{"authorization": "Bearer <token>"}`; a missing or invalid one closes the
//! connection with 4403 (Forbidden), as the protocol specifies.

use std::str::FromStr;

use actix_web::http::header::{HeaderValue, SEC_WEBSOCKET_PROTOCOL};
use actix_web::{HttpRequest, HttpResponse, web};
use actix_ws::{CloseCode, CloseReason, Message};
use async_graphql::Data;
use async_graphql::http::{WebSocket, WebSocketProtocols, WsMessage};
use futures_util::StreamExt;
use serde_json::Value;
use tokio::sync::mpsc;

use super::HttpState;
use crate::context::{RequestAuth, bearer_token};
use crate::graphql::loaders::new_loader;
use crate::service::sessions;

/// The close code for a refused `connection_init`.
pub const FORBIDDEN: u16 = 4403;
const REFUSED: &str = "Forbidden";

/// Upgrades to a WebSocket speaking the protocol the client asked for.
pub async fn subscribe(
    req: HttpRequest,
    body: web::Payload,
    http: web::Data<HttpState>,
) -> actix_web::Result<HttpResponse> {
    let protocol = req
        .headers()
        .get(SEC_WEBSOCKET_PROTOCOL)
        .and_then(|value| value.to_str().ok())
        .and_then(|offered| {
            offered
                .split(',')
                .find_map(|p| WebSocketProtocols::from_str(p.trim()).ok())
        })
        .ok_or_else(|| {
            actix_web::error::ErrorBadRequest("ask for the graphql-transport-ws subprotocol")
        })?;
    let (mut response, session, mut frames) = actix_ws::handle(&req, body)?;
    response.headers_mut().insert(
        SEC_WEBSOCKET_PROTOCOL,
        HeaderValue::from_static(protocol.sec_websocket_protocol()),
    );

    // Client frames: text goes to the protocol engine, pings are answered here.
    let (incoming_tx, incoming_rx) = mpsc::channel::<String>(64);
    let mut ponger = session.clone();
    actix_web::rt::spawn(async move {
        while let Some(Ok(frame)) = frames.next().await {
            let alive = match frame {
                Message::Text(text) => incoming_tx.send(text.to_string()).await.is_ok(),
                Message::Ping(bytes) => ponger.pong(&bytes).await.is_ok(),
                Message::Close(_) => false,
                _ => true,
            };
            if !alive {
                break;
            }
        }
    });

    let state = http.state.clone();
    let incoming = Box::pin(tokio_stream(incoming_rx));
    let mut outgoing = WebSocket::new(http.subscriptions.clone(), incoming, protocol)
        .on_connection_init(move |value: Value| {
            let state = state.clone();
            async move {
                let header = value
                    .get("authorization")
                    .or_else(|| value.get("Authorization"))
                    .and_then(Value::as_str);
                let token =
                    bearer_token(header).ok_or_else(|| async_graphql::Error::new(REFUSED))?;
                sessions::authenticate(&state, &token)
                    .await
                    .map_err(|_| async_graphql::Error::new(REFUSED))?;
                let mut data = Data::default();
                data.insert(RequestAuth::new(Some(token)));
                data.insert(new_loader(state.clone()));
                Ok(data)
            }
        });

    let mut session = session;
    actix_web::rt::spawn(async move {
        while let Some(message) = outgoing.next().await {
            match message {
                WsMessage::Text(text) => {
                    if session.text(text).await.is_err() {
                        return;
                    }
                }
                WsMessage::Close(code, reason) => {
                    let code = if reason == REFUSED { FORBIDDEN } else { code };
                    let _ = session
                        .close(Some(CloseReason {
                            code: CloseCode::Other(code),
                            description: Some(reason),
                        }))
                        .await;
                    return;
                }
            }
        }
        let _ = session.close(None).await;
    });
    Ok(response)
}

/// An mpsc receiver as a stream.
fn tokio_stream(mut rx: mpsc::Receiver<String>) -> impl futures_util::Stream<Item = String> {
    async_stream::stream! {
        while let Some(item) = rx.recv().await {
            yield item;
        }
    }
}
