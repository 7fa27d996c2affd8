//! The pairing lifecycle, session logs and feedback. Transitions come from
//! [`crate::domain::mentoring::transition`]; who may cause each one is checked
//! here, once per rule.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use entity::{
    PairingStatus, RequestStatus, feedback, mentor_profile, mentoring_request, mentoring_session,
    pairing,
};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseTransaction,
    EntityTrait, ExprTrait, PaginatorTrait, QueryFilter, QueryOrder,
};

use super::notifications::{self, Kind};
use super::requests;
use crate::auth::{Actor, permissions};
use crate::context::AppState;
use crate::db;
use crate::domain::mentoring::{self, Event, request_status, transition};
use crate::domain::text;
use crate::error::{AppError, AppResult};

/// Feedback becomes visible to the other party this long after the pairing ended.
pub const FEEDBACK_REVEAL_AFTER: Duration = Duration::days(14);

fn is_party(actor: &Actor, pairing: &pairing::Model) -> bool {
    permissions::is_pairing_party(actor, pairing.mentor_id, pairing.learner_id)
}

/// A pairing visible to the actor (a party or an admin of its organisation).
pub async fn get(state: &AppState, actor: &Actor, pairing_id: i64) -> AppResult<pairing::Model> {
    get_in(&state.db, actor, pairing_id).await
}

async fn get_in(
    conn: &impl ConnectionTrait,
    actor: &Actor,
    pairing_id: i64,
) -> AppResult<pairing::Model> {
    visible(
        actor,
        pairing::Entity::find_by_id(pairing_id).one(conn).await?,
    )
}

/// Like [`get_in`], holding the row locks of the pairing's request and then
/// of the pairing for the rest of the transaction. Every change of a request
/// or its pairings (withdrawing, proposing, answering, completing,
/// cancelling) locks the request first, so they run one after the other and
/// each sees what the one before did. SQLite's write transactions are one at
/// a time already.
async fn lock_in(
    txn: &DatabaseTransaction,
    actor: &Actor,
    pairing_id: i64,
) -> AppResult<pairing::Model> {
    let found = visible(
        actor,
        pairing::Entity::find_by_id(pairing_id).one(txn).await?,
    )?;
    db::for_update(mentoring_request::Entity::find_by_id(found.request_id), txn)
        .one(txn)
        .await?;
    visible(
        actor,
        db::for_update(pairing::Entity::find_by_id(pairing_id), txn)
            .one(txn)
            .await?,
    )
}

/// Whether the actor may see a pairing: a party, or an admin of its organisation.
pub fn visible_to(actor: &Actor, pairing: &pairing::Model) -> bool {
    permissions::may_see_pairing(
        actor,
        pairing.organisation_id,
        pairing.mentor_id,
        pairing.learner_id,
    )
}

fn visible(actor: &Actor, found: Option<pairing::Model>) -> AppResult<pairing::Model> {
    found
        .filter(|p| visible_to(actor, p))
        .ok_or(AppError::NotFound("pairing"))
}

/// Free places of a mentor who accepts mentees (0 when not accepting).
async fn free_capacity(conn: &impl ConnectionTrait, mentor_id: i64) -> AppResult<i32> {
    Ok(mentor_profile::Entity::find_by_id(mentor_id)
        .one(conn)
        .await?
        .filter(|p| p.accepting_mentees)
        .map_or(0, |p| Ord::max(p.max_mentees - p.active_mentees, 0)))
}

/// Proposes a pairing for a request (its learner or an ADMIN).
pub async fn propose(
    state: &AppState,
    actor: &Actor,
    request_id: i64,
    mentor_id: i64,
    goals: &str,
) -> AppResult<pairing::Model> {
    let goals = text::optional(goals, "goals", 2000, true)?;
    let now = state.clock.now();
    let txn = db::begin_write(state).await?;
    let request = requests::lock_in(&txn, actor, request_id).await?;
    if request.learner_id != actor.user_id && !actor.is_admin() {
        return Err(AppError::Forbidden(
            "only the learner or an admin may propose a pairing",
        ));
    }
    if !matches!(request.status, RequestStatus::Open | RequestStatus::Matched) {
        return Err(AppError::Conflict("the request is no longer open".into()));
    }
    let has_mentor = pairing::Entity::find()
        .filter(pairing::Column::RequestId.eq(request.id))
        .filter(pairing::Column::Status.eq(PairingStatus::Active))
        .count(&*txn)
        .await?;
    if has_mentor > 0 {
        return Err(AppError::Conflict(
            "the request already has a mentor".into(),
        ));
    }
    if mentor_id == request.learner_id {
        return Err(AppError::field(
            "mentorId",
            "a learner cannot mentor themselves",
        ));
    }
    let mentor = super::users::get_in(&txn, actor, mentor_id)
        .await
        .map_err(|_| AppError::NotFound("mentor"))?;
    if !mentor.active {
        return Err(AppError::NotFound("mentor"));
    }
    if free_capacity(&txn, mentor_id).await? == 0 {
        return Err(AppError::Conflict("the mentor has no free capacity".into()));
    }
    let created = create_proposal(&txn, &request, mentor_id, actor.user_id, &goals, now).await?;
    db::commit(txn, state).await?;
    Ok(created)
}

/// Inserts a PROPOSED pairing, marks the request MATCHED and tells the mentor.
pub async fn create_proposal(
    txn: &DatabaseTransaction,
    request: &mentoring_request::Model,
    mentor_id: i64,
    proposed_by: i64,
    goals: &str,
    now: DateTime<Utc>,
) -> AppResult<pairing::Model> {
    let created = pairing::ActiveModel {
        organisation_id: Set(request.organisation_id),
        request_id: Set(request.id),
        mentor_id: Set(mentor_id),
        learner_id: Set(request.learner_id),
        proposed_by: Set(Some(proposed_by)),
        status: Set(PairingStatus::Proposed),
        goals: Set(goals.to_owned()),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(txn)
    .await
    .map_err(|err| match AppError::from(err) {
        AppError::Conflict(_) => {
            AppError::Conflict("this mentor and learner already have a pairing".into())
        }
        other => other,
    })?;
    refresh_request(txn, request.id, now).await?;
    notifications::notify(
        txn,
        notifications::New {
            organisation_id: request.organisation_id,
            user_id: mentor_id,
            kind: Kind::PairingProposed,
            message: "You have been proposed as a mentor".into(),
            subject: Some(("Pairing", created.id)),
        },
        now,
    )
    .await?;
    Ok(created)
}

/// The mentor accepts (ACTIVE, if a place is free) or declines (DECLINED).
pub async fn respond(
    state: &AppState,
    actor: &Actor,
    pairing_id: i64,
    accept: bool,
) -> AppResult<pairing::Model> {
    let now = state.clock.now();
    let txn = db::begin_write(state).await?;
    let current = lock_in(&txn, actor, pairing_id).await?;
    if current.mentor_id != actor.user_id {
        return Err(AppError::Forbidden(
            "only the mentor may respond to a proposal",
        ));
    }
    let event = if accept {
        Event::Accept
    } else {
        Event::Decline
    };
    let to: PairingStatus = transition(current.status.into(), event)
        .ok_or_else(|| AppError::Conflict("the pairing is not awaiting a response".into()))?
        .into();
    if to == PairingStatus::Active {
        let taken_already = pairing::Entity::find()
            .filter(pairing::Column::RequestId.eq(current.request_id))
            .filter(pairing::Column::Status.eq(PairingStatus::Active))
            .count(&*txn)
            .await?;
        if taken_already > 0 {
            return Err(AppError::Conflict(
                "another mentor has already taken this request".into(),
            ));
        }
        // The capacity check and the count move together, in one conditional
        // update: two accepts racing for the last place cannot both win.
        let taken = mentor_profile::Entity::update_many()
            .col_expr(
                mentor_profile::Column::ActiveMentees,
                Expr::col(mentor_profile::Column::ActiveMentees).add(1),
            )
            .filter(mentor_profile::Column::UserId.eq(current.mentor_id))
            .filter(mentor_profile::Column::AcceptingMentees.eq(true))
            .filter(
                Expr::col(mentor_profile::Column::ActiveMentees)
                    .lt(Expr::col(mentor_profile::Column::MaxMentees)),
            )
            .exec(&txn)
            .await?;
        if taken.rows_affected != 1 {
            return Err(AppError::Conflict("the mentor has no free capacity".into()));
        }
    }
    let mut active: pairing::ActiveModel = current.clone().into();
    active.status = Set(to);
    active.responded_at = Set(Some(now));
    active.updated_at = Set(now);
    if to == PairingStatus::Declined {
        active.ended_at = Set(Some(now));
    }
    let updated = active.update(&txn).await?;
    if to == PairingStatus::Active {
        // The request has its mentor: the other proposals for it end.
        let others = pairing::Entity::find()
            .filter(pairing::Column::RequestId.eq(updated.request_id))
            .filter(pairing::Column::Status.eq(PairingStatus::Proposed))
            .all(&*txn)
            .await?;
        for other in others {
            let mentor = other.mentor_id;
            let ended = end(
                &txn,
                other,
                PairingStatus::Cancelled,
                Some("another mentor accepted the request".into()),
                now,
            )
            .await?;
            tell(
                &txn,
                &ended,
                mentor,
                Kind::PairingCancelled,
                "A proposal to you was withdrawn: another mentor accepted the request",
                now,
            )
            .await?;
        }
    }
    refresh_request(&txn, updated.request_id, now).await?;
    let (kind, message) = if accept {
        (Kind::PairingAccepted, "Your mentor accepted the pairing")
    } else {
        (Kind::PairingDeclined, "The mentor declined the pairing")
    };
    tell(&txn, &updated, updated.learner_id, kind, message, now).await?;
    db::commit(txn, state).await?;
    Ok(updated)
}

/// Completes an ACTIVE pairing (either party): the request is CLOSED.
pub async fn complete(
    state: &AppState,
    actor: &Actor,
    pairing_id: i64,
) -> AppResult<pairing::Model> {
    let now = state.clock.now();
    let txn = db::begin_write(state).await?;
    let current = lock_in(&txn, actor, pairing_id).await?;
    if !is_party(actor, &current) {
        return Err(AppError::Forbidden(
            "only the mentor or the learner may complete a pairing",
        ));
    }
    transition(current.status.into(), Event::Complete)
        .ok_or_else(|| AppError::Conflict("only an active pairing can be completed".into()))?;
    let other = other_party(&current, actor.user_id);
    let updated = end(&txn, current, PairingStatus::Completed, None, now).await?;
    tell(
        &txn,
        &updated,
        other,
        Kind::PairingCompleted,
        "Your mentoring pairing is completed",
        now,
    )
    .await?;
    db::commit(txn, state).await?;
    Ok(updated)
}

/// Cancels a pairing: the proposer withdraws a proposal, or either party ends
/// an active pairing (with a reason). Anything else is `CONFLICT`.
pub async fn cancel(
    state: &AppState,
    actor: &Actor,
    pairing_id: i64,
    reason: Option<String>,
) -> AppResult<pairing::Model> {
    let reason = text::optional(reason.as_deref().unwrap_or(""), "reason", 1000, true)?;
    let now = state.clock.now();
    let txn = db::begin_write(state).await?;
    let current = lock_in(&txn, actor, pairing_id).await?;
    let event = match current.status {
        PairingStatus::Proposed => {
            let proposer =
                current.proposed_by == Some(actor.user_id) || actor.user_id == current.learner_id;
            if current.mentor_id == actor.user_id {
                return Err(AppError::Conflict("decline the proposal instead".into()));
            }
            if !proposer {
                return Err(AppError::Forbidden(
                    "only the proposer may withdraw a proposal",
                ));
            }
            Event::Withdraw
        }
        _ => {
            if !is_party(actor, &current) {
                return Err(AppError::Forbidden(
                    "only the mentor or the learner may cancel a pairing",
                ));
            }
            Event::Cancel
        }
    };
    transition(current.status.into(), event)
        .ok_or_else(|| AppError::Conflict("the pairing has already ended".into()))?;
    let others: Vec<i64> = [current.mentor_id, current.learner_id]
        .into_iter()
        .filter(|id| *id != actor.user_id)
        .collect();
    let updated = end(
        &txn,
        current,
        PairingStatus::Cancelled,
        Some(reason).filter(|r| !r.is_empty()),
        now,
    )
    .await?;
    for other in others {
        tell(
            &txn,
            &updated,
            other,
            Kind::PairingCancelled,
            "A mentoring pairing was cancelled",
            now,
        )
        .await?;
    }
    db::commit(txn, state).await?;
    Ok(updated)
}

/// Moves a pairing to an end state, frees the mentor's place if it was
/// active, and updates the request.
pub async fn end(
    txn: &DatabaseTransaction,
    current: pairing::Model,
    to: PairingStatus,
    reason: Option<String>,
    now: DateTime<Utc>,
) -> AppResult<pairing::Model> {
    let was_active = current.status == PairingStatus::Active;
    let mut active: pairing::ActiveModel = current.into();
    active.status = Set(to);
    active.cancel_reason = Set(reason);
    active.ended_at = Set(Some(now));
    active.updated_at = Set(now);
    let updated = active.update(txn).await?;
    if was_active {
        mentor_profile::Entity::update_many()
            .col_expr(
                mentor_profile::Column::ActiveMentees,
                Expr::col(mentor_profile::Column::ActiveMentees).sub(1),
            )
            .filter(mentor_profile::Column::UserId.eq(updated.mentor_id))
            .filter(mentor_profile::Column::ActiveMentees.gt(0))
            .exec(txn)
            .await?;
    }
    refresh_request(txn, updated.request_id, now).await?;
    Ok(updated)
}

fn other_party(pairing: &pairing::Model, me: i64) -> i64 {
    if pairing.mentor_id == me {
        pairing.learner_id
    } else {
        pairing.mentor_id
    }
}

/// Tells `user_id` about a pairing, in the transaction of the change.
pub async fn tell(
    conn: &impl ConnectionTrait,
    pairing: &pairing::Model,
    user_id: i64,
    kind: Kind,
    message: &str,
    now: DateTime<Utc>,
) -> AppResult<()> {
    notifications::notify(
        conn,
        notifications::New {
            organisation_id: pairing.organisation_id,
            user_id,
            kind,
            message: message.into(),
            subject: Some(("Pairing", pairing.id)),
        },
        now,
    )
    .await?;
    Ok(())
}

/// Recomputes a request's status from its pairings.
async fn refresh_request(
    conn: &impl ConnectionTrait,
    request_id: i64,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let Some(request) = mentoring_request::Entity::find_by_id(request_id)
        .one(conn)
        .await?
    else {
        return Ok(());
    };
    let statuses: Vec<mentoring::PairingStatus> = pairing::Entity::find()
        .filter(pairing::Column::RequestId.eq(request_id))
        .all(conn)
        .await?
        .into_iter()
        .map(|p| p.status.into())
        .collect();
    let next: RequestStatus = request_status(request.status.into(), &statuses).into();
    if next != request.status {
        let mut active: mentoring_request::ActiveModel = request.into();
        active.status = Set(next);
        active.updated_at = Set(now);
        active.update(conn).await?;
    }
    Ok(())
}

/// Pairings of a request, for anyone who may see the request.
pub async fn of_requests(
    conn: &impl ConnectionTrait,
    request_ids: &[i64],
) -> AppResult<Vec<pairing::Model>> {
    Ok(pairing::Entity::find()
        .filter(pairing::Column::RequestId.is_in(request_ids.iter().copied()))
        .order_by_asc(pairing::Column::Id)
        .all(conn)
        .await?)
}

/// Pairings the actor is a party to.
pub async fn mine(state: &AppState, actor: &Actor) -> AppResult<Vec<pairing::Model>> {
    Ok(pairing::Entity::find()
        .filter(
            sea_orm::Condition::any()
                .add(pairing::Column::MentorId.eq(actor.user_id))
                .add(pairing::Column::LearnerId.eq(actor.user_id)),
        )
        .order_by_desc(pairing::Column::Id)
        .all(&state.db)
        .await?)
}

fn require_party_of_running(actor: &Actor, pairing: &pairing::Model) -> AppResult<()> {
    if !is_party(actor, pairing) {
        return Err(AppError::Forbidden(
            "only the mentor or the learner may do this",
        ));
    }
    if !matches!(
        pairing.status,
        PairingStatus::Active | PairingStatus::Completed
    ) {
        return Err(AppError::Conflict(
            "the pairing is not active or completed".into(),
        ));
    }
    Ok(())
}

/// What `logMentoringSession` needs.
#[derive(Debug, Clone)]
pub struct NewSession {
    pub held_at: DateTime<Utc>,
    pub minutes: i32,
    pub notes: String,
    pub private_note: Option<String>,
}

/// Logs a session (either party, ACTIVE or COMPLETED pairings).
pub async fn log_session(
    state: &AppState,
    actor: &Actor,
    pairing_id: i64,
    input: NewSession,
) -> AppResult<mentoring_session::Model> {
    let pairing = get(state, actor, pairing_id).await?;
    require_party_of_running(actor, &pairing)?;
    if !(1..=1440).contains(&input.minutes) {
        return Err(AppError::field(
            "minutes",
            "minutes must be between 1 and 1440",
        ));
    }
    let now = state.clock.now();
    if input.held_at > now + Duration::days(1) {
        return Err(AppError::field(
            "heldAt",
            "a session cannot be logged in advance",
        ));
    }
    // A day's leeway either way for time zones; before that, the pairing
    // did not exist.
    if input.held_at < pairing.created_at - Duration::days(1) {
        return Err(AppError::field(
            "heldAt",
            "a session cannot be held before its pairing was proposed",
        ));
    }
    let notes = text::optional(&input.notes, "notes", 5000, true)?;
    let private_note = match input.private_note {
        Some(note) => {
            Some(text::optional(&note, "privateNote", 5000, true)?).filter(|n| !n.is_empty())
        }
        None => None,
    };
    Ok(mentoring_session::ActiveModel {
        pairing_id: Set(pairing.id),
        author_id: Set(actor.user_id),
        held_at: Set(input.held_at),
        minutes: Set(input.minutes),
        notes: Set(notes),
        private_note: Set(private_note),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&state.db)
    .await?)
}

/// Leaves feedback (once per party, ACTIVE or COMPLETED pairings); the other
/// party is told that feedback arrived, not what it says.
pub async fn leave_feedback(
    state: &AppState,
    actor: &Actor,
    pairing_id: i64,
    rating: i32,
    comment: &str,
) -> AppResult<feedback::Model> {
    if !(1..=5).contains(&rating) {
        return Err(AppError::field("rating", "rating must be between 1 and 5"));
    }
    let comment = text::optional(comment, "comment", 2000, true)?;
    let now = state.clock.now();
    let txn = db::begin_write(state).await?;
    let pairing = get_in(&txn, actor, pairing_id).await?;
    require_party_of_running(actor, &pairing)?;
    let created = feedback::ActiveModel {
        pairing_id: Set(pairing.id),
        author_id: Set(actor.user_id),
        rating: Set(rating),
        comment: Set(comment),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(|err| match AppError::from(err) {
        AppError::Conflict(_) => AppError::Conflict("you have already left feedback".into()),
        other => other,
    })?;
    tell(
        &txn,
        &pairing,
        other_party(&pairing, actor.user_id),
        Kind::FeedbackReceived,
        "You received feedback on a mentoring pairing",
        now,
    )
    .await?;
    db::commit(txn, state).await?;
    Ok(created)
}

/// Logged sessions of each pairing, oldest first (one statement).
pub async fn sessions_of(
    conn: &impl ConnectionTrait,
    pairing_ids: &[i64],
) -> AppResult<HashMap<i64, Vec<mentoring_session::Model>>> {
    let rows = mentoring_session::Entity::find()
        .filter(mentoring_session::Column::PairingId.is_in(pairing_ids.iter().copied()))
        .order_by_asc(mentoring_session::Column::HeldAt)
        .order_by_asc(mentoring_session::Column::Id)
        .all(conn)
        .await?;
    let mut out: HashMap<i64, Vec<mentoring_session::Model>> = HashMap::new();
    for row in rows {
        out.entry(row.pairing_id).or_default().push(row);
    }
    Ok(out)
}

/// All feedback on each pairing, oldest first (one statement); what a given
/// actor may read of it is [`readable_feedback`]'s to say.
pub async fn feedback_of(
    conn: &impl ConnectionTrait,
    pairing_ids: &[i64],
) -> AppResult<HashMap<i64, Vec<feedback::Model>>> {
    let rows = feedback::Entity::find()
        .filter(feedback::Column::PairingId.is_in(pairing_ids.iter().copied()))
        .order_by_asc(feedback::Column::Id)
        .all(conn)
        .await?;
    let mut out: HashMap<i64, Vec<feedback::Model>> = HashMap::new();
    for row in rows {
        out.entry(row.pairing_id).or_default().push(row);
    }
    Ok(out)
}

/// The feedback the actor may read on a pairing, out of all of it: their own
/// always; the other party's only once both have left theirs, or 14 days
/// after the pairing ended.
pub fn readable_feedback(
    actor: &Actor,
    pairing: &pairing::Model,
    all: &[feedback::Model],
    now: DateTime<Utc>,
) -> Vec<feedback::Model> {
    let both = all.len() >= 2;
    let long_ended = pairing
        .ended_at
        .is_some_and(|ended| now >= ended + FEEDBACK_REVEAL_AFTER);
    all.iter()
        .filter(|f| f.author_id == actor.user_id || both || long_ended)
        .cloned()
        .collect()
}
