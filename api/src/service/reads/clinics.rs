//! The clinic board: a page of the organisation's clinics by start time,
//! with what the selection asks for of each.

use chrono::{DateTime, Utc};
use entity::{SeatStatus, clinic, clinic_skill, seat, seat_pool, skill, user};
use sea_orm::sea_query::{
    Alias, ColumnRef, Expr, ExprTrait, IntoColumnRef, JoinType, Query, SelectStatement, SimpleExpr,
};
use sea_orm::{
    ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait,
};

use std::sync::Arc;

use super::columns::{self, take};
use super::links;
use crate::auth::Actor;
use crate::context::AppState;
use crate::domain::paging::{PageRequest, Paged, Position};
use crate::error::AppResult;
use crate::service::seat_counts::Counts;
use crate::service::seats::LIVE;
use crate::service::skills;

/// Which clinics to list.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Only clinics starting at or after this instant.
    pub from: Option<DateTime<Utc>>,
    /// Only clinics starting before this instant.
    pub to: Option<DateTime<Utc>>,
    pub skill_id: Option<i64>,
    pub status: Option<entity::ClinicStatus>,
}

/// What the page's selection asks for of the clinics.
#[derive(Debug, Clone, Copy, Default)]
pub struct Wants {
    /// Which of the clinics' own columns.
    pub columns: Columns,
    /// Capacity, seats taken or left, waitlist length.
    pub counts: bool,
    /// How much of the facilitator is asked for (`None`: nothing).
    pub facilitator: Option<Facilitator>,
    pub skills: bool,
    /// The caller's own live registration.
    pub mine: bool,
}

/// How much of its clinics' own rows a page reads.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Columns {
    /// The keys, title and times: all the board's usual selection needs
    /// ([`columns::clinic_board`]).
    Board,
    /// Every column.
    #[default]
    Whole,
}

/// How much of a clinic's facilitator a page reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Facilitator {
    /// Their id and display name are all that is asked: those two columns
    /// ([`columns::user_card`]).
    Card,
    /// Anything else: the whole row.
    Whole,
}

/// The caller's live registration in a clinic, with its waitlist position
/// when waitlisted.
#[derive(Debug, Clone)]
pub struct Mine {
    pub seat: seat::Model,
    pub waitlist_position: Option<i64>,
}

/// A clinic of the page and what was asked for of it.
#[derive(Debug, Clone)]
pub struct Row {
    pub clinic: clinic::Model,
    pub extras: Extras,
}

/// What the page read of a clinic besides its columns (`None`: not asked).
#[derive(Debug, Clone, Default)]
pub struct Extras {
    pub counts: Option<Counts>,
    pub facilitator: Option<user::Model>,
    pub skills: Option<Vec<Arc<skill::Model>>>,
    /// `Some(None)`: asked, and the caller holds no live registration.
    pub mine: Option<Option<Mine>>,
}

/// The list position of a clinic: its start time, then its id.
pub fn position(clinic: &clinic::Model) -> Position {
    Position {
        key: Some(clinic.starts_at.timestamp_micros()),
        id: clinic.id,
    }
}

/// One page of the actor's organisation's clinics by start time: one
/// statement for the clinics with their counts, facilitator, the caller's
/// registration and the total; a second for the skills of all of them.
#[tracing::instrument(skip_all, fields(organisation = actor.organisation_id, user = actor.user_id))]
pub async fn page(
    state: &AppState,
    actor: &Actor,
    filter: &Filter,
    page: &PageRequest,
    wants: Wants,
) -> AppResult<Paged<Row>> {
    let filtered = filtered(actor, filter);
    let mut query = window(filtered.clone(), page).into_query();
    query.clear_selects();
    let read = match wants.columns {
        Columns::Board => columns::clinic_board::COLUMNS,
        Columns::Whole => columns::clinic::COLUMNS,
    };
    columns::select(&mut query, clinic::Entity, read);
    let pool = Alias::new("pool");
    let facilitator = Alias::new("facilitator");
    let mine = Alias::new("mine");
    if wants.counts {
        query
            .join_as(
                JoinType::InnerJoin,
                seat_pool::Entity,
                pool.clone(),
                Expr::col((pool.clone(), seat_pool::Column::Id))
                    .equals((clinic::Entity, clinic::Column::SeatPoolId)),
            )
            .expr(Expr::col((pool.clone(), seat_pool::Column::Capacity)))
            .expr(Expr::col((pool.clone(), seat_pool::Column::ConfirmedCount)))
            .expr(Expr::col((
                pool.clone(),
                seat_pool::Column::WaitlistedCount,
            )));
    }
    if let Some(read) = wants.facilitator {
        query.join_as(
            JoinType::LeftJoin,
            user::Entity,
            facilitator.clone(),
            Expr::col((facilitator.clone(), user::Column::Id))
                .equals((clinic::Entity, clinic::Column::FacilitatorId)),
        );
        let read = match read {
            Facilitator::Card => columns::user_card::COLUMNS,
            Facilitator::Whole => columns::user::COLUMNS,
        };
        columns::select(&mut query, facilitator.clone(), read);
    }
    if wants.mine {
        query.join_as(
            JoinType::LeftJoin,
            seat::Entity,
            mine.clone(),
            Condition::all()
                .add(
                    Expr::col((mine.clone(), seat::Column::PoolId))
                        .equals((clinic::Entity, clinic::Column::SeatPoolId)),
                )
                .add(Expr::col((mine.clone(), seat::Column::UserId)).eq(actor.user_id))
                .add(Expr::col((mine.clone(), seat::Column::Status)).is_in(LIVE)),
        );
        columns::select(&mut query, mine.clone(), columns::seat::COLUMNS);
        query.expr(waitlist_position(
            (mine.clone(), seat::Column::PoolId).into_column_ref(),
            (mine.clone(), seat::Column::Id).into_column_ref(),
        ));
    }
    if wants.skills {
        query.expr(links::id_list::<clinic_skill::Entity>(
            state.db.get_database_backend(),
            clinic_skill::Column::ClinicId,
            clinic_skill::Column::SkillId,
            (clinic::Entity, clinic::Column::Id).into_column_ref(),
        ));
    }
    if page.count_total {
        query.expr(super::count_of(filtered.clone().into_query()));
    }

    let mut total = 0;
    let mut fetched = Vec::new();
    let mut skill_ids = Vec::new();
    for row in super::rows(&state.db, &query).await? {
        let mut at = 0;
        let clinic = match wants.columns {
            Columns::Board => columns::clinic_board::decode(&row, &mut at)?,
            Columns::Whole => columns::clinic::decode(&row, &mut at)?,
        };
        let counts = if wants.counts {
            Some(Counts {
                capacity: take(&row, &mut at)?,
                confirmed: i64::from(take::<i32>(&row, &mut at)?),
                waitlisted: i64::from(take::<i32>(&row, &mut at)?),
            })
        } else {
            None
        };
        let facilitator = match wants.facilitator {
            None => None,
            Some(Facilitator::Card) => columns::user_card::decode_optional(&row, &mut at)?,
            Some(Facilitator::Whole) => columns::user::decode_optional(&row, &mut at)?,
        };
        let mine = if wants.mine {
            let seat = columns::seat::decode_optional(&row, &mut at)?;
            let ahead: Option<i64> = take(&row, &mut at)?;
            Some(seat.map(|seat| Mine {
                waitlist_position:
                    (seat.status == SeatStatus::Waitlisted).then_some(ahead.unwrap_or(0)),
                seat,
            }))
        } else {
            None
        };
        if wants.skills {
            skill_ids.push(links::take_ids(&row, &mut at)?);
        }
        if page.count_total {
            total = take::<i64>(&row, &mut at)?;
        }
        fetched.push(Row {
            clinic,
            extras: Extras {
                counts,
                facilitator,
                skills: None,
                mine,
            },
        });
    }
    let total = super::page_total(&state.db, &filtered, page, total, fetched.len()).await?;
    if wants.skills {
        let skills = skills::by_ids(state, actor.organisation_id, skill_ids).await?;
        for (row, skills) in fetched.iter_mut().zip(skills) {
            row.extras.skills = Some(skills);
        }
    }
    Ok(Paged::from_fetched(fetched, page, total))
}

/// The organisation's clinics that pass `filter`.
fn filtered(actor: &Actor, filter: &Filter) -> sea_orm::Select<clinic::Entity> {
    let mut select =
        clinic::Entity::find().filter(clinic::Column::OrganisationId.eq(actor.organisation_id));
    if let Some(from) = filter.from {
        select = select.filter(clinic::Column::StartsAt.gte(from));
    }
    if let Some(to) = filter.to {
        select = select.filter(clinic::Column::StartsAt.lt(to));
    }
    if let Some(status) = filter.status {
        select = select.filter(clinic::Column::Status.eq(status));
    }
    if let Some(skill_id) = filter.skill_id {
        select = select.filter(
            clinic::Column::Id.in_subquery(
                Query::select()
                    .column(clinic_skill::Column::ClinicId)
                    .from(clinic_skill::Entity)
                    .and_where(clinic_skill::Column::SkillId.eq(skill_id))
                    .to_owned(),
            ),
        );
    }
    select
}

/// `filtered` from the page's cursor on, in the page's direction, one more
/// than the page holds.
fn window(
    mut select: sea_orm::Select<clinic::Entity>,
    page: &PageRequest,
) -> sea_orm::Select<clinic::Entity> {
    let key_of = |position: Position| {
        let at =
            DateTime::<Utc>::from_timestamp_micros(position.key.unwrap_or(0)).unwrap_or_default();
        (at, position.id)
    };
    if let Some(after) = page.after {
        let (at, id) = key_of(after);
        select = select.filter(
            Condition::any().add(clinic::Column::StartsAt.gt(at)).add(
                Condition::all()
                    .add(clinic::Column::StartsAt.eq(at))
                    .add(clinic::Column::Id.gt(id)),
            ),
        );
    }
    if let Some(before) = page.before {
        let (at, id) = key_of(before);
        select = select.filter(
            Condition::any().add(clinic::Column::StartsAt.lt(at)).add(
                Condition::all()
                    .add(clinic::Column::StartsAt.eq(at))
                    .add(clinic::Column::Id.lt(id)),
            ),
        );
    }
    select = if page.from_end {
        select
            .order_by_desc(clinic::Column::StartsAt)
            .order_by_desc(clinic::Column::Id)
    } else {
        select
            .order_by_asc(clinic::Column::StartsAt)
            .order_by_asc(clinic::Column::Id)
    };
    select.limit(page.limit + 1)
}

/// The 1-based waitlist position of a seat (its pool and id in `pool` and
/// `seat_id`): the waitlisted seats of its pool up to and including it
/// (meaningful only while it waits).
pub(super) fn waitlist_position(pool: ColumnRef, seat_id: ColumnRef) -> SimpleExpr {
    let ahead = Alias::new("ahead");
    let mut counted: SelectStatement = Query::select();
    counted
        .expr(Expr::col((ahead.clone(), seat::Column::Id)).count())
        .from_as(seat::Entity, ahead.clone())
        .and_where(Expr::col((ahead.clone(), seat::Column::PoolId)).equals(pool))
        .and_where(Expr::col((ahead.clone(), seat::Column::Status)).eq(SeatStatus::Waitlisted))
        .and_where(Expr::col((ahead, seat::Column::Id)).lte(Expr::col(seat_id)));
    SimpleExpr::SubQuery(
        None,
        Box::new(sea_orm::sea_query::SubQueryStatement::SelectStatement(
            counted,
        )),
    )
}
