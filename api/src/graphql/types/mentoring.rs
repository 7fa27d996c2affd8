//! Mentor profiles, requests, suggestions, pairings and automatic matching
//! (a pairing's sessions and feedback are in `pairing_notes`).

use async_graphql::{Context, Enum, ID, Object, SimpleObject};
use std::sync::Arc;

use entity::{mentor_profile, mentoring_request, pairing, skill, user};

use super::pairing_notes::{Feedback, MentoringSession};
use super::{Skill, User, member};
use crate::auth::permissions;
use crate::domain::mentoring::{Reason, SCALE, Suggestion};
use crate::error::Required;
use crate::graphql::context::{actor, state};
use crate::graphql::ids::{self, Kind};
use crate::graphql::loaders::{
    PairingFeedback, PairingSessions, RequestById, RequestPairings, RequestSkills, SkillById,
    loader,
};
use crate::graphql::scalars::Timestamp;
use crate::service::{pairing_notes, pairings, reads};

/// A member's offer to mentor.
pub struct MentorProfile(pub mentor_profile::Model);

/// A member's offer to mentor.
#[Object]
impl MentorProfile {
    /// A few words on what the mentor helps with.
    async fn bio(&self) -> &str {
        &self.0.bio
    }

    /// Most mentees at once (1–20).
    async fn max_mentees(&self) -> i32 {
        self.0.max_mentees
    }

    /// Whether new mentees are welcome.
    async fn accepting_mentees(&self) -> bool {
        self.0.accepting_mentees
    }

    /// Pairings currently ACTIVE.
    async fn active_mentees(&self) -> i32 {
        self.0.active_mentees
    }

    /// Places left (never negative).
    async fn free_capacity(&self) -> i32 {
        crate::domain::mentoring::free_places(self.0.max_mentees, self.0.active_mentees, true)
    }
}

/// Where a mentoring request stands.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "entity::RequestStatus")]
pub enum RequestStatus {
    /// Waiting for a mentor.
    Open,
    /// A pairing for it is proposed or active.
    Matched,
    /// Withdrawn by the learner.
    Withdrawn,
    /// A pairing for it was completed.
    Closed,
}

/// A learner asking for a mentor in some skills.
pub struct MentoringRequest(pub mentoring_request::Model);

/// A learner asking for a mentor in some skills.
#[Object]
impl MentoringRequest {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        ids::encode(Kind::MentoringRequest, self.0.id)
    }

    /// Where the request stands.
    async fn status(&self) -> RequestStatus {
        self.0.status.into()
    }

    /// Why, in the learner's words.
    async fn message(&self) -> &str {
        &self.0.message
    }

    /// The skills asked for (1–5).
    async fn skills(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Skill>> {
        let skills = loader(ctx)?
            .load_one(RequestSkills(self.0.id))
            .await?
            .unwrap_or_default();
        Ok(skills.iter().cloned().map(Skill).collect())
    }

    /// Who asks.
    async fn learner(&self, ctx: &Context<'_>) -> async_graphql::Result<User> {
        member(ctx, self.0.learner_id).await
    }

    /// Pairings proposed for it; visible to the learner and admins (others see
    /// only their own).
    async fn pairings(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Pairing>> {
        let me = actor(ctx).await?;
        let all = loader(ctx)?
            .load_one(RequestPairings(self.0.id))
            .await?
            .unwrap_or_default();
        Ok(all
            .iter()
            .filter(|p| pairings::visible_to(&me, p))
            .cloned()
            .map(Pairing::new)
            .collect())
    }

    /// When it was opened.
    async fn created_at(&self) -> Timestamp {
        self.0.created_at.into()
    }
}

/// One skill behind a suggestion's score.
pub struct SuggestionReason(pub Reason, Option<Arc<skill::Model>>);

/// One skill behind a suggestion's score: (mentorLevel − learnerLevel) × mentorLevel points.
#[Object]
impl SuggestionReason {
    /// The skill this reason is about.
    async fn skill(&self, ctx: &Context<'_>) -> async_graphql::Result<Skill> {
        if let Some(skill) = &self.1 {
            return Ok(Skill(skill.clone()));
        }
        let skill = loader(ctx)?
            .load_one(SkillById(self.0.skill_id))
            .await?
            .required("skill")?;
        Ok(Skill::from(skill))
    }

    /// The mentor's level in it (1 to 5).
    async fn mentor_level(&self) -> i32 {
        self.0.mentor_level
    }

    /// 0 when the learner has not assessed the skill.
    async fn learner_level(&self) -> i32 {
        self.0.learner_level
    }

    /// What it adds to the score.
    async fn points(&self) -> i64 {
        self.0.points
    }
}

/// A ranked mentor for a request, with the reasons.
pub struct MentorSuggestion(pub Suggestion, Option<Box<Read>>);

/// What the suggestions' read found besides the suggestion.
struct Read {
    mentor: Option<reads::members::Row>,
    skills: reads::suggestions::Named,
}

impl MentorSuggestion {
    /// A suggestion whose mentor and skills load when asked.
    pub fn new(suggestion: Suggestion) -> Self {
        Self(suggestion, None)
    }

    /// A suggestion with what the suggestions' read found.
    pub fn ranked(ranked: reads::suggestions::Ranked) -> Self {
        Self(
            ranked.suggestion,
            Some(Box::new(Read {
                mentor: ranked.mentor,
                skills: ranked.skills,
            })),
        )
    }
}

/// A ranked mentor for a request, with the reasons.
#[Object]
impl MentorSuggestion {
    /// The suggested mentor.
    async fn mentor(&self, ctx: &Context<'_>) -> async_graphql::Result<User> {
        match self.1.as_ref().and_then(|read| read.mentor.as_ref()) {
            Some(mentor) => Ok(User::of_page(mentor.clone())),
            None => member(ctx, self.0.mentor_id).await,
        }
    }

    /// Skill points plus at most 0.5 for free capacity (see the README).
    async fn score(&self) -> f64 {
        self.0.score as f64 / SCALE as f64
    }

    /// Places the mentor has free.
    async fn free_capacity(&self) -> u32 {
        self.0.free_capacity
    }

    /// Every skill that counted, most points first.
    async fn reasons(&self) -> Vec<SuggestionReason> {
        self.0
            .reasons
            .iter()
            .cloned()
            .map(|reason| {
                let skill = self
                    .1
                    .as_ref()
                    .and_then(|read| read.skills.get(&reason.skill_id).cloned());
                SuggestionReason(reason, skill)
            })
            .collect()
    }
}

/// Where a pairing stands.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "entity::PairingStatus")]
pub enum PairingStatus {
    /// Waiting for the mentor to answer.
    Proposed,
    /// The mentor accepted; they work together.
    Active,
    /// The mentor declined.
    Declined,
    /// Cancelled by a party or an admin.
    Cancelled,
    /// Finished.
    Completed,
}

/// A mentor and a learner working together.
pub struct Pairing(
    pub pairing::Model,
    /// What a list read with the pairing (`None`: batch-loaded when asked).
    Option<Box<reads::pairings::Extras>>,
);

impl Pairing {
    /// A pairing with nothing read beyond its row.
    pub fn new(model: pairing::Model) -> Self {
        Self(model, None)
    }

    /// A pairing of a list, with what the list read of it.
    pub fn of_list(row: reads::pairings::Row) -> Self {
        Self(row.pairing, Some(Box::new(row.extras)))
    }

    /// The party with this id, when a list read the parties.
    fn known_party(&self, id: i64) -> Option<user::Model> {
        self.1.as_ref()?.party(id).cloned()
    }

    /// The party with this id as read with the pairing, or batch-loaded.
    async fn party(&self, ctx: &Context<'_>, id: i64) -> async_graphql::Result<User> {
        match self.1.as_ref().and_then(|extras| extras.party(id)) {
            Some(party) => Ok(User::new(party.clone())),
            None => Box::pin(member(ctx, id)).await,
        }
    }
}

/// A mentor and a learner working together.
#[Object]
impl Pairing {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        ids::encode(Kind::Pairing, self.0.id)
    }

    /// Where the pairing stands.
    async fn status(&self) -> PairingStatus {
        self.0.status.into()
    }

    /// What the learner wants from it.
    async fn goals(&self) -> &str {
        &self.0.goals
    }

    /// The mentor.
    async fn mentor(&self, ctx: &Context<'_>) -> async_graphql::Result<User> {
        self.party(ctx, self.0.mentor_id).await
    }

    /// The learner.
    async fn learner(&self, ctx: &Context<'_>) -> async_graphql::Result<User> {
        self.party(ctx, self.0.learner_id).await
    }

    /// The mentoring request it answers.
    async fn request(&self, ctx: &Context<'_>) -> async_graphql::Result<MentoringRequest> {
        let request = loader(ctx)?
            .load_one(RequestById(self.0.request_id))
            .await?
            .required("request")?;
        Ok(MentoringRequest(request))
    }

    /// Why it was cancelled, if it was.
    async fn cancel_reason(&self) -> Option<&str> {
        self.0.cancel_reason.as_deref()
    }

    /// When it was proposed.
    async fn created_at(&self) -> Timestamp {
        self.0.created_at.into()
    }

    /// When the mentor answered; null until then.
    async fn responded_at(&self) -> Option<Timestamp> {
        self.0.responded_at.map(Into::into)
    }

    /// When it ended; null while proposed or active.
    async fn ended_at(&self) -> Option<Timestamp> {
        self.0.ended_at.map(Into::into)
    }

    /// Logged sessions, oldest first.
    async fn sessions(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<MentoringSession>> {
        let me = actor(ctx).await?;
        let words = permissions::may_read_pairing_words(&me, self.0.mentor_id, self.0.learner_id);
        let read = self.1.as_ref().and_then(|extras| extras.sessions.as_ref());
        let loaded;
        let sessions = match read {
            Some(sessions) => sessions,
            None => {
                loaded = Box::pin(loader(ctx)?.load_one(PairingSessions(self.0.id)))
                    .await?
                    .unwrap_or_default();
                &*loaded
            }
        };
        Ok(sessions
            .iter()
            .cloned()
            .map(|model| MentoringSession {
                notes_readable: words,
                author: self.known_party(model.author_id),
                model,
            })
            .collect())
    }

    /// Feedback the caller may read: their own; the other party's once both
    /// have left theirs, or 14 days after the pairing ended.
    async fn feedback(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Feedback>> {
        let me = actor(ctx).await?;
        let read = self.1.as_ref().and_then(|extras| extras.feedback.as_ref());
        let loaded;
        let all = match read {
            Some(all) => all,
            None => {
                loaded = Box::pin(loader(ctx)?.load_one(PairingFeedback(self.0.id)))
                    .await?
                    .unwrap_or_default();
                &*loaded
            }
        };
        let now = state(ctx)?.clock.now();
        let words = permissions::may_read_pairing_words(&me, self.0.mentor_id, self.0.learner_id);
        Ok(pairing_notes::readable_feedback(&me, &self.0, all, now)
            .into_iter()
            .map(|model| Feedback {
                comment_readable: words,
                author: self.known_party(model.author_id),
                model,
            })
            .collect())
    }
}

/// One pairing chosen by the automatic matching.
#[derive(SimpleObject)]
pub struct MatchedPairing {
    /// The request matched.
    pub request: MentoringRequest,
    /// The mentor chosen, with the score and reasons.
    pub suggestion: MentorSuggestion,
    /// The PROPOSED pairing created; null on a dry run.
    pub pairing: Option<Pairing>,
}

/// The outcome of `autoMatch`.
#[derive(SimpleObject)]
pub struct AutoMatchResult {
    /// The chosen pairings.
    pub pairings: Vec<MatchedPairing>,
    /// The sum of their scores: the greatest possible under autoMatch's rules.
    pub total_score: f64,
    /// Open requests no mentor could take.
    pub unmatched: Vec<MentoringRequest>,
}
