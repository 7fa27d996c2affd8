//! Peer mentoring: profiles, requests, explained suggestions, the pairing
//! lifecycle and its race, sessions, feedback visibility, and autoMatch.

use chrono::Duration;
use entity::notification;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};

use crate::helpers::{Session, TestApp, error_code, spawn_app};

const PROFILE: &str = "mutation($max: Int!, $on: Boolean!) { upsertMentorProfile(input: {bio: \"Happy to help\", maxMentees: $max, acceptingMentees: $on}) { maxMentees freeCapacity activeMentees } }";
const SET_SKILL: &str =
    "mutation($id: ID!, $level: Int!) { setMySkill(input: {skillId: $id, level: $level}) { id } }";
const REQUEST: &str = "mutation($ids: [ID!]!) { requestMentoring(input: {skillIds: $ids, message: \"Help me grow\"}) { id status skills { key } } }";
const SUGGEST: &str = "query($id: ID!) { mentorSuggestions(requestId: $id, first: 10) { mentor { id } score reasons { skill { key } mentorLevel learnerLevel points } } }";
pub(crate) const PROPOSE: &str = "mutation($r: ID!, $m: ID!) { proposePairing(input: {requestId: $r, mentorId: $m, goals: \"Post weekly\"}) { id status request { status } } }";
pub(crate) const RESPOND: &str = "mutation($id: ID!, $yes: Boolean!) { respondToPairing(pairingId: $id, accept: $yes) { id status request { status } } }";

pub(crate) async fn mentor(app: &TestApp, who: &Session, skill_id: &str, level: i32, max: i32) {
    app.gql(
        SET_SKILL,
        json!({"id": skill_id, "level": level}),
        who.token(),
    )
    .await;
    let body = app
        .gql(PROFILE, json!({"max": max, "on": true}), who.token())
        .await;
    assert!(body.get("errors").is_none(), "{body}");
}

/// `learner` proposes `guide` for one of their requests: the pairing's id.
pub(crate) async fn propose(
    app: &TestApp,
    learner: &Session,
    request_id: &str,
    guide: &Session,
) -> String {
    let proposed = app
        .gql(
            PROPOSE,
            json!({"r": request_id, "m": guide.user_id}),
            learner.token(),
        )
        .await;
    proposed["data"]["proposePairing"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{proposed}"))
        .to_owned()
}

/// `learner` asks for help with one skill and proposes `guide`: the pairing's id.
pub(crate) async fn proposal(
    app: &TestApp,
    learner: &Session,
    guide: &Session,
    skill_id: &str,
) -> String {
    let req = request(app, learner, &[skill_id]).await;
    propose(app, learner, &req, guide).await
}

pub(crate) async fn request(app: &TestApp, learner: &Session, skills: &[&str]) -> String {
    let body = app
        .gql(REQUEST, json!({"ids": skills}), learner.token())
        .await;
    body["data"]["requestMentoring"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{body}"))
        .to_owned()
}

fn ids_of(body: &Value, field: &str) -> Vec<String> {
    body["data"][field]
        .as_array()
        .unwrap_or_else(|| panic!("{body}"))
        .iter()
        .map(|s| s["mentor"]["id"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn suggestions_are_ranked_explained_and_exclude_who_they_must() {
    let app = spawn_app().await;
    let admin = app.sign_up("Org", "a@example.fi").await;
    let outsider = app.sign_up("Other", "o@example.fi").await;
    let p = app.bulk_members(&admin, 6).await;
    let linkedin = app.skill_id(&admin, "linkedin").await;
    let tiktok = app.skill_id(&admin, "tiktok").await;
    let learner = &p[0];
    app.gql(
        SET_SKILL,
        json!({"id": linkedin, "level": 1}),
        learner.token(),
    )
    .await;
    app.gql(
        SET_SKILL,
        json!({"id": tiktok, "level": 3}),
        learner.token(),
    )
    .await;
    mentor(&app, &p[1], &linkedin, 5, 2).await; // (5-1)*5 = 20
    app.gql(SET_SKILL, json!({"id": tiktok, "level": 4}), p[1].token())
        .await; // + (4-3)*4 = 4
    mentor(&app, &p[2], &linkedin, 4, 1).await; // (4-1)*4 = 12
    mentor(&app, &p[3], &linkedin, 3, 4).await; // (3-1)*3 = 6
    mentor(&app, &p[4], &linkedin, 5, 2).await;
    app.gql(PROFILE, json!({"max": 2, "on": false}), p[4].token())
        .await; // not accepting
    app.gql(SET_SKILL, json!({"id": linkedin, "level": 2}), p[5].token())
        .await;
    app.gql(PROFILE, json!({"max": 2, "on": true}), p[5].token())
        .await; // too weak
    mentor(&app, learner, &tiktok, 3, 1).await; // the learner is never their own mentor
    let foreign_linkedin = app.skill_id(&outsider, "linkedin").await;
    mentor(&app, &outsider, &foreign_linkedin, 5, 3).await; // another organisation

    let req = request(&app, learner, &[&linkedin, &tiktok]).await;
    let body = app.gql(SUGGEST, json!({"id": req}), learner.token()).await;
    let suggestions = body["data"]["mentorSuggestions"]
        .as_array()
        .unwrap_or_else(|| panic!("{body}"));
    assert_eq!(
        ids_of(&body, "mentorSuggestions"),
        [
            p[1].user_id.clone(),
            p[2].user_id.clone(),
            p[3].user_id.clone()
        ]
    );
    // 24 points plus 0.5 × 2/2; 12 plus 0.5 × 1/1; 6 plus 0.5 × 4/4.
    let scores: Vec<f64> = suggestions
        .iter()
        .map(|s| s["score"].as_f64().unwrap())
        .collect();
    assert_eq!(scores, [24.5, 12.5, 6.5]);
    assert_eq!(
        suggestions[0]["reasons"],
        json!([{"skill": {"key": "linkedin"}, "mentorLevel": 5, "learnerLevel": 1, "points": 20},
               {"skill": {"key": "tiktok"}, "mentorLevel": 4, "learnerLevel": 3, "points": 4}])
    );
    // Deterministic: asking again gives the same answer.
    assert_eq!(
        app.gql(SUGGEST, json!({"id": req}), learner.token()).await,
        body
    );
    // Only the learner or an admin may look.
    assert_eq!(
        error_code(&app.gql(SUGGEST, json!({"id": req}), p[1].token()).await),
        Some("FORBIDDEN")
    );
    assert_eq!(
        error_code(&app.gql(SUGGEST, json!({"id": req}), outsider.token()).await),
        Some("NOT_FOUND")
    );

    // Once proposed, a mentor is no longer suggested to this learner.
    app.gql(
        PROPOSE,
        json!({"r": req, "m": p[1].user_id}),
        learner.token(),
    )
    .await;
    let after = app.gql(SUGGEST, json!({"id": req}), admin.token()).await;
    assert_eq!(
        ids_of(&after, "mentorSuggestions"),
        [p[2].user_id.clone(), p[3].user_id.clone()]
    );
}

#[tokio::test]
async fn profiles_and_requests_are_validated() {
    let app = spawn_app().await;
    let admin = app.sign_up("Org", "a@example.fi").await;
    for max in [0, 21] {
        let body = app
            .gql(PROFILE, json!({"max": max, "on": true}), admin.token())
            .await;
        assert_eq!(body["errors"][0]["extensions"]["field"], "maxMentees");
    }
    let body = app
        .gql(PROFILE, json!({"max": 3, "on": true}), admin.token())
        .await;
    assert_eq!(
        body["data"]["upsertMentorProfile"],
        json!({"maxMentees": 3, "freeCapacity": 3, "activeMentees": 0})
    );

    let body = app.gql(REQUEST, json!({"ids": []}), admin.token()).await;
    assert_eq!(body["errors"][0]["extensions"]["field"], "skillIds");
    let all = app.gql("{ skills { id } }", json!({}), admin.token()).await;
    let six: Vec<Value> = all["data"]["skills"]
        .as_array()
        .unwrap()
        .iter()
        .take(6)
        .map(|s| s["id"].clone())
        .collect();
    let body = app.gql(REQUEST, json!({"ids": six}), admin.token()).await;
    assert_eq!(body["errors"][0]["extensions"]["field"], "skillIds");
    for _ in 0..3 {
        request(&app, &admin, &[six[0].as_str().unwrap()]).await;
    }
    let fourth = app
        .gql(REQUEST, json!({"ids": [six[0]]}), admin.token())
        .await;
    assert_eq!(error_code(&fourth), Some("CONFLICT"));
    let mine = app
        .gql(
            "{ myMentoringRequests { totalCount edges { node { status skills { id } } } } }",
            json!({}),
            admin.token(),
        )
        .await;
    assert_eq!(mine["data"]["myMentoringRequests"]["totalCount"], 3);
}

#[tokio::test]
async fn a_pairing_moves_only_along_its_state_machine() {
    let app = spawn_app().await;
    let admin = app.sign_up("Org", "a@example.fi").await;
    let p = app.bulk_members(&admin, 3).await;
    let (learner, guide, stranger) = (&p[0], &p[1], &p[2]);
    let linkedin = app.skill_id(&admin, "linkedin").await;
    mentor(&app, guide, &linkedin, 5, 1).await;
    let req = request(&app, learner, &[&linkedin]).await;

    let proposed = app
        .gql(
            PROPOSE,
            json!({"r": req, "m": guide.user_id}),
            learner.token(),
        )
        .await;
    assert_eq!(proposed["data"]["proposePairing"]["status"], "PROPOSED");
    assert_eq!(
        proposed["data"]["proposePairing"]["request"]["status"],
        "MATCHED"
    );
    let pairing = proposed["data"]["proposePairing"]["id"].clone();
    let duplicate = app
        .gql(
            PROPOSE,
            json!({"r": req, "m": guide.user_id}),
            learner.token(),
        )
        .await;
    assert_eq!(error_code(&duplicate), Some("CONFLICT"));

    // Only the mentor responds.
    for who in [learner, stranger, &admin] {
        let body = app
            .gql(RESPOND, json!({"id": pairing, "yes": true}), who.token())
            .await;
        assert!(
            matches!(error_code(&body), Some("FORBIDDEN") | Some("NOT_FOUND")),
            "{body}"
        );
    }
    let accepted = app
        .gql(RESPOND, json!({"id": pairing, "yes": true}), guide.token())
        .await;
    assert_eq!(accepted["data"]["respondToPairing"]["status"], "ACTIVE");
    let again = app
        .gql(RESPOND, json!({"id": pairing, "yes": false}), guide.token())
        .await;
    assert_eq!(error_code(&again), Some("CONFLICT"));
    let profile = app
        .gql(
            "{ me { mentorProfile { activeMentees freeCapacity } } }",
            json!({}),
            guide.token(),
        )
        .await;
    assert_eq!(
        profile["data"]["me"]["mentorProfile"],
        json!({"activeMentees": 1, "freeCapacity": 0})
    );

    // Cancelling an active pairing frees the place and reopens the request.
    let cancelled = app
        .gql("mutation($id: ID!) { cancelPairing(id: $id, reason: \"Moved teams\") { status cancelReason request { status } } }", json!({"id": pairing}), learner.token())
        .await;
    assert_eq!(
        cancelled["data"]["cancelPairing"],
        json!({"status": "CANCELLED", "cancelReason": "Moved teams", "request": {"status": "OPEN"}})
    );
    let complete = app
        .gql(
            "mutation($id: ID!) { completePairing(id: $id) { status } }",
            json!({"id": pairing}),
            guide.token(),
        )
        .await;
    assert_eq!(error_code(&complete), Some("CONFLICT"));

    // A second round runs to completion and closes the request.
    let second_id = propose(&app, learner, &req, guide).await;
    let mentor_cancel = app
        .gql(
            "mutation($id: ID!) { cancelPairing(id: $id) { status } }",
            json!({"id": second_id}),
            guide.token(),
        )
        .await;
    assert_eq!(
        error_code(&mentor_cancel),
        Some("CONFLICT"),
        "the mentor declines instead"
    );
    app.gql(
        RESPOND,
        json!({"id": second_id, "yes": true}),
        guide.token(),
    )
    .await;
    let done = app
        .gql(
            "mutation($id: ID!) { completePairing(id: $id) { status request { status } } }",
            json!({"id": second_id}),
            learner.token(),
        )
        .await;
    assert_eq!(
        done["data"]["completePairing"],
        json!({"status": "COMPLETED", "request": {"status": "CLOSED"}})
    );

    // Notifications were written for every step.
    let guide_id = voimavara_api::graphql::ids::decode(
        &guide.user_id,
        voimavara_api::graphql::ids::Kind::User,
        "id",
    )
    .unwrap();
    let learner_id = voimavara_api::graphql::ids::decode(
        &learner.user_id,
        voimavara_api::graphql::ids::Kind::User,
        "id",
    )
    .unwrap();
    let kinds = |user: i64| {
        let db = app.state.db.clone();
        async move {
            let mut kinds: Vec<String> = notification::Entity::find()
                .filter(notification::Column::UserId.eq(user))
                .all(&db)
                .await
                .unwrap()
                .into_iter()
                .map(|n| n.kind)
                .collect();
            kinds.sort();
            kinds
        }
    };
    assert_eq!(
        kinds(guide_id).await,
        [
            "PAIRING_CANCELLED",
            "PAIRING_COMPLETED",
            "PAIRING_PROPOSED",
            "PAIRING_PROPOSED"
        ]
    );
    assert_eq!(
        kinds(learner_id).await,
        ["PAIRING_ACCEPTED", "PAIRING_ACCEPTED"]
    );
}

#[tokio::test]
async fn two_accepts_racing_for_the_last_place_give_one_active_pairing() {
    let app = spawn_app().await;
    let admin = app.sign_up("Org", "a@example.fi").await;
    let p = app.bulk_members(&admin, 9).await;
    let linkedin = app.skill_id(&admin, "linkedin").await;
    let guide = &p[0];
    mentor(&app, guide, &linkedin, 5, 1).await;
    let mut proposals = Vec::new();
    for learner in &p[1..] {
        proposals.push(proposal(&app, learner, guide, &linkedin).await);
    }
    let answers = futures_util::future::join_all(
        proposals
            .iter()
            .map(|id| app.gql(RESPOND, json!({"id": id, "yes": true}), guide.token())),
    )
    .await;
    let active = answers
        .iter()
        .filter(|b| b["data"]["respondToPairing"]["status"] == "ACTIVE")
        .count();
    let refused = answers
        .iter()
        .filter(|b| error_code(b) == Some("CONFLICT"))
        .count();
    assert_eq!((active, refused), (1, 7), "{answers:?}");
    let profile = app
        .gql(
            "{ me { mentorProfile { activeMentees } } }",
            json!({}),
            guide.token(),
        )
        .await;
    assert_eq!(profile["data"]["me"]["mentorProfile"]["activeMentees"], 1);
}

#[tokio::test]
async fn answers_racing_on_one_proposal_give_one_answer_and_one_notice() {
    let app = spawn_app().await;
    let admin = app.sign_up("Org", "a@example.fi").await;
    let p = app.bulk_members(&admin, 2).await;
    let (learner, guide) = (&p[0], &p[1]);
    let linkedin = app.skill_id(&admin, "linkedin").await;
    mentor(&app, guide, &linkedin, 5, 3).await;
    let pairing = proposal(&app, learner, guide, &linkedin).await;
    // Accepts and declines of the same proposal, all at once.
    let answers = futures_util::future::join_all((0..8).map(|i| {
        app.gql(
            RESPOND,
            json!({"id": pairing, "yes": i % 2 == 0}),
            guide.token(),
        )
    }))
    .await;
    let answered = answers
        .iter()
        .filter(|b| b["data"]["respondToPairing"]["status"].is_string())
        .count();
    let refused = answers
        .iter()
        .filter(|b| error_code(b) == Some("CONFLICT"))
        .count();
    assert_eq!((answered, refused), (1, 7), "{answers:?}");
    let notices = app
        .gql(
            "{ notifications { edges { node { kind } } } }",
            json!({}),
            learner.token(),
        )
        .await;
    let answers_heard = notices["data"]["notifications"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| {
            ["PAIRING_ACCEPTED", "PAIRING_DECLINED"].contains(&e["node"]["kind"].as_str().unwrap())
        })
        .count();
    assert_eq!(answers_heard, 1, "{notices}");
}

#[tokio::test]
async fn feedback_stays_hidden_until_both_have_spoken_and_private_notes_stay_private() {
    let app = spawn_app().await;
    let admin = app.sign_up("Org", "a@example.fi").await;
    let p = app.bulk_members(&admin, 2).await;
    let (learner, guide) = (&p[0], &p[1]);
    let linkedin = app.skill_id(&admin, "linkedin").await;
    mentor(&app, guide, &linkedin, 5, 1).await;
    let pairing = proposal(&app, learner, guide, &linkedin).await;
    const FEEDBACK: &str = "mutation($id: ID!, $r: Int!) { leaveFeedback(pairingId: $id, input: {rating: $r, comment: \"Thanks\"}) { rating } }";
    const SEE: &str = "query($id: ID!) { node(id: $id) { ... on Pairing { feedback { rating author { id } } sessions { notes privateNote } } } }";
    const LOG: &str = "mutation($id: ID!) { logMentoringSession(pairingId: $id, input: {heldAt: \"2026-11-27T10:00:00Z\", minutes: 45, notes: \"Hooks\", privateNote: \"Needs confidence\"}) { minutes privateNote } }";

    let early = app
        .gql(FEEDBACK, json!({"id": pairing, "r": 5}), learner.token())
        .await;
    assert_eq!(error_code(&early), Some("CONFLICT"), "not active yet");
    app.gql(RESPOND, json!({"id": pairing, "yes": true}), guide.token())
        .await;

    let logged = app.gql(LOG, json!({"id": pairing}), guide.token()).await;
    assert_eq!(
        logged["data"]["logMentoringSession"],
        json!({"minutes": 45, "privateNote": "Needs confidence"})
    );
    let learner_view = app.gql(SEE, json!({"id": pairing}), learner.token()).await;
    assert_eq!(
        learner_view["data"]["node"]["sessions"],
        json!([{"notes": "Hooks", "privateNote": null}])
    );

    assert_eq!(
        app.gql(FEEDBACK, json!({"id": pairing, "r": 6}), learner.token())
            .await["errors"][0]["extensions"]["field"],
        "rating"
    );
    app.gql(FEEDBACK, json!({"id": pairing, "r": 4}), learner.token())
        .await;
    let twice = app
        .gql(FEEDBACK, json!({"id": pairing, "r": 5}), learner.token())
        .await;
    assert_eq!(error_code(&twice), Some("CONFLICT"));
    let guide_view = app.gql(SEE, json!({"id": pairing}), guide.token()).await;
    assert_eq!(
        guide_view["data"]["node"]["feedback"],
        json!([]),
        "hidden until the mentor answers too"
    );
    app.gql(FEEDBACK, json!({"id": pairing, "r": 5}), guide.token())
        .await;
    let both = app.gql(SEE, json!({"id": pairing}), guide.token()).await;
    assert_eq!(
        both["data"]["node"]["feedback"].as_array().unwrap().len(),
        2
    );

    // An admin sees that a session was held, for how long, and the ratings,
    // never what was said.
    const ADMIN_SEES: &str = "query($id: ID!) { node(id: $id) { ... on Pairing {
        sessions { minutes notes privateNote } feedback { rating comment } } } }";
    let admin_view = app
        .gql(ADMIN_SEES, json!({"id": pairing}), admin.token())
        .await;
    assert_eq!(
        admin_view["data"]["node"]["sessions"],
        json!([{"minutes": 45, "notes": null, "privateNote": null}]),
        "{admin_view}"
    );
    assert_eq!(
        admin_view["data"]["node"]["feedback"],
        json!([{"rating": 4, "comment": null}, {"rating": 5, "comment": null}]),
        "{admin_view}"
    );
    let party_view = app
        .gql(ADMIN_SEES, json!({"id": pairing}), learner.token())
        .await;
    assert_eq!(
        party_view["data"]["node"]["feedback"][1]["comment"],
        "Thanks"
    );
}

#[tokio::test]
async fn a_request_is_open_to_colleagues_only_while_it_is_open() {
    let app = spawn_app().await;
    let admin = app.sign_up("Org", "a@example.fi").await;
    let p = app.bulk_members(&admin, 3).await;
    let (learner, guide, colleague) = (&p[0], &p[1], &p[2]);
    let linkedin = app.skill_id(&admin, "linkedin").await;
    mentor(&app, guide, &linkedin, 5, 1).await;
    let withdrawn = request(&app, learner, &[&linkedin]).await;
    let matched = request(&app, learner, &[&linkedin]).await;
    const SEE: &str = "query($id: ID!) { node(id: $id) { ... on MentoringRequest { id status } } }";
    let open = app
        .gql(SEE, json!({"id": withdrawn}), colleague.token())
        .await;
    assert_eq!(open["data"]["node"]["status"], "OPEN", "{open}");

    let body = app
        .gql(
            "mutation($id: ID!) { withdrawMentoringRequest(id: $id) { status } }",
            json!({"id": withdrawn}),
            learner.token(),
        )
        .await;
    assert_eq!(
        body["data"]["withdrawMentoringRequest"]["status"],
        "WITHDRAWN"
    );
    propose(&app, learner, &matched, guide).await;

    let missing = voimavara_api::graphql::ids::encode(
        voimavara_api::graphql::ids::Kind::MentoringRequest,
        9_999,
    )
    .0;
    let absent = app
        .gql(SEE, json!({"id": missing}), colleague.token())
        .await;
    for id in [&withdrawn, &matched] {
        // To a colleague, a request that is no longer open looks like none at all…
        let hidden = app.gql(SEE, json!({"id": id}), colleague.token()).await;
        assert_eq!(hidden, absent, "{hidden}");
        assert_eq!(hidden["data"]["node"], Value::Null);
        // …while its learner and the admins still see it.
        for who in [learner, &admin] {
            let seen = app.gql(SEE, json!({"id": id}), who.token()).await;
            assert_eq!(seen["data"]["node"]["id"], id.as_str(), "{seen}");
        }
    }
    // The proposed mentor sees the request their pairing is for.
    let seen = app.gql(SEE, json!({"id": matched}), guide.token()).await;
    assert_eq!(seen["data"]["node"]["status"], "MATCHED", "{seen}");
}

#[tokio::test]
async fn one_sided_feedback_shows_fourteen_days_after_the_pairing_ended() {
    let app = spawn_app().await;
    let admin = app.sign_up("Org", "a@example.fi").await;
    let p = app.bulk_members(&admin, 2).await;
    let (learner, guide) = (&p[0], &p[1]);
    let linkedin = app.skill_id(&admin, "linkedin").await;
    mentor(&app, guide, &linkedin, 5, 1).await;
    let pairing = proposal(&app, learner, guide, &linkedin).await;
    app.gql(RESPOND, json!({"id": pairing, "yes": true}), guide.token())
        .await;
    app.gql(
        "mutation($id: ID!) { leaveFeedback(pairingId: $id, input: {rating: 3}) { rating } }",
        json!({"id": pairing}),
        learner.token(),
    )
    .await;
    app.gql(
        "mutation($id: ID!) { completePairing(id: $id) { id } }",
        json!({"id": pairing}),
        learner.token(),
    )
    .await;

    // The guide looks 14 days later with a fresh token (the old one has expired).
    app.clock.advance(Duration::days(14));
    let id = voimavara_api::graphql::ids::decode(
        &guide.user_id,
        voimavara_api::graphql::ids::Kind::User,
        "id",
    )
    .unwrap();
    let (token, _) = app.open_session(id).await;
    let view = app
        .gql(
            "query($id: ID!) { node(id: $id) { ... on Pairing { feedback { rating } } } }",
            json!({"id": pairing}),
            Some(&token),
        )
        .await;
    assert_eq!(view["data"]["node"]["feedback"], json!([{"rating": 3}]));
}

const AUTO: &str = "mutation($dry: Boolean!) { autoMatch(dryRun: $dry) { totalScore
    pairings { request { id } suggestion { mentor { id } score } pairing { status } } unmatched { id } } }";

#[tokio::test]
async fn auto_match_proposes_the_best_total_within_capacities() {
    let app = spawn_app().await;
    let admin = app.sign_up("Org", "a@example.fi").await;
    let p = app.bulk_members(&admin, 5).await;
    let linkedin = app.skill_id(&admin, "linkedin").await;
    let tiktok = app.skill_id(&admin, "tiktok").await;
    // Mentor A knows both well, mentor B only LinkedIn; one place each.
    mentor(&app, &p[0], &linkedin, 5, 1).await;
    app.gql(SET_SKILL, json!({"id": tiktok, "level": 5}), p[0].token())
        .await;
    mentor(&app, &p[1], &linkedin, 4, 1).await;
    // Learner 1 wants TikTok and LinkedIn (A: 25+20, B: 16); learner 2 LinkedIn only (A: 25, B: 16).
    let r1 = request(&app, &p[2], &[&linkedin, &tiktok]).await;
    let r2 = request(&app, &p[3], &[&linkedin]).await;
    let r3 = request(&app, &p[4], &[&tiktok]).await;

    let dry = app.gql(AUTO, json!({"dry": true}), admin.token()).await;
    let result = &dry["data"]["autoMatch"];
    // Greedy would give learner 1 mentor A (50.5) and learner 2 mentor B (16.5): 67.
    // The optimum is the same here; what matters is learner 3, who can only have A:
    // A→r3 (25.5) + B→r1 (16.5) = 42 is worse than A→r1 + B→r2 = 67.
    assert_eq!(result["totalScore"], 67.0, "{dry}");
    let pairs: Vec<(String, String)> = result["pairings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["request"]["id"].as_str().unwrap().to_owned(),
                m["suggestion"]["mentor"]["id"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        pairs,
        [
            (r1.clone(), p[0].user_id.clone()),
            (r2.clone(), p[1].user_id.clone())
        ]
    );
    assert_eq!(result["unmatched"], json!([{"id": r3}]));
    assert!(
        result["pairings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|m| m["pairing"].is_null())
    );
    let untouched = app
        .gql(
            "query($id: ID!) { node(id: $id) { ... on MentoringRequest { status } } }",
            json!({"id": r1}),
            admin.token(),
        )
        .await;
    assert_eq!(
        untouched["data"]["node"]["status"], "OPEN",
        "a dry run changes nothing"
    );

    let real = app.gql(AUTO, json!({"dry": false}), admin.token()).await;
    assert_eq!(real["data"]["autoMatch"]["totalScore"], 67.0);
    assert!(
        real["data"]["autoMatch"]["pairings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|m| m["pairing"]["status"] == "PROPOSED")
    );
    let matched = app
        .gql(
            "query($id: ID!) { node(id: $id) { ... on MentoringRequest { status } } }",
            json!({"id": r1}),
            admin.token(),
        )
        .await;
    assert_eq!(matched["data"]["node"]["status"], "MATCHED");
    assert_eq!(
        error_code(&app.gql(AUTO, json!({"dry": true}), p[0].token()).await),
        Some("FORBIDDEN")
    );
}

#[tokio::test]
async fn auto_match_gives_one_learner_two_mentors_when_that_is_the_optimum() {
    let app = spawn_app().await;
    let admin = app.sign_up("Org", "a@example.fi").await;
    let p = app.bulk_members(&admin, 3).await;
    let (a, b, learner) = (&p[0], &p[1], &p[2]);
    let linkedin = app.skill_id(&admin, "linkedin").await;
    let tiktok = app.skill_id(&admin, "tiktok").await;
    // Mentor A: level 5 in both, 2 places; mentor B: level 4 in LinkedIn, 1 place.
    mentor(&app, a, &linkedin, 5, 2).await;
    app.gql(SET_SKILL, json!({"id": tiktok, "level": 5}), a.token())
        .await;
    mentor(&app, b, &linkedin, 4, 1).await;
    let r1 = request(&app, learner, &[&linkedin]).await;
    let r2 = request(&app, learner, &[&tiktok]).await;

    let real = app.gql(AUTO, json!({"dry": false}), admin.token()).await;
    let result = &real["data"]["autoMatch"];
    // R1→B (16.5) plus R2→A (25.5); giving A both and dropping one gave 25.5.
    assert_eq!(result["totalScore"], 42.0, "{real}");
    let pairs: Vec<(&str, &str)> = result["pairings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["request"]["id"].as_str().unwrap(),
                m["suggestion"]["mentor"]["id"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        pairs,
        [
            (r1.as_str(), b.user_id.as_str()),
            (r2.as_str(), a.user_id.as_str())
        ]
    );
    assert_eq!(result["unmatched"], json!([]));
}

#[tokio::test]
async fn only_one_auto_match_runs_per_organisation_at_a_time() {
    use sea_orm::{ActiveModelTrait, ActiveValue::Set};
    let app = spawn_app().await;
    let admin = app.sign_up("Org", "a@example.fi").await;
    let other = app.sign_up("Other", "o@example.fi").await;
    let organisation = voimavara_api::graphql::ids::decode(
        app.gql("{ organisation { id } }", json!({}), admin.token())
            .await["data"]["organisation"]["id"]
            .as_str()
            .unwrap(),
        voimavara_api::graphql::ids::Kind::Organisation,
        "id",
    )
    .unwrap();
    // A run in progress elsewhere (another instance, say) holds the lease.
    entity::automatch_lease::ActiveModel {
        organisation_id: Set(organisation),
        holder: Set("another run".into()),
        expires_at: Set(app.state.clock.now() + Duration::seconds(45)),
    }
    .insert(&app.state.db)
    .await
    .unwrap();
    let refused = app.gql(AUTO, json!({"dry": true}), admin.token()).await;
    assert_eq!(error_code(&refused), Some("CONFLICT"), "{refused}");
    // Another organisation is not held up.
    let elsewhere = app.gql(AUTO, json!({"dry": true}), other.token()).await;
    assert_eq!(
        elsewhere["data"]["autoMatch"]["totalScore"], 0.0,
        "{elsewhere}"
    );
    // A lease whose holder died expires, and a finished run gives it back.
    app.clock.advance(Duration::seconds(46));
    for _ in 0..2 {
        let ran = app.gql(AUTO, json!({"dry": true}), admin.token()).await;
        assert_eq!(ran["data"]["autoMatch"]["totalScore"], 0.0, "{ran}");
    }
}

#[tokio::test]
async fn the_skill_map_counts_open_requests_and_mentors() {
    let app = spawn_app().await;
    let admin = app.sign_up("Org", "a@example.fi").await;
    let p = app.bulk_members(&admin, 3).await;
    let tiktok = app.skill_id(&admin, "tiktok").await;
    mentor(&app, &p[0], &tiktok, 5, 2).await;
    app.gql(SET_SKILL, json!({"id": tiktok, "level": 4}), p[1].token())
        .await;
    request(&app, &p[2], &[&tiktok]).await;
    let map = app.gql("{ skillMap { rows { skill { key } experts mentoringExperts learners gap } hiddenExperts { user { id } } } }", json!({}), admin.token()).await;
    let row = map["data"]["skillMap"]["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["skill"]["key"] == "tiktok")
        .unwrap()
        .clone();
    assert_eq!(
        row,
        json!({"skill": {"key": "tiktok"}, "experts": 2, "mentoringExperts": 1, "learners": 1, "gap": 0})
    );
    assert_eq!(
        map["data"]["skillMap"]["hiddenExperts"],
        json!([{"user": {"id": p[1].user_id}}])
    );
}
