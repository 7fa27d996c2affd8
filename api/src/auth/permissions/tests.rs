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
