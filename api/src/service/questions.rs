//! Questions sent to a clinic beforehand, so its facilitator can prepare.
//! Only members with a place (confirmed or waitlisted) ask, until the clinic
//! starts. Who sees a question is [`permissions::may_see_question`]; an
//! anonymous one names nobody, to anyone, on any path: the author is kept
//! only so the asker sees their own, and no log line or exported span of
//! the asking names them (this module's spans, and the clinic lookup's,
//! carry no user; the request's log records no caller, see
//! `graphql::pipeline`).

use entity::{ClinicStatus, clinic, clinic_question};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
};

use crate::auth::{Actor, permissions};
use crate::context::AppState;
use crate::db;
use crate::domain::plan;
use crate::domain::text;
use crate::error::{AppError, AppResult};
use crate::service::notifications::{self, Kind, New};

/// Asks a clinic a question; its facilitator is told (without the asker's
/// name).
#[tracing::instrument(skip_all, fields(organisation = actor.organisation_id))]
pub async fn ask(
    state: &AppState,
    actor: &Actor,
    clinic_id: i64,
    raw: &str,
    anonymous: bool,
) -> AppResult<clinic_question::Model> {
    let text = text::required(raw, "text", plan::MAX_TEXT, true)?;
    let now = state.clock.now();
    let txn = db::begin_write(state).await?;
    let clinic = super::clinics::get_in(&*txn, actor, clinic_id).await?;
    let seat = super::lookups::live_seats(&*txn, &[(clinic.seat_pool_id, actor.user_id)]).await?;
    plan::may_ask(
        !seat.is_empty(),
        clinic.status == ClinicStatus::Cancelled,
        clinic.starts_at,
        now,
    )?;
    let asked = clinic_question::ActiveModel {
        organisation_id: Set(clinic.organisation_id),
        clinic_id: Set(clinic.id),
        author_id: Set(actor.user_id),
        anonymous: Set(anonymous),
        text: Set(text),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&*txn)
    .await?;
    if clinic.facilitator_id != actor.user_id {
        notifications::notify(
            &*txn,
            New {
                organisation_id: clinic.organisation_id,
                user_id: clinic.facilitator_id,
                kind: Kind::ClinicQuestionAsked,
                message: format!("A question was sent for \"{}\"", clinic.title),
                subject: Some(("ClinicQuestion", asked.id)),
            },
            now,
        )
        .await?;
    }
    db::commit(txn, state).await?;
    Ok(asked)
}

/// A question the actor may see, with its clinic, or `NOT_FOUND`.
async fn find(
    conn: &impl ConnectionTrait,
    actor: &Actor,
    id: i64,
) -> AppResult<(clinic_question::Model, clinic::Model)> {
    let question = clinic_question::Entity::find_by_id(id)
        .one(conn)
        .await?
        .ok_or(AppError::NotFound("question"))?;
    let clinic = super::clinics::get_in(conn, actor, question.clinic_id)
        .await
        .map_err(|_| AppError::NotFound("question"))?;
    if !permissions::may_see_question(
        actor,
        question.organisation_id,
        clinic.facilitator_id,
        question.author_id,
    ) {
        return Err(AppError::NotFound("question"));
    }
    Ok((question, clinic))
}

/// A question the actor may see, or `NOT_FOUND`.
#[tracing::instrument(skip_all, fields(organisation = actor.organisation_id))]
pub async fn get(state: &AppState, actor: &Actor, id: i64) -> AppResult<clinic_question::Model> {
    Ok(find(&state.db, actor, id).await?.0)
}

/// Marks a question answered (the clinic's facilitator or an admin).
#[tracing::instrument(skip_all, fields(organisation = actor.organisation_id))]
pub async fn mark_answered(
    state: &AppState,
    actor: &Actor,
    id: i64,
) -> AppResult<clinic_question::Model> {
    let now = state.clock.now();
    let txn = db::begin_write(state).await?;
    let (question, clinic) = find(&*txn, actor, id).await?;
    if !permissions::may_manage_clinic(actor, clinic.organisation_id, clinic.facilitator_id) {
        return Err(AppError::Forbidden(
            "only the clinic's facilitator or an admin marks questions answered",
        ));
    }
    clinic_question::Entity::update_many()
        .col_expr(clinic_question::Column::AnsweredAt, Expr::value(now))
        .filter(clinic_question::Column::Id.eq(question.id))
        .filter(clinic_question::Column::AnsweredAt.is_null())
        .exec(&*txn)
        .await?;
    let (answered, _) = find(&*txn, actor, id).await?;
    db::commit(txn, state).await?;
    Ok(answered)
}

/// Whether the actor sees a question of a clinic with this facilitator.
pub fn visible_to(actor: &Actor, question: &clinic_question::Model, facilitator_id: i64) -> bool {
    permissions::may_see_question(
        actor,
        question.organisation_id,
        facilitator_id,
        question.author_id,
    )
}
