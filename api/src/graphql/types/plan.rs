//! `PlanGoal`, `PlanComment`, `ClinicQuestion`.

use async_graphql::{Context, Enum, ID, Object};
use entity::{clinic_question, plan_comment, plan_goal};
use tokio::sync::OnceCell;

use super::{Skill, User, member};
use crate::auth::permissions;
use crate::domain::paging::Position;
use crate::domain::plan::Evaluation;
use crate::error::AppError;
use crate::graphql::context::{actor, state};
use crate::graphql::ids::{self, Kind};
use crate::graphql::loaders::{PlanSums, SkillById, loader};
use crate::graphql::pagination::{Page, connection, page_request};
use crate::graphql::scalars::{Date, Timestamp};
use crate::service::plan;

/// Where a goal stands.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "crate::domain::plan::GoalStatus")]
pub enum PlanGoalStatus {
    /// Waiting for an admin's decision.
    Proposed,
    /// Part of the plan, measured until its due day.
    Accepted,
    /// Not taken into the plan.
    Declined,
    /// Its figure reached the target.
    Achieved,
    /// Its due day passed without reaching the target.
    Missed,
}

/// What a goal measures, over the organisation's `ORGANISATION` channels on
/// its platform and the snapshots of the 28 days up to the day measured.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "crate::domain::plan::Metric")]
pub enum PlanMetric {
    /// Followers: each channel's in its last snapshot of those days, summed.
    Followers,
    /// Posts in those days.
    Posts,
    /// Reactions, comments and shares in those days.
    Interactions,
    /// Interactions / Σ(posts × followers) over those days' snapshots.
    EngagementRate,
}

/// One of the organisation's social-media goals.
pub struct PlanGoal {
    pub model: plan_goal::Model,
    evaluation: OnceCell<Evaluation>,
}

impl PlanGoal {
    /// A goal, evaluated when a field asks.
    pub fn new(model: plan_goal::Model) -> Self {
        Self {
            model,
            evaluation: OnceCell::new(),
        }
    }

    /// The goal's figures and status today, through the request's batch
    /// loader (a page of goals costs one statement); an accepted goal its
    /// figures decide is settled here, its proposer told once.
    async fn evaluation(&self, ctx: &Context<'_>) -> async_graphql::Result<&Evaluation> {
        self.evaluation
            .get_or_try_init(|| async {
                let state = state(ctx)?;
                let today = state.clock.now().date_naive();
                let keys = plan::keys(&self.model, today).map(PlanSums);
                let found = Box::pin(loader(ctx)?.load_many(keys)).await?;
                let sums = found.into_iter().map(|(k, v)| (k.0, v)).collect();
                let evaluation = plan::evaluate_with(&self.model, &sums, today);
                plan::settle(state, &self.model, evaluation.status).await?;
                Ok::<_, async_graphql::Error>(evaluation)
            })
            .await
    }
}

/// One of the organisation's social-media goals: proposed by any member,
/// accepted or declined by an admin, then measured from the presence
/// figures until it is achieved or its due day passes.
#[Object]
impl PlanGoal {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        ids::encode(Kind::PlanGoal, self.model.id)
    }

    /// A short name of the goal.
    async fn title(&self) -> &str {
        &self.model.title
    }

    /// Why and how, in the proposer's words (may be empty).
    async fn description(&self) -> &str {
        &self.model.description
    }

    /// The platform (a `PLATFORM` skill) whose channels it measures.
    async fn platform(&self, ctx: &Context<'_>) -> async_graphql::Result<Skill> {
        let skill = Box::pin(loader(ctx)?.load_one(SkillById(self.model.platform_id)))
            .await?
            .ok_or_else(|| AppError::internal("a goal's platform is missing"))?;
        Ok(Skill::from(skill))
    }

    /// What it measures.
    async fn metric(&self) -> PlanMetric {
        crate::domain::plan::Metric::from(self.model.metric).into()
    }

    /// The figure to reach (for a goal to lower a figure, to get down to).
    async fn target(&self) -> f64 {
        self.model.target
    }

    /// The day it starts: `baseline` is measured on it.
    async fn starts_on(&self) -> Date {
        Date(self.model.starts_on)
    }

    /// The day it is due.
    async fn due_on(&self) -> Date {
        Date(self.model.due_on)
    }

    /// Where it stands, evaluated now: an accepted goal reads `ACHIEVED`
    /// once it has started and `current` reaches `target`, `MISSED` once
    /// `dueOn` has passed without.
    async fn status(&self, ctx: &Context<'_>) -> async_graphql::Result<PlanGoalStatus> {
        Ok(self.evaluation(ctx).await?.status.into())
    }

    /// Who proposed it (null when their account is gone).
    async fn proposed_by(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<User>> {
        match self.model.proposed_by {
            Some(id) => Ok(Some(Box::pin(member(ctx, id)).await?)),
            None => Ok(None),
        }
    }

    /// The figure on `startsOn`; null when fewer than 5 members contribute
    /// to it (or before any snapshot of those days exists).
    async fn baseline(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<f64>> {
        Ok(self.evaluation(ctx).await?.baseline)
    }

    /// The figure today, or on `dueOn` once that has passed; null when fewer
    /// than 5 members contribute to it.
    async fn current(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<f64>> {
        Ok(self.evaluation(ctx).await?.current)
    }

    /// (current − baseline) / (target − baseline), clamped to 0–1; null
    /// when either figure is.
    async fn progress(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<f64>> {
        Ok(self.evaluation(ctx).await?.progress)
    }

    /// The discussion, oldest first.
    #[graphql(complexity = "crate::graphql::cost::page(first, last, child_complexity)")]
    async fn comments(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "At most this many (0 to 100).")] first: Option<i32>,
        #[graphql(desc = "After this cursor.")] after: Option<String>,
        #[graphql(desc = "At most this many from the end (0 to 100).")] last: Option<i32>,
        #[graphql(desc = "Before this cursor.")] before: Option<String>,
    ) -> async_graphql::Result<Page<PlanComment>> {
        let request = page_request(ctx, first, after, last, before)?;
        let paged = plan::comments::list(state(ctx)?, &self.model, &request).await?;
        Ok(connection(paged, |c| Position::id(c.id), PlanComment))
    }

    /// When it was proposed.
    async fn created_at(&self) -> Timestamp {
        self.model.created_at.into()
    }
}

/// A comment on a plan goal.
pub struct PlanComment(pub plan_comment::Model);

/// A comment on a plan goal. A removed comment keeps its place with empty
/// `text`.
#[Object]
impl PlanComment {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        ids::encode(Kind::PlanComment, self.0.id)
    }

    /// Who wrote it (null when their account is gone).
    async fn author(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<User>> {
        match self.0.author_id {
            Some(id) => Ok(Some(Box::pin(member(ctx, id)).await?)),
            None => Ok(None),
        }
    }

    /// The words (plain text; empty once removed).
    async fn text(&self) -> &str {
        &self.0.text
    }

    /// Whether it was removed (by its author, or by an admin).
    async fn removed(&self) -> bool {
        self.0.removed_at.is_some()
    }

    /// When it was written.
    async fn created_at(&self) -> Timestamp {
        self.0.created_at.into()
    }

    /// When its author last changed it; null if never.
    async fn edited_at(&self) -> Option<Timestamp> {
        self.0.edited_at.map(Into::into)
    }
}

/// A question sent to a clinic beforehand.
pub struct ClinicQuestion(pub clinic_question::Model);

/// A question sent to a clinic beforehand, so its facilitator can prepare.
#[Object]
impl ClinicQuestion {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        ids::encode(Kind::ClinicQuestion, self.0.id)
    }

    /// The question.
    async fn text(&self) -> &str {
        &self.0.text
    }

    /// Who asked; null when asked anonymously, for everyone (admins and the
    /// asker included).
    async fn author(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<User>> {
        match permissions::question_author(self.0.anonymous, self.0.author_id) {
            Some(id) => Ok(Some(Box::pin(member(ctx, id)).await?)),
            None => Ok(None),
        }
    }

    /// Whether it was asked anonymously.
    async fn anonymous(&self) -> bool {
        self.0.anonymous
    }

    /// Whether the facilitator or an admin marked it answered.
    async fn answered(&self) -> bool {
        self.0.answered_at.is_some()
    }

    /// Whether the caller asked it (true for the asker alone, anonymous or
    /// not).
    async fn mine(&self, ctx: &Context<'_>) -> async_graphql::Result<bool> {
        Ok(permissions::is_self(&actor(ctx).await?, self.0.author_id))
    }

    /// When it was sent.
    async fn created_at(&self) -> Timestamp {
        self.0.created_at.into()
    }
}
