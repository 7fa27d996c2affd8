//! GraphQL semantics and the contract's smaller rules: field errors become
//! nulls that propagate as the specification says, keys follow the
//! selection, and the long tail of rules found by trying the API as a
//! frontend developer would.

use reqwest::header::{ACCEPT, CONTENT_TYPE, VARY};
use serde_json::{Value, json};

use crate::helpers::{Session, TestApp, error_code, spawn_app};
use crate::mentoring::{PROPOSE, mentor, request};

/// POSTs a document and returns the body as text, in the server's key order.
async fn raw(app: &TestApp, query: &str, variables: Value, token: Option<&str>) -> String {
    let mut request = app
        .client
        .post(format!("{}/graphql", app.address))
        .json(&json!({"query": query, "variables": variables}));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.send().await.unwrap().text().await.unwrap()
}

/// The top-level keys of each JSON object in `text`, as written, for the
/// object that starts right after `"<key>":` (or the root when `key` is empty).
fn keys_of(text: &str, key: &str) -> Vec<String> {
    let start = if key.is_empty() {
        text.find("\"data\":").map(|i| i + 7).unwrap()
    } else {
        text.find(&format!("\"{key}\":"))
            .map(|i| i + key.len() + 3)
            .unwrap()
    };
    let bytes = text.as_bytes();
    let mut depth = 0;
    let mut keys = Vec::new();
    let mut i = start;
    while i < bytes.len() {
        match bytes[i] {
            b'{' | b'[' => depth += 1,
            b'}' | b']' => {
                depth -= 1;
                if depth == 0 {
                    break;
                }
            }
            b'"' => {
                let end = i + 1 + text[i + 1..].find('"').unwrap();
                if depth == 1 && bytes.get(end + 1) == Some(&b':') {
                    keys.push(text[i + 1..end].to_owned());
                }
                i = end;
            }
            _ => {}
        }
        i += 1;
    }
    keys
}

#[tokio::test]
async fn a_failed_nullable_root_field_is_null_in_its_place() {
    let app = spawn_app().await;
    let admin = app.sign_up("Org", "a@example.fi").await;
    let text = raw(
        &app,
        "{ me { id } a: node(id: \"xyz\") { id } organisation { name } }",
        json!({}),
        admin.token(),
    )
    .await;
    let body: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(body["data"]["a"], Value::Null, "{text}");
    assert_eq!(error_code(&body), Some("BAD_USER_INPUT"));
    assert_eq!(body["errors"][0]["path"], json!(["a"]));
    assert_eq!(keys_of(&text, ""), ["me", "a", "organisation"], "{text}");
    // Alone, it is {"node": null}, not data: null.
    let alone = app
        .gql("{ node(id: \"xyz\") { id } }", json!({}), admin.token())
        .await;
    assert_eq!(alone["data"], json!({"node": null}), "{alone}");
}

#[tokio::test]
async fn a_failed_non_null_root_field_makes_data_null() {
    let app = spawn_app().await;
    let admin = app.sign_up("Org", "a@example.fi").await;
    let member = app.add_member(&admin, "m@example.fi", "MEMBER").await;
    let body = app
        .gql(
            "{ me { id } skillMap { rows { gap } } }",
            json!({}),
            member.token(),
        )
        .await;
    assert_eq!(body["data"], Value::Null, "{body}");
    assert_eq!(error_code(&body), Some("FORBIDDEN"));
    assert_eq!(body["errors"][0]["path"], json!(["skillMap"]));
}

#[tokio::test]
async fn a_failed_non_null_field_in_a_list_nulls_up_to_the_nearest_nullable_field() {
    let app = spawn_app().await;
    let admin = app.sign_up("Org", "a@example.fi").await;
    let member = app.add_member(&admin, "m@example.fi", "MEMBER").await;
    // Other members' registrations are FORBIDDEN to a member; the field is
    // non-null, so is every step above it up to data.
    let body = app
        .gql(
            "{ members { edges { node { id clinicRegistrations(first: 1) { totalCount } } } } }",
            json!({}),
            member.token(),
        )
        .await;
    assert_eq!(body["data"], Value::Null, "{body}");
    assert!(
        body["errors"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["extensions"]["code"] == "FORBIDDEN")
    );
    // Inside a nullable list item the null stops at the item.
    let clinic = app
        .schedule_clinic(
            &admin,
            &admin.user_id,
            "2027-01-10T10:00:00Z",
            "2027-01-10T11:00:00Z",
            3,
        )
        .await;
    let text = raw(
        &app,
        "query($ids: [ID!]!) { nodes(ids: $ids) { ... on Clinic { title registrations(first: 1) { totalCount } } } me { id } }",
        json!({"ids": [clinic, clinic]}),
        member.token(),
    )
    .await;
    let body: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(body["data"]["nodes"], json!([null, null]), "{text}");
    assert_eq!(body["data"]["me"]["id"], member.user_id.as_str());
    assert_eq!(
        body["errors"][0]["path"],
        json!(["nodes", 0, "registrations"])
    );
    // And an admin, who may see them, gets the objects in selection order.
    let text = raw(
        &app,
        "query($id: ID!) { node(id: $id) { ... on Clinic { registrations(first: 1) { totalCount } title } } }",
        json!({"id": clinic}),
        admin.token(),
    )
    .await;
    assert_eq!(keys_of(&text, "node"), ["registrations", "title"], "{text}");
}

#[tokio::test]
async fn keys_follow_the_selection_order_even_when_fields_finish_out_of_order() {
    let app = spawn_app().await;
    let admin = app.sign_up("Org", "a@example.fi").await;
    let p = app.bulk_members(&admin, 2).await;
    let linkedin = app.skill_id(&admin, "linkedin").await;
    mentor(&app, &p[0], &linkedin, 5, 2).await;
    let req = request(&app, &p[1], &[&linkedin]).await;
    for _ in 0..5 {
        let text = raw(
            &app,
            "{ me { email id } organisation { name id } }",
            json!({}),
            admin.token(),
        )
        .await;
        assert_eq!(keys_of(&text, ""), ["me", "organisation"], "{text}");
        assert_eq!(keys_of(&text, "me"), ["email", "id"], "{text}");
        let text = raw(
            &app,
            "query($r: ID!) { mentorSuggestions(requestId: $r) { mentor { displayName id } score reasons { points skill { name } } } }",
            json!({"r": req}),
            p[1].token(),
        )
        .await;
        assert!(
            text.find("\"mentor\"").unwrap() < text.find("\"score\"").unwrap(),
            "{text}"
        );
        assert!(
            text.find("\"score\"").unwrap() < text.find("\"reasons\"").unwrap(),
            "{text}"
        );
        assert_eq!(keys_of(&text, "mentor"), ["displayName", "id"], "{text}");
    }
}

#[tokio::test]
async fn withdrawing_a_request_tells_the_proposed_mentor() {
    let app = spawn_app().await;
    let admin = app.sign_up("Org", "a@example.fi").await;
    let p = app.bulk_members(&admin, 2).await;
    let linkedin = app.skill_id(&admin, "linkedin").await;
    mentor(&app, &p[0], &linkedin, 5, 2).await;
    let req = request(&app, &p[1], &[&linkedin]).await;
    app.gql(PROPOSE, json!({"r": req, "m": p[0].user_id}), p[1].token())
        .await;
    let body = app
        .gql(
            "mutation($id: ID!) { withdrawMentoringRequest(id: $id) { status } }",
            json!({"id": req}),
            p[1].token(),
        )
        .await;
    assert_eq!(
        body["data"]["withdrawMentoringRequest"]["status"],
        "WITHDRAWN"
    );
    let told = app
        .gql(
            "{ notifications { edges { node { kind } } } }",
            json!({}),
            p[0].token(),
        )
        .await;
    let kinds: Vec<&Value> = told["data"]["notifications"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["node"]["kind"])
        .collect();
    assert_eq!(
        kinds,
        [&json!("PAIRING_CANCELLED"), &json!("PAIRING_PROPOSED")],
        "{told}"
    );
}

async fn published_course(
    app: &TestApp,
    admin: &Session,
    lessons: usize,
    capacity: i32,
) -> (String, Vec<String>) {
    let created = app
        .gql("mutation($c: Int) { createCourse(input: {title: \"C\", summary: \"S\", capacity: $c}) { id } }", json!({"c": capacity}), admin.token())
        .await;
    let id = created["data"]["createCourse"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut ids = Vec::new();
    for n in 0..lessons {
        let added = app
            .gql(
                "mutation($id: ID!, $t: String!) { addLesson(courseId: $id, input: {title: $t, body: \"B\", estimatedMinutes: 5}) { id } }",
                json!({"id": id, "t": format!("L{n}")}),
                admin.token(),
            )
            .await;
        ids.push(
            added["data"]["addLesson"]["id"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }
    app.gql(
        "mutation($id: ID!) { publishCourse(id: $id) { status } }",
        json!({"id": id}),
        admin.token(),
    )
    .await;
    (id, ids)
}

#[tokio::test]
async fn an_archived_course_stays_as_it_was_and_lessons_stay_numbered() {
    let app = spawn_app().await;
    let admin = app.sign_up("Org", "a@example.fi").await;
    let p = app.bulk_members(&admin, 2).await;
    let (course, lessons) = published_course(&app, &admin, 3, 1).await;
    const REMOVE: &str = "mutation($id: ID!) { removeLesson(id: $id) { id } }";
    const POSITIONS: &str =
        "query($id: ID!) { node(id: $id) { ... on Course { lessons { position } } } }";
    app.gql(REMOVE, json!({"id": lessons[1]}), admin.token())
        .await;
    let read = app
        .gql(POSITIONS, json!({"id": course}), admin.token())
        .await;
    assert_eq!(
        read["data"]["node"]["lessons"],
        json!([{"position": 1}, {"position": 2}]),
        "{read}"
    );
    app.gql(REMOVE, json!({"id": lessons[2]}), admin.token())
        .await;
    // The last lesson of a published course stays.
    let last = app
        .gql(REMOVE, json!({"id": lessons[0]}), admin.token())
        .await;
    assert_eq!(error_code(&last), Some("CONFLICT"), "{last}");

    // A member waits for the one place; archiving ends the waitlist…
    app.gql(
        "mutation($id: ID!) { enrolInCourse(courseId: $id) { status } }",
        json!({"id": course}),
        p[0].token(),
    )
    .await;
    let waiting = app
        .gql(
            "mutation($id: ID!) { enrolInCourse(courseId: $id) { status } }",
            json!({"id": course}),
            p[1].token(),
        )
        .await;
    assert_eq!(waiting["data"]["enrolInCourse"]["status"], "WAITLISTED");
    let archived = app
        .gql(
            "mutation($id: ID!) { archiveCourse(id: $id) { status waitlistLength } }",
            json!({"id": course}),
            admin.token(),
        )
        .await;
    assert_eq!(
        archived["data"]["archiveCourse"],
        json!({"status": "ARCHIVED", "waitlistLength": 0}),
        "{archived}"
    );
    // …and nothing about it changes any more.
    let updated = app
        .gql("mutation($id: ID!) { updateCourse(id: $id, input: {capacity: 10, title: \"New\"}) { id } }", json!({"id": course}), admin.token())
        .await;
    assert_eq!(error_code(&updated), Some("CONFLICT"), "{updated}");
    assert_eq!(
        updated["errors"][0]["message"],
        "an archived course cannot change"
    );
    let republished = app
        .gql(
            "mutation($id: ID!) { publishCourse(id: $id) { status } }",
            json!({"id": course}),
            admin.token(),
        )
        .await;
    assert_eq!(
        republished["errors"][0]["message"], "an archived course cannot become published",
        "{republished}"
    );
    let told = app
        .gql("{ notifications { totalCount } }", json!({}), p[1].token())
        .await;
    assert_eq!(
        told["data"]["notifications"]["totalCount"], 0,
        "no promotion was announced"
    );
}

#[tokio::test]
async fn dates_the_contract_cannot_write_are_refused() {
    let app = spawn_app().await;
    let admin = app.sign_up("Org", "a@example.fi").await;
    let schedule = |starts: &str, ends: &str, recurrence: Value| {
        json!({"input": {"title": "T", "facilitatorId": admin.user_id, "startsAt": starts, "endsAt": ends,
            "timezone": "Europe/Helsinki", "capacity": 5, "recurrence": recurrence}})
    };
    const SCHEDULE: &str =
        "mutation($input: ScheduleClinicInput!) { scheduleClinic(input: $input) { id } }";
    let far = app
        .gql(
            SCHEDULE,
            schedule(
                "+10000-01-03T10:00:00Z",
                "+10000-01-03T11:00:00Z",
                Value::Null,
            ),
            admin.token(),
        )
        .await;
    assert_eq!(error_code(&far), Some("BAD_USER_INPUT"), "{far}");
    let past_9999 = app
        .gql(
            SCHEDULE,
            schedule(
                "9999-12-20T10:00:00Z",
                "9999-12-20T11:00:00Z",
                json!({"weeklyCount": 3}),
            ),
            admin.token(),
        )
        .await;
    assert_eq!(
        error_code(&past_9999),
        Some("BAD_USER_INPUT"),
        "{past_9999}"
    );
    assert_eq!(past_9999["errors"][0]["extensions"]["field"], "recurrence");
}

#[tokio::test]
async fn derived_skill_keys_follow_the_same_rule_as_given_ones() {
    let app = spawn_app().await;
    let admin = app.sign_up("Org", "a@example.fi").await;
    const ADD: &str = "mutation($n: String!, $k: String) { addSkill(input: {name: $n, kind: COMPETENCY, key: $k}) { key } }";
    let derived = app
        .gql(ADD, json!({"n": "Kuntaviestintä"}), admin.token())
        .await;
    assert_eq!(
        derived["data"]["addSkill"]["key"], "kuntaviestinta",
        "{derived}"
    );
    let given = app
        .gql(
            ADD,
            json!({"n": "Ääni ja öljy", "k": "aani-oljy"}),
            admin.token(),
        )
        .await;
    assert_eq!(given["data"]["addSkill"]["key"], "aani-oljy", "{given}");
    // The derived form of that name is the same key: taken.
    let again = app.gql(ADD, json!({"n": "Ääni-öljy"}), admin.token()).await;
    assert_eq!(again["errors"][0]["extensions"]["field"], "key", "{again}");
    let refused = app
        .gql(ADD, json!({"n": "X", "k": "kuntaviestintä"}), admin.token())
        .await;
    assert_eq!(refused["errors"][0]["extensions"]["field"], "key");
}

#[tokio::test]
async fn clinic_changes_keep_the_seat_rules() {
    let app = spawn_app().await;
    let admin = app.sign_up("Org", "a@example.fi").await;
    let p = app.bulk_members(&admin, 4).await;
    let clinic = app
        .schedule_clinic(
            &admin,
            &p[0].user_id,
            "2026-11-28T09:05:00Z",
            "2026-11-28T11:00:00Z",
            1,
        )
        .await;
    const REGISTER: &str = "mutation($id: ID!) { registerForClinic(clinicId: $id) { id status } }";
    let held = app.gql(REGISTER, json!({"id": clinic}), p[1].token()).await;
    app.gql(REGISTER, json!({"id": clinic}), p[2].token()).await;

    // A member holding a seat cannot become the facilitator.
    const UPDATE: &str = "mutation($id: ID!, $input: UpdateClinicInput!) { updateClinic(id: $id, input: $input) { id } }";
    let swap = app
        .gql(
            UPDATE,
            json!({"id": clinic, "input": {"facilitatorId": p[1].user_id}}),
            admin.token(),
        )
        .await;
    assert_eq!(error_code(&swap), Some("CONFLICT"), "{swap}");

    // Changing only the end moves nothing: nobody is told it moved.
    let longer = app
        .gql(
            UPDATE,
            json!({"id": clinic, "input": {"endsAt": "2026-11-28T11:30:00Z"}}),
            admin.token(),
        )
        .await;
    assert!(longer["data"]["updateClinic"]["id"].is_string(), "{longer}");
    let told = app
        .gql("{ notifications { totalCount } }", json!({}), p[1].token())
        .await;
    assert_eq!(told["data"]["notifications"]["totalCount"], 0, "{told}");

    // Once it has started, a freed seat or a raised capacity promotes nobody.
    app.clock.advance(chrono::Duration::minutes(10));
    let cancelled = app
        .gql(
            "mutation($id: ID!) { cancelRegistration(registrationId: $id) { status } }",
            json!({"id": held["data"]["registerForClinic"]["id"]}),
            p[1].token(),
        )
        .await;
    assert_eq!(
        cancelled["data"]["cancelRegistration"]["status"], "CANCELLED",
        "{cancelled}"
    );
    let raised = app
        .gql(
            UPDATE,
            json!({"id": clinic, "input": {"capacity": 5}}),
            admin.token(),
        )
        .await;
    assert!(raised["data"]["updateClinic"]["id"].is_string(), "{raised}");
    let waiting = app.gql("{ notifications { totalCount } me { clinicRegistrations { edges { node { status } } } } }", json!({}), p[2].token()).await;
    assert_eq!(
        waiting["data"]["notifications"]["totalCount"], 0,
        "{waiting}"
    );
    assert_eq!(
        waiting["data"]["me"]["clinicRegistrations"]["edges"][0]["node"]["status"],
        "WAITLISTED"
    );
}

#[tokio::test]
async fn a_session_cannot_be_logged_before_its_pairing_existed() {
    let app = spawn_app().await;
    let admin = app.sign_up("Org", "a@example.fi").await;
    let p = app.bulk_members(&admin, 2).await;
    let linkedin = app.skill_id(&admin, "linkedin").await;
    mentor(&app, &p[0], &linkedin, 5, 2).await;
    let pairing = crate::mentoring::proposal(&app, &p[1], &p[0], &linkedin).await;
    app.gql(
        "mutation($id: ID!) { respondToPairing(pairingId: $id, accept: true) { status } }",
        json!({"id": pairing}),
        p[0].token(),
    )
    .await;
    const LOG: &str = "mutation($id: ID!, $at: DateTime!) { logMentoringSession(pairingId: $id, input: {heldAt: $at, minutes: 30, notes: \"\"}) { minutes } }";
    let ancient = app
        .gql(
            LOG,
            json!({"id": pairing, "at": "1990-01-01T10:00:00Z"}),
            p[0].token(),
        )
        .await;
    assert_eq!(
        ancient["errors"][0]["extensions"]["field"], "heldAt",
        "{ancient}"
    );
    let today = app
        .gql(
            LOG,
            json!({"id": pairing, "at": "2026-11-28T08:00:00Z"}),
            p[0].token(),
        )
        .await;
    assert_eq!(
        today["data"]["logMentoringSession"]["minutes"], 30,
        "{today}"
    );
}

#[tokio::test]
async fn one_rule_for_ids_of_the_wrong_kind_and_ids_of_nothing() {
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
    let req = request(&app, &admin, &[&app.skill_id(&admin, "linkedin").await]).await;
    let missing_skill =
        voimavara_api::graphql::ids::encode(voimavara_api::graphql::ids::Kind::Skill, 99_999).0;
    let missing_user =
        voimavara_api::graphql::ids::encode(voimavara_api::graphql::ids::Kind::User, 99_999).0;
    let cases = [
        (
            "mutation($id: ID!) { setMySkill(input: {skillId: $id, level: 3}) { id } }",
            json!({"id": admin.user_id}),
            "BAD_USER_INPUT",
            Some("skillId"),
        ),
        (
            "mutation($id: ID!) { setMyLearningGoals(skillIds: [$id]) { id } }",
            json!({"id": admin.user_id}),
            "BAD_USER_INPUT",
            Some("skillIds"),
        ),
        (
            "mutation($r: ID!, $m: ID!) { proposePairing(input: {requestId: $r, mentorId: $m}) { id } }",
            json!({"r": req, "m": clinic}),
            "BAD_USER_INPUT",
            Some("mentorId"),
        ),
        (
            "mutation($id: ID!) { setMySkill(input: {skillId: $id, level: 3}) { id } }",
            json!({"id": missing_skill}),
            "NOT_FOUND",
            None,
        ),
        (
            "mutation($id: ID!) { setMyLearningGoals(skillIds: [$id]) { id } }",
            json!({"id": missing_skill}),
            "NOT_FOUND",
            None,
        ),
        (
            "mutation($r: ID!, $m: ID!) { proposePairing(input: {requestId: $r, mentorId: $m}) { id } }",
            json!({"r": req, "m": missing_user}),
            "NOT_FOUND",
            None,
        ),
    ];
    for (query, variables, code, field) in cases {
        let body = app.gql(query, variables.clone(), admin.token()).await;
        assert_eq!(error_code(&body), Some(code), "{query} {variables}: {body}");
        assert_eq!(
            body["errors"][0]["extensions"]["field"].as_str(),
            field,
            "{body}"
        );
    }
}

#[tokio::test]
async fn health_and_feeds_answer_head_and_refuse_other_methods() {
    let app = spawn_app().await;
    let admin = app.sign_up("Org", "a@example.fi").await;
    let me = app
        .gql("{ me { calendarUrl } }", json!({}), admin.token())
        .await;
    let feed = me["data"]["me"]["calendarUrl"].as_str().unwrap().to_owned();
    for url in [
        format!("{}/healthz", app.address),
        format!("{}/readyz", app.address),
        feed.clone(),
    ] {
        let head = app.client.head(&url).send().await.unwrap();
        assert_eq!(head.status(), 200, "HEAD {url}");
        let post = app.client.post(&url).send().await.unwrap();
        assert_eq!(post.status(), 405, "POST {url}");
        assert!(post.headers()["allow"].to_str().unwrap().contains("GET"));
    }
}

#[tokio::test]
async fn older_clients_get_application_json_and_every_answer_says_it_varies_by_accept() {
    let app = spawn_app().await;
    for accept in [None, Some("*/*"), Some("application/*")] {
        let mut request = app
            .client
            .post(format!("{}/graphql", app.address))
            .json(&json!({"query": "{ noSuchField }"}));
        if let Some(accept) = accept {
            request = request.header(ACCEPT, accept);
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), 200, "{accept:?}");
        assert!(
            response.headers()[CONTENT_TYPE]
                .to_str()
                .unwrap()
                .starts_with("application/json"),
            "{accept:?}"
        );
        assert!(
            response.headers()[VARY]
                .to_str()
                .unwrap()
                .contains("Accept"),
            "{accept:?}"
        );
    }
}

#[tokio::test]
async fn a_document_answered_before_is_validated_again_for_other_variables() {
    let app = spawn_app().await;
    let query = "query Type($name: String!) { __type(name: $name) { name } }";
    let wrong = json!({ "name": 5 });
    // The same operation, first seen with the wrong variables (another text,
    // so another kept document).
    let first = raw(&app, &format!("{query} "), wrong.clone(), None).await;
    assert!(first.contains("Invalid value for argument"), "{first}");
    for _ in 0..2 {
        let answered = raw(&app, query, json!({ "name": "Clinic" }), None).await;
        assert_eq!(
            answered, r#"{"data":{"__type":{"name":"Clinic"}}}"#,
            "answered, and again once remembered"
        );
    }
    let again = raw(&app, query, wrong, None).await;
    assert_eq!(
        again, first,
        "validated as a document seen for the first time"
    );
    let other = raw(
        &app,
        &format!("{query} query Other {{ __typename }}"),
        json!({}),
        None,
    )
    .await;
    assert!(other.contains("Operation name required"), "{other}");
}
