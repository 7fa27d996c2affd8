use std::time::Duration;

use super::*;

#[test]
fn operation_names_are_bounded_and_sanitised() {
    let metrics = Metrics::new().unwrap();
    assert_eq!(metrics.operation_label(Some("ClinicBoard")), "ClinicBoard");
    assert_eq!(metrics.operation_label(None), "anonymous");
    assert_eq!(metrics.operation_label(Some("drop table; --")), "other");
    assert_eq!(metrics.operation_label(Some(&"x".repeat(65))), "other");
    for i in 0..MAX_OPERATION_LABELS + 10 {
        metrics.operation_label(Some(&format!("Op{i}")));
    }
    assert_eq!(metrics.operation_label(Some("OneTooMany")), "other");
    assert_eq!(metrics.operation_label(Some("ClinicBoard")), "ClinicBoard");
}

#[test]
fn requests_errors_and_subscriptions_are_exposed() {
    let metrics = std::sync::Arc::new(Metrics::new().unwrap());
    metrics.observe_request(Some("Board"), Duration::from_millis(3), &["NOT_FOUND"]);
    let guard = metrics.subscription_opened();
    let text = render_without_pool(&metrics);
    assert!(text.contains(r#"voimavara_graphql_requests_total{operation="Board"} 1"#));
    assert!(text.contains(r#"voimavara_graphql_errors_total{code="NOT_FOUND"} 1"#));
    assert!(text.contains(
        r#"voimavara_graphql_request_duration_seconds_bucket{operation="Board",le="0.005"} 1"#
    ));
    assert!(text.contains("voimavara_subscriptions_open 1"));
    drop(guard);
    assert!(render_without_pool(&metrics).contains("voimavara_subscriptions_open 0"));
}

#[test]
fn operations_are_counted_while_they_wait_and_run() {
    let metrics = Metrics::new().unwrap();
    let waiting = metrics.operation_waiting();
    let running = [metrics.operation_running(), metrics.operation_running()];
    let text = render_without_pool(&metrics);
    assert!(text.contains(r#"voimavara_graphql_operations{state="waiting"} 1"#));
    assert!(text.contains(r#"voimavara_graphql_operations{state="running"} 2"#));
    drop(waiting);
    drop(running);
    let text = render_without_pool(&metrics);
    assert!(text.contains(r#"voimavara_graphql_operations{state="waiting"} 0"#));
    assert!(text.contains(r#"voimavara_graphql_operations{state="running"} 0"#));
}

fn render_without_pool(metrics: &Metrics) -> String {
    let mut out = Vec::new();
    TextEncoder::new()
        .encode(&metrics.registry.gather(), &mut out)
        .unwrap();
    String::from_utf8(out).unwrap()
}
