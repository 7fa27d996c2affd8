//! What happens within a pairing: logged sessions and feedback, for its two
//! parties (an admin sees that sessions were held and the ratings once
//! revealed, never the words: see `auth::permissions`).

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use entity::{PairingStatus, feedback, mentoring_session, pairing};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder,
};

use super::notifications::Kind;
use super::pairings::{get, get_in, is_party, other_party, tell};
use crate::auth::{Actor, permissions};
use crate::context::AppState;
use crate::db;
use crate::domain::mentoring;
use crate::domain::text;
use crate::error::{AppError, AppResult};

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
#[tracing::instrument(skip_all, fields(organisation = actor.organisation_id, user = actor.user_id))]
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
#[tracing::instrument(skip_all, fields(organisation = actor.organisation_id, user = actor.user_id))]
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
#[tracing::instrument(skip_all)]
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
#[tracing::instrument(skip_all)]
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
/// always; the rest once revealed (see [`crate::domain::mentoring::feedback_revealed`]).
pub fn readable_feedback(
    actor: &Actor,
    pairing: &pairing::Model,
    all: &[feedback::Model],
    now: DateTime<Utc>,
) -> Vec<feedback::Model> {
    let revealed = mentoring::feedback_revealed(all.len(), pairing.ended_at, now);
    all.iter()
        .filter(|f| permissions::may_read_feedback(actor, f.author_id, revealed))
        .cloned()
        .collect()
}
