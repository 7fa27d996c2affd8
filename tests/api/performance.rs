//! What a page costs in SQL statements (fixed, whatever its length), the
//! metrics endpoint, and automatic persisted queries.

use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use voimavara_api::graphql::ids::{Kind, encode};
use voimavara_api::seed::bench::{BenchSize, Seeded, seed};

use crate::helpers::{Session, TestApp, WsClient, error_code, spawn_app, spawn_app_with};

/// A small seeded organisation: enough rows that every list below has 100
/// items with relations to load.
async fn seeded(app: &TestApp) -> Seeded {
    let size = BenchSize {
        members: 150,
        clinics: 120,
        registrations: 1500,
        mentors: 60,
        requests: 20,
        channels: 3,
        weeks: 8,
        seed: 3,
    };
    seed(
        &app.state.db,
        &size,
        app.state.clock.now(),
        "not a real hash",
    )
    .await
    .unwrap()
}

async fn token(app: &TestApp, user_id: i64) -> String {
    app.open_session(user_id).await.0
}

/// A server whose batch loaders wait long enough for a whole page of a debug
/// build on a busy machine to register its keys (the default, 1 ms, is
/// tuned for release builds' latency), and that reads the caller's account
/// on every request, so each count is the page's whole cost.
async fn patient_app() -> TestApp {
    spawn_app_with(|settings| {
        settings.batch_delay_us = 50_000;
        settings.auth_cache_ms = 0;
    })
    .await
}

/// A server with the production settings (batch window, account cache).
async fn production_app() -> TestApp {
    spawn_app().await
}

/// What a page costs once the caller is known: runs the operation once (so
/// the account and the skill catalogue are cached, as for any client after
/// its first request), then twice more, and returns the last body and the
/// fewer statements of those two. The count is the server's, so a statement
/// of the mail worker's landing in one run would be counted with the page;
/// background work only ever adds, so the fewer is the page's own cost (and
/// a page that costs more per item costs more in both).
async fn page_cost(app: &TestApp, query: &str, variables: Value, token: &str) -> (Value, u64) {
    measured(app, query, variables.clone(), token).await;
    let (_, first) = measured(app, query, variables.clone(), token).await;
    let (body, second) = measured(app, query, variables, token).await;
    (body, first.min(second))
}

/// Runs one operation and returns its body and the statements it ran.
async fn measured(app: &TestApp, query: &str, variables: Value, token: &str) -> (Value, u64) {
    let before = app.state.metrics.statements();
    let body = app.gql(query, variables, Some(token)).await;
    let ran = app.state.metrics.statements() - before;
    assert!(body.get("errors").is_none(), "{body}");
    (body, ran)
}

#[tokio::test]
async fn a_members_next_request_skips_reading_their_account_until_a_write() {
    let app = spawn_app().await;
    let admin = app.sign_up("Org", "admin@example.fi").await;
    let token = admin.token().unwrap();
    let me = "{ me { id } }";
    let (_, first) = measured(&app, me, json!({}), token).await;
    let (_, again) = measured(&app, me, json!({}), token).await;
    assert_eq!(
        again + 1,
        first,
        "the second request read the account again"
    );

    // Any committed write forgets what was read before it.
    let renamed = app
        .gql(
            "mutation { setMyLearningGoals(skillIds: []) { id } }",
            json!({}),
            Some(token),
        )
        .await;
    assert!(renamed.get("errors").is_none(), "{renamed}");
    let (_, after_write) = measured(&app, me, json!({}), token).await;
    assert_eq!(after_write, first);

    // And an entry lives no longer than its lifetime.
    app.clock.advance(chrono::Duration::milliseconds(1001));
    let (_, aged) = measured(&app, me, json!({}), token).await;
    assert_eq!(aged, first);
}

const BOARD: &str = "query Board($first: Int!) { clinics(first: $first) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { id title startsAt endsAt capacity seatsTaken seatsLeft waitlistLength
      facilitator { id displayName }
      skills { id name }
      myRegistration { id status waitlistPosition } } } } }";

#[tokio::test]
async fn the_clinic_board_costs_at_most_two_statements_for_5_or_100_clinics() {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
    let app = production_app().await;
    seeded(&app).await;
    // A member waiting in one of the earliest clinics (pools are made in
    // the clinics' order of start).
    let waiting = entity::seat::Entity::find()
        .filter(entity::seat::Column::Status.eq(entity::SeatStatus::Waitlisted))
        .order_by_asc(entity::seat::Column::PoolId)
        .one(&app.state.db)
        .await
        .unwrap()
        .expect("a waitlisted seat");
    let learner = token(&app, waiting.user_id).await;

    let (small, five) = page_cost(&app, BOARD, json!({"first": 5}), &learner).await;
    let (large, hundred) = page_cost(&app, BOARD, json!({"first": 100}), &learner).await;

    let edges = large["data"]["clinics"]["edges"].as_array().unwrap();
    assert_eq!(edges.len(), 100);
    assert_eq!(
        small["data"]["clinics"]["edges"].as_array().unwrap().len(),
        5
    );
    assert!(
        edges.iter().any(|e| !e["node"]["myRegistration"].is_null()),
        "the learner holds registrations on the first page"
    );
    assert!(
        edges
            .iter()
            .all(|e| !e["node"]["skills"].as_array().unwrap().is_empty())
    );
    assert!(
        edges
            .iter()
            .any(|e| e["node"]["myRegistration"]["status"] == "WAITLISTED"
                && e["node"]["myRegistration"]["waitlistPosition"].as_i64() > Some(0)),
        "the learner waits somewhere on the first page"
    );
    assert_eq!(large["data"]["clinics"]["totalCount"], 120);
    assert_eq!(five, hundred, "statements grow with the page");
    assert!(hundred <= 2, "the clinic board ran {hundred} statements");
    assert!(hundred >= 1, "the clinic board's statement was not counted");
}

const MEMBERS: &str = "query Members($first: Int!) { members(first: $first) { totalCount
    edges { node { id displayName role
      skills { level skill { id name } }
      learningGoals { id name }
      mentorProfile { maxMentees freeCapacity } } } } }";

#[tokio::test]
async fn the_members_list_costs_at_most_two_statements_for_5_or_100_members() {
    let app = production_app().await;
    let data = seeded(&app).await;
    let admin = token(&app, data.admin_id).await;

    let (_, five) = page_cost(&app, MEMBERS, json!({"first": 5}), &admin).await;
    let (large, hundred) = page_cost(&app, MEMBERS, json!({"first": 100}), &admin).await;

    let edges = large["data"]["members"]["edges"].as_array().unwrap();
    assert_eq!(edges.len(), 100);
    assert!(
        edges
            .iter()
            .any(|e| !e["node"]["skills"].as_array().unwrap().is_empty())
    );
    assert!(edges.iter().any(|e| !e["node"]["mentorProfile"].is_null()));
    assert!(edges.iter().any(|e| e["node"]["mentorProfile"].is_null()));
    assert_eq!(large["data"]["members"]["totalCount"], 151);
    assert_eq!(five, hundred, "statements grow with the page");
    assert!(hundred <= 2, "the members page ran {hundred} statements");
}

/// The same fields of each item, asked through `node(id)` alone, where the
/// batch loaders read them instead of the page's statement.
async fn each_alone(app: &TestApp, token: &str, fragment: &str, nodes: &[Value]) {
    let query = format!("query($id: ID!) {{ node(id: $id) {{ {fragment} }} }}");
    for node in nodes {
        let alone = app
            .gql(&query, json!({"id": node["id"]}), Some(token))
            .await;
        assert_eq!(&alone["data"]["node"], node, "{alone}");
    }
}

/// The nodes of the connection at `edges` (a JSON pointer) in the answer to
/// `query`.
async fn listed(app: &TestApp, token: &str, query: &str, edges: &str) -> Vec<Value> {
    let page = app.gql(query, json!({}), Some(token)).await;
    page.pointer(edges)
        .and_then(Value::as_array)
        .unwrap_or_else(|| panic!("{page}"))
        .iter()
        .map(|edge| edge["node"].clone())
        .collect()
}

#[tokio::test]
async fn the_presence_report_costs_one_statement_whatever_the_range() {
    let app = production_app().await;
    let data = seeded(&app).await;
    let admin = token(&app, data.admin_id).await;
    const REPORT: &str = "query($from: Date!, $to: Date!) { presenceReport(from: $from, to: $to) {
        platforms { platform { key } contributors followersStart followersEnd followerGrowth posts interactions medianEngagementRate } } }";
    let today = app.state.clock.now().date_naive();
    let week =
        json!({"from": (today - chrono::Duration::days(7)).to_string(), "to": today.to_string()});
    let all =
        json!({"from": (today - chrono::Duration::days(365)).to_string(), "to": today.to_string()});
    let (_, short) = page_cost(&app, REPORT, week, &admin).await;
    let (report, long) = page_cost(&app, REPORT, all, &admin).await;
    let platforms = report["data"]["presenceReport"]["platforms"]
        .as_array()
        .unwrap();
    assert_eq!(platforms.len(), 3, "{report}");
    assert!(
        platforms
            .iter()
            .all(|p| p["contributors"].as_i64() >= Some(100) && p["posts"].is_number())
    );
    assert_eq!(short, long);
    assert!(long <= 2, "the report ran {long} statements");
}

#[tokio::test]
async fn members_channels_and_their_latest_figures_cost_the_same_for_5_or_100_members() {
    let app = patient_app().await;
    let data = seeded(&app).await;
    let admin = token(&app, data.admin_id).await;
    const CHANNELS: &str = "query($first: Int) { members(first: $first) { edges { node {
        channels { handle visibility latest { takenOn followers } } } } } }";
    let (_, five) = page_cost(&app, CHANNELS, json!({"first": 5}), &admin).await;
    let (large, hundred) = page_cost(&app, CHANNELS, json!({"first": 100}), &admin).await;
    let edges = large["data"]["members"]["edges"].as_array().unwrap();
    let channels: usize = edges
        .iter()
        .map(|e| e["node"]["channels"].as_array().unwrap().len())
        .sum();
    // Three per member, a tenth of them private (hidden from the admin).
    assert!(channels > 200 && channels < 300, "{channels}");
    assert!(edges.iter().all(|e| {
        e["node"]["channels"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["visibility"] == "ORGANISATION" && c["latest"]["followers"].is_number())
    }));
    assert_eq!(five, hundred, "statements grow with the page");
}

#[tokio::test]
async fn a_page_reads_what_each_of_its_items_reads_alone() {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
    let app = production_app().await;
    let data = seeded(&app).await;
    let admin = token(&app, data.admin_id).await;

    const USER: &str = "... on User { id displayName role active
        skills { level skill { id name } } learningGoals { id name }
        mentorProfile { maxMentees freeCapacity acceptingMentees } }";
    let members = listed(
        &app,
        &admin,
        &format!("{{ members(first: 40) {{ edges {{ node {{ {USER} }} }} }} }}"),
        "/data/members/edges",
    )
    .await;
    assert_eq!(members.len(), 40);
    assert!(
        members
            .iter()
            .any(|m| m["skills"].as_array().is_some_and(|s| s.len() > 1))
    );
    each_alone(&app, &admin, USER, &members).await;

    let waiting = entity::seat::Entity::find()
        .filter(entity::seat::Column::Status.eq(entity::SeatStatus::Waitlisted))
        .order_by_asc(entity::seat::Column::PoolId)
        .one(&app.state.db)
        .await
        .unwrap()
        .expect("a waitlisted seat");
    let learner = token(&app, waiting.user_id).await;
    const CLINIC: &str = "... on Clinic { id title startsAt capacity seatsTaken seatsLeft
        waitlistLength facilitator { id displayName } skills { id name }
        myRegistration { id status waitlistPosition } }";
    let clinics = listed(
        &app,
        &learner,
        &format!("{{ clinics(first: 40) {{ edges {{ node {{ {CLINIC} }} }} }} }}"),
        "/data/clinics/edges",
    )
    .await;
    assert_eq!(clinics.len(), 40);
    assert!(
        clinics
            .iter()
            .any(|c| c["myRegistration"]["status"] == "WAITLISTED")
    );
    each_alone(&app, &learner, CLINIC, &clinics).await;
    // A facilitator asked for more than id and name is read whole: the
    // page's card of two columns must not stand in for it.
    const FACILITATOR: &str = "... on Clinic { id facilitator { id displayName email role
        active createdAt } }";
    let whole = listed(
        &app,
        &learner,
        &format!("{{ clinics(first: 40) {{ edges {{ node {{ {FACILITATOR} }} }} }} }}"),
        "/data/clinics/edges",
    )
    .await;
    assert!(
        whole.iter().all(|c| c["facilitator"]["email"]
            .as_str()
            .is_some_and(|e| e.contains('@'))),
        "{whole:?}"
    );
    each_alone(&app, &learner, FACILITATOR, &whole).await;
    // Nor may the board's few columns stand in for a clinic asked for more.
    const WHOLE_CLINIC: &str = "... on Clinic { id title startsAt endsAt seatsLeft
        description timezone location onlineUrl status cancelReason }";
    let whole = listed(
        &app,
        &learner,
        &format!("{{ clinics(first: 40) {{ edges {{ node {{ {WHOLE_CLINIC} }} }} }} }}"),
        "/data/clinics/edges",
    )
    .await;
    assert!(
        whole
            .iter()
            .all(|c| c["timezone"].as_str().is_some_and(|z| z.contains('/'))),
        "{whole:?}"
    );
    each_alone(&app, &learner, WHOLE_CLINIC, &whole).await;

    const REGISTRATION: &str = "... on ClinicRegistration { id status waitlistPosition
        attended clinic { id title startsAt seatsLeft } }";
    let registrations = listed(
        &app,
        &learner,
        &format!(
            "{{ me {{ clinicRegistrations(first: 40) {{ edges {{ node {{ {REGISTRATION} }} }} }} }} }}"
        ),
        "/data/me/clinicRegistrations/edges",
    )
    .await;
    assert!(
        registrations
            .iter()
            .any(|r| r["waitlistPosition"].as_i64() > Some(0))
    );
    each_alone(&app, &learner, REGISTRATION, &registrations).await;
}

const SUGGESTIONS: &str = "query Suggest($request: ID!, $first: Int!) {
    mentorSuggestions(requestId: $request, first: $first) {
      score freeCapacity mentor { id displayName skills { level skill { name } } }
      reasons { skill { id name } mentorLevel learnerLevel points } } }";

#[tokio::test]
async fn mentor_suggestions_cost_the_same_for_5_or_50_suggestions() {
    let app = production_app().await;
    let data = seeded(&app).await;
    let admin = token(&app, data.admin_id).await;
    let request = encode(Kind::MentoringRequest, data.request_ids[0]).0;

    let (small, five) = page_cost(
        &app,
        SUGGESTIONS,
        json!({"request": request, "first": 5}),
        &admin,
    )
    .await;
    let (large, fifty) = page_cost(
        &app,
        SUGGESTIONS,
        json!({"request": request, "first": 50}),
        &admin,
    )
    .await;

    let small = small["data"]["mentorSuggestions"].as_array().unwrap();
    let large = large["data"]["mentorSuggestions"].as_array().unwrap();
    assert_eq!(small.len(), 5);
    assert!(large.len() > 5, "only {} suggestions", large.len());
    assert_eq!(five, fifty, "statements grow with the suggestions");
    // The request with its skills and the learner's levels, then the
    // mentors who could score with theirs.
    assert!(fifty <= 2, "suggestions ran {fifty} statements");
    // Each mentor reads as they do alone.
    let mentors: Vec<Value> = large.iter().map(|s| s["mentor"].clone()).collect();
    each_alone(
        &app,
        &admin,
        "... on User { id displayName skills { level skill { name } } }",
        &mentors,
    )
    .await;
}

#[tokio::test]
async fn metrics_count_operations_errors_statements_and_subscriptions() {
    let app = spawn_app().await;
    let admin = app.sign_up("Metriikka Oy", "admin@metriikka.fi").await;
    app.gql("query WhoAmI { me { id } }", json!({}), admin.token())
        .await;
    app.gql(
        "query Missing { node(id: \"bm9wZQ==\") { id } }",
        json!({}),
        None,
    )
    .await;
    let clinic = app
        .schedule_clinic(
            &admin,
            &admin.user_id,
            "2027-01-10T10:00:00Z",
            "2027-01-10T11:00:00Z",
            3,
        )
        .await;
    let mut ws = WsClient::connect(&app, admin.token()).await;
    ws.subscribe(
        "1",
        "subscription($id: ID!) { clinicSeatsChanged(clinicId: $id) { id } }",
        json!({"id": clinic}),
    )
    .await;
    // The clinic as it is arrives first: the subscription is open.
    let first = ws.next_for("1").await;
    assert_eq!(
        first["payload"]["data"]["clinicSeatsChanged"]["id"],
        clinic.as_str()
    );

    let text = app.get_text("/metrics").await;
    assert!(
        text.lines().any(|l| l == "voimavara_subscriptions_open 1"),
        "{text}"
    );
    assert!(text.contains(r#"voimavara_graphql_requests_total{operation="WhoAmI"} 1"#));
    assert!(text.contains(r#"voimavara_graphql_errors_total{code="UNAUTHENTICATED"} 1"#));
    assert!(
        text.contains(r#"voimavara_graphql_request_duration_seconds_count{operation="WhoAmI"} 1"#)
    );
    assert!(text.contains(r#"voimavara_db_pool_connections{state="idle"}"#));
    let statements: u64 = text
        .lines()
        .find_map(|l| l.strip_prefix("voimavara_db_statements_total "))
        .unwrap()
        .parse()
        .unwrap();
    assert!(statements > 0);
}

#[tokio::test]
async fn operations_beyond_the_concurrency_limit_wait_their_turn() {
    let app = spawn_app_with(|settings| settings.max_concurrent_operations = Some(1)).await;
    let admin = app.sign_up("Vuoro Oy", "admin@vuoro.fi").await;
    let token = admin.token().unwrap();
    // 24 at once, and a batch whose operations each take their turn.
    let singles = (0..24).map(|_| app.gql("{ me { id } }", json!({}), Some(token)));
    let batch = app
        .client
        .post(format!("{}/graphql", app.address))
        .bearer_auth(token)
        .json(&json!([{"query": "{ me { id } }"}, {"query": "{ me { email } }"}]))
        .send();
    let (bodies, batch) = tokio::join!(futures_util::future::join_all(singles), batch);
    for body in &bodies {
        assert_eq!(body["data"]["me"]["id"], admin.user_id.as_str(), "{body}");
    }
    let batch: Value = batch.unwrap().json().await.unwrap();
    assert_eq!(batch[1]["data"]["me"]["email"], "admin@vuoro.fi", "{batch}");

    let text = app.get_text("/metrics").await;
    assert!(
        text.contains(r#"voimavara_graphql_operations{state="running"} 0"#),
        "{text}"
    );
    assert!(
        text.contains(r#"voimavara_graphql_operations{state="waiting"} 0"#),
        "{text}"
    );
}

fn persisted(query: &str) -> Value {
    json!({"persistedQuery": {"version": 1, "sha256Hash": hex::encode(Sha256::digest(query))}})
}

#[tokio::test]
async fn persisted_queries_run_by_hash_once_registered() {
    let app = spawn_app().await;
    let admin = app.sign_up("Tiiviste Oy", "admin@tiiviste.fi").await;
    let query = "query Me { me { email } }";
    let post = |body: Value| {
        app.client
            .post(format!("{}/graphql", app.address))
            .bearer_auth(admin.token().unwrap())
            .json(&body)
            .send()
    };

    // Unknown hash: the client is told to send the document.
    let unknown: Value = post(json!({"extensions": persisted(query)}))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(unknown["errors"][0]["message"], "PersistedQueryNotFound");
    assert_eq!(error_code(&unknown), Some("BAD_USER_INPUT"));

    // A wrong hash for a document is refused.
    let wrong: Value = post(json!({"query": query, "extensions": persisted("query { x }")}))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(error_code(&wrong), Some("BAD_USER_INPUT"));

    // Document and hash register it; then the hash alone runs it, by POST or GET.
    let registered: Value = post(json!({"query": query, "extensions": persisted(query)}))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(registered["data"]["me"]["email"], "admin@tiiviste.fi");
    let by_hash: Value = post(json!({"extensions": persisted(query)}))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(by_hash["data"]["me"]["email"], "admin@tiiviste.fi");
    let by_get: Value = app
        .client
        .get(format!("{}/graphql", app.address))
        .query(&[("extensions", persisted(query).to_string())])
        .bearer_auth(admin.token().unwrap())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(by_get["data"]["me"]["email"], "admin@tiiviste.fi");
}

#[tokio::test]
async fn a_persisted_mutation_is_refused_over_get() {
    let app = spawn_app().await;
    let admin = app.sign_up("Tiiviste Oy", "admin@tiiviste.fi").await;
    let mutation = "mutation { markNotificationsRead(ids: []) { id } }";
    let registered = app
        .client
        .post(format!("{}/graphql", app.address))
        .bearer_auth(admin.token().unwrap())
        .json(&json!({"query": mutation, "extensions": persisted(mutation)}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        registered.status(),
        200,
        "{}",
        registered.text().await.unwrap()
    );

    let over_get = app
        .client
        .get(format!("{}/graphql", app.address))
        .query(&[("extensions", persisted(mutation).to_string())])
        .bearer_auth(admin.token().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(over_get.status(), 405);
    assert_eq!(over_get.headers()["allow"], "POST");
}

const MY_REGISTRATIONS: &str =
    "query Mine($first: Int!) { me { id clinicRegistrations(first: $first) {
    totalCount edges { node { id status waitlistPosition clinic { id title startsAt } } } } } }";

#[tokio::test]
async fn members_list_their_registrations_and_only_admins_see_others() {
    use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
    let app = production_app().await;
    let data = seeded(&app).await;
    let member = data.member_ids[70];
    let held = entity::seat::Entity::find()
        .filter(entity::seat::Column::UserId.eq(member))
        .count(&app.state.db)
        .await
        .unwrap();
    assert!(held >= 3, "the seeded member holds {held} registrations");

    let own = token(&app, member).await;
    let (small, two) = page_cost(&app, MY_REGISTRATIONS, json!({"first": 2}), &own).await;
    let (all, every) = page_cost(&app, MY_REGISTRATIONS, json!({"first": 100}), &own).await;
    let list = &all["data"]["me"]["clinicRegistrations"];
    assert_eq!(list["totalCount"], held);
    assert_eq!(list["edges"].as_array().unwrap().len() as u64, held);
    assert_eq!(
        small["data"]["me"]["clinicRegistrations"]["edges"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    // The member, then the page with its clinics, positions and total.
    assert_eq!(two, every, "statements grow with the page");
    assert!(
        every <= 2,
        "{every} statements for the member's registrations"
    );
    assert!(
        list["edges"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["node"]["clinic"]["title"].is_string())
    );

    let someone = encode(Kind::User, member).0;
    let other_query =
        "query($id: ID!) { node(id: $id) { ... on User { clinicRegistrations { totalCount } } } }";
    let refused = app
        .gql(
            other_query,
            json!({"id": someone}),
            Some(&token(&app, data.member_ids[71]).await),
        )
        .await;
    assert_eq!(error_code(&refused), Some("FORBIDDEN"), "{refused}");
    let admin_view = app
        .gql(
            other_query,
            json!({"id": someone}),
            Some(&token(&app, data.admin_id).await),
        )
        .await;
    assert_eq!(
        admin_view["data"]["node"]["clinicRegistrations"]["totalCount"],
        held
    );
}

const NOTICES: &str = "query Notices($first: Int!) { notifications(first: $first) { edges { node {
    kind subject { id ... on Pairing { status learner { displayName } } } } } } }";
const PAIRINGS: &str = "{ myPairings { id status learner { displayName }
    sessions { minutes author { displayName } } feedback { rating author { displayName } } } }";

#[tokio::test]
async fn notification_subjects_and_pairing_details_load_in_batches() {
    use crate::mentoring::{RESPOND, mentor, proposal};
    let app = production_app().await;
    let admin = app.sign_up("Erä Oy", "era@example.fi").await;
    let people = app.bulk_members(&admin, 12).await;
    let linkedin = app.skill_id(&admin, "linkedin").await;
    let (few, many) = (&people[0], &people[1]);
    mentor(&app, few, &linkedin, 5, 20).await;
    mentor(&app, many, &linkedin, 5, 20).await;
    // Two learners propose `few`, eight propose `many`; all accepted, each
    // with a logged session and feedback.
    for (guide, learners) in [(few, &people[2..4]), (many, &people[4..12])] {
        for learner in learners {
            let pairing = proposal(&app, learner, guide, &linkedin).await;
            app.gql(RESPOND, json!({"id": pairing, "yes": true}), guide.token())
                .await;
            let logged = app
                .gql(
                    "mutation($id: ID!) { logMentoringSession(pairingId: $id, input: {heldAt: \"2026-11-27T10:00:00Z\", minutes: 30, notes: \"n\"}) { minutes } }",
                    json!({"id": pairing}),
                    guide.token(),
                )
                .await;
            assert!(logged.get("errors").is_none(), "{logged}");
            app.gql(
                "mutation($id: ID!) { leaveFeedback(pairingId: $id, input: {rating: 5, comment: \"c\"}) { rating } }",
                json!({"id": pairing}),
                learner.token(),
            )
            .await;
        }
    }

    app.wait_until_mail_settled().await;
    let (_, two) = page_cost(&app, NOTICES, json!({"first": 2}), many.token().unwrap()).await;
    let (body, eight) = page_cost(&app, NOTICES, json!({"first": 8}), many.token().unwrap()).await;
    let edges = body["data"]["notifications"]["edges"].as_array().unwrap();
    assert_eq!(edges.len(), 8);
    assert!(
        edges
            .iter()
            .all(|e| e["node"]["subject"]["status"] == "ACTIVE"
                && e["node"]["subject"]["learner"]["displayName"].is_string()),
        "{body}"
    );
    assert_eq!(two, eight, "notification subjects load per item");
    // The page with each subject and its parties.
    assert!(eight <= 2, "notifications ran {eight} statements");

    let (_, for_two) = page_cost(&app, PAIRINGS, json!({}), few.token().unwrap()).await;
    let (body, for_eight) = page_cost(&app, PAIRINGS, json!({}), many.token().unwrap()).await;
    let pairings = body["data"]["myPairings"].as_array().unwrap();
    assert_eq!(pairings.len(), 8);
    assert!(
        pairings
            .iter()
            .all(|p| p["sessions"].as_array().unwrap().len() == 1)
    );
    assert_eq!(for_two, for_eight, "sessions or feedback load per pairing");
    // The pairings with both parties and their sessions, then their feedback.
    assert!(for_eight <= 2, "pairings ran {for_eight} statements");

    // Each pairing reads the same through node(id), where loaders read it.
    const PAIRING: &str = "... on Pairing { id status mentor { id displayName }
        learner { id displayName } sessions { minutes notes author { id displayName } }
        feedback { rating comment author { id displayName } } }";
    // The mentor (the learners' feedback still hidden) and a learner (their own shown).
    let mut feedback_seen = false;
    for who in [many, &people[4]] {
        let token = who.token().unwrap();
        let listed = app
            .gql(
                &format!("{{ myPairings {{ {PAIRING} }} }}"),
                json!({}),
                Some(token),
            )
            .await;
        let pairings = listed["data"]["myPairings"]
            .as_array()
            .unwrap_or_else(|| panic!("{listed}"))
            .clone();
        assert!(!pairings.is_empty(), "{listed}");
        feedback_seen |= pairings
            .iter()
            .any(|p| p["feedback"].as_array().is_some_and(|f| !f.is_empty()));
        each_alone(&app, token, PAIRING, &pairings).await;
    }
    assert!(feedback_seen, "no feedback to compare");
}

/// The skill catalogue is kept in memory by each instance; a skill added
/// through another instance shows on this one's board at once, before any
/// event about it could arrive (on SQLite, processes share none).
#[tokio::test]
async fn a_skill_added_through_another_instance_shows_on_this_ones_board() {
    let app = spawn_app().await;
    let admin = app.sign_up("Org", "a@example.fi").await;
    let facilitator = app.add_member(&admin, "f@example.fi", "MEMBER").await;
    let clinic = app
        .schedule_clinic(
            &admin,
            &facilitator.user_id,
            "2027-03-01T10:00:00Z",
            "2027-03-01T11:00:00Z",
            5,
        )
        .await;
    let (reader, writer) = (app.process().await, app.process().await);
    let token = app.real_time_tokens(&[&admin]).await.remove(0);
    const SKILLS: &str = "{ clinics(first: 5) { edges { node { id skills { name } } } } }";
    let names = |body: &Value| -> Vec<String> {
        body["data"]["clinics"]["edges"][0]["node"]["skills"]
            .as_array()
            .unwrap_or_else(|| panic!("{body}"))
            .iter()
            .map(|skill| skill["name"].as_str().unwrap_or_default().to_owned())
            .collect()
    };
    // The reader's board reads and keeps the catalogue.
    let before = reader.gql(SKILLS, json!({}), Some(&token)).await;
    assert!(
        !names(&before).contains(&"Bluesky threads".to_owned()),
        "{before}"
    );

    let added = writer
        .gql(
            "mutation { addSkill(input: {name: \"Bluesky threads\", kind: PLATFORM}) { id } }",
            json!({}),
            Some(&token),
        )
        .await;
    let skill = added["data"]["addSkill"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{added}"))
        .to_owned();
    let updated = writer
        .gql(
            "mutation($id: ID!, $skills: [ID!]) { updateClinic(id: $id, input: {skillIds: $skills}) { id } }",
            json!({"id": clinic, "skills": [skill]}),
            Some(&token),
        )
        .await;
    assert!(updated.get("errors").is_none(), "{updated}");

    let after = reader.gql(SKILLS, json!({}), Some(&token)).await;
    assert_eq!(
        names(&after),
        ["Bluesky threads"],
        "{after}\n{}",
        reader.troubles()
    );
}

#[tokio::test]
async fn a_page_of_plan_goals_with_their_figures_costs_the_same_for_5_or_40_goals() {
    let app = patient_app().await;
    let data = seeded(&app).await;
    let admin = token(&app, data.admin_id).await;
    let skills = app
        .gql("{ skills { id kind } }", json!({}), Some(&admin))
        .await;
    let platforms: Vec<String> = skills["data"]["skills"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["kind"] == "PLATFORM")
        .map(|s| s["id"].as_str().unwrap().to_owned())
        .collect();
    for i in 0..40 {
        let body = app
            .gql(
                "mutation($p: ID!, $t: Float!) { proposePlanGoal(input: {title: \"Goal\", platformId: $p,
                    metric: INTERACTIONS, target: $t, startsOn: \"2026-10-15\", dueOn: \"2027-06-30\"}) { id } }",
                json!({"p": platforms[i % platforms.len()], "t": 1e9 + i as f64}),
                Some(&admin),
            )
            .await;
        let id = body["data"]["proposePlanGoal"]["id"].clone();
        app.gql(
            "mutation($id: ID!) { decidePlanGoal(id: $id, accept: true) { id } }",
            json!({"id": id}),
            Some(&admin),
        )
        .await;
    }
    const GOALS: &str = "query($first: Int) { planGoals(first: $first) { totalCount edges { node {
        title status baseline current progress platform { name } proposedBy { displayName } } } } }";
    let (_, five) = page_cost(&app, GOALS, json!({"first": 5}), &admin).await;
    let (all, forty) = page_cost(&app, GOALS, json!({"first": 40}), &admin).await;
    let edges = all["data"]["planGoals"]["edges"].as_array().unwrap();
    assert_eq!(edges.len(), 40);
    // The seeded channels are on a few platforms: their goals have figures.
    assert!(edges.iter().all(|e| e["node"]["status"] == "ACCEPTED"));
    let measured = edges
        .iter()
        .filter(|e| e["node"]["current"].is_number())
        .count();
    assert!(measured >= 5, "{all}");
    assert_eq!(five, forty, "statements grow with the page");

    // A clinic board asking for each clinic's questions: one more statement.
    const BOARD: &str =
        "query($first: Int) { clinics(first: $first) { edges { node { id questions { id } } } } }";
    let (_, five) = page_cost(&app, BOARD, json!({"first": 5}), &admin).await;
    let (_, hundred) = page_cost(&app, BOARD, json!({"first": 100}), &admin).await;
    assert_eq!(five, hundred, "statements grow with the board");
}

/// A page of notifications about every kind of subject reads each subject
/// as `node(id)` does, in the same statements for a short and a long page.
#[tokio::test]
async fn notifications_about_every_kind_of_subject_read_as_their_nodes_in_one_statement() {
    use crate::mentoring::{mentor, proposal};
    let app = production_app().await;
    let admin = app.sign_up("Kirjo Oy", "kirjo@example.fi").await;
    let people = app.bulk_members(&admin, 4).await;
    let (reader, learner, asker, holder) = (&people[0], &people[1], &people[2], &people[3]);
    let linkedin = app.skill_id(&admin, "linkedin").await;
    let gql = |query: &'static str, vars: Value, who: &Session| {
        let app = &app;
        let token = who.access_token.clone();
        async move {
            let body = app.gql(query, vars, Some(&token)).await;
            assert!(body.get("errors").is_none(), "{query}: {body}");
            body
        }
    };
    const REGISTER: &str = "mutation($id: ID!) { registerForClinic(clinicId: $id) { id } }";
    // A question on the clinic the reader runs (ClinicQuestion).
    let hosted = app
        .schedule_clinic(
            &admin,
            &reader.user_id,
            "2027-02-01T10:00:00Z",
            "2027-02-01T11:00:00Z",
            5,
        )
        .await;
    gql(REGISTER, json!({"id": hosted}), asker).await;
    gql(
        "mutation($c: ID!) { askClinicQuestion(clinicId: $c, text: \"Reach?\", anonymous: true) { id } }",
        json!({"c": hosted}),
        asker,
    )
    .await;
    // A goal the reader proposed, accepted (PlanGoal).
    let goal = gql(
        "mutation($p: ID!) { proposePlanGoal(input: {title: \"More\", platformId: $p, metric: POSTS,
            target: 40, startsOn: \"2026-11-01\", dueOn: \"2027-03-31\"}) { id } }",
        json!({"p": linkedin}),
        reader,
    )
    .await["data"]["proposePlanGoal"]["id"]
        .clone();
    gql(
        "mutation($id: ID!) { decidePlanGoal(id: $id, accept: true) { id } }",
        json!({"id": goal}),
        &admin,
    )
    .await;
    // A waitlisted place given when the holder cancels (ClinicRegistration).
    let full = app
        .schedule_clinic(
            &admin,
            &admin.user_id,
            "2027-02-02T10:00:00Z",
            "2027-02-02T11:00:00Z",
            1,
        )
        .await;
    let held =
        gql(REGISTER, json!({"id": full}), holder).await["data"]["registerForClinic"]["id"].clone();
    gql(REGISTER, json!({"id": full}), reader).await;
    gql(
        "mutation($id: ID!) { cancelRegistration(registrationId: $id) { status } }",
        json!({"id": held}),
        holder,
    )
    .await;
    // A clinic the reader holds a place in, cancelled (Clinic).
    gql(
        "mutation($id: ID!) { cancelClinic(id: $id, reason: \"Flu\") { id } }",
        json!({"id": full}),
        &admin,
    )
    .await;
    // A proposal to the reader as mentor (Pairing).
    mentor(&app, reader, &linkedin, 5, 3).await;
    proposal(&app, learner, reader, &linkedin).await;

    const PAGE: &str =
        "query($first: Int!) { notifications(first: $first) { totalCount edges { node {
        kind subject { __typename id ... on Pairing { learner { displayName } } } } } } }";
    let token = reader.token().unwrap();
    let (body, long) = page_cost(&app, PAGE, json!({"first": 50}), token).await;
    let (_, short) = page_cost(&app, PAGE, json!({"first": 2}), token).await;
    let subjects: Vec<Value> = body["data"]["notifications"]["edges"]
        .as_array()
        .unwrap_or_else(|| panic!("{body}"))
        .iter()
        .map(|edge| edge["node"]["subject"].clone())
        .collect();
    let mut kinds: Vec<&str> = subjects
        .iter()
        .filter_map(|subject| subject["__typename"].as_str())
        .collect();
    kinds.sort_unstable();
    kinds.dedup();
    assert_eq!(
        kinds,
        [
            "Clinic",
            "ClinicQuestion",
            "ClinicRegistration",
            "Pairing",
            "PlanGoal"
        ],
        "{body}"
    );
    for subject in &subjects {
        let alone = app
            .gql(
                "query($id: ID!) { node(id: $id) { __typename id ... on Pairing { learner { displayName } } } }",
                json!({"id": subject["id"]}),
                Some(token),
            )
            .await;
        assert_eq!(&alone["data"]["node"], subject, "{alone}");
    }
    assert_eq!(short, long, "statements grow with the page");
    assert!(long <= 2, "the notifications page ran {long} statements");
}
