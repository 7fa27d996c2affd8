//! `voimavara seed-bench`: a large, deterministic organisation for load tests
//! and statement counts. Rows go in with multi-row inserts inside one
//! transaction; the same seed gives the same data on SQLite and PostgreSQL.

use chrono::{DateTime, Utc};
use entity::{
    learning_goal, mentor_profile, mentoring_request, mentoring_request_skill, organisation, skill,
    user, user_skill,
};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect,
};

use crate::error::{AppError, AppResult};
use crate::random::Random;

mod clinics;
mod presence;

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
    /// Presence channels per member (on the first platforms of the
    /// catalogue; one in ten private).
    #[arg(long, default_value_t = 3)]
    pub channels: usize,
    /// Weekly snapshots per channel, up to today.
    #[arg(long, default_value_t = 52)]
    pub weeks: usize,
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
    let txn = crate::db::begin_write_on(db).await?;
    let org = organisation::ActiveModel {
        name: Set(format!("Bench Oy {}", size.seed)),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
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
    let loader = Loader {
        txn: &txn,
        size,
        organisation_id: org.id,
        now,
        random: Random::from_seed(size.seed),
        skill_ids,
    };

    let (admin_id, member_ids) = loader.people(password_hash).await?;
    loader.expertise(&member_ids).await?;
    let (clinic_ids, registrations) = loader.clinics(admin_id, &member_ids).await?;
    let request_ids = loader.requests(&member_ids).await?;
    loader.presence(&member_ids).await?;

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

/// One bulk load in progress: the transaction, the organisation and the
/// random source every step draws from, in order.
struct Loader<'a> {
    txn: &'a sea_orm::DatabaseTransaction,
    size: &'a BenchSize,
    organisation_id: i64,
    now: DateTime<Utc>,
    random: Random,
    skill_ids: Vec<i64>,
}

impl Loader<'_> {
    /// The admin and the members; returns the admin's id and the members' ids.
    async fn people(&self, password_hash: &str) -> AppResult<(i64, Vec<i64>)> {
        let (org, now) = (self.organisation_id, self.now);
        let tag = format!("{org}-{}", self.size.seed);
        let person = |i: usize, role: entity::Role| user::ActiveModel {
            organisation_id: Set(org),
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
            calendar_token: Set(self.random.token()),
            email_kinds: Set(crate::domain::mail::store_email_kinds(
                &crate::domain::mail::DEFAULT_EMAIL_KINDS,
            )),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        };
        insert_chunks(self.txn, vec![person(0, entity::Role::Admin)]).await?;
        insert_chunks(
            self.txn,
            (0..self.size.members)
                .map(|i| person(i, entity::Role::Member))
                .collect(),
        )
        .await?;
        let user_ids = ids_of::<user::Entity>(
            self.txn,
            user::Column::OrganisationId,
            user::Column::Id,
            org,
        )
        .await?;
        let Some((&admin_id, member_ids)) = user_ids.split_first() else {
            return Err(AppError::internal("seeded users vanished"));
        };
        Ok((admin_id, member_ids.to_vec()))
    }

    /// One to `most` distinct catalogue skills.
    fn some_skills(&self, most: usize) -> Vec<i64> {
        let skills = &self.skill_ids;
        let wanted = 1 + self.random.below(most as u64) as usize;
        let mut picked = Vec::with_capacity(wanted);
        while picked.len() < wanted.min(skills.len()) {
            let id = skills[self.random.below(skills.len() as u64) as usize];
            if !picked.contains(&id) {
                picked.push(id);
            }
        }
        picked
    }

    /// Self-assessed skills (mentors know more, and know it better), the
    /// learners' goals and the mentors' profiles.
    async fn expertise(&self, member_ids: &[i64]) -> AppResult<()> {
        let (mentors, now) = (self.size.mentors, self.now);
        let mut levels = Vec::new();
        let mut goals = Vec::new();
        for (i, &user_id) in member_ids.iter().enumerate() {
            let mentor = i < mentors;
            for skill_id in self.some_skills(if mentor { 5 } else { 3 }) {
                let level = if mentor {
                    3 + self.random.below(3)
                } else {
                    1 + self.random.below(3)
                };
                levels.push(user_skill::ActiveModel {
                    user_id: Set(user_id),
                    skill_id: Set(skill_id),
                    level: Set(level as i32),
                    updated_at: Set(now),
                });
            }
            if !mentor {
                for skill_id in self.some_skills(2) {
                    goals.push(learning_goal::ActiveModel {
                        user_id: Set(user_id),
                        skill_id: Set(skill_id),
                        created_at: Set(now),
                    });
                }
            }
        }
        insert_chunks(self.txn, levels).await?;
        insert_chunks(self.txn, goals).await?;
        insert_chunks(
            self.txn,
            member_ids[..mentors]
                .iter()
                .map(|&user_id| mentor_profile::ActiveModel {
                    user_id: Set(user_id),
                    bio: Set("Happy to help with short posts and measuring reach.".into()),
                    max_mentees: Set(1 + self.random.below(3) as i32),
                    accepting_mentees: Set(true),
                    active_mentees: Set(0),
                    created_at: Set(now),
                    updated_at: Set(now),
                })
                .collect(),
        )
        .await
    }

    /// Open mentoring requests from non-mentors; returns their ids.
    async fn requests(&self, member_ids: &[i64]) -> AppResult<Vec<i64>> {
        let (org, now, random) = (self.organisation_id, self.now, &self.random);
        let learners = &member_ids[self.size.mentors.min(member_ids.len())..];
        let mut requests = Vec::with_capacity(self.size.requests);
        if !learners.is_empty() {
            for i in 0..self.size.requests {
                requests.push(mentoring_request::ActiveModel {
                    organisation_id: Set(org),
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
        insert_chunks(self.txn, requests).await?;
        let request_ids = ids_of::<mentoring_request::Entity>(
            self.txn,
            mentoring_request::Column::OrganisationId,
            mentoring_request::Column::Id,
            org,
        )
        .await?;
        insert_chunks(
            self.txn,
            request_ids
                .iter()
                .flat_map(|&request_id| {
                    self.some_skills(2).into_iter().map(move |skill_id| {
                        mentoring_request_skill::ActiveModel {
                            request_id: Set(request_id),
                            skill_id: Set(skill_id),
                        }
                    })
                })
                .collect(),
        )
        .await?;
        Ok(request_ids)
    }
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
