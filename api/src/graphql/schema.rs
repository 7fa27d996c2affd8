//! Building the schema once per server, with its limits and extensions.

use std::num::NonZeroUsize;

use async_graphql::extensions::apollo_persisted_queries::LruCacheStorage;
use async_graphql::{Schema, SchemaBuilder, ValidationMode};

use super::mutation::MutationRoot;
use super::query::QueryRoot;
use super::subscription::SubscriptionRoot;
use crate::context::State;

/// The executable schema.
pub type AppSchema = Schema<QueryRoot, MutationRoot, SubscriptionRoot>;

fn builder() -> SchemaBuilder<QueryRoot, MutationRoot, SubscriptionRoot> {
    Schema::build(
        QueryRoot::default(),
        MutationRoot::default(),
        SubscriptionRoot,
    )
}

/// The executable schema with the server's state, limits and mode. It has no
/// extensions: the pipeline applies the guard before and after execution, and
/// with no extension installed async-graphql resolves each field without
/// wrapping it (about a sixth of a large page's CPU time).
///
/// `validation` is async-graphql's: `Strict` checks every rule of the
/// specification; `Fast` only what execution itself depends on (fragment
/// cycles, uploads) and the complexity and depth limits, for documents that
/// passed `Strict` before with the same operation and variables (the
/// pipeline decides, see `documents`).
pub fn build_schema(state: State, validation: ValidationMode) -> AppSchema {
    configured(&state)
        .validation_mode(validation)
        .data(state)
        .finish()
}

/// The persisted-query cache, when turned on.
pub fn persisted_queries(state: &State) -> Option<LruCacheStorage> {
    NonZeroUsize::new(state.settings.limits.persisted_queries)
        .map(|capacity| LruCacheStorage::new(capacity.get()))
}

fn configured(state: &State) -> SchemaBuilder<QueryRoot, MutationRoot, SubscriptionRoot> {
    let limits = &state.settings.limits;
    let builder = builder()
        .limit_depth(limits.max_depth)
        .limit_complexity(limits.max_complexity)
        .limit_recursive_depth(limits.max_depth.max(32));
    if state.settings.production {
        builder.disable_introspection().disable_suggestions()
    } else {
        builder
    }
}

/// The schema's SDL, as checked into `schema.graphql`.
pub fn sdl() -> String {
    builder().finish().sdl()
}
