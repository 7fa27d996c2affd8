//! Secrets never reach the logs: the real binary, logging everything at
//! `trace`, serves sign-up, sign-in (right and wrong), refresh, an invitation
//! and a bad token; its whole output is then searched for every secret.

use std::process::Stdio;
use std::time::Duration;

use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Command;

use crate::helpers::{PASSWORD, SIGN_UP, TestDb};

const JWT_SECRET: &str = "log test secret: 0123456789abcdef0123456789";

#[tokio::test]
async fn passwords_and_tokens_never_appear_in_the_logs() {
    let db = TestDb::create().await;
    let mut child = Command::new(env!("CARGO_BIN_EXE_voimavara"))
        .args(["serve", "--database-url", &db.url, "--bind", "127.0.0.1:0"])
        .args(["--log-format", "json"])
        .env("RUST_LOG", "trace")
        .env("VOIMAVARA_JWT_SECRET", JWT_SECRET)
        // With a relay configured (here one nobody answers at) no mail is
        // written to the log; without one every mail is, whole, by design
        // (development; see tests/api/mail.rs).
        .env("VOIMAVARA_SMTP_URL", "smtp://127.0.0.1:1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let stderr = child.stderr.take().unwrap();
    let (lines_tx, mut lines_rx) = tokio::sync::mpsc::unbounded_channel::<String>();
    for pipe in [
        Box::new(stdout) as Box<dyn tokio::io::AsyncRead + Unpin + Send>,
        Box::new(stderr),
    ] {
        let tx = lines_tx.clone();
        tokio::spawn(async move {
            let mut lines = BufReader::new(pipe).lines();
            while let Ok(Some(line)) = lines.next_line().await {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
    }
    drop(lines_tx);

    // The server announces its address once it listens.
    let mut log = Vec::new();
    let address = tokio::time::timeout(Duration::from_secs(60), async {
        while let Some(line) = lines_rx.recv().await {
            let found = line
                .split("serving GraphQL at ")
                .nth(1)
                .and_then(|rest| rest.split("/graphql").next())
                .map(str::to_owned);
            log.push(line);
            if let Some(address) = found {
                return address;
            }
        }
        panic!("the server exited:\n{}", log.join("\n"));
    })
    .await
    .expect("the server started");

    let client = reqwest::Client::new();
    let gql = |query: &'static str, variables: Value, token: Option<String>| {
        let mut request = client
            .post(format!("{address}/graphql"))
            .json(&json!({"query": query, "variables": variables}));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        async move { request.send().await.unwrap().json::<Value>().await.unwrap() }
    };
    let signed_up = gql(
        SIGN_UP,
        json!({"input": {"organisationName": "Loki Oy", "email": "admin@loki.fi",
            "password": PASSWORD, "displayName": "Admin"}}),
        None,
    )
    .await;
    let access = signed_up["data"]["signUp"]["accessToken"]
        .as_str()
        .unwrap()
        .to_owned();
    let refresh = signed_up["data"]["signUp"]["refreshToken"]
        .as_str()
        .unwrap()
        .to_owned();
    let wrong = "a wrong password 1234";
    gql(
        "mutation($p: String!) { login(input: {email: \"admin@loki.fi\", password: $p}) { accessToken } }",
        json!({"p": wrong}),
        None,
    )
    .await;
    let refreshed = gql(
        "mutation($t: String!) { refreshSession(refreshToken: $t) { accessToken refreshToken } }",
        json!({"t": refresh}),
        None,
    )
    .await;
    let new_refresh = refreshed["data"]["refreshSession"]["refreshToken"]
        .as_str()
        .unwrap()
        .to_owned();
    let invited = gql(
        "mutation { inviteMember(input: {email: \"uusi@loki.fi\", role: MEMBER}) { token } }",
        json!({}),
        Some(access.clone()),
    )
    .await;
    let invitation = invited["data"]["inviteMember"]["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let forged = format!("{access}x");
    let refused = gql("{ me { id } }", json!({}), Some(forged.clone())).await;
    assert_eq!(
        refused["errors"][0]["extensions"]["code"],
        "UNAUTHENTICATED"
    );

    child.kill().await.unwrap();
    while let Ok(Some(line)) = tokio::time::timeout(Duration::from_secs(10), lines_rx.recv()).await
    {
        log.push(line);
    }
    let log = log.join("\n");
    assert!(
        log.contains("SELECT"),
        "the log holds the statements at trace level"
    );
    for (what, secret) in [
        ("password", PASSWORD),
        ("wrong password", wrong),
        ("access token", access.as_str()),
        ("forged token", forged.as_str()),
        ("refresh token", refresh.as_str()),
        ("rotated refresh token", new_refresh.as_str()),
        ("invitation token", invitation.as_str()),
        ("signing secret", JWT_SECRET),
    ] {
        assert!(!log.contains(secret), "the {what} appears in the log");
    }
}
