//! `GET /graphql/ws`: subscriptions over WebSocket with the
//! `graphql-transport-ws` protocol. The access token travels in the
//! `connection_init` payload as `{"authorization": "Bearer <token>"}`.

use actix_web::{HttpRequest, HttpResponse, web};
use async_graphql::Data;
use async_graphql_actix_web::GraphQLSubscription;
use serde_json::Value;

use super::HttpState;
use crate::context::{RequestAuth, bearer_token};
use crate::graphql::loaders::new_loader;
use crate::service::sessions;

/// Upgrades to a WebSocket; a missing or invalid token refuses the connection.
pub async fn subscribe(
    req: HttpRequest,
    payload: web::Payload,
    http: web::Data<HttpState>,
) -> actix_web::Result<HttpResponse> {
    let state = http.state.clone();
    GraphQLSubscription::new(http.schema.clone())
        .on_connection_init(move |value: Value| {
            let state = state.clone();
            async move {
                let header = value
                    .get("authorization")
                    .or_else(|| value.get("Authorization"))
                    .and_then(Value::as_str);
                let Some(token) = bearer_token(header) else {
                    return Err("Forbidden".into());
                };
                sessions::authenticate(&state, &token)
                    .await
                    .map_err(|_| async_graphql::Error::new("Forbidden"))?;
                let mut data = Data::default();
                data.insert(RequestAuth::new(Some(token)));
                data.insert(new_loader(state.clone()));
                Ok(data)
            }
        })
        .start(&req, payload)
}
