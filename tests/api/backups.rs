//! A backup taken while the server runs restores into a database another
//! server serves, with everything in it: `VACUUM INTO` on SQLite,
//! `pg_dump`/`pg_restore` on PostgreSQL (as the README's Deployment says).

use sea_orm::{ConnectionTrait, Database};
use serde_json::json;

use crate::helpers::{PASSWORD, ServerProcess, spawn_app};

const LOGIN: &str = "mutation($e: String!, $p: String!) { login(input: {email: $e, password: $p}) {
    accessToken user { displayName } } }";

#[tokio::test]
async fn a_backup_taken_while_serving_restores_and_serves() {
    let app = spawn_app().await;
    let admin = app.sign_up("Varmuus Oy", "admin@varmuus.fi").await;
    let clinic = app
        .schedule_clinic(
            &admin,
            &admin.user_id,
            "2026-12-10T10:00:00Z",
            "2026-12-10T11:00:00Z",
            8,
        )
        .await;
    let source = app.state.settings.database.database_url.clone();
    let scratch = tempfile::tempdir().unwrap();

    let (restored, drop_after) = if source.starts_with("postgres") {
        let dump = scratch.path().join("voimavara.dump");
        let dumped = tokio::process::Command::new("pg_dump")
            .args(["--format=custom", "--no-owner", "--file"])
            .arg(&dump)
            .arg(&source)
            .status()
            .await
            .expect("pg_dump runs");
        assert!(dumped.success());
        let admin_url = std::env::var("TEST_DATABASE_URL").unwrap();
        let name = format!("voimavara_restored_{}", uuid::Uuid::new_v4().simple());
        let server = Database::connect(&admin_url).await.unwrap();
        server
            .execute_unprepared(&format!("CREATE DATABASE {name}"))
            .await
            .unwrap();
        let mut url = url::Url::parse(&admin_url).unwrap();
        url.set_path(&format!("/{name}"));
        let restored = tokio::process::Command::new("pg_restore")
            .args(["--no-owner", "--exit-on-error", "--dbname"])
            .arg(url.as_str())
            .arg(&dump)
            .status()
            .await
            .expect("pg_restore runs");
        assert!(restored.success());
        (url.to_string(), Some((server, name)))
    } else {
        let copy = scratch.path().join("backup.db");
        app.state
            .db
            .execute_unprepared(&format!("VACUUM INTO '{}'", copy.display()))
            .await
            .unwrap();
        (format!("sqlite://{}?mode=rw", copy.display()), None)
    };

    {
        let served = ServerProcess::spawn(&restored, &[]).await;
        let body = served
            .gql(LOGIN, json!({"e": "admin@varmuus.fi", "p": PASSWORD}), None)
            .await;
        let token = body["data"]["login"]["accessToken"]
            .as_str()
            .unwrap_or_else(|| panic!("{body}"));
        let board = served
            .gql(
                "{ organisation { name } clinics(first: 5) { edges { node { id } } } }",
                json!({}),
                Some(token),
            )
            .await;
        assert_eq!(
            board["data"]["organisation"]["name"], "Varmuus Oy",
            "{board}"
        );
        assert_eq!(
            board["data"]["clinics"]["edges"][0]["node"]["id"],
            clinic.as_str(),
            "{board}"
        );
    }
    if let Some((server, name)) = drop_after {
        server
            .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .await
            .ok();
    }
}
