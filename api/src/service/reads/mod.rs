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

use sea_orm::sea_query::{Expr, Query, SelectStatement, SimpleExpr, SubQueryStatement};
use sea_orm::{ConnectionTrait, QueryResult};

use crate::error::AppResult;

/// Runs `query` and returns its rows.
pub async fn rows(
    conn: &impl ConnectionTrait,
    query: &SelectStatement,
) -> AppResult<Vec<QueryResult>> {
    Ok(conn.query_all(query).await?)
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
