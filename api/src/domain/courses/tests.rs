//! Unit tests of the parent module.

use super::CourseStatus::*;
use super::*;

#[test]
fn a_course_moves_forward_only() {
    let all = [Draft, Published, Archived];
    for from in all {
        for to in all {
            let allowed = matches!(
                (from, to),
                (Draft, Published) | (Draft | Published, Archived)
            );
            assert_eq!(
                check_move(from, to, 1).is_ok(),
                allowed,
                "{from:?} → {to:?}"
            );
        }
    }
    assert!(check_move(Draft, Published, 0).is_err(), "no lesson");
    let Err(AppError::Conflict(message)) = check_move(Archived, Published, 3) else {
        panic!("moved");
    };
    assert_eq!(message, "an archived course cannot become published");
}

#[test]
fn only_an_archived_course_is_frozen() {
    assert!(check_changeable(Draft).is_ok());
    assert!(check_changeable(Published).is_ok());
    assert!(check_changeable(Archived).is_err());
}
