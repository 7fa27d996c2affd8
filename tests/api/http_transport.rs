//! GraphQL over HTTP: negotiation, methods, status codes and refusals.

use reqwest::StatusCode;
use reqwest::header::{ACCEPT, ALLOW, CONTENT_TYPE};
use serde_json::{Value, json};

use crate::helpers::{error_code, spawn_app, spawn_app_with};

const GRAPHQL_RESPONSE: &str = "application/graphql-response+json";

#[tokio::test]
async fn a_query_by_get_answers_with_the_negotiated_type() {
    let app = spawn_app().await;
    let response = app
        .client
        .get(format!("{}/graphql", app.address))
        .query(&[("query", "{ __typename }")])
        .header(ACCEPT, GRAPHQL_RESPONSE)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        response.headers()[CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with(GRAPHQL_RESPONSE)
    );
    let body: Value = response.json().await.unwrap();
    assert_eq!(body, json!({"data": {"__typename": "Query"}}));
}

#[tokio::test]
async fn legacy_json_clients_get_200_and_application_json_even_for_invalid_documents() {
    let app = spawn_app().await;
    let response = app
        .client
        .post(format!("{}/graphql", app.address))
        .header(ACCEPT, "application/json")
        .json(&json!({"query": "{ noSuchField }"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        response.headers()[CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("application/json")
    );
    let body: Value = response.json().await.unwrap();
    assert_eq!(error_code(&body), Some("BAD_USER_INPUT"));
}

#[tokio::test]
async fn a_document_that_never_executes_is_a_400_without_data() {
    let app = spawn_app().await;
    for query in [
        "{ noSuchField }",
        "{ unclosed",
        "query Q { __typename } query Q { __typename }",
    ] {
        let response = app
            .client
            .post(format!("{}/graphql", app.address))
            .header(ACCEPT, GRAPHQL_RESPONSE)
            .json(&json!({ "query": query }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{query}");
        let body: Value = response.json().await.unwrap();
        assert!(body.get("data").is_none(), "{body}");
        assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{body}");
    }
}

#[tokio::test]
async fn a_mutation_by_get_is_405_and_names_post() {
    let app = spawn_app().await;
    let response = app
        .client
        .get(format!("{}/graphql", app.address))
        .query(&[("query", "mutation { logout(refreshToken: \"x\") }")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(response.headers()[ALLOW], "POST");
    let body: Value = response.json().await.unwrap();
    assert_eq!(error_code(&body), Some("BAD_USER_INPUT"));
}

#[tokio::test]
async fn other_methods_are_405() {
    let app = spawn_app().await;
    let response = app
        .client
        .put(format!("{}/graphql", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(response.headers()[ALLOW], "GET, POST");
}

#[tokio::test]
async fn a_body_that_is_not_json_is_415() {
    let app = spawn_app().await;
    for content_type in [
        "text/plain",
        "application/graphql",
        "application/json; charset=latin1",
    ] {
        let response = app
            .client
            .post(format!("{}/graphql", app.address))
            .header(CONTENT_TYPE, content_type)
            .body("{ __typename }")
            .send()
            .await
            .unwrap();
        assert_eq!(
            response.status(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "{content_type}"
        );
    }
}

#[tokio::test]
async fn unparsable_or_malformed_json_is_400() {
    let app = spawn_app().await;
    for body in [
        "{",
        "[]",
        "{\"query\": 5}",
        "\"just a string\"",
        "{\"variables\": {}}",
    ] {
        let response = app
            .client
            .post(format!("{}/graphql", app.address))
            .header(CONTENT_TYPE, "application/json")
            .header(ACCEPT, GRAPHQL_RESPONSE)
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{body}");
        let json: Value = response.json().await.unwrap();
        assert_eq!(error_code(&json), Some("BAD_USER_INPUT"));
    }
}

#[tokio::test]
async fn a_body_over_the_limit_is_413() {
    let app = spawn_app_with(|s| s.limits.max_body_bytes = 1024).await;
    let padding = "x".repeat(2048);
    let response = app
        .client
        .post(format!("{}/graphql", app.address))
        .json(&json!({"query": "{ __typename }", "variables": {"pad": padding}}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);

    // The same refusal when the body arrives in chunks without a length.
    let chunks = futures_chunks(vec![
        b"{\"query\": \"{ __typename }\", \"x\": \"".to_vec(),
        vec![b'x'; 2048],
        b"\"}".to_vec(),
    ]);
    let response = app
        .client
        .post(format!("{}/graphql", app.address))
        .header(CONTENT_TYPE, "application/json")
        .body(reqwest::Body::wrap_stream(chunks))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
}

fn futures_chunks(
    chunks: Vec<Vec<u8>>,
) -> impl futures_util::Stream<Item = Result<Vec<u8>, std::io::Error>> + Send + 'static {
    futures_util::stream::iter(chunks.into_iter().map(Ok))
}

#[tokio::test]
async fn nothing_acceptable_is_406() {
    let app = spawn_app().await;
    let response = app
        .client
        .post(format!("{}/graphql", app.address))
        .header(ACCEPT, "text/html")
        .json(&json!({"query": "{ __typename }"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NOT_ACCEPTABLE);
}

#[tokio::test]
async fn small_batches_run_and_large_ones_are_refused() {
    let app = spawn_app_with(|s| s.limits.max_batch = 3).await;
    let op = json!({"query": "{ __typename }"});
    let ok: Value = app
        .client
        .post(format!("{}/graphql", app.address))
        .json(&json!([op, op, op]))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let one = json!({"data": {"__typename": "Query"}});
    assert_eq!(ok, json!([one, one, one]));

    for batch in [json!([op, op, op, op]), json!([])] {
        let response = app
            .client
            .post(format!("{}/graphql", app.address))
            .json(&batch)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
        let body: Value = response.json().await.unwrap();
        assert_eq!(error_code(&body), Some("BAD_USER_INPUT"));
    }
}

#[tokio::test]
async fn batching_can_be_turned_off() {
    let app = spawn_app_with(|s| s.limits.max_batch = 1).await;
    let response = app
        .client
        .post(format!("{}/graphql", app.address))
        .json(&json!([{"query": "{ __typename }"}]))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn health_readiness_graphiql_and_sdl_are_served() {
    let app = spawn_app().await;
    let get = |path: &str| app.client.get(format!("{}{path}", app.address)).send();
    assert_eq!(get("/healthz").await.unwrap().status(), StatusCode::OK);
    let ready = get("/readyz").await.unwrap();
    assert_eq!(ready.status(), StatusCode::OK);
    assert_eq!(ready.json::<Value>().await.unwrap()["database"], "up");
    let graphiql = get("/graphiql").await.unwrap();
    assert_eq!(graphiql.status(), StatusCode::OK);
    assert!(graphiql.text().await.unwrap().contains("graphiql"));
    let sdl = get("/schema.graphql").await.unwrap().text().await.unwrap();
    assert_eq!(sdl, voimavara_api::graphql::sdl());
}

#[tokio::test]
async fn production_mode_hides_graphiql_introspection_and_suggestions() {
    let app = spawn_app_with(|s| s.production = true).await;
    let get = |path: &str| app.client.get(format!("{}{path}", app.address)).send();
    assert_eq!(
        get("/graphiql").await.unwrap().status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        get("/schema.graphql").await.unwrap().status(),
        StatusCode::NOT_FOUND
    );

    let body = app
        .gql("{ __schema { types { name } } }", json!({}), None)
        .await;
    assert!(
        body["data"]["__schema"].is_null() || body.get("errors").is_some(),
        "{body}"
    );
    assert!(!body.to_string().contains("\"Query\""), "{body}");

    let body = app.gql("{ mee }", json!({}), None).await;
    let message = body["errors"][0]["message"].as_str().unwrap();
    assert!(!message.contains("Did you mean"), "{message}");
}

#[tokio::test]
async fn introspection_is_on_by_default_and_passes_the_limits() {
    let app = spawn_app().await;
    let body = app.gql(INTROSPECTION, json!({}), None).await;
    assert!(body.get("errors").is_none(), "{body}");
    assert!(body["data"]["__schema"]["types"].as_array().unwrap().len() > 10);
}

/// The introspection query GraphiQL sends.
const INTROSPECTION: &str = r#"
query IntrospectionQuery {
  __schema {
    queryType { name } mutationType { name } subscriptionType { name }
    types { ...FullType }
    directives { name description locations args { ...InputValue } }
  }
}
fragment FullType on __Type {
  kind name description
  fields(includeDeprecated: true) { name description args { ...InputValue } type { ...TypeRef } isDeprecated deprecationReason }
  inputFields { ...InputValue }
  interfaces { ...TypeRef }
  enumValues(includeDeprecated: true) { name description isDeprecated deprecationReason }
  possibleTypes { ...TypeRef }
}
fragment InputValue on __InputValue { name description type { ...TypeRef } defaultValue }
fragment TypeRef on __Type {
  kind name
  ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } } }
}
"#;

#[tokio::test]
async fn metrics_can_ask_for_a_bearer_token() {
    let open = spawn_app().await;
    let response = open
        .client
        .get(format!("{}/metrics", open.address))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);

    let guarded = crate::helpers::spawn_app_with(|s| {
        s.metrics_token = Some(voimavara_api::config::Secret::new("scrape-me"))
    })
    .await;
    let url = format!("{}/metrics", guarded.address);
    let none = guarded.client.get(&url).send().await.unwrap();
    assert_eq!(none.status(), 401);
    let wrong = guarded
        .client
        .get(&url)
        .bearer_auth("guess")
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 401);
    let right = guarded
        .client
        .get(&url)
        .bearer_auth("scrape-me")
        .send()
        .await
        .unwrap();
    assert_eq!(right.status(), 200);
    assert!(right.text().await.unwrap().contains("voimavara_"));
}

#[tokio::test]
async fn a_body_that_does_not_arrive_in_time_is_408() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let app = crate::helpers::spawn_app_with(|s| s.body_timeout_ms = 200).await;
    let host = app.address.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(host).await.unwrap();
    // Promises 100 bytes, sends 10, and then nothing.
    stream
        .write_all(
            format!(
                "POST /graphql HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n\
                 Content-Length: 100\r\n\r\n{{\"query\":"
            )
            .as_bytes(),
        )
        .await
        .unwrap();
    let mut answer = vec![0u8; 1024];
    let read = tokio::time::timeout(std::time::Duration::from_secs(10), stream.read(&mut answer))
        .await
        .expect("the server answers before the client gives up")
        .unwrap();
    let head = String::from_utf8_lossy(&answer[..read]);
    assert!(head.starts_with("HTTP/1.1 408"), "{head}");
}
