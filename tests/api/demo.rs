//! The demo organisation: what a newcomer sees after `serve --demo`, through
//! the public API, signed in with the printed accounts.

use serde_json::{Value, json};
use voimavara_api::clock::Clock;
use voimavara_api::error::AppError;
use voimavara_api::seed::demo;

use crate::helpers::{TestApp, spawn_app};

async fn sign_in(app: &TestApp, email: &str) -> String {
    let body = app
        .gql(
            "mutation($e: String!, $p: String!) { login(input: {email: $e, password: $p}) { accessToken } }",
            json!({"e": email, "p": demo::PASSWORD}),
            None,
        )
        .await;
    body["data"]["login"]["accessToken"]
        .as_str()
        .unwrap_or_else(|| panic!("login failed: {body}"))
        .to_owned()
}

fn account<'a>(created: &'a demo::Demo, role: &str) -> &'a demo::Account {
    created.accounts.iter().find(|a| a.role == role).unwrap()
}

#[tokio::test]
async fn the_demo_shows_every_part_of_the_product_and_fills_only_an_empty_database() {
    let app = spawn_app().await;
    let created = demo::seed(&app.state).await.unwrap();
    assert_eq!(created.members, 40);
    assert_eq!(created.courses, 2);

    let learner = sign_in(&app, &account(&created, "learner").email).await;
    let admin = sign_in(&app, &account(&created, "admin").email).await;
    let mentor = sign_in(&app, &account(&created, "mentor").email).await;

    // The clinic board: the weekly clinic is full, and the learner waits first.
    let board = app
        .gql(
            "{ clinics(first: 20) { totalCount edges { node { title capacity seatsLeft waitlistLength
               facilitator { displayName } skills { key } myRegistration { status waitlistPosition } } } } }",
            json!({}),
            Some(&learner),
        )
        .await;
    let clinics = &board["data"]["clinics"];
    assert_eq!(clinics["totalCount"], created.clinics, "{board}");
    // The README's tour shows the first four in this order, which the demo's
    // fixed day offsets keep whatever weekday it starts on.
    let first: Vec<&str> = clinics["edges"].as_array().unwrap()[..4]
        .iter()
        .map(|e| e["node"]["title"].as_str().unwrap())
        .collect();
    assert_eq!(
        first,
        [
            "Kun somessa kuohuu",
            "LinkedIn-profiili kuntoon",
            "Lyhyet videot: TikTok ja Reels",
            "Vaikuttavuuden mittaaminen somessa"
        ]
    );
    let weekly: Vec<&Value> = clinics["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["node"])
        .filter(|c| c["title"] == "Vaikuttavuuden mittaaminen somessa")
        .collect();
    assert_eq!(weekly.len(), 8, "eight weekly sessions");
    assert_eq!(weekly[0]["seatsLeft"], 0);
    assert_eq!(weekly[0]["waitlistLength"], 3);
    assert_eq!(weekly[0]["facilitator"]["displayName"], "Matti Korhonen");
    assert_eq!(weekly[0]["skills"], json!([{"key": "measuring-influence"}]));
    assert_eq!(
        weekly[0]["myRegistration"],
        json!({"status": "WAITLISTED", "waitlistPosition": 1})
    );

    // The skill map shows hidden experts the admin did not know about.
    let map = app
        .gql(
            "{ skillMap { rows { skill { key } experts learners } hiddenExperts { user { displayName } } } }",
            json!({}),
            Some(&admin),
        )
        .await;
    let hidden: Vec<&str> = map["data"]["skillMap"]["hiddenExperts"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|h| h["user"]["displayName"].as_str())
        .collect();
    assert!(hidden.contains(&"Pekka Järvinen"), "{map}");
    assert!(hidden.contains(&"Anna Lehtonen"), "{map}");

    // The learner's open request gets the mentor as the first suggestion.
    let mine = app
        .gql(
            "{ myMentoringRequests { edges { node { id status } } } }",
            json!({}),
            Some(&learner),
        )
        .await;
    let request = &mine["data"]["myMentoringRequests"]["edges"][0]["node"];
    assert_eq!(request["status"], "OPEN", "{mine}");
    let suggestions = app
        .gql(
            "query($id: ID!) { mentorSuggestions(requestId: $id, first: 3) { mentor { displayName } score } }",
            json!({"id": request["id"]}),
            Some(&learner),
        )
        .await;
    assert_eq!(
        suggestions["data"]["mentorSuggestions"][0]["mentor"]["displayName"], "Matti Korhonen",
        "{suggestions}"
    );

    // Two published courses, with the learner's progress.
    let courses = app
        .gql(
            "{ courses { edges { node { title status lessonCount myEnrolment { progress } } } } }",
            json!({}),
            Some(&learner),
        )
        .await;
    let edges = courses["data"]["courses"]["edges"].as_array().unwrap();
    assert_eq!(edges.len(), 2, "{courses}");
    assert!(edges.iter().all(|e| e["node"]["status"] == "PUBLISHED"));
    assert!(
        edges
            .iter()
            .all(|e| e["node"]["myEnrolment"]["progress"].as_f64().unwrap() > 0.0)
    );

    // The mentor sees the same organisation.
    let me = app
        .gql(
            "{ me { displayName mentorProfile { maxMentees } } }",
            json!({}),
            Some(&mentor),
        )
        .await;
    assert_eq!(me["data"]["me"]["mentorProfile"]["maxMentees"], 3, "{me}");

    // A second run touches nothing.
    let again = demo::seed(&app.state).await;
    assert!(matches!(again, Err(AppError::Conflict(_))), "{again:?}");
}

#[tokio::test]
async fn graphiql_opens_with_example_tabs_that_run_against_the_demo() {
    use voimavara_api::http::graphiql::examples::TABS;
    let app = spawn_app().await;
    demo::seed(&app.state).await.unwrap();

    let page = app.get_text("/graphiql").await;
    assert!(page.contains("defaultTabs"));
    assert!(page.contains("mutation SignIn"));
    assert!(page.contains("https://unpkg.com/graphiql@3.9.0/graphiql.min.js"));

    // Every tab runs as written once its placeholders are filled in.
    let run = |index: usize, variables: Value, token: Option<String>| {
        let (query, _, _) = TABS[index];
        let app = &app;
        async move {
            let mut body = json!({"query": query, "variables": variables});
            if let Some(name) = first_operation(query) {
                body["operationName"] = json!(name);
            }
            let mut request = app
                .client
                .post(format!("{}/graphql", app.address))
                .json(&body);
            if let Some(token) = token {
                request = request.bearer_auth(token);
            }
            let answer: Value = request.send().await.unwrap().json().await.unwrap();
            assert!(answer.get("errors").is_none(), "tab {index}: {answer}");
            answer
        }
    };
    let signed_in = run(0, serde_json::from_str(TABS[0].1).unwrap(), None).await;
    let learner = signed_in["data"]["login"]["accessToken"]
        .as_str()
        .unwrap()
        .to_owned();
    let board = run(1, json!({}), Some(learner.clone())).await;
    let clinic = board["data"]["clinics"]["edges"][1]["node"]["id"].clone();
    run(2, json!({"clinicId": clinic}), Some(learner.clone())).await;
    let mine = run(3, json!({}), Some(learner.clone())).await;
    assert!(mine["data"]["myMentoringRequests"]["edges"][0]["node"]["id"].is_string());
    let admin = sign_in(&app, "aino.virtanen@kuusisto.example").await;
    let map = run(4, json!({}), Some(admin)).await;
    assert!(
        !map["data"]["skillMap"]["hiddenExperts"]
            .as_array()
            .unwrap()
            .is_empty()
    );
}

/// The first operation's name in a document with several.
fn first_operation(document: &str) -> Option<&str> {
    document
        .lines()
        .find_map(|l| {
            l.strip_prefix("query ")
                .or_else(|| l.strip_prefix("mutation "))
        })
        .and_then(|rest| rest.split(['(', ' ', '{']).next())
}

#[tokio::test]
async fn the_demo_has_a_year_of_presence_to_show() {
    let app = spawn_app().await;
    let created = demo::seed(&app.state).await.unwrap();
    assert!(created.channels >= 10, "{}", created.channels);
    let learner = sign_in(&app, &account(&created, "learner").email).await;
    let admin = sign_in(&app, &account(&created, "admin").email).await;

    let mine = app
        .gql(
            "{ me { channels { handle visibility platform { key } snapshots { totalCount }
               growth { followersStart followersEnd followerGrowth } } } }",
            json!({}),
            Some(&learner),
        )
        .await;
    let channels = mine["data"]["me"]["channels"]
        .as_array()
        .unwrap_or_else(|| panic!("{mine}"));
    assert!(
        channels.iter().any(|c| c["visibility"] == "PRIVATE"),
        "{mine}"
    );
    let open = channels
        .iter()
        .find(|c| c["visibility"] == "ORGANISATION")
        .unwrap_or_else(|| panic!("{mine}"));
    assert_eq!(open["snapshots"]["totalCount"], 52, "{mine}");
    let growth = open["growth"]["followerGrowth"].as_f64().unwrap();
    assert!(
        growth > 0.2 && growth < 3.0,
        "a year's believable growth: {growth}"
    );

    let today = app.clock.now().date_naive();
    let report = app
        .gql(
            "query($from: Date!, $to: Date!) { presenceReport(from: $from, to: $to) { platforms {
               platform { key } contributors followerGrowth medianEngagementRate } } }",
            json!({"from": (today - chrono::Duration::days(365)).to_string(), "to": today.to_string()}),
            Some(&admin),
        )
        .await;
    let platforms = report["data"]["presenceReport"]["platforms"]
        .as_array()
        .unwrap_or_else(|| panic!("{report}"));
    let linkedin = platforms
        .iter()
        .find(|p| p["platform"]["key"] == "linkedin")
        .unwrap_or_else(|| panic!("{report}"));
    assert!(linkedin["contributors"].as_i64().unwrap() >= 5, "{report}");
    assert!(linkedin["followerGrowth"].as_f64().is_some(), "{report}");
    // Platforms with fewer than five members show no figures.
    assert!(
        platforms
            .iter()
            .all(|p| (p["contributors"].as_i64().unwrap() >= 5) == p["followerGrowth"].is_number()),
        "{report}"
    );
}

#[tokio::test]
async fn the_demo_has_a_plan_at_every_stage_and_a_clinic_with_questions() {
    let app = spawn_app().await;
    let created = demo::seed(&app.state).await.unwrap();
    assert_eq!((created.goals, created.questions), (4, 2));
    let admin = sign_in(&app, &account(&created, "admin").email).await;
    let plan = app
        .gql(
            "{ planGoals(first: 10) { edges { node { title status progress comments(first: 1) { totalCount } } } } }",
            json!({}),
            Some(&admin),
        )
        .await;
    let goals = plan["data"]["planGoals"]["edges"]
        .as_array()
        .unwrap_or_else(|| panic!("{plan}"));
    let status_of = |status: &str| {
        goals
            .iter()
            .find(|g| g["node"]["status"] == status)
            .unwrap_or_else(|| panic!("no {status} goal: {plan}"))
            .clone()
    };
    for status in ["PROPOSED", "DECLINED", "ACHIEVED"] {
        status_of(status);
    }
    let halfway = status_of("ACCEPTED");
    let progress = halfway["node"]["progress"].as_f64().unwrap();
    assert!(progress > 0.3 && progress < 0.7, "{halfway}");
    assert_eq!(status_of("PROPOSED")["node"]["comments"]["totalCount"], 3);

    let board = app
        .gql(
            "{ clinics(first: 50) { edges { node { questions { text anonymous author { id } } } } } }",
            json!({}),
            Some(&admin),
        )
        .await;
    let questions: Vec<Value> = board["data"]["clinics"]["edges"]
        .as_array()
        .unwrap_or_else(|| panic!("{board}"))
        .iter()
        .flat_map(|e| e["node"]["questions"].as_array().unwrap().clone())
        .collect();
    assert_eq!(questions.len(), 2, "{board}");
    assert!(
        questions
            .iter()
            .any(|q| q["anonymous"] == true && q["author"].is_null())
    );
    assert!(
        questions
            .iter()
            .any(|q| q["anonymous"] == false && q["author"]["id"].is_string())
    );
}
