//! Unit tests of the parent module.

use super::*;

#[test]
fn payloads_are_small_and_round_trip() {
    let event = Event::Notification { user: 12, id: 345 };
    let text = serde_json::to_string(&event).expect("serialises");
    assert_eq!(text, r#"{"k":"n","user":12,"id":345}"#);
    assert_eq!(serde_json::from_str::<Event>(&text).ok(), Some(event));
}

#[tokio::test]
async fn events_are_only_taken_inside_a_scope_and_reset_forgets_them() {
    emit(Event::Seats { pool: 1 });
    assert!(take().is_empty());
    let taken = scope(async {
        emit(Event::Seats { pool: 1 });
        reset();
        emit(Event::Seats { pool: 2 });
        take()
    })
    .await;
    assert_eq!(taken, vec![Event::Seats { pool: 2 }]);
}
