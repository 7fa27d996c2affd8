//! Presence for the bench: channels per member and a weekly snapshot of
//! each for the weeks up to today.

use entity::skill;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::{CHUNK, Loader, ids_of, insert_chunks};
use crate::error::AppResult;

impl Loader<'_> {
    /// `channels` channels per member, each with `weeks` weekly snapshots
    /// up to today: followers growing steadily from a per-channel start, a
    /// few posts a week.
    pub(super) async fn presence(&self, member_ids: &[i64]) -> AppResult<()> {
        use entity::{channel, presence_snapshot};
        let platforms: Vec<i64> = skill::Entity::find()
            .select_only()
            .column(skill::Column::Id)
            .filter(skill::Column::OrganisationId.is_null())
            .filter(skill::Column::Kind.eq(entity::SkillKind::Platform))
            .order_by_asc(skill::Column::Id)
            .limit(self.size.channels as u64)
            .into_tuple()
            .all(self.txn)
            .await?;
        let (org, now) = (self.organisation_id, self.now);
        let mut rows = Vec::with_capacity(member_ids.len() * platforms.len());
        for (i, member) in member_ids.iter().enumerate() {
            for (p, platform) in platforms.iter().enumerate() {
                rows.push(channel::ActiveModel {
                    organisation_id: Set(org),
                    user_id: Set(*member),
                    platform_id: Set(*platform),
                    handle: Set(format!("@member{i}")),
                    handle_key: Set(format!("member{i}")),
                    url: Set(None),
                    visibility: Set(if (i + p) % 10 == 0 {
                        entity::Visibility::Private
                    } else {
                        entity::Visibility::Organisation
                    }),
                    created_at: Set(now),
                    updated_at: Set(now),
                    ..Default::default()
                });
            }
        }
        insert_chunks(self.txn, rows).await?;
        let channel_ids = ids_of::<channel::Entity>(
            self.txn,
            channel::Column::OrganisationId,
            channel::Column::Id,
            org,
        )
        .await?;
        let today = now.date_naive();
        let weeks = self.size.weeks as i64;
        let mut snapshots = Vec::with_capacity(CHUNK);
        for (c, channel_id) in channel_ids.iter().enumerate() {
            let c = c as i64;
            let mut followers = 50 + (c * 37) % 2_000;
            for week in 0..weeks {
                followers += followers * (3 + c % 17) / 1_000;
                let posts = 1 + (c + week) % 4;
                let reactions = posts * followers * (5 + c % 11) / 1_000;
                snapshots.push(presence_snapshot::ActiveModel {
                    channel_id: Set(*channel_id),
                    taken_on: Set(today - chrono::Duration::weeks(weeks - 1 - week)),
                    followers: Set(followers),
                    posts: Set(posts),
                    reactions: Set(reactions),
                    comments: Set(reactions / 8),
                    shares: Set(reactions / 12),
                    created_at: Set(now),
                    updated_at: Set(now),
                    ..Default::default()
                });
                if snapshots.len() == CHUNK {
                    insert_chunks(self.txn, std::mem::take(&mut snapshots)).await?;
                }
            }
        }
        insert_chunks(self.txn, snapshots).await
    }
}
