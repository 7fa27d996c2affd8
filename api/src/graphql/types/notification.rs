//! `Notification` and `NotificationKind`.

use async_graphql::{Context, Enum, ID, Object};
use entity::notification;

use super::Node;
use crate::graphql::context::{actor, state};
use crate::graphql::ids::{self, Kind};
use crate::graphql::scalars::Timestamp;

/// What a notification is about.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum NotificationKind {
    /// Someone accepted an invitation you sent.
    InvitationAccepted,
    /// You moved from a waitlist to a confirmed place.
    WaitlistPromoted,
    /// A clinic you registered for was cancelled.
    ClinicCancelled,
    /// A clinic you registered for moved.
    ClinicMoved,
    /// You were proposed as a mentor.
    PairingProposed,
    /// Your mentor accepted.
    PairingAccepted,
    /// The mentor declined.
    PairingDeclined,
    /// A pairing you are part of was cancelled.
    PairingCancelled,
    /// A pairing you are part of was completed.
    PairingCompleted,
    /// The other party left feedback.
    FeedbackReceived,
    /// A kind this server version does not know.
    Other,
}

impl NotificationKind {
    fn parse(stored: &str) -> Self {
        match stored {
            "INVITATION_ACCEPTED" => Self::InvitationAccepted,
            "WAITLIST_PROMOTED" => Self::WaitlistPromoted,
            "CLINIC_CANCELLED" => Self::ClinicCancelled,
            "CLINIC_MOVED" => Self::ClinicMoved,
            "PAIRING_PROPOSED" => Self::PairingProposed,
            "PAIRING_ACCEPTED" => Self::PairingAccepted,
            "PAIRING_DECLINED" => Self::PairingDeclined,
            "PAIRING_CANCELLED" => Self::PairingCancelled,
            "PAIRING_COMPLETED" => Self::PairingCompleted,
            "FEEDBACK_RECEIVED" => Self::FeedbackReceived,
            _ => Self::Other,
        }
    }
}

/// Something that happened that concerns the member.
pub struct Notification(pub notification::Model);

/// Something that happened that concerns the member.
#[Object]
impl Notification {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        ids::encode(Kind::Notification, self.0.id)
    }

    async fn kind(&self) -> NotificationKind {
        NotificationKind::parse(&self.0.kind)
    }

    /// A sentence for people.
    async fn message(&self) -> &str {
        &self.0.message
    }

    /// The object it is about, if it still exists and is visible.
    async fn subject(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Node>> {
        let (Some(kind), Some(id)) = (
            self.0.subject_type.as_deref().and_then(Kind::from_name),
            self.0.subject_id,
        ) else {
            return Ok(None);
        };
        let me = actor(ctx).await?;
        Ok(crate::graphql::query::load_node(state(ctx)?, &me, &ids::encode(kind, id)).await?)
    }

    async fn created_at(&self) -> Timestamp {
        self.0.created_at.into()
    }

    /// Null while unread.
    async fn read_at(&self) -> Option<Timestamp> {
        self.0.read_at.map(Into::into)
    }
}
