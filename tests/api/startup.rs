//! Start-up: the signing secret, refusing to start without a database, and the allocator's defaults.

use migration::{Migrator, MigratorTrait};
use voimavara_api::Settings;
use voimavara_api::clock::SystemClock;
use voimavara_api::random::Random;
use voimavara_api::secrets::{SecretError, jwt_secret};
use voimavara_api::startup::{Application, StartupError};

use crate::helpers::TestDb;

#[tokio::test]
async fn without_a_configured_secret_sqlite_keeps_one_and_postgres_refuses() {
    let db = TestDb::create().await;
    let conn = voimavara_api::db::connect(&db.url, 1).await.unwrap();
    Migrator::up(&conn, None).await.unwrap();
    let settings = Settings::for_database(db.url.clone());

    let first = jwt_secret(&settings, &conn, &Random::from_seed(1), &SystemClock).await;
    let second = jwt_secret(&settings, &conn, &Random::from_seed(2), &SystemClock).await;
    if db.is_postgres() {
        assert!(matches!(first, Err(SecretError::Missing)));
    } else {
        let first = first.unwrap();
        assert_eq!(first.len(), 64, "a 256-bit secret, hex-encoded");
        assert_eq!(second.unwrap(), first, "the secret survives restarts");
    }

    let mut short = settings.clone();
    short.jwt_secret = Some(voimavara_api::config::Secret::new("too short"));
    assert!(matches!(
        jwt_secret(&short, &conn, &Random::from_seed(1), &SystemClock).await,
        Err(SecretError::TooShort)
    ));
    conn.close().await.unwrap();
}

#[tokio::test]
async fn an_unreachable_database_is_a_clear_start_up_error() {
    let mut settings = Settings::for_database("postgres://nobody@127.0.0.1:1/none");
    settings.bind = "127.0.0.1:0".into();
    let Err(err) = Application::build(settings).await else {
        panic!("started without a database");
    };
    assert!(matches!(err, StartupError::Database(_)));
    assert!(err.to_string().starts_with("cannot reach the database"));
}

#[tokio::test]
async fn the_demo_is_refused_in_production_mode() {
    let db = TestDb::create().await;
    for args in [
        vec!["serve", "--demo", "--production"],
        vec!["seed-demo", "--production"],
    ] {
        let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_voimavara"))
            .args(&args)
            .args(["--database-url", &db.url, "--bind", "127.0.0.1:0"])
            .env(
                "VOIMAVARA_JWT_SECRET",
                "a test secret of at least thirty-two bytes",
            )
            .output()
            .await
            .unwrap();
        assert!(!out.status.success(), "{args:?} started");
        let said = String::from_utf8_lossy(&out.stderr);
        assert!(said.contains("--demo"), "{args:?}: {said}");
    }
}

#[tokio::test]
async fn help_never_prints_secrets_from_the_environment() {
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_voimavara"))
        .arg("--help")
        .env(
            "DATABASE_URL",
            "postgres://voimavara:hunter2-db-password@db/voimavara",
        )
        .env(
            "VOIMAVARA_JWT_SECRET",
            "hunter2-jwt-secret-hunter2-jwt-secret",
        )
        .env("VOIMAVARA_METRICS_TOKEN", "hunter2-metrics-token")
        .env(
            "VOIMAVARA_SMTP_URL",
            "smtps://mail:hunter2-smtp@relay.example",
        )
        .output()
        .await
        .unwrap();
    assert!(out.status.success());
    let help = String::from_utf8_lossy(&out.stdout);
    assert!(help.contains("DATABASE_URL"), "{help}");
    assert!(!help.contains("hunter2"), "{help}");
}

#[tokio::test]
async fn mail_settings_that_cannot_work_are_clear_start_up_errors() {
    let db = TestDb::create().await;
    for (name, value, said) in [
        (
            "VOIMAVARA_SMTP_URL",
            "ftp://relay.example",
            "is not smtp://",
        ),
        ("VOIMAVARA_SMTP_URL", "smtp://", "has no host"),
        (
            "VOIMAVARA_APP_URL",
            "javascript:alert(1)",
            "VOIMAVARA_APP_URL",
        ),
        (
            "VOIMAVARA_SMTP_CA_FILE",
            "/nonexistent/ca.pem",
            "VOIMAVARA_SMTP_CA_FILE",
        ),
    ] {
        let mut env = vec![(name, value)];
        if name == "VOIMAVARA_SMTP_CA_FILE" {
            env.push(("VOIMAVARA_SMTP_URL", "smtps://mail:secret@relay.example"));
        }
        let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_voimavara"))
            .args(["serve", "--database-url", &db.url, "--bind", "127.0.0.1:0"])
            .env("VOIMAVARA_JWT_SECRET", crate::helpers::TEST_SECRET)
            .envs(env)
            .output()
            .await
            .unwrap();
        assert!(!out.status.success(), "{name}={value} started");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(said), "{name}={value}: {stderr}");
        assert!(
            !stderr.contains("secret@"),
            "the relay's password is never printed"
        );
    }
}

/// Several instances started together on one new PostgreSQL database: each
/// comes up, and every migration is applied once (they take turns under an
/// advisory lock; without it they race to create the same tables).
#[tokio::test]
async fn instances_started_together_migrate_once() {
    use sea_orm::{ConnectionTrait, Database, Statement};
    let Some(_) = crate::helpers::postgres_or_skip(
        "startup::instances_started_together_migrate_once",
        "an SQLite file is served by one instance",
    ) else {
        return;
    };
    let db = crate::helpers::TestDb::empty().await;
    let (a, b, c) = tokio::join!(
        crate::helpers::ServerProcess::spawn(&db.url, &[]),
        crate::helpers::ServerProcess::spawn(&db.url, &[]),
        crate::helpers::ServerProcess::spawn(&db.url, &[]),
    );
    for server in [&a, &b, &c] {
        let body = server
            .gql("{ __typename }", serde_json::json!({}), None)
            .await;
        assert_eq!(body["data"]["__typename"], "Query", "{body}");
    }
    let conn = Database::connect(&db.url).await.unwrap();
    let row = conn
        .query_one_raw(Statement::from_string(
            conn.get_database_backend(),
            "SELECT COUNT(*) AS applied, COUNT(DISTINCT version) AS distinct_versions FROM seaql_migrations",
        ))
        .await
        .unwrap()
        .unwrap();
    let applied: i64 = row.try_get("", "applied").unwrap();
    let distinct: i64 = row.try_get("", "distinct_versions").unwrap();
    assert_eq!(applied, Migrator::migrations().len() as i64);
    assert_eq!(applied, distinct);
    conn.close().await.ok();
}

/// The allocator hands freed memory back by default: the build makes
/// mimalloc commit its arenas as it goes (`.cargo/config.toml`), so no
/// setting is needed where the server runs. mimalloc prints its options when
/// asked to be verbose.
#[tokio::test]
async fn the_allocator_commits_its_arenas_as_it_goes_by_default() {
    let options = |eager: Option<&'static str>| async move {
        let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_voimavara"));
        command.arg("--version").env("MIMALLOC_VERBOSE", "1");
        command.env_remove("MIMALLOC_ARENA_EAGER_COMMIT");
        if let Some(eager) = eager {
            command.env("MIMALLOC_ARENA_EAGER_COMMIT", eager);
        }
        let out = command.output().await.unwrap();
        assert!(out.status.success());
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    let default = options(None).await;
    assert!(
        default.contains("option 'arena_eager_commit': 0"),
        "{default}"
    );
    // The environment still decides over the build's default.
    let eager = options(Some("1")).await;
    assert!(eager.contains("option 'arena_eager_commit': 1"), "{eager}");
}
