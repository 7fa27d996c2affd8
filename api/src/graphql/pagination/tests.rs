//! Unit tests of the parent module.

use super::*;

#[test]
fn cursors_round_trip_and_read_as_before() {
    let positions = [
        Position::id(1),
        Position::id(i64::MAX),
        Position {
            key: Some(1_765_000_000_000_000),
            id: 42,
        },
        // A start before 1970 has a negative key.
        Position {
            key: Some(-86_400_000_000),
            id: 7,
        },
        Position {
            key: Some(i64::MIN),
            id: i64::MAX,
        },
    ];
    for position in positions {
        let written = cursor(position);
        let read = decode_cursor(Some(written.clone()), "after").unwrap();
        assert_eq!(read, Some(position));
        // The same text as `format!` wrote, so cursors already handed out still read.
        let text = match position.key {
            Some(key) => format!("cursor:{key}:{}", position.id),
            None => format!("cursor:{}", position.id),
        };
        assert_eq!(written, URL_SAFE_NO_PAD.encode(text));
    }
}
