//! `voimavara seed-bench`: a large, deterministic organisation for load tests
//! and statement counts. Rows go in with multi-row inserts inside one
//! transaction; the same seed gives the same data on SQLite and PostgreSQL.

use std::collections::HashSet;

use chrono::{DateTime, Duration, Utc};
use entity::{
    clinic, clinic_skill, learning_goal, mentor_profile, mentoring_request,
    mentoring_request_skill, organisation, seat, seat_pool, skill, user, user_skill,
};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect,
};

use crate::domain::seats::{Placement, place};
use crate::error::{AppError, AppResult};
use crate::random::Random;

/// How much to create.
#[derive(Debug, Clone, clap::Args)]
pub struct BenchSize {
    /// Members besides the admin.
    #[arg(long, default_value_t = 5000)]
    pub members: usize,
    /// Clinics, weekly-ish over the coming year.
    #[arg(long, default_value_t = 1000)]
    pub clinics: usize,
    /// Clinic registrations (confirmed while seats last, then waitlisted).
    #[arg(long, default_value_t = 50_000)]
    pub registrations: usize,
    /// Members with a mentor profile.
    #[arg(long, default_value_t = 500)]
    pub mentors: usize,
    /// Open mentoring requests.
    #[arg(long, default_value_t = 2000)]
    pub requests: usize,
    /// Seed for every random choice.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
}

/// What was created: ids the load generator needs.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Seeded {
    pub organisation_id: i64,
    pub admin_id: i64,
    /// Members in creation order (the first `mentors` of them are mentors).
    pub member_ids: Vec<i64>,
    pub clinic_ids: Vec<i64>,
    pub request_ids: Vec<i64>,
    pub registrations: usize,
}

/// The password of every seeded account.
pub const PASSWORD: &str = "bench password 2026";
/// Rows per multi-row INSERT (well under both databases' parameter limits).
const CHUNK: usize = 500;

/// Creates one organisation of `size`, with every row written in one transaction.
pub async fn seed<C>(
    db: &C,
    size: &BenchSize,
    now: DateTime<Utc>,
    password_hash: &str,
) -> AppResult<Seeded>
where
    C: sea_orm::TransactionTrait<Transaction = sea_orm::DatabaseTransaction> + ConnectionTrait,
{
    if size.mentors > size.members {
        return Err(AppError::field("mentors", "cannot exceed members"));
    }
    let random = Random::from_seed(size.seed);
    let txn = crate::db::begin_write_on(db).await?;

    let org = organisation::ActiveModel {
        name: Set(format!("Bench Oy {}", size.seed)),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let tag = format!("{}-{}", org.id, size.seed);

    let person = |i: usize, role: entity::Role| user::ActiveModel {
        organisation_id: Set(org.id),
        email: Set(if role == entity::Role::Admin {
            format!("admin-{tag}@bench.example")
        } else {
            format!("member{i}-{tag}@bench.example")
        }),
        password_hash: Set(password_hash.to_owned()),
        display_name: Set(if role == entity::Role::Admin {
            "Bench Admin".to_owned()
        } else {
            format!("Member {i}")
        }),
        role: Set(role),
        active: Set(true),
        token_version: Set(0),
        calendar_token: Set(random.token()),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    insert_chunks(&txn, vec![person(0, entity::Role::Admin)]).await?;
    insert_chunks(
        &txn,
        (0..size.members)
            .map(|i| person(i, entity::Role::Member))
            .collect(),
    )
    .await?;
    let user_ids =
        ids_of::<user::Entity>(&txn, user::Column::OrganisationId, user::Column::Id, org.id)
            .await?;
    let Some((&admin_id, member_ids)) = user_ids.split_first() else {
        return Err(AppError::internal("seeded users vanished"));
    };
    let member_ids = member_ids.to_vec();

    let skill_ids: Vec<i64> = skill::Entity::find()
        .select_only()
        .column(skill::Column::Id)
        .filter(skill::Column::OrganisationId.is_null())
        .order_by_asc(skill::Column::Id)
        .into_tuple()
        .all(&txn)
        .await?;
    if skill_ids.is_empty() {
        return Err(AppError::internal("the skill catalogue is empty"));
    }
    let some_skills = |most: usize| -> Vec<i64> {
        let wanted = 1 + random.below(most as u64) as usize;
        let mut picked = Vec::with_capacity(wanted);
        while picked.len() < wanted.min(skill_ids.len()) {
            let id = skill_ids[random.below(skill_ids.len() as u64) as usize];
            if !picked.contains(&id) {
                picked.push(id);
            }
        }
        picked
    };

    // Self-assessed skills: mentors know more, and know it better.
    let mut levels = Vec::new();
    let mut goals = Vec::new();
    for (i, &user_id) in member_ids.iter().enumerate() {
        let mentor = i < size.mentors;
        for skill_id in some_skills(if mentor { 5 } else { 3 }) {
            let level = if mentor {
                3 + random.below(3)
            } else {
                1 + random.below(3)
            };
            levels.push(user_skill::ActiveModel {
                user_id: Set(user_id),
                skill_id: Set(skill_id),
                level: Set(level as i32),
                updated_at: Set(now),
            });
        }
        if !mentor {
            for skill_id in some_skills(2) {
                goals.push(learning_goal::ActiveModel {
                    user_id: Set(user_id),
                    skill_id: Set(skill_id),
                    created_at: Set(now),
                });
            }
        }
    }
    insert_chunks(&txn, levels).await?;
    insert_chunks(&txn, goals).await?;

    insert_chunks(
        &txn,
        member_ids[..size.mentors]
            .iter()
            .map(|&user_id| mentor_profile::ActiveModel {
                user_id: Set(user_id),
                bio: Set("Happy to help with short posts and measuring reach.".into()),
                max_mentees: Set(1 + random.below(3) as i32),
                accepting_mentees: Set(true),
                active_mentees: Set(0),
                created_at: Set(now),
                updated_at: Set(now),
            })
            .collect(),
    )
    .await?;

    // Clinics: one seat pool each, spread over the coming year in working hours.
    let capacities: Vec<i32> = (0..size.clinics)
        .map(|_| 5 + random.below(26) as i32)
        .collect();

    // Registrations, placed by the seat rules in arrival order (by pool index
    // until the pools exist), so each pool is written with its confirmed count.
    let mut confirmed = vec![0u32; capacities.len()];
    let mut taken = HashSet::new();
    let mut placed = Vec::with_capacity(size.registrations);
    let most = size.registrations.min(capacities.len() * member_ids.len());
    let mut attempts = 0usize;
    while placed.len() < most && attempts < most.saturating_mul(20) {
        attempts += 1;
        let pool = random.below(capacities.len() as u64) as usize;
        let member = member_ids[random.below(member_ids.len() as u64) as usize];
        if !taken.insert((pool, member)) {
            continue;
        }
        let at = now - Duration::seconds((most - placed.len()) as i64);
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

    insert_chunks(
        &txn,
        capacities
            .iter()
            .zip(&confirmed)
            .map(|(&capacity, &confirmed)| seat_pool::ActiveModel {
                organisation_id: Set(org.id),
                capacity: Set(Some(capacity)),
                confirmed_count: Set(i32::try_from(confirmed).unwrap_or(i32::MAX)),
                created_at: Set(now),
                ..Default::default()
            })
            .collect(),
    )
    .await?;
    let pool_ids = ids_of::<seat_pool::Entity>(
        &txn,
        seat_pool::Column::OrganisationId,
        seat_pool::Column::Id,
        org.id,
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
        let starts_at = first_day + Duration::days(day) + Duration::hours(random.below(8) as i64);
        clinics.push(clinic::ActiveModel {
            organisation_id: Set(org.id),
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
    insert_chunks(&txn, clinics).await?;
    let clinic_ids = ids_of::<clinic::Entity>(
        &txn,
        clinic::Column::OrganisationId,
        clinic::Column::Id,
        org.id,
    )
    .await?;
    insert_chunks(
        &txn,
        clinic_ids
            .iter()
            .flat_map(|&clinic_id| {
                some_skills(3)
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
        &txn,
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

    // Open mentoring requests from non-mentors.
    let learners = &member_ids[size.mentors.min(member_ids.len())..];
    let mut requests = Vec::with_capacity(size.requests);
    if !learners.is_empty() {
        for i in 0..size.requests {
            requests.push(mentoring_request::ActiveModel {
                organisation_id: Set(org.id),
                learner_id: Set(learners[random.below(learners.len() as u64) as usize]),
                message: Set(format!(
                    "I would like help with {}",
                    TOPICS[i % TOPICS.len()]
                )),
                status: Set(entity::RequestStatus::Open),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            });
        }
    }
    insert_chunks(&txn, requests).await?;
    let request_ids = ids_of::<mentoring_request::Entity>(
        &txn,
        mentoring_request::Column::OrganisationId,
        mentoring_request::Column::Id,
        org.id,
    )
    .await?;
    insert_chunks(
        &txn,
        request_ids
            .iter()
            .flat_map(|&request_id| {
                some_skills(2).into_iter().map(move |skill_id| {
                    mentoring_request_skill::ActiveModel {
                        request_id: Set(request_id),
                        skill_id: Set(skill_id),
                    }
                })
            })
            .collect(),
    )
    .await?;

    txn.commit().await?;
    // As after any bulk load: PostgreSQL's planner gets statistics, and the
    // visibility map is set for index-only scans, now rather than whenever
    // autovacuum comes by (mid-benchmark). SQLite plans these queries from
    // its indexes alone.
    if db.get_database_backend() == sea_orm::DbBackend::Postgres {
        db.execute_unprepared("VACUUM ANALYZE").await?;
    }
    Ok(Seeded {
        organisation_id: org.id,
        admin_id,
        member_ids,
        clinic_ids,
        request_ids,
        registrations,
    })
}

const TOPICS: [&str; 6] = [
    "measuring influence",
    "short posts that travel",
    "answering comments",
    "LinkedIn for experts",
    "video in 60 seconds",
    "crisis communication",
];

/// Ids of the organisation's rows of a table, in insertion order.
async fn ids_of<E: EntityTrait>(
    conn: &impl ConnectionTrait,
    organisation: E::Column,
    id: E::Column,
    organisation_id: i64,
) -> AppResult<Vec<i64>> {
    Ok(E::find()
        .select_only()
        .column(id)
        .filter(organisation.eq(organisation_id))
        .order_by_asc(id)
        .into_tuple()
        .all(conn)
        .await?)
}

/// Inserts rows in multi-row statements of [`CHUNK`].
async fn insert_chunks<A>(conn: &impl ConnectionTrait, rows: Vec<A>) -> AppResult<()>
where
    A: ActiveModelTrait + Send,
{
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<A> = rows.by_ref().take(CHUNK).collect();
        <A::Entity as EntityTrait>::insert_many(chunk)
            .exec_without_returning(conn)
            .await?;
    }
    Ok(())
}
