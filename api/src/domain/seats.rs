//! The seat rules, shared by clinics and courses, as pure functions. The
//! database engine (`service::seats`) asks these functions what to do and
//! applies the answer inside one locked transaction; the tests apply the
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

#[cfg(test)]
mod tests;
