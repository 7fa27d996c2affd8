//! `User` and `Role`.

use async_graphql::{Context, Enum, ID, Object};
use entity::user;

use super::{ClinicRegistration, MentorProfile, Skill, UserSkill};
use crate::auth::permissions;
use crate::domain::paging::Position;
use crate::graphql::context::{actor, state};
use crate::graphql::ids::{self, Kind};
use crate::graphql::loaders::{ProfileOf, UserChannels, UserGoals, UserSkills, loader};
use crate::graphql::pagination::{ItemSelection, Page, connection, page_request};
use crate::graphql::scalars::Timestamp;
use crate::service::{reads, registrations};

/// What a member may manage in their organisation.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "entity::Role")]
pub enum Role {
    /// Manages members, courses, clinics, reports and automatic matching.
    Admin,
    /// Takes part: learns, mentors, registers.
    Member,
}

/// A language mails and dates are written in.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "entity::Locale")]
pub enum Locale {
    /// Finnish.
    Fi,
    /// Swedish.
    Sv,
    /// English.
    En,
}

/// A member of an organisation.
pub struct User {
    pub model: user::Model,
    /// Set when the object is built for its owner (e.g. in `AuthPayload`), so
    /// owner-only fields need no further check.
    pub for_owner: bool,
    /// What a page read with the member (`None`: batch-loaded when asked).
    extras: Option<Box<reads::members::Extras>>,
}

impl User {
    /// A member as seen by whoever asked.
    pub fn new(model: user::Model) -> Self {
        Self {
            model,
            for_owner: false,
            extras: None,
        }
    }

    /// A member of a page, with what the page read of them.
    pub fn of_page(row: reads::members::Row) -> Self {
        Self {
            model: row.user,
            for_owner: false,
            extras: Some(Box::new(row.extras)),
        }
    }

    /// Whether the one asking is this member.
    async fn seen_by_owner(&self, ctx: &Context<'_>) -> bool {
        self.for_owner
            || actor(ctx)
                .await
                .is_ok_and(|me| permissions::is_self(&me, self.model.id))
    }

    /// A member as seen by themselves.
    pub fn owned(model: user::Model) -> Self {
        Self {
            model,
            for_owner: true,
            extras: None,
        }
    }
}

/// A member of an organisation.
#[Object]
impl User {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        ids::encode(Kind::User, self.model.id)
    }

    /// Sign-in address, lower-cased.
    async fn email(&self) -> &str {
        &self.model.email
    }

    /// Name shown to others.
    async fn display_name(&self) -> &str {
        &self.model.display_name
    }

    /// Role in the organisation.
    async fn role(&self) -> Role {
        self.model.role.into()
    }

    /// False once an admin has deactivated the member.
    async fn active(&self) -> bool {
        self.model.active
    }

    /// When the account was created.
    async fn created_at(&self) -> Timestamp {
        self.model.created_at.into()
    }

    /// Self-assessed skills, strongest first. Visible to the whole organisation:
    /// that is the expertise map.
    async fn skills(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<UserSkill>> {
        let read = self
            .extras
            .as_ref()
            .and_then(|extras| extras.skills.as_ref());
        let loaded;
        let skills = match read {
            Some(skills) => skills,
            None => {
                loaded = Box::pin(loader(ctx)?.load_one(UserSkills(self.model.id)))
                    .await?
                    .unwrap_or_default();
                &*loaded
            }
        };
        Ok(skills
            .iter()
            .map(|(skill, level)| UserSkill {
                skill: skill.clone(),
                level: level.clone(),
            })
            .collect())
    }

    /// Skills the member wants to learn.
    async fn learning_goals(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Skill>> {
        if let Some(goals) = self
            .extras
            .as_ref()
            .and_then(|extras| extras.goals.as_ref())
        {
            return Ok(goals.iter().cloned().map(Skill).collect());
        }
        let goals = Box::pin(loader(ctx)?.load_one(UserGoals(self.model.id)))
            .await?
            .unwrap_or_default();
        Ok(goals.iter().cloned().map(Skill).collect())
    }

    /// The member's offer to mentor, if they made one.
    async fn mentor_profile(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<MentorProfile>> {
        if let Some(profile) = self
            .extras
            .as_ref()
            .and_then(|extras| extras.profile.as_ref())
        {
            return Ok(profile.clone().map(MentorProfile));
        }
        Ok(Box::pin(loader(ctx)?.load_one(ProfileOf(self.model.id)))
            .await?
            .map(MentorProfile))
    }

    /// The member's clinic registrations (confirmed or waitlisted), oldest
    /// first. The member's own, or any member's for an admin; `FORBIDDEN`
    /// for anyone else.
    #[graphql(complexity = "crate::graphql::cost::page(first, last, child_complexity)")]
    async fn clinic_registrations(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "At most this many (0 to 100).")] first: Option<i32>,
        #[graphql(desc = "After this cursor.")] after: Option<String>,
        #[graphql(desc = "At most this many from the end (0 to 100).")] last: Option<i32>,
        #[graphql(desc = "Before this cursor.")] before: Option<String>,
    ) -> async_graphql::Result<Page<ClinicRegistration>> {
        let me = actor(ctx).await?;
        let page = page_request(ctx, first, after, last, before)?;
        let selected = ItemSelection::of(ctx);
        let wants = reads::registrations::Wants {
            clinic: selected.any(&["clinic"]),
            position: selected.any(&["waitlistPosition"]),
        };
        let paged = Box::pin(registrations::of_member(
            state(ctx)?,
            &me,
            &self.model,
            &page,
            wants,
        ))
        .await?;
        Ok(connection(
            paged,
            |row| Position::id(row.seat.id),
            ClinicRegistration::of_page,
        ))
    }

    /// The member's social-media channels the caller may see: all of their
    /// own, and a colleague's `ORGANISATION` ones.
    async fn channels(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<super::Channel>> {
        let actor = actor(ctx).await?;
        let all = Box::pin(loader(ctx)?.load_one(UserChannels(self.model.id)))
            .await?
            .unwrap_or_default();
        Ok(all
            .iter()
            .filter(|c| {
                permissions::may_see_channel(&actor, c.organisation_id, c.user_id, c.visibility)
            })
            .cloned()
            .map(super::Channel)
            .collect())
    }

    /// The language the member's mails are written in.
    async fn locale(&self) -> Locale {
        self.model.locale.into()
    }

    /// The notification kinds that also reach the member by e-mail. Visible
    /// to its owner only: null for anyone else.
    async fn email_notifications(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<Vec<super::NotificationKind>>> {
        if !self.seen_by_owner(ctx).await {
            return Ok(None);
        }
        Ok(Some(
            crate::domain::mail::email_kinds(&self.model.email_kinds)
                .into_iter()
                .map(Into::into)
                .collect(),
        ))
    }

    /// The member's personal iCalendar feed (absolute URL). Visible to its owner
    /// only: null for anyone else.
    async fn calendar_url(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<String>> {
        if !self.seen_by_owner(ctx).await {
            return Ok(None);
        }
        let state = state(ctx)?;
        Ok(Some(format!(
            "{}/calendar/{}.ics",
            state.public_url, self.model.calendar_token
        )))
    }
}
