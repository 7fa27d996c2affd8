//! The plan, made together: what a goal measures, how its progress and its
//! outcome follow from the organisation's presence figures, and the time
//! rules of comments and clinic questions. Every figure is defined here, as
//! the schema's descriptions say:
//!
//! - a goal's figure **on a day** is read from the snapshots of the
//!   organisation's `ORGANISATION` channels on the goal's platform taken in
//!   the [`WINDOW_DAYS`] days up to and including that day: `FOLLOWERS` sums
//!   each channel's followers in its last snapshot of those days; `POSTS`
//!   and `INTERACTIONS` sum the snapshots' posts and reactions + comments +
//!   shares (a pace: per four weeks); `ENGAGEMENT_RATE` = those
//!   interactions / Σ(posts × followers) over the same snapshots. With fewer
//!   than [`MIN_CONTRIBUTORS`] members contributing, there is no figure (as
//!   in the presence report), so nobody's numbers can be singled out.
//! - **baseline** is the figure on `startsOn`; **current** the figure today,
//!   or on `dueOn` once that has passed; **progress** = (current − baseline)
//!   / (target − baseline), clamped to 0–1 (1 when the target equals the
//!   baseline and is reached).
//! - a target **is reached** when current ≥ target, or current ≤ target for
//!   a goal to lower a figure (target below the baseline).
//! - an `ACCEPTED` goal becomes `ACHIEVED` once it has started and its
//!   target is reached, and `MISSED` once `dueOn` has passed without.

use chrono::{DateTime, Duration, NaiveDate, Utc};

use super::presence::MIN_CONTRIBUTORS;
use crate::error::AppError;

/// Where a goal stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum GoalStatus {
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

/// What a goal measures (see the module).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Metric {
    Followers,
    Posts,
    Interactions,
    EngagementRate,
}

/// The days a figure reads, up to and including its day.
pub const WINDOW_DAYS: i64 = 28;
/// Longest goal title.
pub const MAX_TITLE: usize = 200;
/// Longest goal description.
pub const MAX_DESCRIPTION: usize = 4_000;
/// Longest comment or question.
pub const MAX_TEXT: usize = 2_000;
/// How long an author may edit or delete their own comment.
pub const EDIT_WINDOW: Duration = Duration::minutes(15);
/// The largest target of a count (followers, posts, interactions).
pub const MAX_COUNT_TARGET: f64 = 1e12;
/// The largest engagement-rate target.
pub const MAX_RATE_TARGET: f64 = 100.0;
/// The longest a goal may run, start to due day.
pub const MAX_SPAN_DAYS: i64 = 3_660;

/// The first and last day a figure on `day` reads.
pub fn window(day: NaiveDate) -> (NaiveDate, NaiveDate) {
    (day - Duration::days(WINDOW_DAYS - 1), day)
}

/// The sums behind a figure: from how many members, and over their
/// channels' snapshots in the window.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Sums {
    pub contributors: u32,
    pub followers: i64,
    pub posts: i64,
    pub interactions: i64,
    /// Σ(posts × followers).
    pub reach: f64,
}

/// The figure of `metric` from `sums`; none with fewer than
/// [`MIN_CONTRIBUTORS`] members, or an engagement rate over no reach.
pub fn figure(metric: Metric, sums: &Sums) -> Option<f64> {
    if (sums.contributors as usize) < MIN_CONTRIBUTORS {
        return None;
    }
    match metric {
        Metric::Followers => Some(sums.followers as f64),
        Metric::Posts => Some(sums.posts as f64),
        Metric::Interactions => Some(sums.interactions as f64),
        Metric::EngagementRate => (sums.reach > 0.0).then(|| sums.interactions as f64 / sums.reach),
    }
}

/// Whether `current` reaches `target` from `baseline`.
pub fn reached(baseline: f64, current: f64, target: f64) -> bool {
    if target >= baseline {
        current >= target
    } else {
        current <= target
    }
}

/// (current − baseline) / (target − baseline), clamped to 0–1.
pub fn progress(baseline: f64, current: f64, target: f64) -> f64 {
    let span = target - baseline;
    if span == 0.0 {
        return if reached(baseline, current, target) {
            1.0
        } else {
            0.0
        };
    }
    ((current - baseline) / span).clamp(0.0, 1.0)
}

/// The day `current` is measured on: today, or the due day once passed.
pub fn measured_on(today: NaiveDate, due_on: NaiveDate) -> NaiveDate {
    today.min(due_on)
}

/// What a goal's dates and stored status say of it today.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Goal {
    pub status: GoalStatus,
    pub metric: Metric,
    pub target: f64,
    pub starts_on: NaiveDate,
    pub due_on: NaiveDate,
}

/// A goal evaluated: its figures and the status they give it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Evaluation {
    pub baseline: Option<f64>,
    pub current: Option<f64>,
    pub progress: Option<f64>,
    pub status: GoalStatus,
}

impl Goal {
    /// The goal on `today`, from the sums on its start day and on the day
    /// `current` is measured ([`measured_on`]).
    pub fn evaluate(&self, at_start: &Sums, at_current: &Sums, today: NaiveDate) -> Evaluation {
        let baseline = figure(self.metric, at_start);
        let current = figure(self.metric, at_current);
        let both = baseline.zip(current);
        let progress = both.map(|(b, c)| progress(b, c, self.target));
        let reached = both.is_some_and(|(b, c)| reached(b, c, self.target));
        let status = match self.status {
            GoalStatus::Accepted if today >= self.starts_on && reached => GoalStatus::Achieved,
            GoalStatus::Accepted if today > self.due_on => GoalStatus::Missed,
            other => other,
        };
        Evaluation {
            baseline,
            current,
            progress,
            status,
        }
    }
}

/// Checks a proposed goal's target and dates; the error names the field.
pub fn check_goal(
    metric: Metric,
    target: f64,
    starts_on: NaiveDate,
    due_on: NaiveDate,
    today: NaiveDate,
) -> Result<(), AppError> {
    let most = match metric {
        Metric::EngagementRate => MAX_RATE_TARGET,
        _ => MAX_COUNT_TARGET,
    };
    if !target.is_finite() || !(0.0..=most).contains(&target) {
        return Err(AppError::field(
            "target",
            format!("target is between 0 and {most}"),
        ));
    }
    if metric != Metric::EngagementRate && target.fract() != 0.0 {
        return Err(AppError::field(
            "target",
            "a count target is a whole number",
        ));
    }
    super::presence::range(starts_on, due_on).map_err(|_| {
        AppError::field(
            "dueOn",
            "dueOn is on or after startsOn, in the years 1 to 9999",
        )
    })?;
    if due_on < today {
        return Err(AppError::field("dueOn", "dueOn is today or later"));
    }
    if (due_on - starts_on).num_days() > MAX_SPAN_DAYS {
        return Err(AppError::field("dueOn", "a goal runs at most ten years"));
    }
    Ok(())
}

/// Whether a comment written at `created_at` may still be edited or deleted
/// by its author at `now` (and is not removed).
pub fn comment_open(created_at: DateTime<Utc>, removed: bool, now: DateTime<Utc>) -> bool {
    !removed && now < created_at + EDIT_WINDOW
}

/// Why a member may not ask a clinic a question now, if they may not: only
/// with a confirmed or waitlisted place, only before it starts, and not in a
/// cancelled clinic.
pub fn may_ask(
    registered: bool,
    cancelled: bool,
    starts_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    if !registered {
        return Err(AppError::Forbidden(
            "only members registered for the clinic ask it questions",
        ));
    }
    if cancelled {
        return Err(AppError::Conflict("the clinic was cancelled".into()));
    }
    if now >= starts_at {
        return Err(AppError::Conflict(
            "questions are sent before the clinic starts".into(),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests;
