//! Unit tests of the parent module: every query gives the same response
//! through an object resolved inline as through the same object resolved by
//! async-graphql (data, errors and their paths), and the inline one keeps
//! the selection's order.

use async_graphql::{EmptyMutation, EmptySubscription, Interface, Object, Schema, SimpleObject};
use serde_json::json;

use super::Inline;

#[derive(SimpleObject, Clone)]
struct Leaf {
    a: i32,
    b: String,
}

#[derive(Clone)]
struct Item {
    id: i32,
}

#[derive(Interface)]
#[graphql(field(name = "id", ty = "&i32"))]
enum Named {
    Item(Item),
}

#[Object]
impl Item {
    async fn id(&self) -> &i32 {
        &self.id
    }

    async fn name(&self) -> String {
        format!("item {}", self.id)
    }

    async fn leaf(&self) -> Leaf {
        Leaf {
            a: self.id,
            b: "leaf".into(),
        }
    }

    async fn leaves(&self) -> Vec<Leaf> {
        (0..2)
            .map(|a| Leaf {
                a,
                b: format!("{a}"),
            })
            .collect()
    }

    async fn fails(&self) -> async_graphql::Result<Option<i32>> {
        Err("this field fails".into())
    }

    async fn fails_required(&self) -> async_graphql::Result<i32> {
        Err("this one too".into())
    }

    /// Waits for another task once, as a field that reads the database does.
    async fn later(&self) -> i32 {
        tokio::task::yield_now().await;
        self.id * 10
    }
}

struct Query;

#[Object]
impl Query {
    async fn normal(&self) -> Vec<Item> {
        vec![Item { id: 1 }, Item { id: 2 }]
    }

    async fn inline(&self) -> Vec<Inline<Item>> {
        vec![Inline(Item { id: 1 }), Inline(Item { id: 2 })]
    }

    async fn named(&self) -> Named {
        Named::Item(Item { id: 3 })
    }
}

/// The response to `{ items: <field> <selection> }` plus fragments, as
/// JSON, and its data as text in the order it was written.
async fn run(field: &str, selection: &str, fragments: &str) -> (serde_json::Value, String) {
    let schema = Schema::build(Query, EmptyMutation, EmptySubscription).finish();
    let query = format!("{{ items: {field} {selection} }} {fragments}");
    let response = schema.execute(query.as_str()).await;
    let text = serde_json::to_string(&response.data).expect("data is JSON");
    (
        serde_json::to_value(&response).expect("a response is JSON"),
        text,
    )
}

/// The inline response, after checking it against the plain one; and the
/// inline data as written.
async fn same(selection: &str, fragments: &str) -> (serde_json::Value, String) {
    let (plain, _) = run("normal", selection, fragments).await;
    let (inline, text) = run("inline", selection, fragments).await;
    assert_eq!(sorted(&plain), sorted(&inline), "{selection} {fragments}");
    (inline, text)
}

/// `value` with every object's keys in order and the errors by path, for
/// comparing responses whatever order async-graphql wrote them in.
fn sorted(value: &serde_json::Value) -> String {
    let mut value = value.clone();
    if let Some(errors) = value.get_mut("errors").and_then(|e| e.as_array_mut()) {
        errors.sort_by_key(|e| e.get("path").map(|p| p.to_string()));
    }
    // serde_json's map is ordered by key unless preserve_order is on; write
    // it through a BTreeMap-ordered form either way.
    fn canonical(value: &serde_json::Value) -> serde_json::Value {
        match value {
            serde_json::Value::Object(map) => {
                let ordered: std::collections::BTreeMap<_, _> =
                    map.iter().map(|(k, v)| (k.clone(), canonical(v))).collect();
                serde_json::to_value(ordered).unwrap_or_default()
            }
            serde_json::Value::Array(items) => {
                serde_json::Value::Array(items.iter().map(canonical).collect())
            }
            other => other.clone(),
        }
    }
    canonical(&value).to_string()
}

#[tokio::test]
async fn fields_aliases_and_typename() {
    let (out, _) = same("{ __typename id n: name name leaf { a b } }", "").await;
    assert_eq!(
        out["data"]["items"][1],
        json!({"__typename": "Item", "id": 2, "n": "item 2", "name": "item 2", "leaf": {"a": 2, "b": "leaf"}})
    );
}

#[tokio::test]
async fn fragments_by_object_by_interface_and_untyped() {
    let (out, _) = same(
        "{ ...F ... on Named { id } ... { name } ... on Item { leaf { b } } }",
        "fragment F on Item { leaf { a } }",
    )
    .await;
    assert_eq!(
        out["data"]["items"][0],
        json!({"leaf": {"a": 1, "b": "leaf"}, "id": 1, "name": "item 1"})
    );
}

#[tokio::test]
async fn a_key_selected_twice_merges_objects_and_lists_of_objects() {
    let (out, _) = same(
        "{ leaf { a } leaf { b } leaves { a } leaves { b } id id }",
        "",
    )
    .await;
    assert_eq!(
        out["data"]["items"][0],
        json!({"leaf": {"a": 1, "b": "leaf"}, "leaves": [{"a": 0, "b": "0"}, {"a": 1, "b": "1"}], "id": 1})
    );
}

#[tokio::test]
async fn failed_fields_are_reported_with_their_paths_and_left_out() {
    let (out, _) = same("{ id fails failsRequired name }", "").await;
    assert_eq!(out["data"]["items"][0], json!({"id": 1, "name": "item 1"}));
    let paths: Vec<_> = out["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| e["path"].clone())
        .collect();
    assert_eq!(paths.len(), 4, "{paths:?}");
    assert!(
        paths.contains(&json!(["items", 1, "failsRequired"])),
        "{paths:?}"
    );
}

#[tokio::test]
async fn a_field_that_waits_resolves_in_its_place() {
    let (_, text) = same("{ later id }", "").await;
    assert_eq!(
        text,
        r#"{"items":[{"later":10,"id":1},{"later":20,"id":2}]}"#
    );
}

#[tokio::test]
async fn the_type_is_the_inner_one_in_the_schema() {
    let sdl = Schema::build(Query, EmptyMutation, EmptySubscription)
        .finish()
        .sdl();
    assert!(sdl.contains("inline: [Item!]!"), "{sdl}");
    assert!(!sdl.contains("Inline"), "{sdl}");
}
