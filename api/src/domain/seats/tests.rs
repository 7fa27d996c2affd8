//! Unit tests of the parent module.

use super::*;

/// An in-memory seat pool following the rules, for tests of the rules alone.
#[derive(Debug, Clone, Default)]
pub struct SeatBook {
    pub capacity: Option<u32>,
    /// Live claims in arrival order: (person, confirmed?).
    pub claims: Vec<(u32, bool)>,
}

impl SeatBook {
    /// A pool with `capacity`.
    pub fn new(capacity: Option<u32>) -> Self {
        Self {
            capacity,
            claims: Vec::new(),
        }
    }

    /// Confirmed seats.
    pub fn confirmed(&self) -> u32 {
        self.claims
            .iter()
            .filter(|(_, confirmed)| *confirmed)
            .count() as u32
    }

    /// Waitlisted people, in arrival order.
    pub fn waitlist(&self) -> Vec<u32> {
        self.claims
            .iter()
            .filter(|(_, c)| !*c)
            .map(|(p, _)| *p)
            .collect()
    }

    /// Claims a seat for `person`; a live claim is returned as it is.
    pub fn claim(&mut self, person: u32) -> Placement {
        if let Some((_, confirmed)) = self.claims.iter().find(|(p, _)| *p == person) {
            return if *confirmed {
                Placement::Confirmed
            } else {
                Placement::Waitlisted
            };
        }
        let placement = place(self.capacity, self.confirmed());
        self.claims
            .push((person, placement == Placement::Confirmed));
        placement
    }

    /// Releases `person`'s claim and promotes as the rules say; returns who was promoted.
    pub fn release(&mut self, person: u32) -> Vec<u32> {
        self.claims.retain(|(p, _)| *p != person);
        self.promote()
    }

    /// Changes the capacity and promotes as the rules say; returns who was promoted.
    pub fn set_capacity(&mut self, capacity: Option<u32>) -> Vec<u32> {
        self.capacity = capacity;
        self.promote()
    }

    fn promote(&mut self) -> Vec<u32> {
        let count = promotions(
            self.capacity,
            self.confirmed(),
            self.waitlist().len() as u32,
        );
        let mut promoted = Vec::new();
        for claim in self
            .claims
            .iter_mut()
            .filter(|(_, c)| !*c)
            .take(count as usize)
        {
            claim.1 = true;
            promoted.push(claim.0);
        }
        promoted
    }
}

use proptest::prelude::*;

#[test]
fn claims_fill_the_capacity_then_wait() {
    let mut book = SeatBook::new(Some(2));
    assert_eq!(book.claim(1), Placement::Confirmed);
    assert_eq!(book.claim(2), Placement::Confirmed);
    assert_eq!(book.claim(3), Placement::Waitlisted);
    assert_eq!(
        book.claim(1),
        Placement::Confirmed,
        "a second claim returns the first"
    );
    assert_eq!(book.claims.len(), 3);
    assert_eq!(book.release(2), vec![3]);
    assert_eq!(book.set_capacity(Some(1)), Vec::<u32>::new());
    assert_eq!(book.confirmed(), 2, "lowering bumps nobody");
    book.claim(4);
    assert_eq!(
        book.release(1),
        Vec::<u32>::new(),
        "still over the lowered capacity"
    );
    assert_eq!(book.set_capacity(Some(5)), vec![4]);
    assert_eq!(book.set_capacity(None), Vec::<u32>::new());
}

#[derive(Debug, Clone)]
enum Op {
    Claim(u32),
    Release(u32),
    Capacity(Option<u32>),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        5 => (0u32..30).prop_map(Op::Claim),
        3 => (0u32..30).prop_map(Op::Release),
        1 => proptest::option::weighted(0.9, 0u32..12).prop_map(Op::Capacity),
    ]
}

proptest! {
    #[test]
    fn no_sequence_breaks_the_rules(ops in proptest::collection::vec(op(), 0..200), start in proptest::option::weighted(0.9, 0u32..12)) {
        let mut book = SeatBook::new(start);
        // People in the order they first claimed since their last release.
        let mut arrival: Vec<u32> = Vec::new();
        for op in ops {
            let before = book.confirmed();
            match op {
                Op::Claim(p) => {
                    book.claim(p);
                    if !arrival.contains(&p) { arrival.push(p); }
                }
                Op::Release(p) => {
                    book.release(p);
                    arrival.retain(|q| *q != p);
                }
                Op::Capacity(c) => { book.set_capacity(c); }
            }
            let confirmed = book.confirmed();
            // Confirmed never exceeds capacity unless it was already over
            // (after a lowering), and then it never grows.
            if let Some(capacity) = book.capacity {
                prop_assert!(confirmed <= capacity.max(before));
            }
            // Nobody waits while a seat is free.
            let waiting = book.waitlist();
            if !waiting.is_empty() {
                prop_assert!(book.capacity.is_some_and(|c| confirmed >= c));
            }
            // No duplicates, and the waitlist keeps arrival order.
            let mut people: Vec<u32> = book.claims.iter().map(|(p, _)| *p).collect();
            people.sort_unstable();
            people.dedup();
            prop_assert_eq!(people.len(), book.claims.len());
            let order: Vec<u32> = arrival.iter().copied().filter(|p| waiting.contains(p)).collect();
            prop_assert_eq!(order, waiting);
        }
    }
}

#[test]
fn seats_left_never_go_negative_and_unlimited_has_none() {
    assert_eq!(seats_left(Some(5), 3), Some(2));
    assert_eq!(seats_left(Some(2), 3), Some(0));
    assert_eq!(seats_left(None, 3), None);
}
