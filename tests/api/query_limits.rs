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
