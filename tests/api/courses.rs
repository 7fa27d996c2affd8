//! Courses: lifecycle and visibility, lessons and their order, enrolment on
//! the seat engine, progress and completion.

use serde_json::{Value, json};

use crate::helpers::{Session, TestApp, error_code, spawn_app};

const CREATE: &str =
    "mutation($input: CreateCourseInput!) { createCourse(input: $input) { id status capacity } }";
const ADD_LESSON: &str = "mutation($c: ID!, $t: String!) { addLesson(courseId: $c, input: {title: $t, body: \"# Hello\", estimatedMinutes: 15}) { id position } }";
const PUBLISH: &str = "mutation($id: ID!) { publishCourse(id: $id) { id status } }";
const ARCHIVE: &str = "mutation($id: ID!) { archiveCourse(id: $id) { id status } }";
const ENROL: &str =
    "mutation($id: ID!) { enrolInCourse(courseId: $id) { id status waitlistPosition progress } }";
const COMPLETE: &str =
    "mutation($id: ID!) { completeLesson(lessonId: $id) { id status progress completedAt } }";
const NODE: &str = "query($id: ID!) { node(id: $id) { ... on Course { id status lessonCount seatsTaken waitlistLength myEnrolment { status progress } } } }";

/// A course with `lessons` lessons; published when asked. Returns (course, lesson ids).
async fn course(
    app: &TestApp,
    admin: &Session,
    title: &str,
    capacity: Option<i32>,
    lessons: usize,
    publish: bool,
) -> (String, Vec<String>) {
    let body = app
        .gql(CREATE, json!({"input": {"title": title, "summary": format!("All about {title}"), "capacity": capacity}}), admin.token())
        .await;
    let id = body["data"]["createCourse"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{body}"))
        .to_owned();
    let mut ids = Vec::new();
    for i in 0..lessons {
        let lesson = app
            .gql(
                ADD_LESSON,
                json!({"c": id, "t": format!("Lesson {i}")}),
                admin.token(),
            )
            .await;
        ids.push(
            lesson["data"]["addLesson"]["id"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }
    if publish {
        let published = app.gql(PUBLISH, json!({"id": id}), admin.token()).await;
        assert_eq!(
            published["data"]["publishCourse"]["status"], "PUBLISHED",
            "{published}"
        );
    }
    (id, ids)
}

async fn view(app: &TestApp, id: &str, who: &Session) -> Value {
    app.gql(NODE, json!({"id": id}), who.token()).await
}

fn titles(body: &Value) -> Vec<String> {
    body["data"]["courses"]["edges"]
        .as_array()
        .unwrap_or_else(|| panic!("{body}"))
        .iter()
        .map(|e| e["node"]["title"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn members_see_published_courses_and_archived_ones_they_took() {
    let app = spawn_app().await;
    let admin = app.sign_up("Org", "a@example.fi").await;
    let member = app.add_member(&admin, "m@example.fi", "MEMBER").await;
    let other = app.add_member(&admin, "o@example.fi", "MEMBER").await;
    const LIST: &str = "{ courses { totalCount edges { node { title status } } } }";

    let (draft, _) = course(&app, &admin, "Draft", None, 0, false).await;
    let early = app.gql(PUBLISH, json!({"id": draft}), admin.token()).await;
    assert_eq!(error_code(&early), Some("CONFLICT"), "no lessons yet");
    assert_eq!(
        titles(&app.gql(LIST, json!({}), member.token()).await),
        Vec::<String>::new()
    );
    assert_eq!(
        app.gql(NODE, json!({"id": draft}), member.token()).await["data"]["node"],
        Value::Null
    );
    assert_eq!(
        error_code(&app.gql(ENROL, json!({"id": draft}), member.token()).await),
        Some("NOT_FOUND")
    );

    let (live, _) = course(&app, &admin, "Live", None, 1, true).await;
    assert_eq!(
        titles(&app.gql(LIST, json!({}), member.token()).await),
        ["Live"]
    );
    app.gql(ENROL, json!({"id": live}), member.token()).await;
    let archived = app.gql(ARCHIVE, json!({"id": live}), admin.token()).await;
    assert_eq!(archived["data"]["archiveCourse"]["status"], "ARCHIVED");
    assert_eq!(
        titles(&app.gql(LIST, json!({}), member.token()).await),
        ["Live"],
        "still readable when enrolled"
    );
    assert_eq!(
        titles(&app.gql(LIST, json!({}), other.token()).await),
        Vec::<String>::new()
    );
    assert_eq!(
        error_code(&app.gql(ENROL, json!({"id": live}), member.token()).await),
        Some("CONFLICT")
    );
    assert_eq!(
        error_code(&app.gql(PUBLISH, json!({"id": live}), admin.token()).await),
        Some("CONFLICT")
    );
    assert_eq!(
        titles(&app.gql(LIST, json!({}), admin.token()).await),
        ["Draft", "Live"]
    );
}

#[tokio::test]
async fn search_filters_title_and_summary_in_any_case() {
    let app = spawn_app().await;
    let admin = app.sign_up("Org", "a@example.fi").await;
    course(&app, &admin, "LinkedIn for experts", None, 1, true).await;
    course(&app, &admin, "Short posts", None, 1, true).await;
    const SEARCH: &str =
        "query($s: String) { courses(filter: {search: $s}) { edges { node { title } } } }";
    assert_eq!(
        titles(
            &app.gql(SEARCH, json!({"s": "linkedIN"}), admin.token())
                .await
        ),
        ["LinkedIn for experts"]
    );
    assert_eq!(
        titles(
            &app.gql(SEARCH, json!({"s": "ABOUT SHORT"}), admin.token())
                .await
        ),
        ["Short posts"]
    );
    assert_eq!(
        titles(&app.gql(SEARCH, json!({"s": "100%"}), admin.token()).await),
        Vec::<String>::new()
    );
}

#[tokio::test]
async fn progress_counts_lessons_and_completion_follows_the_documented_rule() {
    let app = spawn_app().await;
    let admin = app.sign_up("Org", "a@example.fi").await;
    let people = app.bulk_members(&admin, 2).await;
    let (id, lessons) = course(&app, &admin, "Three lessons", None, 3, true).await;
    for person in &people {
        app.gql(ENROL, json!({"id": id}), person.token()).await;
    }

    let first = app
        .gql(COMPLETE, json!({"id": lessons[0]}), people[0].token())
        .await;
    let progress = first["data"]["completeLesson"]["progress"]
        .as_f64()
        .unwrap();
    assert!((progress - 1.0 / 3.0).abs() < 1e-9, "{first}");
    let again = app
        .gql(COMPLETE, json!({"id": lessons[0]}), people[0].token())
        .await;
    assert_eq!(
        again["data"]["completeLesson"]["progress"],
        first["data"]["completeLesson"]["progress"]
    );
    app.gql(COMPLETE, json!({"id": lessons[1]}), people[0].token())
        .await;
    let done = app
        .gql(COMPLETE, json!({"id": lessons[2]}), people[0].token())
        .await;
    assert_eq!(done["data"]["completeLesson"]["status"], "COMPLETED");
    assert_eq!(done["data"]["completeLesson"]["progress"], 1.0);
    assert_eq!(
        done["data"]["completeLesson"]["completedAt"],
        "2026-11-28T09:00:00Z"
    );

    // The second person has done two of three.
    app.gql(COMPLETE, json!({"id": lessons[0]}), people[1].token())
        .await;
    app.gql(COMPLETE, json!({"id": lessons[1]}), people[1].token())
        .await;

    // A lesson added later: completed stays completed, the others' progress drops.
    let added = app
        .gql(ADD_LESSON, json!({"c": id, "t": "Bonus"}), admin.token())
        .await;
    assert_eq!(added["data"]["addLesson"]["position"], 4);
    let bonus = added["data"]["addLesson"]["id"].clone();
    assert_eq!(
        view(&app, &id, &people[0]).await["data"]["node"]["myEnrolment"],
        json!({"status": "COMPLETED", "progress": 1.0})
    );
    assert_eq!(
        view(&app, &id, &people[1]).await["data"]["node"]["myEnrolment"],
        json!({"status": "CONFIRMED", "progress": 0.5})
    );

    // Removing the lessons they have not done completes them.
    app.gql(
        "mutation($id: ID!) { removeLesson(id: $id) { id } }",
        json!({"id": bonus}),
        admin.token(),
    )
    .await;
    assert_eq!(
        view(&app, &id, &people[1]).await["data"]["node"]["myEnrolment"]["progress"],
        json!(2.0 / 3.0)
    );
    let removed = app
        .gql(
            "mutation($id: ID!) { removeLesson(id: $id) { lessonCount } }",
            json!({"id": lessons[2]}),
            admin.token(),
        )
        .await;
    assert_eq!(removed["data"]["removeLesson"]["lessonCount"], 2);
    assert_eq!(
        view(&app, &id, &people[1]).await["data"]["node"]["myEnrolment"],
        json!({"status": "COMPLETED", "progress": 1.0})
    );
}

#[tokio::test]
async fn capacity_and_waitlist_use_the_seat_engine() {
    let app = spawn_app().await;
    let admin = app.sign_up("Org", "a@example.fi").await;
    let people = app.bulk_members(&admin, 3).await;
    let (id, lessons) = course(&app, &admin, "Small", Some(1), 1, true).await;
    let a = app.gql(ENROL, json!({"id": id}), people[0].token()).await;
    let b = app.gql(ENROL, json!({"id": id}), people[1].token()).await;
    assert_eq!(a["data"]["enrolInCourse"]["status"], "CONFIRMED");
    assert_eq!(b["data"]["enrolInCourse"]["status"], "WAITLISTED");
    assert_eq!(b["data"]["enrolInCourse"]["waitlistPosition"], 1);
    let again = app.gql(ENROL, json!({"id": id}), people[1].token()).await;
    assert_eq!(
        again["data"]["enrolInCourse"]["id"],
        b["data"]["enrolInCourse"]["id"]
    );
    let waiting = app
        .gql(COMPLETE, json!({"id": lessons[0]}), people[1].token())
        .await;
    assert_eq!(error_code(&waiting), Some("CONFLICT"));
    let stranger = app
        .gql(COMPLETE, json!({"id": lessons[0]}), people[2].token())
        .await;
    assert_eq!(error_code(&stranger), Some("CONFLICT"));

    // Completing frees the place for the next in line.
    app.gql(COMPLETE, json!({"id": lessons[0]}), people[0].token())
        .await;
    let promoted = app.gql(NODE, json!({"id": id}), people[1].token()).await;
    assert_eq!(
        promoted["data"]["node"]["myEnrolment"]["status"],
        "CONFIRMED"
    );

    // Raising and clearing the capacity.
    app.gql(ENROL, json!({"id": id}), people[2].token()).await;
    let unlimited = app
        .gql("mutation($id: ID!) { updateCourse(id: $id, input: {capacity: null}) { capacity seatsTaken waitlistLength } }", json!({"id": id}), admin.token())
        .await;
    assert_eq!(
        unlimited["data"]["updateCourse"],
        json!({"capacity": null, "seatsTaken": 2, "waitlistLength": 0})
    );

    let cancel = app
        .gql(
            "mutation($id: ID!) { cancelEnrolment(enrolmentId: $id) { status } }",
            json!({"id": a["data"]["enrolInCourse"]["id"]}),
            people[0].token(),
        )
        .await;
    assert_eq!(
        error_code(&cancel),
        Some("CONFLICT"),
        "a completed enrolment stays"
    );
}

#[tokio::test]
async fn thirty_concurrent_enrolments_fill_five_places_exactly() {
    let app = spawn_app().await;
    let admin = app.sign_up("Org", "a@example.fi").await;
    let people = app.bulk_members(&admin, 30).await;
    let (id, _) = course(&app, &admin, "Popular", Some(5), 1, true).await;
    let results = futures_util::future::join_all(
        people
            .iter()
            .map(|p| app.gql(ENROL, json!({"id": id}), p.token())),
    )
    .await;
    let confirmed = results
        .iter()
        .filter(|b| b["data"]["enrolInCourse"]["status"] == "CONFIRMED")
        .count();
    let mut positions: Vec<i64> = results
        .iter()
        .filter_map(|b| b["data"]["enrolInCourse"]["waitlistPosition"].as_i64())
        .collect();
    positions.sort_unstable();
    assert_eq!(confirmed, 5);
    assert_eq!(positions, (1..=25).collect::<Vec<i64>>());
}

#[tokio::test]
async fn reordering_needs_exactly_the_courses_lessons() {
    let app = spawn_app().await;
    let admin = app.sign_up("Org", "a@example.fi").await;
    let (id, lessons) = course(&app, &admin, "Ordered", None, 3, false).await;
    let (_, foreign) = course(&app, &admin, "Other", None, 1, false).await;
    const REORDER: &str = "mutation($c: ID!, $ids: [ID!]!) { reorderLessons(courseId: $c, lessonIds: $ids) { lessons { title position } } }";
    let bad_lists = [
        json!([lessons[0], lessons[1]]),
        json!([lessons[0], lessons[1], lessons[1]]),
        json!([lessons[0], lessons[1], lessons[2], foreign[0]]),
        json!([lessons[0], lessons[1], foreign[0]]),
    ];
    for list in bad_lists {
        let body = app
            .gql(REORDER, json!({"c": id, "ids": list}), admin.token())
            .await;
        assert_eq!(
            body["errors"][0]["extensions"]["field"], "lessonIds",
            "{body}"
        );
    }
    let body = app
        .gql(
            REORDER,
            json!({"c": id, "ids": [lessons[2], lessons[0], lessons[1]]}),
            admin.token(),
        )
        .await;
    assert_eq!(
        body["data"]["reorderLessons"]["lessons"],
        json!([{"title": "Lesson 2", "position": 1}, {"title": "Lesson 0", "position": 2}, {"title": "Lesson 1", "position": 3}])
    );
}

#[tokio::test]
async fn course_and_lesson_input_is_checked() {
    let app = spawn_app().await;
    let admin = app.sign_up("Org", "a@example.fi").await;
    for (input, field) in [
        (json!({"title": " "}), "title"),
        (json!({"title": "T", "capacity": 0}), "capacity"),
        (
            json!({"title": "T", "skillIds": ["bm90IGEgc2tpbGw"]}),
            "skillIds",
        ),
    ] {
        let body = app
            .gql(CREATE, json!({ "input": input }), admin.token())
            .await;
        assert_eq!(body["errors"][0]["extensions"]["field"], field, "{body}");
    }
    let (id, _) = course(&app, &admin, "T", None, 0, false).await;
    const LESSON: &str = "mutation($c: ID!, $body: String!, $m: Int!) { addLesson(courseId: $c, input: {title: \"L\", body: $body, estimatedMinutes: $m}) { id } }";
    let long = app
        .gql(
            LESSON,
            json!({"c": id, "body": "x".repeat(20_001), "m": 5}),
            admin.token(),
        )
        .await;
    assert_eq!(long["errors"][0]["extensions"]["field"], "body");
    let minutes = app
        .gql(
            LESSON,
            json!({"c": id, "body": "ok", "m": 0}),
            admin.token(),
        )
        .await;
    assert_eq!(
        minutes["errors"][0]["extensions"]["field"],
        "estimatedMinutes"
    );
}
