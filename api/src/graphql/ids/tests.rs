//! Unit tests of the parent module.

use super::*;

#[test]
fn ids_round_trip() {
    let id = encode(Kind::User, 42);
    assert_eq!(decode(&id, Kind::User, "id").ok(), Some(42));
    // An id of another kind is the client's mistake, named by the field.
    assert!(matches!(
        decode(&id, Kind::Organisation, "organisationId"),
        Err(AppError::BadInput { field: Some("organisationId"), ref message }) if message == "not an Organisation id"
    ));
    assert!(matches!(
        decode(&id, Kind::Skill, "skillId"),
        Err(AppError::BadInput { ref message, .. }) if message == "not a Skill id"
    ));
}

#[test]
fn malformed_ids_are_bad_input() {
    for raw in ["", "!!!", "VXNlcg", "VXNlcjp4", "Rm9vOjE", "VXNlcjotMQ"] {
        assert!(
            matches!(decode_any(raw, "id"), Err(AppError::BadInput { .. })),
            "{raw:?}"
        );
    }
}
