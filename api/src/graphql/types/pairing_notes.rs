//! A pairing's logged sessions and feedback, as their reader may see them.

use async_graphql::{Context, Object};
use entity::{feedback, mentoring_session, user};

use super::{User, member};
use crate::auth::permissions;
use crate::graphql::context::actor;
use crate::graphql::scalars::Timestamp;

/// A logged mentoring session.
pub struct MentoringSession {
    pub model: mentoring_session::Model,
    /// Whether the viewer may read its notes (a party of the pairing).
    pub notes_readable: bool,
    /// Its author, when read with the pairing (`None`: batch-loaded).
    pub author: Option<user::Model>,
}

/// A logged mentoring session. Admins see that it was held, when and how
/// long; what was said is for the pairing's two parties.
#[Object]
impl MentoringSession {
    /// When the session took place.
    async fn held_at(&self) -> Timestamp {
        self.model.held_at.into()
    }

    /// How long it lasted, in minutes.
    async fn minutes(&self) -> i32 {
        self.model.minutes
    }

    /// Notes both parties see; null for anyone else (admins included).
    async fn notes(&self) -> Option<&str> {
        self.notes_readable.then_some(self.model.notes.as_str())
    }

    /// Visible to its author alone (null for anyone else).
    async fn private_note(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<String>> {
        let me = actor(ctx).await?;
        Ok(
            if permissions::may_read_private_note(&me, self.model.author_id) {
                self.model.private_note.clone()
            } else {
                None
            },
        )
    }

    /// The party who logged it.
    async fn author(&self, ctx: &Context<'_>) -> async_graphql::Result<User> {
        match &self.author {
            Some(author) => Ok(User::new(author.clone())),
            None => Box::pin(member(ctx, self.model.author_id)).await,
        }
    }
}

/// One party's feedback on a pairing.
pub struct Feedback {
    pub model: feedback::Model,
    /// Whether the viewer may read its comment (a party of the pairing).
    pub comment_readable: bool,
    /// Its author, when read with the pairing (`None`: batch-loaded).
    pub author: Option<user::Model>,
}

/// One party's feedback on a pairing.
#[Object]
impl Feedback {
    /// 1 to 5.
    async fn rating(&self) -> i32 {
        self.model.rating
    }

    /// The words; for the pairing's two parties alone (null for admins).
    async fn comment(&self) -> Option<&str> {
        self.comment_readable.then_some(self.model.comment.as_str())
    }

    /// The party who left it.
    async fn author(&self, ctx: &Context<'_>) -> async_graphql::Result<User> {
        match &self.author {
            Some(author) => Ok(User::new(author.clone())),
            None => Box::pin(member(ctx, self.model.author_id)).await,
        }
    }

    /// When it was left.
    async fn created_at(&self) -> Timestamp {
        self.model.created_at.into()
    }
}
