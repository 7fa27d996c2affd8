//! Unit tests of the parent module.

use super::*;

#[tokio::test]
async fn idle_waits_for_the_last_request() {
    let in_flight = Arc::new(InFlight::default());
    in_flight.idle().await;
    let first = in_flight.enter();
    let second = in_flight.enter();
    let waiter = {
        let in_flight = in_flight.clone();
        tokio::spawn(async move { in_flight.idle().await })
    };
    drop(first);
    tokio::task::yield_now().await;
    assert!(!waiter.is_finished(), "one request is still in flight");
    drop(second);
    tokio::time::timeout(Duration::from_secs(5), waiter)
        .await
        .expect("idle once the last request ended")
        .expect("the waiter ran");
}
