//! The optimal assignment of requests to mentors: the greatest total weight
//! that respects each mentor's capacity, each request taken at most once.
//! Exact: min-cost flow by successive shortest paths (Dijkstra with
//! potentials), stopping when no augmenting path improves the total.
//!
//! Network: source → request (capacity 1) → mentor (capacity 1, cost −weight)
//! → sink (capacity = the mentor's free places).

use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// One request's options: (mentor index, weight > 0).
pub type Options = Vec<(usize, i64)>;

struct Edge {
    to: usize,
    rev: usize,
    cap: i64,
    cost: i64,
}

/// Picks a mentor (index into `capacities`) for some of the requests so the
/// sum of weights is the largest possible. Returns (request index, mentor index).
pub fn assign(requests: &[Options], capacities: &[u32]) -> Vec<(usize, usize)> {
    let r = requests.len();
    let m = capacities.len();
    let source = 0;
    let sink = r + m + 1;
    let n = sink + 1;
    let mut graph: Vec<Vec<Edge>> = (0..n).map(|_| Vec::new()).collect();
    let add = |graph: &mut Vec<Vec<Edge>>, from: usize, to: usize, cap: i64, cost: i64| {
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
    };
    for (i, options) in requests.iter().enumerate() {
        add(&mut graph, source, 1 + i, 1, 0);
        for &(mentor, weight) in options {
            if mentor < m && weight > 0 {
                add(&mut graph, 1 + i, 1 + r + mentor, 1, -weight);
            }
        }
    }
    for (j, cap) in capacities.iter().enumerate() {
        if *cap > 0 {
            add(&mut graph, 1 + r + j, sink, i64::from(*cap), 0);
        }
    }

    // Initial potentials: shortest distances in the acyclic network.
    let mut potential = vec![0i64; n];
    for j in 0..m {
        potential[1 + r + j] = graph
            .iter()
            .take(1 + r)
            .skip(1)
            .flat_map(|edges| edges.iter())
            .filter(|e| e.to == 1 + r + j && e.cap > 0)
            .map(|e| e.cost)
            .min()
            .unwrap_or(0)
            .min(0);
    }
    potential[sink] = (0..m)
        .map(|j| potential[1 + r + j])
        .min()
        .unwrap_or(0)
        .min(0);

    const INF: i64 = i64::MAX / 4;
    loop {
        let mut dist = vec![INF; n];
        let mut prev: Vec<Option<(usize, usize)>> = vec![None; n];
        dist[source] = 0;
        let mut heap = BinaryHeap::new();
        heap.push(Reverse((0i64, source)));
        let mut settled = vec![false; n];
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
                let reduced = e.cost + potential[u] - potential[e.to];
                let next = d + reduced;
                if next < dist[e.to] {
                    dist[e.to] = next;
                    prev[e.to] = Some((u, k));
                    heap.push(Reverse((next, e.to)));
                }
            }
        }
        if dist[sink] >= INF {
            break;
        }
        // The real cost of the path; a non-negative one no longer helps.
        let path_cost = dist[sink] + potential[sink] - potential[source];
        if path_cost >= 0 {
            break;
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
            if e.to > r && e.to <= r + m && e.cap == 0 && e.cost < 0 {
                out.push((i, e.to - 1 - r));
            }
        }
    }
    out
}

/// The total weight of an assignment.
pub fn total(requests: &[Options], assignment: &[(usize, usize)]) -> i64 {
    assignment
        .iter()
        .filter_map(|(i, j)| requests[*i].iter().find(|(m, _)| m == j).map(|(_, w)| *w))
        .sum()
}

#[cfg(test)]
mod tests;
