//! Unit tests of the parent module.

use super::*;

#[test]
fn the_best_acceptable_type_is_chosen() {
    use ResponseType::*;
    assert_eq!(negotiate(None), Some(Json));
    assert_eq!(
        negotiate(Some("application/graphql-response+json")),
        Some(GraphqlResponse)
    );
    assert_eq!(negotiate(Some("application/json")), Some(Json));
    assert_eq!(
        negotiate(Some(
            "application/graphql-response+json, application/json;q=0.9"
        )),
        Some(GraphqlResponse)
    );
    assert_eq!(
        negotiate(Some(
            "application/graphql-response+json;q=0.5, application/json"
        )),
        Some(Json)
    );
    // Older clients (curl, reqwest, fetch) send */* or nothing: plain JSON.
    assert_eq!(negotiate(Some("*/*")), Some(Json));
    assert_eq!(negotiate(Some("application/*")), Some(Json));
    assert_eq!(negotiate(None), Some(Json));
    assert_eq!(
        negotiate(Some("application/graphql-response+json, */*;q=0.1")),
        Some(GraphqlResponse)
    );
    assert_eq!(negotiate(Some("text/html")), None);
    assert_eq!(negotiate(Some("application/json;q=0")), None);
}

#[test]
fn only_utf8_json_bodies_are_accepted() {
    assert!(is_json_content_type("application/json"));
    assert!(is_json_content_type("Application/JSON; charset=UTF-8"));
    assert!(!is_json_content_type("application/json; charset=latin1"));
    assert!(!is_json_content_type("text/plain"));
    assert!(!is_json_content_type("application/graphql"));
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]

    /// Any Accept or Content-Type header is handled without a panic.
    #[test]
    fn any_header_is_negotiated_without_panicking(header in ".{0,200}", q in "[0-9.;q= ,*/a-z+-]{0,80}") {
        let _ = negotiate(Some(&header));
        let _ = negotiate(Some(&q));
        let _ = is_json_content_type(&header);
        let _ = is_json_content_type(&q);
    }
}
