//! The plan, made together: goals anyone proposes and admins decide,
//! measured from the organisation's presence figures
//! ([`crate::domain::plan`] defines every figure and the outcome), settled
//! as `ACHIEVED` or `MISSED` when read and by the periodic job, their
//! proposer told once. Who sees a goal is [`permissions::may_see_goal`].

use std::collections::HashMap;

use chrono::NaiveDate;
use entity::{SkillKind, plan_goal};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QuerySelect,
};

use crate::auth::{Actor, permissions};
use crate::context::AppState;
use crate::db;
use crate::domain::paging::{PageRequest, Paged};
use crate::domain::plan::{self, Evaluation, Goal, GoalStatus, Metric, Sums};
use crate::domain::text;
use crate::error::{AppError, AppResult};
use crate::service::notifications::{self, Kind, New};

pub mod comments;
pub mod figures;

pub use figures::FiguresKey;

/// A goal to propose.
#[derive(Debug, Clone)]
pub struct GoalInput {
    pub title: String,
    pub description: Option<String>,
    pub platform_id: i64,
    pub metric: Metric,
    pub target: f64,
    pub starts_on: NaiveDate,
    pub due_on: NaiveDate,
}

/// Proposes a goal (any member): it waits in `PROPOSED` for an admin.
#[tracing::instrument(skip_all, fields(organisation = actor.organisation_id, user = actor.user_id))]
pub async fn propose(
    state: &AppState,
    actor: &Actor,
    input: GoalInput,
) -> AppResult<plan_goal::Model> {
    let title = text::required(&input.title, "title", plan::MAX_TITLE, false)?;
    let description = text::optional(
        input.description.as_deref().unwrap_or(""),
        "description",
        plan::MAX_DESCRIPTION,
        true,
    )?;
    let now = state.clock.now();
    plan::check_goal(
        input.metric,
        input.target,
        input.starts_on,
        input.due_on,
        now.date_naive(),
    )?;
    let platform = super::skills::get(state, actor, input.platform_id)
        .await
        .map_err(|_| AppError::field("platformId", "no such platform"))?;
    if platform.kind != SkillKind::Platform {
        return Err(AppError::field(
            "platformId",
            "a goal is on a PLATFORM skill",
        ));
    }
    let txn = db::begin_write(state).await?;
    let goal = plan_goal::ActiveModel {
        organisation_id: Set(actor.organisation_id),
        proposed_by: Set(Some(actor.user_id)),
        platform_id: Set(platform.id),
        title: Set(title),
        description: Set(description),
        metric: Set(input.metric.into()),
        target: Set(input.target),
        starts_on: Set(input.starts_on),
        due_on: Set(input.due_on),
        status: Set(GoalStatus::Proposed.into()),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&*txn)
    .await?;
    db::commit(txn, state).await?;
    Ok(goal)
}

/// A goal the actor may see, or `NOT_FOUND`.
#[tracing::instrument(skip_all, fields(organisation = actor.organisation_id, user = actor.user_id))]
pub async fn get(state: &AppState, actor: &Actor, id: i64) -> AppResult<plan_goal::Model> {
    find(&state.db, actor, id).await
}

async fn find(
    conn: &impl sea_orm::ConnectionTrait,
    actor: &Actor,
    id: i64,
) -> AppResult<plan_goal::Model> {
    plan_goal::Entity::find_by_id(id)
        .one(conn)
        .await?
        .filter(|g| permissions::may_see_goal(actor, g.organisation_id))
        .ok_or(AppError::NotFound("goal"))
}

/// Accepts or declines a proposed goal (ADMIN); its proposer is told. A goal
/// decided already is `CONFLICT`.
#[tracing::instrument(skip_all, fields(organisation = actor.organisation_id, user = actor.user_id))]
pub async fn decide(
    state: &AppState,
    actor: &Actor,
    id: i64,
    accept: bool,
) -> AppResult<plan_goal::Model> {
    let now = state.clock.now();
    let status = if accept {
        GoalStatus::Accepted
    } else {
        GoalStatus::Declined
    };
    let txn = db::begin_write(state).await?;
    let goal = find(&*txn, actor, id).await?;
    permissions::require_admin(actor)?;
    let changed = plan_goal::Entity::update_many()
        .col_expr(
            plan_goal::Column::Status,
            Expr::value(entity::GoalStatus::from(status)),
        )
        .col_expr(plan_goal::Column::DecidedBy, Expr::value(actor.user_id))
        .col_expr(plan_goal::Column::DecidedAt, Expr::value(now))
        .col_expr(plan_goal::Column::UpdatedAt, Expr::value(now))
        .filter(plan_goal::Column::Id.eq(goal.id))
        .filter(plan_goal::Column::Status.eq(entity::GoalStatus::Proposed))
        .exec(&*txn)
        .await?
        .rows_affected;
    if changed == 0 {
        return Err(AppError::Conflict("the goal was decided already".into()));
    }
    if goal.proposed_by != Some(actor.user_id) {
        let verdict = if accept {
            "was accepted into the plan"
        } else {
            "was declined"
        };
        tell_proposer(&*txn, &goal, verdict, now).await?;
    }
    let decided = find(&*txn, actor, id).await?;
    db::commit(txn, state).await?;
    Ok(decided)
}

/// One page of the organisation's goals, newest first, of one status when
/// given.
#[tracing::instrument(skip_all, fields(organisation = actor.organisation_id, user = actor.user_id))]
pub async fn list(
    state: &AppState,
    actor: &Actor,
    status: Option<GoalStatus>,
    page: &PageRequest,
) -> AppResult<Paged<plan_goal::Model>> {
    let mut select = plan_goal::Entity::find()
        .filter(plan_goal::Column::OrganisationId.eq(actor.organisation_id));
    if let Some(status) = status {
        select = select.filter(plan_goal::Column::Status.eq(entity::GoalStatus::from(status)));
    }
    super::paging::fetch_newest_first(&state.db, select, plan_goal::Column::Id, page).await
}

/// What the domain evaluates of a goal.
pub fn rules(goal: &plan_goal::Model) -> Goal {
    Goal {
        status: goal.status.into(),
        metric: goal.metric.into(),
        target: goal.target,
        starts_on: goal.starts_on,
        due_on: goal.due_on,
    }
}

/// The two figures a goal reads on `today`: on its start day, and on the
/// day its current figure is measured.
pub fn keys(goal: &plan_goal::Model, today: NaiveDate) -> [FiguresKey; 2] {
    let key = |day| FiguresKey {
        organisation_id: goal.organisation_id,
        platform_id: goal.platform_id,
        day,
    };
    [
        key(goal.starts_on),
        key(plan::measured_on(today, goal.due_on)),
    ]
}

/// A goal evaluated on `today` from figures read already.
pub fn evaluate_with(
    goal: &plan_goal::Model,
    sums: &HashMap<FiguresKey, Sums>,
    today: NaiveDate,
) -> Evaluation {
    let [start, current] = keys(goal, today);
    let none = Sums::default();
    rules(goal).evaluate(
        sums.get(&start).unwrap_or(&none),
        sums.get(&current).unwrap_or(&none),
        today,
    )
}

/// Settles a goal as its evaluation's `outcome` and tells its proposer, once
/// however many readers and instances try (the update only applies to a
/// goal still `ACCEPTED`); nothing when the goal was not accepted or the
/// outcome decides nothing, so callers pass any evaluation. Returns whether
/// this call settled it.
#[tracing::instrument(skip_all, fields(goal = goal.id))]
pub async fn settle(
    state: &AppState,
    goal: &plan_goal::Model,
    outcome: GoalStatus,
) -> AppResult<bool> {
    let stored: GoalStatus = goal.status.into();
    if stored != GoalStatus::Accepted
        || !matches!(outcome, GoalStatus::Achieved | GoalStatus::Missed)
    {
        return Ok(false);
    }
    let now = state.clock.now();
    let txn = db::begin_write(state).await?;
    let changed = plan_goal::Entity::update_many()
        .col_expr(
            plan_goal::Column::Status,
            Expr::value(entity::GoalStatus::from(outcome)),
        )
        .col_expr(plan_goal::Column::SettledAt, Expr::value(now))
        .col_expr(plan_goal::Column::UpdatedAt, Expr::value(now))
        .filter(plan_goal::Column::Id.eq(goal.id))
        .filter(plan_goal::Column::Status.eq(entity::GoalStatus::Accepted))
        .exec(&*txn)
        .await?
        .rows_affected;
    if changed == 1 {
        let verdict = if outcome == GoalStatus::Achieved {
            "was achieved"
        } else {
            "was missed: its due day passed before its target was reached"
        };
        tell_proposer(&*txn, goal, verdict, now).await?;
    }
    db::commit(txn, state).await?;
    Ok(changed == 1)
}

/// Tells a goal's proposer (if their account remains) what became of it.
async fn tell_proposer(
    conn: &impl sea_orm::ConnectionTrait,
    goal: &plan_goal::Model,
    verdict: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> AppResult<()> {
    let Some(proposer) = goal.proposed_by else {
        return Ok(());
    };
    notifications::notify(
        conn,
        New {
            organisation_id: goal.organisation_id,
            user_id: proposer,
            kind: Kind::PlanGoalDecided,
            message: format!("Your goal \"{}\" {verdict}", goal.title),
            subject: Some(("PlanGoal", goal.id)),
        },
        now,
    )
    .await?;
    Ok(())
}

/// Goals one pass of the periodic job evaluates at most.
const SETTLE_BATCH: u64 = 500;

/// The periodic job: evaluates the accepted goals that have started, in
/// every organisation, and settles those whose figures or dates decide
/// them. Returns how many it settled.
#[tracing::instrument(skip_all)]
pub async fn settle_due(state: &AppState) -> AppResult<u64> {
    let today = state.clock.now().date_naive();
    let goals = plan_goal::Entity::find()
        .filter(plan_goal::Column::Status.eq(entity::GoalStatus::Accepted))
        .filter(plan_goal::Column::StartsOn.lte(today))
        .limit(SETTLE_BATCH)
        .all(&state.db)
        .await?;
    if goals.is_empty() {
        return Ok(0);
    }
    let keys: Vec<FiguresKey> = goals.iter().flat_map(|g| keys(g, today)).collect();
    let sums = figures::sums(&state.db, &keys).await?;
    let mut settled = 0;
    for goal in &goals {
        let evaluation = evaluate_with(goal, &sums, today);
        if settle(state, goal, evaluation.status).await? {
            settled += 1;
        }
    }
    Ok(settled)
}

/// A goal's evaluation today, reading its figures (one statement); an
/// accepted goal its figures decide is settled on the way.
#[tracing::instrument(skip_all, fields(goal = goal.id))]
pub async fn evaluate(state: &AppState, goal: &plan_goal::Model) -> AppResult<Evaluation> {
    let today = state.clock.now().date_naive();
    let sums = figures::sums(&state.db, &keys(goal, today)).await?;
    let evaluation = evaluate_with(goal, &sums, today);
    settle(state, goal, evaluation.status).await?;
    Ok(evaluation)
}
