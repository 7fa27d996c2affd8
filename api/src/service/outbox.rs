//! The outbox: mails are queued in the transaction of the change that causes
//! them, claimed by a worker in some instance (`FOR UPDATE SKIP LOCKED` on
//! PostgreSQL, the single writer on SQLite), so each is sent once however
//! many instances run, and finished as sent, retried later, failed after a
//! day, or dropped when what it was about no longer applies. What a mail
//! says is read when it is sent ([`prepare`]): the outbox holds no token.

use chrono::{DateTime, Utc};
use entity::{MailStatus, invitation, notification, organisation, outbox, password_reset, user};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, InsertStatement, Query, SelectStatement};
use sea_orm::{
    ActiveEnum, ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbBackend,
    EntityTrait, QueryFilter, Statement,
};

use crate::context::AppState;
use crate::db;
use crate::domain::mail::{self, CLAIM_FOR, MailKind};
use crate::domain::notifications::Kind;
use crate::error::AppResult;
use crate::events::{Event, emit};

/// A mail to queue for a member.
#[derive(Debug, Clone)]
pub struct ForMember<'a> {
    pub user: &'a user::Model,
    pub kind: MailKind,
    pub subject_id: Option<i64>,
}

/// Queues a mail to a member (nothing for a deactivated one), in the
/// caller's transaction.
#[tracing::instrument(skip_all, fields(kind = mail.kind.as_str()))]
pub async fn queue_for(
    conn: &impl ConnectionTrait,
    mail: ForMember<'_>,
    now: DateTime<Utc>,
) -> AppResult<()> {
    if !mail.user.active {
        return Ok(());
    }
    queue(
        conn,
        outbox::ActiveModel {
            organisation_id: Set(mail.user.organisation_id),
            user_id: Set(Some(mail.user.id)),
            recipient: Set(mail.user.email.clone()),
            locale: Set(mail.user.locale),
            kind: Set(mail.kind.as_str().into()),
            subject_id: Set(mail.subject_id),
            ..Default::default()
        },
        now,
    )
    .await
}

/// Queues a mail to an address that is no member yet (an invitation), in the
/// organisation's default language.
#[tracing::instrument(skip_all)]
pub async fn queue_invitation(
    conn: &impl ConnectionTrait,
    organisation: &organisation::Model,
    invitation: &invitation::Model,
    now: DateTime<Utc>,
) -> AppResult<()> {
    queue(
        conn,
        outbox::ActiveModel {
            organisation_id: Set(organisation.id),
            user_id: Set(None),
            recipient: Set(invitation.email.clone()),
            locale: Set(organisation.default_locale),
            kind: Set(MailKind::Invitation.as_str().into()),
            subject_id: Set(Some(invitation.id)),
            ..Default::default()
        },
        now,
    )
    .await
}

async fn queue(
    conn: &impl ConnectionTrait,
    mut row: outbox::ActiveModel,
    now: DateTime<Utc>,
) -> AppResult<()> {
    row.status = Set(MailStatus::Pending);
    row.attempts = Set(0);
    row.next_attempt_at = Set(now);
    row.created_at = Set(now);
    let row = row.insert(conn).await?;
    emit(Event::Mail {
        org: row.organisation_id,
    });
    Ok(())
}

/// Withdraws the unsent mails of `kind` about `subject_id` (an invitation
/// accepted or revoked before its mail went), in the caller's transaction.
/// A mail a worker holds already is checked again when it is written.
#[tracing::instrument(skip_all)]
pub async fn withdraw(
    conn: &impl ConnectionTrait,
    kind: MailKind,
    subject_ids: impl IntoIterator<Item = i64>,
    reason: &'static str,
) -> AppResult<()> {
    outbox::Entity::update_many()
        .col_expr(outbox::Column::Status, Expr::value(MailStatus::Dropped))
        .col_expr(outbox::Column::LastError, Expr::value(reason))
        .filter(outbox::Column::Kind.eq(kind.as_str()))
        .filter(outbox::Column::SubjectId.is_in(subject_ids))
        .filter(outbox::Column::Status.eq(MailStatus::Pending))
        .exec(conn)
        .await?;
    Ok(())
}

/// Queues the mail of a notification just written, when its member is
/// active and chose its kind, in one statement in the caller's transaction.
/// A clinic reminder's mail is the reminder (about the seat).
#[tracing::instrument(skip_all)]
pub async fn queue_notification(
    conn: &impl ConnectionTrait,
    written: &notification::Model,
    kind: Kind,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let (mail, subject) = match kind {
        Kind::ClinicReminder => (MailKind::ClinicReminder, written.subject_id),
        other => (MailKind::Notification(other), Some(written.id)),
    };
    let users = Alias::new("users");
    let mut select = Query::select();
    select
        .expr(Expr::col((users.clone(), user::Column::OrganisationId)))
        .expr(Expr::col((users.clone(), user::Column::Id)))
        .expr(Expr::val(mail.as_str()))
        .expr(Expr::col((users.clone(), user::Column::Email)))
        .expr(Expr::col((users.clone(), user::Column::Locale)))
        .expr(Expr::val(subject))
        .from(users.clone())
        .and_where(Expr::col((users.clone(), user::Column::Id)).eq(written.user_id))
        .and_where(Expr::col((users.clone(), user::Column::Active)).eq(true))
        .and_where(
            Expr::cust(r#"(',' || "users"."email_kinds" || ',')"#)
                .like(format!("%,{},%", kind.as_str())),
        );
    let insert = queued_from(select, now)?;
    let queued = conn.execute(&insert).await?.rows_affected();
    if queued > 0 {
        emit(Event::Mail {
            org: written.organisation_id,
        });
    }
    Ok(())
}

/// `INSERT INTO outbox … SELECT`: `select` yields the organisation, the
/// user, the kind, the address, the locale and the subject id; each row is
/// queued pending, due at `now`.
fn queued_from(mut select: SelectStatement, now: DateTime<Utc>) -> AppResult<InsertStatement> {
    select
        .expr(Expr::val(MailStatus::Pending.to_value()))
        .expr(Expr::val(0))
        .expr(Expr::val(now))
        .expr(Expr::val(now));
    let mut columns = vec![
        outbox::Column::OrganisationId,
        outbox::Column::UserId,
        outbox::Column::Kind,
        outbox::Column::Recipient,
        outbox::Column::Locale,
        outbox::Column::SubjectId,
    ];
    columns.extend([
        outbox::Column::Status,
        outbox::Column::Attempts,
        outbox::Column::NextAttemptAt,
        outbox::Column::CreatedAt,
    ]);
    let mut insert = Query::insert();
    insert
        .into_table(outbox::Entity)
        .columns(columns)
        .select_from(select)
        .map_err(crate::error::AppError::internal)?;
    Ok(insert)
}

/// Claims up to `limit` due mails (and mails whose claimer stopped without
/// finishing them) for [`CLAIM_FOR`], counting an attempt on each.
#[tracing::instrument(skip_all)]
pub async fn claim(state: &AppState, limit: u64) -> AppResult<Vec<outbox::Model>> {
    let now = state.clock.now();
    let backend = state.db.get_database_backend();
    let skip_locked = if backend == DbBackend::Postgres {
        " FOR UPDATE SKIP LOCKED"
    } else {
        ""
    };
    let sql = format!(
        "UPDATE outbox SET status = 'SENDING', claimed_until = {p1}, attempts = attempts + 1 \
         WHERE id IN (SELECT id FROM outbox \
           WHERE (status = 'PENDING' AND next_attempt_at <= {p2}) \
              OR (status = 'SENDING' AND claimed_until <= {p2}) \
           ORDER BY id LIMIT {limit}{skip_locked}) \
         RETURNING *",
        p1 = crate::db::param(backend, 1),
        p2 = crate::db::param(backend, 2),
    );
    let txn = db::begin_write(state).await?;
    let claimed = outbox::Entity::find()
        .from_raw_sql(Statement::from_sql_and_values(
            backend,
            sql,
            [(now + CLAIM_FOR).into(), now.into()],
        ))
        .all(&*txn)
        .await?;
    db::commit(txn, state).await?;
    Ok(claimed)
}

/// How an attempt ended.
#[derive(Debug, Clone)]
pub enum Outcome {
    Sent,
    /// The relay could not be reached or refused for now: tried again later.
    Failed(String),
    /// The mail cannot be sent as it is (a malformed address, a permanent
    /// refusal): given up on at once.
    Refused(String),
    /// What the mail was about no longer applies.
    Dropped(&'static str),
    /// Handed back unsent (the server is stopping).
    Released,
}

/// Records how the attempt on a claimed mail ended; returns the status it
/// now has. A reset link's nonce is forgotten once its mail is sent.
#[tracing::instrument(skip_all, fields(mail = mail.id))]
pub async fn finish(
    state: &AppState,
    mail: &outbox::Model,
    outcome: &Outcome,
) -> AppResult<MailStatus> {
    let now = state.clock.now();
    let mut update = outbox::Entity::update_many()
        .col_expr(
            outbox::Column::ClaimedUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .filter(outbox::Column::Id.eq(mail.id))
        .filter(outbox::Column::Status.eq(MailStatus::Sending));
    let status = match outcome {
        Outcome::Sent => {
            update = update
                .col_expr(outbox::Column::SentAt, Expr::value(now))
                .col_expr(
                    outbox::Column::LastError,
                    Expr::value(Option::<String>::None),
                );
            MailStatus::Sent
        }
        Outcome::Failed(error) => {
            let error: String = error.chars().take(1000).collect();
            update = update.col_expr(outbox::Column::LastError, Expr::value(error));
            match mail::retry_at(mail.created_at, mail.attempts, now) {
                Some(next) => {
                    update = update.col_expr(outbox::Column::NextAttemptAt, Expr::value(next));
                    MailStatus::Pending
                }
                None => MailStatus::Failed,
            }
        }
        Outcome::Refused(error) => {
            let error: String = error.chars().take(1000).collect();
            update = update.col_expr(outbox::Column::LastError, Expr::value(error));
            MailStatus::Failed
        }
        Outcome::Dropped(reason) => {
            update = update.col_expr(outbox::Column::LastError, Expr::value(*reason));
            MailStatus::Dropped
        }
        Outcome::Released => {
            update = update.col_expr(
                outbox::Column::Attempts,
                Expr::value(std::cmp::max(mail.attempts - 1, 0)),
            );
            MailStatus::Pending
        }
    };
    let txn = db::begin_write(state).await?;
    update
        .col_expr(outbox::Column::Status, Expr::value(status))
        .exec(&*txn)
        .await?;
    if matches!(outcome, Outcome::Sent | Outcome::Dropped(_))
        && mail.kind == MailKind::PasswordReset.as_str()
        && let Some(reset) = mail.subject_id
    {
        password_reset::Entity::update_many()
            .col_expr(
                password_reset::Column::TokenNonce,
                Expr::value(Option::<String>::None),
            )
            .filter(password_reset::Column::Id.eq(reset))
            .exec(&*txn)
            .await?;
    }
    db::commit(txn, state).await?;
    Ok(status)
}

pub mod content;

pub use content::{Prepared, Ready, locale_of, prepare};
