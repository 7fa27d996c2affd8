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
