//! Writing notification rows. Callers write them inside the transaction of the
//! change they describe, so a rolled-back change leaves no notification.

use chrono::{DateTime, Utc};
use entity::notification;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ConnectionTrait};

use crate::error::AppResult;

/// What a notification is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    InvitationAccepted,
    WaitlistPromoted,
    ClinicCancelled,
    ClinicMoved,
    PairingProposed,
    PairingAccepted,
    PairingDeclined,
    PairingCancelled,
    PairingCompleted,
    FeedbackReceived,
}

impl Kind {
    /// The stored (and GraphQL enum) name.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::InvitationAccepted => "INVITATION_ACCEPTED",
            Kind::WaitlistPromoted => "WAITLIST_PROMOTED",
            Kind::ClinicCancelled => "CLINIC_CANCELLED",
            Kind::ClinicMoved => "CLINIC_MOVED",
            Kind::PairingProposed => "PAIRING_PROPOSED",
            Kind::PairingAccepted => "PAIRING_ACCEPTED",
            Kind::PairingDeclined => "PAIRING_DECLINED",
            Kind::PairingCancelled => "PAIRING_CANCELLED",
            Kind::PairingCompleted => "PAIRING_COMPLETED",
            Kind::FeedbackReceived => "FEEDBACK_RECEIVED",
        }
    }
}

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
pub async fn notify(
    conn: &impl ConnectionTrait,
    new: New,
    now: DateTime<Utc>,
) -> AppResult<notification::Model> {
    Ok(notification::ActiveModel {
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
    .await?)
}
