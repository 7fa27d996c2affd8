//! Invitations, the member directory, roles, deactivation and password changes.

use chrono::Duration;
use entity::outbox;
use sea_orm::EntityTrait;
use serde_json::{Value, json};

use crate::helpers::{ACCEPT, INVITE, PASSWORD, Session, error_code, spawn_app};

const ME: &str = "{ me { id role } }";

#[tokio::test]
async fn an_admin_invites_and_the_invitee_joins_once() {
    let app = spawn_app().await;
    let admin = app.sign_up("Org", "admin@example.fi").await;
    let invited = app
        .gql(
            INVITE,
            json!({"email": " New@Example.fi ", "role": "MEMBER"}),
            admin.token(),
        )
        .await;
    let invitation = &invited["data"]["inviteMember"];
    assert_eq!(invitation["email"], "new@example.fi");
    assert_eq!(invitation["expiresAt"], "2026-12-05T09:00:00Z");
    let token = invitation["token"].as_str().unwrap();

    // The mail is queued in the outbox, addressed to the invitee; the token
    // is stored nowhere (the mail is written when it is sent).
    let mail = outbox::Entity::find().all(&app.state.db).await.unwrap();
    assert_eq!(mail.len(), 1);
    assert_eq!(mail[0].recipient, "new@example.fi");
    assert!(!format!("{mail:?}").contains(token));
    let stored = entity::invitation::Entity::find()
        .all(&app.state.db)
        .await
        .unwrap();
    assert!(!format!("{stored:?}").contains(token), "{stored:?}");

    // Later reads never show the token again.
    let node = app
        .gql(
            "query($id: ID!) { node(id: $id) { ... on Invitation { email token } } }",
            json!({"id": invitation["id"]}),
            admin.token(),
        )
        .await;
    assert_eq!(
        node["data"]["node"],
        json!({"email": "new@example.fi", "token": null})
    );

    let accepted = app
        .gql(
            ACCEPT,
            json!({"token": token, "name": "Uusi", "password": PASSWORD}),
            None,
        )
        .await;
    let member = Session::from_payload(&accepted["data"]["acceptInvitation"]).unwrap();
    assert_eq!(
        accepted["data"]["acceptInvitation"]["user"]["role"],
        "MEMBER"
    );
    let me = app.gql(ME, json!({}), member.token()).await;
    assert_eq!(me["data"]["me"]["id"], member.user_id.as_str());

    let again = app
        .gql(
            ACCEPT,
            json!({"token": token, "name": "Again", "password": PASSWORD}),
            None,
        )
        .await;
    assert_eq!(error_code(&again), Some("BAD_USER_INPUT"));
    assert_eq!(again["errors"][0]["extensions"]["field"], "token");
}

const INVITATIONS: &str = "query($status: InvitationStatus) { invitations(status: $status) {
    totalCount edges { node { email status invitedBy { email } } } } }";
const REVOKE: &str = "mutation($id: ID!) { revokeInvitation(id: $id) { id status } }";

/// Invites `email` as `by`; returns (id, token).
async fn invite(
    app: &crate::helpers::TestApp,
    by: &Session,
    email: &str,
    role: &str,
) -> (Value, String) {
    let invited = app
        .gql(INVITE, json!({"email": email, "role": role}), by.token())
        .await;
    let invitation = &invited["data"]["inviteMember"];
    (
        invitation["id"].clone(),
        invitation["token"]
            .as_str()
            .unwrap_or_else(|| panic!("{invited}"))
            .to_owned(),
    )
}

#[tokio::test]
async fn a_revoked_invitation_is_refused_and_listed_as_revoked() {
    let app = spawn_app().await;
    let admin = app.sign_up("Org", "admin@example.fi").await;
    let (id, token) = invite(&app, &admin, "x@example.fi", "MEMBER").await;
    let (_, kept) = invite(&app, &admin, "y@example.fi", "MEMBER").await;
    let pending = app
        .gql(INVITATIONS, json!({"status": "PENDING"}), admin.token())
        .await;
    assert_eq!(pending["data"]["invitations"]["totalCount"], 2, "{pending}");
    assert_eq!(
        pending["data"]["invitations"]["edges"][0]["node"]["invitedBy"]["email"],
        "admin@example.fi"
    );

    let revoked = app.gql(REVOKE, json!({"id": id}), admin.token()).await;
    assert_eq!(
        revoked["data"]["revokeInvitation"]["status"], "REVOKED",
        "{revoked}"
    );
    let refused = app
        .gql(
            ACCEPT,
            json!({"token": token, "name": "X", "password": PASSWORD}),
            None,
        )
        .await;
    assert_eq!(error_code(&refused), Some("BAD_USER_INPUT"), "{refused}");
    let listed = app
        .gql(INVITATIONS, json!({"status": "REVOKED"}), admin.token())
        .await;
    assert_eq!(
        listed["data"]["invitations"]["edges"][0]["node"]["email"],
        "x@example.fi"
    );
    // The other one still works, and cannot be revoked once accepted.
    let accepted = app
        .gql(
            ACCEPT,
            json!({"token": kept, "name": "Y", "password": PASSWORD}),
            None,
        )
        .await;
    assert!(
        accepted["data"]["acceptInvitation"]["accessToken"].is_string(),
        "{accepted}"
    );
    let all = app.gql(INVITATIONS, json!({}), admin.token()).await;
    let statuses: Vec<&str> = all["data"]["invitations"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["ACCEPTED", "REVOKED"], "newest first");
}

#[tokio::test]
async fn an_invitation_whose_inviter_left_or_was_demoted_is_void() {
    let app = spawn_app().await;
    let admin = app.sign_up("Org", "admin@example.fi").await;
    let leaving = app.add_member(&admin, "leaving@example.fi", "ADMIN").await;
    let demoted = app.add_member(&admin, "demoted@example.fi", "ADMIN").await;
    // A departing admin mints an ADMIN invitation for an accomplice…
    let (_, backdoor) = invite(&app, &leaving, "accomplice@example.fi", "ADMIN").await;
    let (_, other) = invite(&app, &demoted, "other@example.fi", "ADMIN").await;
    let body = app
        .gql(
            "mutation($id: ID!) { deactivateMember(userId: $id) { active } }",
            json!({"id": leaving.user_id}),
            admin.token(),
        )
        .await;
    assert_eq!(body["data"]["deactivateMember"]["active"], false, "{body}");
    let body = app
        .gql(
            "mutation($id: ID!) { setMemberRole(userId: $id, role: MEMBER) { role } }",
            json!({"id": demoted.user_id}),
            admin.token(),
        )
        .await;
    assert_eq!(body["data"]["setMemberRole"]["role"], "MEMBER", "{body}");
    // …which no longer opens the door.
    for token in [backdoor, other] {
        let refused = app
            .gql(
                ACCEPT,
                json!({"token": token, "name": "A", "password": PASSWORD}),
                None,
            )
            .await;
        assert_eq!(error_code(&refused), Some("BAD_USER_INPUT"), "{refused}");
    }
    let void = app
        .gql(INVITATIONS, json!({"status": "REVOKED"}), admin.token())
        .await;
    assert_eq!(void["data"]["invitations"]["totalCount"], 2, "{void}");
}

#[tokio::test]
async fn members_cannot_list_revoke_or_even_see_invitations() {
    let app = spawn_app().await;
    let admin = app.sign_up("Org", "admin@example.fi").await;
    let member = app.add_member(&admin, "m@example.fi", "MEMBER").await;
    let (id, _) = invite(&app, &admin, "x@example.fi", "MEMBER").await;
    let listed = app.gql(INVITATIONS, json!({}), member.token()).await;
    assert_eq!(error_code(&listed), Some("FORBIDDEN"), "{listed}");
    let revoked = app.gql(REVOKE, json!({"id": id}), member.token()).await;
    assert_eq!(error_code(&revoked), Some("FORBIDDEN"), "{revoked}");
    // An invitation that exists answers exactly like one that does not.
    let missing =
        voimavara_api::graphql::ids::encode(voimavara_api::graphql::ids::Kind::Invitation, 999).0;
    let node = "query($id: ID!) { node(id: $id) { id } }";
    let existing = app.gql(node, json!({"id": id}), member.token()).await;
    let absent = app.gql(node, json!({"id": missing}), member.token()).await;
    assert_eq!(existing, absent);
    assert_eq!(existing["data"]["node"], Value::Null, "{existing}");
}

#[tokio::test]
async fn invitations_expire_after_seven_days() {
    let app = spawn_app().await;
    let admin = app.sign_up("Org", "admin@example.fi").await;
    let invited = app
        .gql(
            INVITE,
            json!({"email": "late@example.fi", "role": "MEMBER"}),
            admin.token(),
        )
        .await;
    let token = invited["data"]["inviteMember"]["token"]
        .as_str()
        .unwrap()
        .to_owned();
    app.clock.advance(Duration::days(7));
    let late = app
        .gql(
            ACCEPT,
            json!({"token": token, "name": "Late", "password": PASSWORD}),
            None,
        )
        .await;
    assert_eq!(error_code(&late), Some("BAD_USER_INPUT"));
}

#[tokio::test]
async fn inviting_an_existing_member_is_a_conflict() {
    let app = spawn_app().await;
    let admin = app.sign_up("Org", "admin@example.fi").await;
    let body = app
        .gql(
            INVITE,
            json!({"email": "ADMIN@example.fi", "role": "MEMBER"}),
            admin.token(),
        )
        .await;
    assert_eq!(error_code(&body), Some("CONFLICT"));
}

const MEMBERS: &str = "query($filter: MemberFilter, $first: Int, $after: String) {
    members(filter: $filter, first: $first, after: $after) {
        totalCount pageInfo { hasNextPage hasPreviousPage endCursor }
        edges { cursor node { email role active } } } }";

fn emails(body: &Value) -> Vec<&str> {
    body["data"]["members"]["edges"]
        .as_array()
        .unwrap_or_else(|| panic!("{body}"))
        .iter()
        .map(|e| e["node"]["email"].as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn the_member_directory_filters_and_pages() {
    let app = spawn_app().await;
    let admin = app.sign_up("Org", "admin@example.fi").await;
    for email in ["liisa@example.fi", "matti@example.fi", "pekka_l@example.fi"] {
        app.add_member(&admin, email, "MEMBER").await;
    }
    let other = app.sign_up("Other", "outsider@example.fi").await;
    app.add_member(&other, "liisa2@example.fi", "MEMBER").await;

    let all = app.gql(MEMBERS, json!({}), admin.token()).await;
    assert_eq!(all["data"]["members"]["totalCount"], 4);
    assert_eq!(
        emails(&all),
        [
            "admin@example.fi",
            "liisa@example.fi",
            "matti@example.fi",
            "pekka_l@example.fi"
        ]
    );

    let admins = app
        .gql(MEMBERS, json!({"filter": {"role": "ADMIN"}}), admin.token())
        .await;
    assert_eq!(emails(&admins), ["admin@example.fi"]);

    let search = app
        .gql(
            MEMBERS,
            json!({"filter": {"search": "LIISA"}}),
            admin.token(),
        )
        .await;
    assert_eq!(emails(&search), ["liisa@example.fi"]);
    // LIKE wildcards in a search are taken literally.
    let literal = app
        .gql(MEMBERS, json!({"filter": {"search": "_l@"}}), admin.token())
        .await;
    assert_eq!(emails(&literal), ["pekka_l@example.fi"]);

    let first = app.gql(MEMBERS, json!({"first": 3}), admin.token()).await;
    assert_eq!(first["data"]["members"]["pageInfo"]["hasNextPage"], true);
    let cursor = first["data"]["members"]["pageInfo"]["endCursor"].clone();
    let rest = app
        .gql(MEMBERS, json!({"first": 3, "after": cursor}), admin.token())
        .await;
    assert_eq!(emails(&rest), ["pekka_l@example.fi"]);
    assert_eq!(rest["data"]["members"]["pageInfo"]["hasNextPage"], false);
    assert_eq!(rest["data"]["members"]["pageInfo"]["hasPreviousPage"], true);

    for (vars, field) in [
        (json!({"first": 101}), "first"),
        (json!({"first": -1}), "first"),
        (json!({"after": "nonsense"}), "after"),
    ] {
        let body = app.gql(MEMBERS, vars, admin.token()).await;
        assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{body}");
        assert_eq!(body["errors"][0]["extensions"]["field"], field);
    }
}

const SET_ROLE: &str =
    "mutation($id: ID!, $role: Role!) { setMemberRole(userId: $id, role: $role) { id role } }";
const DEACTIVATE: &str = "mutation($id: ID!) { deactivateMember(userId: $id) { id active } }";

#[tokio::test]
async fn a_role_change_ends_every_session_and_the_next_sign_in_has_the_new_role() {
    let app = spawn_app().await;
    let admin = app.sign_up("Org", "admin@example.fi").await;
    let member = app.add_member(&admin, "m@example.fi", "MEMBER").await;
    let refused = app
        .gql(
            INVITE,
            json!({"email": "x@example.fi", "role": "MEMBER"}),
            member.token(),
        )
        .await;
    assert_eq!(error_code(&refused), Some("FORBIDDEN"));

    let promoted = app
        .gql(
            SET_ROLE,
            json!({"id": member.user_id, "role": "ADMIN"}),
            admin.token(),
        )
        .await;
    assert_eq!(promoted["data"]["setMemberRole"]["role"], "ADMIN");
    // The old access token and the old refresh token end with the old role.
    let old = app.gql(ME, json!({}), member.token()).await;
    assert_eq!(error_code(&old), Some("UNAUTHENTICATED"), "{old}");
    let refreshed = app
        .gql(
            "mutation($t: String!) { refreshSession(refreshToken: $t) { accessToken } }",
            json!({"t": member.refresh_token}),
            None,
        )
        .await;
    assert_eq!(
        error_code(&refreshed),
        Some("UNAUTHENTICATED"),
        "{refreshed}"
    );

    let signed_in = app
        .gql(
            "mutation { login(input: {email: \"m@example.fi\", password: \"correct horse battery staple\"}) { accessToken user { role } } }",
            json!({}),
            None,
        )
        .await;
    assert_eq!(signed_in["data"]["login"]["user"]["role"], "ADMIN");
    let token = signed_in["data"]["login"]["accessToken"].as_str().unwrap();
    let allowed = app
        .gql(
            INVITE,
            json!({"email": "x@example.fi", "role": "MEMBER"}),
            Some(token),
        )
        .await;
    assert!(
        allowed["data"]["inviteMember"]["token"].is_string(),
        "{allowed}"
    );
}

#[tokio::test]
async fn the_last_active_admin_cannot_be_demoted_or_deactivated() {
    let app = spawn_app().await;
    let admin = app.sign_up("Org", "admin@example.fi").await;
    let demote = app
        .gql(
            SET_ROLE,
            json!({"id": admin.user_id, "role": "MEMBER"}),
            admin.token(),
        )
        .await;
    assert_eq!(error_code(&demote), Some("CONFLICT"));
    let deactivate = app
        .gql(DEACTIVATE, json!({"id": admin.user_id}), admin.token())
        .await;
    assert_eq!(error_code(&deactivate), Some("CONFLICT"));

    // With a second admin, the first may step down.
    let second = app.add_member(&admin, "second@example.fi", "ADMIN").await;
    let demote = app
        .gql(
            SET_ROLE,
            json!({"id": admin.user_id, "role": "MEMBER"}),
            second.token(),
        )
        .await;
    assert_eq!(demote["data"]["setMemberRole"]["role"], "MEMBER");
    let last = app
        .gql(DEACTIVATE, json!({"id": second.user_id}), second.token())
        .await;
    assert_eq!(error_code(&last), Some("CONFLICT"));
}

#[tokio::test]
async fn a_deactivated_members_tokens_stop_working_at_once() {
    let app = spawn_app().await;
    let admin = app.sign_up("Org", "admin@example.fi").await;
    let member = app.add_member(&admin, "gone@example.fi", "MEMBER").await;
    // Signed in and recently seen: the server holds their account in its cache.
    let before = app.gql(ME, json!({}), member.token()).await;
    assert!(before["data"]["me"]["id"].is_string(), "{before}");
    let body = app
        .gql(DEACTIVATE, json!({"id": member.user_id}), admin.token())
        .await;
    assert_eq!(body["data"]["deactivateMember"]["active"], false);

    let me = app.gql(ME, json!({}), member.token()).await;
    assert_eq!(error_code(&me), Some("UNAUTHENTICATED"));
    let refresh = app
        .gql(
            "mutation($t: String!) { refreshSession(refreshToken: $t) { accessToken } }",
            json!({"t": member.refresh_token}),
            None,
        )
        .await;
    assert_eq!(error_code(&refresh), Some("UNAUTHENTICATED"));
    let login = app
        .gql("mutation { login(input: {email: \"gone@example.fi\", password: \"correct horse battery staple\"}) { accessToken } }", json!({}), None)
        .await;
    assert_eq!(error_code(&login), Some("UNAUTHENTICATED"));

    // Brought back, they sign in again; the old session stays ended.
    let back = app
        .gql(
            "mutation($id: ID!) { reactivateMember(userId: $id) { active } }",
            json!({"id": member.user_id}),
            admin.token(),
        )
        .await;
    assert_eq!(back["data"]["reactivateMember"]["active"], true, "{back}");
    let login = app
        .gql("mutation { login(input: {email: \"gone@example.fi\", password: \"correct horse battery staple\"}) { accessToken } }", json!({}), None)
        .await;
    let fresh = login["data"]["login"]["accessToken"]
        .as_str()
        .unwrap_or_else(|| panic!("{login}"));
    assert!(app.gql(ME, json!({}), Some(fresh)).await["errors"].is_null());
    let old = app.gql(ME, json!({}), member.token()).await;
    assert_eq!(error_code(&old), Some("UNAUTHENTICATED"));
}

#[tokio::test]
async fn changing_the_password_ends_the_other_sessions_only() {
    let app = spawn_app().await;
    let here = app.sign_up("Org", "pw@example.fi").await;
    let login = app
        .gql("mutation { login(input: {email: \"pw@example.fi\", password: \"correct horse battery staple\"}) { accessToken refreshToken user { id } } }", json!({}), None)
        .await;
    let elsewhere = Session::from_payload(&login["data"]["login"]).unwrap();

    const CHANGE: &str = "mutation($c: String!, $n: String!) { changePassword(input: {currentPassword: $c, newPassword: $n}) { id } }";
    let wrong = app
        .gql(
            CHANGE,
            json!({"c": "not my password", "n": "a brand new password"}),
            here.token(),
        )
        .await;
    assert_eq!(error_code(&wrong), Some("BAD_USER_INPUT"));
    assert_eq!(wrong["errors"][0]["extensions"]["field"], "currentPassword");
    let short = app
        .gql(CHANGE, json!({"c": PASSWORD, "n": "short"}), here.token())
        .await;
    assert_eq!(short["errors"][0]["extensions"]["field"], "newPassword");

    let changed = app
        .gql(
            CHANGE,
            json!({"c": PASSWORD, "n": "a brand new password"}),
            here.token(),
        )
        .await;
    assert_eq!(
        changed["data"]["changePassword"]["id"],
        here.user_id.as_str()
    );

    const REFRESH: &str =
        "mutation($t: String!) { refreshSession(refreshToken: $t) { accessToken } }";
    // The other session's access token ends at once, not when it expires.
    let other_access = app.gql(ME, json!({}), elsewhere.token()).await;
    assert_eq!(
        error_code(&other_access),
        Some("UNAUTHENTICATED"),
        "{other_access}"
    );
    let this_access = app.gql(ME, json!({}), here.token()).await;
    assert!(this_access["data"]["me"]["id"].is_string(), "{this_access}");
    let other = app
        .gql(REFRESH, json!({"t": elsewhere.refresh_token}), None)
        .await;
    assert_eq!(error_code(&other), Some("UNAUTHENTICATED"));
    let current = app
        .gql(REFRESH, json!({"t": here.refresh_token}), None)
        .await;
    assert!(
        current["data"]["refreshSession"]["accessToken"].is_string(),
        "{current}"
    );
}

#[tokio::test]
async fn wrong_current_passwords_are_rate_limited_per_account() {
    let app = spawn_app().await;
    let here = app.sign_up("Org", "guess@example.fi").await;
    const CHANGE: &str = "mutation($c: String!) { changePassword(input: {currentPassword: $c, newPassword: \"a brand new password\"}) { id } }";
    // Sent at once: concurrent guesses count too.
    let guesses = (0..8).map(|i| app.gql(CHANGE, json!({"c": format!("guess {i}")}), here.token()));
    let answers = futures_util::future::join_all(guesses).await;
    let codes: Vec<Option<&str>> = answers.iter().map(error_code).collect();
    assert_eq!(
        codes
            .iter()
            .filter(|c| **c == Some("BAD_USER_INPUT"))
            .count(),
        5,
        "{codes:?}"
    );
    assert_eq!(
        codes.iter().filter(|c| **c == Some("RATE_LIMITED")).count(),
        3,
        "{codes:?}"
    );
    // The right password is refused too until the window has passed.
    let right = app.gql(CHANGE, json!({"c": PASSWORD}), here.token()).await;
    assert_eq!(error_code(&right), Some("RATE_LIMITED"), "{right}");
    app.clock.advance(Duration::minutes(16));
    let (token, _) = app
        .open_session(
            voimavara_api::graphql::ids::decode(
                &here.user_id,
                voimavara_api::graphql::ids::Kind::User,
                "id",
            )
            .unwrap(),
        )
        .await;
    let right = app.gql(CHANGE, json!({"c": PASSWORD}), Some(&token)).await;
    assert_eq!(
        right["data"]["changePassword"]["id"],
        here.user_id.as_str(),
        "{right}"
    );
}

#[tokio::test]
async fn another_organisations_members_look_like_nothing_at_all() {
    let app = spawn_app().await;
    let admin = app.sign_up("Org", "admin@example.fi").await;
    let outsider = app.sign_up("Other", "outsider@example.fi").await;
    let member = app.add_member(&admin, "m@example.fi", "MEMBER").await;

    let node = app
        .gql(
            "query($id: ID!) { node(id: $id) { id } nodes(ids: [$id]) { id } }",
            json!({"id": member.user_id}),
            outsider.token(),
        )
        .await;
    assert_eq!(node["data"], json!({"node": null, "nodes": [null]}));
    let missing_id =
        voimavara_api::graphql::ids::encode(voimavara_api::graphql::ids::Kind::User, 999_999);
    let mut answers = Vec::new();
    for id in [json!(member.user_id), json!(missing_id)] {
        let role = app
            .gql(
                SET_ROLE,
                json!({"id": id, "role": "ADMIN"}),
                outsider.token(),
            )
            .await;
        let gone = app
            .gql(DEACTIVATE, json!({"id": id}), outsider.token())
            .await;
        assert_eq!(error_code(&role), Some("NOT_FOUND"));
        assert_eq!(error_code(&gone), Some("NOT_FOUND"));
        answers.push((
            role["errors"][0]["message"].clone(),
            gone["errors"][0]["message"].clone(),
        ));
    }
    // Another organisation's member and a member that never existed answer alike.
    assert_eq!(answers[0], answers[1]);
}

#[tokio::test]
async fn another_server_refuses_a_deactivated_member_once_its_cache_ages_out() {
    let app = spawn_app().await;
    let other = app.sibling().await;
    let admin = app.sign_up("Org", "admin@example.fi").await;
    let member = app.add_member(&admin, "gone@example.fi", "MEMBER").await;
    let seen = other.gql(ME, json!({}), member.token()).await;
    assert!(seen["data"]["me"]["id"].is_string(), "{seen}");

    let body = app
        .gql(DEACTIVATE, json!({"id": member.user_id}), admin.token())
        .await;
    assert_eq!(body["data"]["deactivateMember"]["active"], false);
    let here = app.gql(ME, json!({}), member.token()).await;
    assert_eq!(error_code(&here), Some("UNAUTHENTICATED"));

    // The other server read the account before the change; it reads it again
    // once the entry is older than the cache's lifetime (1 s by default).
    other.clock.advance(Duration::milliseconds(1001));
    let there = other.gql(ME, json!({}), member.token()).await;
    assert_eq!(error_code(&there), Some("UNAUTHENTICATED"), "{there}");
}

#[tokio::test]
async fn expired_attempts_tokens_and_invitations_are_pruned() {
    let app = spawn_app().await;
    let admin = app.sign_up("Org", "admin@example.fi").await;
    let (_, _) = invite(&app, &admin, "late@example.fi", "MEMBER").await;
    let failed = app
        .gql(
            "mutation { login(input: {email: \"admin@example.fi\", password: \"wrong password!\"}) { accessToken } }",
            json!({}),
            None,
        )
        .await;
    assert_eq!(error_code(&failed), Some("UNAUTHENTICATED"));
    let nothing = voimavara_api::service::maintenance::prune(&app.state)
        .await
        .unwrap();
    assert_eq!(nothing, Default::default(), "nothing is old enough yet");

    // Sixty-one days on: the session (60 days at most), the attempt and the
    // invitation (expired for more than 30 days) are all gone.
    app.clock.advance(Duration::days(61));
    let pruned = voimavara_api::service::maintenance::prune(&app.state)
        .await
        .unwrap();
    assert_eq!(
        pruned.attempts, 3,
        "the sign-up, and the failure per account and per address"
    );
    assert_eq!(pruned.refresh_tokens, 1);
    assert_eq!(pruned.invitations, 1);
    assert!(
        entity::invitation::Entity::find()
            .all(&app.state.db)
            .await
            .unwrap()
            .is_empty()
    );
}
