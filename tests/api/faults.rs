//! Faults: the database unreachable at start-up, connections killed under
//! load, an outage seen by /readyz, and SIGTERM with requests in flight.

use std::time::{Duration, Instant};

use futures_util::future::join_all;
use sea_orm::{ConnectionTrait, Database, DbBackend, EntityTrait, Statement};
use serde_json::{Value, json};
use tokio::process::Command;

use crate::helpers::{PASSWORD, SIGN_UP, ServerProcess, TestDb, postgres_or_skip, spawn_app};

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

/// Terminates every backend of the database but the caller's and waits until
/// each has gone (a bare `pg_terminate_backend` only signals, so a backend
/// could still answer a pool's health check and die on the next statement);
/// returns how many of them were running a statement at that moment.
async fn kill_all(admin_url: &str, name: &str) -> i64 {
    let admin = Database::connect(admin_url).await.unwrap();
    let row = admin
        .query_one_raw(Statement::from_string(
            DbBackend::Postgres,
            format!(
                "SELECT COUNT(*) FILTER (WHERE state = 'active') AS busy, \
                 COUNT(pg_terminate_backend(pid, 10000)) AS killed FROM pg_stat_activity \
                 WHERE datname = '{name}' AND pid <> pg_backend_pid()"
            ),
        ))
        .await
        .unwrap()
        .unwrap();
    admin.close().await.ok();
    row.try_get::<i64>("", "busy").unwrap()
}

/// Looks at the database's backends (a bounded number of times) until one
/// runs a statement, then terminates them all as [`kill_all`] does; returns
/// how many were running a statement then (0 when none was seen busy).
async fn kill_all_when_busy(admin_url: &str, name: &str) -> i64 {
    let admin = Database::connect(admin_url).await.unwrap();
    let mut busy = 0;
    for _ in 0..500 {
        // One snapshot of the backends serves the count and the kill.
        let row = admin
            .query_one_raw(Statement::from_string(
                DbBackend::Postgres,
                format!(
                    "WITH busy AS (SELECT COUNT(*) AS n FROM pg_stat_activity \
                     WHERE datname = '{name}' AND pid <> pg_backend_pid() AND state = 'active') \
                     SELECT (SELECT n FROM busy) AS busy, \
                     COUNT(pg_terminate_backend(pid, 10000)) AS killed FROM pg_stat_activity \
                     WHERE datname = '{name}' AND pid <> pg_backend_pid() \
                     AND (SELECT n FROM busy) > 0"
                ),
            ))
            .await
            .unwrap()
            .unwrap();
        busy = row.try_get::<i64>("", "busy").unwrap();
        if busy > 0 {
            break;
        }
    }
    admin.close().await.ok();
    busy
}

#[tokio::test]
async fn killed_connections_give_clean_errors_and_the_pool_recovers() {
    let Some(admin_url) = postgres_or_skip(
        "faults::killed_connections_give_clean_errors_and_the_pool_recovers",
        "SQLite has no connections to kill",
    ) else {
        return;
    };
    let app = spawn_app().await;
    let admin = app.sign_up("Vika Oy", "vika@example.fi").await;
    let name = database_name(&app.state.settings.database.database_url);
    const QUERY: &str =
        "{ me { id skills { level } } clinics(first: 5) { edges { node { id seatsLeft } } } }";

    // Rounds of load with a kill in the middle, until kills have hit
    // statements in flight (a kill between statements hits nothing).
    let mut answers: Vec<Value> = Vec::new();
    let mut busy_killed = 0;
    for _ in 0..50 {
        // Load that keeps coming until the kill has happened.
        let killed = std::sync::atomic::AtomicBool::new(false);
        let load = async {
            let mut bodies = Vec::new();
            while !killed.load(std::sync::atomic::Ordering::Acquire) {
                bodies.extend(
                    join_all((0..20).map(|_| app.gql(QUERY, json!({}), admin.token()))).await,
                );
            }
            bodies
        };
        let kill = async {
            let busy = kill_all_when_busy(&admin_url, &name).await;
            killed.store(true, std::sync::atomic::Ordering::Release);
            busy
        };
        let (bodies, busy) = tokio::join!(load, kill);
        answers.extend(bodies);
        busy_killed += busy;
        if busy_killed >= 3 {
            break;
        }
    }
    assert!(busy_killed >= 1, "no kill hit a statement in flight");
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
    let Some(admin_url) = postgres_or_skip(
        "faults::readyz_reports_an_outage_and_the_recovery",
        "an SQLite file cannot go away from under the server",
    ) else {
        return;
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
    kill_all(&admin_url, &name).await;
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
    // Behind a proxy on this machine: each sign-up comes from a client of
    // its own, so the per-address limit on sign-ups stays out of the way.
    let mut server =
        ServerProcess::spawn(&db.url, &[("VOIMAVARA_TRUSTED_PROXIES", "127.0.0.1")]).await;

    // Sign-ups, each hashing a password: slow enough to be in flight.
    let client = reqwest::Client::new();
    let requests = (0..SIGN_UPS_IN_FLIGHT).map(|i| {
        let client = client.clone();
        let address = server.address.clone();
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
            (format!("Org {i}"), answer, Instant::now())
        })
    });
    // SIGTERM as soon as the first answer is back, with the rest in flight.
    let (first, _, rest) = futures_util::future::select_all(requests).await;
    let pid = server.child.id().unwrap().to_string();
    let signalled_at = Instant::now();
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
    let exit = tokio::time::timeout(Duration::from_secs(60), server.child.wait())
        .await
        .expect("the server stopped")
        .unwrap();
    let logged = server.troubles();
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
    let mut answered_after_the_signal = 0;
    for (organisation, answer, at) in &answers {
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
                if *at > signalled_at {
                    answered_after_the_signal += 1;
                }
            }
            None => assert!(
                !created.contains(organisation),
                "{organisation} was saved but its answer was lost"
            ),
        }
    }
    assert_eq!(created.len(), answered, "every saved sign-up was answered");
    // The signal came while requests were being worked on, and those were
    // finished and answered before the server stopped.
    assert!(
        answered_after_the_signal >= 1,
        "no request in flight at SIGTERM was answered ({answered} answered in all)"
    );
    conn.close().await.ok();
}
