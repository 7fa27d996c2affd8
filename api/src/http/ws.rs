//! `GET /graphql/ws`: GraphQL over WebSocket with the `graphql-transport-ws`
//! protocol (the `graphql-ws` npm package's; the older `subscriptions-transport-ws`
//! protocol is not spoken). The access token travels in the `connection_init`
//! payload as `{"authorization": "Bearer <token>"}`.
//!
//! Every operation on a connection, query, mutation or subscription, runs
//! through the same [`Pipeline`] as over HTTP, with the connection's token
//! authorised when the operation runs. Running subscriptions end with an
//! error when the account's access ends: its session ends, it is
//! deactivated, its role changes (an account event from any instance), or
//! its token expires.
//!
//! Close codes: 4400 a message that is not the protocol's, 4401 `subscribe`
//! before the acknowledgement, 4403 a missing or refused token, 4408 no
//! `connection_init` in time, 4409 a subscription id already running, 4429 a
//! second `connection_init` or too many connections of one account, 1001 a
//! connection silent for too long.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use actix_web::{HttpRequest, HttpResponse, web};
use actix_ws::{CloseCode, CloseReason, Message, MessageStream, Session};
use futures_util::StreamExt;
use serde_json::{Value, json};
use tokio::sync::broadcast::error::RecvError;
use tokio::sync::{broadcast, mpsc};
use tokio::task::AbortHandle;

use super::{HttpState, client};
use crate::auth::Actor;
use crate::context::bearer_token;
use crate::error::AppError;
use crate::events::Event;
use crate::graphql::guard::to_server_error;
use crate::graphql::pipeline::{Caller, Pipeline};
use crate::service::sessions;

mod operation;
mod protocol;
mod registry;

use protocol::ClientMessage;
pub use protocol::*;

use operation::operation;
use registry::Place;
pub use registry::Registry;

/// A timer that is not meant to fire (a century).
const NEVER: Duration = Duration::from_secs(100 * 365 * 24 * 3600);

/// Upgrades to a WebSocket speaking `graphql-transport-ws`.
pub async fn subscribe(
    req: HttpRequest,
    body: web::Payload,
    http: web::Data<HttpState>,
) -> actix_web::Result<HttpResponse> {
    let offered = req
        .headers()
        .get_all(actix_web::http::header::SEC_WEBSOCKET_PROTOCOL)
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .any(|protocol| protocol.trim() == PROTOCOL);
    if !offered {
        return Err(actix_web::error::ErrorBadRequest(
            "ask for the graphql-transport-ws subprotocol",
        ));
    }
    let client = client::address(&req, &http.state.settings.trusted_proxies);
    let (response, session, frames) = actix_ws::handle_with_protocols(&req, body, &[PROTOCOL])?;
    let frames = frames.max_frame_size(http.state.settings.limits.max_body_bytes);
    let request_id = actix_web::HttpMessage::extensions(&req)
        .get::<super::observe::RequestId>()
        .map(|id| id.0.clone())
        .unwrap_or_default();
    let connection = Connection {
        request_id,
        pipeline: http.pipeline.clone(),
        registry: http.sockets.clone(),
        client,
        session,
        phase: Phase::Waiting,
        running: HashMap::new(),
    };
    actix_web::rt::spawn(connection.serve(frames));
    Ok(response)
}

/// Where a connection stands.
enum Phase {
    /// Before `connection_init`.
    Waiting,
    /// Acknowledged: the token and account it was acknowledged for.
    Ready(Box<Ready>),
}

struct Ready {
    token: String,
    actor: Actor,
    /// The account's events (session ended, role or status changed).
    account_events: broadcast::Receiver<Event>,
    _place: Place,
}

/// What operation tasks hand back to the connection.
pub(crate) enum Outgoing {
    /// A message to send.
    Text(String),
    /// Operation `id` has finished.
    Finished(String),
}

/// Why the connection loop stops.
struct Stop(Option<CloseReason>);

fn close(code: u16, description: impl Into<String>) -> Stop {
    Stop(Some(CloseReason {
        code: CloseCode::Other(code),
        description: Some(description.into()),
    }))
}

struct Connection {
    /// The id of the request that opened the connection.
    request_id: String,
    pipeline: Arc<Pipeline>,
    registry: Arc<Registry>,
    client: String,
    session: Session,
    phase: Phase,
    /// Operations running, by id.
    running: HashMap<String, AbortHandle>,
}

impl Connection {
    /// Serves the connection until either side ends it.
    async fn serve(mut self, mut frames: MessageStream) {
        let limits = self.pipeline.state().settings.sockets.clone();
        let (out_tx, mut out_rx) = mpsc::channel::<Outgoing>(256);
        let init_deadline = tokio::time::sleep(Duration::from_millis(limits.ws_init_timeout_ms));
        tokio::pin!(init_deadline);
        let ping_every = Duration::from_millis(limits.ws_ping_interval_ms.max(1));
        let mut pings =
            tokio::time::interval_at(tokio::time::Instant::now() + ping_every, ping_every);
        let idle_after = Duration::from_millis(limits.ws_idle_timeout_ms);
        let mut heard = Instant::now();
        // Set once acknowledged: when the token expires.
        let expiry = tokio::time::sleep(NEVER);
        tokio::pin!(expiry);

        let stop = loop {
            let waiting = matches!(self.phase, Phase::Waiting);
            let step = tokio::select! {
                frame = frames.next() => {
                    heard = Instant::now();
                    match frame {
                        Some(Ok(frame)) => self.on_frame(frame, &out_tx, expiry.as_mut()).await,
                        Some(Err(err)) => Err(close(1002, format!("protocol error: {err}"))),
                        None => Err(Stop(None)),
                    }
                }
                Some(outgoing) = out_rx.recv() => match outgoing {
                    Outgoing::Text(text) => self.send(text).await,
                    Outgoing::Finished(id) => {
                        self.running.remove(&id);
                        Ok(())
                    }
                },
                _ = &mut init_deadline, if waiting => {
                    Err(close(INIT_TIMEOUT, "Connection initialisation timeout"))
                }
                _ = pings.tick() => {
                    if heard.elapsed() >= idle_after {
                        Err(close(IDLE, "the connection was silent for too long"))
                    } else {
                        match self.session.ping(b"").await {
                            Ok(()) => self.recheck().await,
                            Err(_) => Err(Stop(None)),
                        }
                    }
                }
                _ = &mut expiry, if !waiting => {
                    expiry.as_mut().reset(tokio::time::Instant::now() + NEVER);
                    self.end_all(AppError::Unauthenticated("access token expired")).await
                }
                event = account_event(&mut self.phase) => match event {
                    Some(()) => self.recheck().await,
                    None => Ok(()),
                },
            };
            if let Err(stop) = step {
                break stop;
            }
        };
        for (_, task) in self.running.drain() {
            task.abort();
        }
        let _ = self.session.close(stop.0).await;
    }

    async fn send(&mut self, text: String) -> Result<(), Stop> {
        self.session.text(text).await.map_err(|_| Stop(None))
    }

    async fn on_frame(
        &mut self,
        frame: Message,
        out: &mpsc::Sender<Outgoing>,
        expiry: std::pin::Pin<&mut tokio::time::Sleep>,
    ) -> Result<(), Stop> {
        let text = match frame {
            Message::Text(text) => text,
            Message::Ping(bytes) => {
                return self.session.pong(&bytes).await.map_err(|_| Stop(None));
            }
            Message::Close(_) => return Err(Stop(None)),
            Message::Binary(_) => {
                return Err(close(BAD_MESSAGE, "messages are JSON text"));
            }
            _ => return Ok(()),
        };
        let Ok(message) = serde_json::from_str::<ClientMessage>(&text) else {
            return Err(close(BAD_MESSAGE, "Invalid message received"));
        };
        match message {
            ClientMessage::ConnectionInit { payload } => self.init(payload, expiry).await,
            ClientMessage::Ping {} => self.send(json!({"type": "pong"}).to_string()).await,
            ClientMessage::Pong {} => Ok(()),
            ClientMessage::Subscribe { id, payload } => self.start(id, *payload, out).await,
            ClientMessage::Complete { id } => {
                if let Some(task) = self.running.remove(&id) {
                    task.abort();
                }
                Ok(())
            }
        }
    }

    /// `connection_init`: checks the token, takes a place, acknowledges.
    async fn init(
        &mut self,
        payload: Option<Value>,
        expiry: std::pin::Pin<&mut tokio::time::Sleep>,
    ) -> Result<(), Stop> {
        if !matches!(self.phase, Phase::Waiting) {
            return Err(close(TOO_MANY, "Too many initialisation requests"));
        }
        let header = payload.as_ref().and_then(|value| {
            value
                .get("authorization")
                .or_else(|| value.get("Authorization"))
                .and_then(Value::as_str)
        });
        let Some(token) = bearer_token(header) else {
            return Err(close(FORBIDDEN, "Forbidden"));
        };
        let state = self.pipeline.state().clone();
        let actor = sessions::authenticate(&state, &token)
            .await
            .map_err(|_| close(FORBIDDEN, "Forbidden"))?;
        let max = state.settings.sockets.ws_max_connections_per_account;
        let Some(place) = self.registry.enter(actor.user_id, max) else {
            return Err(close(
                TOO_MANY,
                format!("at most {max} connections per account"),
            ));
        };
        if let Some(deadline) = expires_in(&state, &actor) {
            expiry.reset(tokio::time::Instant::now() + deadline);
        }
        self.phase = Phase::Ready(Box::new(Ready {
            account_events: state.events.subscribe(actor.organisation_id),
            token,
            actor,
            _place: place,
        }));
        self.send(json!({"type": "connection_ack"}).to_string())
            .await
    }

    /// `subscribe`: runs one operation on its own task.
    async fn start(
        &mut self,
        id: String,
        request: async_graphql::Request,
        out: &mpsc::Sender<Outgoing>,
    ) -> Result<(), Stop> {
        let Phase::Ready(ready) = &self.phase else {
            return Err(close(UNAUTHORIZED, "Unauthorized"));
        };
        if self.running.contains_key(&id) {
            return Err(close(
                DUPLICATE_ID,
                format!("Subscriber for {id} already exists"),
            ));
        }
        let max = self.pipeline.state().settings.sockets.ws_max_subscriptions;
        if self.running.len() >= max {
            let refused = AppError::RateLimited {
                retry_after_secs: 1,
            };
            let mut error = to_server_error(&refused);
            error.message = format!("at most {max} operations run at once on one connection");
            return self
                .send(json!({"id": id, "type": "error", "payload": [error]}).to_string())
                .await;
        }
        let caller = Caller {
            bearer: Some(ready.token.clone()),
            client: self.client.clone(),
        };
        let span = super::observe::operation_span(&self.request_id, &id);
        let task = tokio::spawn(tracing::Instrument::instrument(
            operation(
                self.pipeline.clone(),
                id.clone(),
                request,
                caller,
                out.clone(),
            ),
            span,
        ));
        self.running.insert(id, task.abort_handle());
        Ok(())
    }

    /// Authorises the connection's token again (its account changed, or the
    /// keep-alive came round); refused, every running operation ends with an
    /// error. Later operations are refused when they run, as over HTTP.
    async fn recheck(&mut self) -> Result<(), Stop> {
        let Phase::Ready(ready) = &self.phase else {
            return Ok(());
        };
        if self.running.is_empty() {
            return Ok(());
        }
        match sessions::authenticate(self.pipeline.state(), &ready.token).await {
            Ok(actor) if actor == ready.actor => Ok(()),
            Ok(_) => {
                self.end_all(AppError::Unauthenticated("session no longer valid"))
                    .await
            }
            Err(err @ AppError::Unauthenticated(_)) => self.end_all(err).await,
            // The database is away: nothing is known to have changed.
            Err(_) => Ok(()),
        }
    }

    /// Ends every running operation with `why`.
    async fn end_all(&mut self, why: AppError) -> Result<(), Stop> {
        let error = to_server_error(&why);
        let running: Vec<(String, AbortHandle)> = self.running.drain().collect();
        for (id, task) in running {
            task.abort();
            self.send(json!({"id": id, "type": "error", "payload": [error]}).to_string())
                .await?;
        }
        Ok(())
    }
}

/// The next event about the connection's own account (`Some`), or nothing
/// ever (`None` is returned only when events can no longer arrive).
async fn account_event(phase: &mut Phase) -> Option<()> {
    let Phase::Ready(ready) = phase else {
        return std::future::pending().await;
    };
    let user = ready.actor.user_id;
    loop {
        match ready.account_events.recv().await {
            Ok(Event::Account { user: changed, .. }) if changed == user => return Some(()),
            Ok(_) => {}
            // Fell behind: an account event may be among those missed.
            Err(RecvError::Lagged(_)) => return Some(()),
            Err(RecvError::Closed) => return std::future::pending().await,
        }
    }
}

/// How long the actor's token has left, by the server's clock.
fn expires_in(state: &crate::context::AppState, actor: &Actor) -> Option<Duration> {
    let left = actor.expires_at? - state.clock.now().timestamp();
    Some(Duration::from_secs(u64::try_from(left).unwrap_or(0)))
}
