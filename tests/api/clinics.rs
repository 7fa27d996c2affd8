//! Clinics: scheduling and weekly series, the seat rules end to end,
//! cancellation, moves, attendance, and the calendar feed.

use chrono::Duration;
use entity::notification;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};

use crate::helpers::{SCHEDULE, Session, TestApp, error_code, spawn_app};

const REGISTER: &str = "mutation($id: ID!) { registerForClinic(clinicId: $id) { id status waitlistPosition clinic { id } user { id } } }";
const CANCEL_REG: &str =
    "mutation($id: ID!) { cancelRegistration(registrationId: $id) { id status } }";
const CLINIC: &str = "query($id: ID!) { node(id: $id) { ... on Clinic { id status capacity seatsTaken seatsLeft waitlistLength
    myRegistration { id status waitlistPosition } } } }";
const UPDATE: &str = "mutation($id: ID!, $input: UpdateClinicInput!) { updateClinic(id: $id, input: $input) { id startsAt capacity seatsTaken waitlistLength } }";

async fn org(app: &TestApp) -> (Session, Session) {
    let admin = app.sign_up("Clinic Org", "admin@clinic.fi").await;
    let facilitator = app
        .add_member(&admin, "facilitator@clinic.fi", "MEMBER")
        .await;
    (admin, facilitator)
}

fn field(body: &Value) -> Option<&str> {
    body["errors"][0]["extensions"]["field"].as_str()
}

async fn notifications_of(app: &TestApp, user_id: &str, kind: &str) -> usize {
    let id =
        voimavara_api::graphql::ids::decode(user_id, voimavara_api::graphql::ids::Kind::User, "id")
            .unwrap();
    notification::Entity::find()
        .filter(notification::Column::UserId.eq(id))
        .filter(notification::Column::Kind.eq(kind))
        .all(&app.state.db)
        .await
        .unwrap()
        .len()
}

#[tokio::test]
async fn a_weekly_helsinki_series_stays_at_ten_across_daylight_saving() {
    let app = spawn_app().await;
    let (admin, facilitator) = org(&app).await;
    let body = app
        .gql(
            SCHEDULE,
            json!({"input": {
                "title": "Measuring influence", "facilitatorId": facilitator.user_id,
                "startsAt": "2027-03-17T10:00:00+02:00", "endsAt": "2027-03-17T11:00:00+02:00",
                "timezone": "Europe/Helsinki", "capacity": 12, "recurrence": {"weeklyCount": 3},
            }}),
            admin.token(),
        )
        .await;
    let clinics = body["data"]["scheduleClinic"]
        .as_array()
        .unwrap_or_else(|| panic!("{body}"));
    let starts: Vec<&str> = clinics
        .iter()
        .map(|c| c["startsAt"].as_str().unwrap())
        .collect();
    assert_eq!(
        starts,
        [
            "2027-03-17T08:00:00Z",
            "2027-03-24T08:00:00Z",
            "2027-03-31T07:00:00Z"
        ]
    );
    assert!(
        clinics
            .iter()
            .all(|c| c["seatsLeft"] == 12 && c["timezone"] == "Europe/Helsinki")
    );

    let until = app
        .gql(
            SCHEDULE,
            json!({"input": {
                "title": "Until", "facilitatorId": facilitator.user_id,
                "startsAt": "2027-05-03T12:00:00Z", "endsAt": "2027-05-03T13:00:00Z",
                "timezone": "Europe/Helsinki", "capacity": 5, "recurrence": {"weeklyUntil": "2027-05-24"},
            }}),
            admin.token(),
        )
        .await;
    assert_eq!(
        until["data"]["scheduleClinic"].as_array().map(Vec::len),
        Some(4),
        "{until}"
    );
}

#[tokio::test]
async fn scheduling_input_is_checked_field_by_field() {
    let app = spawn_app().await;
    let (admin, facilitator) = org(&app).await;
    let base = json!({
        "title": "T", "facilitatorId": facilitator.user_id,
        "startsAt": "2027-01-10T10:00:00Z", "endsAt": "2027-01-10T11:00:00Z",
        "timezone": "Europe/Helsinki", "capacity": 10,
    });
    let with = |key: &str, value: Value| {
        let mut input = base.clone();
        input[key] = value;
        input
    };
    let cases = [
        (with("endsAt", json!("2027-01-10T09:00:00Z")), "endsAt"),
        (with("capacity", json!(0)), "capacity"),
        (with("capacity", json!(10_001)), "capacity"),
        (with("timezone", json!("Europe/Atlantis")), "timezone"),
        (with("onlineUrl", json!("javascript:alert(1)")), "onlineUrl"),
        (with("startsAt", json!("2026-11-01T10:00:00Z")), "startsAt"),
        (with("title", json!("   ")), "title"),
        (
            with("recurrence", json!({"weeklyCount": 53})),
            "weeklyCount",
        ),
        (
            with(
                "recurrence",
                json!({"weeklyCount": 2, "weeklyUntil": "2027-02-01"}),
            ),
            "recurrence",
        ),
        (with("facilitatorId", json!("not an id")), "facilitatorId"),
    ];
    for (input, expected) in cases {
        let body = app
            .gql(SCHEDULE, json!({ "input": input }), admin.token())
            .await;
        assert_eq!(
            error_code(&body),
            Some("BAD_USER_INPUT"),
            "{expected}: {body}"
        );
        assert_eq!(field(&body), Some(expected), "{body}");
    }
    // A well-formed member id that names nobody here is NOT_FOUND.
    let nobody =
        voimavara_api::graphql::ids::encode(voimavara_api::graphql::ids::Kind::User, 999_999).0;
    let body = app
        .gql(
            SCHEDULE,
            json!({ "input": with("facilitatorId", json!(nobody)) }),
            admin.token(),
        )
        .await;
    assert_eq!(error_code(&body), Some("NOT_FOUND"), "{body}");
    let bad_date = app
        .gql(
            SCHEDULE,
            json!({"input": with("startsAt", json!("next tuesday"))}),
            admin.token(),
        )
        .await;
    assert_eq!(error_code(&bad_date), Some("BAD_USER_INPUT"));
}

#[tokio::test]
async fn a_facilitator_cannot_hold_two_overlapping_clinics() {
    let app = spawn_app().await;
    let (admin, facilitator) = org(&app).await;
    app.schedule_clinic(
        &admin,
        &facilitator.user_id,
        "2027-01-10T10:00:00Z",
        "2027-01-10T11:00:00Z",
        5,
    )
    .await;
    let clash = app
        .gql(
            SCHEDULE,
            json!({"input": {"title": "Clash", "facilitatorId": facilitator.user_id, "startsAt": "2027-01-10T10:30:00Z",
                             "endsAt": "2027-01-10T11:30:00Z", "timezone": "UTC", "capacity": 5}}),
            admin.token(),
        )
        .await;
    assert_eq!(error_code(&clash), Some("CONFLICT"));
    assert!(
        clash["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("Clinic at 2027-01-10T10:00:00Z"),
        "{clash}"
    );
    // A series whose third week collides is refused whole.
    let series = app
        .gql(
            SCHEDULE,
            json!({"input": {"title": "Series", "facilitatorId": facilitator.user_id, "startsAt": "2026-12-27T10:30:00Z",
                             "endsAt": "2026-12-27T11:30:00Z", "timezone": "UTC", "capacity": 5, "recurrence": {"weeklyCount": 3}}}),
            admin.token(),
        )
        .await;
    assert_eq!(error_code(&series), Some("CONFLICT"), "{series}");
    // Back to back is fine, and so is another facilitator at the same time.
    app.schedule_clinic(
        &admin,
        &facilitator.user_id,
        "2027-01-10T11:00:00Z",
        "2027-01-10T12:00:00Z",
        5,
    )
    .await;
    app.schedule_clinic(
        &admin,
        &admin.user_id,
        "2027-01-10T10:30:00Z",
        "2027-01-10T11:30:00Z",
        5,
    )
    .await;
    let all = app
        .gql("{ clinics { totalCount } }", json!({}), admin.token())
        .await;
    assert_eq!(all["data"]["clinics"]["totalCount"], 3);
}

#[tokio::test]
async fn the_seat_rules_hold_end_to_end() {
    let app = spawn_app().await;
    let (admin, facilitator) = org(&app).await;
    let clinic = app
        .schedule_clinic(
            &admin,
            &facilitator.user_id,
            "2027-01-10T10:00:00Z",
            "2027-01-10T11:00:00Z",
            2,
        )
        .await;
    let people = app.bulk_members(&admin, 4).await;

    let mut registrations = Vec::new();
    for person in &people {
        let body = app
            .gql(REGISTER, json!({"id": clinic}), person.token())
            .await;
        registrations.push(body["data"]["registerForClinic"].clone());
    }
    let statuses: Vec<(&str, &Value)> = registrations
        .iter()
        .map(|r| (r["status"].as_str().unwrap(), &r["waitlistPosition"]))
        .collect();
    assert_eq!(
        statuses,
        [
            ("CONFIRMED", &Value::Null),
            ("CONFIRMED", &Value::Null),
            ("WAITLISTED", &json!(1)),
            ("WAITLISTED", &json!(2))
        ]
    );

    // Rule 2: registering again returns the same registration.
    let again = app
        .gql(REGISTER, json!({"id": clinic}), people[0].token())
        .await;
    assert_eq!(
        again["data"]["registerForClinic"]["id"],
        registrations[0]["id"]
    );

    let board = app
        .gql(CLINIC, json!({"id": clinic}), people[3].token())
        .await;
    assert_eq!(
        board["data"]["node"],
        json!({"id": clinic, "status": "SCHEDULED", "capacity": 2, "seatsTaken": 2, "seatsLeft": 0, "waitlistLength": 2,
               "myRegistration": {"id": registrations[3]["id"], "status": "WAITLISTED", "waitlistPosition": 2}})
    );

    // Rule 3: a freed seat goes to the first in line, who is told.
    let cancelled = app
        .gql(
            CANCEL_REG,
            json!({"id": registrations[1]["id"]}),
            people[1].token(),
        )
        .await;
    assert_eq!(
        cancelled["data"]["cancelRegistration"]["status"],
        "CANCELLED"
    );
    let third = app
        .gql(CLINIC, json!({"id": clinic}), people[2].token())
        .await;
    assert_eq!(
        third["data"]["node"]["myRegistration"]["status"],
        "CONFIRMED"
    );
    assert_eq!(
        notifications_of(&app, &people[2].user_id, "WAITLIST_PROMOTED").await,
        1
    );
    let fourth = app
        .gql(CLINIC, json!({"id": clinic}), people[3].token())
        .await;
    assert_eq!(
        fourth["data"]["node"]["myRegistration"]["waitlistPosition"],
        1
    );

    // Rule 4: lowering bumps nobody; raising promotes.
    let lowered = app
        .gql(
            UPDATE,
            json!({"id": clinic, "input": {"capacity": 1}}),
            admin.token(),
        )
        .await;
    assert_eq!(
        lowered["data"]["updateClinic"],
        json!({"id": clinic, "startsAt": "2027-01-10T10:00:00Z", "capacity": 1, "seatsTaken": 2, "waitlistLength": 1})
    );
    let left = app.gql(CLINIC, json!({"id": clinic}), admin.token()).await;
    assert_eq!(left["data"]["node"]["seatsLeft"], 0);
    app.gql(
        CANCEL_REG,
        json!({"id": registrations[0]["id"]}),
        people[0].token(),
    )
    .await;
    let still = app
        .gql(CLINIC, json!({"id": clinic}), people[3].token())
        .await;
    assert_eq!(
        still["data"]["node"]["myRegistration"]["status"], "WAITLISTED",
        "still at capacity after lowering"
    );
    let raised = app
        .gql(
            UPDATE,
            json!({"id": clinic, "input": {"capacity": 3}}),
            admin.token(),
        )
        .await;
    assert_eq!(raised["data"]["updateClinic"]["seatsTaken"], 2);
    assert_eq!(raised["data"]["updateClinic"]["waitlistLength"], 0);
    assert_eq!(
        notifications_of(&app, &people[3].user_id, "WAITLIST_PROMOTED").await,
        1
    );

    // The holder's cancellation of someone else's registration is not theirs to make.
    let other = app
        .gql(
            CANCEL_REG,
            json!({"id": registrations[2]["id"]}),
            people[3].token(),
        )
        .await;
    assert_eq!(error_code(&other), Some("NOT_FOUND"));
}

#[tokio::test]
async fn no_registration_once_started_or_cancelled() {
    let app = spawn_app().await;
    let (admin, facilitator) = org(&app).await;
    let soon = app
        .schedule_clinic(
            &admin,
            &facilitator.user_id,
            "2026-11-28T09:10:00Z",
            "2026-11-28T10:00:00Z",
            5,
        )
        .await;
    let later = app
        .schedule_clinic(
            &admin,
            &facilitator.user_id,
            "2027-01-10T10:00:00Z",
            "2027-01-10T11:00:00Z",
            5,
        )
        .await;
    let member = app.bulk_members(&admin, 1).await.remove(0);

    let cancel = app
        .gql(
            "mutation($id: ID!) { cancelClinic(id: $id, reason: \"Flu\") { status cancelReason } }",
            json!({"id": later}),
            admin.token(),
        )
        .await;
    assert_eq!(
        cancel["data"]["cancelClinic"],
        json!({"status": "CANCELLED", "cancelReason": "Flu"})
    );
    let body = app
        .gql(REGISTER, json!({"id": later}), member.token())
        .await;
    assert_eq!(error_code(&body), Some("CONFLICT"));

    app.clock.advance(Duration::minutes(10));
    let body = app.gql(REGISTER, json!({"id": soon}), member.token()).await;
    assert_eq!(error_code(&body), Some("CONFLICT"));
    let own = app
        .gql(REGISTER, json!({"id": later}), facilitator.token())
        .await;
    assert_eq!(error_code(&own), Some("CONFLICT"));
}

#[tokio::test]
async fn cancelling_a_clinic_cancels_and_notifies_every_registrant() {
    let app = spawn_app().await;
    let (admin, facilitator) = org(&app).await;
    let clinic = app
        .schedule_clinic(
            &admin,
            &facilitator.user_id,
            "2027-01-10T10:00:00Z",
            "2027-01-10T11:00:00Z",
            1,
        )
        .await;
    let people = app.bulk_members(&admin, 2).await;
    for person in &people {
        app.gql(REGISTER, json!({"id": clinic}), person.token())
            .await;
    }
    app.gql(
        "mutation($id: ID!) { cancelClinic(id: $id) { id } }",
        json!({"id": clinic}),
        admin.token(),
    )
    .await;
    for person in &people {
        let view = app.gql(CLINIC, json!({"id": clinic}), person.token()).await;
        assert_eq!(view["data"]["node"]["myRegistration"], Value::Null);
        assert_eq!(view["data"]["node"]["seatsTaken"], 0);
        assert_eq!(
            notifications_of(&app, &person.user_id, "CLINIC_CANCELLED").await,
            1
        );
    }
    let again = app
        .gql(
            "mutation($id: ID!) { cancelClinic(id: $id) { id } }",
            json!({"id": clinic}),
            admin.token(),
        )
        .await;
    assert_eq!(error_code(&again), Some("CONFLICT"));
}

#[tokio::test]
async fn moving_a_clinic_rechecks_overlaps_and_notifies_registrants() {
    let app = spawn_app().await;
    let (admin, facilitator) = org(&app).await;
    let first = app
        .schedule_clinic(
            &admin,
            &facilitator.user_id,
            "2027-01-10T10:00:00Z",
            "2027-01-10T11:00:00Z",
            5,
        )
        .await;
    let second = app
        .schedule_clinic(
            &admin,
            &facilitator.user_id,
            "2027-01-11T10:00:00Z",
            "2027-01-11T11:00:00Z",
            5,
        )
        .await;
    let member = app.bulk_members(&admin, 1).await.remove(0);
    app.gql(REGISTER, json!({"id": second}), member.token())
        .await;

    let clash = app
        .gql(UPDATE, json!({"id": second, "input": {"startsAt": "2027-01-10T10:30:00Z", "endsAt": "2027-01-10T11:30:00Z"}}), admin.token())
        .await;
    assert_eq!(error_code(&clash), Some("CONFLICT"), "{clash} {first}");
    assert_eq!(
        notifications_of(&app, &member.user_id, "CLINIC_MOVED").await,
        0,
        "a refused move notifies nobody"
    );

    let moved = app
        .gql(UPDATE, json!({"id": second, "input": {"startsAt": "2027-01-12T10:00:00Z", "endsAt": "2027-01-12T11:00:00Z"}}), admin.token())
        .await;
    assert_eq!(
        moved["data"]["updateClinic"]["startsAt"],
        "2027-01-12T10:00:00Z"
    );
    assert_eq!(
        notifications_of(&app, &member.user_id, "CLINIC_MOVED").await,
        1
    );
}

#[tokio::test]
async fn attendance_is_marked_by_the_facilitator_once_the_clinic_has_started() {
    let app = spawn_app().await;
    let (admin, facilitator) = org(&app).await;
    let clinic = app
        .schedule_clinic(
            &admin,
            &facilitator.user_id,
            "2026-11-28T09:05:00Z",
            "2026-11-28T10:00:00Z",
            5,
        )
        .await;
    let member = app.bulk_members(&admin, 1).await.remove(0);
    let reg = app
        .gql(REGISTER, json!({"id": clinic}), member.token())
        .await;
    let reg_id = reg["data"]["registerForClinic"]["id"].clone();
    const MARK: &str = "mutation($id: ID!) { markAttendance(registrationId: $id, attended: true) { id attended } }";

    let early = app
        .gql(MARK, json!({"id": reg_id}), facilitator.token())
        .await;
    assert_eq!(error_code(&early), Some("CONFLICT"));
    app.clock.advance(Duration::minutes(5));
    let own = app.gql(MARK, json!({"id": reg_id}), member.token()).await;
    assert_eq!(error_code(&own), Some("FORBIDDEN"));
    let marked = app
        .gql(MARK, json!({"id": reg_id}), facilitator.token())
        .await;
    assert_eq!(marked["data"]["markAttendance"]["attended"], true);

    const REGS: &str = "query($id: ID!) { node(id: $id) { ... on Clinic { registrations { totalCount edges { node { attended user { id } } } } } } }";
    let list = app
        .gql(REGS, json!({"id": clinic}), facilitator.token())
        .await;
    assert_eq!(list["data"]["node"]["registrations"]["totalCount"], 1);
    assert_eq!(
        list["data"]["node"]["registrations"]["edges"][0]["node"]["user"]["id"],
        member.user_id.as_str()
    );
    let refused = app.gql(REGS, json!({"id": clinic}), member.token()).await;
    assert_eq!(error_code(&refused), Some("FORBIDDEN"));
}

#[tokio::test]
async fn the_clinic_board_filters_by_time_skill_and_status_and_pages_by_start() {
    let app = spawn_app().await;
    let (admin, facilitator) = org(&app).await;
    let linkedin = Value::String(app.skill_id(&admin, "linkedin").await);
    // Scheduled out of order: the board still lists by start time.
    let late = app
        .schedule_clinic(
            &admin,
            &facilitator.user_id,
            "2027-02-01T10:00:00Z",
            "2027-02-01T11:00:00Z",
            5,
        )
        .await;
    let early = app
        .schedule_clinic(
            &admin,
            &facilitator.user_id,
            "2027-01-01T10:00:00Z",
            "2027-01-01T11:00:00Z",
            5,
        )
        .await;
    let tagged = app
        .gql(
            SCHEDULE,
            json!({"input": {"title": "LinkedIn", "facilitatorId": facilitator.user_id, "startsAt": "2027-01-15T10:00:00Z",
                             "endsAt": "2027-01-15T11:00:00Z", "timezone": "UTC", "capacity": 3, "skillIds": [linkedin]}}),
            admin.token(),
        )
        .await;
    let middle = tagged["data"]["scheduleClinic"][0]["id"].clone();

    const BOARD: &str = "query($f: ClinicFilter, $first: Int, $after: String) { clinics(filter: $f, first: $first, after: $after) {
        totalCount pageInfo { hasNextPage endCursor } edges { node { id skills { key } } } } }";
    let ids = |body: &Value| -> Vec<Value> {
        body["data"]["clinics"]["edges"]
            .as_array()
            .unwrap_or_else(|| panic!("{body}"))
            .iter()
            .map(|e| e["node"]["id"].clone())
            .collect()
    };
    let page1 = app.gql(BOARD, json!({"first": 2}), admin.token()).await;
    assert_eq!(ids(&page1), [json!(early), middle.clone()]);
    let page2 = app
        .gql(
            BOARD,
            json!({"first": 2, "after": page1["data"]["clinics"]["pageInfo"]["endCursor"]}),
            admin.token(),
        )
        .await;
    assert_eq!(ids(&page2), [json!(late)]);
    assert_eq!(page2["data"]["clinics"]["pageInfo"]["hasNextPage"], false);

    let by_skill = app
        .gql(BOARD, json!({"f": {"skillId": linkedin}}), admin.token())
        .await;
    assert_eq!(ids(&by_skill), std::slice::from_ref(&middle));
    assert_eq!(
        by_skill["data"]["clinics"]["edges"][0]["node"]["skills"],
        json!([{"key": "linkedin"}])
    );
    let window = app
        .gql(
            BOARD,
            json!({"f": {"from": "2027-01-10T00:00:00Z", "to": "2027-02-01T10:00:00Z"}}),
            admin.token(),
        )
        .await;
    assert_eq!(ids(&window), [middle]);
    app.gql(
        "mutation($id: ID!) { cancelClinic(id: $id) { id } }",
        json!({"id": late}),
        admin.token(),
    )
    .await;
    let cancelled = app
        .gql(BOARD, json!({"f": {"status": "CANCELLED"}}), admin.token())
        .await;
    assert_eq!(ids(&cancelled), [json!(late)]);

    let outsider = app.sign_up("Elsewhere", "x@elsewhere.fi").await;
    let none = app.gql(BOARD, json!({}), outsider.token()).await;
    assert_eq!(none["data"]["clinics"]["totalCount"], 0);
}

#[tokio::test]
async fn the_calendar_feed_lists_held_and_facilitated_clinics_until_reset() {
    let app = spawn_app().await;
    let (admin, facilitator) = org(&app).await;
    let held = app
        .schedule_clinic(
            &admin,
            &facilitator.user_id,
            "2027-01-10T10:00:00Z",
            "2027-01-10T11:00:00Z",
            1,
        )
        .await;
    let waiting = app
        .schedule_clinic(
            &admin,
            &admin.user_id,
            "2027-01-11T10:00:00Z",
            "2027-01-11T11:00:00Z",
            1,
        )
        .await;
    let dropped = app
        .schedule_clinic(
            &admin,
            &facilitator.user_id,
            "2027-01-12T10:00:00Z",
            "2027-01-12T11:00:00Z",
            5,
        )
        .await;
    let member = app.add_member(&admin, "cal@clinic.fi", "MEMBER").await;
    let someone = app.bulk_members(&admin, 1).await.remove(0);
    app.gql(REGISTER, json!({"id": waiting}), someone.token())
        .await;
    for clinic in [&held, &waiting, &dropped] {
        app.gql(REGISTER, json!({"id": clinic}), member.token())
            .await;
    }
    app.gql(
        "mutation($id: ID!) { cancelClinic(id: $id) { id } }",
        json!({"id": dropped}),
        admin.token(),
    )
    .await;

    let me = app
        .gql("{ me { calendarUrl } }", json!({}), member.token())
        .await;
    let url = me["data"]["me"]["calendarUrl"].as_str().unwrap().to_owned();
    assert!(url.starts_with(&app.address) && url.ends_with(".ics"));
    let response = app.client.get(&url).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/calendar")
    );
    let text = response.text().await.unwrap();
    let calendar = ical::IcalParser::new(std::io::BufReader::new(text.as_bytes()))
        .next()
        .unwrap()
        .expect("valid iCalendar");
    let summary = |event: &ical::parser::ical::component::IcalEvent, name: &str| {
        event
            .properties
            .iter()
            .find(|p| p.name == name)
            .and_then(|p| p.value.clone())
            .unwrap_or_default()
    };
    let events: Vec<(String, String)> = calendar
        .events
        .iter()
        .map(|e| (summary(e, "SUMMARY"), summary(e, "STATUS")))
        .collect();
    assert_eq!(
        events,
        [
            (
                "Clinic at 2027-01-10T10:00:00Z".to_owned(),
                "CONFIRMED".to_owned()
            ),
            (
                "Clinic at 2027-01-12T10:00:00Z".to_owned(),
                "CANCELLED".to_owned()
            ),
        ],
        "the waitlisted clinic is not in the feed"
    );
    assert_eq!(summary(&calendar.events[0], "DTSTART"), "20270110T100000Z");

    // The facilitator's feed holds what they run.
    let fac = app
        .gql("{ me { calendarUrl } }", json!({}), facilitator.token())
        .await;
    let fac_text = app
        .get_text(fac["data"]["me"]["calendarUrl"].as_str().unwrap())
        .await;
    assert_eq!(fac_text.matches("BEGIN:VEVENT").count(), 2);

    // Another member sees no calendar address of mine.
    let them = app
        .gql(
            "query($id: ID!) { node(id: $id) { ... on User { calendarUrl } } }",
            json!({"id": member.user_id}),
            admin.token(),
        )
        .await;
    assert_eq!(them["data"]["node"]["calendarUrl"], Value::Null);

    let reset = app
        .gql(
            "mutation { resetCalendarToken { calendarUrl } }",
            json!({}),
            member.token(),
        )
        .await;
    let new_url = reset["data"]["resetCalendarToken"]["calendarUrl"]
        .as_str()
        .unwrap();
    assert_ne!(new_url, url);
    assert_eq!(app.client.get(&url).send().await.unwrap().status(), 404);
    assert_eq!(app.client.get(new_url).send().await.unwrap().status(), 200);
    assert_eq!(
        app.client
            .get(format!("{}/calendar/nonsense.ics", app.address))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
}

#[tokio::test]
async fn the_board_and_the_course_list_page_backwards_too() {
    let app = spawn_app().await;
    let admin = app.sign_up("Backwards Org", "admin@backwards.fi").await;
    for day in 1..=5 {
        app.schedule_clinic(
            &admin,
            &admin.user_id,
            &format!("2026-12-0{day}T10:00:00Z"),
            &format!("2026-12-0{day}T11:00:00Z"),
            5,
        )
        .await;
        app.gql(
            "mutation($t: String!) { createCourse(input: {title: $t}) { id } }",
            json!({"t": format!("Course {day}")}),
            admin.token(),
        )
        .await;
    }
    for list in ["clinics", "courses"] {
        let page = |args: String| {
            let app = &app;
            let token = admin.access_token.clone();
            let query = format!(
                "{{ {list}({args}) {{ totalCount pageInfo {{ hasPreviousPage hasNextPage startCursor }}
                   edges {{ cursor node {{ id }} }} }} }}"
            );
            async move {
                let body = app.gql(&query, json!({}), Some(&token)).await;
                assert!(body.get("errors").is_none(), "{body}");
                body["data"][list].clone()
            }
        };
        let ids = |page: &Value| -> Vec<Value> {
            page["edges"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["node"]["id"].clone())
                .collect()
        };
        let all = ids(&page("first: 5".into()).await);
        assert_eq!(all.len(), 5, "{list}");
        let tail = page("last: 2".into()).await;
        assert_eq!(ids(&tail), all[3..], "{list}: the last two, in order");
        assert_eq!(tail["pageInfo"]["hasPreviousPage"], true);
        let cursor = tail["pageInfo"]["startCursor"].as_str().unwrap().to_owned();
        let before = page(format!("last: 2, before: \"{cursor}\"")).await;
        assert_eq!(ids(&before), all[1..3], "{list}: the two before those");
        assert_eq!(before["pageInfo"]["hasNextPage"], true);
        let both = app
            .gql(
                &format!("{{ {list}(first: 1, last: 1) {{ totalCount }} }}"),
                json!({}),
                admin.token(),
            )
            .await;
        assert_eq!(error_code(&both), Some("BAD_USER_INPUT"), "{list}: {both}");
    }
}
