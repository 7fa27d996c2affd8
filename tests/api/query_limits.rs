//! Query limits: every refusal is a GraphQL error with a documented code,
//! never a 5xx and never a hang.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{error_code, spawn_app, spawn_app_with};

async fn post(app: &crate::helpers::TestApp, query: &str) -> (StatusCode, Value) {
    let response = app
        .client
        .post(format!("{}/graphql", app.address))
        .header("accept", "application/graphql-response+json")
        .json(&json!({ "query": query }))
        .send()
        .await
        .unwrap();
    (response.status(), response.json().await.unwrap())
}

async fn assert_too_complex(app: &crate::helpers::TestApp, query: &str) {
    let (status, body) = post(app, query).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(error_code(&body), Some("QUERY_TOO_COMPLEX"), "{body}");
}

#[tokio::test]
async fn too_deep_a_document_is_refused() {
    let app = spawn_app().await;
    let deep = format!(
        "{{ {}__typename{} }}",
        "__schema { queryType { fields { type { ofType { ".repeat(4),
        " } } } } }".repeat(4)
    );
    assert_too_complex(&app, &deep).await;
}

#[tokio::test]
async fn too_many_aliases_are_refused() {
    let app = spawn_app().await;
    let fifteen: String = (0..15).map(|i| format!("a{i}: __typename ")).collect();
    let (_, ok) = post(&app, &format!("{{ {fifteen} }}")).await;
    assert!(ok.get("errors").is_none(), "{ok}");
    assert_too_complex(&app, &format!("{{ {fifteen} a15: __typename }}")).await;
}

#[tokio::test]
async fn too_many_directives_are_refused() {
    let app = spawn_app().await;
    let many = "__typename @include(if: true) ".repeat(51);
    assert_too_complex(&app, &format!("{{ {many} }}")).await;
}

#[tokio::test]
async fn too_many_tokens_are_refused() {
    let app = spawn_app().await;
    let many = "__typename ".repeat(1000);
    assert_too_complex(&app, &format!("{{ {many} }}")).await;
}

#[tokio::test]
async fn too_long_a_document_is_refused() {
    let app = spawn_app().await;
    let padding = "#".repeat(15_001);
    assert_too_complex(&app, &format!("{padding}\n{{ __typename }}")).await;
}

#[tokio::test]
async fn too_complex_a_document_is_refused() {
    let app = spawn_app_with(|s| s.limits.max_complexity = 5).await;
    assert_too_complex(
        &app,
        "{ me { id email displayName } organisation { id name } }",
    )
    .await;
}

#[tokio::test]
async fn an_operation_over_the_time_limit_is_cut_off() {
    let app = spawn_app_with(|s| s.limits.request_timeout_ms = 1).await;
    // Signing in hashes a password off-thread: far longer than a millisecond.
    let body = app
        .gql(
            "mutation { login(input: {email: \"x@example.fi\", password: \"0123456789ab\"}) { accessToken } }",
            json!({}),
            None,
        )
        .await;
    assert_eq!(error_code(&body), Some("QUERY_TOO_COMPLEX"), "{body}");
}

/// Posts a document as a signed-in member; returns the HTTP status and body.
async fn post_as(app: &crate::helpers::TestApp, token: &str, query: &str) -> (StatusCode, Value) {
    let response = app
        .client
        .post(format!("{}/graphql", app.address))
        .header("accept", "application/graphql-response+json")
        .bearer_auth(token)
        .json(&json!({ "query": query }))
        .send()
        .await
        .unwrap();
    (response.status(), response.json().await.unwrap())
}

#[tokio::test]
async fn page_sizes_multiply_the_cost_so_a_board_passes_and_nested_pages_do_not() {
    let app = spawn_app().await;
    let admin = app.sign_up("Org", "a@example.fi").await;
    // A frontend's board of 100 clinics fits the default limit.
    let board = "{ clinics(first: 100) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node {
        id title description startsAt endsAt timezone capacity seatsTaken seatsLeft waitlistLength status
        facilitator { id displayName } skills { id name } myRegistration { id status waitlistPosition } } } } }";
    let (status, body) = post_as(&app, &admin.access_token, board).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body["data"]["clinics"]["totalCount"].is_number(), "{body}");

    // Three nested pages of 100 would be a million rows: refused.
    let nested =
        "{ members(first: 100) { edges { node { clinicRegistrations(first: 100) { edges { node {
        clinic { registrations(first: 100) { totalCount } } } } } } } } }";
    let (status, body) = post_as(&app, &admin.access_token, nested).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(error_code(&body), Some("QUERY_TOO_COMPLEX"), "{body}");
    // Without page sizes a page counts as 100.
    let no_sizes = "{ members { edges { node { clinicRegistrations { edges { node {
        clinic { registrations { totalCount } } } } } } } } }";
    let (_, body) = post_as(&app, &admin.access_token, no_sizes).await;
    assert_eq!(error_code(&body), Some("QUERY_TOO_COMPLEX"), "{body}");
    // The same shape with small pages is fine.
    let small =
        "{ members(first: 5) { edges { node { clinicRegistrations(first: 5) { edges { node {
        clinic { registrations(first: 5) { totalCount } } } } } } } } }";
    let (status, body) = post_as(&app, &admin.access_token, small).await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

#[tokio::test]
async fn aliases_in_a_fragment_count_each_time_it_is_spread() {
    let app = spawn_app().await;
    let fifteen: String = (0..15).map(|i| format!("a{i}: __typename ")).collect();
    let (_, ok) = post(
        &app,
        &format!("{{ ...F }} fragment F on Query {{ {fifteen} }}"),
    )
    .await;
    assert!(ok.get("errors").is_none(), "{ok}");
    assert_too_complex(
        &app,
        &format!("{{ ...F ... on Query {{ ...F }} }} fragment F on Query {{ {fifteen} }}"),
    )
    .await;
}

#[tokio::test]
async fn fragments_that_double_at_every_level_are_refused() {
    let app = spawn_app().await;
    let mut text = String::from("{ ...F0 }");
    for level in 0..30 {
        text.push_str(&format!(
            " fragment F{level} on Query {{ __typename ...F{next} ...F{next} }}",
            next = level + 1
        ));
    }
    text.push_str(" fragment F30 on Query { __typename }");
    assert_too_complex(&app, &text).await;
}
