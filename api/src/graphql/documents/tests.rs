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
