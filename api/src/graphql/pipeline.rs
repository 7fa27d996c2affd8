//! The one way an operation runs, whatever carried it (GraphQL over HTTP or
//! over WebSocket): the guard's limits and persisted queries, the caller's
//! credentials resolved when the operation runs (never once per connection),
//! the client address for rate limits, the bound on operations at once, the
//! timeout, live events published after commit, metrics, and errors coded.

use std::sync::Arc;

use async_graphql::extensions::apollo_persisted_queries::LruCacheStorage;
use async_graphql::{Request, Response, ValidationMode};
use futures_util::StreamExt;
use futures_util::stream::BoxStream;
use tokio::sync::Semaphore;

use super::context::{RequestAuth, RequestLog};
use super::documents::Documents;
use super::guard::{self, RequestInfo, to_server_error};
use super::loaders::new_loader;
use super::schema::{AppSchema, build_schema, persisted_queries};
use super::shape::Shapes;
use crate::context::{ClientAddr, State};
use crate::error::AppError;
use async_graphql::parser::types::ExecutableDocument;

/// Who is calling, as the transport knows it.
#[derive(Debug, Clone)]
pub struct Caller {
    /// The bearer token, if any (HTTP: the `Authorization` header; WebSocket:
    /// the `connection_init` payload).
    pub bearer: Option<String>,
    /// The client address rate limits count by (see `http::client`).
    pub client: String,
}

/// How the operation arrived.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transport {
    /// `GET /graphql`: queries only.
    HttpGet,
    /// `POST /graphql`.
    HttpPost,
    /// `/graphql/ws`: subscriptions too.
    WebSocket,
}

/// What running an operation gave.
pub enum Outcome {
    /// A query or mutation's response, or a refusal before execution.
    Done(Box<Response>),
    /// A subscription's responses, each coded, until it ends.
    Stream(BoxStream<'static, Response>),
}

/// The schema with everything an operation needs around it; one per server.
pub struct Pipeline {
    schema: AppSchema,
    /// The same schema validating only what execution depends on and the
    /// limits: for a kept document with an operation name and variables it
    /// answered before without an error, which therefore passed every rule
    /// of `schema`'s validation (the same rules give the same answer).
    revalidating: AppSchema,
    /// The schema's types, to put responses into the specification's shape.
    shapes: Arc<Shapes>,
    persisted: Option<LruCacheStorage>,
    /// Documents parsed before (see [`Documents`]).
    documents: Documents,
    state: State,
    /// Operations allowed to execute at once; the others wait their turn.
    operations: Semaphore,
}

impl Pipeline {
    /// The pipeline of a server.
    pub fn new(state: State) -> Arc<Self> {
        let permits = state
            .settings
            .max_concurrent_operations
            .unwrap_or(state.settings.database.pool_size() as usize)
            .clamp(1, Semaphore::MAX_PERMITS);
        let schema = build_schema(state.clone(), ValidationMode::Strict);
        let revalidating = build_schema(state.clone(), ValidationMode::Fast);
        Arc::new(Self {
            revalidating,
            shapes: Arc::new(Shapes::from_sdl(&schema.sdl())),
            schema,
            persisted: persisted_queries(&state),
            documents: Documents::default(),
            operations: Semaphore::new(permits),
            state,
        })
    }

    /// The shared state.
    pub fn state(&self) -> &State {
        &self.state
    }

    /// Runs one operation for `caller`. `info` learns what the guard found
    /// (whether it executed, its name, a mutation refused over GET).
    pub async fn run(
        &self,
        request: Request,
        caller: &Caller,
        transport: Transport,
        info: &RequestInfo,
    ) -> Outcome {
        let log = Arc::new(RequestLog {
            span: tracing::Span::current(),
            discreet: Default::default(),
        });
        let request = request
            .data(RequestAuth::new(caller.bearer.clone()).logged(log.clone()))
            .data(ClientAddr(caller.client.clone()))
            .data(new_loader(self.state.clone()));
        let timeout = self.state.settings.limits.request_timeout();
        let started = std::time::Instant::now();
        let outcome = match tokio::time::timeout(
            timeout,
            self.prepare_and_run(request, transport, info, &log),
        )
        .await
        {
            Ok(outcome) => outcome,
            Err(_) => {
                info.mark_executed();
                let err = AppError::QueryTooComplex(format!(
                    "the operation did not finish within {} ms",
                    timeout.as_millis()
                ));
                Outcome::Done(Box::new(Response::from_errors(vec![to_server_error(&err)])))
            }
        };
        if let Outcome::Done(response) = &outcome {
            let codes: Vec<&str> = response
                .errors
                .iter()
                .filter_map(|e| e.extensions.as_ref()?.get("code"))
                .filter_map(|code| match code {
                    async_graphql::Value::String(code) => Some(code.as_str()),
                    _ => None,
                })
                .collect();
            self.state
                .metrics
                .observe_request(info.operation(), started.elapsed(), &codes);
        }
        outcome
    }

    async fn prepare_and_run(
        &self,
        request: Request,
        transport: Transport,
        info: &RequestInfo,
        log: &RequestLog,
    ) -> Outcome {
        let guard::Prepared {
            request,
            document: doc,
            kept,
        } = match guard::prepare(
            request,
            &self.state.settings.limits,
            self.persisted.as_ref(),
            &self.documents,
            info,
        )
        .await
        {
            Ok(prepared) => prepared,
            Err(err) => return Outcome::Done(Box::new(Response::from_errors(vec![err]))),
        };
        if let Some(operation) = info.operation() {
            log.span.record("operation", operation);
        }
        if is_discreet(&doc) {
            log.discreet
                .store(true, std::sync::atomic::Ordering::Release);
        }
        // The response is shaped after execution against the document.
        let doc = Some(doc);
        let operation = request.operation_name.clone();
        if transport == Transport::WebSocket && info.is_subscription() {
            return Outcome::Stream(self.subscribe(request, info.clone(), doc, operation));
        }
        // Only so many operations run at once; the rest wait here, holding
        // no more than their request.
        let metrics = &self.state.metrics;
        let waiting = metrics.operation_waiting();
        let _permit = self.operations.acquire().await.ok();
        drop(waiting);
        let _running = metrics.operation_running();
        // A kept document's request answered before without an error passed
        // every validation rule; the others are validated in full, and
        // remembered when they answer without an error.
        let known = kept
            .as_ref()
            .is_some_and(|kept| kept.valid_for(operation.as_deref(), &request.variables));
        let schema = if known {
            &self.revalidating
        } else {
            &self.schema
        };
        let remember = kept
            .filter(|_| !known)
            .map(|kept| (kept, request.variables.clone()));
        // Unconstrained: under tokio's cooperative budget a page of 100 items
        // would yield part-way through registering its DataLoader keys, and
        // the batch would be split into several statements.
        let response =
            tokio::task::unconstrained(crate::events::scope(schema.execute(request))).await;
        if let Some((kept, variables)) = remember
            && response.errors.is_empty()
        {
            kept.passed(operation.clone(), variables);
        }
        let mut response = guard::finish(response, info);
        if let Some(doc) = &doc
            && info.executed()
        {
            self.shapes
                .conform(&mut response, doc, operation.as_deref());
        }
        Outcome::Done(Box::new(response))
    }

    /// A subscription's responses, coded and shaped; counted as open while it lives.
    fn subscribe(
        &self,
        request: Request,
        info: RequestInfo,
        doc: Option<Arc<ExecutableDocument>>,
        operation: Option<String>,
    ) -> BoxStream<'static, Response> {
        let open = self.state.metrics.subscription_opened();
        let shapes = self.shapes.clone();
        self.schema
            .execute_stream(request)
            .map(move |response| {
                let _open = &open;
                let mut response = guard::finish(response, &info);
                if let Some(doc) = &doc
                    && info.executed()
                {
                    shapes.conform(&mut response, doc, operation.as_deref());
                }
                response
            })
            .boxed()
    }
}

/// Root or nested fields whose request logs no caller: asking a clinic a
/// question may be anonymous, and the log must not say who asked.
const DISCREET_FIELDS: &[&str] = &["askClinicQuestion"];

/// Whether a document selects a [`DISCREET_FIELDS`] field anywhere.
fn is_discreet(doc: &ExecutableDocument) -> bool {
    use async_graphql::parser::types::{Selection, SelectionSet};
    fn walk(set: &SelectionSet) -> bool {
        set.items.iter().any(|item| match &item.node {
            Selection::Field(field) => {
                DISCREET_FIELDS.contains(&field.node.name.node.as_str())
                    || walk(&field.node.selection_set.node)
            }
            Selection::InlineFragment(fragment) => walk(&fragment.node.selection_set.node),
            Selection::FragmentSpread(_) => false,
        })
    }
    doc.operations
        .iter()
        .any(|(_, op)| walk(&op.node.selection_set.node))
        || doc
            .fragments
            .values()
            .any(|fragment| walk(&fragment.node.selection_set.node))
}
