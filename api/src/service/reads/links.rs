//! What is many per row and small: the ids an owner links to through a link
//! table (a clinic's or course's skills), either aggregated into the page's
//! own statement ([`id_list`]) or for many owners at once ([`ids_of`]). The
//! skills themselves come from the catalogue (see [`crate::catalogue`]).

use std::collections::HashMap;

use sea_orm::sea_query::{
    ColumnRef, Expr, ExprTrait, Func, IntoIden, Query, SimpleExpr, SubQueryStatement,
};
use sea_orm::{ConnectionTrait, DbBackend, EntityTrait, QueryResult};

use super::columns::take;
use crate::error::AppResult;

/// `(SELECT <the item ids of link rows whose owner is outer, comma-separated>)`:
/// null when there are none. Read it with [`take_ids`].
pub fn id_list<L: EntityTrait>(
    backend: DbBackend,
    owner: L::Column,
    item: L::Column,
    outer: ColumnRef,
) -> SimpleExpr {
    let link = L::default().into_iden();
    let items = Expr::col((link.clone(), item));
    let comma = Expr::cust("','");
    let aggregate = match backend {
        DbBackend::Postgres => Func::cust("string_agg").args([items.cast_as("TEXT"), comma]),
        _ => Func::cust("group_concat").args([items, comma]),
    };
    let mut query = Query::select();
    query
        .expr(aggregate)
        .from(link.clone())
        .and_where(Expr::col((link, owner)).equals(outer));
    SimpleExpr::SubQuery(None, Box::new(SubQueryStatement::SelectStatement(query)))
}

/// The ids of an [`id_list`] column at `at`.
pub fn take_ids(row: &QueryResult, at: &mut usize) -> AppResult<Vec<i64>> {
    let text: Option<String> = take(row, at)?;
    Ok(text
        .as_deref()
        .unwrap_or("")
        .split(',')
        .filter_map(|id| id.trim().parse().ok())
        .collect())
}

/// The item ids each of `owners` links to through `L`, in one statement;
/// owners with none are left out.
pub async fn ids_of<L: EntityTrait>(
    conn: &impl ConnectionTrait,
    owner: L::Column,
    item: L::Column,
    owners: &[i64],
) -> AppResult<HashMap<i64, Vec<i64>>> {
    if owners.is_empty() {
        return Ok(HashMap::new());
    }
    let link = L::default().into_iden();
    let mut query = Query::select();
    query
        .expr(Expr::col((link.clone(), owner)))
        .expr(Expr::col((link.clone(), item)))
        .from(link.clone())
        .and_where(Expr::col((link, owner)).is_in(owners.iter().copied()));
    let mut grouped: HashMap<i64, Vec<i64>> = HashMap::new();
    for row in super::rows(conn, &query).await? {
        let mut at = 0;
        let owner_id: i64 = take(&row, &mut at)?;
        grouped
            .entry(owner_id)
            .or_default()
            .push(take(&row, &mut at)?);
    }
    Ok(grouped)
}
