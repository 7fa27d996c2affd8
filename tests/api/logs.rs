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

/// The real binary on a fresh database, logging at `level` as JSON, and
/// every line it writes.
struct LoggedServer {
    child: tokio::process::Child,
    address: String,
    lines: tokio::sync::mpsc::UnboundedReceiver<String>,
    log: Vec<String>,
    _db: TestDb,
}

impl LoggedServer {
    async fn start(level: &str) -> LoggedServer {
        Self::start_with(level, &[]).await
    }

    async fn start_with(level: &str, env: &[(&str, &str)]) -> LoggedServer {
        let db = TestDb::create().await;
        let mut child = Command::new(env!("CARGO_BIN_EXE_voimavara"))
            .envs(env.iter().copied())
            .args(["serve", "--database-url", &db.url, "--bind", "127.0.0.1:0"])
            .args(["--log-format", "json"])
            .env("RUST_LOG", level)
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
        LoggedServer {
            child,
            address,
            lines: lines_rx,
            log,
            _db: db,
        }
    }

    async fn gql(&self, query: &str, variables: Value, token: Option<&str>) -> Value {
        self.gql_as(query, variables, token, None).await.1
    }

    /// Like [`LoggedServer::gql`], sending `request_id` as `x-request-id`;
    /// returns the id the server answered with, and the body.
    async fn gql_as(
        &self,
        query: &str,
        variables: Value,
        token: Option<&str>,
        request_id: Option<&str>,
    ) -> (String, Value) {
        let mut request = reqwest::Client::new()
            .post(format!("{}/graphql", self.address))
            .json(&json!({"query": query, "variables": variables}));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(id) = request_id {
            request = request.header("x-request-id", id);
        }
        let response = request.send().await.unwrap();
        let id = response.headers()["x-request-id"]
            .to_str()
            .unwrap()
            .to_owned();
        (id, response.json::<Value>().await.unwrap())
    }

    /// Stops the server and returns everything it logged.
    async fn stop(mut self) -> String {
        self.child.kill().await.unwrap();
        while let Ok(Some(line)) =
            tokio::time::timeout(Duration::from_secs(10), self.lines.recv()).await
        {
            self.log.push(line);
        }
        self.log.join("\n")
    }
}

#[tokio::test]
async fn passwords_and_tokens_never_appear_in_the_logs() {
    let server = LoggedServer::start("trace").await;
    let gql = |query: &'static str, variables: Value, token: Option<String>| {
        let server = &server;
        async move { server.gql(query, variables, token.as_deref()).await }
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

    let log = server.stop().await;
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

#[tokio::test]
async fn an_anonymous_question_names_nobody_in_the_logs() {
    let server = LoggedServer::start("info").await;
    let signed_up = server
        .gql(
            SIGN_UP,
            json!({"input": {"organisationName": "Hiljaa Oy", "email": "admin@hiljaa.fi",
                "password": PASSWORD, "displayName": "Admin"}}),
            None,
        )
        .await;
    let admin = signed_up["data"]["signUp"]["accessToken"]
        .as_str()
        .unwrap()
        .to_owned();
    let admin_id = signed_up["data"]["signUp"]["user"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let invited = server
        .gql(
            "mutation { inviteMember(input: {email: \"kysyja@hiljaa.fi\", role: MEMBER}) { token } }",
            json!({}),
            Some(&admin),
        )
        .await;
    let accepted = server
        .gql(
            "mutation($t: String!, $p: String!) { acceptInvitation(input: {token: $t, password: $p,
                displayName: \"Salainen Kysyjä\"}) { accessToken user { id } } }",
            json!({"t": invited["data"]["inviteMember"]["token"], "p": PASSWORD}),
            None,
        )
        .await;
    let asker = accepted["data"]["acceptInvitation"]["accessToken"]
        .as_str()
        .unwrap()
        .to_owned();
    let asker_id = accepted["data"]["acceptInvitation"]["user"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let clinic = server
        .gql(
            "mutation($f: ID!) { scheduleClinic(input: {title: \"Vaikuttavuus\", facilitatorId: $f,
                startsAt: \"2030-01-10T10:00:00Z\", endsAt: \"2030-01-10T11:00:00Z\",
                timezone: \"Europe/Helsinki\", capacity: 5}) { id } }",
            json!({"f": admin_id}),
            Some(&admin),
        )
        .await;
    let clinic = clinic["data"]["scheduleClinic"][0]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{clinic}"))
        .to_owned();
    let registered = server
        .gql(
            "mutation($c: ID!) { registerForClinic(clinicId: $c) { id } }",
            json!({"c": clinic}),
            Some(&asker),
        )
        .await;
    assert!(registered.get("errors").is_none(), "{registered}");
    let (_, asked) = server
        .gql_as(
            "mutation Ask($c: ID!) { askClinicQuestion(clinicId: $c, text: \"Miten mittaan?\", anonymous: true) { id author { id } } }",
            json!({"c": clinic}),
            Some(&asker),
            Some("anonymous-question-1"),
        )
        .await;
    assert_eq!(
        asked["data"]["askClinicQuestion"]["author"],
        Value::Null,
        "{asked}"
    );
    let raw = voimavara_api::graphql::ids::decode(
        &asker_id,
        voimavara_api::graphql::ids::Kind::User,
        "id",
    )
    .unwrap();
    let log = server.stop().await;
    // Every line the question's request could have written: none names the
    // asker, by id, address or name.
    let asking: Vec<&str> = log
        .lines()
        .filter(|l| l.contains("question") || l.contains("ask"))
        .collect();
    for line in log.lines() {
        for (what, needle) in [
            ("name", "Salainen".to_owned()),
            ("address", "kysyja@hiljaa.fi".to_owned()),
        ] {
            assert!(
                !(line.contains(&needle) && line.contains("question")),
                "the asker's {what} is logged with the question: {line}"
            );
        }
    }
    for line in &asking {
        for field in [format!("\"user\":{raw}"), format!("\"user_id\":{raw}")] {
            assert!(!line.contains(&field), "the asker is logged: {line}");
        }
    }
    // The question's own request: logged (its access line), naming no caller.
    let request: Vec<&str> = log
        .lines()
        .filter(|l| l.contains("anonymous-question-1"))
        .collect();
    assert!(
        request.iter().any(|l| l.contains("request answered")),
        "{request:?}"
    );
    assert!(
        request.iter().all(|l| !l.contains("\"user\"")),
        "a line of the question's request names a user: {request:?}"
    );
}

#[tokio::test]
async fn a_requests_log_lines_share_its_id_operation_and_caller() {
    let server = LoggedServer::start("info").await;
    let signed_up = server
        .gql(
            SIGN_UP,
            json!({"input": {"organisationName": "Jäljet Oy", "email": "admin@jaljet.fi",
                "password": PASSWORD, "displayName": "Admin"}}),
            None,
        )
        .await;
    let token = signed_up["data"]["signUp"]["accessToken"]
        .as_str()
        .unwrap()
        .to_owned();
    let user = signed_up["data"]["signUp"]["user"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let raw =
        voimavara_api::graphql::ids::decode(&user, voimavara_api::graphql::ids::Kind::User, "id")
            .unwrap();
    // A client's id is kept; a missing or unreasonable one is replaced.
    let (kept, body) = server
        .gql_as(
            "query Board { me { id } }",
            json!({}),
            Some(&token),
            Some("trace-me-42"),
        )
        .await;
    assert_eq!(kept, "trace-me-42");
    assert_eq!(body["data"]["me"]["id"], user.as_str());
    let (made, _) = server.gql_as("{ __typename }", json!({}), None, None).await;
    let (replaced, _) = server
        .gql_as("{ __typename }", json!({}), None, Some(&"x".repeat(200)))
        .await;
    assert!(made.len() >= 16 && replaced.len() >= 16 && made != replaced);
    assert_ne!(replaced, "x".repeat(200));
    // A refusal before GraphQL is answered, counted and logged too.
    let refused = reqwest::Client::new()
        .post(format!("{}/graphql", server.address))
        .header("content-type", "text/plain")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status().as_u16(), 415);
    let metrics = reqwest::get(format!("{}/metrics", server.address))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for wanted in [
        "voimavara_http_responses_total{status=\"415\"} 1",
        "voimavara_build_info{version=",
        "process_resident_memory_bytes",
        "process_cpu_seconds_total",
    ] {
        assert!(metrics.contains(wanted), "{wanted} missing from /metrics");
    }

    let log = server.stop().await;
    let lines: Vec<Value> = log
        .lines()
        .filter(|l| l.contains("trace-me-42"))
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let answered: Vec<&Value> = lines
        .iter()
        .filter(|l| l["fields"]["message"] == "request answered")
        .collect();
    assert_eq!(answered.len(), 1, "one access line: {lines:?}");
    let access = answered[0];
    assert_eq!(access["fields"]["status"], 200);
    assert!(access["fields"]["micros"].is_u64());
    assert_eq!(access["span"]["method"], "POST");
    assert_eq!(access["span"]["path"], "/graphql");
    assert_eq!(access["span"]["operation"], "Board");
    assert_eq!(access["span"]["user"], raw);
    assert!(
        log.lines()
            .any(|l| l.contains("request answered") && l.contains("\"status\":415")),
        "the refusal has its access line"
    );
}

/// A collector's OTLP/HTTP endpoint, as small as it can be: it answers every
/// POST with 200 and keeps the bodies (protobuf, whose strings stand in it
/// as written).
async fn otlp_receiver() -> (
    String,
    tokio::sync::mpsc::UnboundedReceiver<(String, Vec<u8>)>,
) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = format!("http://{}", listener.local_addr().unwrap());
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let tx = tx.clone();
            tokio::spawn(async move {
                loop {
                    let mut head = Vec::new();
                    let mut byte = [0u8; 1];
                    while !head.ends_with(b"\r\n\r\n") {
                        if socket.read_exact(&mut byte).await.is_err() {
                            return;
                        }
                        head.push(byte[0]);
                    }
                    let head = String::from_utf8_lossy(&head).to_string();
                    let path = head.split_whitespace().nth(1).unwrap_or("").to_owned();
                    let length = head
                        .lines()
                        .find_map(|l| {
                            let (name, value) = l.split_once(':')?;
                            name.eq_ignore_ascii_case("content-length")
                                .then(|| value.trim().parse::<usize>().ok())?
                        })
                        .unwrap_or(0);
                    let mut body = vec![0u8; length];
                    if socket.read_exact(&mut body).await.is_err() {
                        return;
                    }
                    let _ = tx.send((path, body));
                    let answer = "HTTP/1.1 200 OK\r\ncontent-type: application/x-protobuf\r\ncontent-length: 0\r\n\r\n";
                    if socket.write_all(answer.as_bytes()).await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    (address, rx)
}

#[tokio::test]
async fn spans_reach_an_otlp_collector() {
    let (endpoint, mut received) = otlp_receiver().await;
    let server = LoggedServer::start_with(
        "info",
        &[
            ("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint.as_str()),
            ("OTEL_BSP_SCHEDULE_DELAY", "100"),
            ("OTEL_SERVICE_NAME", "voimavara-under-test"),
        ],
    )
    .await;
    let (_, body) = server
        .gql_as(
            SIGN_UP,
            json!({"input": {"organisationName": "Jäljitys Oy", "email": "admin@jaljitys.fi",
                "password": PASSWORD, "displayName": "Admin"}}),
            None,
            Some("otlp-trace-1"),
        )
        .await;
    assert!(body["data"]["signUp"]["accessToken"].is_string(), "{body}");
    let contains = |haystack: &[u8], needle: &str| {
        haystack
            .windows(needle.len())
            .any(|w| w == needle.as_bytes())
    };
    // The request's span (with its id) and a service operation's span.
    let mut seen = (false, false, false);
    let waited = tokio::time::timeout(Duration::from_secs(30), async {
        while let Some((path, body)) = received.recv().await {
            assert_eq!(path, "/v1/traces");
            seen.0 |= contains(&body, "otlp-trace-1");
            seen.1 |= contains(&body, "sign_up");
            seen.2 |= contains(&body, "voimavara-under-test");
            if seen == (true, true, true) {
                return;
            }
        }
    })
    .await;
    server.stop().await;
    assert!(
        waited.is_ok(),
        "spans seen (request, sign_up, service): {seen:?}"
    );
}
