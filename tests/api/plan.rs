//! The plan, made together, through GraphQL: goals proposed by members,
//! decided by admins and measured from presence figures (with the
//! five-member threshold), settled once; comments and their edit rules;
//! clinic questions, who may ask them and anonymity on every path.

use chrono::Duration;
use serde_json::{Value, json};
use voimavara_api::graphql::ids::{Kind, decode};

use crate::helpers::{Session, TestApp, error_code, spawn_app};

const PROPOSE: &str = "mutation($input: ProposePlanGoalInput!) { proposePlanGoal(input: $input) {
    id status proposedBy { id } platform { key } metric target } }";
const DECIDE: &str = "mutation($id: ID!, $accept: Boolean!) { decidePlanGoal(id: $id, accept: $accept) { id status } }";
const GOAL: &str = "query($id: ID!) { node(id: $id) { ... on PlanGoal {
    status baseline current progress } } }";
const ADD_CHANNEL: &str =
    "mutation($p: ID!, $h: String!) { addMyChannel(input: {platformId: $p, handle: $h}) { id } }";
const RECORD: &str =
    "mutation($c: ID!, $day: Date!, $f: Int!) { recordPresence(input: {channelId: $c,
    takenOn: $day, followers: $f, posts: 2, reactions: 10, comments: 1, shares: 1}) { id } }";
const KINDS: &str =
    "{ notifications(first: 50) { edges { node { kind message subject { id } } } } }";
const COMMENT: &str = "mutation($g: ID!, $t: String!) { commentOnPlanGoal(goalId: $g, text: $t) { id text author { id } } }";
const COMMENTS: &str = "query($id: ID!, $first: Int, $after: String, $last: Int) { node(id: $id) { ... on PlanGoal {
    comments(first: $first, after: $after, last: $last) { totalCount pageInfo { endCursor hasNextPage }
    edges { node { id text removed editedAt author { id } } } } } } }";
const ASK: &str = "mutation($c: ID!, $t: String!, $a: Boolean!) { askClinicQuestion(clinicId: $c, text: $t, anonymous: $a) {
    id text anonymous answered author { id } } }";
const QUESTIONS: &str = "query($id: ID!) { node(id: $id) { ... on Clinic { questions { id text anonymous answered author { id } } } } }";

/// A new access token for `who` (after the clock moved past the old one).
async fn fresh(app: &TestApp, who: &Session) -> Session {
    let id = decode(&who.user_id, Kind::User, "id").unwrap();
    let (access_token, refresh_token) = app.open_session(id).await;
    Session {
        access_token,
        refresh_token,
        user_id: who.user_id.clone(),
    }
}

fn data<'a>(body: &'a Value, field: &str) -> &'a Value {
    assert!(body.get("errors").is_none(), "{body}");
    &body["data"][field]
}

/// Each member's ORGANISATION channel on `platform`.
async fn channels(app: &TestApp, members: &[Session], platform: &str, tag: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (i, member) in members.iter().enumerate() {
        let body = app
            .gql(
                ADD_CHANNEL,
                json!({"p": platform, "h": format!("{tag}-{i}")}),
                member.token(),
            )
            .await;
        out.push(
            data(&body, "addMyChannel")["id"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }
    out
}

async fn record(app: &TestApp, who: &Session, channel: &str, day: &str, followers: i64) {
    let body = app
        .gql(
            RECORD,
            json!({"c": channel, "day": day, "f": followers}),
            who.token(),
        )
        .await;
    data(&body, "recordPresence");
}

async fn kinds(app: &TestApp, who: &Session, kind: &str) -> Vec<Value> {
    let body = app.gql(KINDS, json!({}), who.token()).await;
    data(&body, "notifications")["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"].clone())
        .filter(|n| n["kind"] == kind)
        .collect()
}

fn goal_input(platform: &str, target: f64, due: &str) -> Value {
    json!({"input": {"title": "Grow our LinkedIn", "description": "Colleagues share what we do.",
        "platformId": platform, "metric": "FOLLOWERS", "target": target,
        "startsOn": "2026-11-01", "dueOn": due}})
}

#[tokio::test]
async fn a_goal_is_proposed_accepted_measured_achieved_and_its_proposer_told_once() {
    let app = spawn_app().await;
    let admin = app.sign_up("Plan Org", "admin@plan.fi").await;
    let members = app.bulk_members(&admin, 5).await;
    let linkedin = app.skill_id(&admin, "linkedin").await;
    let instagram = app.skill_id(&admin, "instagram").await;
    let own = channels(&app, &members, &linkedin, "li").await;
    // Instagram: only four members record, too few for any figure.
    let few = channels(&app, &members[..4], &instagram, "ig").await;
    for (member, (li, ig)) in members.iter().zip(own.iter().zip(&few)) {
        record(&app, member, li, "2026-11-01", 100).await;
        record(&app, member, ig, "2026-11-01", 100).await;
    }
    record(&app, &members[4], &own[4], "2026-11-01", 100).await;

    let proposer = &members[0];
    let body = app
        .gql(
            PROPOSE,
            goal_input(&linkedin, 1000.0, "2027-03-31"),
            proposer.token(),
        )
        .await;
    let goal = data(&body, "proposePlanGoal").clone();
    assert_eq!(goal["status"], "PROPOSED");
    assert_eq!(goal["proposedBy"]["id"], proposer.user_id.as_str());
    assert_eq!(goal["metric"], "FOLLOWERS");
    let id = goal["id"].as_str().unwrap();

    // Only an admin decides, once.
    let refused = app
        .gql(
            DECIDE,
            json!({"id": id, "accept": true}),
            members[1].token(),
        )
        .await;
    assert_eq!(error_code(&refused), Some("FORBIDDEN"), "{refused}");
    let accepted = app
        .gql(DECIDE, json!({"id": id, "accept": true}), admin.token())
        .await;
    assert_eq!(data(&accepted, "decidePlanGoal")["status"], "ACCEPTED");
    let again = app
        .gql(DECIDE, json!({"id": id, "accept": false}), admin.token())
        .await;
    assert_eq!(error_code(&again), Some("CONFLICT"), "{again}");
    let told = kinds(&app, proposer, "PLAN_GOAL_DECIDED").await;
    assert_eq!(told.len(), 1, "{told:?}");
    assert_eq!(told[0]["subject"]["id"], id);

    // Baseline and current: five members' followers, 5 × 100.
    let read = |who: Session| {
        let app = &app;
        async move {
            let body = app.gql(GOAL, json!({"id": id}), who.token()).await;
            data(&body, "node").clone()
        }
    };
    let start = read(members[2].clone()).await;
    assert_eq!(start["baseline"].as_f64(), Some(500.0), "{start}");
    assert_eq!(start["current"].as_f64(), Some(500.0));
    assert_eq!(start["progress"].as_f64(), Some(0.0));

    // Progress follows recorded presence: 5 × 180 = 900 of 500 → 1000.
    for (member, channel) in members.iter().zip(&own) {
        record(&app, member, channel, "2026-11-20", 180).await;
    }
    let midway = read(admin.clone()).await;
    assert_eq!(midway["current"].as_f64(), Some(900.0), "{midway}");
    assert_eq!(midway["progress"].as_f64(), Some(0.8));
    assert_eq!(midway["status"], "ACCEPTED");

    // One more member's growth reaches the target: 4 × 180 + 300 = 1020.
    record(&app, &members[4], &own[4], "2026-11-27", 300).await;
    let done = read(members[3].clone()).await;
    assert_eq!(done["status"], "ACHIEVED", "{done}");
    assert_eq!(done["progress"].as_f64(), Some(1.0));
    assert_eq!(done["current"].as_f64(), Some(1020.0));
    // Read again, by others and through the list, and checked by the job:
    // the proposer is told once.
    read(admin.clone()).await;
    let listed = app
        .gql(
            "{ planGoals(filter: {status: ACHIEVED}) { totalCount edges { node { id status progress } } } }",
            json!({}),
            members[1].token(),
        )
        .await;
    assert_eq!(data(&listed, "planGoals")["totalCount"], 1, "{listed}");
    assert_eq!(
        voimavara_api::service::plan::settle_due(&app.state)
            .await
            .unwrap(),
        0
    );
    let told = kinds(&app, proposer, "PLAN_GOAL_DECIDED").await;
    assert_eq!(told.len(), 2, "{told:?}");
    assert!(
        told.iter()
            .any(|n| n["message"].as_str().unwrap().contains("achieved")),
        "{told:?}"
    );

    // Four contributors: no figures, no progress, nobody's numbers.
    let body = app
        .gql(
            PROPOSE,
            json!({"input": {"title": "Instagram", "platformId": instagram, "metric": "FOLLOWERS",
                "target": 10, "startsOn": "2026-11-01", "dueOn": "2027-01-31"}}),
            admin.token(),
        )
        .await;
    let small = data(&body, "proposePlanGoal")["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.gql(DECIDE, json!({"id": small, "accept": true}), admin.token())
        .await;
    let withheld = app.gql(GOAL, json!({"id": small}), admin.token()).await;
    assert_eq!(
        data(&withheld, "node"),
        &json!({"status": "ACCEPTED", "baseline": null, "current": null, "progress": null})
    );
}

#[tokio::test]
async fn a_goal_nobody_reaches_is_missed_by_the_periodic_check_without_a_read() {
    let app = spawn_app().await;
    let admin = app.sign_up("Missed Org", "admin@missed.fi").await;
    let members = app.bulk_members(&admin, 5).await;
    let linkedin = app.skill_id(&admin, "linkedin").await;
    for (member, channel) in members
        .iter()
        .zip(channels(&app, &members, &linkedin, "m").await)
    {
        record(&app, member, &channel, "2026-11-01", 100).await;
    }
    let proposer = &members[0];
    let body = app
        .gql(
            PROPOSE,
            goal_input(&linkedin, 10_000.0, "2026-12-10"),
            proposer.token(),
        )
        .await;
    let id = data(&body, "proposePlanGoal")["id"]
        .as_str()
        .unwrap()
        .to_owned();
    // A declined goal never moves.
    let body = app
        .gql(
            PROPOSE,
            goal_input(&linkedin, 10_000.0, "2026-12-10"),
            proposer.token(),
        )
        .await;
    let declined = data(&body, "proposePlanGoal")["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.gql(DECIDE, json!({"id": id, "accept": true}), admin.token())
        .await;
    app.gql(
        DECIDE,
        json!({"id": declined, "accept": false}),
        admin.token(),
    )
    .await;
    let settle = || voimavara_api::service::plan::settle_due(&app.state);
    assert_eq!(settle().await.unwrap(), 0, "not due yet");

    app.clock.advance(Duration::days(13));
    assert_eq!(settle().await.unwrap(), 1);
    assert_eq!(settle().await.unwrap(), 0, "settled once");
    let proposer = fresh(&app, proposer).await;
    let told = kinds(&app, &proposer, "PLAN_GOAL_DECIDED").await;
    assert_eq!(told.len(), 3, "accepted, declined, missed: {told:?}");
    assert!(
        told[0]["message"].as_str().unwrap().contains("missed"),
        "{told:?}"
    );
    let body = app
        .gql(
            "{ planGoals { edges { node { id status } } } }",
            json!({}),
            proposer.token(),
        )
        .await;
    let statuses: Vec<Value> = data(&body, "planGoals")["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["status"].clone())
        .collect();
    assert_eq!(statuses, [json!("DECLINED"), json!("MISSED")]);
}

#[tokio::test]
async fn bad_goals_are_refused_naming_the_field() {
    let app = spawn_app().await;
    let admin = app.sign_up("Bad Goal Org", "admin@badgoal.fi").await;
    let linkedin = app.skill_id(&admin, "linkedin").await;
    let writing = app.skill_id(&admin, "short-posts").await;
    for (change, field) in [
        (json!({"title": " "}), "title"),
        (json!({"target": -5}), "target"),
        (json!({"target": 2.5}), "target"),
        (json!({"dueOn": "2026-10-31"}), "dueOn"),
        (json!({"platformId": writing}), "platformId"),
    ] {
        let mut input = goal_input(&linkedin, 100.0, "2027-01-31");
        for (key, value) in change.as_object().unwrap() {
            input["input"][key] = value.clone();
        }
        let body = app.gql(PROPOSE, input, admin.token()).await;
        assert_eq!(
            error_code(&body),
            Some("BAD_USER_INPUT"),
            "{change}: {body}"
        );
        assert_eq!(body["errors"][0]["extensions"]["field"], field, "{body}");
    }
    let body = app
        .gql("{ planGoals { totalCount } }", json!({}), admin.token())
        .await;
    assert_eq!(data(&body, "planGoals")["totalCount"], 0);
}

#[tokio::test]
async fn comments_page_oldest_first_and_obey_their_edit_rules() {
    let app = spawn_app().await;
    let admin = app.sign_up("Talk Org", "admin@talk.fi").await;
    let proposer = app.add_member(&admin, "proposer@talk.fi", "MEMBER").await;
    let anna = app.add_member(&admin, "anna@talk.fi", "MEMBER").await;
    let ben = app.add_member(&admin, "ben@talk.fi", "MEMBER").await;
    let linkedin = app.skill_id(&admin, "linkedin").await;
    let body = app
        .gql(
            PROPOSE,
            goal_input(&linkedin, 100.0, "2027-01-31"),
            proposer.token(),
        )
        .await;
    let goal = data(&body, "proposePlanGoal")["id"]
        .as_str()
        .unwrap()
        .to_owned();

    let mut ids = Vec::new();
    for (who, text) in [(&anna, "a1"), (&anna, "a2"), (&anna, "a3"), (&ben, "b1")] {
        let body = app
            .gql(COMMENT, json!({"g": goal, "t": text}), who.token())
            .await;
        ids.push(
            data(&body, "commentOnPlanGoal")["id"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }
    for (text, why) in [(" ".to_owned(), "empty"), ("x".repeat(2001), "too long")] {
        let body = app
            .gql(COMMENT, json!({"g": goal, "t": text}), anna.token())
            .await;
        assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{why}: {body}");
    }
    let page = |first: Option<i64>, after: Option<String>, last: Option<i64>| {
        let app = &app;
        let goal = goal.clone();
        let token = ben.access_token.clone();
        async move {
            let body = app
                .gql(
                    COMMENTS,
                    json!({"id": goal, "first": first, "after": after, "last": last}),
                    Some(&token),
                )
                .await;
            data(&body, "node")["comments"].clone()
        }
    };
    let texts = |page: &Value| -> Vec<String> {
        page["edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["node"]["text"].as_str().unwrap().to_owned())
            .collect()
    };
    let one = page(Some(2), None, None).await;
    assert_eq!(texts(&one), ["a1", "a2"]);
    assert_eq!(one["totalCount"], 4);
    let cursor = one["pageInfo"]["endCursor"].as_str().map(str::to_owned);
    let two = page(Some(2), cursor, None).await;
    assert_eq!(texts(&two), ["a3", "b1"]);
    assert_eq!(two["pageInfo"]["hasNextPage"], false);
    assert_eq!(texts(&page(None, None, Some(1)).await), ["b1"]);
    // The proposer heard of all four, Anna of Ben's, Ben of none.
    assert_eq!(kinds(&app, &proposer, "PLAN_GOAL_COMMENTED").await.len(), 4);
    assert_eq!(kinds(&app, &anna, "PLAN_GOAL_COMMENTED").await.len(), 1);
    assert_eq!(kinds(&app, &ben, "PLAN_GOAL_COMMENTED").await.len(), 0);

    const EDIT: &str =
        "mutation($id: ID!, $t: String!) { editPlanComment(id: $id, text: $t) { text editedAt } }";
    const REMOVE: &str = "mutation($id: ID!) { removePlanComment(id: $id) { text removed } }";
    let others = app
        .gql(EDIT, json!({"id": ids[0], "t": "mine now"}), ben.token())
        .await;
    assert_eq!(error_code(&others), Some("FORBIDDEN"), "{others}");
    let not_admin_either = app
        .gql(
            EDIT,
            json!({"id": ids[0], "t": "edited by admin"}),
            admin.token(),
        )
        .await;
    assert_eq!(error_code(&not_admin_either), Some("FORBIDDEN"));
    let edited = app
        .gql(EDIT, json!({"id": ids[0], "t": "a1, better"}), anna.token())
        .await;
    assert_eq!(data(&edited, "editPlanComment")["text"], "a1, better");
    assert!(edited["data"]["editPlanComment"]["editedAt"].is_string());
    let others_remove = app.gql(REMOVE, json!({"id": ids[1]}), ben.token()).await;
    assert_eq!(error_code(&others_remove), Some("FORBIDDEN"));
    let own_remove = app.gql(REMOVE, json!({"id": ids[3]}), ben.token()).await;
    assert_eq!(
        data(&own_remove, "removePlanComment"),
        &json!({"text": "", "removed": true})
    );

    // Fifteen minutes on, the author's window has closed; an admin's has not.
    app.clock.advance(Duration::minutes(16));
    let anna = fresh(&app, &anna).await;
    let admin = fresh(&app, &admin).await;
    let late = app
        .gql(EDIT, json!({"id": ids[1], "t": "too late"}), anna.token())
        .await;
    assert_eq!(error_code(&late), Some("FORBIDDEN"), "{late}");
    let late = app.gql(REMOVE, json!({"id": ids[1]}), anna.token()).await;
    assert_eq!(error_code(&late), Some("FORBIDDEN"), "{late}");
    let moderated = app.gql(REMOVE, json!({"id": ids[2]}), admin.token()).await;
    assert_eq!(data(&moderated, "removePlanComment")["removed"], true);
    let body = app
        .gql(COMMENTS, json!({"id": goal, "first": 10}), anna.token())
        .await;
    let listed: Vec<(Value, Value)> = data(&body, "node")["comments"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["node"]["text"].clone(), e["node"]["removed"].clone()))
        .collect();
    assert_eq!(
        listed,
        [
            (json!("a1, better"), json!(false)),
            (json!("a2"), json!(false)),
            (json!(""), json!(true)),
            (json!(""), json!(true)),
        ]
    );
}

#[tokio::test]
async fn questions_obey_who_may_ask_and_anonymity_everywhere() {
    let app = spawn_app().await;
    let admin = app.sign_up("Question Org", "admin@ask.fi").await;
    let host = app.add_member(&admin, "host@ask.fi", "MEMBER").await;
    let asker = app.add_member(&admin, "asker@ask.fi", "MEMBER").await;
    let waiter = app.add_member(&admin, "waiter@ask.fi", "MEMBER").await;
    let quitter = app.add_member(&admin, "quitter@ask.fi", "MEMBER").await;
    let outsider = app.add_member(&admin, "outsider@ask.fi", "MEMBER").await;
    let clinic = app
        .schedule_clinic(
            &admin,
            &host.user_id,
            "2026-11-29T10:00:00Z",
            "2026-11-29T11:00:00Z",
            1,
        )
        .await;
    const REGISTER: &str = "mutation($id: ID!) { registerForClinic(clinicId: $id) { id status } }";
    for who in [&asker, &waiter, &quitter] {
        app.gql(REGISTER, json!({"id": clinic}), who.token()).await;
    }
    let quitter_seat = app
        .gql(
            "{ me { clinicRegistrations(first: 5) { edges { node { id } } } } }",
            json!({}),
            quitter.token(),
        )
        .await["data"]["me"]["clinicRegistrations"]["edges"][0]["node"]["id"]
        .clone();
    app.gql(
        "mutation($id: ID!) { cancelRegistration(registrationId: $id) { status } }",
        json!({"id": quitter_seat}),
        quitter.token(),
    )
    .await;

    let ask = |who: &Session, text: &str, anonymous: bool| {
        let app = &app;
        let token = who.access_token.clone();
        let vars = json!({"c": clinic, "t": text, "a": anonymous});
        async move { app.gql(ASK, vars, Some(&token)).await }
    };
    for who in [&outsider, &quitter, &admin] {
        let refused = ask(who, "May I?", false).await;
        assert_eq!(error_code(&refused), Some("FORBIDDEN"), "{refused}");
    }
    let empty = ask(&asker, "  ", true).await;
    assert_eq!(error_code(&empty), Some("BAD_USER_INPUT"));
    let secret = ask(&asker, "How do I measure reach?", true).await;
    let secret = data(&secret, "askClinicQuestion").clone();
    assert_eq!(
        secret["author"],
        Value::Null,
        "not even the asker sees a name"
    );
    let named = ask(&waiter, "Can we see examples?", false).await;
    let named = data(&named, "askClinicQuestion").clone();
    assert_eq!(named["author"]["id"], waiter.user_id.as_str());
    let secret_id = secret["id"].as_str().unwrap();

    // The facilitator and admins see both; the anonymous one names nobody.
    let questions = |who: &Session| {
        let app = &app;
        let token = who.access_token.clone();
        let clinic = clinic.clone();
        async move {
            let body = app
                .gql(QUESTIONS, json!({"id": clinic}), Some(&token))
                .await;
            data(&body, "node")["questions"].clone()
        }
    };
    for who in [&host, &admin] {
        let all = questions(who).await;
        assert_eq!(all.as_array().unwrap().len(), 2, "{all}");
        assert_eq!(all[0]["author"], Value::Null);
        assert_eq!(all[1]["author"]["id"], waiter.user_id.as_str());
    }
    // Askers see their own only; others none.
    assert_eq!(questions(&asker).await, json!([secret]));
    assert_eq!(questions(&waiter).await, json!([named]));
    assert_eq!(questions(&outsider).await, json!([]));
    // node(id): the anonymous author stays hidden from the admin; others
    // cannot see the question at all.
    const NODE: &str =
        "query($id: ID!) { node(id: $id) { ... on ClinicQuestion { text author { id } } } }";
    let as_admin = app.gql(NODE, json!({"id": secret_id}), admin.token()).await;
    assert_eq!(
        data(&as_admin, "node"),
        &json!({"text": "How do I measure reach?", "author": null})
    );
    let as_outsider = app
        .gql(NODE, json!({"id": secret_id}), outsider.token())
        .await;
    assert_eq!(data(&as_outsider, "node"), &Value::Null);
    // The facilitator was told of both, without a name.
    let body = app
        .gql(
            "{ notifications(first: 10) { edges { node { kind message subject { ... on ClinicQuestion { author { id } } } } } } }",
            json!({}),
            host.token(),
        )
        .await;
    let told: Vec<Value> = data(&body, "notifications")["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"].clone())
        .filter(|n| n["kind"] == "CLINIC_QUESTION_ASKED")
        .collect();
    assert_eq!(told.len(), 2, "{told:?}");
    assert_eq!(told[1]["subject"], json!({"author": null}), "{told:?}");
    assert!(
        told.iter()
            .all(|n| !n["message"].as_str().unwrap().contains("asker"))
    );

    // Answered: by the facilitator or an admin, not by the asker.
    const ANSWERED: &str = "mutation($id: ID!) { markQuestionAnswered(id: $id) { answered } }";
    let refused = app
        .gql(ANSWERED, json!({"id": secret_id}), asker.token())
        .await;
    assert_eq!(error_code(&refused), Some("FORBIDDEN"), "{refused}");
    let hidden = app
        .gql(ANSWERED, json!({"id": secret_id}), outsider.token())
        .await;
    assert_eq!(error_code(&hidden), Some("NOT_FOUND"), "{hidden}");
    let done = app
        .gql(ANSWERED, json!({"id": secret_id}), host.token())
        .await;
    assert_eq!(data(&done, "markQuestionAnswered")["answered"], true);

    // Once the clinic has started, no more questions.
    app.clock.advance(Duration::hours(26));
    let asker = fresh(&app, &asker).await;
    let late = ask(&asker, "Too late?", false).await;
    assert_eq!(error_code(&late), Some("CONFLICT"), "{late}");
}
