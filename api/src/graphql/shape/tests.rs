//! Unit tests of the parent module.

use async_graphql::{ServerError, Value};
use serde_json::json;

use super::*;

const SDL: &str = "
type Query { me: User! node(id: ID!): Node a: User list: [User!]! maybe: [User] }
interface Node { id: ID! }
type User implements Node { id: ID! name: String! nick: String friend: User best: User! }
";

/// The conformed data, as JSON text (in its key order) and as a value.
fn run(query: &str, data: serde_json::Value, errors: &[&[PathSegment]]) -> Out {
    let shapes = Shapes::from_sdl(SDL);
    let doc = async_graphql::parser::parse_query(query).expect("parses");
    let mut response = async_graphql::Response::new(Value::from_json(data).expect("value"));
    for path in errors {
        let mut error = ServerError::new("failed", None);
        error.path = path.to_vec();
        response.errors.push(error);
    }
    shapes.conform(&mut response, &doc, None);
    let text = serde_json::to_string(&response.data).expect("json");
    Out(serde_json::from_str(&text).expect("json"), text)
}

#[derive(Debug)]
struct Out(serde_json::Value, String);

impl PartialEq<serde_json::Value> for Out {
    fn eq(&self, other: &serde_json::Value) -> bool {
        self.0 == *other
    }
}

fn field(name: &str) -> PathSegment {
    PathSegment::Field(name.into())
}

#[test]
fn keys_follow_the_selection_order_with_fragments_in_place() {
    let out = run(
        "{ me { ...F id } a { id } } fragment F on User { name nick }",
        json!({"a": {"id": "2"}, "me": {"id": "1", "nick": null, "name": "N"}}),
        &[],
    );
    assert_eq!(
        out.1,
        r#"{"me":{"name":"N","nick":null,"id":"1"},"a":{"id":"2"}}"#
    );
}

#[test]
fn a_failed_nullable_field_is_null_and_stays_where_it_was_selected() {
    let out = run(
        "{ me { id } x: a { id } }",
        json!({"me": {"id": "1"}}),
        &[&[field("x")]],
    );
    assert_eq!(out.1, r#"{"me":{"id":"1"},"x":null}"#);
    // Every root field failed: the object is made again, not data: null.
    let out = run(
        "{ node(id: \"x\") { id } }",
        json!(null),
        &[&[field("node")]],
    );
    assert_eq!(out, json!({"node": null}));
}

#[test]
fn a_failed_non_null_field_nulls_its_nearest_nullable_ancestor() {
    // me.best.name fails: name (String!) and best (User!) are non-null, so
    // the null rises to me (User!), and from there to data.
    let out = run(
        "{ me { id best { name } } a { id } }",
        json!({"me": {"id": "1", "best": {}}, "a": {"id": "2"}}),
        &[&[field("me"), field("best"), field("name")]],
    );
    assert_eq!(out, json!(null));
    // Under a nullable field it stops there.
    let out = run(
        "{ a { id friend { id best { name } } } }",
        json!({"a": {"id": "2", "friend": {"id": "3", "best": null}}}),
        &[&[field("a"), field("friend"), field("best"), field("name")]],
    );
    assert_eq!(out, json!({"a": {"id": "2", "friend": null}}));
}

#[test]
fn in_lists_the_null_rises_through_non_null_items() {
    // list: [User!]! — an item's failed non-null field nulls the item, which
    // nulls the list, which nulls data.
    let out = run(
        "{ list { name } a { id } }",
        json!({"list": [{"name": "a"}, {}], "a": {"id": "1"}}),
        &[&[field("list"), PathSegment::Index(1), field("name")]],
    );
    assert_eq!(out, json!(null));
    // maybe: [User] — the item alone becomes null.
    let out = run(
        "{ maybe { name } }",
        json!({"maybe": [{"name": "a"}, {}]}),
        &[&[field("maybe"), PathSegment::Index(1), field("name")]],
    );
    assert_eq!(out, json!({"maybe": [{"name": "a"}, null]}));
}

#[test]
fn inline_fragments_on_a_concrete_type_are_looked_into() {
    let out = run(
        "{ node(id: \"1\") { ... on User { nick id } } }",
        json!({"node": {"id": "1"}}),
        &[&[field("node"), field("nick")]],
    );
    assert_eq!(out.1, r#"{"node":{"nick":null,"id":"1"}}"#);
}

#[test]
fn every_item_of_a_list_is_put_in_order_whatever_order_it_came_in() {
    // The list's plan is made once: items that come in different orders,
    // a nested object missing (null) on the first item and present on later
    // ones, and an item without one of the keys all come out in order.
    let out = run(
        "{ list { id friend { nick name } ...F } } fragment F on User { name }",
        json!({"list": [
            {"name": "a", "friend": null, "id": "1"},
            {"friend": {"name": "fb", "nick": "nb"}, "id": "2", "name": "b"},
            {"id": "3", "name": "c", "friend": {"name": "fc", "nick": null}},
            {"name": "d", "id": "4"},
        ]}),
        &[],
    );
    assert_eq!(
        out.1,
        concat!(
            r#"{"list":[{"id":"1","friend":null,"name":"a"},"#,
            r#"{"id":"2","friend":{"nick":"nb","name":"fb"},"name":"b"},"#,
            r#"{"id":"3","friend":{"nick":null,"name":"fc"},"name":"c"},"#,
            r#"{"id":"4","name":"d"}]}"#
        )
    );
}
