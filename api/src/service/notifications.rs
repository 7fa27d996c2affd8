//! Writing notification rows. Callers write them inside the transaction of the
//! change they describe, so a rolled-back change leaves no notification.

use chrono::{DateTime, Utc};
use entity::notification;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ConnectionTrait};

use crate::error::AppResult;

pub use crate::domain::notifications::Kind;

/// A notification to write.
#[derive(Debug, Clone)]
pub struct New {
    pub organisation_id: i64,
    pub user_id: i64,
    pub kind: Kind,
    pub message: String,
    /// The related object: its GraphQL type name and row id.
    pub subject: Option<(&'static str, i64)>,
}

/// Writes one notification row.
#[tracing::instrument(skip_all)]
pub async fn notify(
    conn: &impl ConnectionTrait,
    new: New,
    now: DateTime<Utc>,
) -> AppResult<notification::Model> {
    let written = notification::ActiveModel {
        organisation_id: Set(new.organisation_id),
        user_id: Set(new.user_id),
        kind: Set(new.kind.as_str().into()),
        message: Set(new.message),
        subject_type: Set(new.subject.map(|(kind, _)| kind.to_owned())),
        subject_id: Set(new.subject.map(|(_, id)| id)),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    crate::events::emit(crate::events::Event::Notification {
        org: written.organisation_id,
        user: written.user_id,
        id: written.id,
    });
    super::outbox::queue_notification(conn, &written, new.kind, now).await?;
    Ok(written)
}

/// Tells each person promoted from a waitlist, in the transaction of the change.
async fn promoted(
    conn: &impl ConnectionTrait,
    organisation_id: i64,
    seats: &[entity::seat::Model],
    message: &str,
    subject: &'static str,
    now: DateTime<Utc>,
) -> AppResult<()> {
    for seat in seats {
        notify(
            conn,
            New {
                organisation_id,
                user_id: seat.user_id,
                kind: Kind::WaitlistPromoted,
                message: message.to_owned(),
                subject: Some((subject, seat.id)),
            },
            now,
        )
        .await?;
    }
    Ok(())
}

/// Tells each person promoted to a seat in a clinic.
#[tracing::instrument(skip_all)]
pub async fn promoted_to_clinic(
    conn: &impl ConnectionTrait,
    clinic: &entity::clinic::Model,
    seats: &[entity::seat::Model],
    now: DateTime<Utc>,
) -> AppResult<()> {
    let message = format!(
        "You have a seat in \"{}\" on {}",
        clinic.title,
        crate::domain::clinics::local_start(clinic.starts_at, &clinic.timezone)
    );
    promoted(
        conn,
        clinic.organisation_id,
        seats,
        &message,
        "ClinicRegistration",
        now,
    )
    .await
}

/// Tells each person promoted to a place in a course.
#[tracing::instrument(skip_all)]
pub async fn promoted_to_course(
    conn: &impl ConnectionTrait,
    course: &entity::course::Model,
    seats: &[entity::seat::Model],
    now: DateTime<Utc>,
) -> AppResult<()> {
    let message = format!("You have a place in the course \"{}\"", course.title);
    promoted(
        conn,
        course.organisation_id,
        seats,
        &message,
        "Enrolment",
        now,
    )
    .await
}

/// The actor's notifications, newest first.
#[tracing::instrument(skip_all)]
pub async fn list(
    state: &crate::context::AppState,
    actor: &crate::auth::Actor,
    unread_only: bool,
    page: &crate::domain::paging::PageRequest,
) -> AppResult<crate::domain::paging::Paged<notification::Model>> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let mut select =
        notification::Entity::find().filter(notification::Column::UserId.eq(actor.user_id));
    if unread_only {
        select = select.filter(notification::Column::ReadAt.is_null());
    }
    super::paging::fetch_newest_first(&state.db, select, notification::Column::Id, page).await
}

/// How many of the actor's notifications are unread.
#[tracing::instrument(skip_all)]
pub async fn unread_count(
    state: &crate::context::AppState,
    actor: &crate::auth::Actor,
) -> AppResult<u64> {
    use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
    Ok(notification::Entity::find()
        .filter(notification::Column::UserId.eq(actor.user_id))
        .filter(notification::Column::ReadAt.is_null())
        .count(&state.db)
        .await?)
}

/// Marks the actor's notifications read; ids of anyone else's are ignored.
/// Returns the actor's notifications among `ids`.
#[tracing::instrument(skip_all)]
pub async fn mark_read(
    state: &crate::context::AppState,
    actor: &crate::auth::Actor,
    ids: &[i64],
) -> AppResult<Vec<notification::Model>> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, sea_query::Expr};
    if ids.len() > 100 {
        return Err(crate::error::AppError::field("ids", "at most 100 ids"));
    }
    notification::Entity::update_many()
        .col_expr(notification::Column::ReadAt, Expr::value(state.clock.now()))
        .filter(notification::Column::UserId.eq(actor.user_id))
        .filter(notification::Column::Id.is_in(ids.iter().copied()))
        .filter(notification::Column::ReadAt.is_null())
        .exec(&state.db)
        .await?;
    Ok(notification::Entity::find()
        .filter(notification::Column::UserId.eq(actor.user_id))
        .filter(notification::Column::Id.is_in(ids.iter().copied()))
        .order_by_desc(notification::Column::Id)
        .all(&state.db)
        .await?)
}

/// One of the actor's notifications, or `NOT_FOUND`.
#[tracing::instrument(skip_all)]
pub async fn get(
    state: &crate::context::AppState,
    actor: &crate::auth::Actor,
    id: i64,
) -> AppResult<notification::Model> {
    use sea_orm::EntityTrait;
    notification::Entity::find_by_id(id)
        .one(&state.db)
        .await?
        .filter(|n| n.user_id == actor.user_id)
        .ok_or(crate::error::AppError::NotFound("notification"))
}
