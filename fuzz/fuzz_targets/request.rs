//! The request path before any resolver runs: a body as the HTTP layer gets
//! it (parsed as a GraphQL request), its document through the length and
//! token limits, the parser and the alias and directive limits, and the
//! Accept and Content-Type headers through negotiation. None may panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use voimavara_api::config::QueryLimits;
use voimavara_api::graphql::limits::{check_document, check_source};
use voimavara_api::http::negotiate::{is_json_content_type, negotiate};

fuzz_target!(|data: &[u8]| {
    let limits = QueryLimits::default();
    let text = String::from_utf8_lossy(data);
    let _ = negotiate(Some(&text));
    let _ = is_json_content_type(&text);
    let query = match serde_json::from_slice::<async_graphql::BatchRequest>(data) {
        Ok(async_graphql::BatchRequest::Single(request)) => request.query,
        _ => text.into_owned(),
    };
    if check_source(&query, &limits).is_ok()
        && let Ok(document) = async_graphql::parser::parse_query(&query)
    {
        let _ = check_document(&document, &limits);
    }
});
