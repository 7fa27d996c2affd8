//! The GraphQL schema. Resolvers are thin: they decode arguments, call one
//! service function and wrap the result.

pub mod context;
pub mod cost;
pub mod documents;
pub mod guard;
pub mod ids;
pub mod inline;
pub mod limits;
pub mod loaders;
pub mod mutation;
pub mod nodes;
pub mod pagination;
pub mod pipeline;
pub mod query;
pub mod scalars;
pub mod schema;
pub mod shape;
pub mod subscription;
pub mod types;

pub use schema::{AppSchema, build_schema, persisted_queries, sdl};
