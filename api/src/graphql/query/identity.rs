//! `me` and `organisation`.

use async_graphql::{Context, Object};

use crate::graphql::context::{actor, state};
use crate::graphql::types::{Organisation, User};
use crate::service::{organisations, users};

#[derive(Default)]
pub struct IdentityQuery;

#[Object]
impl IdentityQuery {
    /// The signed-in member.
    async fn me(&self, ctx: &Context<'_>) -> async_graphql::Result<User> {
        let actor = actor(ctx).await?;
        Ok(User::owned(
            users::get(state(ctx)?, &actor, actor.user_id).await?,
        ))
    }

    /// The signed-in member's organisation.
    async fn organisation(&self, ctx: &Context<'_>) -> async_graphql::Result<Organisation> {
        let actor = actor(ctx).await?;
        Ok(Organisation(
            organisations::get(state(ctx)?, &actor, actor.organisation_id).await?,
        ))
    }
}
