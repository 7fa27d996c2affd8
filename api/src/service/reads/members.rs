//! The member directory: a page of the organisation's members in joining
//! order, with what the selection asks for of each: the page, their mentor
//! profiles, learning goals and the total in one statement; their
//! self-assessed levels in a second. Skills come from the catalogue.

use std::collections::HashMap;
use std::sync::Arc;

use entity::{learning_goal, mentor_profile, skill, user, user_skill};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, IntoColumnRef, JoinType, Query};
use sea_orm::{QueryTrait, Select};

use super::columns::{self, take};
use super::links;
use crate::auth::Actor;
use crate::context::AppState;
use crate::domain::paging::{PageRequest, Paged};
use crate::domain::skills::name_order;
use crate::error::AppResult;
use crate::service::skills;

/// What the page's selection asks for besides the members' own columns.
#[derive(Debug, Clone, Copy, Default)]
pub struct Wants {
    pub skills: bool,
    pub goals: bool,
    pub profile: bool,
}

/// A member's self-assessed skills, strongest first (then by name).
pub type Levels = Vec<(Arc<skill::Model>, user_skill::Model)>;

/// A member of the page and what was asked for of them.
#[derive(Debug, Clone)]
pub struct Row {
    pub user: user::Model,
    pub extras: Extras,
}

/// What the page read of a member besides their columns (`None`: not asked).
#[derive(Debug, Clone, Default)]
pub struct Extras {
    pub skills: Option<Levels>,
    pub goals: Option<Vec<Arc<skill::Model>>>,
    /// `Some(None)`: asked, and the member offers no mentoring.
    pub profile: Option<Option<mentor_profile::Model>>,
}

/// Sorts a member's levels strongest first, then by name.
pub fn strongest_first(levels: &mut Levels) {
    levels.sort_by(|a, b| {
        b.1.level
            .cmp(&a.1.level)
            .then_with(|| name_order((&a.0.name, a.0.id), (&b.0.name, b.0.id)))
    });
}

/// One page of `filtered` (the actor's organisation's members that pass the
/// directory's filter) by id.
#[tracing::instrument(skip_all, fields(organisation = actor.organisation_id, user = actor.user_id))]
pub async fn page(
    state: &AppState,
    actor: &Actor,
    filtered: Select<user::Entity>,
    page: &PageRequest,
    wants: Wants,
) -> AppResult<Paged<Row>> {
    let mut query = crate::service::paging::window(filtered.clone(), user::Column::Id, page, false)
        .into_query();
    query.clear_selects();
    columns::select(&mut query, user::Entity, columns::user::COLUMNS);
    let profile = Alias::new("profile");
    if wants.profile {
        query.join_as(
            JoinType::LeftJoin,
            mentor_profile::Entity,
            profile.clone(),
            Expr::col((profile.clone(), mentor_profile::Column::UserId))
                .equals((user::Entity, user::Column::Id)),
        );
        columns::select(&mut query, profile, columns::mentor_profile::COLUMNS);
    }
    if wants.goals {
        query.expr(links::id_list::<learning_goal::Entity>(
            state.db.get_database_backend(),
            learning_goal::Column::UserId,
            learning_goal::Column::SkillId,
            (user::Entity, user::Column::Id).into_column_ref(),
        ));
    }
    if page.count_total {
        query.expr(super::count_of(filtered.clone().into_query()));
    }

    let mut total = 0;
    let mut fetched = Vec::new();
    let mut goal_ids = Vec::new();
    for row in super::rows(&state.db, &query).await? {
        let mut at = 0;
        let user = columns::user::decode(&row, &mut at)?;
        let profile = if wants.profile {
            Some(columns::mentor_profile::decode_optional(&row, &mut at)?)
        } else {
            None
        };
        if wants.goals {
            goal_ids.push(links::take_ids(&row, &mut at)?);
        }
        if page.count_total {
            total = take::<i64>(&row, &mut at)?;
        }
        fetched.push(Row {
            user,
            extras: Extras {
                skills: None,
                goals: None,
                profile,
            },
        });
    }
    let total = super::page_total(&state.db, &filtered, page, total, fetched.len()).await?;
    if wants.goals {
        let goals = skills::by_ids(state, actor.organisation_id, goal_ids).await?;
        for (row, goals) in fetched.iter_mut().zip(goals) {
            row.extras.goals = Some(goals);
        }
    }
    if wants.skills {
        let levels = levels_of(state, actor, fetched.iter().map(|row| row.user.id)).await?;
        for row in &mut fetched {
            row.extras.skills = Some(levels.get(&row.user.id).cloned().unwrap_or_default());
        }
    }
    Ok(Paged::from_fetched(fetched, page, total))
}

/// The self-assessed skills of each of `users` (all of the actor's
/// organisation), strongest first, in one statement.
async fn levels_of(
    state: &AppState,
    actor: &Actor,
    users: impl Iterator<Item = i64>,
) -> AppResult<HashMap<i64, Levels>> {
    let users: Vec<i64> = users.collect();
    if users.is_empty() {
        return Ok(HashMap::new());
    }
    let mut query = Query::select();
    query.from(user_skill::Entity);
    columns::select(&mut query, user_skill::Entity, columns::user_skill::COLUMNS);
    query.and_where(Expr::col((user_skill::Entity, user_skill::Column::UserId)).is_in(users));
    let mut levels = Vec::new();
    for row in super::rows(&state.db, &query).await? {
        levels.push(columns::user_skill::decode(&row, &mut 0)?);
    }
    named_levels(state, actor.organisation_id, levels).await
}

/// Levels named from the organisation's catalogue and grouped by member,
/// strongest first (a skill the catalogue does not hold is left out).
pub async fn named_levels(
    state: &AppState,
    organisation_id: i64,
    levels: Vec<user_skill::Model>,
) -> AppResult<HashMap<i64, Levels>> {
    let named = skills::by_ids(
        state,
        organisation_id,
        vec![levels.iter().map(|level| level.skill_id).collect()],
    )
    .await?;
    let by_id: HashMap<i64, Arc<skill::Model>> = named
        .into_iter()
        .flatten()
        .map(|skill| (skill.id, skill))
        .collect();
    let mut grouped: HashMap<i64, Levels> = HashMap::new();
    for level in levels {
        if let Some(skill) = by_id.get(&level.skill_id) {
            grouped
                .entry(level.user_id)
                .or_default()
                .push((skill.clone(), level));
        }
    }
    for levels in grouped.values_mut() {
        strongest_first(levels);
    }
    Ok(grouped)
}
