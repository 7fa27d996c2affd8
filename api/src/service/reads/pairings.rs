//! The caller's pairings, newest first, with what the selection asks for,
//! in at most two statements: the pairings joined with both parties and
//! their sessions (a row per session), then their feedback.

use std::collections::HashMap;

use entity::{feedback, mentoring_session, pairing, user};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, JoinType, Query};
use sea_orm::{ColumnTrait, Condition};

use super::columns;
use crate::auth::Actor;
use crate::context::AppState;
use crate::error::AppResult;
use crate::service::pairing_notes;

/// What the selection asks for besides the pairings' own columns.
#[derive(Debug, Clone, Copy, Default)]
pub struct Wants {
    /// The mentor, the learner, or the authors of sessions or feedback.
    pub parties: bool,
    pub sessions: bool,
    pub feedback: bool,
}

/// A pairing and what was read with it.
#[derive(Debug, Clone)]
pub struct Row {
    pub pairing: pairing::Model,
    pub extras: Extras,
}

/// What was read with a pairing (`None`: not asked).
#[derive(Debug, Clone, Default)]
pub struct Extras {
    pub mentor: Option<user::Model>,
    pub learner: Option<user::Model>,
    /// Oldest first.
    pub sessions: Option<Vec<mentoring_session::Model>>,
    /// All of it, oldest first; what a reader may see is filtered after.
    pub feedback: Option<Vec<feedback::Model>>,
}

impl Extras {
    /// The party with this id, when the parties were read.
    pub fn party(&self, user_id: i64) -> Option<&user::Model> {
        [self.mentor.as_ref(), self.learner.as_ref()]
            .into_iter()
            .flatten()
            .find(|party| party.id == user_id)
    }
}

/// The actor's pairings (as mentor or learner), newest first.
#[tracing::instrument(skip_all, fields(organisation = actor.organisation_id, user = actor.user_id))]
pub async fn mine(state: &AppState, actor: &Actor, wants: Wants) -> AppResult<Vec<Row>> {
    let mut query = Query::select();
    query.from(pairing::Entity);
    columns::select(&mut query, pairing::Entity, columns::pairing::COLUMNS);
    query
        .cond_where(
            Condition::any()
                .add(pairing::Column::MentorId.eq(actor.user_id))
                .add(pairing::Column::LearnerId.eq(actor.user_id)),
        )
        .order_by((pairing::Entity, pairing::Column::Id), sea_orm::Order::Desc);
    let (mentor, learner) = (Alias::new("mentor"), Alias::new("learner"));
    if wants.parties {
        for (alias, column) in [
            (mentor.clone(), pairing::Column::MentorId),
            (learner.clone(), pairing::Column::LearnerId),
        ] {
            query.join_as(
                JoinType::LeftJoin,
                user::Entity,
                alias.clone(),
                Expr::col((alias.clone(), user::Column::Id)).equals((pairing::Entity, column)),
            );
            columns::select(&mut query, alias, columns::user::COLUMNS);
        }
    }
    if wants.sessions {
        query
            .join(
                JoinType::LeftJoin,
                mentoring_session::Entity,
                Expr::col((
                    mentoring_session::Entity,
                    mentoring_session::Column::PairingId,
                ))
                .equals((pairing::Entity, pairing::Column::Id)),
            )
            .order_by(
                (mentoring_session::Entity, mentoring_session::Column::HeldAt),
                sea_orm::Order::Asc,
            )
            .order_by(
                (mentoring_session::Entity, mentoring_session::Column::Id),
                sea_orm::Order::Asc,
            );
        columns::select(
            &mut query,
            mentoring_session::Entity,
            columns::mentoring_session::COLUMNS,
        );
    }
    let mut rows: Vec<Row> = Vec::new();
    for row in super::rows(&state.db, &query).await? {
        let mut at = 0;
        let pairing = columns::pairing::decode(&row, &mut at)?;
        // A pairing with several sessions comes on consecutive rows.
        let seen = rows
            .last()
            .is_some_and(|last| last.pairing.id == pairing.id);
        if !seen {
            let mut extras = Extras::default();
            if wants.parties {
                extras.mentor = columns::user::decode_optional(&row, &mut at)?;
                extras.learner = columns::user::decode_optional(&row, &mut at)?;
            }
            if wants.sessions {
                extras.sessions = Some(Vec::new());
            }
            rows.push(Row { pairing, extras });
        } else if wants.parties {
            at += 2 * columns::user::COLUMNS.len();
        }
        if wants.sessions
            && let Some(session) = columns::mentoring_session::decode_optional(&row, &mut at)?
            && let Some(last) = rows.last_mut()
        {
            last.extras
                .sessions
                .get_or_insert_with(Vec::new)
                .push(session);
        }
    }
    let ids: Vec<i64> = rows.iter().map(|row| row.pairing.id).collect();
    if wants.feedback {
        let mut feedback: HashMap<i64, Vec<feedback::Model>> =
            pairing_notes::feedback_of(&state.db, &ids).await?;
        for row in &mut rows {
            row.extras.feedback = Some(feedback.remove(&row.pairing.id).unwrap_or_default());
        }
    }
    Ok(rows)
}
