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
mod tests {
    use super::*;

    fn candidate(id: i64, levels: &[(i64, i32)], free: u32, max: u32) -> Candidate {
        Candidate {
            mentor_id: id,
            levels: levels.iter().copied().collect(),
            free_capacity: free,
            max_mentees: max,
        }
    }

    #[test]
    fn the_score_follows_the_formula_and_explains_itself() {
        let learner: HashMap<i64, i32> = [(1, 1), (2, 3)].into_iter().collect();
        let c = candidate(7, &[(1, 5), (2, 4), (3, 5)], 1, 2);
        let s = score(&[1, 2], &learner, &c).expect("scores");
        // (5−1)×5 = 20 and (4−3)×4 = 4, plus 0.5 × 1/2 = 0.25.
        assert_eq!(s.score, 24_250);
        assert_eq!(
            s.reasons,
            vec![
                Reason {
                    skill_id: 1,
                    mentor_level: 5,
                    learner_level: 1,
                    points: 20
                },
                Reason {
                    skill_id: 2,
                    mentor_level: 4,
                    learner_level: 3,
                    points: 4
                },
            ]
        );
    }

    #[test]
    fn weak_or_full_mentors_do_not_score() {
        let learner: HashMap<i64, i32> = [(1, 4)].into_iter().collect();
        assert!(
            score(&[1], &learner, &candidate(1, &[(1, 4)], 1, 1)).is_none(),
            "not above the learner"
        );
        assert!(
            score(&[1], &HashMap::new(), &candidate(1, &[(1, 2)], 1, 1)).is_none(),
            "below level 3"
        );
        assert!(
            score(&[1], &HashMap::new(), &candidate(1, &[(1, 5)], 0, 1)).is_none(),
            "no free capacity"
        );
    }

    #[test]
    fn ranking_is_deterministic() {
        let cs = vec![
            candidate(3, &[(1, 5)], 1, 2),
            candidate(2, &[(1, 5)], 2, 4),
            candidate(1, &[(1, 5)], 2, 2),
        ];
        let ranked: Vec<i64> = rank(&[1], &HashMap::new(), &cs)
            .iter()
            .map(|s| s.mentor_id)
            .collect();
        // 1 has bonus 0.5; 2 and 3 have 0.25 each, and 2 has more free capacity.
        assert_eq!(ranked, vec![1, 2, 3]);
    }

    #[test]
    fn only_the_listed_transitions_exist() {
        use PairingStatus::*;
        let all = [Proposed, Active, Declined, Cancelled, Completed];
        let events = [
            Event::Accept,
            Event::Decline,
            Event::Withdraw,
            Event::Complete,
            Event::Cancel,
        ];
        let allowed: Vec<_> = all
            .iter()
            .flat_map(|from| {
                events
                    .iter()
                    .filter_map(move |e| transition(*from, *e).map(|to| (*from, *e, to)))
            })
            .collect();
        assert_eq!(
            allowed,
            vec![
                (Proposed, Event::Accept, Active),
                (Proposed, Event::Decline, Declined),
                (Proposed, Event::Withdraw, Cancelled),
                (Active, Event::Complete, Completed),
                (Active, Event::Cancel, Cancelled),
            ]
        );
    }

    #[test]
    fn request_status_follows_its_pairings() {
        use PairingStatus::*;
        assert_eq!(
            request_status(RequestStatus::Open, &[Proposed]),
            RequestStatus::Matched
        );
        assert_eq!(
            request_status(RequestStatus::Matched, &[Declined, Cancelled]),
            RequestStatus::Open
        );
        assert_eq!(
            request_status(RequestStatus::Matched, &[Completed]),
            RequestStatus::Closed
        );
        assert_eq!(
            request_status(RequestStatus::Withdrawn, &[Active]),
            RequestStatus::Withdrawn
        );
    }
}
