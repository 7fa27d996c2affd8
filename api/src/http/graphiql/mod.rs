//! The GraphiQL page's template and example documents.

pub mod examples;
