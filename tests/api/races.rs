//! Races closed by the database, not by one server's turn-taking: each test
//! runs two real server processes on one database, sends the two sides of a
//! race to different processes, many times at once, and then reads the
//! invariants back, on both databases. (On PostgreSQL the two sides really
//! interleave, and row locks decide; two processes on one SQLite file take
//! turns on its single write lock.)

use std::collections::{HashMap, HashSet};
use std::time::Instant;

use futures_util::future::join_all;
use serde_json::{Value, json};

use crate::helpers::{Session, TestApp, error_code, spawn_app};
use crate::mentoring::{PROPOSE, mentor, request};

const REGISTER: &str =
    "mutation($id: ID!) { registerForClinic(clinicId: $id) { id status waitlistPosition } }";
const CANCEL_REG: &str =
    "mutation($id: ID!) { cancelRegistration(registrationId: $id) { status } }";

/// Runs `left` and `right` at once.
async fn both<A, B>(left: A, right: B) -> (A::Output, B::Output)
where
    A: std::future::Future,
    B: std::future::Future,
{
    tokio::join!(left, right)
}

fn code_or_ok(body: &Value) -> &str {
    error_code(body).unwrap_or("OK")
}

#[tokio::test]
async fn two_hundred_registrations_through_two_processes_fill_twenty_seats_in_arrival_order() {
    let app = spawn_app().await;
    let admin = app.sign_up("Org", "a@example.fi").await;
    let people = app.bulk_members(&admin, 201).await;
    let clinic = app
        .schedule_clinic(
            &admin,
            &people[200].user_id,
            "2027-01-10T10:00:00Z",
            "2027-01-10T11:00:00Z",
            20,
        )
        .await;
    let servers = [app.process().await, app.process().await];
    let who: Vec<&Session> = people[..200].iter().collect();
    let tokens = app.real_time_tokens(&who).await;

    // Each client notes when it sent its request and when the answer came.
    let started = Instant::now();
    let answers = join_all(tokens.iter().enumerate().map(|(i, token)| {
        let server = &servers[i % 2];
        let clinic = clinic.clone();
        async move {
            let sent = started.elapsed();
            let body = server
                .gql(REGISTER, json!({"id": clinic}), Some(token))
                .await;
            (sent, started.elapsed(), body)
        }
    }))
    .await;
    let mut confirmed = 0;
    let mut waiting: Vec<(std::time::Duration, std::time::Duration, i64, String)> = Vec::new();
    for (sent, answered, body) in &answers {
        let reg = &body["data"]["registerForClinic"];
        match reg["status"].as_str() {
            Some("CONFIRMED") => confirmed += 1,
            Some("WAITLISTED") => waiting.push((
                *sent,
                *answered,
                reg["waitlistPosition"].as_i64().unwrap(),
                reg["id"].as_str().unwrap().to_owned(),
            )),
            _ => panic!(
                "unexpected answer: {body}\n{}\n{}",
                servers[0].troubles(),
                servers[1].troubles()
            ),
        }
    }
    assert_eq!(confirmed, 20);
    let mut positions: Vec<i64> = waiting.iter().map(|w| w.2).collect();
    positions.sort_unstable();
    assert_eq!(positions, (1..=180).collect::<Vec<i64>>());
    // Arrival as each client saw it: whoever had their answer before another
    // sent their request is ahead of them on the waitlist.
    for a in &waiting {
        for b in &waiting {
            if a.1 < b.0 {
                assert!(
                    a.2 < b.2,
                    "answered at {:?}, position {}; sent at {:?}, position {}",
                    a.1,
                    a.2,
                    b.0,
                    b.2
                );
            }
        }
    }
    // The positions stand when read back.
    let read = app
        .gql(
            "query($id: ID!) { node(id: $id) { ... on Clinic { seatsTaken waitlistLength
                registrations(first: 100) { totalCount } } } }",
            json!({"id": clinic}),
            admin.token(),
        )
        .await;
    assert_eq!(read["data"]["node"]["seatsTaken"], 20, "{read}");
    assert_eq!(read["data"]["node"]["waitlistLength"], 180, "{read}");
    assert_eq!(
        read["data"]["node"]["registrations"]["totalCount"], 200,
        "{read}"
    );

    // The promotion race: the twenty confirmed cancel at once, half through
    // each process; the first twenty in arrival order move up, each told once.
    let holders: Vec<(usize, String)> = answers
        .iter()
        .enumerate()
        .filter(|(_, (_, _, body))| body["data"]["registerForClinic"]["status"] == "CONFIRMED")
        .map(|(i, (_, _, body))| {
            (
                i,
                body["data"]["registerForClinic"]["id"]
                    .as_str()
                    .unwrap()
                    .to_owned(),
            )
        })
        .collect();
    let cancelled = join_all(
        holders
            .iter()
            .map(|(i, id)| servers[i % 2].gql(CANCEL_REG, json!({"id": id}), Some(&tokens[*i]))),
    )
    .await;
    for body in &cancelled {
        assert_eq!(
            body["data"]["cancelRegistration"]["status"], "CANCELLED",
            "{body}"
        );
    }
    let mut by_position = waiting.clone();
    by_position.sort_by_key(|w| w.2);
    let first_twenty: HashSet<&str> = by_position[..20].iter().map(|w| w.3.as_str()).collect();
    let mut promoted = HashSet::new();
    for (i, (_, _, body)) in answers.iter().enumerate() {
        let id = body["data"]["registerForClinic"]["id"].as_str().unwrap();
        let mine = app
            .gql(
                "query($id: ID!) { node(id: $id) { ... on ClinicRegistration { status } } }",
                json!({"id": id}),
                people[i].token(),
            )
            .await;
        if body["data"]["registerForClinic"]["status"] == "WAITLISTED"
            && mine["data"]["node"]["status"] == "CONFIRMED"
        {
            promoted.insert(id.to_owned());
            let told = app
                .gql(
                    "{ notifications { edges { node { kind } } } }",
                    json!({}),
                    people[i].token(),
                )
                .await;
            let kinds: Vec<&Value> = told["data"]["notifications"]["edges"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| &e["node"]["kind"])
                .filter(|k| *k == "WAITLIST_PROMOTED")
                .collect();
            assert_eq!(kinds.len(), 1, "{told}");
        }
    }
    let promoted: HashSet<&str> = promoted.iter().map(String::as_str).collect();
    assert_eq!(promoted, first_twenty);
}

#[tokio::test]
async fn registering_racing_a_clinic_cancellation_leaves_no_seat_in_a_cancelled_clinic() {
    let app = spawn_app().await;
    let admin = app.sign_up("Org", "a@example.fi").await;
    let people = app.bulk_members(&admin, 21).await;
    let mut clinics = Vec::new();
    for day in 0..20 {
        clinics.push(
            app.schedule_clinic(
                &admin,
                &people[20].user_id,
                &format!("2027-02-{:02}T10:00:00Z", day + 1),
                &format!("2027-02-{:02}T11:00:00Z", day + 1),
                5,
            )
            .await,
        );
    }
    let (a, b) = (app.process().await, app.process().await);
    let who: Vec<&Session> = people[..20].iter().chain([&admin]).collect();
    let tokens = app.real_time_tokens(&who).await;
    let admin_token = &tokens[20];
    const CANCEL: &str = "mutation($id: ID!) { cancelClinic(id: $id, reason: \"ill\") { status } }";
    let rounds = join_all(clinics.iter().enumerate().map(|(i, clinic)| {
        both(
            a.gql(REGISTER, json!({"id": clinic}), Some(&tokens[i])),
            b.gql(CANCEL, json!({"id": clinic}), Some(admin_token)),
        )
    }))
    .await;
    for (registered, cancelled) in &rounds {
        assert_eq!(
            cancelled["data"]["cancelClinic"]["status"], "CANCELLED",
            "{cancelled}"
        );
        assert!(
            ["OK", "CONFLICT"].contains(&code_or_ok(registered)),
            "{registered}"
        );
    }
    for clinic in &clinics {
        let read = app
            .gql(
                "query($id: ID!) { node(id: $id) { ... on Clinic { status seatsTaken waitlistLength
                    registrations(first: 5) { edges { node { status } } } } } }",
                json!({"id": clinic}),
                admin.token(),
            )
            .await;
        let node = &read["data"]["node"];
        assert_eq!(node["status"], "CANCELLED");
        assert_eq!(
            node["seatsTaken"], 0,
            "a seat in a cancelled clinic: {read}"
        );
        assert_eq!(node["waitlistLength"], 0, "{read}");
        for edge in node["registrations"]["edges"].as_array().unwrap() {
            assert_eq!(edge["node"]["status"], "CANCELLED", "{read}");
        }
    }
}

#[tokio::test]
async fn enrolling_racing_an_archiving_leaves_nobody_waiting_for_an_archived_course() {
    let app = spawn_app().await;
    let admin = app.sign_up("Org", "a@example.fi").await;
    let people = app.bulk_members(&admin, 21).await;
    // Twenty full courses (one place, taken): an enrolment would wait.
    let mut courses = Vec::new();
    for n in 0..20 {
        let created = app
            .gql(
                "mutation($t: String!) { createCourse(input: {title: $t, summary: \"S\", capacity: 1}) { id } }",
                json!({"t": format!("Course {n}")}),
                admin.token(),
            )
            .await;
        let id = created["data"]["createCourse"]["id"]
            .as_str()
            .unwrap()
            .to_owned();
        app.gql(
            "mutation($id: ID!) { addLesson(courseId: $id, input: {title: \"L\", body: \"B\", estimatedMinutes: 5}) { id } }",
            json!({"id": id}),
            admin.token(),
        )
        .await;
        app.gql(
            "mutation($id: ID!) { publishCourse(id: $id) { status } }",
            json!({"id": id}),
            admin.token(),
        )
        .await;
        let taken = app
            .gql(
                "mutation($id: ID!) { enrolInCourse(courseId: $id) { status } }",
                json!({"id": id}),
                people[20].token(),
            )
            .await;
        assert_eq!(
            taken["data"]["enrolInCourse"]["status"], "CONFIRMED",
            "{taken}"
        );
        courses.push(id);
    }
    let (a, b) = (app.process().await, app.process().await);
    let who: Vec<&Session> = people[..20].iter().chain([&admin]).collect();
    let tokens = app.real_time_tokens(&who).await;
    let rounds = join_all(courses.iter().enumerate().map(|(i, course)| {
        both(
            a.gql(
                "mutation($id: ID!) { enrolInCourse(courseId: $id) { status } }",
                json!({"id": course}),
                Some(&tokens[i]),
            ),
            b.gql(
                "mutation($id: ID!) { archiveCourse(id: $id) { status } }",
                json!({"id": course}),
                Some(&tokens[20]),
            ),
        )
    }))
    .await;
    for (enrolled, archived) in &rounds {
        assert_eq!(
            archived["data"]["archiveCourse"]["status"], "ARCHIVED",
            "{archived}"
        );
        // Too late, the course is out of sight of anyone not enrolled.
        assert!(
            ["OK", "NOT_FOUND"].contains(&code_or_ok(enrolled)),
            "{enrolled}"
        );
    }
    for course in &courses {
        let read = app
            .gql(
                "query($id: ID!) { node(id: $id) { ... on Course { status waitlistLength } } }",
                json!({"id": course}),
                admin.token(),
            )
            .await;
        assert_eq!(read["data"]["node"]["status"], "ARCHIVED");
        assert_eq!(
            read["data"]["node"]["waitlistLength"], 0,
            "waiting for an archived course: {read}"
        );
    }
}

/// A mentor's places in use, and their ACTIVE pairings, as they read them.
async fn mentor_books(app: &TestApp, mentor: &Session) -> (i64, usize) {
    let read = app
        .gql(
            "{ me { mentorProfile { activeMentees } } myPairings { status mentor { id } } }",
            json!({}),
            mentor.token(),
        )
        .await;
    let active = read["data"]["myPairings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["status"] == "ACTIVE" && p["mentor"]["id"] == mentor.user_id.as_str())
        .count();
    (
        read["data"]["me"]["mentorProfile"]["activeMentees"]
            .as_i64()
            .unwrap(),
        active,
    )
}

const RESPOND: &str =
    "mutation($id: ID!) { respondToPairing(pairingId: $id, accept: true) { status } }";

#[tokio::test]
async fn withdrawing_racing_an_acceptance_keeps_the_mentors_count_true() {
    let app = spawn_app().await;
    let admin = app.sign_up("Org", "a@example.fi").await;
    let people = app.bulk_members(&admin, 21).await;
    let guide = &people[20];
    let linkedin = app.skill_id(&admin, "linkedin").await;
    mentor(&app, guide, &linkedin, 5, 20).await;
    let mut rounds = Vec::new();
    for learner in &people[..20] {
        let req = request(&app, learner, &[&linkedin]).await;
        let proposed = app
            .gql(
                PROPOSE,
                json!({"r": req, "m": guide.user_id}),
                learner.token(),
            )
            .await;
        let pairing = proposed["data"]["proposePairing"]["id"]
            .as_str()
            .unwrap()
            .to_owned();
        rounds.push((req, pairing));
    }
    let (a, b) = (app.process().await, app.process().await);
    let who: Vec<&Session> = people.iter().collect();
    let tokens = app.real_time_tokens(&who).await;
    const WITHDRAW: &str = "mutation($id: ID!) { withdrawMentoringRequest(id: $id) { status } }";
    let answers = join_all(rounds.iter().enumerate().map(|(i, (req, pairing))| {
        both(
            a.gql(WITHDRAW, json!({"id": req}), Some(&tokens[i])),
            b.gql(RESPOND, json!({"id": pairing}), Some(&tokens[20])),
        )
    }))
    .await;
    for (i, (withdrawn, accepted)) in answers.iter().enumerate() {
        // Exactly one of the two wins, whichever came first.
        let won = (code_or_ok(withdrawn), code_or_ok(accepted));
        assert!(
            won == ("OK", "CONFLICT") || won == ("CONFLICT", "OK"),
            "round {i}: {withdrawn} {accepted}"
        );
        let (req, pairing) = &rounds[i];
        let read = app
            .gql(
                "query($r: ID!, $p: ID!) { r: node(id: $r) { ... on MentoringRequest { status } }
                    p: node(id: $p) { ... on Pairing { status } } }",
                json!({"r": req, "p": pairing}),
                people[i].token(),
            )
            .await;
        let (request_status, pairing_status) =
            (&read["data"]["r"]["status"], &read["data"]["p"]["status"]);
        if won.0 == "OK" {
            assert_eq!(
                (request_status.as_str(), pairing_status.as_str()),
                (Some("WITHDRAWN"), Some("CANCELLED")),
                "{read}"
            );
        } else {
            assert_eq!(
                (request_status.as_str(), pairing_status.as_str()),
                (Some("MATCHED"), Some("ACTIVE")),
                "{read}"
            );
            // Told of the acceptance only when it stands.
        }
        let told = app
            .gql(
                "{ notifications { edges { node { kind } } } }",
                json!({}),
                people[i].token(),
            )
            .await;
        let accepted_notice = told["data"]["notifications"]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["node"]["kind"] == "PAIRING_ACCEPTED");
        assert_eq!(accepted_notice, pairing_status == "ACTIVE", "{told}");
    }
    let (counted, active) = mentor_books(&app, guide).await;
    assert_eq!(
        counted, active as i64,
        "the mentor's count matches their active pairings"
    );
}

#[tokio::test]
async fn two_mentors_accepting_one_request_at_once_give_it_one_active_pairing() {
    let app = spawn_app().await;
    let admin = app.sign_up("Org", "a@example.fi").await;
    let people = app.bulk_members(&admin, 22).await;
    let (first, second) = (&people[20], &people[21]);
    let linkedin = app.skill_id(&admin, "linkedin").await;
    mentor(&app, first, &linkedin, 5, 20).await;
    mentor(&app, second, &linkedin, 5, 20).await;
    let mut rounds = Vec::new();
    for learner in &people[..20] {
        let req = request(&app, learner, &[&linkedin]).await;
        let mut pairings = Vec::new();
        for guide in [first, second] {
            let proposed = app
                .gql(
                    PROPOSE,
                    json!({"r": req, "m": guide.user_id}),
                    learner.token(),
                )
                .await;
            pairings.push(
                proposed["data"]["proposePairing"]["id"]
                    .as_str()
                    .unwrap_or_else(|| panic!("{proposed}"))
                    .to_owned(),
            );
        }
        rounds.push((req, pairings));
    }
    let (a, b) = (app.process().await, app.process().await);
    let tokens = app.real_time_tokens(&[first, second]).await;
    let answers = join_all(rounds.iter().map(|(_, pairings)| {
        both(
            a.gql(RESPOND, json!({"id": pairings[0]}), Some(&tokens[0])),
            b.gql(RESPOND, json!({"id": pairings[1]}), Some(&tokens[1])),
        )
    }))
    .await;
    let mut statuses: HashMap<String, usize> = HashMap::new();
    for (i, (one, two)) in answers.iter().enumerate() {
        let won = (code_or_ok(one), code_or_ok(two));
        assert!(
            won == ("OK", "CONFLICT") || won == ("CONFLICT", "OK"),
            "round {i}: {one} {two}"
        );
        let read = app
            .gql(
                "query($r: ID!) { node(id: $r) { ... on MentoringRequest { status pairings { status } } } }",
                json!({"r": rounds[i].0}),
                people[i].token(),
            )
            .await;
        let active = read["data"]["node"]["pairings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| p["status"] == "ACTIVE")
            .count();
        assert_eq!(active, 1, "one active pairing per request: {read}");
        *statuses
            .entry(read["data"]["node"]["status"].as_str().unwrap().to_owned())
            .or_default() += 1;
    }
    assert_eq!(statuses.get("MATCHED"), Some(&20));
    for guide in [first, second] {
        let (counted, active) = mentor_books(&app, guide).await;
        assert_eq!(counted, active as i64);
    }
}
