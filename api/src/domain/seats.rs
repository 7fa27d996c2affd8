//! The seat rules, shared by clinics and courses, as pure functions. The
//! database engine (`service::seats`) asks these functions what to do and
//! applies the answer inside one locked transaction; [`SeatBook`] applies the
//! same functions in memory so the rules can be property-tested alone.
//!
//! 1. A claim is confirmed while confirmed seats < capacity, otherwise waitlisted.
//! 2. Claiming again while a claim is live returns the existing claim.
//! 3. Releasing a confirmed seat promotes the first waitlisted claim.
//! 4. Raising the capacity promotes from the waitlist; lowering it below the
//!    confirmed count bumps nobody but confirms nobody new until seats free up.
//! 6. Confirmed never exceeds capacity (except after a lowering, where it only
//!    goes down), and nobody holds two live claims.

/// Where a new claim lands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placement {
    Confirmed,
    Waitlisted,
}

/// Rule 1: where a new claim lands given the capacity (None = unlimited) and
/// the seats already confirmed.
pub fn place(capacity: Option<u32>, confirmed: u32) -> Placement {
    match capacity {
        Some(capacity) if confirmed >= capacity => Placement::Waitlisted,
        _ => Placement::Confirmed,
    }
}

/// Rules 3 and 4: how many waitlisted claims to promote now.
pub fn promotions(capacity: Option<u32>, confirmed: u32, waitlisted: u32) -> u32 {
    match capacity {
        None => waitlisted,
        Some(capacity) => capacity.saturating_sub(confirmed).min(waitlisted),
    }
}

/// Smallest and largest capacity of anything with seats (clinics, courses).
pub const CAPACITY_RANGE: std::ops::RangeInclusive<i32> = 1..=10_000;

/// Places still free: the capacity less those confirmed, never negative
/// (a capacity lowered below the confirmed count leaves none); `None` when
/// unlimited.
pub fn seats_left(capacity: Option<i32>, confirmed: i64) -> Option<i64> {
    capacity.map(|c| (i64::from(c) - confirmed).max(0))
}

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

#[cfg(test)]
mod tests;
