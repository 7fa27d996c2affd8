//! Running a [`PageRequest`] against any entity ordered by its id column.

use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Select,
};

use crate::domain::paging::{PageRequest, Paged};
use crate::error::AppResult;

/// The number of items `select` matches, when the request wants it (else 0).
#[tracing::instrument(skip_all)]
pub async fn total<E, C>(conn: &C, select: &Select<E>, request: &PageRequest) -> AppResult<u64>
where
    E: EntityTrait,
    E::Model: Sync,
    C: ConnectionTrait,
{
    if !request.count_total {
        return Ok(0);
    }
    Ok(select.clone().count(conn).await?)
}

/// Reads one page of `select` (already filtered) by ascending `id`, and the
/// total count of the filtered list when asked for.
#[tracing::instrument(skip_all)]
pub async fn fetch<E, C>(
    conn: &C,
    select: Select<E>,
    id: E::Column,
    request: &PageRequest,
) -> AppResult<Paged<E::Model>>
where
    E: EntityTrait,
    E::Model: Sync,
    C: ConnectionTrait,
{
    fetch_in_order(conn, select, id, request, false).await
}

/// Like [`fetch`], newest (greatest id) first: `after` continues towards older items.
#[tracing::instrument(skip_all)]
pub async fn fetch_newest_first<E, C>(
    conn: &C,
    select: Select<E>,
    id: E::Column,
    request: &PageRequest,
) -> AppResult<Paged<E::Model>>
where
    E: EntityTrait,
    E::Model: Sync,
    C: ConnectionTrait,
{
    fetch_in_order(conn, select, id, request, true).await
}

async fn fetch_in_order<E, C>(
    conn: &C,
    select: Select<E>,
    id: E::Column,
    request: &PageRequest,
    newest_first: bool,
) -> AppResult<Paged<E::Model>>
where
    E: EntityTrait,
    E::Model: Sync,
    C: ConnectionTrait,
{
    let total_count = total(conn, &select, request).await?;
    let window = window(select, id, request, newest_first);
    let fetched = window.all(conn).await?;
    Ok(Paged::from_fetched(fetched, request, total_count))
}

/// `select` (already filtered) from the request's cursors on, ordered by
/// `id` (ascending, or `newest_first`) in the direction the request reads,
/// one more than the page holds (to tell whether there is a next page).
pub fn window<E: EntityTrait>(
    select: Select<E>,
    id: E::Column,
    request: &PageRequest,
    newest_first: bool,
) -> Select<E> {
    let mut window = select;
    // "After" is further along the list's own order, whichever way it runs.
    if let Some(position) = request.after {
        window = window.filter(if newest_first {
            id.lt(position.id)
        } else {
            id.gt(position.id)
        });
    }
    if let Some(position) = request.before {
        window = window.filter(if newest_first {
            id.gt(position.id)
        } else {
            id.lt(position.id)
        });
    }
    // Reading from the end flips the direction; the page is put back in order.
    window = if request.from_end != newest_first {
        window.order_by_desc(id)
    } else {
        window.order_by_asc(id)
    };
    window.limit(request.limit + 1)
}

/// Rows where any of `columns` contains `term` (already lower case), in any
/// case, on both databases; LIKE's wildcards in `term` are taken literally.
pub fn containing<C: ColumnTrait>(term: &str, columns: &[C]) -> sea_orm::Condition {
    use sea_orm::ExprTrait;
    use sea_orm::sea_query::{Expr, Func, LikeExpr};
    let escaped: String = term
        .chars()
        .flat_map(|c| match c {
            '%' | '_' | '\\' => vec!['\\', c],
            c => vec![c],
        })
        .collect();
    let pattern = LikeExpr::new(format!("%{escaped}%")).escape('\\');
    columns
        .iter()
        .fold(sea_orm::Condition::any(), |any, column| {
            any.add(Expr::expr(Func::lower(Expr::col(*column))).like(pattern.clone()))
        })
}
