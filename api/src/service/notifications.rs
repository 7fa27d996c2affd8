//! Writing notification rows. Callers write them inside the transaction of the
//! change they describe, so a rolled-back change leaves no notification.

use chrono::{DateTime, Utc};
use entity::notification;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ConnectionTrait};

use crate::domain::mail::REMINDER_BEFORE;
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
    published(conn, &written, new.kind, now).await?;
    Ok(written)
}

/// Writes a notification at most once for `once_key`, however many
/// instances try: `None` when it was written before.
#[tracing::instrument(skip_all)]
pub async fn notify_once(
    conn: &impl ConnectionTrait,
    new: New,
    once_key: String,
    now: DateTime<Utc>,
) -> AppResult<Option<notification::Model>> {
    use sea_orm::{EntityTrait, TryInsertResult};
    let kind = new.kind;
    let inserted = notification::Entity::insert(notification::ActiveModel {
        organisation_id: Set(new.organisation_id),
        user_id: Set(new.user_id),
        kind: Set(kind.as_str().into()),
        message: Set(new.message),
        subject_type: Set(new.subject.map(|(kind, _)| kind.to_owned())),
        subject_id: Set(new.subject.map(|(_, id)| id)),
        created_at: Set(now),
        once_key: Set(Some(once_key)),
        ..Default::default()
    })
    .on_conflict_do_nothing_on([notification::Column::OnceKey])
    .exec(conn)
    .await?;
    let TryInsertResult::Inserted(inserted) = inserted else {
        return Ok(None);
    };
    let written = notification::Entity::find_by_id(inserted.last_insert_id)
        .one(conn)
        .await?
        .ok_or_else(|| crate::error::AppError::internal("a written notification is missing"))?;
    published(conn, &written, kind, now).await?;
    Ok(Some(written))
}

/// Pushes a notification just written and queues its mail.
async fn published(
    conn: &impl ConnectionTrait,
    written: &notification::Model,
    kind: Kind,
    now: DateTime<Utc>,
) -> AppResult<()> {
    crate::events::emit(crate::events::Event::Notification {
        org: written.organisation_id,
        user: written.user_id,
        id: written.id,
    });
    super::outbox::queue_notification(conn, written, kind, now).await
}

/// Writes the reminder of every confirmed seat of every scheduled clinic
/// that starts within [`REMINDER_BEFORE`] of `now`, once per seat however
/// often and on however many instances this runs (its mail goes with it,
/// to those who chose `CLINIC_REMINDER`). Returns how many were written.
#[tracing::instrument(skip_all)]
pub async fn remind(state: &crate::context::AppState, now: DateTime<Utc>) -> AppResult<u64> {
    use sea_orm::{FromQueryResult, Statement};
    let backend = state.db.get_database_backend();
    let p = |n| crate::db::param(backend, n);
    // A reminder mail queued before reminders were notifications counts too.
    let sql = format!(
        "SELECT s.id AS seat_id, s.user_id, c.organisation_id, c.title, c.starts_at, c.timezone \
         FROM seats s JOIN clinics c ON c.seat_pool_id = s.pool_id \
         JOIN users u ON u.id = s.user_id \
         WHERE c.status = 'SCHEDULED' AND c.starts_at > {} AND c.starts_at <= {} \
           AND s.status = 'CONFIRMED' AND u.active = {} \
           AND NOT EXISTS (SELECT 1 FROM notifications n WHERE n.once_key = 'reminder:' || s.id) \
           AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.once_key = 'reminder:' || s.id)",
        p(1),
        p(2),
        p(3)
    );
    #[derive(FromQueryResult)]
    struct Due {
        seat_id: i64,
        user_id: i64,
        organisation_id: i64,
        title: String,
        starts_at: DateTime<Utc>,
        timezone: String,
    }
    let due = Due::find_by_statement(Statement::from_sql_and_values(
        backend,
        sql,
        [now.into(), (now + REMINDER_BEFORE).into(), true.into()],
    ))
    .all(&state.db)
    .await?;
    if due.is_empty() {
        return Ok(0);
    }
    let txn = crate::db::begin_write(state).await?;
    let mut written = 0;
    for seat in &due {
        let new = New {
            organisation_id: seat.organisation_id,
            user_id: seat.user_id,
            kind: Kind::ClinicReminder,
            message: format!(
                "\"{}\" starts on {}",
                seat.title,
                crate::domain::clinics::local_start(seat.starts_at, &seat.timezone)
            ),
            subject: Some(("ClinicRegistration", seat.seat_id)),
        };
        if notify_once(&*txn, new, format!("reminder:{}", seat.seat_id), now)
            .await?
            .is_some()
        {
            written += 1;
        }
    }
    crate::db::commit(txn, state).await?;
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
