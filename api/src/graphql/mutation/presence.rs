//! `addMyChannel`, `updateMyChannel`, `removeMyChannel`, `recordPresence`,
//! `importPresence`.

use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object};

use crate::domain::presence::Figures;
use crate::graphql::context::{actor, state};
use crate::graphql::ids::{self, Kind};
use crate::graphql::scalars::Date;
use crate::graphql::types::{Channel, PresenceSnapshot, Visibility};
use crate::service::presence::{self, ChannelInput};

/// A channel to add.
#[derive(InputObject)]
pub struct AddChannelInput {
    /// The platform: a `PLATFORM` skill.
    pub platform_id: ID,
    /// The handle on the platform (1 to 100 characters; compared without
    /// case and a leading @).
    pub handle: String,
    /// The channel's address (http:// or https://).
    pub url: Option<String>,
    /// Who sees it (`ORGANISATION` when left out).
    pub visibility: Option<Visibility>,
}

/// What to change of a channel; what is left out stays.
#[derive(InputObject)]
pub struct UpdateChannelInput {
    /// The handle on the platform.
    pub handle: Option<String>,
    /// The channel's address; null removes it.
    pub url: MaybeUndefined<String>,
    /// Who sees it.
    pub visibility: Option<Visibility>,
}

/// One day's figures of a channel.
#[derive(InputObject)]
pub struct RecordPresenceInput {
    /// The channel (the caller's own).
    pub channel_id: ID,
    /// The day (today or before).
    pub taken_on: Date,
    /// Followers on that day (0 to 1,000,000,000, as every count).
    pub followers: i64,
    /// Posts since the snapshot before.
    pub posts: i64,
    /// Reactions since the snapshot before.
    pub reactions: i64,
    /// Comments since the snapshot before.
    pub comments: i64,
    /// Shares since the snapshot before.
    pub shares: i64,
}

#[derive(Default)]
pub struct PresenceMutation;

#[Object]
impl PresenceMutation {
    /// Adds a channel of the caller's. The same platform and handle twice is
    /// `CONFLICT`.
    async fn add_my_channel(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The details, as the input type describes them.")] input: AddChannelInput,
    ) -> async_graphql::Result<Channel> {
        let actor = actor(ctx).await?;
        let platform = ids::decode(&input.platform_id, Kind::Skill, "platformId")?;
        let added = presence::add(
            state(ctx)?,
            &actor,
            ChannelInput {
                platform_id: Some(platform),
                handle: Some(input.handle),
                url: Some(input.url),
                visibility: input.visibility.map(Into::into),
            },
        )
        .await?;
        Ok(Channel(added))
    }

    /// Changes a channel of the caller's.
    async fn update_my_channel(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The channel.")] id: ID,
        #[graphql(desc = "The details, as the input type describes them.")]
        input: UpdateChannelInput,
    ) -> async_graphql::Result<Channel> {
        let actor = actor(ctx).await?;
        let id = ids::decode(&id, Kind::Channel, "id")?;
        let url = match input.url {
            MaybeUndefined::Undefined => None,
            MaybeUndefined::Null => Some(None),
            MaybeUndefined::Value(url) => Some(Some(url)),
        };
        let updated = presence::update(
            state(ctx)?,
            &actor,
            id,
            ChannelInput {
                platform_id: None,
                handle: input.handle,
                url,
                visibility: input.visibility.map(Into::into),
            },
        )
        .await?;
        Ok(Channel(updated))
    }

    /// Removes a channel of the caller's, and its snapshots; returns its id.
    async fn remove_my_channel(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The channel.")] id: ID,
    ) -> async_graphql::Result<ID> {
        let actor = actor(ctx).await?;
        let raw = ids::decode(&id, Kind::Channel, "id")?;
        presence::remove(state(ctx)?, &actor, raw).await?;
        Ok(id)
    }

    /// Records one day's figures of a channel of the caller's; recording the
    /// same day again replaces them.
    async fn record_presence(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The details, as the input type describes them.")]
        input: RecordPresenceInput,
    ) -> async_graphql::Result<PresenceSnapshot> {
        let actor = actor(ctx).await?;
        let channel = ids::decode(&input.channel_id, Kind::Channel, "channelId")?;
        let saved = presence::record(
            state(ctx)?,
            &actor,
            channel,
            Figures {
                taken_on: input.taken_on.0,
                followers: input.followers,
                posts: input.posts,
                reactions: input.reactions,
                comments: input.comments,
                shares: input.shares,
            },
        )
        .await?;
        Ok(PresenceSnapshot(saved))
    }

    /// Imports figures as CSV with the header
    /// `date,followers,posts,reactions,comments,shares` (at most 5,000 rows
    /// and 1 MiB): every row or none; the first bad line is named in the
    /// message (the header is line 1), with `extensions.field` = `csv`. A day
    /// already recorded is replaced.
    async fn import_presence(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The channel (the caller's own).")] channel_id: ID,
        #[graphql(desc = "The CSV text.")] csv: String,
    ) -> async_graphql::Result<Vec<PresenceSnapshot>> {
        let actor = actor(ctx).await?;
        let channel = ids::decode(&channel_id, Kind::Channel, "channelId")?;
        let saved = presence::import(state(ctx)?, &actor, channel, &csv).await?;
        Ok(saved.into_iter().map(PresenceSnapshot).collect())
    }
}
