//! Unit tests of the parent module.

use super::*;

#[test]
fn tokens_are_counted_like_the_graphql_lexer() {
    assert_eq!(count_tokens("{ __typename }", 100), 3);
    assert_eq!(
        count_tokens("query Q($a: Int = 1) { f(a: $a) @skip(if: false) }", 100),
        26
    );
    assert_eq!(count_tokens("# a comment\n{ a, b }", 100), 4);
    assert_eq!(count_tokens(r#"{ f(s: "a, b { c }") }"#, 100), 8);
    assert_eq!(count_tokens("{ f(s: \"\"\"x \\\"\"\" y\"\"\") }", 100), 8);
    assert_eq!(count_tokens("{ ...F } fragment F on Q { a }", 100), 11);
    assert_eq!(count_tokens("{ f(x: -1.5e3) }", 100), 8);
}

#[test]
fn counting_stops_early_and_survives_any_input() {
    assert_eq!(count_tokens(&"{ a ".repeat(1000), 10), 10);
    for input in ["\"", "\"\"\"", "\\", "é{ü}", "\u{FEFF}{a}", "..", "\"\\"] {
        let _ = count_tokens(input, 100);
    }
}

#[test]
fn aliases_and_directives_are_counted_across_fragments() {
    let doc = async_graphql::parser::parse_query(
        "{ a: f @include(if: true) ...F } fragment F on Q { b: g @skip(if: false) c: h }",
    )
    .expect("parses");
    let limits = QueryLimits {
        max_aliases: 3,
        max_directives: 2,
        ..QueryLimits::default()
    };
    assert!(check_document(&doc, &limits).is_ok());
    let tight = QueryLimits {
        max_aliases: 2,
        ..limits.clone()
    };
    assert!(check_document(&doc, &tight).is_err());
    let tight = QueryLimits {
        max_directives: 1,
        ..limits
    };
    assert!(check_document(&doc, &tight).is_err());
}
