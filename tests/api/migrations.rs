//! Every migration goes up, down and up again.

use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectionTrait, EntityTrait, Statement};

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

#[tokio::test]
async fn the_database_itself_keeps_the_seat_and_pairing_rules() {
    use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait};
    let app = crate::helpers::spawn_app().await;
    let admin = app.sign_up("Org", "a@example.fi").await;
    let p = app.bulk_members(&admin, 2).await;
    let clinic = app
        .schedule_clinic(
            &admin,
            &p[0].user_id,
            "2027-01-10T10:00:00Z",
            "2027-01-10T11:00:00Z",
            1,
        )
        .await;
    let taken = app
        .gql(
            "mutation($id: ID!) { registerForClinic(clinicId: $id) { status } }",
            serde_json::json!({"id": clinic}),
            p[1].token(),
        )
        .await;
    assert_eq!(taken["data"]["registerForClinic"]["status"], "CONFIRMED");
    let pool = entity::seat_pool::Entity::find()
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    let db = &app.state.db;
    let run = |sql: String| async move {
        db.execute_raw(Statement::from_string(db.get_database_backend(), sql))
            .await
    };
    // A full pool confirms nobody more, whatever the code says…
    assert!(
        run(format!(
            "UPDATE seat_pools SET confirmed_count = confirmed_count + 1 WHERE id = {}",
            pool.id
        ))
        .await
        .is_err()
    );
    // …though a capacity may drop below the confirmed count (rule 4).
    run(format!(
        "UPDATE seat_pools SET capacity = 0 WHERE id = {}",
        pool.id
    ))
    .await
    .unwrap();
    run(format!(
        "UPDATE seat_pools SET capacity = 5, confirmed_count = 2 WHERE id = {}",
        pool.id
    ))
    .await
    .unwrap();

    // A request has one active pairing at most.
    let request = entity::mentoring_request::ActiveModel {
        organisation_id: Set(pool.organisation_id),
        learner_id: Set(voimavara_api::graphql::ids::decode(
            &p[1].user_id,
            voimavara_api::graphql::ids::Kind::User,
            "id",
        )
        .unwrap()),
        status: Set(entity::RequestStatus::Matched),
        message: Set(String::new()),
        created_at: Set(app.state.clock.now()),
        updated_at: Set(app.state.clock.now()),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap();
    let mentors = [&admin, &p[0]].map(|s| {
        voimavara_api::graphql::ids::decode(
            &s.user_id,
            voimavara_api::graphql::ids::Kind::User,
            "id",
        )
        .unwrap()
    });
    let mut results = Vec::new();
    for mentor in mentors {
        results.push(
            entity::pairing::ActiveModel {
                organisation_id: Set(pool.organisation_id),
                request_id: Set(request.id),
                mentor_id: Set(mentor),
                learner_id: Set(request.learner_id),
                status: Set(entity::PairingStatus::Active),
                goals: Set(String::new()),
                created_at: Set(app.state.clock.now()),
                updated_at: Set(app.state.clock.now()),
                ..Default::default()
            }
            .insert(db)
            .await,
        );
    }
    assert!(results[0].is_ok(), "{:?}", results[0]);
    assert!(
        results[1].is_err(),
        "a second ACTIVE pairing for one request was stored"
    );
}

#[tokio::test]
async fn the_waitlist_count_is_filled_in_from_the_seats_already_there() {
    let db = TestDb::empty().await;
    let conn = voimavara_api::db::connect(&db.url, 1).await.unwrap();
    let before_read_path = Migrator::migrations()
        .iter()
        .position(|m| m.name().contains("read_path"))
        .expect("the read path's migration") as u32;
    // Everything before the read path's migration, then seats written the
    // way the engine wrote them then.
    Migrator::up(&conn, Some(before_read_path)).await.unwrap();
    let run = |sql: String| {
        let conn = &conn;
        async move {
            conn.execute_raw(Statement::from_string(conn.get_database_backend(), sql))
                .await
                .unwrap();
        }
    };
    let now = "'2026-12-01 10:00:00'";
    run(format!(
        "INSERT INTO organisations (id, name, created_at, updated_at) VALUES (1, 'O', {now}, {now})"
    ))
    .await;
    for user in 1..=4 {
        run(format!(
            "INSERT INTO users (id, organisation_id, email, password_hash, display_name, role, active, \
             token_version, calendar_token, created_at, updated_at) VALUES ({user}, 1, 'u{user}@o.fi', 'x', 'U', \
             'MEMBER', true, 0, 't{user}', {now}, {now})"
        ))
        .await;
    }
    for pool in [1, 2] {
        run(format!("INSERT INTO seat_pools (id, organisation_id, capacity, confirmed_count, created_at) VALUES ({pool}, 1, 1, 1, {now})")).await;
    }
    for (id, pool, user, status) in [
        (1, 1, 1, "CONFIRMED"),
        (2, 1, 2, "WAITLISTED"),
        (3, 1, 3, "WAITLISTED"),
        (4, 1, 4, "CANCELLED"),
        (5, 2, 1, "CONFIRMED"),
    ] {
        run(format!(
            "INSERT INTO seats (id, pool_id, user_id, status, created_at, updated_at) \
             VALUES ({id}, {pool}, {user}, '{status}', {now}, {now})"
        ))
        .await;
    }

    Migrator::up(&conn, None).await.unwrap();
    let pools = entity::seat_pool::Entity::find().all(&conn).await.unwrap();
    let waiting: Vec<(i64, i32)> = pools.iter().map(|p| (p.id, p.waitlisted_count)).collect();
    assert_eq!(waiting, vec![(1, 2), (2, 0)]);

    let after = Migrator::migrations().len() as u32 - before_read_path;
    Migrator::down(&conn, Some(after)).await.unwrap();
    Migrator::up(&conn, None).await.unwrap();
    conn.close().await.unwrap();
}
