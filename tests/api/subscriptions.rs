//! Persisted notifications and live updates over `graphql-transport-ws`,
//! across server instances on PostgreSQL.

use serde_json::{Value, json};

use crate::helpers::{Session, TestApp, WsClient, error_code, postgres_or_skip, spawn_app};

const REGISTER: &str = "mutation($id: ID!) { registerForClinic(clinicId: $id) { id status } }";
const CANCEL: &str = "mutation($id: ID!) { cancelRegistration(registrationId: $id) { id } }";
const ADDED: &str = "subscription { notificationAdded { kind message subject { id } } }";
const SEATS: &str =
    "subscription($id: ID!) { clinicSeatsChanged(clinicId: $id) { id seatsTaken waitlistLength } }";

async fn acked(app: &TestApp, who: &Session) -> WsClient {
    let mut client = WsClient::connect(app, who.token()).await;
    assert_eq!(client.next().await, Ok(json!({"type": "connection_ack"})));
    client
}

/// A one-seat clinic with its first seat taken by `holder`; returns (clinic, registration).
async fn full_clinic(
    app: &TestApp,
    admin: &Session,
    facilitator: &Session,
    holder: &Session,
) -> (String, Value) {
    let clinic = app
        .schedule_clinic(
            admin,
            &facilitator.user_id,
            "2027-01-10T10:00:00Z",
            "2027-01-10T11:00:00Z",
            1,
        )
        .await;
    let taken = app
        .gql(REGISTER, json!({"id": clinic}), holder.token())
        .await;
    (clinic, taken["data"]["registerForClinic"]["id"].clone())
}

#[tokio::test]
async fn a_member_hears_their_own_notifications_and_not_others() {
    let app = spawn_app().await;
    let admin = app.sign_up("Org", "a@example.fi").await;
    let p = app.bulk_members(&admin, 3).await;
    let (clinic, first) = full_clinic(&app, &admin, &p[0], &p[1]).await;
    let waiting = app.gql(REGISTER, json!({"id": clinic}), p[2].token()).await;
    assert_eq!(waiting["data"]["registerForClinic"]["status"], "WAITLISTED");

    let mut promoted = acked(&app, &p[2]).await;
    promoted.subscribe("1", ADDED, json!({})).await;
    let mut bystander = acked(&app, &p[1]).await;
    bystander.subscribe("1", ADDED, json!({})).await;

    app.gql(CANCEL, json!({"id": first}), p[1].token()).await;
    let message = promoted.next().await.unwrap();
    assert_eq!(message["type"], "next");
    assert_eq!(
        message["payload"]["data"]["notificationAdded"]["kind"],
        "WAITLIST_PROMOTED"
    );
    assert_eq!(
        message["payload"]["data"]["notificationAdded"]["subject"]["id"],
        waiting["data"]["registerForClinic"]["id"]
    );

    // The persisted side: listed, counted, marked read.
    let list = app.gql("{ unreadNotificationCount notifications(unreadOnly: true) { totalCount edges { node { id kind readAt } } } }", json!({}), p[2].token()).await;
    assert_eq!(list["data"]["unreadNotificationCount"], 1);
    let id = list["data"]["notifications"]["edges"][0]["node"]["id"].clone();
    let read = app
        .gql(
            "mutation($ids: [ID!]!) { markNotificationsRead(ids: $ids) { id readAt } }",
            json!({"ids": [id]}),
            p[2].token(),
        )
        .await;
    assert_eq!(
        read["data"]["markNotificationsRead"][0]["readAt"],
        "2026-11-28T09:00:00Z"
    );
    let after = app
        .gql("{ unreadNotificationCount }", json!({}), p[2].token())
        .await;
    assert_eq!(after["data"]["unreadNotificationCount"], 0);
    // Someone else's notification cannot be marked or seen.
    let theirs = app
        .gql(
            "mutation($ids: [ID!]!) { markNotificationsRead(ids: $ids) { id } }",
            json!({"ids": [id]}),
            p[1].token(),
        )
        .await;
    assert_eq!(theirs["data"]["markNotificationsRead"], json!([]));

    // The bystander heard nothing: the next thing it receives is its own, later notification.
    let again = app.gql(REGISTER, json!({"id": clinic}), p[1].token()).await;
    assert_eq!(again["data"]["registerForClinic"]["status"], "WAITLISTED");
    app.gql(
        "mutation($id: ID!) { cancelClinic(id: $id) { id } }",
        json!({"id": clinic}),
        admin.token(),
    )
    .await;
    let next = bystander.next().await.unwrap();
    assert_eq!(
        next["payload"]["data"]["notificationAdded"]["kind"], "CLINIC_CANCELLED",
        "{next}"
    );
}

#[tokio::test]
async fn seat_changes_are_pushed_to_clinic_watchers() {
    let app = spawn_app().await;
    let admin = app.sign_up("Org", "a@example.fi").await;
    let p = app.bulk_members(&admin, 3).await;
    let clinic = app
        .schedule_clinic(
            &admin,
            &p[0].user_id,
            "2027-01-10T10:00:00Z",
            "2027-01-10T11:00:00Z",
            1,
        )
        .await;
    let mut watcher = acked(&app, &p[2]).await;
    watcher
        .subscribe("seats", SEATS, json!({"id": clinic}))
        .await;
    // The clinic as it is comes first: from then on no change is missed.
    let initial = watcher.next().await.unwrap();
    assert_eq!(
        initial["payload"]["data"]["clinicSeatsChanged"],
        json!({"id": clinic, "seatsTaken": 0, "waitlistLength": 0})
    );

    let first = app.gql(REGISTER, json!({"id": clinic}), p[1].token()).await;
    let update = watcher.next().await.unwrap();
    assert_eq!(update["id"], "seats");
    assert_eq!(
        update["payload"]["data"]["clinicSeatsChanged"],
        json!({"id": clinic, "seatsTaken": 1, "waitlistLength": 0})
    );
    app.gql(REGISTER, json!({"id": clinic}), p[2].token()).await;
    let update = watcher.next().await.unwrap();
    assert_eq!(
        update["payload"]["data"]["clinicSeatsChanged"]["waitlistLength"],
        1
    );
    app.gql(
        CANCEL,
        json!({"id": first["data"]["registerForClinic"]["id"]}),
        p[1].token(),
    )
    .await;
    let update = watcher.next().await.unwrap();
    assert_eq!(
        update["payload"]["data"]["clinicSeatsChanged"],
        json!({"id": clinic, "seatsTaken": 1, "waitlistLength": 0})
    );

    // Another organisation's clinic cannot be watched.
    let outsider = app.sign_up("Other", "o@example.fi").await;
    let mut stranger = acked(&app, &outsider).await;
    stranger.subscribe("x", SEATS, json!({"id": clinic})).await;
    let refused = stranger.next().await.unwrap();
    assert_eq!(
        refused["payload"]["errors"][0]["extensions"]["code"], "NOT_FOUND",
        "{refused}"
    );
}

#[tokio::test]
async fn a_missing_or_bad_token_closes_the_connection() {
    let app = spawn_app().await;
    for token in [None, Some("not a token")] {
        let mut client = WsClient::connect(&app, token).await;
        let closed = client.next().await;
        assert!(
            matches!(closed, Err(code) if code == 4403 || code == 1002),
            "{closed:?}"
        );
    }
    // A rolled-back change announces nothing, and a query over HTTP still works.
    let body = app.gql("{ __typename }", json!({}), None).await;
    assert!(error_code(&body).is_none());
}

#[tokio::test]
async fn an_event_on_one_instance_reaches_a_subscriber_on_another() {
    let app = spawn_app().await;
    let admin = app.sign_up("Org", "a@example.fi").await;
    let p = app.bulk_members(&admin, 2).await;
    let clinic = app
        .schedule_clinic(
            &admin,
            &p[0].user_id,
            "2027-01-10T10:00:00Z",
            "2027-01-10T11:00:00Z",
            3,
        )
        .await;
    if postgres_or_skip(
        "subscriptions::an_event_on_one_instance_reaches_a_subscriber_on_another",
        "on SQLite events never leave the process",
    )
    .is_none()
    {
        return;
    }
    let other = app.sibling().await;
    let mut watcher = acked(&app, &p[1]).await;
    watcher
        .subscribe("seats", SEATS, json!({"id": clinic}))
        .await;
    // The clinic as it is comes first, once the subscription listens.
    let initial = watcher.next_for("seats").await;
    assert_eq!(
        initial["payload"]["data"]["clinicSeatsChanged"]["seatsTaken"],
        0
    );

    let registered = other
        .gql(REGISTER, json!({"id": clinic}), p[1].token())
        .await;
    assert_eq!(
        registered["data"]["registerForClinic"]["status"],
        "CONFIRMED"
    );
    let update = watcher.next_for("seats").await;
    assert_eq!(
        update["payload"]["data"]["clinicSeatsChanged"]["seatsTaken"], 1,
        "{update}"
    );
}

#[tokio::test]
async fn a_subscription_ends_with_an_error_when_its_token_expires() {
    let app = spawn_app().await;
    let admin = app.sign_up("Org", "a@example.fi").await;
    // The token was issued at 09:00 and expires at 09:15; one second is left.
    app.clock.advance(chrono::Duration::seconds(15 * 60 - 1));
    let mut client = acked(&app, &admin).await;
    client.subscribe("1", ADDED, json!({})).await;
    let ended = client.next().await.unwrap();
    assert_eq!(ended["id"], "1");
    assert_eq!(ended["type"], "error", "{ended}");
    assert_eq!(ended["payload"][0]["extensions"]["code"], "UNAUTHENTICATED");
}

#[tokio::test]
async fn the_event_listener_comes_back_after_its_connection_is_killed() {
    use sea_orm::{ConnectionTrait, Statement};
    if postgres_or_skip(
        "subscriptions::the_event_listener_comes_back_after_its_connection_is_killed",
        "on SQLite events never leave the process",
    )
    .is_none()
    {
        return;
    }
    let app = spawn_app().await;
    let admin = app.sign_up("Org", "a@example.fi").await;
    let clinic = app
        .schedule_clinic(
            &admin,
            &admin.user_id,
            "2027-01-10T10:00:00Z",
            "2027-01-10T11:00:00Z",
            3,
        )
        .await;
    let mut watcher = acked(&app, &admin).await;
    watcher
        .subscribe("seats", SEATS, json!({"id": clinic}))
        .await;
    watcher.next_for("seats").await;
    let killed = app
        .state
        .db
        .query_all_raw(Statement::from_string(
            sea_orm::DbBackend::Postgres,
            "SELECT pg_terminate_backend(pid) AS done FROM pg_stat_activity \
             WHERE datname = current_database() AND query ILIKE 'LISTEN%'",
        ))
        .await
        .unwrap();
    assert!(!killed.is_empty(), "the listener's connection was found");
    // Events published while the listener is away are lost (at most once), so
    // keep changing the seats until one arrives through the new connection.
    let mut arrived_again = false;
    for capacity in 4..40 {
        app.gql(
            "mutation($id: ID!, $c: Int!) { updateClinic(id: $id, input: {capacity: $c}) { id } }",
            json!({"id": clinic, "c": capacity}),
            admin.token(),
        )
        .await;
        let arrived =
            tokio::time::timeout(std::time::Duration::from_millis(500), watcher.next()).await;
        if let Ok(Ok(message)) = arrived {
            assert_eq!(
                message["payload"]["data"]["clinicSeatsChanged"]["id"],
                clinic.as_str()
            );
            arrived_again = true;
            break;
        }
    }
    assert!(
        arrived_again,
        "no event arrived after the listener was killed"
    );
}
