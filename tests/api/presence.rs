//! Presence through GraphQL: channels and who sees them, snapshots recorded
//! and imported, growth, and the organisation's report with its
//! five-member threshold, checked against a computation by hand.

use serde_json::{Value, json};

use crate::helpers::{Session, TestApp, error_code, spawn_app};

const ADD: &str = "mutation($input: AddChannelInput!) { addMyChannel(input: $input) { id handle visibility platform { key } owner { id } } }";
const RECORD: &str = "mutation($input: RecordPresenceInput!) { recordPresence(input: $input) { id takenOn followers engagementRate } }";
const IMPORT: &str = "mutation($c: ID!, $csv: String!) { importPresence(channelId: $c, csv: $csv) { takenOn followers } }";
const CHANNELS: &str =
    "query($id: ID!) { node(id: $id) { ... on User { channels { id handle } } } }";
const NODE: &str = "query($id: ID!) { node(id: $id) { id } }";

async fn channel(
    app: &TestApp,
    who: &Session,
    platform: &str,
    handle: &str,
    visibility: &str,
) -> String {
    let body = app
        .gql(
            ADD,
            json!({"input": {"platformId": platform, "handle": handle, "visibility": visibility}}),
            who.token(),
        )
        .await;
    body["data"]["addMyChannel"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{body}"))
        .to_owned()
}

fn snapshot(channel: &str, day: &str, followers: i64, posts: i64, reactions: i64) -> Value {
    json!({"input": {"channelId": channel, "takenOn": day, "followers": followers, "posts": posts,
        "reactions": reactions, "comments": 0, "shares": 0}})
}

#[tokio::test]
async fn a_member_keeps_channels_and_figures_and_colleagues_see_only_organisation_ones() {
    let app = spawn_app().await;
    let admin = app.sign_up("Presence Org", "admin@presence.fi").await;
    let maija = app.add_member(&admin, "maija@presence.fi", "MEMBER").await;
    let colleague = app
        .add_member(&admin, "kolleega@presence.fi", "MEMBER")
        .await;
    let linkedin = app.skill_id(&admin, "linkedin").await;
    let instagram = app.skill_id(&admin, "instagram").await;
    let writing = app.skill_id(&admin, "short-posts").await;

    let open = channel(&app, &maija, &linkedin, "@MaijaM", "ORGANISATION").await;
    let private = channel(&app, &maija, &instagram, "maija.private", "PRIVATE").await;
    // The same platform and handle again (case and @ aside) is a conflict;
    // a channel is on a platform, not a competency.
    let again = app
        .gql(
            ADD,
            json!({"input": {"platformId": linkedin, "handle": "maijam"}}),
            maija.token(),
        )
        .await;
    assert_eq!(error_code(&again), Some("CONFLICT"), "{again}");
    let competency = app
        .gql(
            ADD,
            json!({"input": {"platformId": writing, "handle": "x"}}),
            maija.token(),
        )
        .await;
    assert_eq!(
        competency["errors"][0]["extensions"]["field"], "platformId",
        "{competency}"
    );

    let first = app
        .gql(
            RECORD,
            snapshot(&open, "2026-10-01", 200, 4, 30),
            maija.token(),
        )
        .await;
    assert_eq!(
        first["data"]["recordPresence"]["engagementRate"],
        30.0 / 800.0,
        "{first}"
    );
    let csv = "date,followers,posts,reactions,comments,shares\n2026-10-08,220,2,10,2,0\n2026-10-15,250,5,40,5,5\n";
    let imported = app
        .gql(IMPORT, json!({"c": open, "csv": csv}), maija.token())
        .await;
    assert_eq!(
        imported["data"]["importPresence"],
        json!([{"takenOn": "2026-10-08", "followers": 220}, {"takenOn": "2026-10-15", "followers": 250}]),
        "{imported}"
    );
    // Recording a day again replaces it.
    app.gql(
        RECORD,
        snapshot(&open, "2026-10-15", 260, 5, 40),
        maija.token(),
    )
    .await;
    let secret = app
        .gql(
            RECORD,
            snapshot(&private, "2026-10-15", 999, 9, 9),
            maija.token(),
        )
        .await;
    let secret_snapshot = secret["data"]["recordPresence"]["id"].clone();

    let growth = app
        .gql(
            "query($id: ID!) { node(id: $id) { ... on Channel { latest { followers }
              growth(from: \"2026-10-01\", to: \"2026-10-31\") { followersStart followersEnd followerGrowth posts interactions averageEngagementRate }
              snapshots(first: 2) { totalCount edges { node { takenOn } } pageInfo { hasNextPage endCursor } } } } }",
            json!({"id": open}),
            colleague.token(),
        )
        .await;
    let node = &growth["data"]["node"];
    assert_eq!(node["latest"]["followers"], 260, "{growth}");
    // By hand: start 200, end 260; after the first: posts 2 + 5, interactions
    // 12 + 40 (the 15th as recorded again), reach 2×220 + 5×260.
    assert_eq!(
        node["growth"],
        json!({"followersStart": 200, "followersEnd": 260, "followerGrowth": 0.3, "posts": 7,
            "interactions": 52, "averageEngagementRate": 52.0 / (440.0 + 1300.0)})
    );
    assert_eq!(node["snapshots"]["totalCount"], 3);
    assert_eq!(node["snapshots"]["pageInfo"]["hasNextPage"], true);
    let cursor = node["snapshots"]["pageInfo"]["endCursor"].clone();
    let rest = app
        .gql(
            "query($id: ID!, $after: String) { node(id: $id) { ... on Channel { snapshots(first: 5, after: $after) { edges { node { takenOn } } } } } }",
            json!({"id": open, "after": cursor}),
            colleague.token(),
        )
        .await;
    assert_eq!(
        rest["data"]["node"]["snapshots"]["edges"],
        json!([{"node": {"takenOn": "2026-10-15"}}]),
        "{rest}"
    );

    // Her own list has both; a colleague and the admin see the open one only,
    // and the private channel and its figures are absent everywhere else.
    let mine = app
        .gql(CHANNELS, json!({"id": maija.user_id}), maija.token())
        .await;
    assert_eq!(
        mine["data"]["node"]["channels"].as_array().map(Vec::len),
        Some(2),
        "{mine}"
    );
    for viewer in [&colleague, &admin] {
        let theirs = app
            .gql(CHANNELS, json!({"id": maija.user_id}), viewer.token())
            .await;
        assert_eq!(
            theirs["data"]["node"]["channels"],
            json!([{"id": open, "handle": "@MaijaM"}]),
            "{theirs}"
        );
        for hidden in [json!(private), secret_snapshot.clone()] {
            let absent = app.gql(NODE, json!({"id": hidden}), viewer.token()).await;
            assert_eq!(absent["data"]["node"], Value::Null, "{absent}");
        }
        let refused = app
            .gql(
                RECORD,
                snapshot(&open, "2026-10-20", 1, 1, 1),
                viewer.token(),
            )
            .await;
        assert_eq!(error_code(&refused), Some("FORBIDDEN"), "{refused}");
    }

    // Removing a channel removes its figures.
    let removed = app
        .gql(
            "mutation($id: ID!) { removeMyChannel(id: $id) }",
            json!({"id": private}),
            maija.token(),
        )
        .await;
    assert_eq!(
        removed["data"]["removeMyChannel"],
        json!(private),
        "{removed}"
    );
    let gone = app
        .gql(NODE, json!({"id": secret_snapshot}), maija.token())
        .await;
    assert_eq!(gone["data"]["node"], Value::Null);
}

#[tokio::test]
async fn bad_figures_and_bad_csv_are_refused_with_nothing_written() {
    let app = spawn_app().await;
    let admin = app.sign_up("Csv Org", "admin@csv.fi").await;
    let linkedin = app.skill_id(&admin, "linkedin").await;
    let mine = channel(&app, &admin, &linkedin, "csv", "ORGANISATION").await;
    // The test clock reads 2026-11-28.
    for (input, field) in [
        (snapshot(&mine, "2026-11-29", 1, 1, 1), "takenOn"),
        (snapshot(&mine, "2026-11-01", -1, 1, 1), "followers"),
        (snapshot(&mine, "2026-11-01", 1, 1_000_000_001, 1), "posts"),
    ] {
        let body = app.gql(RECORD, input, admin.token()).await;
        assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{body}");
        assert_eq!(body["errors"][0]["extensions"]["field"], field, "{body}");
    }
    let bad = "date,followers,posts,reactions,comments,shares\n2026-10-01,10,1,1,1,1\n2026-10-08,10,1,x,1,1\n";
    let body = app
        .gql(IMPORT, json!({"c": mine, "csv": bad}), admin.token())
        .await;
    assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{body}");
    assert_eq!(body["errors"][0]["extensions"]["field"], "csv");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .starts_with("line 3:"),
        "{body}"
    );
    let count = app
        .gql(
            "query($id: ID!) { node(id: $id) { ... on Channel { snapshots { totalCount } } } }",
            json!({"id": mine}),
            admin.token(),
        )
        .await;
    assert_eq!(
        count["data"]["node"]["snapshots"]["totalCount"], 0,
        "nothing written: {count}"
    );
}

#[tokio::test]
async fn the_report_sums_organisation_channels_and_withholds_platforms_under_five_members() {
    let app = spawn_app().await;
    let admin = app.sign_up("Report Org", "admin@report.fi").await;
    let linkedin = app.skill_id(&admin, "linkedin").await;
    let instagram = app.skill_id(&admin, "instagram").await;
    let mut members = Vec::new();
    for i in 0..6 {
        members.push(
            app.add_member(&admin, &format!("m{i}@report.fi"), "MEMBER")
                .await,
        );
    }
    // LinkedIn: six members, member i from 100·(i+1) to 110·(i+1) followers,
    // posting 2 with 4·(i+1) reactions in the second snapshot.
    for (i, member) in members.iter().enumerate() {
        let n = i as i64 + 1;
        let id = channel(&app, member, &linkedin, &format!("m{i}"), "ORGANISATION").await;
        app.gql(
            RECORD,
            snapshot(&id, "2026-09-01", 100 * n, 1, 1),
            member.token(),
        )
        .await;
        app.gql(
            RECORD,
            snapshot(&id, "2026-09-30", 110 * n, 2, 4 * n),
            member.token(),
        )
        .await;
        // Outside the range: not counted.
        app.gql(
            RECORD,
            snapshot(&id, "2026-10-15", 999 * n, 9, 9),
            member.token(),
        )
        .await;
    }
    // A private LinkedIn channel counts for nothing.
    let hidden = channel(&app, &members[0], &linkedin, "secret", "PRIVATE").await;
    app.gql(
        RECORD,
        snapshot(&hidden, "2026-09-01", 50_000, 1, 1),
        members[0].token(),
    )
    .await;
    app.gql(
        RECORD,
        snapshot(&hidden, "2026-09-30", 90_000, 1, 1),
        members[0].token(),
    )
    .await;
    // Instagram: four members (one with two channels): withheld.
    for (i, member) in members.iter().take(4).enumerate() {
        let id = channel(&app, member, &instagram, &format!("ig{i}"), "ORGANISATION").await;
        app.gql(
            RECORD,
            snapshot(&id, "2026-09-10", 10, 1, 1),
            member.token(),
        )
        .await;
    }
    let second = channel(&app, &members[0], &instagram, "ig-second", "ORGANISATION").await;
    app.gql(
        RECORD,
        snapshot(&second, "2026-09-10", 10, 1, 1),
        members[0].token(),
    )
    .await;

    let report = app
        .gql(
            "{ presenceReport(from: \"2026-09-01\", to: \"2026-09-30\") { from to platforms {
                platform { key } contributors followersStart followersEnd followerGrowth posts interactions medianEngagementRate } } }",
            json!({}),
            admin.token(),
        )
        .await;
    let platforms = report["data"]["presenceReport"]["platforms"]
        .as_array()
        .unwrap_or_else(|| panic!("{report}"));
    let find = |key: &str| {
        platforms
            .iter()
            .find(|p| p["platform"]["key"] == key)
            .unwrap_or_else(|| panic!("{key}: {report}"))
    };
    // By hand: Σ100·n = 2100, Σ110·n = 2310; posts 2 each = 12; interactions Σ4n = 84;
    // each channel's rate 4n / (2 × 110n) = 1/55, so the median is 1/55.
    assert_eq!(
        find("linkedin"),
        &json!({"platform": {"key": "linkedin"}, "contributors": 6, "followersStart": 2100,
            "followersEnd": 2310, "followerGrowth": 0.1, "posts": 12, "interactions": 84,
            "medianEngagementRate": 4.0 / 220.0})
    );
    assert_eq!(
        find("instagram"),
        &json!({"platform": {"key": "instagram"}, "contributors": 4, "followersStart": null,
            "followersEnd": null, "followerGrowth": null, "posts": null, "interactions": null,
            "medianEngagementRate": null})
    );
    let backwards = app
        .gql(
            "{ presenceReport(from: \"2026-09-30\", to: \"2026-09-01\") { from } }",
            json!({}),
            admin.token(),
        )
        .await;
    assert_eq!(
        error_code(&backwards),
        Some("BAD_USER_INPUT"),
        "{backwards}"
    );
}
