//! The Relay `Node` interface, and `Notification`, whose subject is any node.

use async_graphql::{Context, Enum, ID, Interface, Object};
use entity::notification;

use super::{
    Clinic, ClinicRegistration, Course, Enrolment, Invitation, Lesson, MentoringRequest,
    Organisation, Pairing, Skill, User,
};
use crate::auth::permissions;
use crate::graphql::context::{actor, state};
use crate::graphql::ids::{self, Kind};
use crate::graphql::loaders::{
    ClinicById, ClinicByPool, CourseByPool, PairingById, SeatById, UserById, loader,
};
use crate::graphql::nodes::Found;
use crate::graphql::scalars::Timestamp;
use crate::service::reads::{self, notifications::Subject};
use crate::service::{enrolments, pairings, registrations};

/// Any object with a global id; `node(id)` and `nodes(ids)` resolve them.
#[derive(Interface)]
#[graphql(field(name = "id", ty = "ID", desc = "Opaque global id."))]
pub enum Node {
    User(User),
    Organisation(Organisation),
    Invitation(Invitation),
    Skill(Skill),
    Clinic(Clinic),
    ClinicRegistration(ClinicRegistration),
    Course(Course),
    Lesson(Lesson),
    Enrolment(Enrolment),
    MentoringRequest(MentoringRequest),
    Pairing(Pairing),
    Notification(Notification),
    Channel(super::Channel),
    PresenceSnapshot(super::PresenceSnapshot),
    PlanGoal(super::PlanGoal),
    PlanComment(super::PlanComment),
    ClinicQuestion(super::ClinicQuestion),
}

impl From<Found> for Node {
    fn from(found: Found) -> Self {
        match found {
            Found::User(u) => Node::User(User::new(u)),
            Found::Organisation(o) => Node::Organisation(Organisation(o)),
            Found::Invitation(model) => Node::Invitation(Invitation { model, token: None }),
            Found::Skill(s) => Node::Skill(Skill::from(s)),
            Found::Clinic(c) => Node::Clinic(Clinic::new(c)),
            Found::ClinicRegistration(seat) => {
                Node::ClinicRegistration(ClinicRegistration::new(seat))
            }
            Found::Course(c) => Node::Course(Course(c)),
            Found::Lesson(l) => Node::Lesson(Lesson(l)),
            Found::Enrolment(seat) => Node::Enrolment(Enrolment(seat)),
            Found::MentoringRequest(r) => Node::MentoringRequest(MentoringRequest(r)),
            Found::Pairing(p) => Node::Pairing(Pairing::new(p)),
            Found::Notification(n) => Node::Notification(Notification::new(n)),
            Found::Channel(c) => Node::Channel(super::Channel(c)),
            Found::PresenceSnapshot(s) => Node::PresenceSnapshot(super::PresenceSnapshot(s)),
            Found::PlanGoal(g) => Node::PlanGoal(super::PlanGoal::new(g)),
            Found::PlanComment(c) => Node::PlanComment(super::PlanComment(c)),
            Found::ClinicQuestion(q) => Node::ClinicQuestion(super::ClinicQuestion(q)),
        }
    }
}

/// What a notification is about.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "crate::domain::notifications::Kind")]
pub enum NotificationKind {
    /// Someone accepted an invitation you sent.
    InvitationAccepted,
    /// You moved from a waitlist to a confirmed place.
    WaitlistPromoted,
    /// A clinic you registered for was cancelled.
    ClinicCancelled,
    /// A clinic you registered for starts at another time.
    ClinicMoved,
    /// You were proposed as a mentor.
    PairingProposed,
    /// Your mentor accepted.
    PairingAccepted,
    /// The mentor declined.
    PairingDeclined,
    /// A pairing or proposal you are part of was cancelled.
    PairingCancelled,
    /// A pairing you are part of was completed.
    PairingCompleted,
    /// The other party left feedback.
    FeedbackReceived,
    /// A goal you proposed was decided: accepted or declined by an admin,
    /// or achieved or missed by its figures.
    PlanGoalDecided,
    /// Someone commented on a goal you proposed or commented on.
    PlanGoalCommented,
    /// A member asked a question of a clinic you facilitate.
    ClinicQuestionAsked,
    /// A clinic you have a place in starts within a day.
    ClinicReminder,
    /// A kind this server version does not know.
    Other,
}

/// Something that happened that concerns the member.
pub struct Notification(pub notification::Model, Option<Box<Subject>>);

impl Notification {
    /// A notification with nothing read beyond its row.
    pub fn new(model: notification::Model) -> Self {
        Self(model, None)
    }

    /// A notification of a page, with the subject the page read.
    pub fn of_page(row: reads::notifications::Row) -> Self {
        Self(row.notification, row.subject.map(Box::new))
    }
}

impl From<Subject> for Option<Node> {
    fn from(subject: Subject) -> Self {
        Some(match subject {
            Subject::Missing => return None,
            Subject::Clinic(c) => Node::Clinic(Clinic::new(c)),
            Subject::User(u) => Node::User(User::new(u)),
            Subject::Pairing(row) => Node::Pairing(Pairing::of_list(*row)),
            Subject::ClinicRegistration(seat) => {
                Node::ClinicRegistration(ClinicRegistration::new(seat))
            }
            Subject::Enrolment(seat) => Node::Enrolment(Enrolment(seat)),
            Subject::PlanGoal(g) => Node::PlanGoal(super::PlanGoal::new(g)),
            Subject::ClinicQuestion(q) => Node::ClinicQuestion(super::ClinicQuestion(q)),
        })
    }
}

/// Something that happened that concerns the member.
#[Object]
impl Notification {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        ids::encode(Kind::Notification, self.0.id)
    }

    /// What it is about.
    async fn kind(&self) -> NotificationKind {
        crate::domain::notifications::Kind::parse(&self.0.kind).into()
    }

    /// A sentence for people.
    async fn message(&self) -> &str {
        &self.0.message
    }

    /// The object it is about, if it still exists and is visible.
    async fn subject(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Node>> {
        if let Some(read) = &self.1 {
            return Ok(Option::<Node>::from((**read).clone()));
        }
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
                .map(|c| Node::Clinic(Clinic::new(c))),
            Kind::User => loader
                .load_one(UserById(id))
                .await?
                .filter(|u| same_organisation(u.organisation_id))
                .map(|u| Node::User(User::new(u))),
            Kind::Pairing => loader
                .load_one(PairingById(id))
                .await?
                .filter(|p| pairings::visible_to(&me, p))
                .map(|p| Node::Pairing(Pairing::new(p))),
            Kind::ClinicRegistration => match loader.load_one(SeatById(id)).await? {
                Some(seat) => loader
                    .load_one(ClinicByPool(seat.pool_id))
                    .await?
                    .filter(|clinic| registrations::visible_to(&me, &seat, clinic))
                    .map(|_| Node::ClinicRegistration(ClinicRegistration::new(seat))),
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
            other => crate::graphql::nodes::find_kind(state(ctx)?, &me, other, id)
                .await?
                .map(Node::from),
        })
    }

    /// When it happened.
    async fn created_at(&self) -> Timestamp {
        self.0.created_at.into()
    }

    /// Null while unread.
    async fn read_at(&self) -> Option<Timestamp> {
        self.0.read_at.map(Into::into)
    }
}
