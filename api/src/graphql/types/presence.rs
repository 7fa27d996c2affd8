//! `Channel`, `PresenceSnapshot`, `ChannelGrowth`, `PresenceReport`.

use async_graphql::{Context, Enum, ID, Object, SimpleObject};
use chrono::NaiveDate;
use entity::{channel, presence_snapshot};

use super::{Skill, User};
use crate::domain::presence::Growth;
use crate::graphql::context::state;
use crate::graphql::ids::{self, Kind};
use crate::graphql::loaders::{LatestSnapshot, SkillById, UserById, loader};
use crate::graphql::pagination::{Page, connection, page_request};
use crate::graphql::scalars::Date;
use crate::service::presence::{self, PlatformReport};

/// Who sees a channel and its figures.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "entity::Visibility")]
pub enum Visibility {
    /// The owner alone, everywhere (other members, admins and the
    /// organisation's report never see it).
    Private,
    /// Colleagues, and the organisation's report.
    Organisation,
}

/// A member's social-media channel.
pub struct Channel(pub channel::Model);

/// A member's social-media channel: a platform and a handle.
#[Object]
impl Channel {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        ids::encode(Kind::Channel, self.0.id)
    }

    /// The member whose channel it is.
    async fn owner(&self, ctx: &Context<'_>) -> async_graphql::Result<User> {
        let owner = Box::pin(loader(ctx)?.load_one(UserById(self.0.user_id)))
            .await?
            .ok_or_else(|| crate::error::AppError::internal("a channel's owner is missing"))?;
        Ok(User::new(owner))
    }

    /// The platform (a `PLATFORM` skill).
    async fn platform(&self, ctx: &Context<'_>) -> async_graphql::Result<Skill> {
        let skill = Box::pin(loader(ctx)?.load_one(SkillById(self.0.platform_id)))
            .await?
            .ok_or_else(|| crate::error::AppError::internal("a channel's platform is missing"))?;
        Ok(Skill::from(skill))
    }

    /// The handle on the platform, as the member wrote it.
    async fn handle(&self) -> &str {
        &self.0.handle
    }

    /// The channel's address, if given.
    async fn url(&self) -> Option<&str> {
        self.0.url.as_deref()
    }

    /// Who sees the channel.
    async fn visibility(&self) -> Visibility {
        self.0.visibility.into()
    }

    /// The recorded figures, oldest day first.
    async fn snapshots(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "At most this many (0 to 100).")] first: Option<i32>,
        #[graphql(desc = "After this cursor.")] after: Option<String>,
        #[graphql(desc = "At most this many from the end (0 to 100).")] last: Option<i32>,
        #[graphql(desc = "Before this cursor.")] before: Option<String>,
    ) -> async_graphql::Result<Page<PresenceSnapshot>> {
        let request = page_request(ctx, first, after, last, before)?;
        let paged = presence::snapshots(state(ctx)?, &self.0, &request).await?;
        Ok(connection(paged, presence::position, PresenceSnapshot))
    }

    /// The most recent snapshot.
    async fn latest(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<PresenceSnapshot>> {
        Ok(Box::pin(loader(ctx)?.load_one(LatestSnapshot(self.0.id)))
            .await?
            .map(PresenceSnapshot))
    }

    /// Growth over the days from `from` to `to` (both included; from the
    /// first snapshot, to today, when left out), from the snapshots taken in
    /// them: `followersStart`/`followersEnd` are the first and last
    /// snapshot's followers; `posts` and `interactions` sum the snapshots
    /// after the first. Null when no snapshot falls in the range.
    async fn growth(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The first day (included).")] from: Option<Date>,
        #[graphql(desc = "The last day (included).")] to: Option<Date>,
    ) -> async_graphql::Result<Option<ChannelGrowth>> {
        let state = state(ctx)?;
        // The first day either database can hold, for "from the beginning".
        let from = from.map_or(NaiveDate::from_ymd_opt(1, 1, 1).unwrap_or_default(), |d| {
            d.0
        });
        let to = to.map_or(state.clock.now().date_naive(), |d| d.0);
        Ok(presence::growth(state, &self.0, from, to)
            .await?
            .map(|growth| ChannelGrowth::new(from, to, growth)))
    }
}

/// One day's figures of a channel.
pub struct PresenceSnapshot(pub presence_snapshot::Model);

/// One day's figures of a channel: followers that day; posts, reactions,
/// comments and shares since the snapshot before.
#[Object]
impl PresenceSnapshot {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        ids::encode(Kind::PresenceSnapshot, self.0.id)
    }

    /// The day the figures are of.
    async fn taken_on(&self) -> Date {
        Date(self.0.taken_on)
    }

    /// Followers on that day.
    async fn followers(&self) -> i64 {
        self.0.followers
    }

    /// Posts since the snapshot before.
    async fn posts(&self) -> i64 {
        self.0.posts
    }

    /// Reactions since the snapshot before.
    async fn reactions(&self) -> i64 {
        self.0.reactions
    }

    /// Comments since the snapshot before.
    async fn comments(&self) -> i64 {
        self.0.comments
    }

    /// Shares since the snapshot before.
    async fn shares(&self) -> i64 {
        self.0.shares
    }

    /// (reactions + comments + shares) / (posts × followers); null when
    /// posts or followers is 0.
    async fn engagement_rate(&self) -> Option<f64> {
        presence::figures(&self.0).engagement_rate()
    }
}

/// A channel's growth over a range of days.
#[derive(SimpleObject)]
pub struct ChannelGrowth {
    /// The first day of the range.
    pub from: Date,
    /// The last day of the range.
    pub to: Date,
    /// Followers at the first snapshot in the range.
    pub followers_start: i64,
    /// Followers at the last snapshot in the range.
    pub followers_end: i64,
    /// (followersEnd − followersStart) / followersStart, a fraction (0.25 =
    /// +25 %); null when followersStart is 0.
    pub follower_growth: Option<f64>,
    /// Posts of the snapshots after the first in the range.
    pub posts: i64,
    /// Reactions, comments and shares of the snapshots after the first.
    pub interactions: i64,
    /// interactions / Σ(posts × followers) over the snapshots after the
    /// first; null when that sum is 0.
    pub average_engagement_rate: Option<f64>,
}

impl ChannelGrowth {
    fn new(from: NaiveDate, to: NaiveDate, growth: Growth) -> Self {
        Self {
            from: Date(from),
            to: Date(to),
            followers_start: growth.followers_start,
            followers_end: growth.followers_end,
            follower_growth: growth.follower_growth(),
            posts: growth.posts,
            interactions: growth.interactions,
            average_engagement_rate: growth.average_engagement_rate(),
        }
    }
}

/// The organisation's presence over a range of days.
pub struct PresenceReport {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub platforms: Vec<PlatformReport>,
}

/// The organisation's presence over a range of days, from `ORGANISATION`
/// channels only.
#[Object]
impl PresenceReport {
    /// The first day of the range.
    async fn from(&self) -> Date {
        Date(self.from)
    }

    /// The last day of the range.
    async fn to(&self) -> Date {
        Date(self.to)
    }

    /// One entry per platform with snapshots in the range.
    async fn platforms(&self) -> Vec<PlatformPresence<'_>> {
        self.platforms.iter().map(PlatformPresence).collect()
    }
}

/// One platform of a report. With fewer than 5 contributing members every
/// figure is null (only `contributors` is given), so nobody's numbers can be
/// singled out; otherwise every figure is over the same members.
pub struct PlatformPresence<'a>(&'a PlatformReport);

/// One platform of a report: sums over the contributing channels' growth
/// (see `Channel.growth`); null figures when fewer than 5 members contribute.
/// The sums are `Int` but, in a large organisation, may pass 2^31 (up to
/// 2^53 they are exact in a JavaScript number).
#[Object]
impl PlatformPresence<'_> {
    /// The platform.
    async fn platform(&self) -> Skill {
        Skill::from(self.0.platform.clone())
    }

    /// Members with an `ORGANISATION` channel on the platform and a snapshot in the range.
    async fn contributors(&self) -> i64 {
        self.0.figures.contributors as i64
    }

    /// Σ of the channels' followers at their first snapshot in the range.
    async fn followers_start(&self) -> Option<i64> {
        self.0.figures.figures.map(|f| f.followers_start)
    }

    /// Σ of the channels' followers at their last snapshot in the range.
    async fn followers_end(&self) -> Option<i64> {
        self.0.figures.figures.map(|f| f.followers_end)
    }

    /// (followersEnd − followersStart) / followersStart of the sums.
    async fn follower_growth(&self) -> Option<f64> {
        self.0.figures.figures.and_then(|f| f.follower_growth())
    }

    /// Σ of the channels' posts (see `ChannelGrowth.posts`).
    async fn posts(&self) -> Option<i64> {
        self.0.figures.figures.map(|f| f.posts)
    }

    /// Σ of the channels' interactions (see `ChannelGrowth.interactions`).
    async fn interactions(&self) -> Option<i64> {
        self.0.figures.figures.map(|f| f.interactions)
    }

    /// The median of the channels' average engagement rates (those that
    /// have one; the mean of the middle two for an even count).
    async fn median_engagement_rate(&self) -> Option<f64> {
        self.0
            .figures
            .figures
            .and_then(|f| f.median_engagement_rate)
    }
}
