//! The request guard: an async-graphql extension that enforces the document
//! limits, maps every error to one of API.md's codes (the only place that
//! does), and records whether a request reached execution (the HTTP layer's
//! status code depends on it).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextExecute, NextParseQuery, NextSubscribe,
    NextValidation,
};
use async_graphql::parser::types::ExecutableDocument;
use async_graphql::{Response, ServerError, ServerResult, ValidationResult, Value, Variables};
use futures_util::stream::{BoxStream, StreamExt};
use sea_orm::DbErr;

use crate::config::QueryLimits;
use crate::error::{AppError, ErrorCode};

/// Set when a request's operation starts executing.
#[derive(Debug, Default, Clone)]
pub struct Executed(Arc<AtomicBool>);

impl Executed {
    /// Whether execution started.
    pub fn get(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
    fn set(&self) {
        self.0.store(true, Ordering::SeqCst);
    }
}

/// Installs the guard on a schema.
pub struct RequestGuard {
    pub limits: QueryLimits,
}

impl ExtensionFactory for RequestGuard {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(GuardExtension {
            limits: self.limits.clone(),
        })
    }
}

struct GuardExtension {
    limits: QueryLimits,
}

#[async_trait::async_trait]
impl Extension for GuardExtension {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        super::limits::check_source(query, &self.limits).map_err(|e| to_server_error(&e))?;
        let doc = next
            .run(ctx, query, variables)
            .await
            .map_err(coded_request_error)?;
        super::limits::check_document(&doc, &self.limits).map_err(|e| to_server_error(&e))?;
        Ok(doc)
    }

    async fn validation(
        &self,
        ctx: &ExtensionContext<'_>,
        next: NextValidation<'_>,
    ) -> Result<ValidationResult, Vec<ServerError>> {
        next.run(ctx)
            .await
            .map_err(|errors| errors.into_iter().map(coded_request_error).collect())
    }

    async fn execute(
        &self,
        ctx: &ExtensionContext<'_>,
        operation_name: Option<&str>,
        next: NextExecute<'_>,
    ) -> Response {
        if let Some(executed) = ctx.data_opt::<Executed>() {
            executed.set();
        }
        let mut response = next.run(ctx, operation_name).await;
        response.errors = response
            .errors
            .into_iter()
            .map(coded_execution_error)
            .collect();
        response
    }

    fn subscribe<'s>(
        &self,
        ctx: &ExtensionContext<'_>,
        stream: BoxStream<'s, Response>,
        next: NextSubscribe<'_>,
    ) -> BoxStream<'s, Response> {
        next.run(ctx, stream)
            .map(|mut response| {
                response.errors = response
                    .errors
                    .into_iter()
                    .map(coded_execution_error)
                    .collect();
                response
            })
            .boxed()
    }
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
            } else if let Some(db) = source.downcast_ref::<DbErr>() {
                set_code(&mut err, &AppError::internal(db));
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
