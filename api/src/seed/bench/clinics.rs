//! Clinics and their registrations, placed by the seat rules.

use std::collections::HashSet;

use chrono::{DateTime, Duration, Utc};
use entity::{clinic, clinic_skill, seat, seat_pool};
use sea_orm::ActiveValue::Set;

use super::{Loader, TOPICS, ids_of, insert_chunks};
use crate::domain::seats::{Placement, place};
use crate::error::AppResult;

impl Loader<'_> {
    /// Clinics, one seat pool each, spread over the coming year in working
    /// hours, and their registrations; returns the clinics' ids and how many
    /// registrations there are.
    pub(super) async fn clinics(
        &self,
        admin_id: i64,
        member_ids: &[i64],
    ) -> AppResult<(Vec<i64>, usize)> {
        let (org, now, size, random) = (self.organisation_id, self.now, self.size, &self.random);
        let capacities: Vec<i32> = (0..size.clinics)
            .map(|_| 5 + random.below(26) as i32)
            .collect();
        let placed = self.place(&capacities, member_ids);
        // (confirmed, waitlisted) of each pool.
        let mut counts = vec![(0i32, 0i32); capacities.len()];
        for (pool, _, status, _) in &placed {
            match status {
                entity::SeatStatus::Confirmed => counts[*pool].0 += 1,
                _ => counts[*pool].1 += 1,
            }
        }

        insert_chunks(
            self.txn,
            capacities
                .iter()
                .zip(&counts)
                .map(
                    |(&capacity, &(confirmed, waitlisted))| seat_pool::ActiveModel {
                        organisation_id: Set(org),
                        capacity: Set(Some(capacity)),
                        confirmed_count: Set(confirmed),
                        waitlisted_count: Set(waitlisted),
                        created_at: Set(now),
                        ..Default::default()
                    },
                )
                .collect(),
        )
        .await?;
        let pool_ids = ids_of::<seat_pool::Entity>(
            self.txn,
            seat_pool::Column::OrganisationId,
            seat_pool::Column::Id,
            org,
        )
        .await?;
        let facilitators = if size.mentors > 0 {
            &member_ids[..size.mentors]
        } else {
            std::slice::from_ref(&admin_id)
        };
        let first_day = now + Duration::days(1);
        let mut clinics = Vec::with_capacity(size.clinics);
        for (i, &pool_id) in pool_ids.iter().enumerate() {
            let day = (i as i64 * 365) / (size.clinics.max(1) as i64);
            let starts_at =
                first_day + Duration::days(day) + Duration::hours(random.below(8) as i64);
            clinics.push(clinic::ActiveModel {
                organisation_id: Set(org),
                series_id: Set(None),
                seat_pool_id: Set(pool_id),
                facilitator_id: Set(facilitators[random.below(facilitators.len() as u64) as usize]),
                title: Set(format!("Clinic {}: {}", i + 1, TOPICS[i % TOPICS.len()])),
                description: Set("Bring your drafts; we look at them together.".into()),
                starts_at: Set(starts_at),
                ends_at: Set(starts_at + Duration::hours(1)),
                timezone: Set("Europe/Helsinki".into()),
                location: Set(Some("Room 2".into())),
                online_url: Set(None),
                status: Set(entity::ClinicStatus::Scheduled),
                cancel_reason: Set(None),
                cancelled_at: Set(None),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            });
        }
        insert_chunks(self.txn, clinics).await?;
        let clinic_ids = ids_of::<clinic::Entity>(
            self.txn,
            clinic::Column::OrganisationId,
            clinic::Column::Id,
            org,
        )
        .await?;
        insert_chunks(
            self.txn,
            clinic_ids
                .iter()
                .flat_map(|&clinic_id| {
                    self.some_skills(3)
                        .into_iter()
                        .map(move |skill_id| clinic_skill::ActiveModel {
                            clinic_id: Set(clinic_id),
                            skill_id: Set(skill_id),
                        })
                })
                .collect(),
        )
        .await?;
        let registrations = placed.len();
        insert_chunks(
            self.txn,
            placed
                .into_iter()
                .filter_map(|(pool, member, status, at)| {
                    Some(seat::ActiveModel {
                        pool_id: Set(*pool_ids.get(pool)?),
                        user_id: Set(member),
                        confirmed_at: Set((status == entity::SeatStatus::Confirmed).then_some(at)),
                        status: Set(status),
                        attended: Set(None),
                        created_at: Set(at),
                        updated_at: Set(at),
                        cancelled_at: Set(None),
                        completed_at: Set(None),
                        ..Default::default()
                    })
                })
                .collect(),
        )
        .await?;
        Ok((clinic_ids, registrations))
    }

    /// Registrations (pool index, member, status, when), placed by the seat
    /// rules in arrival order, so each pool is written with its confirmed
    /// count.
    fn place(
        &self,
        capacities: &[i32],
        member_ids: &[i64],
    ) -> Vec<(usize, i64, entity::SeatStatus, DateTime<Utc>)> {
        let random = &self.random;
        let mut confirmed = vec![0u32; capacities.len()];
        let mut taken = HashSet::new();
        let most = self
            .size
            .registrations
            .min(capacities.len() * member_ids.len());
        let mut placed = Vec::with_capacity(most);
        let mut attempts = 0usize;
        while placed.len() < most && attempts < most.saturating_mul(20) {
            attempts += 1;
            let pool = random.below(capacities.len() as u64) as usize;
            let member = member_ids[random.below(member_ids.len() as u64) as usize];
            if !taken.insert((pool, member)) {
                continue;
            }
            let at = self.now - Duration::seconds((most - placed.len()) as i64);
            let capacity = u32::try_from(capacities[pool]).ok();
            let status = match place(capacity, confirmed[pool]) {
                Placement::Confirmed => {
                    confirmed[pool] += 1;
                    entity::SeatStatus::Confirmed
                }
                Placement::Waitlisted => entity::SeatStatus::Waitlisted,
            };
            placed.push((pool, member, status, at));
        }
        placed
    }
}
