//! Permission rules, one function per rule. Services call these and nothing
//! else decides who may do what.

use crate::auth::Actor;
use crate::error::{AppError, AppResult};

/// Managing members, courses, clinics, reports and automatic matching: ADMIN only.
pub fn require_admin(actor: &Actor) -> AppResult<()> {
    if actor.is_admin() {
        Ok(())
    } else {
        Err(AppError::Forbidden("only an admin may do this"))
    }
}

/// Whether the actor manages the members (and invitations) of an organisation:
/// an admin of it.
pub fn may_manage_members(actor: &Actor, organisation_id: i64) -> bool {
    actor.is_admin() && actor.organisation_id == organisation_id
}

/// Whether the actor is one of a pairing's two parties.
pub fn is_pairing_party(actor: &Actor, mentor_id: i64, learner_id: i64) -> bool {
    actor.user_id == mentor_id || actor.user_id == learner_id
}

/// A pairing: its two parties, and the admins of its organisation.
pub fn may_see_pairing(
    actor: &Actor,
    organisation_id: i64,
    mentor_id: i64,
    learner_id: i64,
) -> bool {
    actor.organisation_id == organisation_id
        && (is_pairing_party(actor, mentor_id, learner_id) || actor.is_admin())
}

/// What was said in a pairing (session notes, feedback comments): its two
/// parties alone. An admin sees that sessions were held and the ratings,
/// never the words.
pub fn may_read_pairing_words(actor: &Actor, mentor_id: i64, learner_id: i64) -> bool {
    is_pairing_party(actor, mentor_id, learner_id)
}

/// A private note on a session: its author alone.
pub fn may_read_private_note(actor: &Actor, author_id: i64) -> bool {
    actor.user_id == author_id
}

/// A mentoring request: any member of its organisation while it is open
/// (mentors look for people to help); after that its learner, the mentors of
/// its pairings and the organisation's admins.
pub fn may_see_request(
    actor: &Actor,
    organisation_id: i64,
    open: bool,
    learner_id: i64,
    mentor_of_its_pairing: bool,
) -> bool {
    actor.organisation_id == organisation_id
        && (open || actor.user_id == learner_id || mentor_of_its_pairing || actor.is_admin())
}

/// Tenancy: an object of another organisation is treated as absent.
pub fn require_same_organisation(
    actor: &Actor,
    organisation_id: i64,
    what: &'static str,
) -> AppResult<()> {
    if actor.organisation_id == organisation_id {
        Ok(())
    } else {
        Err(AppError::NotFound(what))
    }
}

#[cfg(test)]
mod tests;
