//! The Relay `Node` interface.

use async_graphql::{ID, Interface};

use super::Notification;

use super::{
    Clinic, ClinicRegistration, Course, Enrolment, Invitation, Lesson, MentoringRequest,
    Organisation, Pairing, Skill, User,
};

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
}
