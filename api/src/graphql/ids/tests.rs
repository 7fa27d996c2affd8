//! Unit tests of the parent module.

use super::*;

#[test]
fn ids_round_trip() {
    let id = encode(Kind::User, 42);
    assert_eq!(decode(&id, Kind::User, "id").ok(), Some(42));
    assert!(matches!(
        decode(&id, Kind::Organisation, "id"),
        Err(AppError::NotFound(_))
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
