//! Unit tests of the parent module.

use super::*;
use entity::Role;

const MEMBER: Actor = Actor {
    user_id: 1,
    organisation_id: 10,
    role: Role::Member,
    session: None,
    expires_at: None,
};

#[test]
fn only_admins_pass_the_admin_rule() {
    assert!(require_admin(&MEMBER).is_err());
    assert!(
        require_admin(&Actor {
            role: Role::Admin,
            ..MEMBER.clone()
        })
        .is_ok()
    );
}

#[test]
fn other_organisations_look_absent() {
    assert!(matches!(
        require_same_organisation(&MEMBER, 11, "user"),
        Err(AppError::NotFound("user"))
    ));
    assert!(require_same_organisation(&MEMBER, 10, "user").is_ok());
}

const ADMIN: Actor = Actor {
    user_id: 2,
    organisation_id: 10,
    role: Role::Admin,
    session: None,
    expires_at: None,
};

#[test]
fn pairings_are_seen_by_their_parties_and_admins_but_their_words_by_the_parties_alone() {
    // MEMBER (1) mentors learner 3.
    assert!(may_see_pairing(&MEMBER, 10, 1, 3));
    assert!(may_see_pairing(&ADMIN, 10, 1, 3));
    assert!(!may_see_pairing(&ADMIN, 11, 1, 3), "another organisation's");
    assert!(!may_see_pairing(&MEMBER, 10, 4, 3), "someone else's");
    assert!(may_read_pairing_words(&MEMBER, 1, 3));
    assert!(!may_read_pairing_words(&ADMIN, 1, 3));
    assert!(may_read_private_note(&MEMBER, 1));
    assert!(!may_read_private_note(&ADMIN, 1));
}

#[test]
fn a_request_is_public_while_open_and_private_after() {
    // Learner 3's request, in organisation 10.
    assert!(may_see_request(&MEMBER, 10, true, 3, false));
    assert!(!may_see_request(&MEMBER, 10, false, 3, false));
    assert!(may_see_request(&MEMBER, 10, false, 3, true), "its mentor");
    assert!(may_see_request(&MEMBER, 10, false, 1, false), "its learner");
    assert!(may_see_request(&ADMIN, 10, false, 3, false));
    assert!(!may_see_request(&ADMIN, 11, true, 3, false));
}

#[test]
fn seats_are_seen_by_their_holders_and_managers_and_cancelled_by_holders_and_admins() {
    // MEMBER (1) facilitates a clinic of organisation 10.
    assert!(may_manage_clinic(&MEMBER, 10, 1));
    assert!(!may_manage_clinic(&MEMBER, 10, 5));
    assert!(may_manage_clinic(&ADMIN, 10, 5));
    assert!(!may_manage_clinic(&ADMIN, 11, 5));
    assert!(may_see_registration(&MEMBER, 10, 7, 1), "as facilitator");
    assert!(!may_see_registration(&MEMBER, 10, 7, 5));
    assert!(may_see_registration(&MEMBER, 10, 1, 5), "their own");
    assert!(may_see_enrolment(&ADMIN, 10, 7));
    assert!(!may_see_enrolment(&MEMBER, 10, 7));
    assert!(may_cancel_seat(&MEMBER, 1));
    assert!(!may_cancel_seat(&MEMBER, 7));
    assert!(may_cancel_seat(&ADMIN, 7));
    assert!(may_see_registrations_of(&MEMBER, 10, 1));
    assert!(!may_see_registrations_of(&MEMBER, 10, 7));
    assert!(may_see_registrations_of(&ADMIN, 10, 7));
}

#[test]
fn members_see_published_courses_and_archived_ones_they_took() {
    use CourseState::*;
    assert!(may_see_course(&MEMBER, Published, false));
    assert!(!may_see_course(&MEMBER, Draft, false));
    assert!(!may_see_course(&MEMBER, Archived, false));
    assert!(may_see_course(&MEMBER, Archived, true));
    assert!(may_see_course(&ADMIN, Draft, false));
}

#[test]
fn feedback_is_its_authors_until_revealed() {
    assert!(may_read_feedback(&MEMBER, 1, false));
    assert!(!may_read_feedback(&MEMBER, 3, false));
    assert!(may_read_feedback(&MEMBER, 3, true));
}
