//! `schema.graphql` at the project root is the schema the server prints.

#[test]
fn schema_graphql_matches_the_server_schema() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("schema.graphql");
    let printed = voimavara_api::graphql::sdl();
    if std::env::var_os("UPDATE_SCHEMA").is_some() {
        std::fs::write(&path, &printed).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == printed,
        "schema.graphql is out of date: run `UPDATE_SCHEMA=1 cargo test --test api schema_file` \
         (or `cargo run -- print-schema > schema.graphql`) and commit the result"
    );
}
