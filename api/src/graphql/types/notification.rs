//! `Notification` and `NotificationKind`.

use async_graphql::{Context, Enum, ID, Object};
use entity::notification;

use super::{Clinic, ClinicRegistration, Enrolment, Node, Pairing, User};
use crate::auth::permissions;
use crate::graphql::context::{actor, state};
use crate::graphql::ids::{self, Kind};
use crate::graphql::loaders::{
    ClinicById, ClinicByPool, CourseByPool, PairingById, SeatById, UserById, loader,
};
use crate::graphql::scalars::Timestamp;
use crate::service::{enrolments, pairings, registrations};

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
        let loader = loader(ctx)?;
        let same_organisation =
            |organisation| permissions::require_same_organisation(&me, organisation, "").is_ok();
        // The kinds notifications name load in batches; any other goes by `node`.
        Ok(match kind {
            Kind::Clinic => loader
                .load_one(ClinicById(id))
                .await?
                .filter(|c| same_organisation(c.organisation_id))
                .map(|c| Node::Clinic(Clinic(c))),
            Kind::User => loader
                .load_one(UserById(id))
                .await?
                .filter(|u| same_organisation(u.organisation_id))
                .map(|u| Node::User(User::new(u))),
            Kind::Pairing => loader
                .load_one(PairingById(id))
                .await?
                .filter(|p| pairings::visible_to(&me, p))
                .map(|p| Node::Pairing(Pairing(p))),
            Kind::ClinicRegistration => match loader.load_one(SeatById(id)).await? {
                Some(seat) => loader
                    .load_one(ClinicByPool(seat.pool_id))
                    .await?
                    .filter(|clinic| registrations::visible_to(&me, &seat, clinic))
                    .map(|_| Node::ClinicRegistration(ClinicRegistration(seat))),
                None => None,
            },
            Kind::Enrolment => match loader.load_one(SeatById(id)).await? {
                Some(seat) => loader
                    .load_one(CourseByPool(seat.pool_id))
                    .await?
                    .filter(|course| enrolments::visible_to(&me, &seat, course))
                    .map(|_| Node::Enrolment(Enrolment(seat))),
                None => None,
            },
            other => {
                crate::graphql::query::load_node(state(ctx)?, &me, &ids::encode(other, id)).await?
            }
        })
    }

    async fn created_at(&self) -> Timestamp {
        self.0.created_at.into()
    }

    /// Null while unread.
    async fn read_at(&self) -> Option<Timestamp> {
        self.0.read_at.map(Into::into)
    }
}
