use chrono::{Days, NaiveDate};
use proptest::prelude::*;

use super::*;

fn day(d: u64) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 1, 1).unwrap() + Days::new(d)
}

fn figures(d: u64, followers: i64, posts: i64, reactions: i64) -> Figures {
    Figures {
        taken_on: day(d),
        followers,
        posts,
        reactions,
        comments: 0,
        shares: 0,
    }
}

#[test]
fn engagement_rate_is_interactions_per_post_and_follower() {
    let f = Figures {
        taken_on: day(0),
        followers: 200,
        posts: 4,
        reactions: 30,
        comments: 6,
        shares: 4,
    };
    assert_eq!(f.engagement_rate(), Some(40.0 / 800.0));
    assert_eq!(figures(0, 0, 4, 3).engagement_rate(), None);
    assert_eq!(figures(0, 100, 0, 3).engagement_rate(), None);
}

#[test]
fn growth_reads_the_first_and_last_and_sums_what_came_after_the_first() {
    let growth = Growth::of(&[
        figures(14, 150, 2, 10),
        figures(0, 100, 9, 99),
        figures(7, 120, 3, 12),
    ])
    .unwrap();
    assert_eq!((growth.followers_start, growth.followers_end), (100, 150));
    assert_eq!((growth.posts, growth.interactions), (5, 22));
    assert_eq!(growth.follower_growth(), Some(0.5));
    assert_eq!(
        growth.average_engagement_rate(),
        Some(22.0 / (3.0 * 120.0 + 2.0 * 150.0))
    );
    assert_eq!(Growth::of(&[]), None);
    let single = Growth::of(&[figures(0, 0, 1, 1)]).unwrap();
    assert_eq!(
        (single.follower_growth(), single.average_engagement_rate()),
        (None, None)
    );
}

#[test]
fn a_platform_shows_figures_only_from_five_members() {
    let g = |start, end| Growth {
        followers_start: start,
        followers_end: end,
        posts: 2,
        interactions: 4,
        reach: (2 * end) as f64,
    };
    // Four members, one with two channels: withheld.
    let four: Vec<(i64, Growth)> = vec![
        (1, g(10, 20)),
        (1, g(5, 5)),
        (2, g(10, 10)),
        (3, g(1, 2)),
        (4, g(3, 3)),
    ];
    assert_eq!(
        platform(&four),
        PlatformFigures {
            contributors: 4,
            figures: None
        }
    );
    let mut five = four.clone();
    five.push((5, g(1, 1)));
    let report = platform(&five);
    assert_eq!(report.contributors, 5);
    let totals = report.figures.unwrap();
    assert_eq!((totals.followers_start, totals.followers_end), (30, 41));
    assert_eq!(totals.posts, 12);
    assert_eq!(totals.follower_growth(), Some(11.0 / 30.0));
    // Rates 4/40, 4/10, 4/20, 4/4, 4/6, 4/2 → median of the middle two.
    assert_eq!(
        totals.median_engagement_rate,
        Some((4.0 / 10.0 + 4.0 / 6.0) / 2.0)
    );
}

#[test]
fn days_out_of_reach_are_refused() {
    let today = day(100);
    let ancient = Figures {
        taken_on: NaiveDate::from_ymd_opt(1989, 12, 31).unwrap(),
        ..figures(0, 1, 1, 1)
    };
    assert!(ancient.check(today).is_err());
    assert!(figures(100, 1, 1, 1).check(today).is_ok());
    assert!(range(day(0), day(1)).is_ok());
    assert!(range(day(1), day(0)).is_err());
    assert!(range(NaiveDate::from_ymd_opt(-5, 1, 1).unwrap(), day(0)).is_err());
}

#[test]
fn medians_of_odd_even_and_none() {
    assert_eq!(median(&mut [3.0, 1.0, 2.0]), Some(2.0));
    assert_eq!(median(&mut [4.0, 1.0, 3.0, 2.0]), Some(2.5));
    assert_eq!(median(&mut []), None);
}

#[test]
fn an_import_is_all_or_nothing_and_names_the_first_bad_line() {
    let today = day(100);
    let ok = "date,followers,posts,reactions,comments,shares\n2026-01-01,10,1,2,3,4\n\n2026-01-08,12,2,0,0,0\n2026-01-01,11,1,1,1,1\n";
    let rows = parse_csv(ok, today).unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[1].followers, 11, "a repeated date keeps its later row");
    for (text, line) in [
        ("date;followers\n", "line 1"),
        (
            "date,followers,posts,reactions,comments,shares\n2026-01-01,10,1,2,3\n",
            "line 2",
        ),
        (
            "date,followers,posts,reactions,comments,shares\n2026-01-01,1,1,1,1,1\n2026-13-01,1,1,1,1,1\n",
            "line 3",
        ),
        (
            "date,followers,posts,reactions,comments,shares\n2026-01-01,-1,1,1,1,1\n",
            "line 2",
        ),
        (
            "date,followers,posts,reactions,comments,shares\n2026-01-01,1000000001,1,1,1,1\n",
            "line 2",
        ),
        (
            "date,followers,posts,reactions,comments,shares\n2026-01-01,1.5,1,1,1,1\n",
            "line 2",
        ),
        (
            "date,followers,posts,reactions,comments,shares\n2026-06-01,1,1,1,1,1\n",
            "line 2",
        ),
        ("date,followers,posts,reactions,comments,shares\n", "line 2"),
    ] {
        let err = parse_csv(text, today).unwrap_err().to_string();
        assert!(err.starts_with(line), "{text:?}: {err}");
    }
    let many = format!(
        "{CSV_HEADER}\n{}",
        "2026-01-01,1,1,1,1,1\n".repeat(MAX_IMPORT_ROWS + 1)
    );
    assert!(
        parse_csv(&many, today)
            .unwrap_err()
            .to_string()
            .contains("5,000")
    );
}

fn series() -> impl Strategy<Value = Vec<Figures>> {
    prop::collection::vec((0_i64..100_000, 0_i64..50, 0_i64..5_000), 2..30).prop_map(|rows| {
        rows.into_iter()
            .enumerate()
            .map(|(i, (followers, posts, reactions))| {
                figures(i as u64 * 7, followers, posts, reactions)
            })
            .collect()
    })
}

proptest! {
    #[test]
    fn growth_over_a_range_composes_from_its_halves(snapshots in series(), cut in 0_usize..30) {
        let cut = cut % snapshots.len();
        let whole = Growth::of(&snapshots).unwrap();
        let first = Growth::of(&snapshots[..=cut]).unwrap();
        let second = Growth::of(&snapshots[cut..]).unwrap();
        prop_assert_eq!(whole.followers_start, first.followers_start);
        prop_assert_eq!(whole.followers_end, second.followers_end);
        prop_assert_eq!(first.followers_end, second.followers_start);
        prop_assert_eq!(whole.posts, first.posts + second.posts);
        prop_assert_eq!(whole.interactions, first.interactions + second.interactions);
        if let (Some(a), Some(b), Some(total)) =
            (first.follower_growth(), second.follower_growth(), whole.follower_growth())
        {
            prop_assert!(((1.0 + a) * (1.0 + b) - (1.0 + total)).abs() < 1e-9);
        }
    }

    #[test]
    fn a_reports_totals_are_the_sums_over_its_contributors(
        channels in prop::collection::vec((1_i64..12, series()), 0..20)
    ) {
        let grown: Vec<(i64, Growth)> = channels
            .iter()
            .map(|(member, s)| (*member, Growth::of(s).unwrap()))
            .collect();
        let report = platform(&grown);
        let mut members: Vec<i64> = grown.iter().map(|(m, _)| *m).collect();
        members.sort_unstable();
        members.dedup();
        prop_assert_eq!(report.contributors, members.len());
        match report.figures {
            None => prop_assert!(members.len() < MIN_CONTRIBUTORS),
            Some(totals) => {
                prop_assert!(members.len() >= MIN_CONTRIBUTORS);
                prop_assert_eq!(totals.followers_end, grown.iter().map(|(_, g)| g.followers_end).sum::<i64>());
                prop_assert_eq!(totals.posts, grown.iter().map(|(_, g)| g.posts).sum::<i64>());
                prop_assert_eq!(totals.interactions, grown.iter().map(|(_, g)| g.interactions).sum::<i64>());
            }
        }
    }
}
