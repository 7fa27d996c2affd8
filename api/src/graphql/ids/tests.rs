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

#[test]
fn the_largest_ids_round_trip_and_read_as_before() {
    for id in [1, 9, 10, 4_294_967_296, i64::MAX] {
        let encoded = encode(Kind::ClinicRegistration, id);
        assert_eq!(
            decode(&encoded, Kind::ClinicRegistration, "id").unwrap(),
            id
        );
        // The same text as `format!` wrote, so ids already handed out still read.
        let text = format!("ClinicRegistration:{id}");
        assert_eq!(encoded.0, URL_SAFE_NO_PAD.encode(text));
    }
}

#[test]
fn text_past_its_room_is_cut_not_a_panic() {
    let mut text = Text::new();
    for _ in 0..10 {
        text.push("0123456789");
    }
    assert_eq!(text.as_bytes().len(), 64);
    assert_eq!(&text.as_bytes()[..10], b"0123456789");
}
