//! Unit tests of the parent module.

use std::collections::HashSet;

use super::*;
use proptest::prelude::*;

fn brute_force(requests: &[Request], capacities: &[u32]) -> i64 {
    fn go(
        i: usize,
        requests: &[Request],
        left: &mut Vec<u32>,
        taken: &mut HashSet<(i64, usize)>,
    ) -> i64 {
        if i == requests.len() {
            return 0;
        }
        let mut best = go(i + 1, requests, left, taken);
        let learner = requests[i].learner;
        for &(m, w) in &requests[i].options {
            if w > 0 && left[m] > 0 && !taken.contains(&(learner, m)) {
                left[m] -= 1;
                taken.insert((learner, m));
                best = best.max(w + go(i + 1, requests, left, taken));
                taken.remove(&(learner, m));
                left[m] += 1;
            }
        }
        best
    }
    go(0, requests, &mut capacities.to_vec(), &mut HashSet::new())
}

fn valid(requests: &[Request], capacities: &[u32], assignment: &[(usize, usize)]) -> bool {
    let mut used = vec![0u32; capacities.len()];
    let mut seen = HashSet::new();
    let mut pairs = HashSet::new();
    for (i, j) in assignment {
        if !seen.insert(*i) || !requests[*i].options.iter().any(|(m, _)| m == j) {
            return false;
        }
        if !pairs.insert((requests[*i].learner, *j)) {
            return false;
        }
        used[*j] += 1;
    }
    used.iter().zip(capacities).all(|(u, c)| u <= c)
}

fn one_each(options: Vec<Options>) -> Vec<Request> {
    options
        .into_iter()
        .enumerate()
        .map(|(i, options)| Request {
            learner: i as i64,
            options,
        })
        .collect()
}

#[test]
fn greedy_is_not_enough_here() {
    // Greedy gives request 0 its best mentor (0, weight 10) and leaves
    // request 1 with nothing: 10. The optimum is 9 + 8 = 17.
    let requests = one_each(vec![vec![(0, 10), (1, 9)], vec![(0, 8)]]);
    let assignment = assign(&requests, &[1, 1]);
    assert_eq!(total(&requests, &assignment), 17);
}

#[test]
fn a_learners_two_requests_go_to_two_mentors_when_that_scores_more() {
    // One learner: R1 (LinkedIn) and R2 (TikTok). Mentor A (0) is level 5 in
    // both with 2 places; mentor B (1) is level 4 in LinkedIn with 1 place.
    // A may take only one of the learner's requests: R1→B plus R2→A wins.
    let requests = vec![
        Request {
            learner: 7,
            options: vec![(0, 25_500), (1, 16_250)],
        },
        Request {
            learner: 7,
            options: vec![(0, 25_500)],
        },
    ];
    let assignment = assign(&requests, &[2, 1]);
    assert!(valid(&requests, &[2, 1], &assignment));
    let mut sorted = assignment.clone();
    sorted.sort_unstable();
    assert_eq!(sorted, vec![(0, 1), (1, 0)]);
    assert_eq!(total(&requests, &assignment), 41_750);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]
    #[test]
    fn the_total_equals_the_brute_force_optimum(
        weights in proptest::collection::vec(
            (0i64..3, proptest::collection::vec(proptest::option::of(1i64..6), 4)),
            0..=7,
        ),
        capacities in proptest::collection::vec(0u32..=3, 4),
    ) {
        // Few learners, small weights: several requests per learner, and ties.
        let requests: Vec<Request> = weights
            .iter()
            .map(|(learner, row)| Request {
                learner: *learner,
                options: row.iter().enumerate().filter_map(|(m, w)| w.map(|w| (m, w))).collect(),
            })
            .collect();
        let assignment = assign(&requests, &capacities);
        prop_assert!(valid(&requests, &capacities, &assignment));
        prop_assert_eq!(total(&requests, &assignment), brute_force(&requests, &capacities));
    }
}
