//! The `graphql-transport-ws` protocol's words: its close codes and what a
//! client may send.

use serde::Deserialize;
use serde_json::Value;

/// The subprotocol spoken.
pub const PROTOCOL: &str = "graphql-transport-ws";

/// A message that is not the protocol's.
pub const BAD_MESSAGE: u16 = 4400;
/// `subscribe` before `connection_ack`.
pub const UNAUTHORIZED: u16 = 4401;
/// A missing, invalid or refused token in `connection_init`.
pub const FORBIDDEN: u16 = 4403;
/// No `connection_init` in time.
pub const INIT_TIMEOUT: u16 = 4408;
/// A `subscribe` whose id is already running.
pub const DUPLICATE_ID: u16 = 4409;
/// A second `connection_init`, or too many connections of one account.
pub const TOO_MANY: u16 = 4429;
/// A connection silent for too long (WebSocket's "going away").
pub const IDLE: u16 = 1001;

/// What the client sends.
#[derive(Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub(super) enum ClientMessage {
    ConnectionInit {
        #[serde(default)]
        payload: Option<Value>,
    },
    Ping {},
    Pong {},
    Subscribe {
        id: String,
        payload: Box<async_graphql::Request>,
    },
    Complete {
        id: String,
    },
}
