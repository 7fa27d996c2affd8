//! Signing up and in, refreshing, logging out, rate limits and token attacks.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::Duration;
use jsonwebtoken::{EncodingKey, Header, encode};
use serde_json::{Value, json};

use crate::helpers::{PASSWORD, SIGN_UP, Session, error_code, spawn_app};

const LOGIN: &str = "mutation($email: String!, $password: String!) {
    login(input: {email: $email, password: $password}) { accessToken refreshToken expiresAt user { id email } } }";
const REFRESH: &str = "mutation($t: String!) { refreshSession(refreshToken: $t) { accessToken refreshToken user { id } } }";
const ME: &str = "{ me { id email role calendarUrl } organisation { id name } }";

#[tokio::test]
async fn signing_up_creates_an_organisation_and_its_first_admin() {
    let app = spawn_app().await;
    let body = app
        .gql(
            SIGN_UP,
            json!({"input": {"organisationName": " Kahvila Oy ", "email": " Aino@Kahvila.FI ",
                             "password": PASSWORD, "displayName": "Aino"}}),
            None,
        )
        .await;
    let payload = &body["data"]["signUp"];
    assert_eq!(payload["user"]["email"], "aino@kahvila.fi");
    assert_eq!(payload["user"]["role"], "ADMIN");
    assert!(
        payload["user"]["calendarUrl"]
            .as_str()
            .unwrap()
            .starts_with(&app.address)
    );
    // Access tokens last 15 minutes from the server's clock.
    assert_eq!(payload["expiresAt"], "2026-11-28T09:15:00Z");

    let session = Session::from_payload(payload).unwrap();
    let me = app.gql(ME, json!({}), session.token()).await;
    assert_eq!(me["data"]["me"]["id"], payload["user"]["id"]);
    assert_eq!(me["data"]["organisation"]["name"], "Kahvila Oy");
}

#[tokio::test]
async fn sign_up_input_is_validated_field_by_field() {
    let app = spawn_app().await;
    let cases = [
        (
            json!({"organisationName": "", "email": "a@b.fi", "password": PASSWORD, "displayName": "A"}),
            "organisationName",
        ),
        (
            json!({"organisationName": "O", "email": "not-an-email", "password": PASSWORD, "displayName": "A"}),
            "email",
        ),
        (
            json!({"organisationName": "O", "email": "a@b.fi", "password": "short", "displayName": "A"}),
            "password",
        ),
        (
            json!({"organisationName": "O", "email": "a@b.fi", "password": "x".repeat(257), "displayName": "A"}),
            "password",
        ),
        (
            json!({"organisationName": "O", "email": "a@b.fi", "password": PASSWORD, "displayName": "  "}),
            "displayName",
        ),
    ];
    for (input, field) in cases {
        let body = app.gql(SIGN_UP, json!({ "input": input }), None).await;
        assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{body}");
        assert_eq!(body["errors"][0]["extensions"]["field"], field, "{body}");
    }
}

#[tokio::test]
async fn an_email_can_register_only_once() {
    let app = spawn_app().await;
    app.sign_up("First", "taken@example.fi").await;
    let body = app
        .gql(
            SIGN_UP,
            json!({"input": {"organisationName": "Second", "email": "TAKEN@example.fi",
                             "password": PASSWORD, "displayName": "B"}}),
            None,
        )
        .await;
    assert_eq!(error_code(&body), Some("BAD_USER_INPUT"));
    assert_eq!(body["errors"][0]["extensions"]["field"], "email");
}

#[tokio::test]
async fn login_accepts_the_right_password_and_refuses_unknown_and_wrong_alike() {
    let app = spawn_app().await;
    app.sign_up("Org", "user@example.fi").await;
    let ok = app
        .gql(
            LOGIN,
            json!({"email": "USER@example.fi", "password": PASSWORD}),
            None,
        )
        .await;
    assert_eq!(ok["data"]["login"]["user"]["email"], "user@example.fi");

    let wrong = app
        .gql(
            LOGIN,
            json!({"email": "user@example.fi", "password": "wrong password"}),
            None,
        )
        .await;
    let unknown = app
        .gql(
            LOGIN,
            json!({"email": "nobody@example.fi", "password": "wrong password"}),
            None,
        )
        .await;
    assert_eq!(error_code(&wrong), Some("UNAUTHENTICATED"));
    assert_eq!(
        wrong["errors"][0]["message"],
        unknown["errors"][0]["message"]
    );
    assert_eq!(error_code(&unknown), Some("UNAUTHENTICATED"));
}

#[tokio::test]
async fn five_failures_lock_an_account_for_fifteen_minutes_even_within_one_request() {
    let app = spawn_app().await;
    app.sign_up("Org", "target@example.fi").await;
    // Six guesses as aliases of one request: the sixth is refused.
    let guesses: String = (0..6)
        .map(|i| format!("g{i}: login(input: {{email: \"target@example.fi\", password: \"guess number {i}\"}}) {{ accessToken }} "))
        .collect();
    let body = app
        .gql(&format!("mutation {{ {guesses} }}"), json!({}), None)
        .await;
    let codes: Vec<&str> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["extensions"]["code"].as_str().unwrap())
        .collect();
    assert_eq!(
        codes,
        ["UNAUTHENTICATED"; 5]
            .iter()
            .copied()
            .chain(["RATE_LIMITED"])
            .collect::<Vec<_>>()
    );

    // Even the right password is refused while locked, with the wait in extensions.
    let locked = app
        .gql(
            LOGIN,
            json!({"email": "target@example.fi", "password": PASSWORD}),
            None,
        )
        .await;
    assert_eq!(error_code(&locked), Some("RATE_LIMITED"));
    assert_eq!(locked["errors"][0]["extensions"]["retryAfterSeconds"], 900);

    app.clock
        .advance(Duration::minutes(15) + Duration::seconds(1));
    let ok = app
        .gql(
            LOGIN,
            json!({"email": "target@example.fi", "password": PASSWORD}),
            None,
        )
        .await;
    assert!(ok["data"]["login"]["accessToken"].is_string(), "{ok}");
}

#[tokio::test]
async fn a_weaker_stored_hash_is_upgraded_at_the_next_login() {
    use argon2::{Algorithm, Argon2, Params, PasswordHasher, Version};
    use entity::user;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};

    let app = spawn_app().await;
    app.sign_up("Org", "old@example.fi").await;
    let weak = Argon2::new(
        Algorithm::Argon2id,
        Version::V0x13,
        Params::new(4096, 1, 1, None).unwrap(),
    )
    .hash_password(PASSWORD.as_bytes())
    .unwrap()
    .to_string();
    user::Entity::update_many()
        .col_expr(user::Column::PasswordHash, Expr::value(weak.clone()))
        .filter(user::Column::Email.eq("old@example.fi"))
        .exec(&app.state.db)
        .await
        .unwrap();

    let ok = app
        .gql(
            LOGIN,
            json!({"email": "old@example.fi", "password": PASSWORD}),
            None,
        )
        .await;
    assert!(ok["data"]["login"]["accessToken"].is_string(), "{ok}");
    let stored = user::Entity::find()
        .filter(user::Column::Email.eq("old@example.fi"))
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap()
        .password_hash;
    assert!(
        stored.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
        "{stored}"
    );
}

#[tokio::test]
async fn refresh_tokens_rotate_and_a_reused_one_revokes_the_family() {
    let app = spawn_app().await;
    let first = app.sign_up("Org", "r@example.fi").await;

    let body = app
        .gql(REFRESH, json!({"t": first.refresh_token}), None)
        .await;
    let second = Session::from_payload(&body["data"]["refreshSession"]).unwrap();
    assert_ne!(second.refresh_token, first.refresh_token);
    assert_eq!(second.user_id, first.user_id);

    // Presenting the already-used first token is theft: the family dies.
    let reuse = app
        .gql(REFRESH, json!({"t": first.refresh_token}), None)
        .await;
    assert_eq!(error_code(&reuse), Some("UNAUTHENTICATED"));
    let after = app
        .gql(REFRESH, json!({"t": second.refresh_token}), None)
        .await;
    assert_eq!(error_code(&after), Some("UNAUTHENTICATED"));
    // The family's access tokens end with it, at once.
    for token in [&first.access_token, &second.access_token] {
        let me = app.gql(ME, json!({}), Some(token)).await;
        assert_eq!(error_code(&me), Some("UNAUTHENTICATED"), "{me}");
    }
}

#[tokio::test]
async fn a_refresh_token_used_many_times_at_once_ends_its_session() {
    let app = spawn_app().await;
    let first = app.sign_up("Org", "race@example.fi").await;
    let uses = (0..8).map(|_| app.gql(REFRESH, json!({"t": first.refresh_token}), None));
    let answers = futures_util::future::join_all(uses).await;
    let won: Vec<Session> = answers
        .iter()
        .filter_map(|a| Session::from_payload(&a["data"]["refreshSession"]))
        .collect();
    assert!(won.len() <= 1, "{answers:?}");
    assert_eq!(
        answers
            .iter()
            .filter(|a| error_code(a) == Some("UNAUTHENTICATED"))
            .count(),
        8 - won.len(),
        "{answers:?}"
    );
    // Every use after the first was a reuse: the whole family is revoked,
    // whatever the winner was given.
    let mut access = vec![first.access_token.clone()];
    let mut refresh = vec![first.refresh_token.clone()];
    for session in &won {
        access.push(session.access_token.clone());
        refresh.push(session.refresh_token.clone());
    }
    for token in &access {
        let me = app.gql(ME, json!({}), Some(token)).await;
        assert_eq!(error_code(&me), Some("UNAUTHENTICATED"), "{me}");
    }
    for token in &refresh {
        let again = app.gql(REFRESH, json!({"t": token}), None).await;
        assert_eq!(error_code(&again), Some("UNAUTHENTICATED"), "{again}");
    }
}

#[tokio::test]
async fn logout_ends_the_session() {
    let app = spawn_app().await;
    let session = app.sign_up("Org", "l@example.fi").await;
    let body = app
        .gql(
            "mutation($t: String!) { logout(refreshToken: $t) }",
            json!({"t": session.refresh_token}),
            None,
        )
        .await;
    assert_eq!(body["data"]["logout"], true);
    let refresh = app
        .gql(REFRESH, json!({"t": session.refresh_token}), None)
        .await;
    assert_eq!(error_code(&refresh), Some("UNAUTHENTICATED"));
}

#[tokio::test]
async fn logout_ends_that_sessions_access_token_at_once_and_only_that_session() {
    let app = spawn_app().await;
    let one = app.sign_up("Org", "two@example.fi").await;
    let body = app
        .gql(
            LOGIN,
            json!({"email": "two@example.fi", "password": PASSWORD}),
            None,
        )
        .await;
    let other = Session::from_payload(&body["data"]["login"]).unwrap();
    app.gql(
        "mutation($t: String!) { logout(refreshToken: $t) }",
        json!({"t": one.refresh_token}),
        None,
    )
    .await;
    let me = app.gql(ME, json!({}), one.token()).await;
    assert_eq!(error_code(&me), Some("UNAUTHENTICATED"), "{me}");
    let mut socket = crate::helpers::WsClient::connect(&app, one.token()).await;
    assert_eq!(socket.next().await, Err(4403));
    let still = app.gql(ME, json!({}), other.token()).await;
    assert!(still["data"]["me"]["id"].is_string(), "{still}");
}

#[tokio::test]
async fn anonymous_callers_are_unauthenticated() {
    let app = spawn_app().await;
    let body = app.gql("{ me { id } }", json!({}), None).await;
    assert_eq!(error_code(&body), Some("UNAUTHENTICATED"));
}

fn forge(claims: &Value, secret: &[u8]) -> String {
    encode(
        &Header::new(jsonwebtoken::Algorithm::HS256),
        claims,
        &EncodingKey::from_secret(secret).unwrap(),
    )
    .unwrap()
}

#[tokio::test]
async fn forged_expired_and_tampered_tokens_are_refused() {
    let app = spawn_app().await;
    let session = app.sign_up("Org", "t@example.fi").await;
    let payload: Value = serde_json::from_slice(
        &URL_SAFE_NO_PAD
            .decode(session.access_token.split('.').nth(1).unwrap())
            .unwrap(),
    )
    .unwrap();
    let secret = b"test secret: 0123456789abcdef0123456789";

    // Sanity: re-signing the genuine claims with the server's key is accepted.
    let ok = app.gql(ME, json!({}), Some(&forge(&payload, secret))).await;
    assert!(ok["data"]["me"]["id"].is_string(), "{ok}");

    let with = |key: &str, value: Value| {
        let mut claims = payload.clone();
        claims[key] = value;
        claims
    };
    let header_none = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#);
    let body_part = session.access_token.split('.').nth(1).unwrap();
    let mut tampered_claims = payload.clone();
    tampered_claims["sub"] = json!("999");
    let tampered_body = URL_SAFE_NO_PAD.encode(tampered_claims.to_string());
    let signature = session.access_token.split('.').nth(2).unwrap();

    let attacks = [
        ("alg none", format!("{header_none}.{body_part}.")),
        (
            "another key",
            forge(&payload, b"some other secret, long enough to sign"),
        ),
        (
            "wrong audience",
            forge(&with("aud", json!("someone-else")), secret),
        ),
        ("wrong issuer", forge(&with("iss", json!("evil")), secret)),
        (
            "not an access token",
            forge(&with("typ", json!("refresh")), secret),
        ),
        (
            "tampered payload",
            format!(
                "{}.{tampered_body}.{signature}",
                session.access_token.split('.').next().unwrap()
            ),
        ),
        ("garbage", "not.a.token".to_owned()),
    ];
    for (name, token) in attacks {
        let body = app.gql(ME, json!({}), Some(&token)).await;
        assert_eq!(error_code(&body), Some("UNAUTHENTICATED"), "{name}: {body}");
    }

    app.clock.advance(Duration::minutes(15));
    let expired = app.gql(ME, json!({}), session.token()).await;
    assert_eq!(error_code(&expired), Some("UNAUTHENTICATED"));
}

#[tokio::test]
async fn one_client_address_guessing_across_many_accounts_is_limited_too() {
    let app = spawn_app().await;
    app.sign_up("Org", "real@example.fi").await;
    // Thirty failures spread over six made-up accounts (five each, under the
    // per-account limit) exhaust the address's allowance.
    for i in 0..30 {
        let body = app
            .gql(LOGIN, json!({"email": format!("guess{}@example.fi", i % 6), "password": "wrong password"}), None)
            .await;
        assert_eq!(
            error_code(&body),
            Some("UNAUTHENTICATED"),
            "attempt {i}: {body}"
        );
    }
    let locked = app
        .gql(
            LOGIN,
            json!({"email": "real@example.fi", "password": PASSWORD}),
            None,
        )
        .await;
    assert_eq!(error_code(&locked), Some("RATE_LIMITED"));
}

/// Signs up from `forwarded` (an `X-Forwarded-For` value); returns the error code, if any.
async fn sign_up_from(app: &crate::helpers::TestApp, n: usize, forwarded: &str) -> Option<String> {
    let body: Value = app
        .client
        .post(format!("{}/graphql", app.address))
        .header("x-forwarded-for", forwarded)
        .json(&json!({"query": SIGN_UP, "variables": {"input": {
            "organisationName": format!("Org {n}"),
            "email": format!("owner{n}@example.fi"),
            "password": PASSWORD,
            "displayName": "Owner",
        }}}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    error_code(&body).map(str::to_owned)
}

#[tokio::test]
async fn sign_ups_are_limited_per_client_behind_a_trusted_proxy() {
    let app = crate::helpers::spawn_app_with(|s| {
        s.trusted_proxies = vec![voimavara_api::http::client::parse_trusted("127.0.0.1").unwrap()]
    })
    .await;
    for n in 0..10 {
        assert_eq!(sign_up_from(&app, n, "6.6.6.6, 198.51.100.1").await, None);
    }
    // The eleventh from the same client is refused, whatever it puts on the left.
    assert_eq!(
        sign_up_from(&app, 10, "7.7.7.7, 198.51.100.1")
            .await
            .as_deref(),
        Some("RATE_LIMITED")
    );
    // Another client behind the same proxy is not.
    assert_eq!(sign_up_from(&app, 11, "198.51.100.2").await, None);
    // IPv6 clients count by their /64.
    for n in 20..30 {
        assert_eq!(
            sign_up_from(&app, n, &format!("2001:db8:0:1::{n}")).await,
            None
        );
    }
    assert_eq!(
        sign_up_from(&app, 30, "2001:db8:0:1:ffff::1")
            .await
            .as_deref(),
        Some("RATE_LIMITED")
    );
    assert_eq!(sign_up_from(&app, 31, "2001:db8:0:2::1").await, None);
}

#[tokio::test]
async fn without_trusted_proxies_a_forwarded_address_is_ignored() {
    let app = spawn_app().await;
    for n in 0..10 {
        assert_eq!(
            sign_up_from(&app, n, &format!("198.51.100.{n}")).await,
            None
        );
    }
    assert_eq!(
        sign_up_from(&app, 10, "198.51.100.99").await.as_deref(),
        Some("RATE_LIMITED")
    );
}

#[tokio::test]
async fn invitation_acceptances_are_limited_per_client_address() {
    let app = spawn_app().await;
    let accept = "mutation($t: String!) { acceptInvitation(input: {token: $t, password: \"long enough password\", displayName: \"X\"}) { accessToken } }";
    let guesses = (0..12).map(|i| app.gql(accept, json!({"t": format!("guess-{i}")}), None));
    let answers = futures_util::future::join_all(guesses).await;
    let codes: Vec<Option<&str>> = answers.iter().map(error_code).collect();
    assert_eq!(
        codes
            .iter()
            .filter(|c| **c == Some("BAD_USER_INPUT"))
            .count(),
        10,
        "{codes:?}"
    );
    assert_eq!(
        codes.iter().filter(|c| **c == Some("RATE_LIMITED")).count(),
        2,
        "{codes:?}"
    );
}
