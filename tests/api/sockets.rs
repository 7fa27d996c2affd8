//! GraphQL over WebSocket: every operation passes the same controls as over
//! HTTP, authorised when it runs, and the socket's own bounds hold.

use serde_json::{Value, json};

use crate::helpers::{Session, TestApp, WsClient, error_code, spawn_app, spawn_app_with};

const ME: &str = "{ me { id } }";
const REGISTER: &str = "mutation($id: ID!) { registerForClinic(clinicId: $id) { id status } }";
const ADDED: &str = "subscription { notificationAdded { kind } }";
const SEATS: &str =
    "subscription($id: ID!) { clinicSeatsChanged(clinicId: $id) { id seatsTaken } }";
const DEACTIVATE: &str = "mutation($id: ID!) { deactivateMember(userId: $id) { active } }";

async fn acked(app: &TestApp, who: &Session) -> WsClient {
    let mut client = WsClient::connect(app, who.token()).await;
    assert_eq!(client.next().await, Ok(json!({"type": "connection_ack"})));
    client
}

async fn clinic(app: &TestApp, admin: &Session, facilitator: &Session, capacity: i32) -> String {
    app.schedule_clinic(
        admin,
        &facilitator.user_id,
        "2027-01-10T10:00:00Z",
        "2027-01-10T11:00:00Z",
        capacity,
    )
    .await
}

fn first_code(payload: &Value) -> Option<&str> {
    error_code(payload)
}

#[tokio::test]
async fn a_deactivated_member_is_refused_on_a_socket_opened_before() {
    let app = spawn_app().await;
    let admin = app.sign_up("Org", "a@example.fi").await;
    let p = app.bulk_members(&admin, 2).await;
    let clinic = clinic(&app, &admin, &p[0], 5).await;
    let member = &p[1];

    let mut socket = acked(&app, member).await;
    let me = socket.request("me", ME, json!({})).await;
    assert_eq!(me["data"]["me"]["id"], member.user_id.as_str());
    socket
        .subscribe("watch", SEATS, json!({"id": clinic}))
        .await;
    let first = socket.next_for("watch").await;
    assert_eq!(first["type"], "next", "{first}");

    let body = app
        .gql(DEACTIVATE, json!({"id": member.user_id}), admin.token())
        .await;
    assert_eq!(body["data"]["deactivateMember"]["active"], false, "{body}");

    // The running subscription ends with an error…
    let ended = socket.next_for("watch").await;
    assert_eq!(ended["type"], "error", "{ended}");
    assert_eq!(ended["payload"][0]["extensions"]["code"], "UNAUTHENTICATED");
    // …and queries and mutations on the same socket are refused.
    let me = socket.request("me-again", ME, json!({})).await;
    assert_eq!(first_code(&me), Some("UNAUTHENTICATED"), "{me}");
    let registered = socket
        .request("register", REGISTER, json!({"id": clinic}))
        .await;
    assert_eq!(
        first_code(&registered),
        Some("UNAUTHENTICATED"),
        "{registered}"
    );
    let seats = app
        .gql(
            "query($id: ID!) { node(id: $id) { ... on Clinic { seatsTaken } } }",
            json!({"id": clinic}),
            admin.token(),
        )
        .await;
    assert_eq!(seats["data"]["node"]["seatsTaken"], 0, "{seats}");
}

#[tokio::test]
async fn a_role_change_ends_the_subscriptions_of_the_account_on_another_instance() {
    let app = spawn_app().await;
    let other = app.sibling().await;
    let admin = app.sign_up("Org", "a@example.fi").await;
    let member = app.add_member(&admin, "m@example.fi", "MEMBER").await;
    // The member listens on the second instance; the change is made on the first.
    let mut socket = acked(&other, &member).await;
    socket.subscribe("n", ADDED, json!({})).await;
    let me = socket.request("me", ME, json!({})).await;
    assert!(me["data"]["me"]["id"].is_string(), "{me}");
    let body = app
        .gql(
            "mutation($id: ID!) { setMemberRole(userId: $id, role: ADMIN) { role } }",
            json!({"id": member.user_id}),
            admin.token(),
        )
        .await;
    assert_eq!(body["data"]["setMemberRole"]["role"], "ADMIN", "{body}");
    if app.state.db.get_database_backend() == sea_orm::DbBackend::Postgres {
        // Events cross instances through PostgreSQL: at once.
        let ended = socket.next_for("n").await;
        assert_eq!(ended["type"], "error", "{ended}");
        assert_eq!(ended["payload"][0]["extensions"]["code"], "UNAUTHENTICATED");
    } else {
        // Two processes on one SQLite file share no events: the other reads
        // the account again once its cached copy is older than the cache's
        // lifetime (1 s; see VOIMAVARA_AUTH_CACHE_MS).
        other.clock.advance(chrono::Duration::milliseconds(1001));
    }
    // On either database, the next operation is authorised afresh.
    let me = socket.request("me-again", ME, json!({})).await;
    assert_eq!(first_code(&me), Some("UNAUTHENTICATED"), "{me}");
}

#[tokio::test]
async fn sixty_logins_on_one_socket_are_rate_limited_after_the_fifth_failure() {
    let app = spawn_app().await;
    let admin = app.sign_up("Org", "victim@example.fi").await;
    let attacker = app.sign_up("Elsewhere", "attacker@example.fi").await;
    let mut socket = acked(&app, &attacker).await;
    let login = "mutation($p: String!) { login(input: {email: \"victim@example.fi\", password: $p}) { accessToken } }";
    // All sixty at once: concurrent guesses count as well as sequential ones.
    for i in 0..60 {
        socket
            .subscribe(
                &format!("g{i}"),
                login,
                json!({"p": format!("guess number {i}")}),
            )
            .await;
    }
    let mut codes = std::collections::HashMap::<String, usize>::new();
    let mut finished = 0;
    while finished < 60 {
        let message = socket.next().await.expect("the socket stays open");
        match message["type"].as_str() {
            Some("next") => {
                let code = first_code(&message["payload"]).unwrap_or("none").to_owned();
                *codes.entry(code).or_default() += 1;
            }
            Some("complete") => finished += 1,
            other => panic!("unexpected {other:?}: {message}"),
        }
    }
    assert_eq!(codes.get("UNAUTHENTICATED"), Some(&5), "{codes:?}");
    assert_eq!(codes.get("RATE_LIMITED"), Some(&55), "{codes:?}");
    // The account is locked for everyone, over HTTP too, right password or not.
    let body = app
        .gql(
            "mutation { login(input: {email: \"victim@example.fi\", password: \"correct horse battery staple\"}) { accessToken } }",
            json!({}),
            None,
        )
        .await;
    assert_eq!(error_code(&body), Some("RATE_LIMITED"), "{body}");
    drop(admin);
}

#[tokio::test]
async fn a_mutation_over_a_socket_is_published_to_a_subscriber_on_another_connection() {
    let app = spawn_app().await;
    let admin = app.sign_up("Org", "a@example.fi").await;
    let p = app.bulk_members(&admin, 4).await;
    let clinic = clinic(&app, &admin, &p[0], 1).await;

    let mut watcher = acked(&app, &p[1]).await;
    watcher
        .subscribe("seats", SEATS, json!({"id": clinic}))
        .await;
    let initial = watcher.next_for("seats").await;
    assert_eq!(
        initial["payload"]["data"]["clinicSeatsChanged"]["seatsTaken"],
        0
    );
    let mut waiting = acked(&app, &p[3]).await;
    waiting.subscribe("mine", ADDED, json!({})).await;

    let mut actor = acked(&app, &p[2]).await;
    let taken = actor.request("r", REGISTER, json!({"id": clinic})).await;
    assert_eq!(
        taken["data"]["registerForClinic"]["status"], "CONFIRMED",
        "{taken}"
    );
    let update = watcher.next_for("seats").await;
    assert_eq!(
        update["payload"]["data"]["clinicSeatsChanged"]["seatsTaken"], 1,
        "{update}"
    );

    // A notification written by a mutation over a socket is pushed too.
    let queued = app.gql(REGISTER, json!({"id": clinic}), p[3].token()).await;
    assert_eq!(queued["data"]["registerForClinic"]["status"], "WAITLISTED");
    let cancel = "mutation($id: ID!) { cancelRegistration(registrationId: $id) { id } }";
    let cancelled = actor
        .request(
            "c",
            cancel,
            json!({"id": taken["data"]["registerForClinic"]["id"]}),
        )
        .await;
    assert!(
        cancelled["data"]["cancelRegistration"]["id"].is_string(),
        "{cancelled}"
    );
    let told = waiting.next_for("mine").await;
    assert_eq!(
        told["payload"]["data"]["notificationAdded"]["kind"], "WAITLIST_PROMOTED",
        "{told}"
    );
}

#[tokio::test]
async fn a_socket_that_never_initialises_is_closed_with_4408() {
    let app = spawn_app_with(|s| s.sockets.ws_init_timeout_ms = 200).await;
    let mut socket = WsClient::open(&app).await;
    assert_eq!(socket.next().await, Err(4408));
}

#[tokio::test]
async fn protocol_violations_close_with_the_protocols_codes() {
    let app = spawn_app().await;
    let admin = app.sign_up("Org", "a@example.fi").await;

    // A second connection_init.
    let mut socket = acked(&app, &admin).await;
    socket
        .send(json!({"type": "connection_init", "payload": {"authorization": format!("Bearer {}", admin.access_token)}}))
        .await;
    assert_eq!(socket.next().await, Err(4429));

    // subscribe before the acknowledgement.
    let mut socket = WsClient::open(&app).await;
    socket.subscribe("1", ME, json!({})).await;
    assert_eq!(socket.next().await, Err(4401));

    // The same id twice while the first runs.
    let mut socket = acked(&app, &admin).await;
    socket.subscribe("dup", ADDED, json!({})).await;
    socket.subscribe("dup", ADDED, json!({})).await;
    assert_eq!(socket.next().await, Err(4409));

    // Something that is not a message of the protocol.
    let mut socket = acked(&app, &admin).await;
    socket.send(json!({"type": "subscribe", "id": 7})).await;
    assert_eq!(socket.next().await, Err(4400));

    // No token, or a bad one.
    for token in [None, Some("not a token")] {
        let mut socket = WsClient::connect(&app, token).await;
        assert_eq!(socket.next().await, Err(4403));
    }

    // The protocol's own ping is answered.
    let mut socket = acked(&app, &admin).await;
    socket.send(json!({"type": "ping"})).await;
    assert_eq!(socket.next().await, Ok(json!({"type": "pong"})));
}

#[tokio::test]
async fn a_connection_runs_at_most_a_hundred_operations_at_once() {
    let app = spawn_app().await;
    let admin = app.sign_up("Org", "a@example.fi").await;
    let clinic = clinic(&app, &admin, &admin, 5).await;
    let mut socket = acked(&app, &admin).await;
    for i in 0..100 {
        socket.subscribe(&format!("s{i}"), ADDED, json!({})).await;
    }
    socket.subscribe("s100", SEATS, json!({"id": clinic})).await;
    let refused = socket.next_for("s100").await;
    assert_eq!(refused["type"], "error", "{refused}");
    assert_eq!(refused["payload"][0]["extensions"]["code"], "RATE_LIMITED");
    // Completing one makes room for another.
    socket.send(json!({"id": "s0", "type": "complete"})).await;
    socket.subscribe("s100", SEATS, json!({"id": clinic})).await;
    let started = socket.next_for("s100").await;
    assert_eq!(started["type"], "next", "{started}");
}

#[tokio::test]
async fn an_account_may_hold_only_so_many_connections() {
    let app = spawn_app_with(|s| s.sockets.ws_max_connections_per_account = 2).await;
    let admin = app.sign_up("Org", "a@example.fi").await;
    let other = app.add_member(&admin, "m@example.fi", "MEMBER").await;
    let first = acked(&app, &admin).await;
    let _second = acked(&app, &admin).await;
    let mut third = WsClient::connect(&app, admin.token()).await;
    assert_eq!(third.next().await, Err(4429));
    // Someone else is not affected, and a closed connection gives its place back.
    let _theirs = acked(&app, &other).await;
    drop(first);
    let mut again = WsClient::connect(&app, admin.token()).await;
    let mut answer = again.next().await;
    // The server may not have seen the first close yet: try until it has.
    for _ in 0..50 {
        if answer == Ok(json!({"type": "connection_ack"})) {
            break;
        }
        assert_eq!(answer, Err(4429));
        again = WsClient::connect(&app, admin.token()).await;
        answer = again.next().await;
    }
    assert_eq!(answer, Ok(json!({"type": "connection_ack"})));
}

#[tokio::test]
async fn the_server_pings_and_closes_a_silent_connection() {
    let app = spawn_app_with(|s| {
        s.sockets.ws_ping_interval_ms = 50;
        s.sockets.ws_idle_timeout_ms = 200;
    })
    .await;
    let admin = app.sign_up("Org", "a@example.fi").await;
    // A client that never answers: raw frames, no automatic pongs.
    let mut raw = crate::helpers::RawSocket::connect(&app).await;
    raw.send_text(
        &json!({"type": "connection_init", "payload": {"authorization": format!("Bearer {}", admin.access_token)}})
            .to_string(),
    )
    .await;
    let mut pings = 0;
    let code = loop {
        match raw.next_frame().await {
            (0x1, text) => assert_eq!(text, br#"{"type":"connection_ack"}"#.to_vec()),
            (0x9, _) => pings += 1,
            (0x8, payload) => break u16::from_be_bytes([payload[0], payload[1]]),
            (opcode, _) => panic!("unexpected frame {opcode}"),
        }
    };
    assert!(pings >= 1, "the server pinged before giving up");
    assert_eq!(code, 1001);
}

#[tokio::test]
async fn only_the_graphql_transport_ws_protocol_is_spoken() {
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;
    let app = spawn_app().await;
    let url = format!("{}/graphql/ws", app.address.replace("http://", "ws://"));
    let mut request = url.into_client_request().unwrap();
    request
        .headers_mut()
        .insert("Sec-WebSocket-Protocol", "graphql-ws".parse().unwrap());
    let refused = tokio_tungstenite::connect_async(request).await;
    match refused {
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
            assert_eq!(response.status(), 400)
        }
        other => panic!("the legacy protocol was accepted: {:?}", other.map(|_| ())),
    }
}

#[tokio::test]
async fn validation_errors_come_as_error_messages() {
    let app = spawn_app().await;
    let admin = app.sign_up("Org", "a@example.fi").await;
    let mut socket = acked(&app, &admin).await;
    socket.subscribe("bad", "{ noSuchField }", json!({})).await;
    let refused = socket.next_for("bad").await;
    assert_eq!(refused["type"], "error", "{refused}");
    assert_eq!(
        refused["payload"][0]["extensions"]["code"],
        "BAD_USER_INPUT"
    );
    // No `complete` follows an `error`: the next message is the next answer.
    let me = socket.request("me", ME, json!({})).await;
    assert!(me["data"]["me"]["id"].is_string());
}
