//! Mentor profiles, requests, the pairing lifecycle, sessions, feedback, autoMatch.

use async_graphql::{Context, ID, InputObject, Object};

use crate::domain::mentoring::SCALE;
use crate::graphql::context::{actor, state};
use crate::graphql::ids::{self, Kind};
use crate::graphql::scalars::Timestamp;
use crate::graphql::types::{
    AutoMatchResult, Feedback, MatchedPairing, MentorProfile, MentorSuggestion, MentoringRequest,
    MentoringSession, Pairing,
};
use crate::service::{automatch, mentoring, pairing_flow, pairing_notes};

/// An offer to mentor.
#[derive(InputObject)]
pub struct MentorProfileInput {
    /// A few words on what the mentor helps with.
    #[graphql(default)]
    pub bio: String,
    /// 1 to 20.
    pub max_mentees: i32,
    /// Whether they take new mentees now.
    pub accepting_mentees: bool,
}

/// A request for a mentor.
#[derive(InputObject)]
pub struct RequestMentoringInput {
    /// 1 to 5 skills.
    pub skill_ids: Vec<ID>,
    /// Why, in the learner's words.
    #[graphql(default)]
    pub message: String,
}

/// A proposal.
#[derive(InputObject)]
pub struct ProposePairingInput {
    /// The mentoring request.
    pub request_id: ID,
    /// The mentor to propose.
    pub mentor_id: ID,
    /// What the learner wants from the pairing.
    #[graphql(default)]
    pub goals: String,
}

/// A session to log.
#[derive(InputObject)]
pub struct MentoringSessionInput {
    /// When the session was held.
    pub held_at: Timestamp,
    /// 1 to 1440.
    pub minutes: i32,
    /// Notes both parties see.
    #[graphql(default)]
    pub notes: String,
    /// Visible to its author alone.
    pub private_note: Option<String>,
}

/// Feedback on a pairing.
#[derive(InputObject)]
pub struct FeedbackInput {
    /// 1 to 5.
    pub rating: i32,
    /// Words for the other party (shown once both have left feedback).
    #[graphql(default)]
    pub comment: String,
}

#[derive(Default)]
pub struct MentoringMutation;

#[Object]
impl MentoringMutation {
    /// Creates or changes the caller's mentor profile.
    async fn upsert_mentor_profile(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The details, as the input type describes them.")]
        input: MentorProfileInput,
    ) -> async_graphql::Result<MentorProfile> {
        let actor = actor(ctx).await?;
        let saved = mentoring::upsert_profile(
            state(ctx)?,
            &actor,
            &input.bio,
            input.max_mentees,
            input.accepting_mentees,
        )
        .await?;
        Ok(MentorProfile(saved))
    }

    /// Asks for a mentor (at most 3 open requests per learner).
    async fn request_mentoring(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The details, as the input type describes them.")]
        input: RequestMentoringInput,
    ) -> async_graphql::Result<MentoringRequest> {
        let actor = actor(ctx).await?;
        let skill_ids = ids::decode_all(&input.skill_ids, Kind::Skill, "skillIds")?;
        Ok(MentoringRequest(
            mentoring::request(state(ctx)?, &actor, &skill_ids, &input.message).await?,
        ))
    }

    /// Withdraws the caller's request; its proposals are cancelled.
    async fn withdraw_mentoring_request(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The mentoring request.")] id: ID,
    ) -> async_graphql::Result<MentoringRequest> {
        let actor = actor(ctx).await?;
        let id = ids::decode(&id, Kind::MentoringRequest, "id")?;
        Ok(MentoringRequest(
            mentoring::withdraw(state(ctx)?, &actor, id).await?,
        ))
    }

    /// Proposes a mentor for a request (its learner or an ADMIN).
    async fn propose_pairing(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The details, as the input type describes them.")]
        input: ProposePairingInput,
    ) -> async_graphql::Result<Pairing> {
        let actor = actor(ctx).await?;
        let request_id = ids::decode(&input.request_id, Kind::MentoringRequest, "requestId")?;
        let mentor_id = ids::decode(&input.mentor_id, Kind::User, "mentorId")?;
        Ok(Pairing::new(
            pairing_flow::propose(state(ctx)?, &actor, request_id, mentor_id, &input.goals).await?,
        ))
    }

    /// The mentor accepts (ACTIVE) or declines (DECLINED) a proposal.
    async fn respond_to_pairing(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The pairing.")] pairing_id: ID,
        #[graphql(desc = "True to accept, false to decline.")] accept: bool,
    ) -> async_graphql::Result<Pairing> {
        let actor = actor(ctx).await?;
        let id = ids::decode(&pairing_id, Kind::Pairing, "pairingId")?;
        Ok(Pairing::new(
            pairing_flow::respond(state(ctx)?, &actor, id, accept).await?,
        ))
    }

    /// Completes an active pairing (either party).
    async fn complete_pairing(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The pairing.")] id: ID,
    ) -> async_graphql::Result<Pairing> {
        let actor = actor(ctx).await?;
        let id = ids::decode(&id, Kind::Pairing, "id")?;
        Ok(Pairing::new(
            pairing_flow::complete(state(ctx)?, &actor, id).await?,
        ))
    }

    /// Withdraws a proposal (its proposer) or ends an active pairing (either party).
    async fn cancel_pairing(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The pairing.")] id: ID,
        #[graphql(desc = "Why, in a sentence shown to those affected.")] reason: Option<String>,
    ) -> async_graphql::Result<Pairing> {
        let actor = actor(ctx).await?;
        let id = ids::decode(&id, Kind::Pairing, "id")?;
        Ok(Pairing::new(
            pairing_flow::cancel(state(ctx)?, &actor, id, reason).await?,
        ))
    }

    /// Logs a session (either party, once the pairing is active).
    async fn log_mentoring_session(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The pairing.")] pairing_id: ID,
        #[graphql(desc = "The details, as the input type describes them.")]
        input: MentoringSessionInput,
    ) -> async_graphql::Result<MentoringSession> {
        let actor = actor(ctx).await?;
        let id = ids::decode(&pairing_id, Kind::Pairing, "pairingId")?;
        let logged = pairing_notes::log_session(
            state(ctx)?,
            &actor,
            id,
            pairing_notes::NewSession {
                held_at: input.held_at.0,
                minutes: input.minutes,
                notes: input.notes,
                private_note: input.private_note,
            },
        )
        .await?;
        Ok(MentoringSession {
            model: logged,
            notes_readable: true,
            author: None,
        })
    }

    /// Leaves feedback, once per party; hidden from the other party until both
    /// have left theirs (or 14 days after the pairing ended).
    async fn leave_feedback(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The pairing.")] pairing_id: ID,
        #[graphql(desc = "The details, as the input type describes them.")] input: FeedbackInput,
    ) -> async_graphql::Result<Feedback> {
        let actor = actor(ctx).await?;
        let id = ids::decode(&pairing_id, Kind::Pairing, "pairingId")?;
        Ok(Feedback {
            model: pairing_notes::leave_feedback(
                state(ctx)?,
                &actor,
                id,
                input.rating,
                &input.comment,
            )
            .await?,
            comment_readable: true,
            author: None,
        })
    }

    /// Assigns open requests to mentors (ADMIN): of every assignment that
    /// respects each mentor's free places and pairs a learner with a given
    /// mentor at most once (never with themselves or a mentor they already
    /// have a pairing with), the one with the greatest total score: the true
    /// optimum, not a greedy approximation. `dryRun: false` creates the
    /// pairings as PROPOSED and notifies the mentors. One run per
    /// organisation at a time (`CONFLICT` while another runs).
    async fn auto_match(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "True: only show what would be proposed; false: propose it.")]
        dry_run: bool,
    ) -> async_graphql::Result<AutoMatchResult> {
        let actor = actor(ctx).await?;
        let result = automatch::auto_match(state(ctx)?, &actor, dry_run).await?;
        Ok(AutoMatchResult {
            total_score: result.total_score as f64 / SCALE as f64,
            pairings: result
                .matched
                .into_iter()
                .map(|m| MatchedPairing {
                    request: MentoringRequest(m.request),
                    suggestion: MentorSuggestion::new(m.suggestion),
                    pairing: m.pairing.map(Pairing::new),
                })
                .collect(),
            unmatched: result.unmatched.into_iter().map(MentoringRequest).collect(),
        })
    }
}
