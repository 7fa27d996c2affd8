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

use std::collections::{HashMap, HashSet};

use super::matching;

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

/// A mentor's free places: their maximum less their active mentees, never
/// negative; none while they do not accept mentees.
pub fn free_places(max_mentees: i32, active_mentees: i32, accepting: bool) -> i32 {
    if accepting {
        (max_mentees - active_mentees).max(0)
    } else {
        0
    }
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

/// An open request as the automatic matching sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenRequest {
    pub id: i64,
    pub learner_id: i64,
    /// The skills asked for.
    pub skills: Vec<i64>,
}

/// Everything the automatic matching decides from.
#[derive(Debug, Clone, Default)]
pub struct Pool {
    pub requests: Vec<OpenRequest>,
    /// Learner → skill → self-assessed level.
    pub learner_levels: HashMap<i64, HashMap<i64, i32>>,
    /// Mentors accepting mentees, with their free places.
    pub mentors: Vec<Candidate>,
    /// (learner, mentor) pairs that already have a proposed or active pairing.
    pub paired: HashSet<(i64, i64)>,
}

/// A request matched with a mentor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Match {
    /// Index into [`Pool::requests`].
    pub request: usize,
    pub suggestion: Suggestion,
}

/// The automatic matching: of every assignment of open requests to mentors
/// that respects each mentor's free places, never pairs a learner with
/// themselves or with a mentor they already have a pairing with, and pairs a
/// learner with a given mentor at most once, the one with the greatest total
/// score (each pair scored as a suggestion would be). Exact, not greedy.
/// Matches come in request order.
pub fn plan(pool: &Pool) -> Vec<Match> {
    let empty = HashMap::new();
    let mut requests = Vec::with_capacity(pool.requests.len());
    let mut scored: Vec<Vec<Suggestion>> = Vec::with_capacity(pool.requests.len());
    for request in &pool.requests {
        let levels = pool
            .learner_levels
            .get(&request.learner_id)
            .unwrap_or(&empty);
        let mut options = Vec::new();
        let mut suggestions = Vec::new();
        for (index, mentor) in pool.mentors.iter().enumerate() {
            if mentor.mentor_id == request.learner_id
                || pool
                    .paired
                    .contains(&(request.learner_id, mentor.mentor_id))
            {
                continue;
            }
            if let Some(suggestion) = score(&request.skills, levels, mentor) {
                options.push((index, suggestion.score));
                suggestions.push(suggestion);
            }
        }
        requests.push(matching::Request {
            learner: request.learner_id,
            options,
        });
        scored.push(suggestions);
    }
    let capacities: Vec<u32> = pool.mentors.iter().map(|m| m.free_capacity).collect();
    let mut assignment = matching::assign(&requests, &capacities);
    assignment.sort_unstable();
    assignment
        .into_iter()
        .filter_map(|(request, mentor)| {
            let mentor_id = pool.mentors.get(mentor)?.mentor_id;
            let suggestion = scored
                .get(request)?
                .iter()
                .find(|s| s.mentor_id == mentor_id)?
                .clone();
            Some(Match {
                request,
                suggestion,
            })
        })
        .collect()
}

/// Where a pairing stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PairingStatus {
    /// Proposed, awaiting the mentor's answer.
    Proposed,
    /// The mentor accepted; they are working together.
    Active,
    /// The mentor declined.
    Declined,
    /// Withdrawn before an answer, or ended early.
    Cancelled,
    /// Finished.
    Completed,
}

/// Where a mentoring request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RequestStatus {
    /// Waiting for a mentor.
    Open,
    /// A pairing for it is proposed or active.
    Matched,
    /// Withdrawn by the learner.
    Withdrawn,
    /// A pairing for it was completed.
    Closed,
}

/// Feedback becomes visible to the other party this long after the pairing ended.
pub const FEEDBACK_REVEAL_AFTER: chrono::Duration = chrono::Duration::days(14);

/// Whether a pairing's feedback is revealed to the other party: once both
/// have left theirs (so neither answer colours the other), or 14 days after
/// the pairing ended.
pub fn feedback_revealed(
    left: usize,
    ended_at: Option<chrono::DateTime<chrono::Utc>>,
    now: chrono::DateTime<chrono::Utc>,
) -> bool {
    left >= 2 || ended_at.is_some_and(|ended| now >= ended + FEEDBACK_REVEAL_AFTER)
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
