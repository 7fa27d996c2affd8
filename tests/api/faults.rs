//! Faults: the database unreachable at start-up, connections killed under
//! load, an outage seen by /readyz, and SIGTERM with requests in flight.

use std::process::Stdio;
use std::time::Duration;

use futures_util::future::join_all;
use sea_orm::{ConnectionTrait, Database, DbBackend, EntityTrait, Statement};
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Command;

use crate::helpers::{PASSWORD, SIGN_UP, TestDb, spawn_app};

const JWT_SECRET: &str = "fault test secret: 0123456789abcdef0123456789";

#[tokio::test]
async fn an_unreachable_database_stops_the_binary_with_a_clear_message() {
    let output = tokio::time::timeout(
        Duration::from_secs(60),
        Command::new(env!("CARGO_BIN_EXE_voimavara"))
            .args([
                "serve",
                "--database-url",
                "postgres://nobody@127.0.0.1:1/none",
            ])
            .args(["--bind", "127.0.0.1:0"])
            .env("VOIMAVARA_JWT_SECRET", JWT_SECRET)
            .output(),
    )
    .await
    .expect("the binary gave up in time")
    .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("cannot reach the database"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

/// The PostgreSQL server's admin URL, when the suite runs on PostgreSQL.
fn postgres_admin() -> Option<String> {
    std::env::var("TEST_DATABASE_URL")
        .ok()
        .filter(|url| url.starts_with("postgres"))
}

async fn admin_sql(admin_url: &str, sql: &str) {
    let admin = Database::connect(admin_url).await.unwrap();
    admin
        .execute_raw(Statement::from_string(DbBackend::Postgres, sql))
        .await
        .unwrap();
    admin.close().await.ok();
}

fn database_name(url: &str) -> String {
    url::Url::parse(url)
        .unwrap()
        .path()
        .trim_start_matches('/')
        .to_owned()
}

fn terminate(name: &str) -> String {
    format!(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
         WHERE datname = '{name}' AND pid <> pg_backend_pid()"
    )
}

#[tokio::test]
async fn killed_connections_give_clean_errors_and_the_pool_recovers() {
    let Some(admin_url) = postgres_admin() else {
        return; // SQLite has no connections to kill.
    };
    let app = spawn_app().await;
    let admin = app.sign_up("Vika Oy", "vika@example.fi").await;
    let name = database_name(&app.state.settings.database.database_url);
    const QUERY: &str =
        "{ me { id skills { level } } clinics(first: 5) { edges { node { id seatsLeft } } } }";

    let kill_all = terminate(&name);
    let mut answers: Vec<Value> = Vec::new();
    for _ in 0..5 {
        let load = join_all((0..40).map(|_| app.gql(QUERY, json!({}), admin.token())));
        let kill = admin_sql(&admin_url, &kill_all);
        let (bodies, ()) = tokio::join!(load, kill);
        answers.extend(bodies);
    }
    let mut failed = 0;
    for body in &answers {
        match body.get("errors") {
            None => assert!(body["data"]["me"]["id"].is_string(), "{body}"),
            Some(errors) => {
                failed += 1;
                for error in errors.as_array().unwrap() {
                    assert_eq!(error["extensions"]["code"], "INTERNAL", "{body}");
                    let message = error["message"].as_str().unwrap();
                    assert!(
                        !message.contains("terminat") && !message.contains("SQL"),
                        "{message}"
                    );
                }
            }
        }
    }
    assert!(failed < answers.len(), "some requests got through");
    // Afterwards every request succeeds again, with no restart.
    for _ in 0..20 {
        let body = app.gql(QUERY, json!({}), admin.token()).await;
        assert!(body.get("errors").is_none(), "{body}");
    }
}

#[tokio::test]
async fn readyz_reports_an_outage_and_the_recovery() {
    let Some(admin_url) = postgres_admin() else {
        return; // An SQLite file cannot go away from under the server.
    };
    let app = spawn_app().await;
    let name = database_name(&app.state.settings.database.database_url);
    let ready = || async {
        app.client
            .get(format!("{}/readyz", app.address))
            .send()
            .await
            .unwrap()
            .status()
            .as_u16()
    };
    assert_eq!(ready().await, 200);

    admin_sql(
        &admin_url,
        &format!("ALTER DATABASE {name} ALLOW_CONNECTIONS false"),
    )
    .await;
    admin_sql(&admin_url, &terminate(&name)).await;
    let during = ready().await;
    admin_sql(
        &admin_url,
        &format!("ALTER DATABASE {name} ALLOW_CONNECTIONS true"),
    )
    .await;
    assert_eq!(during, 503, "the outage shows");
    assert_eq!(ready().await, 200, "the recovery shows");
}

/// Enough sign-ups to keep the server busy when SIGTERM comes, few enough
/// that a slow machine answers them all well within the request timeout.
const SIGN_UPS_IN_FLIGHT: usize = 64;

#[tokio::test]
async fn sigterm_lets_every_accepted_request_finish() {
    let db = TestDb::create().await;
    let mut child = Command::new(env!("CARGO_BIN_EXE_voimavara"))
        .args(["serve", "--database-url", &db.url, "--bind", "127.0.0.1:0"])
        .env("VOIMAVARA_JWT_SECRET", JWT_SECRET)
        // Behind a proxy on this machine: each sign-up comes from a client of
        // its own, so the per-address limit on sign-ups stays out of the way.
        .env("VOIMAVARA_TRUSTED_PROXIES", "127.0.0.1")
        .env("RUST_LOG", "info")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let address = tokio::time::timeout(Duration::from_secs(60), async {
        while let Some(line) = lines.next_line().await.unwrap() {
            if let Some(rest) = line.split("serving GraphQL at ").nth(1) {
                return rest.split("/graphql").next().unwrap().to_owned();
            }
        }
        panic!("the server exited before listening");
    })
    .await
    .unwrap();
    // The server's error lines, shown if an answer is not what it should be.
    let logged = std::sync::Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let sink = logged.clone();
    let reader = tokio::spawn(async move {
        while let Ok(Some(line)) = lines.next_line().await {
            if line.contains("ERROR") || line.contains("WARN") {
                sink.lock().map(|mut kept| kept.push(line)).ok();
            }
        }
    });

    // Sign-ups, each hashing a password: slow enough to be in flight.
    let client = reqwest::Client::new();
    let requests = (0..SIGN_UPS_IN_FLIGHT).map(|i| {
        let client = client.clone();
        let address = address.clone();
        tokio::spawn(async move {
            let sent = client
                .post(format!("{address}/graphql"))
                .header("x-forwarded-for", format!("198.51.100.{i}"))
                .json(&json!({"query": SIGN_UP, "variables": {"input": {
                    "organisationName": format!("Org {i}"),
                    "email": format!("owner{i}@example.fi"),
                    "password": PASSWORD,
                    "displayName": "Owner",
                }}}))
                .send()
                .await;
            let answer = match sent {
                Ok(response) => Some((response.status(), response.json::<Value>().await.ok())),
                Err(_) => None,
            };
            (format!("Org {i}"), answer)
        })
    });
    // SIGTERM as soon as the first answer is back, with the rest in flight.
    let (first, _, rest) = futures_util::future::select_all(requests).await;
    let pid = child.id().unwrap().to_string();
    let signalled = std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap();
    assert!(signalled.success());
    let mut answers = vec![first.unwrap()];
    answers.extend(
        join_all(rest)
            .await
            .into_iter()
            .map(|joined| joined.unwrap()),
    );
    let exit = tokio::time::timeout(Duration::from_secs(60), child.wait())
        .await
        .expect("the server stopped")
        .unwrap();
    reader.await.ok();
    let logged = logged
        .lock()
        .map(|kept| kept.join("\n"))
        .unwrap_or_default();
    assert!(exit.success(), "{exit:?}\n{logged}");

    // A request the server took on was answered in full; one it never took
    // on (still in the listen queue when it stopped accepting) left nothing
    // behind. Nothing is half-done either way.
    let conn = voimavara_api::db::connect(&db.url, 1).await.unwrap();
    let created: Vec<String> = entity::organisation::Entity::find()
        .all(&conn)
        .await
        .unwrap()
        .into_iter()
        .map(|o| o.name)
        .collect();
    let mut answered = 0;
    for (organisation, answer) in &answers {
        match answer {
            Some((status, body)) => {
                assert_eq!(status.as_u16(), 200, "{body:?}\n{logged}");
                let body = body.as_ref().expect("a whole JSON answer");
                assert!(
                    body["data"]["signUp"]["accessToken"].is_string(),
                    "{body}\n{logged}"
                );
                assert!(
                    created.contains(organisation),
                    "{organisation} answered but not saved"
                );
                answered += 1;
            }
            None => assert!(
                !created.contains(organisation),
                "{organisation} was saved but its answer was lost"
            ),
        }
    }
    assert_eq!(created.len(), answered, "every saved sign-up was answered");
    assert!(
        answered > 1,
        "requests in flight at SIGTERM were answered ({answered})"
    );
    conn.close().await.ok();
}
