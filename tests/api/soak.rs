//! Nothing lost: thousands of interleaved operations from many concurrent
//! clients (registrations, cancellations, capacity changes, pairing
//! proposals, answers and cancellations), some of them abandoned by their
//! client mid-request, and then every invariant checked in the database and
//! through the API.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use sea_orm::{ConnectionTrait, Statement};
use serde_json::{Value, json};

use crate::helpers::{Session, TestApp, spawn_app};

const CLIENTS: u64 = 16;
const OPERATIONS_PER_CLIENT: usize = 130;
const MENTORS: usize = 4;

const REGISTER: &str = "mutation($id: ID!) { registerForClinic(clinicId: $id) { id status } }";
const CANCEL: &str = "mutation($id: ID!) { cancelRegistration(registrationId: $id) { id } }";
const CAPACITY: &str =
    "mutation($id: ID!, $c: Int!) { updateClinic(id: $id, input: {capacity: $c}) { id } }";
const REQUEST: &str = "mutation($s: ID!) { requestMentoring(input: {skillIds: [$s]}) { id } }";
const PROPOSE: &str =
    "mutation($r: ID!, $m: ID!) { proposePairing(input: {requestId: $r, mentorId: $m}) { id } }";
const MINE: &str = "{ myPairings { id status mentor { id } } }";
const RESPOND: &str =
    "mutation($id: ID!, $a: Boolean!) { respondToPairing(pairingId: $id, accept: $a) { id } }";
const END: &str = "mutation($id: ID!) { cancelPairing(id: $id, reason: \"plans changed\") { id } }";

/// What all clients share.
struct World {
    admin: Session,
    mentors: Vec<Session>,
    learners: Vec<Session>,
    clinics: Vec<String>,
    linkedin: String,
    /// The largest capacity each clinic was ever asked to have.
    max_capacity: Mutex<HashMap<String, i64>>,
    /// Registrations that were answered WAITLISTED.
    waitlisted: Mutex<Vec<String>>,
}

/// Sends one operation; with `abandon`, gives up after a few milliseconds
/// (the connection closes mid-request). Returns the body when one came back.
async fn send(
    app: &TestApp,
    token: &str,
    query: &str,
    variables: Value,
    abandon: Option<Duration>,
) -> Option<Value> {
    let mut request = app
        .client
        .post(format!("{}/graphql", app.address))
        .bearer_auth(token)
        .json(&json!({"query": query, "variables": variables}));
    if let Some(after) = abandon {
        request = request.timeout(after);
    }
    let response = match request.send().await {
        Ok(response) => response,
        Err(err) if abandon.is_some() && err.is_timeout() => return None,
        Err(err) => panic!("{query}: {err}"),
    };
    assert!(
        response.status().as_u16() < 500,
        "{query}: {}",
        response.status()
    );
    match response.json::<Value>().await {
        Ok(body) => {
            for error in body["errors"].as_array().into_iter().flatten() {
                let code = error["extensions"]["code"].as_str().unwrap_or_default();
                assert!(
                    ["NOT_FOUND", "CONFLICT", "FORBIDDEN", "BAD_USER_INPUT"].contains(&code),
                    "{query}: {body}"
                );
            }
            Some(body)
        }
        Err(err) if abandon.is_some() && err.is_timeout() => None,
        Err(err) => panic!("{query}: {err}"),
    }
}

async fn client(app: &TestApp, world: &World, seed: u64) -> usize {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut registrations: Vec<(String, String)> = Vec::new();
    let mut sent = 0;
    while sent < OPERATIONS_PER_CLIENT {
        let abandon = rng
            .random_bool(0.1)
            .then(|| Duration::from_micros(rng.random_range(200..4000)));
        let learner = &world.learners[rng.random_range(0..world.learners.len())];
        let clinic = &world.clinics[rng.random_range(0..world.clinics.len())];
        match rng.random_range(0..100) {
            0..35 => {
                let body = send(
                    app,
                    learner.token().unwrap(),
                    REGISTER,
                    json!({"id": clinic}),
                    abandon,
                )
                .await;
                let registered = body.as_ref().map(|b| &b["data"]["registerForClinic"]);
                if let Some(id) = registered.and_then(|r| r["id"].as_str()) {
                    registrations.push((learner.access_token.clone(), id.to_owned()));
                    if registered.is_some_and(|r| r["status"] == "WAITLISTED") {
                        world.waitlisted.lock().unwrap().push(id.to_owned());
                    }
                }
                sent += 1;
            }
            35..60 => {
                if registrations.is_empty() {
                    continue;
                }
                let (token, id) =
                    registrations.swap_remove(rng.random_range(0..registrations.len()));
                send(app, &token, CANCEL, json!({"id": id}), abandon).await;
                sent += 1;
            }
            60..70 => {
                let capacity = rng.random_range(1..7);
                {
                    let mut max = world.max_capacity.lock().unwrap();
                    let entry = max.entry(clinic.clone()).or_insert(0);
                    *entry = (*entry).max(capacity);
                }
                send(
                    app,
                    world.admin.token().unwrap(),
                    CAPACITY,
                    json!({"id": clinic, "c": capacity}),
                    abandon,
                )
                .await;
                sent += 1;
            }
            70..85 => {
                let body = send(
                    app,
                    learner.token().unwrap(),
                    REQUEST,
                    json!({"s": world.linkedin}),
                    None,
                )
                .await;
                sent += 1;
                let Some(request) = body
                    .as_ref()
                    .and_then(|b| b["data"]["requestMentoring"]["id"].as_str())
                else {
                    continue;
                };
                let mentor = &world.mentors[rng.random_range(0..world.mentors.len())];
                send(
                    app,
                    learner.token().unwrap(),
                    PROPOSE,
                    json!({"r": request, "m": mentor.user_id}),
                    abandon,
                )
                .await;
                sent += 1;
            }
            _ => {
                let mentor = &world.mentors[rng.random_range(0..world.mentors.len())];
                let mine = send(app, mentor.token().unwrap(), MINE, json!({}), None).await;
                sent += 1;
                let pairings: Vec<(String, String)> = mine
                    .as_ref()
                    .and_then(|b| b["data"]["myPairings"].as_array().cloned())
                    .unwrap_or_default()
                    .iter()
                    .filter(|p| p["mentor"]["id"] == mentor.user_id.as_str())
                    .map(|p| {
                        (
                            p["id"].as_str().unwrap().to_owned(),
                            p["status"].as_str().unwrap().to_owned(),
                        )
                    })
                    .collect();
                let proposed: Vec<&String> = pairings
                    .iter()
                    .filter(|p| p.1 == "PROPOSED")
                    .map(|p| &p.0)
                    .collect();
                let active: Vec<&String> = pairings
                    .iter()
                    .filter(|p| p.1 == "ACTIVE")
                    .map(|p| &p.0)
                    .collect();
                if !proposed.is_empty() && (active.is_empty() || rng.random_bool(0.6)) {
                    let id = proposed[rng.random_range(0..proposed.len())];
                    send(
                        app,
                        mentor.token().unwrap(),
                        RESPOND,
                        json!({"id": id, "a": rng.random_bool(0.8)}),
                        abandon,
                    )
                    .await;
                    sent += 1;
                } else if !active.is_empty() {
                    let id = active[rng.random_range(0..active.len())];
                    send(
                        app,
                        mentor.token().unwrap(),
                        END,
                        json!({"id": id}),
                        abandon,
                    )
                    .await;
                    sent += 1;
                }
            }
        }
    }
    sent
}

async fn rows(app: &TestApp, sql: &str) -> Vec<Vec<i64>> {
    let backend = app.state.db.get_database_backend();
    app.state
        .db
        .query_all_raw(Statement::from_string(backend, sql))
        .await
        .unwrap()
        .iter()
        .map(|row| {
            (0..)
                .map_while(|i| row.try_get_by_index::<i64>(i).ok())
                .collect()
        })
        .collect()
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    rows(app, sql).await[0][0]
}

#[tokio::test]
async fn thousands_of_interleaved_operations_lose_nothing() {
    let app = spawn_app().await;
    let admin = app.sign_up("Kestävä Oy", "kestava@example.fi").await;
    let people = app.bulk_members(&admin, 30).await;
    let linkedin = app.skill_id(&admin, "linkedin").await;
    let (mentors, learners) = people.split_at(MENTORS);
    for mentor in mentors {
        app.gql(
            "mutation($id: ID!) { setMySkill(input: {skillId: $id, level: 5}) { level } }",
            json!({"id": linkedin}),
            mentor.token(),
        )
        .await;
        app.gql(
            "mutation { upsertMentorProfile(input: {maxMentees: 2, acceptingMentees: true}) { maxMentees } }",
            json!({}),
            mentor.token(),
        )
        .await;
    }
    let mut clinics = Vec::new();
    for day in 10..13 {
        clinics.push(
            app.schedule_clinic(
                &admin,
                &admin.user_id,
                &format!("2027-01-{day}T10:00:00Z"),
                &format!("2027-01-{day}T11:00:00Z"),
                3,
            )
            .await,
        );
    }
    let world = Arc::new(World {
        max_capacity: Mutex::new(clinics.iter().map(|c| (c.clone(), 3)).collect()),
        waitlisted: Mutex::new(Vec::new()),
        admin,
        mentors: mentors.to_vec(),
        learners: learners.to_vec(),
        clinics,
        linkedin,
    });

    let sent: usize = futures_util::future::join_all((0..CLIENTS).map(|seed| {
        let world = world.clone();
        let app = &app;
        async move { client(app, &world, seed).await }
    }))
    .await
    .into_iter()
    .sum();
    assert!(sent >= 2000, "{sent} operations");

    // Seats: counts match the rows, nobody waits beside a free seat, at most
    // one live claim each, and confirmed seats never exceed the largest
    // capacity the clinic had (lowering a capacity bumps nobody).
    let pools = rows(
        &app,
        "SELECT p.id, CAST(p.capacity AS BIGINT), CAST(p.confirmed_count AS BIGINT), \
           CAST(p.waitlisted_count AS BIGINT), \
           (SELECT COUNT(*) FROM seats s WHERE s.pool_id = p.id AND s.status = 'CONFIRMED'), \
           (SELECT COUNT(*) FROM seats s WHERE s.pool_id = p.id AND s.status = 'WAITLISTED'), \
           (SELECT c.id FROM clinics c WHERE c.seat_pool_id = p.id) \
         FROM seat_pools p",
    )
    .await;
    let max_capacity = world.max_capacity.lock().unwrap().clone();
    for pool in &pools {
        let [
            _,
            capacity,
            counted,
            counted_waiting,
            confirmed,
            waiting,
            clinic,
        ] = pool[..]
        else {
            panic!("a pool without a clinic: {pool:?}");
        };
        assert_eq!(counted, confirmed, "pool {pool:?}");
        assert_eq!(counted_waiting, waiting, "pool {pool:?}");
        assert!(
            waiting == 0 || confirmed >= capacity,
            "someone waits beside a free seat: {pool:?}"
        );
        let id =
            voimavara_api::graphql::ids::encode(voimavara_api::graphql::ids::Kind::Clinic, clinic)
                .0;
        assert!(confirmed <= max_capacity[&id], "overbooked: {pool:?}");
    }
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM (SELECT pool_id, user_id FROM seats \
           WHERE status IN ('CONFIRMED', 'WAITLISTED') GROUP BY pool_id, user_id HAVING COUNT(*) > 1) d").await,
        0
    );

    // Waitlists, through the API: positions 1..k in arrival order, no gaps.
    for clinic in &world.clinics {
        let body = app
            .gql(
                "query($id: ID!) { node(id: $id) { ... on Clinic { registrations(first: 100) { edges { node { id status waitlistPosition } } } } } }",
                json!({"id": clinic}),
                world.admin.token(),
            )
            .await;
        let positions: Vec<i64> = body["data"]["node"]["registrations"]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["node"]["status"] == "WAITLISTED")
            .map(|e| e["node"]["waitlistPosition"].as_i64().unwrap())
            .collect();
        assert_eq!(
            positions,
            (1..=positions.len() as i64).collect::<Vec<_>>(),
            "{body}"
        );
    }

    // Mentors: the active count matches the pairings and stays within capacity.
    let mentors = rows(
        &app,
        "SELECT m.user_id, CAST(m.max_mentees AS BIGINT), CAST(m.active_mentees AS BIGINT), \
           (SELECT COUNT(*) FROM pairings p WHERE p.mentor_id = m.user_id AND p.status = 'ACTIVE') \
         FROM mentor_profiles m",
    )
    .await;
    assert_eq!(mentors.len(), MENTORS);
    for mentor in &mentors {
        let [_, max, kept, counted] = mentor[..] else {
            panic!("{mentor:?}");
        };
        assert_eq!(kept, counted, "mentor {mentor:?}");
        assert!(counted <= max, "mentor over capacity: {mentor:?}");
    }

    // Notifications: one proposal notice per pairing that exists, one answer
    // per answered pairing, and none about anything that was rolled back.
    let pairings = count(&app, "SELECT COUNT(*) FROM pairings").await;
    assert!(pairings > 0);
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM notifications WHERE kind = 'PAIRING_PROPOSED'"
        )
        .await,
        pairings
    );
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM pairings p WHERE (SELECT COUNT(*) FROM notifications n \
           WHERE n.kind = 'PAIRING_PROPOSED' AND n.subject_type = 'Pairing' AND n.subject_id = p.id) <> 1").await,
        0
    );
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM pairings p WHERE p.responded_at IS NOT NULL AND (SELECT COUNT(*) \
           FROM notifications n WHERE n.kind IN ('PAIRING_ACCEPTED', 'PAIRING_DECLINED') \
           AND n.subject_type = 'Pairing' AND n.subject_id = p.id) <> 1"
        )
        .await,
        0
    );
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM notifications n WHERE \
           (n.subject_type = 'Pairing' AND NOT EXISTS (SELECT 1 FROM pairings p WHERE p.id = n.subject_id)) \
           OR (n.subject_type = 'ClinicRegistration' AND NOT EXISTS (SELECT 1 FROM seats s \
               WHERE s.id = n.subject_id AND s.confirmed_at IS NOT NULL))").await,
        0
    );
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM notifications n WHERE n.kind = 'WAITLIST_PROMOTED' AND \
           (SELECT COUNT(*) FROM notifications m WHERE m.kind = 'WAITLIST_PROMOTED' AND m.subject_id = n.subject_id) <> 1").await,
        0,
        "a promotion is announced once"
    );
    assert!(
        count(
            &app,
            "SELECT COUNT(*) FROM notifications WHERE kind = 'WAITLIST_PROMOTED'"
        )
        .await
            > 0,
        "the run promoted people from waitlists"
    );

    // Every registration that was answered WAITLISTED and holds a seat now
    // was promoted, and its holder was told so.
    let waitlisted: Vec<String> = world
        .waitlisted
        .lock()
        .unwrap()
        .iter()
        .map(|id| {
            voimavara_api::graphql::ids::decode_any(id, "id")
                .unwrap()
                .1
                .to_string()
        })
        .collect();
    assert!(!waitlisted.is_empty(), "the run waitlisted people");
    let promoted_unannounced = count(
        &app,
        &format!(
            "SELECT COUNT(*) FROM seats s WHERE s.id IN ({}) AND s.confirmed_at IS NOT NULL \
             AND NOT EXISTS (SELECT 1 FROM notifications n WHERE n.kind = 'WAITLIST_PROMOTED' \
             AND n.subject_type = 'ClinicRegistration' AND n.subject_id = s.id)",
            waitlisted.join(", ")
        ),
    )
    .await;
    assert_eq!(promoted_unannounced, 0, "a promotion was not announced");
    let promoted = count(
        &app,
        &format!(
            "SELECT COUNT(*) FROM seats WHERE id IN ({}) AND confirmed_at IS NOT NULL",
            waitlisted.join(", ")
        ),
    )
    .await;
    assert!(promoted > 0, "some of the waitlisted were promoted");
}
