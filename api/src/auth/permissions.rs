//! Who may do and see what: one function per rule, on plain values. Services
//! and GraphQL types call these; nothing else decides.

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

/// Whether the actor is `user_id` (their own account's private fields:
/// calendar address, e-mail settings).
pub fn is_self(actor: &Actor, user_id: i64) -> bool {
    actor.user_id == user_id
}

/// Another member's clinic registrations: the member and their organisation's admins.
pub fn may_see_registrations_of(actor: &Actor, organisation_id: i64, member_id: i64) -> bool {
    actor.organisation_id == organisation_id && (is_self(actor, member_id) || actor.is_admin())
}

/// Managing a clinic's registrations (seeing them all, marking attendance):
/// the organisation's admins and the clinic's facilitator.
pub fn may_manage_clinic(actor: &Actor, organisation_id: i64, facilitator_id: i64) -> bool {
    actor.organisation_id == organisation_id
        && (actor.is_admin() || actor.user_id == facilitator_id)
}

/// One registration: its holder, and whoever manages the clinic.
pub fn may_see_registration(
    actor: &Actor,
    organisation_id: i64,
    holder_id: i64,
    facilitator_id: i64,
) -> bool {
    actor.organisation_id == organisation_id
        && (holder_id == actor.user_id || may_manage_clinic(actor, organisation_id, facilitator_id))
}

/// One enrolment: its holder, and the organisation's admins.
pub fn may_see_enrolment(actor: &Actor, organisation_id: i64, holder_id: i64) -> bool {
    actor.organisation_id == organisation_id && (holder_id == actor.user_id || actor.is_admin())
}

/// Cancelling a seat (a registration or an enrolment): its holder, or an admin.
pub fn may_cancel_seat(actor: &Actor, holder_id: i64) -> bool {
    holder_id == actor.user_id || actor.is_admin()
}

/// Where a course stands, as far as seeing it goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CourseState {
    Draft,
    Published,
    Archived,
}

/// A course: admins see all; members see published ones, and archived ones
/// they are or were enrolled in.
pub fn may_see_course(actor: &Actor, state: CourseState, enrolled: bool) -> bool {
    actor.is_admin()
        || match state {
            CourseState::Published => true,
            CourseState::Archived => enrolled,
            CourseState::Draft => false,
        }
}

/// A request's mentor suggestions, and proposing mentors for it: its learner
/// and admins.
pub fn may_act_for_learner(actor: &Actor, learner_id: i64) -> bool {
    actor.user_id == learner_id || actor.is_admin()
}

/// Feedback on a pairing: the author always; the other party (and an admin,
/// for the rating) once it is revealed.
pub fn may_read_feedback(actor: &Actor, author_id: i64, revealed: bool) -> bool {
    author_id == actor.user_id || revealed
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

/// Whether the actor may see a channel (and its figures): its owner always;
/// a colleague when it is `ORGANISATION`; nobody else.
pub fn may_see_channel(
    actor: &Actor,
    organisation_id: i64,
    owner_id: i64,
    visibility: entity::Visibility,
) -> bool {
    actor.organisation_id == organisation_id
        && (actor.user_id == owner_id || visibility == entity::Visibility::Organisation)
}

/// A plan goal and its comments: every member of its organisation (anyone
/// may propose and discuss).
pub fn may_see_goal(actor: &Actor, organisation_id: i64) -> bool {
    actor.organisation_id == organisation_id
}

/// Removing a comment: its author while it is open to them, and the
/// organisation's admins at any time.
pub fn may_remove_comment(
    actor: &Actor,
    organisation_id: i64,
    author_id: Option<i64>,
    open: bool,
) -> bool {
    actor.organisation_id == organisation_id
        && (actor.is_admin() || (author_id == Some(actor.user_id) && open))
}

/// Editing a comment: its author alone, while it is open.
pub fn may_edit_comment(actor: &Actor, author_id: Option<i64>, open: bool) -> bool {
    author_id == Some(actor.user_id) && open
}

/// A clinic question: whoever manages the clinic (its facilitator and the
/// organisation's admins) and its asker.
pub fn may_see_question(
    actor: &Actor,
    organisation_id: i64,
    facilitator_id: i64,
    author_id: i64,
) -> bool {
    actor.organisation_id == organisation_id
        && (actor.user_id == author_id || may_manage_clinic(actor, organisation_id, facilitator_id))
}

/// Who a question names as its author: nobody when it was asked
/// anonymously, whoever reads it (admins included).
pub fn question_author(anonymous: bool, author_id: i64) -> Option<i64> {
    (!anonymous).then_some(author_id)
}
