//! One operation on a connection, run through the pipeline on its own task.

use std::sync::Arc;

use futures_util::StreamExt;
use serde_json::{Value, json};
use tokio::sync::mpsc;

use super::Outgoing;
use crate::graphql::guard::RequestInfo;
use crate::graphql::pipeline::{Caller, Outcome, Pipeline, Transport};

/// One operation of a connection: its responses as `next` messages, or its
/// refusal before execution as `error`, then `complete`.
pub(super) async fn operation(
    pipeline: Arc<Pipeline>,
    id: String,
    request: async_graphql::Request,
    caller: Caller,
    out: mpsc::Sender<Outgoing>,
) {
    let info = RequestInfo::new(request.operation_name.clone(), false);
    // Written as text straight from the payload, so its keys keep their order.
    let message = |kind: &str, payload: String| {
        Outgoing::Text(format!(
            r#"{{"id":{},"type":"{kind}","payload":{payload}}}"#,
            Value::String(id.clone())
        ))
    };
    let internal = || {
        json!({"errors": [{"message": "internal error", "extensions": {"code": "INTERNAL"}}]})
            .to_string()
    };
    let mut stream = match pipeline
        .run(request, &caller, Transport::WebSocket, &info)
        .await
    {
        Outcome::Done(response) => futures_util::stream::once(async { *response }).boxed(),
        Outcome::Stream(stream) => stream,
    };
    let mut first = true;
    while let Some(response) = stream.next().await {
        let sent = if first && !info.executed() {
            // Refused before it ran (invalid, over a limit): an `error`
            // message ends the operation, and no `complete` follows.
            let errors = serde_json::to_string(&response.errors).unwrap_or_else(|_| "[]".into());
            let _ = out.send(message("error", errors)).await;
            let _ = out.send(Outgoing::Finished(id.clone())).await;
            return;
        } else {
            let payload = serde_json::to_string(&response).unwrap_or_else(|_| internal());
            out.send(message("next", payload)).await
        };
        first = false;
        if sent.is_err() {
            return;
        }
    }
    let _ = out
        .send(Outgoing::Text(
            json!({"id": id, "type": "complete"}).to_string(),
        ))
        .await;
    let _ = out.send(Outgoing::Finished(id)).await;
}
