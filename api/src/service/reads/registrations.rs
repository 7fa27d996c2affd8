//! A member's clinic registrations: a page of their live seats, oldest
//! first, joined with each seat's clinic and waitlist position, and the
//! total, in one statement.

use entity::{SeatStatus, clinic, seat};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, IntoColumnRef, JoinType};
use sea_orm::{QueryTrait, Select};

use super::columns::{self, take};
use crate::context::AppState;
use crate::domain::paging::{PageRequest, Paged};
use crate::error::AppResult;

/// What the page's selection asks for besides the seats' own columns.
#[derive(Debug, Clone, Copy, Default)]
pub struct Wants {
    pub clinic: bool,
    pub position: bool,
}

/// A registration of the page and what was asked for of it.
#[derive(Debug, Clone)]
pub struct Row {
    pub seat: seat::Model,
    /// `None`: not asked.
    pub clinic: Option<clinic::Model>,
    /// `None`: not asked; `Some(None)`: not waitlisted.
    pub waitlist_position: Option<Option<i64>>,
}

/// One page of `filtered` (a member's live seats in their organisation's
/// clinics) by id.
#[tracing::instrument(skip_all)]
pub async fn page(
    state: &AppState,
    filtered: Select<seat::Entity>,
    page: &PageRequest,
    wants: Wants,
) -> AppResult<Paged<Row>> {
    let mut query = crate::service::paging::window(filtered.clone(), seat::Column::Id, page, false)
        .into_query();
    query.clear_selects();
    columns::select(&mut query, seat::Entity, columns::seat::COLUMNS);
    let of = Alias::new("of_pool");
    if wants.clinic {
        query.join_as(
            JoinType::LeftJoin,
            clinic::Entity,
            of.clone(),
            Expr::col((of.clone(), clinic::Column::SeatPoolId))
                .equals((seat::Entity, seat::Column::PoolId)),
        );
        columns::select(&mut query, of, columns::clinic::COLUMNS);
    }
    if wants.position {
        query.expr(super::clinics::waitlist_position(
            (seat::Entity, seat::Column::PoolId).into_column_ref(),
            (seat::Entity, seat::Column::Id).into_column_ref(),
        ));
    }
    if page.count_total {
        query.expr(super::count_of(filtered.clone().into_query()));
    }

    let mut total = 0;
    let mut fetched = Vec::new();
    for row in super::rows(&state.db, &query).await? {
        let mut at = 0;
        let seat = columns::seat::decode(&row, &mut at)?;
        let clinic = if wants.clinic {
            columns::clinic::decode_optional(&row, &mut at)?
        } else {
            None
        };
        let waitlist_position = if wants.position {
            let ahead: Option<i64> = take(&row, &mut at)?;
            Some((seat.status == SeatStatus::Waitlisted).then_some(ahead.unwrap_or(0)))
        } else {
            None
        };
        if page.count_total {
            total = take::<i64>(&row, &mut at)?;
        }
        fetched.push(Row {
            seat,
            clinic,
            waitlist_position,
        });
    }
    let total = super::page_total(&state.db, &filtered, page, total, fetched.len()).await?;
    Ok(Paged::from_fetched(fetched, page, total))
}
