//! The caller's notifications, newest first, with each one's subject read
//! in the same statement: the page is joined with every table a subject can
//! be in (on its kind and id), with what deciding its visibility needs (a
//! registration's clinic, an enrolment's course, a question's clinic) and,
//! when asked, a pairing's two parties. What the subjects' own relations
//! need comes after, batched across the page.

use entity::{clinic, clinic_question, course, notification, pairing, plan_goal, seat, user};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, JoinType};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryTrait};

use super::columns::{self, take};
use crate::auth::{Actor, permissions};
use crate::context::AppState;
use crate::domain::paging::{PageRequest, Paged};
use crate::error::AppResult;
use crate::service::{enrolments, pairings, questions, registrations};

/// What the page's selection asks for besides the notifications' own columns.
#[derive(Debug, Clone, Copy, Default)]
pub struct Wants {
    /// Each notification's subject.
    pub subjects: bool,
    /// A pairing subject's mentor and learner.
    pub parties: bool,
}

/// A notification of the page and, when asked, its subject.
#[derive(Debug, Clone)]
pub struct Row {
    pub notification: notification::Model,
    /// `None`: not asked.
    pub subject: Option<Subject>,
}

/// What a notification is about, as the reader may see it.
#[derive(Debug, Clone)]
pub enum Subject {
    /// None, gone, or not visible to the reader.
    Missing,
    Clinic(clinic::Model),
    User(user::Model),
    Pairing(Box<super::pairings::Row>),
    ClinicRegistration(seat::Model),
    Enrolment(seat::Model),
    PlanGoal(plan_goal::Model),
    ClinicQuestion(clinic_question::Model),
}

/// One page of the actor's notifications (only unread ones when asked).
#[tracing::instrument(skip_all, fields(organisation = actor.organisation_id))]
pub async fn page(
    state: &AppState,
    actor: &Actor,
    unread_only: bool,
    page: &PageRequest,
    wants: Wants,
) -> AppResult<Paged<Row>> {
    let mut filtered =
        notification::Entity::find().filter(notification::Column::UserId.eq(actor.user_id));
    if unread_only {
        filtered = filtered.filter(notification::Column::ReadAt.is_null());
    }
    let mut query =
        crate::service::paging::window(filtered.clone(), notification::Column::Id, page, true)
            .into_query();
    query.clear_selects();
    columns::select(
        &mut query,
        notification::Entity,
        columns::notification::COLUMNS,
    );
    let alias = Alias::new;
    // The subject's table, joined on the notification's kind and id.
    let on_subject = |table: &'static str, kind: &'static [&'static str]| {
        let kinds = Expr::col((notification::Entity, notification::Column::SubjectType))
            .is_in(kind.iter().copied());
        kinds.and(
            Expr::col((alias(table), Alias::new("id")))
                .equals((notification::Entity, notification::Column::SubjectId)),
        )
    };
    if wants.subjects {
        query.join_as(
            JoinType::LeftJoin,
            pairing::Entity,
            alias("s_pairing"),
            on_subject("s_pairing", &["Pairing"]),
        );
        columns::select(&mut query, alias("s_pairing"), columns::pairing::COLUMNS);
        if wants.parties {
            for (party, column) in [
                ("s_mentor", pairing::Column::MentorId),
                ("s_learner", pairing::Column::LearnerId),
            ] {
                query.join_as(
                    JoinType::LeftJoin,
                    user::Entity,
                    alias(party),
                    Expr::col((alias(party), user::Column::Id))
                        .equals((alias("s_pairing"), column)),
                );
                columns::select(&mut query, alias(party), columns::user::COLUMNS);
            }
        }
        query.join_as(
            JoinType::LeftJoin,
            clinic::Entity,
            alias("s_clinic"),
            on_subject("s_clinic", &["Clinic"]),
        );
        columns::select(&mut query, alias("s_clinic"), columns::clinic::COLUMNS);
        query.join_as(
            JoinType::LeftJoin,
            user::Entity,
            alias("s_user"),
            on_subject("s_user", &["User"]),
        );
        columns::select(&mut query, alias("s_user"), columns::user::COLUMNS);
        query.join_as(
            JoinType::LeftJoin,
            seat::Entity,
            alias("s_seat"),
            on_subject("s_seat", &["ClinicRegistration", "Enrolment"]),
        );
        columns::select(&mut query, alias("s_seat"), columns::seat::COLUMNS);
        query.join_as(
            JoinType::LeftJoin,
            clinic::Entity,
            alias("s_seat_clinic"),
            Expr::col((alias("s_seat_clinic"), clinic::Column::SeatPoolId))
                .equals((alias("s_seat"), seat::Column::PoolId)),
        );
        columns::select(&mut query, alias("s_seat_clinic"), columns::clinic::COLUMNS);
        query.join_as(
            JoinType::LeftJoin,
            course::Entity,
            alias("s_seat_course"),
            Expr::col((alias("s_seat_course"), course::Column::SeatPoolId))
                .equals((alias("s_seat"), seat::Column::PoolId)),
        );
        columns::select(&mut query, alias("s_seat_course"), columns::course::COLUMNS);
        query.join_as(
            JoinType::LeftJoin,
            plan_goal::Entity,
            alias("s_goal"),
            on_subject("s_goal", &["PlanGoal"]),
        );
        columns::select(&mut query, alias("s_goal"), columns::plan_goal::COLUMNS);
        query.join_as(
            JoinType::LeftJoin,
            clinic_question::Entity,
            alias("s_question"),
            on_subject("s_question", &["ClinicQuestion"]),
        );
        columns::select(
            &mut query,
            alias("s_question"),
            columns::clinic_question::COLUMNS,
        );
        query.join_as(
            JoinType::LeftJoin,
            clinic::Entity,
            alias("s_question_clinic"),
            Expr::col((alias("s_question_clinic"), clinic::Column::Id))
                .equals((alias("s_question"), clinic_question::Column::ClinicId)),
        );
        columns::select(
            &mut query,
            alias("s_question_clinic"),
            columns::clinic::COLUMNS,
        );
    }
    if page.count_total {
        query.expr(super::count_of(filtered.clone().into_query()));
    }

    let mut total = 0;
    let mut fetched = Vec::new();
    for row in super::rows(&state.db, &query).await? {
        let mut at = 0;
        let notification = columns::notification::decode(&row, &mut at)?;
        let subject = if wants.subjects {
            Some(subject(
                actor,
                notification.subject_type.as_deref(),
                &row,
                &mut at,
                wants.parties,
            )?)
        } else {
            None
        };
        if page.count_total {
            total = take::<i64>(&row, &mut at)?;
        }
        fetched.push(Row {
            notification,
            subject,
        });
    }
    let total = super::page_total(&state.db, &filtered, page, total, fetched.len()).await?;
    Ok(Paged::from_fetched(fetched, page, total))
}

/// Decodes the joined subject columns starting at `at` (every join is read;
/// `kind`, the notification's subject type, says which one counts) and
/// keeps what the actor may see.
fn subject(
    actor: &Actor,
    kind: Option<&str>,
    row: &sea_orm::QueryResult,
    at: &mut usize,
    parties: bool,
) -> Result<Subject, sea_orm::DbErr> {
    let pairing = columns::pairing::decode_optional(row, at)?;
    let (mentor, learner) = if parties {
        (
            columns::user::decode_optional(row, at)?,
            columns::user::decode_optional(row, at)?,
        )
    } else {
        (None, None)
    };
    let clinic = columns::clinic::decode_optional(row, at)?;
    let user = columns::user::decode_optional(row, at)?;
    let seat = columns::seat::decode_optional(row, at)?;
    let seat_clinic = columns::clinic::decode_optional(row, at)?;
    let seat_course = columns::course::decode_optional(row, at)?;
    let goal = columns::plan_goal::decode_optional(row, at)?;
    let question = columns::clinic_question::decode_optional(row, at)?;
    let question_clinic = columns::clinic::decode_optional(row, at)?;

    let same_organisation = |organisation| actor.organisation_id == organisation;
    let seen = match kind {
        Some("Pairing") => pairing
            .filter(|p| pairings::visible_to(actor, p))
            .map(|pairing| {
                Subject::Pairing(Box::new(super::pairings::Row {
                    pairing,
                    extras: super::pairings::Extras {
                        mentor,
                        learner,
                        ..Default::default()
                    },
                }))
            }),
        Some("Clinic") => clinic
            .filter(|c| same_organisation(c.organisation_id))
            .map(Subject::Clinic),
        Some("User") => user
            .filter(|u| same_organisation(u.organisation_id))
            .map(Subject::User),
        Some("ClinicRegistration") => seat
            .zip(seat_clinic)
            .filter(|(seat, clinic)| registrations::visible_to(actor, seat, clinic))
            .map(|(seat, _)| Subject::ClinicRegistration(seat)),
        Some("Enrolment") => seat
            .zip(seat_course)
            .filter(|(seat, course)| enrolments::visible_to(actor, seat, course))
            .map(|(seat, _)| Subject::Enrolment(seat)),
        Some("PlanGoal") => goal
            .filter(|g| permissions::may_see_goal(actor, g.organisation_id))
            .map(Subject::PlanGoal),
        Some("ClinicQuestion") => question
            .zip(question_clinic)
            .filter(|(question, clinic)| {
                same_organisation(clinic.organisation_id)
                    && questions::visible_to(actor, question, clinic.facilitator_id)
            })
            .map(|(question, _)| Subject::ClinicQuestion(question)),
        _ => None,
    };
    Ok(seen.unwrap_or(Subject::Missing))
}
