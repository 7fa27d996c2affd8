//! Mentoring rules: the suggestion score, the pairing state machine, and what
//! a request's status follows from.
//!
//! **Score.** For each skill the learner asks for, with the mentor at level
//! `m` and the learner at level `l` (0 when not assessed), the skill counts
//! when `m ≥ 3` and `m > l`, and is worth `(m − l) × m` points: a mentor who
//! knows a lot more *and* knows it well is worth most, one who barely knows
//! more than the learner is worth little (5 against 1 is 20 points, 4 against
//! 3 is 4). A mentor with no counting skill is not suggested. Free capacity
//! adds a small preference of at most half a point:
//! `0.5 × freeCapacity / maxMentees`. Ties go to more free capacity, then to
//! the earlier member.

use std::collections::HashMap;

use entity::{PairingStatus, RequestStatus};

/// Lowest mentor level that counts.
pub const MIN_MENTOR_LEVEL: i32 = 3;
/// Scores are kept in thousandths so sums are exact.
pub const SCALE: i64 = 1000;

/// A mentor as scoring sees them.
#[derive(Debug, Clone)]
pub struct Candidate {
    pub mentor_id: i64,
    /// Skill → self-assessed level.
    pub levels: HashMap<i64, i32>,
    pub free_capacity: u32,
    pub max_mentees: u32,
}

/// One skill behind a score.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reason {
    pub skill_id: i64,
    pub mentor_level: i32,
    pub learner_level: i32,
    /// (m − l) × m.
    pub points: i64,
}

/// A scored mentor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suggestion {
    pub mentor_id: i64,
    /// In thousandths of a point.
    pub score: i64,
    pub free_capacity: u32,
    pub reasons: Vec<Reason>,
}

/// Scores one candidate for a request; `None` when no skill counts or the
/// candidate has no free capacity.
pub fn score(
    requested: &[i64],
    learner_levels: &HashMap<i64, i32>,
    candidate: &Candidate,
) -> Option<Suggestion> {
    if candidate.free_capacity == 0 || candidate.max_mentees == 0 {
        return None;
    }
    let mut reasons = Vec::new();
    for skill in requested {
        let m = candidate.levels.get(skill).copied().unwrap_or(0);
        let l = learner_levels.get(skill).copied().unwrap_or(0);
        if m >= MIN_MENTOR_LEVEL && m > l {
            reasons.push(Reason {
                skill_id: *skill,
                mentor_level: m,
                learner_level: l,
                points: i64::from((m - l) * m),
            });
        }
    }
    if reasons.is_empty() {
        return None;
    }
    reasons.sort_by(|a, b| b.points.cmp(&a.points).then(a.skill_id.cmp(&b.skill_id)));
    let skill_points: i64 = reasons.iter().map(|r| r.points).sum();
    let bonus = SCALE / 2 * i64::from(candidate.free_capacity.min(candidate.max_mentees))
        / i64::from(candidate.max_mentees);
    Some(Suggestion {
        mentor_id: candidate.mentor_id,
        score: skill_points * SCALE + bonus,
        free_capacity: candidate.free_capacity,
        reasons,
    })
}

/// Every candidate that scores, best first, deterministically.
pub fn rank(
    requested: &[i64],
    learner_levels: &HashMap<i64, i32>,
    candidates: &[Candidate],
) -> Vec<Suggestion> {
    let mut ranked: Vec<Suggestion> = candidates
        .iter()
        .filter_map(|c| score(requested, learner_levels, c))
        .collect();
    ranked.sort_by(|a, b| {
        b.score
            .cmp(&a.score)
            .then(b.free_capacity.cmp(&a.free_capacity))
            .then(a.mentor_id.cmp(&b.mentor_id))
    });
    ranked
}

/// What happens to a pairing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    /// The mentor accepts a proposal.
    Accept,
    /// The mentor declines a proposal.
    Decline,
    /// The proposer withdraws a proposal.
    Withdraw,
    /// Either party completes an active pairing.
    Complete,
    /// Either party cancels an active pairing.
    Cancel,
}

/// The state machine: PROPOSED → ACTIVE | DECLINED | CANCELLED;
/// ACTIVE → COMPLETED | CANCELLED. Anything else is refused.
pub fn transition(from: PairingStatus, event: Event) -> Option<PairingStatus> {
    use PairingStatus::*;
    match (from, event) {
        (Proposed, Event::Accept) => Some(Active),
        (Proposed, Event::Decline) => Some(Declined),
        (Proposed, Event::Withdraw) => Some(Cancelled),
        (Active, Event::Complete) => Some(Completed),
        (Active, Event::Cancel) => Some(Cancelled),
        _ => None,
    }
}

/// A request's status from its pairings: MATCHED while one is proposed or
/// active, CLOSED once one completed, otherwise OPEN; WITHDRAWN stays.
pub fn request_status(current: RequestStatus, pairings: &[PairingStatus]) -> RequestStatus {
    if current == RequestStatus::Withdrawn {
        return current;
    }
    if pairings.contains(&PairingStatus::Completed) {
        RequestStatus::Closed
    } else if pairings
        .iter()
        .any(|p| matches!(p, PairingStatus::Proposed | PairingStatus::Active))
    {
        RequestStatus::Matched
    } else {
        RequestStatus::Open
    }
}

#[cfg(test)]
mod tests;
