//! autoMatch's solver on a large organisation: 1,000 open requests, 300
//! mentors with 1–3 free places and 5 skills each, 15 skills in all.
//! Run with `cargo bench -p voimavara-api --bench automatch`.

use std::collections::HashMap;
use std::time::Instant;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use voimavara_api::domain::matching;
use voimavara_api::domain::mentoring::{self, Candidate};

fn main() {
    let mut rng = StdRng::seed_from_u64(2026);
    let skills: Vec<i64> = (1..=15).collect();
    let mentors: Vec<Candidate> = (0..300)
        .map(|id| {
            let mut levels = HashMap::new();
            while levels.len() < 5 {
                levels.insert(
                    skills[rng.random_range(0..skills.len())],
                    rng.random_range(3..=5),
                );
            }
            let max = rng.random_range(1..=3);
            Candidate {
                mentor_id: id,
                levels,
                free_capacity: max,
                max_mentees: max,
            }
        })
        .collect();
    let requests: Vec<(Vec<i64>, HashMap<i64, i32>)> = (0..1000)
        .map(|_| {
            let count = rng.random_range(1..=5);
            let mut wanted: Vec<i64> = (0..count)
                .map(|_| skills[rng.random_range(0..skills.len())])
                .collect();
            wanted.sort_unstable();
            wanted.dedup();
            let levels = wanted
                .iter()
                .map(|s| (*s, rng.random_range(0..=3)))
                .collect();
            (wanted, levels)
        })
        .collect();

    let mut best = f64::MAX;
    let mut total = 0;
    let mut edges = 0;
    for _ in 0..5 {
        let started = Instant::now();
        let options: Vec<matching::Request> = requests
            .iter()
            .enumerate()
            .map(|(i, (wanted, levels))| matching::Request {
                // Every third learner has two requests.
                learner: (i - i % 3 / 2) as i64,
                options: mentors
                    .iter()
                    .enumerate()
                    .filter_map(|(i, m)| mentoring::score(wanted, levels, m).map(|s| (i, s.score)))
                    .collect(),
            })
            .collect();
        let capacities: Vec<u32> = mentors.iter().map(|m| m.free_capacity).collect();
        let assignment = matching::assign(&options, &capacities);
        let elapsed = started.elapsed().as_secs_f64();
        best = best.min(elapsed);
        total = matching::total(&options, &assignment);
        edges = options.iter().map(|r| r.options.len()).sum::<usize>();
        println!(
            "run: {:.1} ms, {} pairings",
            elapsed * 1000.0,
            assignment.len()
        );
    }
    println!(
        "autoMatch solve (scoring + min-cost flow), 1000 requests x 300 mentors, {edges} candidate edges: best {:.1} ms, total score {:.3}",
        best * 1000.0,
        total as f64 / mentoring::SCALE as f64
    );
}
