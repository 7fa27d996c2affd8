//! Unit tests of the parent module.

use sea_orm::{ConnectionTrait, DbBackend, Statement};

/// The bundled SQLite is built as `.cargo/config.toml` asks: without the
/// planner's stability guarantee every statement with a bound `LIMIT`
/// is prepared anew on each execution, and with memory statistics every
/// allocation takes one process-wide mutex.
#[tokio::test]
async fn sqlite_keeps_plans_and_keeps_no_global_memory_statistics() {
    let db = super::connect("sqlite::memory:", 1).await.expect("opens");
    let rows = db
        .query_all_raw(Statement::from_string(
            DbBackend::Sqlite,
            "PRAGMA compile_options",
        ))
        .await
        .expect("lists its options");
    let options: Vec<String> = rows
        .iter()
        .map(|row| row.try_get_by_index::<String>(0))
        .collect::<Result<_, _>>()
        .expect("options are text");
    for wanted in ["ENABLE_QPSG", "DEFAULT_MEMSTATUS=0"] {
        assert!(
            options.iter().any(|option| option == wanted),
            "{wanted} is not among {options:?}"
        );
    }
}
