//! The expertise map: the catalogue, self-assessment, learning goals,
//! organisation-only skills, "who knows X", and the skill map's figures.

use serde_json::{Value, json};

use crate::helpers::{Session, TestApp, error_code, spawn_app};

const SET_SKILL: &str =
    "mutation($id: ID!, $level: Int!) { setMySkill(input: {skillId: $id, level: $level}) {
    skills { skill { key } level } } }";
const GOALS: &str =
    "mutation($ids: [ID!]!) { setMyLearningGoals(skillIds: $ids) { learningGoals { key } } }";

#[tokio::test]
async fn the_catalogue_ships_platforms_and_competencies() {
    let app = spawn_app().await;
    let admin = app.sign_up("Org", "a@example.fi").await;
    let body = app
        .gql(
            "{ skills { key name kind description custom } }",
            json!({}),
            admin.token(),
        )
        .await;
    let skills = body["data"]["skills"].as_array().unwrap();
    let keys_of = |kind: &str| -> Vec<&str> {
        skills
            .iter()
            .filter(|s| s["kind"] == kind)
            .map(|s| s["key"].as_str().unwrap())
            .collect()
    };
    for key in [
        "facebook",
        "linkedin",
        "x",
        "instagram",
        "tiktok",
        "youtube",
        "whatsapp",
    ] {
        assert!(keys_of("PLATFORM").contains(&key), "{key}");
    }
    for key in [
        "short-posts",
        "content-that-travels",
        "community-engagement",
        "social-customer-service",
        "branding",
        "measuring-influence",
        "safety-policy",
        "visual-content",
    ] {
        assert!(keys_of("COMPETENCY").contains(&key), "{key}");
    }
    assert!(
        skills
            .iter()
            .all(|s| s["custom"] == false && !s["description"].as_str().unwrap().is_empty())
    );
}

#[tokio::test]
async fn members_assess_themselves_and_set_learning_goals() {
    let app = spawn_app().await;
    let admin = app.sign_up("Org", "a@example.fi").await;
    let ids = app.skill_ids(&admin).await;

    let body = app
        .gql(
            SET_SKILL,
            json!({"id": ids["linkedin"], "level": 3}),
            admin.token(),
        )
        .await;
    assert_eq!(
        body["data"]["setMySkill"]["skills"],
        json!([{"skill": {"key": "linkedin"}, "level": 3}])
    );
    app.gql(
        SET_SKILL,
        json!({"id": ids["tiktok"], "level": 2}),
        admin.token(),
    )
    .await;
    let body = app
        .gql(
            SET_SKILL,
            json!({"id": ids["linkedin"], "level": 5}),
            admin.token(),
        )
        .await;
    assert_eq!(
        body["data"]["setMySkill"]["skills"],
        json!([{"skill": {"key": "linkedin"}, "level": 5}, {"skill": {"key": "tiktok"}, "level": 2}])
    );
    let removed = app
        .gql(
            "mutation($id: ID!) { removeMySkill(skillId: $id) { skills { level } } }",
            json!({"id": ids["tiktok"]}),
            admin.token(),
        )
        .await;
    assert_eq!(
        removed["data"]["removeMySkill"]["skills"],
        json!([{"level": 5}])
    );

    for level in [0, 6, -1] {
        let bad = app
            .gql(
                SET_SKILL,
                json!({"id": ids["linkedin"], "level": level}),
                admin.token(),
            )
            .await;
        assert_eq!(error_code(&bad), Some("BAD_USER_INPUT"));
        assert_eq!(bad["errors"][0]["extensions"]["field"], "level");
    }
    let unknown =
        voimavara_api::graphql::ids::encode(voimavara_api::graphql::ids::Kind::Skill, 999_999);
    let bad = app
        .gql(SET_SKILL, json!({"id": unknown, "level": 3}), admin.token())
        .await;
    assert_eq!(error_code(&bad), Some("NOT_FOUND"), "{bad}");

    let goals = app
        .gql(
            GOALS,
            json!({"ids": [ids["tiktok"], ids["youtube"], ids["tiktok"]]}),
            admin.token(),
        )
        .await;
    assert_eq!(
        goals["data"]["setMyLearningGoals"]["learningGoals"],
        json!([{"key": "tiktok"}, {"key": "youtube"}])
    );
    let cleared = app.gql(GOALS, json!({"ids": []}), admin.token()).await;
    assert_eq!(
        cleared["data"]["setMyLearningGoals"]["learningGoals"],
        json!([])
    );
}

#[tokio::test]
async fn organisation_skills_stay_inside_their_organisation() {
    let app = spawn_app().await;
    let admin = app.sign_up("Org", "a@example.fi").await;
    let member = app.add_member(&admin, "m@example.fi", "MEMBER").await;
    let outsider = app.sign_up("Other", "o@example.fi").await;
    const ADD: &str = "mutation($name: String!) { addSkill(input: {name: $name, kind: COMPETENCY, description: \"Ours\"}) { id key custom } }";

    let refused = app
        .gql(ADD, json!({"name": "Intranet posts"}), member.token())
        .await;
    assert_eq!(error_code(&refused), Some("FORBIDDEN"));
    let added = app
        .gql(ADD, json!({"name": "Intranet posts!"}), admin.token())
        .await;
    assert_eq!(added["data"]["addSkill"]["key"], "intranet-posts");
    assert_eq!(added["data"]["addSkill"]["custom"], true);
    let id = added["data"]["addSkill"]["id"].clone();
    let duplicate = app
        .gql(ADD, json!({"name": "Intranet Posts"}), admin.token())
        .await;
    assert_eq!(duplicate["errors"][0]["extensions"]["field"], "key");
    let catalogue_clash = app
        .gql(ADD, json!({"name": "LinkedIn"}), admin.token())
        .await;
    assert_eq!(catalogue_clash["errors"][0]["extensions"]["field"], "key");

    assert!(app.skill_ids(&member).await.contains_key("intranet-posts"));
    assert!(
        !app.skill_ids(&outsider)
            .await
            .contains_key("intranet-posts")
    );
    let node = app
        .gql(
            "query($id: ID!) { node(id: $id) { id } }",
            json!({"id": id}),
            outsider.token(),
        )
        .await;
    assert_eq!(node["data"]["node"], Value::Null);
    let assess = app
        .gql(SET_SKILL, json!({"id": id, "level": 4}), outsider.token())
        .await;
    assert_eq!(error_code(&assess), Some("NOT_FOUND"), "{assess}");
    // Another organisation may use the same key for its own skill.
    let theirs = app
        .gql(ADD, json!({"name": "Intranet posts"}), outsider.token())
        .await;
    assert_eq!(theirs["data"]["addSkill"]["key"], "intranet-posts");
}

#[tokio::test]
async fn who_here_knows_linkedin_at_level_four_or_better() {
    let app = spawn_app().await;
    let admin = app.sign_up("Org", "a@example.fi").await;
    let ids = app.skill_ids(&admin).await;
    let people = app.bulk_members(&admin, 3).await;
    for (person, level) in people.iter().zip([5, 4, 3]) {
        app.gql(
            SET_SKILL,
            json!({"id": ids["linkedin"], "level": level}),
            person.token(),
        )
        .await;
    }
    const WHO: &str =
        "query($f: MemberFilter) { members(filter: $f) { totalCount edges { node { id } } } }";
    let experts = app
        .gql(
            WHO,
            json!({"f": {"skillId": ids["linkedin"], "minLevel": 4}}),
            admin.token(),
        )
        .await;
    let found: Vec<&str> = experts["data"]["members"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        found,
        [people[0].user_id.as_str(), people[1].user_id.as_str()]
    );
    let anyone = app
        .gql(
            WHO,
            json!({"f": {"skillId": ids["linkedin"]}}),
            admin.token(),
        )
        .await;
    assert_eq!(anyone["data"]["members"]["totalCount"], 3);
    let bad = app
        .gql(WHO, json!({"f": {"minLevel": 4}}), admin.token())
        .await;
    assert_eq!(bad["errors"][0]["extensions"]["field"], "minLevel");
}

const MAP: &str = "{ skillMap { rows { skill { key } experts mentoringExperts learners gap }
    hiddenExperts { user { id } skills { skill { key } level } } } }";

/// Makes `user` a mentor straight in the database (mentor profiles have their own operations).
async fn make_mentor(app: &TestApp, user: &Session) {
    use entity::mentor_profile;
    use sea_orm::{ActiveModelTrait, ActiveValue::Set};
    let id = voimavara_api::graphql::ids::decode(
        &user.user_id,
        voimavara_api::graphql::ids::Kind::User,
        "id",
    )
    .unwrap();
    let now = app.state.clock.now();
    mentor_profile::ActiveModel {
        user_id: Set(id),
        bio: Set(String::new()),
        max_mentees: Set(2),
        accepting_mentees: Set(true),
        active_mentees: Set(0),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&app.state.db)
    .await
    .unwrap();
}

#[tokio::test]
async fn the_skill_map_counts_supply_demand_and_hidden_experts() {
    let app = spawn_app().await;
    let admin = app.sign_up("Org", "a@example.fi").await;
    let ids = app.skill_ids(&admin).await;
    let p = app.bulk_members(&admin, 6).await;
    // p0: LinkedIn 5 and TikTok 4, mentors.  p1: LinkedIn 4, does not mentor.
    // p2: TikTok 3 (not an expert), wants LinkedIn.  p3: wants LinkedIn and TikTok.
    // p4: YouTube 5, wanted by nobody.  p5: deactivated LinkedIn 5 expert: not counted.
    let set = |who: usize, key: &str, level: i32| {
        app.gql(
            SET_SKILL,
            json!({"id": ids[key], "level": level}),
            p[who].token(),
        )
    };
    set(0, "linkedin", 5).await;
    set(0, "tiktok", 4).await;
    set(1, "linkedin", 4).await;
    set(2, "tiktok", 3).await;
    set(4, "youtube", 5).await;
    set(5, "linkedin", 5).await;
    make_mentor(&app, &p[0]).await;
    app.gql(GOALS, json!({"ids": [ids["linkedin"]]}), p[2].token())
        .await;
    app.gql(
        GOALS,
        json!({"ids": [ids["linkedin"], ids["tiktok"]]}),
        p[3].token(),
    )
    .await;
    app.gql(
        "mutation($id: ID!) { deactivateMember(userId: $id) { id } }",
        json!({"id": p[5].user_id}),
        admin.token(),
    )
    .await;

    let map = app.gql(MAP, json!({}), admin.token()).await;
    let rows = map["data"]["skillMap"]["rows"]
        .as_array()
        .unwrap_or_else(|| panic!("{map}"));
    let row = |key: &str| {
        rows.iter()
            .find(|r| r["skill"]["key"] == key)
            .unwrap()
            .clone()
    };
    assert_eq!(
        row("linkedin"),
        json!({"skill": {"key": "linkedin"}, "experts": 2, "mentoringExperts": 1, "learners": 2, "gap": 1})
    );
    assert_eq!(
        row("tiktok"),
        json!({"skill": {"key": "tiktok"}, "experts": 1, "mentoringExperts": 1, "learners": 1, "gap": 0})
    );
    assert_eq!(
        row("youtube"),
        json!({"skill": {"key": "youtube"}, "experts": 1, "mentoringExperts": 0, "learners": 0, "gap": 0})
    );
    // Sorted by gap: LinkedIn's gap of 1 leads.
    assert_eq!(rows[0]["skill"]["key"], "linkedin");
    assert_eq!(
        map["data"]["skillMap"]["hiddenExperts"],
        json!([{"user": {"id": p[1].user_id}, "skills": [{"skill": {"key": "linkedin"}, "level": 4}]}])
    );

    let member_view = app.gql(MAP, json!({}), p[0].token()).await;
    assert_eq!(error_code(&member_view), Some("FORBIDDEN"));
}
