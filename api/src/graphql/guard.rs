//! The request guard: enforces the document limits, maps every error to one
//! of API.md's codes (the only place that does), and records whether a
//! request reached execution (the HTTP layer's status code depends on it).
//! The pipeline calls it around execution ([`prepare`], [`finish`]) for
//! every transport.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};

use async_graphql::extensions::apollo_persisted_queries::{CacheStorage, LruCacheStorage};
use async_graphql::parser::types::{DocumentOperations, ExecutableDocument, OperationType};
use async_graphql::{Request, Response, ServerError, ServerResult, Value};
use sha2::{Digest, Sha256};

use super::documents::{Documents, Kept};
use crate::config::QueryLimits;
use crate::error::{AppError, ErrorCode};

/// What the HTTP layer and the guard share about one request: whether it
/// reached execution (the status code depends on it), whether it came by GET
/// and was refused for being a mutation (405), and the operation's name for
/// metrics (from the document when the request does not name it).
#[derive(Debug, Default, Clone)]
pub struct RequestInfo(Arc<Info>);

#[derive(Debug, Default)]
struct Info {
    operation_name: Option<String>,
    read_only: bool,
    executed: AtomicBool,
    refused: AtomicBool,
    subscription: AtomicBool,
    document_name: OnceLock<Option<String>>,
}

impl RequestInfo {
    /// A request asking for `operation_name`; `read_only` when it came by GET.
    pub fn new(operation_name: Option<String>, read_only: bool) -> Self {
        Self(Arc::new(Info {
            operation_name,
            read_only,
            ..Info::default()
        }))
    }

    /// Whether execution started.
    pub fn executed(&self) -> bool {
        self.0.executed.load(Ordering::SeqCst)
    }

    pub(crate) fn mark_executed(&self) {
        self.0.executed.store(true, Ordering::SeqCst);
    }

    /// Whether a GET request was refused for selecting a mutation.
    pub fn refused(&self) -> bool {
        self.0.refused.load(Ordering::SeqCst)
    }

    /// Whether the selected operation is a subscription.
    pub fn is_subscription(&self) -> bool {
        self.0.subscription.load(Ordering::SeqCst)
    }

    /// The operation's name, if the request or its document gives one.
    pub fn operation(&self) -> Option<&str> {
        self.0
            .operation_name
            .as_deref()
            .or_else(|| self.0.document_name.get().and_then(|n| n.as_deref()))
    }

    /// Records the selected operation; refuses a mutation on a read-only request.
    fn check_document(&self, doc: &ExecutableDocument) -> Result<(), AppError> {
        let selected = match (&doc.operations, &self.0.operation_name) {
            (DocumentOperations::Single(op), _) => Some((None, op)),
            (DocumentOperations::Multiple(ops), Some(name)) => ops
                .get_key_value(name.as_str())
                .map(|(n, op)| (Some(n), op)),
            (DocumentOperations::Multiple(ops), None) if ops.len() == 1 => {
                ops.iter().next().map(|(n, op)| (Some(n), op))
            }
            _ => None,
        };
        let name = selected.and_then(|(name, _)| name.map(|n| n.to_string()));
        let _ = self.0.document_name.set(name);
        let mutation = selected.is_some_and(|(_, op)| op.node.ty == OperationType::Mutation);
        let subscription =
            selected.is_some_and(|(_, op)| op.node.ty == OperationType::Subscription);
        self.0.subscription.store(subscription, Ordering::SeqCst);
        if self.0.read_only && mutation {
            self.0.refused.store(true, Ordering::SeqCst);
            return Err(AppError::bad_input("mutations must be sent with POST"));
        }
        Ok(())
    }
}

/// The limits on a request's text and variables, checked before anything
/// parses it (a persisted-query lookup included).
fn check_request(request: &Request, limits: &QueryLimits) -> ServerResult<()> {
    super::limits::check_source(&request.query, limits)
        .and_then(|()| super::limits::check_variables(&request.variables))
        .map_err(|e| to_server_error(&e))
}

/// The limits on a parsed document.
fn check_parsed(doc: &ExecutableDocument, limits: &QueryLimits) -> ServerResult<()> {
    super::limits::check_document(doc, limits).map_err(|e| to_server_error(&e))
}

/// A request the guard let through, with its document.
pub struct Prepared {
    pub request: Request,
    pub document: Arc<ExecutableDocument>,
    /// The document as [`Documents`] keeps it (`None`: not kept, say a
    /// persisted query's or a text too long to keep).
    pub kept: Option<Arc<Kept>>,
}

/// The guard's checks before execution: the limits on the text, automatic
/// persisted queries (Apollo's protocol, as async-graphql's extension
/// implements it), the document parsed once and its limits. Errors come coded.
pub async fn prepare(
    mut request: Request,
    limits: &QueryLimits,
    persisted: Option<&LruCacheStorage>,
    documents: &Documents,
    info: &RequestInfo,
) -> ServerResult<Prepared> {
    check_request(&request, limits)?;
    let mut stored = false;
    if let Some(storage) = persisted
        && let Some(value) = request.extensions.remove("persistedQuery")
    {
        stored = persisted_query(&mut request, value, storage)
            .await
            .map_err(coded_request_error)?;
    }
    let kept = if stored {
        None
    } else {
        documents.get(&request.query)
    };
    let (document, kept) = match kept {
        Some(kept) => {
            request.set_parsed_query(ExecutableDocument::clone(&kept.document));
            (kept.document.clone(), Some(kept))
        }
        None => {
            let doc = request.parsed_query().map_err(coded_request_error)?;
            check_parsed(doc, limits)?;
            let doc = Arc::new(doc.clone());
            let kept = if stored {
                None
            } else {
                documents.keep(&request.query, doc.clone())
            };
            (doc, kept)
        }
    };
    info.check_document(&document)
        .map_err(|e| to_server_error(&e))?;
    Ok(Prepared {
        request,
        document,
        kept,
    })
}

#[derive(serde::Deserialize)]
struct PersistedQuery {
    version: i32,
    #[serde(rename = "sha256Hash")]
    sha256_hash: String,
}

/// Resolves a hash to its stored document (true), or stores a document sent
/// with its hash (false).
async fn persisted_query(
    request: &mut Request,
    value: Value,
    storage: &LruCacheStorage,
) -> ServerResult<bool> {
    let persisted: PersistedQuery = async_graphql::from_value(value).map_err(|_| {
        ServerError::new("Invalid \"PersistedQuery\" extension configuration.", None)
    })?;
    if persisted.version != 1 {
        return Err(ServerError::new(
            format!(
                "Only the \"PersistedQuery\" extension of version \"1\" is supported, and the current version is \"{}\".",
                persisted.version
            ),
            None,
        ));
    }
    if request.query.is_empty() {
        let doc = storage
            .get(persisted.sha256_hash)
            .await
            .ok_or_else(|| ServerError::new("PersistedQueryNotFound", None))?;
        request.set_parsed_query(doc);
        Ok(true)
    } else {
        let hash = hex::encode(Sha256::digest(request.query.as_bytes()));
        if persisted.sha256_hash != hash {
            return Err(ServerError::new("provided sha does not match query", None));
        }
        let doc = request.parsed_query()?.clone();
        storage.set(hash, doc).await;
        Ok(false)
    }
}

/// Codes a response's errors, and records whether it executed: a request
/// refused before execution has no data and no error located in it.
pub fn finish(mut response: Response, info: &RequestInfo) -> Response {
    let executed = !matches!(response.data, Value::Null)
        || response.errors.is_empty()
        || response.errors.iter().any(|e| !e.path.is_empty());
    if executed {
        info.mark_executed();
    }
    let code = if executed {
        coded_execution_error
    } else {
        coded_request_error
    };
    response.errors = response.errors.into_iter().map(code).collect();
    response
}

/// A client-facing error for an [`AppError`].
pub fn to_server_error(err: &AppError) -> ServerError {
    let mut server_error = ServerError::new(err.to_string(), None);
    set_code(&mut server_error, err);
    server_error
}

fn set_code(target: &mut ServerError, err: &AppError) {
    target.message = err.to_string();
    let extensions = target.extensions.get_or_insert_with(Default::default);
    extensions.set("code", err.code().as_str());
    match err {
        AppError::BadInput {
            field: Some(field), ..
        } => extensions.set("field", *field),
        AppError::RateLimited { retry_after_secs } => {
            extensions.set("retryAfterSeconds", Value::from(*retry_after_secs))
        }
        _ => {}
    }
}

fn has_code(err: &ServerError) -> bool {
    err.extensions
        .as_ref()
        .is_some_and(|ext| ext.get("code").is_some())
}

/// Errors that stop a request before execution (parse and validation): the
/// built-in depth and complexity limits become `QUERY_TOO_COMPLEX`, anything
/// else is the client's document at fault.
pub fn coded_request_error(mut err: ServerError) -> ServerError {
    if has_code(&err) {
        return err;
    }
    let too_complex = err.message.starts_with("Query is too complex")
        || err.message.starts_with("Query is nested too deep")
        || err.message.starts_with("The recursion depth of the query");
    let code = if too_complex {
        ErrorCode::QueryTooComplex
    } else {
        ErrorCode::BadUserInput
    };
    err.extensions
        .get_or_insert_with(Default::default)
        .set("code", code.as_str());
    err
}

/// Errors raised while executing: an [`AppError`] source decides the code; a
/// database error or any other foreign source becomes a bare `INTERNAL` (its
/// text may hold SQL); an error with no source was raised by async-graphql
/// while coercing the client's input.
pub fn coded_execution_error(mut err: ServerError) -> ServerError {
    if has_code(&err) {
        return err;
    }
    let source = err.source.clone();
    match source {
        Some(source) => {
            if let Some(app) = source.downcast_ref::<AppError>() {
                set_code(&mut err, app);
            } else {
                tracing::error!(message = %err.message, "uncoded error from a resolver");
                set_code(&mut err, &AppError::Internal(String::new()));
            }
        }
        None => {
            err.extensions
                .get_or_insert_with(Default::default)
                .set("code", ErrorCode::BadUserInput.as_str());
        }
    }
    err
}
