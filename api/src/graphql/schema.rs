//! Building the schema once per server, with its limits and extensions.

use std::num::NonZeroUsize;

use async_graphql::extensions::apollo_persisted_queries::{
    ApolloPersistedQueries, LruCacheStorage,
};
use async_graphql::{Schema, SchemaBuilder};

use super::guard::RequestGuard;
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

/// The schema with the server's state, limits and mode.
pub fn build_schema(state: State) -> AppSchema {
    let settings = &state.settings;
    let limits = settings.limits.clone();
    let mut builder = builder()
        .limit_depth(limits.max_depth)
        .limit_complexity(limits.max_complexity)
        .limit_recursive_depth(limits.max_depth.max(32))
        .extension(RequestGuard {
            limits: limits.clone(),
        });
    // After the guard, so the guard sees (and codes) what this one refuses.
    if let Some(capacity) = NonZeroUsize::new(limits.persisted_queries) {
        builder = builder.extension(ApolloPersistedQueries::new(LruCacheStorage::new(
            capacity.get(),
        )));
    }
    if settings.production {
        builder = builder.disable_introspection().disable_suggestions();
    }
    builder.data(state).finish()
}

/// The schema's SDL, as checked into `schema.graphql`.
pub fn sdl() -> String {
    builder().finish().sdl()
}
