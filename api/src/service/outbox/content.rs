//! What a claimed mail says, read when it is sent: the invitation and its
//! token, the reset link, the clinic of a reminder, the notification's
//! subject; or why it no longer applies.

use chrono::{DateTime, Utc};
use entity::{
    ClinicStatus, Locale, SeatStatus, clinic, clinic_question, course, invitation, notification,
    organisation, outbox, password_reset, plan_goal, seat, user,
};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use crate::auth::tokens::Purpose;
use crate::context::AppState;
use crate::domain::invitations::{InvitationStatus, status as invitation_status};
use crate::domain::mail::{self, MailKind};
use crate::domain::notifications::Kind;
use crate::error::AppResult;

/// What a mail says, read when it is sent.
#[derive(Debug, Clone)]
pub enum Ready {
    Invitation {
        organisation: String,
        inviter: Option<String>,
        token: String,
        expires_at: DateTime<Utc>,
    },
    PasswordReset {
        name: String,
        token: String,
        expires_at: DateTime<Utc>,
    },
    ClinicReminder {
        name: String,
        clinic: clinic::Model,
    },
    Notification {
        name: String,
        kind: Kind,
        message: String,
        clinic: Option<clinic::Model>,
        /// The title of the course or goal it is about.
        title: Option<String>,
    },
}

/// A claimed mail made ready, or the reason it no longer applies.
pub type Prepared = Result<Ready, &'static str>;

/// Reads what a claimed mail says, checking it still applies.
#[tracing::instrument(skip_all, fields(mail = mail.id))]
pub async fn prepare(state: &AppState, mail: &outbox::Model) -> AppResult<Prepared> {
    let db = &state.db;
    let now = state.clock.now();
    let Some(kind) = MailKind::parse(&mail.kind) else {
        return Ok(Err("a kind of mail this version does not know"));
    };
    let recipient = match mail.user_id {
        Some(id) => match user::Entity::find_by_id(id).one(db).await? {
            Some(user) if user.active => Some(user),
            _ => return Ok(Err("the recipient is no longer an active member")),
        },
        None => None,
    };
    let name = recipient
        .as_ref()
        .map(|u| u.display_name.clone())
        .unwrap_or_default();
    let Some(subject) = mail.subject_id else {
        return Ok(Err("the mail names nothing to send"));
    };
    Ok(match kind {
        MailKind::Invitation => {
            let Some(invitation) = invitation::Entity::find_by_id(subject).one(db).await? else {
                return Ok(Err("the invitation is gone"));
            };
            let status = invitation_status(
                invitation.accepted_at,
                invitation.revoked_at,
                invitation.expires_at,
                now,
            );
            if status != InvitationStatus::Pending {
                return Ok(Err("the invitation can no longer be accepted"));
            }
            let Some(token) = state
                .tokens
                .of_nonce(Purpose::Invitation, invitation.token_nonce.as_deref())
            else {
                return Ok(Err("the invitation's token is gone"));
            };
            let organisation = organisation::Entity::find_by_id(invitation.organisation_id)
                .one(db)
                .await?
                .map(|o| o.name)
                .unwrap_or_default();
            let inviter = match invitation.invited_by {
                Some(id) => user::Entity::find_by_id(id)
                    .one(db)
                    .await?
                    .map(|u| u.display_name),
                None => None,
            };
            Ok(Ready::Invitation {
                organisation,
                inviter,
                token,
                expires_at: invitation.expires_at,
            })
        }
        MailKind::PasswordReset => {
            let reset = password_reset::Entity::find_by_id(subject).one(db).await?;
            match reset {
                Some(reset) if reset.used_at.is_none() && reset.expires_at > now => {
                    let token = state
                        .tokens
                        .of_nonce(Purpose::PasswordReset, reset.token_nonce.as_deref());
                    match token {
                        Some(token) => Ok(Ready::PasswordReset {
                            name,
                            token,
                            expires_at: reset.expires_at,
                        }),
                        None => Err("the reset link's token is gone"),
                    }
                }
                _ => Err("the reset link was used or has expired"),
            }
        }
        MailKind::ClinicReminder => {
            let Some(seat) = seat::Entity::find_by_id(subject).one(db).await? else {
                return Ok(Err("the registration is gone"));
            };
            let clinic = clinic::Entity::find()
                .filter(clinic::Column::SeatPoolId.eq(seat.pool_id))
                .one(db)
                .await?;
            match clinic {
                Some(clinic)
                    if seat.status == SeatStatus::Confirmed
                        && clinic.status == ClinicStatus::Scheduled
                        && clinic.starts_at > now =>
                {
                    Ok(Ready::ClinicReminder { name, clinic })
                }
                _ => Err("the clinic or the registration no longer applies"),
            }
        }
        MailKind::Notification(kind) => {
            let Some(written) = notification::Entity::find_by_id(subject).one(db).await? else {
                return Ok(Err("the notification is gone"));
            };
            let (clinic, title) = about(state, &written).await?;
            Ok(Ready::Notification {
                name,
                kind,
                message: written.message,
                clinic,
                title,
            })
        }
    })
}

/// The clinic, or the title of the course or goal, a notification is about.
async fn about(
    state: &AppState,
    written: &notification::Model,
) -> AppResult<(Option<clinic::Model>, Option<String>)> {
    let db = &state.db;
    let (Some(kind), Some(id)) = (written.subject_type.as_deref(), written.subject_id) else {
        return Ok((None, None));
    };
    Ok(match kind {
        "Clinic" => (clinic::Entity::find_by_id(id).one(db).await?, None),
        "ClinicQuestion" => match clinic_question::Entity::find_by_id(id).one(db).await? {
            Some(question) => (
                clinic::Entity::find_by_id(question.clinic_id)
                    .one(db)
                    .await?,
                None,
            ),
            None => (None, None),
        },
        "PlanGoal" => (
            None,
            plan_goal::Entity::find_by_id(id)
                .one(db)
                .await?
                .map(|g| g.title),
        ),
        "ClinicRegistration" | "Enrolment" => {
            let Some(seat) = seat::Entity::find_by_id(id).one(db).await? else {
                return Ok((None, None));
            };
            let clinic = clinic::Entity::find()
                .filter(clinic::Column::SeatPoolId.eq(seat.pool_id))
                .one(db)
                .await?;
            let course = match clinic {
                Some(_) => None,
                None => course::Entity::find()
                    .filter(course::Column::SeatPoolId.eq(seat.pool_id))
                    .one(db)
                    .await?
                    .map(|c| c.title),
            };
            (clinic, course)
        }
        _ => (None, None),
    })
}

/// The language a member's mails are written in.
pub fn locale_of(locale: Locale) -> mail::Locale {
    match locale {
        Locale::Fi => mail::Locale::Fi,
        Locale::Sv => mail::Locale::Sv,
        Locale::En => mail::Locale::En,
    }
}
