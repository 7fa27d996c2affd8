//! Unit tests of the parent module.

use super::*;
use proptest::prelude::*;

fn brute_force(requests: &[Options], capacities: &[u32]) -> i64 {
    fn go(i: usize, requests: &[Options], left: &mut Vec<u32>) -> i64 {
        if i == requests.len() {
            return 0;
        }
        let mut best = go(i + 1, requests, left);
        for &(m, w) in &requests[i] {
            if w > 0 && left[m] > 0 {
                left[m] -= 1;
                best = best.max(w + go(i + 1, requests, left));
                left[m] += 1;
            }
        }
        best
    }
    go(0, requests, &mut capacities.to_vec())
}

fn valid(requests: &[Options], capacities: &[u32], assignment: &[(usize, usize)]) -> bool {
    let mut used = vec![0u32; capacities.len()];
    let mut seen = std::collections::HashSet::new();
    for (i, j) in assignment {
        if !seen.insert(*i) || !requests[*i].iter().any(|(m, _)| m == j) {
            return false;
        }
        used[*j] += 1;
    }
    used.iter().zip(capacities).all(|(u, c)| u <= c)
}

#[test]
fn greedy_is_not_enough_here() {
    // Greedy gives request 0 its best mentor (0, weight 10) and leaves
    // request 1 with nothing: 10. The optimum is 9 + 8 = 17.
    let requests = vec![vec![(0, 10), (1, 9)], vec![(0, 8)]];
    let assignment = assign(&requests, &[1, 1]);
    assert_eq!(total(&requests, &assignment), 17);
}

proptest! {
    #[test]
    fn the_total_equals_the_brute_force_optimum(
        weights in proptest::collection::vec(proptest::collection::vec(proptest::option::of(1i64..50), 4), 0..=7),
        capacities in proptest::collection::vec(0u32..=3, 4),
    ) {
        let requests: Vec<Options> = weights
            .iter()
            .map(|row| row.iter().enumerate().filter_map(|(m, w)| w.map(|w| (m, w))).collect())
            .collect();
        let assignment = assign(&requests, &capacities);
        prop_assert!(valid(&requests, &capacities, &assignment));
        prop_assert_eq!(total(&requests, &assignment), brute_force(&requests, &capacities));
    }
}
