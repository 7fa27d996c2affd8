//! `node(id)` and `nodes(ids)`: any object by its global id.

use async_graphql::{Context, ID, Object};

use crate::auth::Actor;
use crate::context::AppState;
use crate::error::{AppError, AppResult};
use crate::graphql::context::{actor, state};
use crate::graphql::ids::{self, Kind};
use crate::graphql::types::{
    Clinic, ClinicRegistration, Course, Enrolment, Invitation, Lesson, MentoringRequest, Node,
    Notification, Organisation, Pairing, Skill, User,
};
use crate::service::{
    clinics, courses, enrolments, invitations, mentoring, notifications, organisations, pairings,
    registrations, skills, users,
};

/// Most ids one `nodes` call accepts.
const MAX_NODES: usize = 100;

#[derive(Default)]
pub struct NodeQuery;

#[Object]
impl NodeQuery {
    /// The object with this global id, or null when it does not exist or is
    /// not visible to the caller.
    async fn node(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<Option<Node>> {
        let actor = actor(ctx).await?;
        Ok(load(state(ctx)?, &actor, &id).await?)
    }

    /// The objects with these global ids, in the same order; null where one does
    /// not exist or is not visible. At most 100 ids.
    async fn nodes(
        &self,
        ctx: &Context<'_>,
        ids: Vec<ID>,
    ) -> async_graphql::Result<Vec<Option<Node>>> {
        let actor = actor(ctx).await?;
        if ids.len() > MAX_NODES {
            return Err(AppError::field("ids", format!("at most {MAX_NODES} ids")).into());
        }
        let state = state(ctx)?;
        let mut out = Vec::with_capacity(ids.len());
        for id in &ids {
            out.push(load(state, &actor, id).await?);
        }
        Ok(out)
    }
}

/// Resolves a global id for the actor: `None` when absent or not visible.
pub async fn load(state: &AppState, actor: &Actor, id: &ID) -> AppResult<Option<Node>> {
    let (kind, raw) = ids::decode_any(id, "id")?;
    let found = match kind {
        Kind::User => users::get(state, actor, raw)
            .await
            .map(|u| Node::User(User::new(u))),
        Kind::Organisation => organisations::get(state, actor, raw)
            .await
            .map(|o| Node::Organisation(Organisation(o))),
        Kind::Invitation => invitations::get(state, actor, raw)
            .await
            .map(|model| Node::Invitation(Invitation { model, token: None })),
        Kind::Skill => skills::get(state, actor, raw)
            .await
            .map(|s| Node::Skill(Skill(s))),
        Kind::Clinic => clinics::get(state, actor, raw)
            .await
            .map(|c| Node::Clinic(Clinic(c))),
        Kind::ClinicRegistration => registrations::get(state, actor, raw)
            .await
            .map(|(seat, _)| Node::ClinicRegistration(ClinicRegistration(seat))),
        Kind::Course => courses::get(state, actor, raw)
            .await
            .map(|c| Node::Course(Course(c))),
        Kind::Lesson => courses::get_lesson(&state.db, actor, raw)
            .await
            .map(|(l, _)| Node::Lesson(Lesson(l))),
        Kind::Enrolment => enrolments::get(state, actor, raw)
            .await
            .map(|(seat, _)| Node::Enrolment(Enrolment(seat))),
        Kind::MentoringRequest => mentoring::get(state, actor, raw)
            .await
            .map(|r| Node::MentoringRequest(MentoringRequest(r))),
        Kind::Pairing => pairings::get(state, actor, raw)
            .await
            .map(|p| Node::Pairing(Pairing(p))),
        Kind::Notification => notifications::get(state, actor, raw)
            .await
            .map(|n| Node::Notification(Notification(n))),
    };
    match found {
        Ok(node) => Ok(Some(node)),
        Err(AppError::NotFound(_)) => Ok(None),
        Err(other) => Err(other),
    }
}
