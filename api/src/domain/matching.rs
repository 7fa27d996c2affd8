//! The optimal assignment of requests to mentors: the greatest total weight
//! that respects each mentor's capacity, takes each request at most once, and
//! gives a learner a given mentor at most once (a learner's several requests
//! may go to different mentors). Exact: a min-cost flow, computed by
//! successive shortest paths (Dijkstra with potentials), one request at a
//! time.
//!
//! Network: every request holds one unit, which goes to the sink either
//! through a mentor (request → mentor at cost −weight, capacity 1; mentor →
//! sink, capacity = the mentor's free places) or unmatched (request → sink
//! at cost 0). For a learner with several requests, a mentor who could take
//! two of them is reached through a node for that learner and mentor, of
//! capacity 1: the rule is part of the network, so the optimum found is the
//! optimum under it.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};

/// One request's options: (mentor index, weight > 0).
pub type Options = Vec<(usize, i64)>;

/// One request: whose it is (any number identifying the learner), and its options.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub learner: i64,
    pub options: Options,
}

struct Edge {
    to: usize,
    rev: usize,
    cap: i64,
    cost: i64,
}

fn add(graph: &mut [Vec<Edge>], from: usize, to: usize, cap: i64, cost: i64) {
    let rev_from = graph[to].len();
    let rev_to = graph[from].len();
    graph[from].push(Edge {
        to,
        rev: rev_from,
        cap,
        cost,
    });
    graph[to].push(Edge {
        to: from,
        rev: rev_to,
        cap: 0,
        cost: -cost,
    });
}

/// Picks a mentor (index into `capacities`) for some of the requests so the
/// sum of weights is the largest possible under the rules above. Returns
/// (request index, mentor index).
pub fn assign(requests: &[Request], capacities: &[u32]) -> Vec<(usize, usize)> {
    let r = requests.len();
    let m = capacities.len();
    let mut requests_of: HashMap<i64, usize> = HashMap::new();
    for request in requests {
        *requests_of.entry(request.learner).or_default() += 1;
    }
    // Nodes in topological order: (an unused 0), requests, learner–mentor
    // nodes, mentors, sink; every forward edge goes to a higher index.
    // A learner–mentor node only where it is needed: a mentor who could take
    // two or more of one learner's requests.
    let mut shared: HashMap<(i64, usize), u32> = HashMap::new();
    for request in requests {
        if requests_of.get(&request.learner).copied().unwrap_or(0) < 2 {
            continue;
        }
        for &(mentor, weight) in &request.options {
            if mentor < m && weight > 0 {
                *shared.entry((request.learner, mentor)).or_default() += 1;
            }
        }
    }
    let mut pairs: HashMap<(i64, usize), usize> = HashMap::new();
    let mut pair_mentor: Vec<usize> = Vec::new();
    for request in requests {
        for &(mentor, weight) in &request.options {
            let key = (request.learner, mentor);
            if mentor < m && weight > 0 && shared.get(&key).copied().unwrap_or(0) >= 2 {
                pairs.entry(key).or_insert_with(|| {
                    pair_mentor.push(mentor);
                    pair_mentor.len() - 1
                });
            }
        }
    }
    let p = pair_mentor.len();
    let mentor_node = |j: usize| 1 + r + p + j;
    let sink = 1 + r + p + m;
    let n = sink + 1;
    let mut graph: Vec<Vec<Edge>> = (0..n).map(|_| Vec::new()).collect();
    for (i, request) in requests.iter().enumerate() {
        for &(mentor, weight) in &request.options {
            if mentor >= m || weight <= 0 {
                continue;
            }
            match pairs.get(&(request.learner, mentor)) {
                Some(&pair) => add(&mut graph, 1 + i, 1 + r + pair, 1, -weight),
                None => add(&mut graph, 1 + i, mentor_node(mentor), 1, -weight),
            }
        }
        // Unmatched: added last, so a tie goes to a mentor.
        add(&mut graph, 1 + i, sink, 1, 0);
    }
    for (pair, &mentor) in pair_mentor.iter().enumerate() {
        add(&mut graph, 1 + r + pair, mentor_node(mentor), 1, 0);
    }
    for (j, cap) in capacities.iter().enumerate() {
        if *cap > 0 {
            add(&mut graph, mentor_node(j), sink, i64::from(*cap), 0);
        }
    }

    // Initial potentials: shortest distances from the requests in the
    // acyclic network, one pass in topological order (nodes out of reach
    // keep 0, which keeps their edges' reduced costs non-negative as every
    // cost is ≤ 0).
    let mut potential = vec![0i64; n];
    let mut reached = vec![false; n];
    reached[1..=r].fill(true);
    for u in 0..n {
        if !reached[u] {
            continue;
        }
        for e in &graph[u] {
            if e.cap > 0 && e.to > u {
                let through = potential[u] + e.cost;
                if !reached[e.to] || through < potential[e.to] {
                    potential[e.to] = through;
                    reached[e.to] = true;
                }
            }
        }
    }

    // Each request's unit in turn, along the cheapest path in the residual
    // network (which may move earlier requests to other mentors). Every step
    // keeps the flow of minimum cost for the units sent so far, so the last
    // is the optimum.
    const INF: i64 = i64::MAX / 4;
    let mut dist = vec![INF; n];
    let mut prev: Vec<Option<(usize, usize)>> = vec![None; n];
    let mut settled = vec![false; n];
    let mut heap = BinaryHeap::new();
    for start in 1..=r {
        dist.fill(INF);
        prev.fill(None);
        settled.fill(false);
        heap.clear();
        dist[start] = 0;
        heap.push(Reverse((0i64, start)));
        while let Some(Reverse((d, u))) = heap.pop() {
            if settled[u] || d > dist[u] {
                continue;
            }
            settled[u] = true;
            // Nothing beyond the sink can shorten the path to it.
            if u == sink {
                break;
            }
            for (k, e) in graph[u].iter().enumerate() {
                if e.cap <= 0 || settled[e.to] {
                    continue;
                }
                let next = d + e.cost + potential[u] - potential[e.to];
                // Reduced costs are never negative: a node already as far as
                // the sink's best distance cannot lead to a shorter path.
                if next < dist[e.to] && (e.to == sink || next < dist[sink]) {
                    dist[e.to] = next;
                    prev[e.to] = Some((u, k));
                    heap.push(Reverse((next, e.to)));
                }
            }
        }
        if dist[sink] >= INF {
            // Cannot happen: the unmatched edge always leads to the sink.
            continue;
        }
        // Nodes not settled before the sink move by the sink's distance,
        // which keeps every reduced cost non-negative.
        let reach = dist[sink];
        for v in 0..n {
            potential[v] += if settled[v] { dist[v] } else { reach };
        }
        let mut v = sink;
        while let Some((u, k)) = prev[v] {
            let rev = graph[u][k].rev;
            graph[u][k].cap -= 1;
            graph[v][rev].cap += 1;
            v = u;
        }
    }

    let mut out = Vec::new();
    for i in 0..r {
        for e in &graph[1 + i] {
            // A used forward edge: no capacity left, and a weight behind it.
            if e.to <= r || e.cap != 0 || e.cost >= 0 {
                continue;
            }
            let mentor = if e.to >= mentor_node(0) {
                e.to - mentor_node(0)
            } else {
                pair_mentor[e.to - 1 - r]
            };
            out.push((i, mentor));
        }
    }
    out
}

/// The total weight of an assignment.
pub fn total(requests: &[Request], assignment: &[(usize, usize)]) -> i64 {
    assignment
        .iter()
        .filter_map(|(i, j)| {
            requests[*i]
                .options
                .iter()
                .find(|(m, _)| m == j)
                .map(|(_, w)| *w)
        })
        .sum()
}

#[cfg(test)]
mod tests;
