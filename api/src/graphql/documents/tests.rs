//! Unit tests of the parent module.

use super::*;

#[test]
fn keeps_documents_by_text_within_its_bounds() {
    let documents = Documents::default();
    let doc = Arc::new(async_graphql::parser::parse_query("{ me { id } }").unwrap());
    documents.keep("{ me { id } }", doc.clone());
    assert!(documents.get("{ me { id } }").is_some());
    assert!(documents.get("{ me { email } }").is_none());

    let long = format!("{{ me {{ id }} }} #{}", "x".repeat(MAX_TEXT));
    documents.keep(&long, doc.clone());
    assert!(documents.get(&long).is_none());

    for i in 0..CAPACITY {
        documents.keep(&format!("query Q{i} {{ me {{ id }} }}"), doc.clone());
    }
    assert!(
        documents.get("{ me { id } }").is_none(),
        "the oldest went first"
    );
}

fn variables(json: serde_json::Value) -> Variables {
    Variables::from_json(json)
}

#[test]
fn a_kept_document_is_valid_only_for_the_requests_it_answered() {
    let documents = Documents::default();
    let text = "query A($n: Int) { a(n: $n) } query B { b }";
    let doc = Arc::new(async_graphql::parser::parse_query(text).unwrap());
    let kept = documents.keep(text, doc).unwrap();
    let five = variables(serde_json::json!({ "n": 5 }));
    assert!(!kept.valid_for(Some("A"), &five), "nothing answered yet");

    kept.passed(Some("A".into()), five.clone());
    assert!(kept.valid_for(Some("A"), &five));
    assert!(
        documents.get(text).unwrap().valid_for(Some("A"), &five),
        "the kept document is the one remembered"
    );
    assert!(!kept.valid_for(Some("B"), &five), "another operation");
    assert!(!kept.valid_for(None, &five), "no operation named");
    let text_five = variables(serde_json::json!({ "n": "5" }));
    assert!(!kept.valid_for(Some("A"), &text_five), "other variables");
    assert!(!kept.valid_for(Some("A"), &Variables::default()));
}

#[test]
fn a_kept_document_remembers_a_bounded_number_of_requests() {
    let documents = Documents::default();
    let doc = Arc::new(async_graphql::parser::parse_query("{ a }").unwrap());
    let kept = documents.keep("{ a }", doc).unwrap();
    for n in 0..MAX_VALID + 3 {
        let vars = variables(serde_json::json!({ "n": n }));
        kept.passed(None, vars.clone());
        kept.passed(None, vars);
    }
    let remembered = (0..MAX_VALID + 3)
        .filter(|n| kept.valid_for(None, &variables(serde_json::json!({ "n": n }))))
        .count();
    assert_eq!(remembered, MAX_VALID);
}

#[test]
fn a_text_too_long_to_keep_is_not_kept() {
    let documents = Documents::default();
    let doc = Arc::new(async_graphql::parser::parse_query("{ a }").unwrap());
    let long = format!("{{ a }} #{}", "x".repeat(MAX_TEXT));
    assert!(documents.keep(&long, doc).is_none());
}
