//! `proposePlanGoal`, `decidePlanGoal`, `commentOnPlanGoal`,
//! `editPlanComment`, `removePlanComment`, `askClinicQuestion`,
//! `markQuestionAnswered`.

use async_graphql::{Context, ID, InputObject, Object};

use crate::graphql::context::{actor, state};
use crate::graphql::ids::{self, Kind};
use crate::graphql::scalars::Date;
use crate::graphql::types::{ClinicQuestion, PlanComment, PlanGoal, PlanMetric};
use crate::service::plan::{self, GoalInput};
use crate::service::questions;

/// A goal to propose.
#[derive(InputObject)]
pub struct ProposePlanGoalInput {
    /// A short name (1 to 200 characters).
    pub title: String,
    /// Why and how (at most 4,000 characters).
    pub description: Option<String>,
    /// The platform whose channels it measures: a `PLATFORM` skill.
    pub platform_id: ID,
    /// What it measures.
    pub metric: PlanMetric,
    /// The figure to reach: a whole number 0 to 10^12 for counts, 0 to 100
    /// for `ENGAGEMENT_RATE`. Below the baseline, the goal is to lower it.
    pub target: f64,
    /// The day it starts (its baseline is measured on it).
    pub starts_on: Date,
    /// The day it is due: on or after `startsOn`, today or later, at most
    /// ten years on.
    pub due_on: Date,
}

#[derive(Default)]
pub struct PlanMutation;

#[Object]
impl PlanMutation {
    /// Proposes a goal for the organisation's plan (any member); it is
    /// `PROPOSED` until an admin decides.
    async fn propose_plan_goal(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The details, as the input type describes them.")]
        input: ProposePlanGoalInput,
    ) -> async_graphql::Result<PlanGoal> {
        let actor = actor(ctx).await?;
        let platform_id = ids::decode(&input.platform_id, Kind::Skill, "platformId")?;
        let goal = plan::propose(
            state(ctx)?,
            &actor,
            GoalInput {
                title: input.title,
                description: input.description,
                platform_id,
                metric: input.metric.into(),
                target: input.target,
                starts_on: input.starts_on.0,
                due_on: input.due_on.0,
            },
        )
        .await?;
        Ok(PlanGoal::new(goal))
    }

    /// Accepts a proposed goal into the plan or declines it (ADMIN); the
    /// proposer is notified. A goal decided already is `CONFLICT`.
    async fn decide_plan_goal(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The goal.")] id: ID,
        #[graphql(desc = "True to accept, false to decline.")] accept: bool,
    ) -> async_graphql::Result<PlanGoal> {
        let actor = actor(ctx).await?;
        let id = ids::decode(&id, Kind::PlanGoal, "id")?;
        let goal = plan::decide(state(ctx)?, &actor, id, accept).await?;
        Ok(PlanGoal::new(goal))
    }

    /// Comments on a goal (any member; plain text, 1 to 2,000 characters).
    /// Its proposer and earlier commenters are notified.
    async fn comment_on_plan_goal(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The goal.")] goal_id: ID,
        #[graphql(desc = "The comment.")] text: String,
    ) -> async_graphql::Result<PlanComment> {
        let actor = actor(ctx).await?;
        let goal = ids::decode(&goal_id, Kind::PlanGoal, "goalId")?;
        let written = plan::comments::comment(state(ctx)?, &actor, goal, &text).await?;
        Ok(PlanComment(written))
    }

    /// Changes the words of the caller's own comment, within 15 minutes of
    /// writing it.
    async fn edit_plan_comment(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The comment.")] id: ID,
        #[graphql(desc = "The new words (1 to 2,000 characters).")] text: String,
    ) -> async_graphql::Result<PlanComment> {
        let actor = actor(ctx).await?;
        let id = ids::decode(&id, Kind::PlanComment, "id")?;
        let edited = plan::comments::edit(state(ctx)?, &actor, id, &text).await?;
        Ok(PlanComment(edited))
    }

    /// Removes a comment: the caller's own within 15 minutes of writing it,
    /// any as an ADMIN. It keeps its place, shown as removed.
    async fn remove_plan_comment(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The comment.")] id: ID,
    ) -> async_graphql::Result<PlanComment> {
        let actor = actor(ctx).await?;
        let id = ids::decode(&id, Kind::PlanComment, "id")?;
        let removed = plan::comments::remove(state(ctx)?, &actor, id).await?;
        Ok(PlanComment(removed))
    }

    /// Sends a question to a clinic before it starts (members with a
    /// confirmed or waitlisted place); its facilitator is notified. An
    /// anonymous question names nobody, to anyone.
    async fn ask_clinic_question(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The clinic.")] clinic_id: ID,
        #[graphql(desc = "The question (1 to 2,000 characters).")] text: String,
        #[graphql(desc = "Hide who asked, from everyone.")] anonymous: bool,
    ) -> async_graphql::Result<ClinicQuestion> {
        let actor = actor(ctx).await?;
        let clinic = ids::decode(&clinic_id, Kind::Clinic, "clinicId")?;
        let asked = questions::ask(state(ctx)?, &actor, clinic, &text, anonymous).await?;
        Ok(ClinicQuestion(asked))
    }

    /// Marks a question answered (the clinic's facilitator or an ADMIN).
    async fn mark_question_answered(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The question.")] id: ID,
    ) -> async_graphql::Result<ClinicQuestion> {
        let actor = actor(ctx).await?;
        let id = ids::decode(&id, Kind::ClinicQuestion, "id")?;
        let answered = questions::mark_answered(state(ctx)?, &actor, id).await?;
        Ok(ClinicQuestion(answered))
    }
}
