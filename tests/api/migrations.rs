//! Every migration goes up, down and up again.

use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectionTrait, Statement};

use crate::helpers::TestDb;

async fn table_count(conn: &sea_orm::DatabaseConnection, postgres: bool) -> i64 {
    let sql = if postgres {
        "SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = 'public' AND table_name <> 'seaql_migrations'"
    } else {
        "SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'seaql_migrations'"
    };
    let row = conn
        .query_one_raw(Statement::from_string(conn.get_database_backend(), sql))
        .await
        .unwrap()
        .unwrap();
    row.try_get::<i64>("", "n").unwrap()
}

#[tokio::test]
async fn migrations_go_up_down_and_up_again() {
    let db = TestDb::empty().await;
    let conn = voimavara_api::db::connect(&db.url, 1).await.unwrap();
    let pg = db.is_postgres();

    Migrator::up(&conn, None).await.unwrap();
    let tables = table_count(&conn, pg).await;
    assert!(tables >= 25, "only {tables} tables");
    let skills = conn
        .query_one_raw(Statement::from_string(
            conn.get_database_backend(),
            "SELECT COUNT(*) AS n FROM skills WHERE organisation_id IS NULL",
        ))
        .await
        .unwrap()
        .unwrap()
        .try_get::<i64>("", "n")
        .unwrap();
    assert!(skills >= 15, "catalogue has {skills} skills");

    // Step down one migration at a time so every down() runs on its own.
    let steps = Migrator::migrations().len() as u32;
    for _ in 0..steps {
        Migrator::down(&conn, Some(1)).await.unwrap();
    }
    assert_eq!(table_count(&conn, pg).await, 0);

    Migrator::up(&conn, None).await.unwrap();
    assert_eq!(table_count(&conn, pg).await, tables);
    conn.close().await.unwrap();
}
