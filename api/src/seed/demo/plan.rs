//! The plan, made together: four goals at different stages (one proposed
//! and under discussion, one declined, one accepted and halfway, one
//! already achieved), and the questions members sent to the next clinic,
//! one of them anonymous. Targets are set from the demo's own presence
//! figures, so the stages hold on any day the demo is created.

use chrono::Duration;
use entity::{ClinicStatus, SeatStatus, clinic, seat};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::auth::Actor;
use crate::context::AppState;
use crate::domain::plan::{Metric, figure};
use crate::error::{AppError, AppResult};
use crate::service::plan::{self, FiguresKey, GoalInput};
use crate::service::questions;

use super::Skills;

/// What the demo's plan holds.
#[derive(Debug, Clone, Copy, Default)]
pub struct Planned {
    pub goals: usize,
    pub questions: usize,
}

/// The goals, their decisions and discussion, and the clinic's questions.
pub(super) async fn make(
    state: &AppState,
    actors: &[Actor],
    skills: &Skills,
) -> AppResult<Planned> {
    let person = |i: usize| {
        actors
            .get(i)
            .ok_or_else(|| AppError::internal("too few demo people"))
    };
    let admin = person(0)?;
    let today = state.clock.now().date_naive();
    let linkedin = skills.id("linkedin")?;
    let figure_on = |day| async move {
        let key = FiguresKey {
            organisation_id: admin.organisation_id,
            platform_id: linkedin,
            day,
        };
        let sums = plan::figures::sums(&state.db, &[key]).await?;
        Ok::<_, AppError>(
            sums.get(&key)
                .and_then(|s| figure(Metric::Followers, s))
                .unwrap_or(0.0),
        )
    };
    let half_year_ago = today - Duration::days(182);
    let quarter_ago = today - Duration::days(91);
    let (before, then, now) = (
        figure_on(half_year_ago).await?,
        figure_on(quarter_ago).await?,
        figure_on(today).await?,
    );

    // Halfway: from a quarter ago, twice the growth since.
    let halfway = propose(
        state,
        person(1)?,
        "More followers on LinkedIn",
        "Colleagues share the city's job posts and project news from their own profiles.",
        linkedin,
        (then + 2.0 * (now - then)).round(),
        quarter_ago,
        today + Duration::days(91),
    )
    .await?;
    // Achieved: from half a year ago, half the growth since.
    let achieved = propose(
        state,
        person(2)?,
        "LinkedIn reaches the library's audience",
        "The library's posts on LinkedIn reach more people than its newsletter.",
        linkedin,
        (before + (now - before) / 2.0).round(),
        half_year_ago,
        today + Duration::days(30),
    )
    .await?;
    let declined = propose(
        state,
        person(5)?,
        "Post on X every day",
        "Daily posts keep us visible.",
        skills.id("x")?,
        28.0,
        today,
        today + Duration::days(365),
    )
    .await?;
    let proposed = propose(
        state,
        person(15)?,
        "Short videos for the youth services",
        "Try TikTok for a term: two short videos a week, made with young people.",
        skills.id("tiktok")?,
        8.0,
        today + Duration::days(14),
        today + Duration::days(120),
    )
    .await?;
    for (goal, accept) in [(&halfway, true), (&achieved, true), (&declined, false)] {
        plan::decide(state, admin, goal.id, accept).await?;
    }
    // The achieved goal is settled as the periodic check would.
    let accepted = plan::get(state, admin, achieved.id).await?;
    plan::evaluate(state, &accepted).await?;
    for (who, goal, text) in [
        (3, proposed.id, "Our trainees could film the first ones."),
        (
            15,
            proposed.id,
            "Good idea: I can show how we plan a week of videos.",
        ),
        (
            0,
            proposed.id,
            "Let us decide after the clinic on short videos.",
        ),
        (
            4,
            halfway.id,
            "The job posts travel best when someone adds a line of their own.",
        ),
    ] {
        plan::comments::comment(state, person(who)?, goal, text).await?;
    }
    let questions = ask(state, actors).await?;
    Ok(Planned {
        goals: 4,
        questions,
    })
}

#[allow(clippy::too_many_arguments)]
async fn propose(
    state: &AppState,
    who: &Actor,
    title: &str,
    description: &str,
    platform_id: i64,
    target: f64,
    starts_on: chrono::NaiveDate,
    due_on: chrono::NaiveDate,
) -> AppResult<entity::plan_goal::Model> {
    let metric = if title.contains("videos") || title.contains("every day") {
        Metric::Posts
    } else {
        Metric::Followers
    };
    plan::propose(
        state,
        who,
        GoalInput {
            title: title.into(),
            description: Some(description.into()),
            platform_id,
            metric,
            target: target.max(1.0),
            starts_on,
            due_on,
        },
    )
    .await
}

/// Two registrants of the next clinic with two or more send questions, one
/// anonymously.
async fn ask(state: &AppState, actors: &[Actor]) -> AppResult<usize> {
    let now = state.clock.now();
    let upcoming = clinic::Entity::find()
        .filter(clinic::Column::Status.eq(ClinicStatus::Scheduled))
        .filter(clinic::Column::StartsAt.gt(now))
        .order_by_asc(clinic::Column::StartsAt)
        .all(&state.db)
        .await?;
    for next in upcoming {
        let seats = seat::Entity::find()
            .filter(seat::Column::PoolId.eq(next.seat_pool_id))
            .filter(seat::Column::Status.eq(SeatStatus::Confirmed))
            .order_by_asc(seat::Column::Id)
            .all(&state.db)
            .await?;
        let askers: Vec<&Actor> = seats
            .iter()
            .filter_map(|s| actors.iter().find(|a| a.user_id == s.user_id))
            .filter(|a| a.user_id != next.facilitator_id)
            .take(2)
            .collect();
        if askers.len() < 2 {
            continue;
        }
        let texts = [
            (
                "How do I tell whether a post reached anyone beyond our own staff?",
                true,
            ),
            (
                "Could we look at the library's last month of LinkedIn figures together?",
                false,
            ),
        ];
        for (asker, (text, anonymous)) in askers.iter().zip(texts) {
            questions::ask(state, asker, next.id, text, anonymous).await?;
        }
        return Ok(askers.len());
    }
    Ok(0)
}
