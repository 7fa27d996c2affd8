//! Unit tests of the parent module.

use super::*;

fn candidate(id: i64, levels: &[(i64, i32)], free: u32, max: u32) -> Candidate {
    Candidate {
        mentor_id: id,
        levels: levels.iter().copied().collect(),
        free_capacity: free,
        max_mentees: max,
    }
}

#[test]
fn the_score_follows_the_formula_and_explains_itself() {
    let learner: HashMap<i64, i32> = [(1, 1), (2, 3)].into_iter().collect();
    let c = candidate(7, &[(1, 5), (2, 4), (3, 5)], 1, 2);
    let s = score(&[1, 2], &learner, &c).expect("scores");
    // (5−1)×5 = 20 and (4−3)×4 = 4, plus 0.5 × 1/2 = 0.25.
    assert_eq!(s.score, 24_250);
    assert_eq!(
        s.reasons,
        vec![
            Reason {
                skill_id: 1,
                mentor_level: 5,
                learner_level: 1,
                points: 20
            },
            Reason {
                skill_id: 2,
                mentor_level: 4,
                learner_level: 3,
                points: 4
            },
        ]
    );
}

#[test]
fn weak_or_full_mentors_do_not_score() {
    let learner: HashMap<i64, i32> = [(1, 4)].into_iter().collect();
    assert!(
        score(&[1], &learner, &candidate(1, &[(1, 4)], 1, 1)).is_none(),
        "not above the learner"
    );
    assert!(
        score(&[1], &HashMap::new(), &candidate(1, &[(1, 2)], 1, 1)).is_none(),
        "below level 3"
    );
    assert!(
        score(&[1], &HashMap::new(), &candidate(1, &[(1, 5)], 0, 1)).is_none(),
        "no free capacity"
    );
}

#[test]
fn ranking_is_deterministic() {
    let cs = vec![
        candidate(3, &[(1, 5)], 1, 2),
        candidate(2, &[(1, 5)], 2, 4),
        candidate(1, &[(1, 5)], 2, 2),
    ];
    let ranked: Vec<i64> = rank(&[1], &HashMap::new(), &cs)
        .iter()
        .map(|s| s.mentor_id)
        .collect();
    // 1 has bonus 0.5; 2 and 3 have 0.25 each, and 2 has more free capacity.
    assert_eq!(ranked, vec![1, 2, 3]);
}

#[test]
fn only_the_listed_transitions_exist() {
    use PairingStatus::*;
    let all = [Proposed, Active, Declined, Cancelled, Completed];
    let events = [
        Event::Accept,
        Event::Decline,
        Event::Withdraw,
        Event::Complete,
        Event::Cancel,
    ];
    let allowed: Vec<_> = all
        .iter()
        .flat_map(|from| {
            events
                .iter()
                .filter_map(move |e| transition(*from, *e).map(|to| (*from, *e, to)))
        })
        .collect();
    assert_eq!(
        allowed,
        vec![
            (Proposed, Event::Accept, Active),
            (Proposed, Event::Decline, Declined),
            (Proposed, Event::Withdraw, Cancelled),
            (Active, Event::Complete, Completed),
            (Active, Event::Cancel, Cancelled),
        ]
    );
}

#[test]
fn request_status_follows_its_pairings() {
    use PairingStatus::*;
    assert_eq!(
        request_status(RequestStatus::Open, &[Proposed]),
        RequestStatus::Matched
    );
    assert_eq!(
        request_status(RequestStatus::Matched, &[Declined, Cancelled]),
        RequestStatus::Open
    );
    assert_eq!(
        request_status(RequestStatus::Matched, &[Completed]),
        RequestStatus::Closed
    );
    assert_eq!(
        request_status(RequestStatus::Withdrawn, &[Active]),
        RequestStatus::Withdrawn
    );
}

/// The best total score by trying every assignment: each request to nobody
/// or to one of the mentors the rules allow.
fn brute_force(pool: &Pool) -> i64 {
    fn go(i: usize, pool: &Pool, left: &mut Vec<u32>, taken: &mut HashSet<(i64, i64)>) -> i64 {
        let Some(request) = pool.requests.get(i) else {
            return 0;
        };
        let mut best = go(i + 1, pool, left, taken);
        let empty = HashMap::new();
        let levels = pool
            .learner_levels
            .get(&request.learner_id)
            .unwrap_or(&empty);
        for (j, mentor) in pool.mentors.iter().enumerate() {
            let pair = (request.learner_id, mentor.mentor_id);
            if left[j] == 0
                || mentor.mentor_id == request.learner_id
                || pool.paired.contains(&pair)
                || taken.contains(&pair)
            {
                continue;
            }
            let Some(s) = score(&request.skills, levels, mentor) else {
                continue;
            };
            left[j] -= 1;
            taken.insert(pair);
            best = best.max(s.score + go(i + 1, pool, left, taken));
            taken.remove(&pair);
            left[j] += 1;
        }
        best
    }
    let mut left: Vec<u32> = pool.mentors.iter().map(|m| m.free_capacity).collect();
    go(0, pool, &mut left, &mut HashSet::new())
}

#[test]
fn the_counterexample_gets_the_optimal_total() {
    // One learner (1): R1 asks for LinkedIn (10), R2 for TikTok (20). Mentor
    // A (2) is level 5 in both with 2 places; mentor B (3) is level 4 in
    // LinkedIn with 1 place.
    let pool = Pool {
        requests: vec![
            OpenRequest {
                id: 100,
                learner_id: 1,
                skills: vec![10],
            },
            OpenRequest {
                id: 101,
                learner_id: 1,
                skills: vec![20],
            },
        ],
        learner_levels: HashMap::new(),
        mentors: vec![
            candidate(2, &[(10, 5), (20, 5)], 2, 2),
            candidate(3, &[(10, 4)], 1, 1),
        ],
        paired: HashSet::new(),
    };
    let planned = plan(&pool);
    let chosen: Vec<(i64, i64)> = planned
        .iter()
        .map(|m| (pool.requests[m.request].id, m.suggestion.mentor_id))
        .collect();
    assert_eq!(chosen, vec![(100, 3), (101, 2)]);
    // 25.5 (A for TikTok) + 16.5 (B for LinkedIn), where dropping a pair
    // after the fact gave 25.5.
    let total: i64 = planned.iter().map(|m| m.suggestion.score).sum();
    assert_eq!(total, 42_000);
    assert_eq!(total, brute_force(&pool));
}

fn arbitrary_pool() -> impl Strategy<Value = Pool> {
    use proptest::collection::{hash_set, vec};
    let mentor = (vec(0i32..=5, 3), 0u32..=3, 1u32..=3);
    let request = (1i64..=3, hash_set(0i64..3, 1..=3));
    (
        vec(request, 0..=6),
        vec(mentor, 0..=4),
        vec(vec(0i32..=4, 3), 3),
        hash_set((1i64..=3, 1i64..=4), 0..=3),
    )
        .prop_map(|(requests, mentors, learner_levels, paired)| Pool {
            requests: requests
                .into_iter()
                .enumerate()
                .map(|(i, (learner_id, skills))| {
                    let mut skills: Vec<i64> = skills.into_iter().collect();
                    skills.sort_unstable();
                    OpenRequest {
                        id: i as i64,
                        learner_id,
                        skills,
                    }
                })
                .collect(),
            // Mentors are members 1..=4: learners (1..=3) may mentor too.
            mentors: mentors
                .into_iter()
                .enumerate()
                .map(|(i, (levels, free, max))| Candidate {
                    mentor_id: i as i64 + 1,
                    levels: levels
                        .into_iter()
                        .enumerate()
                        .map(|(skill, level)| (skill as i64, level))
                        .collect(),
                    free_capacity: free.min(max),
                    max_mentees: max,
                })
                .collect(),
            learner_levels: learner_levels
                .into_iter()
                .enumerate()
                .map(|(i, levels)| {
                    (
                        i as i64 + 1,
                        levels
                            .into_iter()
                            .enumerate()
                            .map(|(skill, level)| (skill as i64, level))
                            .collect(),
                    )
                })
                .collect(),
            paired,
        })
}

use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]
    /// autoMatch's plan against every possible assignment, on small random
    /// organisations: learners with several requests, mentors with several
    /// places (some of them learners too), existing pairings, many ties.
    #[test]
    fn the_plan_is_the_brute_force_optimum(pool in arbitrary_pool()) {
        let planned = plan(&pool);
        let mut used: HashMap<i64, u32> = HashMap::new();
        let mut requests = HashSet::new();
        let mut pairs = HashSet::new();
        for m in &planned {
            let request = &pool.requests[m.request];
            let mentor = m.suggestion.mentor_id;
            prop_assert!(requests.insert(m.request), "a request matched twice");
            prop_assert!(pairs.insert((request.learner_id, mentor)), "a learner given a mentor twice");
            prop_assert!(mentor != request.learner_id);
            prop_assert!(!pool.paired.contains(&(request.learner_id, mentor)));
            *used.entry(mentor).or_default() += 1;
        }
        for mentor in &pool.mentors {
            prop_assert!(used.get(&mentor.mentor_id).copied().unwrap_or(0) <= mentor.free_capacity);
        }
        let total: i64 = planned.iter().map(|m| m.suggestion.score).sum();
        prop_assert_eq!(total, brute_force(&pool));
    }
}

#[test]
fn feedback_is_revealed_when_both_have_spoken_or_two_weeks_after_the_end() {
    use chrono::{Duration, TimeZone, Utc};
    let ended = Utc.with_ymd_and_hms(2026, 11, 1, 12, 0, 0).unwrap();
    assert!(!feedback_revealed(1, None, ended));
    assert!(feedback_revealed(2, None, ended));
    assert!(!feedback_revealed(
        1,
        Some(ended),
        ended + Duration::days(14) - Duration::seconds(1)
    ));
    assert!(feedback_revealed(
        1,
        Some(ended),
        ended + Duration::days(14)
    ));
}

#[test]
fn free_places_never_go_negative_and_close_when_not_accepting() {
    assert_eq!(free_places(3, 1, true), 2);
    assert_eq!(free_places(2, 3, true), 0);
    assert_eq!(free_places(3, 1, false), 0);
}
