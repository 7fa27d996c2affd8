use chrono::{NaiveDate, TimeZone, Utc};
use proptest::prelude::*;

use super::*;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn sums(contributors: u32, followers: i64) -> Sums {
    Sums {
        contributors,
        followers,
        posts: 40,
        interactions: 200,
        reach: 40_000.0,
    }
}

fn goal(status: GoalStatus, target: f64) -> Goal {
    Goal {
        status,
        metric: Metric::Followers,
        target,
        starts_on: day(2026, 1, 1),
        due_on: day(2026, 6, 30),
    }
}

#[test]
fn a_figure_needs_five_members_and_a_rate_needs_reach() {
    assert_eq!(figure(Metric::Followers, &sums(4, 1_000)), None);
    assert_eq!(figure(Metric::Followers, &sums(5, 1_000)), Some(1_000.0));
    assert_eq!(figure(Metric::Posts, &sums(5, 1_000)), Some(40.0));
    assert_eq!(figure(Metric::Interactions, &sums(5, 1_000)), Some(200.0));
    assert_eq!(
        figure(Metric::EngagementRate, &sums(5, 1_000)),
        Some(200.0 / 40_000.0)
    );
    let no_reach = Sums {
        reach: 0.0,
        ..sums(5, 1_000)
    };
    assert_eq!(figure(Metric::EngagementRate, &no_reach), None);
}

#[test]
fn the_window_is_four_weeks_up_to_and_including_the_day() {
    assert_eq!(
        window(day(2026, 3, 28)),
        (day(2026, 3, 1), day(2026, 3, 28))
    );
}

#[test]
fn an_accepted_goal_is_achieved_when_reached_and_missed_after_its_due_day() {
    let g = goal(GoalStatus::Accepted, 1_500.0);
    let start = sums(5, 1_000);
    let half = g.evaluate(&start, &sums(5, 1_250), day(2026, 3, 1));
    assert_eq!(half.status, GoalStatus::Accepted);
    assert_eq!(half.progress, Some(0.5));
    assert_eq!(
        (half.baseline, half.current),
        (Some(1_000.0), Some(1_250.0))
    );
    let done = g.evaluate(&start, &sums(5, 1_600), day(2026, 3, 1));
    assert_eq!(done.status, GoalStatus::Achieved);
    assert_eq!(done.progress, Some(1.0));
    let late = g.evaluate(&start, &sums(5, 1_250), day(2026, 7, 1));
    assert_eq!(late.status, GoalStatus::Missed);
    // Not before it starts, however the figures stand.
    let early = g.evaluate(&start, &sums(5, 1_600), day(2025, 12, 31));
    assert_eq!(early.status, GoalStatus::Accepted);
    // Too few contributors: no figures, no progress, never achieved.
    let few = g.evaluate(&sums(4, 1_000), &sums(4, 9_000), day(2026, 3, 1));
    assert_eq!(
        (few.baseline, few.current, few.progress),
        (None, None, None)
    );
    assert_eq!(few.status, GoalStatus::Accepted);
}

#[test]
fn only_accepted_goals_move() {
    for status in [
        GoalStatus::Proposed,
        GoalStatus::Declined,
        GoalStatus::Achieved,
        GoalStatus::Missed,
    ] {
        let e = goal(status, 10.0).evaluate(&sums(5, 0), &sums(5, 100), day(2027, 1, 1));
        assert_eq!(e.status, status);
    }
}

#[test]
fn a_goal_to_lower_a_figure_is_reached_from_above() {
    assert!(reached(100.0, 80.0, 80.0));
    assert!(!reached(100.0, 90.0, 80.0));
    assert_eq!(progress(100.0, 90.0, 80.0), 0.5);
    assert_eq!(progress(100.0, 100.0, 100.0), 1.0);
}

#[test]
fn targets_and_dates_are_checked_and_named() {
    let today = day(2026, 11, 28);
    let ok = check_goal(Metric::Followers, 1_000.0, today, day(2027, 6, 30), today);
    assert!(ok.is_ok());
    for (metric, target, starts, due, field) in [
        (Metric::Followers, -1.0, today, day(2027, 1, 1), "target"),
        (
            Metric::Followers,
            f64::NAN,
            today,
            day(2027, 1, 1),
            "target",
        ),
        (Metric::Posts, 10.5, today, day(2027, 1, 1), "target"),
        (
            Metric::EngagementRate,
            101.0,
            today,
            day(2027, 1, 1),
            "target",
        ),
        (
            Metric::Followers,
            10.0,
            day(2027, 2, 1),
            day(2027, 1, 1),
            "dueOn",
        ),
        (
            Metric::Followers,
            10.0,
            day(2026, 1, 1),
            day(2026, 11, 27),
            "dueOn",
        ),
        (
            Metric::Followers,
            10.0,
            day(2026, 1, 1),
            day(2040, 1, 1),
            "dueOn",
        ),
    ] {
        let err = check_goal(metric, target, starts, due, today).unwrap_err();
        assert!(
            matches!(err, AppError::BadInput { field: Some(f), .. } if f == field),
            "{metric:?} {target} {starts} {due}: {err:?}"
        );
    }
    assert!(check_goal(Metric::EngagementRate, 0.05, today, today, today).is_ok());
}

#[test]
fn comments_stay_open_to_their_author_for_fifteen_minutes() {
    let at = Utc.with_ymd_and_hms(2026, 11, 28, 9, 0, 0).unwrap();
    assert!(comment_open(at, false, at + Duration::minutes(14)));
    assert!(!comment_open(at, false, at + Duration::minutes(15)));
    assert!(!comment_open(at, true, at));
}

#[test]
fn questions_are_asked_by_the_registered_before_the_start() {
    let starts = Utc.with_ymd_and_hms(2026, 12, 1, 9, 0, 0).unwrap();
    let before = starts - Duration::hours(1);
    assert!(may_ask(true, false, starts, before).is_ok());
    assert!(matches!(
        may_ask(false, false, starts, before),
        Err(AppError::Forbidden(_))
    ));
    assert!(matches!(
        may_ask(true, false, starts, starts),
        Err(AppError::Conflict(_))
    ));
    assert!(matches!(
        may_ask(true, true, starts, before),
        Err(AppError::Conflict(_))
    ));
}

proptest! {
    /// Progress stays within 0–1, is 1 exactly when the target is reached
    /// (for a target away from the baseline), and grows with current.
    #[test]
    fn progress_is_bounded_and_monotone(
        baseline in 0.0..1e6f64,
        target in 0.0..1e6f64,
        current in 0.0..1e6f64,
        more in 0.0..1e3f64,
    ) {
        let p = progress(baseline, current, target);
        prop_assert!((0.0..=1.0).contains(&p));
        if (target - baseline).abs() > 1e-9 && reached(baseline, current, target) {
            prop_assert_eq!(p, 1.0);
        }
        let moved = if target >= baseline { current + more } else { current - more };
        prop_assert!(progress(baseline, moved, target) >= p);
    }
}
