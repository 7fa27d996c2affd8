//! Unit tests of the parent module.

use super::*;

#[test]
fn payloads_are_small_and_round_trip() {
    let event = Event::Notification {
        org: 3,
        user: 12,
        id: 345,
    };
    let text = serde_json::to_string(&event).expect("serialises");
    assert_eq!(text, r#"{"k":"n","o":3,"u":12,"id":345}"#);
    assert_eq!(serde_json::from_str::<Event>(&text).ok(), Some(event));
    let account = Event::Account { org: 3, user: 12 };
    let text = serde_json::to_string(&account).expect("serialises");
    assert_eq!(serde_json::from_str::<Event>(&text).ok(), Some(account));
}

#[tokio::test]
async fn events_are_only_taken_inside_a_scope_and_reset_forgets_them() {
    emit(Event::Seats { org: 1, pool: 1 });
    assert!(take().is_empty());
    let taken = scope(async {
        emit(Event::Seats { org: 1, pool: 1 });
        reset();
        emit(Event::Seats { org: 1, pool: 2 });
        take()
    })
    .await;
    assert_eq!(taken, vec![Event::Seats { org: 1, pool: 2 }]);
}

fn hub() -> Hub {
    Hub {
        channels: Mutex::new(HashMap::new()),
        accounts: Arc::new(AccountCache::new(chrono::Duration::seconds(60))),
        catalogues: Arc::new(crate::catalogue::SkillCatalogues::default()),
        mail: Arc::new(tokio::sync::Notify::new()),
    }
}

#[tokio::test]
async fn a_queued_mail_wakes_the_mail_worker() {
    let hub = hub();
    let woken = hub.mail.clone();
    hub.deliver(Event::Mail { org: 3 });
    // A permit was stored: the waiter returns at once.
    tokio::time::timeout(std::time::Duration::from_secs(5), woken.notified())
        .await
        .expect("the worker is woken");
}

#[test]
fn a_flood_in_one_organisation_does_not_make_another_lag() {
    let hub = hub();
    let mut quiet = hub.subscribe(1);
    let mut busy = hub.subscribe(2);
    hub.deliver(Event::Seats { org: 1, pool: 7 });
    for pool in 0..(BUFFER as i64 * 2) {
        hub.deliver(Event::Seats { org: 2, pool });
    }
    assert_eq!(quiet.try_recv(), Ok(Event::Seats { org: 1, pool: 7 }));
    assert!(matches!(
        busy.try_recv(),
        Err(broadcast::error::TryRecvError::Lagged(_))
    ));
}

#[test]
fn an_account_event_forgets_cached_accounts() {
    let hub = hub();
    let before = hub.accounts.generation();
    hub.deliver(Event::Seats { org: 1, pool: 1 });
    assert_eq!(hub.accounts.generation(), before);
    hub.deliver(Event::Account { org: 1, user: 5 });
    assert!(hub.accounts.generation() > before);
}
