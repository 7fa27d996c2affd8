//! The read path of the pages a frontend lists: each page, with the
//! relations its selection asks for, in at most two statements whatever its
//! length. The first reads the page's rows joined with everything that is
//! one per row (a clinic's seat counts, facilitator and the caller's own
//! registration) and, when asked, the list's total; the second reads what is
//! many per row (skills) for every row of the page at once. Rows are decoded
//! by position ([`columns`]). Everything here is read in the request: seat
//! counts, the caller's registration and waitlist positions are never cached.

pub mod clinics;
pub mod columns;
pub mod links;
pub mod members;
pub mod notifications;
pub mod pairings;
pub mod registrations;
pub mod suggestions;

use sea_orm::sea_query::{Expr, Query, SelectStatement, SimpleExpr, SubQueryStatement};
use sea_orm::{ConnectionTrait, DbBackend, QueryResult, Statement, Value};

use crate::error::AppResult;

/// Runs `query` and returns its rows.
pub async fn rows(
    conn: &impl ConnectionTrait,
    query: &SelectStatement,
) -> AppResult<Vec<QueryResult>> {
    let statement = literal_limit(conn.get_database_backend().build(query));
    Ok(conn.query_all_raw(statement).await?)
}

/// On PostgreSQL, writes a page's `LIMIT` into the statement instead of
/// binding it. PostgreSQL plans a prepared statement once and reuses the
/// plan only when it expects it to be as good as planning anew; with the
/// limit a parameter it must assume every row is wanted, and plans every
/// execution again (measured on the board: half a millisecond of planning
/// for a quarter of execution). With the limit in the text, each page size
/// is its own prepared statement and keeps its plan. The limit is the last
/// value sea-query binds (nothing follows it in a SELECT without OFFSET or
/// locking), so only that value moves.
fn literal_limit(mut statement: Statement) -> Statement {
    if statement.db_backend != DbBackend::Postgres {
        return statement;
    }
    let Some(values) = statement.values.as_mut() else {
        return statement;
    };
    let placeholder = format!(" LIMIT ${}", values.0.len());
    let limit = match values.0.last() {
        Some(Value::BigUnsigned(Some(limit))) => *limit,
        _ => return statement,
    };
    if statement.sql.ends_with(&placeholder) {
        let at = statement.sql.len() - placeholder.len();
        statement.sql.truncate(at);
        statement.sql.push_str(&format!(" LIMIT {limit}"));
        values.0.pop();
    }
    statement
}

/// A page's total: the one its rows carried (each row holds it, as
/// [`count_of`] selected it), or, for an empty page (say, after the last
/// cursor), counted on its own. 0 when the request did not ask for it.
pub async fn page_total<E>(
    conn: &impl ConnectionTrait,
    filtered: &sea_orm::Select<E>,
    page: &crate::domain::paging::PageRequest,
    carried: i64,
    rows: usize,
) -> AppResult<u64>
where
    E: sea_orm::EntityTrait,
    E::Model: Sync,
{
    if page.count_total && rows == 0 {
        return crate::service::paging::total(conn, filtered, page).await;
    }
    Ok(u64::try_from(carried).unwrap_or(0))
}

/// `(SELECT COUNT(*) FROM (filtered))`, for a page's total in its own
/// statement.
pub fn count_of(filtered: SelectStatement) -> SimpleExpr {
    let mut counted = Query::select();
    counted
        .expr(Expr::cust("COUNT(*)"))
        .from_subquery(filtered, sea_orm::sea_query::Alias::new("filtered"));
    SimpleExpr::SubQuery(None, Box::new(SubQueryStatement::SelectStatement(counted)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use entity::clinic;
    use sea_orm::{EntityTrait, QueryFilter, QuerySelect, QueryTrait};

    fn page(backend: DbBackend) -> Statement {
        use sea_orm::ColumnTrait;
        let query = clinic::Entity::find()
            .filter(clinic::Column::OrganisationId.eq(7))
            .limit(21)
            .into_query();
        literal_limit(backend.build(&query))
    }

    #[test]
    fn a_page_limit_is_written_into_postgres_statements_only() {
        let pg = page(DbBackend::Postgres);
        assert!(pg.sql.ends_with(" LIMIT 21"), "{}", pg.sql);
        assert_eq!(pg.values.map(|v| v.0), Some(vec![Value::Int(Some(7))]));
        let lite = page(DbBackend::Sqlite);
        assert!(lite.sql.ends_with(" LIMIT ?"), "{}", lite.sql);
        assert_eq!(lite.values.map(|v| v.0.len()), Some(2));
    }
}
