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
fn a_fragment_spread_twice_counts_its_aliases_twice() {
    let aliases: String = (0..10).map(|i| format!("a{i}: __typename ")).collect();
    let doc = async_graphql::parser::parse_query(format!(
        "{{ ...F x: __typename ...F }} fragment F on Query {{ {aliases} }}"
    ))
    .expect("parses");
    let limits = QueryLimits {
        max_aliases: 20,
        ..QueryLimits::default()
    };
    let refused = check_document(&doc, &limits);
    assert!(
        matches!(&refused, Err(AppError::QueryTooComplex(m)) if m.contains("21 aliases")),
        "{refused:?}"
    );
    let roomy = QueryLimits {
        max_aliases: 21,
        ..QueryLimits::default()
    };
    assert!(check_document(&doc, &roomy).is_ok());
}

#[test]
fn fragments_that_double_at_each_level_are_refused_quickly() {
    let mut text = String::from("{ ...F0 }");
    for level in 0..60 {
        text.push_str(&format!(
            " fragment F{level} on Query {{ __typename ...F{next} ...F{next} }}",
            next = level + 1
        ));
    }
    text.push_str(" fragment F60 on Query { __typename }");
    let doc = async_graphql::parser::parse_query(text).expect("parses");
    let refused = check_document(&doc, &QueryLimits::default());
    assert!(
        matches!(refused, Err(AppError::QueryTooComplex(_))),
        "{refused:?}"
    );
    // A cycle is left for validation to refuse, not looped on.
    let cycle = async_graphql::parser::parse_query(
        "{ ...A } fragment A on Query { a: __typename ...B } fragment B on Query { ...A }",
    )
    .expect("parses");
    assert!(check_document(&cycle, &QueryLimits::default()).is_ok());
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

/// GraphQL-ish fragments, so random documents get past the lexer often.
const PIECES: [&str; 24] = [
    "{",
    "}",
    "(",
    ")",
    "[",
    "]",
    "query",
    "mutation",
    "fragment F on Q",
    "...F",
    "... on T",
    "a:",
    "f",
    "$v",
    ": Int",
    "= 1",
    "@skip(if: true)",
    "\"s\"",
    "\"\"\"b\"\"\"",
    "#c\n",
    ",",
    "1.5e3",
    "\\",
    "\u{FEFF}",
];

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]

    /// The fuzz target of the request's document path: any text, or any
    /// arrangement of GraphQL pieces, goes through the source check, the
    /// parser and the document check without a panic, and the source check
    /// holds its limits.
    #[test]
    fn any_document_is_checked_without_panicking(
        text in ".{0,400}",
        pieces in proptest::collection::vec(0..PIECES.len(), 0..200),
    ) {
        let limits = QueryLimits { max_tokens: 50, max_query_length: 300, ..QueryLimits::default() };
        let assembled: String = pieces.iter().map(|i| PIECES[*i]).collect::<Vec<_>>().join(" ");
        for source in [text.as_str(), assembled.as_str()] {
            let checked = check_source(source, &limits);
            if source.chars().count() > 300 || count_tokens(source, 51) > 50 {
                proptest::prop_assert!(checked.is_err());
            }
            if let Ok(doc) = async_graphql::parser::parse_query(source) {
                let _ = check_document(&doc, &limits);
            }
        }
    }
}

#[test]
fn a_nul_in_variables_or_literals_is_refused() {
    let variables = async_graphql::Variables::from_json(serde_json::json!({
        "ok": "plain", "deep": {"list": ["fine", "bad\u{0}"]}
    }));
    assert!(check_variables(&variables).is_err());
    let clean = async_graphql::Variables::from_json(serde_json::json!({"ok": ["plain", 1]}));
    assert!(check_variables(&clean).is_ok());
    let limits = QueryLimits::default();
    let with_nul =
        async_graphql::parser::parse_query(r#"{ f(a: {b: ["x", "y\u0000"]}) }"#).expect("parses");
    assert!(check_document(&with_nul, &limits).is_err());
    let without =
        async_graphql::parser::parse_query(r#"{ f(a: {b: ["x", $v]}) }"#).expect("parses");
    assert!(check_document(&without, &limits).is_ok());
}
