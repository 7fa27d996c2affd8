//! Unit tests of the parent module.

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
