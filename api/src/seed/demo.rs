//! `voimavara seed-demo` and `voimavara serve --demo`: a believable Finnish
//! organisation to try the product with. Everything goes through the same
//! service functions the API uses, so the demo obeys every rule (seats,
//! waitlists, mentoring, notifications) and touches only an empty database.

use entity::{organisation, skill};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

use crate::auth::Actor;
use crate::context::AppState;
use crate::error::{AppError, AppResult};
use crate::service::{accounts, expertise, invitations, mentoring, sessions};

mod clinics;
mod courses;
mod people;
mod plan;
mod presence;

use people::{PEOPLE, email};

/// The password of every demo account (it is printed; this is a demo).
pub const PASSWORD: &str = "kokeile-voimavaraa";
/// The demo organisation's name.
pub const ORGANISATION: &str = "Kuusiston kaupunki";
const TIMEZONE: &str = "Europe/Helsinki";

/// A demo account to sign in with.
#[derive(Debug, Clone)]
pub struct Account {
    /// What the account shows off: admin, mentor or learner.
    pub role: &'static str,
    pub name: String,
    pub email: String,
}

/// What the demo created.
#[derive(Debug, Clone)]
pub struct Demo {
    pub accounts: Vec<Account>,
    pub members: usize,
    pub clinics: usize,
    pub courses: usize,
    pub open_requests: usize,
    /// Channels with a year of weekly snapshots (one private).
    pub channels: usize,
    /// The address of an invitation left waiting, whose mail the tour shows.
    pub invited: String,
    /// Plan goals (proposed, declined, accepted, achieved).
    pub goals: usize,
    /// Questions sent to the next clinic.
    pub questions: usize,
}

/// The address of the invitation the demo leaves waiting.
pub const INVITED: &str = "uusi.jasen@kuusisto.example";

/// Fills an empty database with the demo organisation.
pub async fn seed(state: &AppState) -> AppResult<Demo> {
    if organisation::Entity::find().count(&state.db).await? > 0 {
        return Err(AppError::Conflict(
            "the database already has data; the demo fills only an empty database".into(),
        ));
    }
    let skills = Skills::load(state).await?;
    let actors = people(state, &skills).await?;
    let admin = actors
        .first()
        .ok_or_else(|| AppError::internal("no demo people"))?;
    let open_requests = requests(state, &actors, &skills).await?;
    let clinics = clinics::schedule_all(state, admin, &actors, &skills).await?;
    let courses = courses::publish(state, admin, &actors, &skills).await?;
    let channels = presence::record(state, &actors, &skills).await?;
    let planned = plan::make(state, &actors, &skills).await?;
    // One newcomer is still to join: their invitation mail goes out (to the
    // log, unless a relay is configured).
    let invited = INVITED.to_owned();
    invitations::invite(state, admin, &invited, entity::Role::Member).await?;

    let account = |role, index: usize| Account {
        role,
        name: PEOPLE[index].name.into(),
        email: email(PEOPLE[index].name),
    };
    Ok(Demo {
        accounts: vec![
            account("admin", 0),
            account("mentor", 1),
            account("learner", 2),
        ],
        members: PEOPLE.len(),
        clinics,
        courses,
        open_requests,
        channels,
        invited,
        goals: planned.goals,
        questions: planned.questions,
    })
}

/// The admin signs up; everyone else is invited and accepts, then says what
/// they know, what they want to learn and whether they mentor. Returns the
/// people's actors in [`PEOPLE`]'s order.
async fn people(state: &AppState, skills: &Skills) -> AppResult<Vec<Actor>> {
    let [admin_person, ..] = PEOPLE else {
        return Err(AppError::internal("no demo people"));
    };
    let signed_up = accounts::sign_up(
        state,
        accounts::SignUp {
            organisation_name: ORGANISATION.into(),
            email: email(admin_person.name),
            password: PASSWORD.into(),
            display_name: admin_person.name.into(),
        },
        None,
    )
    .await?;
    let admin = sessions::authenticate(state, &signed_up.access_token).await?;
    let mut actors: Vec<Actor> = vec![admin.clone()];
    for person in &PEOPLE[1..] {
        let issued =
            invitations::invite(state, &admin, &email(person.name), entity::Role::Member).await?;
        let joined = invitations::accept(state, &issued.token, PASSWORD, person.name, None).await?;
        actors.push(sessions::authenticate(state, &joined.access_token).await?);
    }

    for (person, actor) in PEOPLE.iter().zip(&actors) {
        for (key, level) in person.skills {
            expertise::set_level(state, actor, skills.id(key)?, *level).await?;
        }
        let goals = skills.ids(person.goals)?;
        if !goals.is_empty() {
            expertise::set_goals(state, actor, &goals).await?;
        }
        if let Some(places) = person.mentors {
            let bio = format!(
                "{} helps colleagues with {} in short, practical sessions.",
                person.name,
                person
                    .skills
                    .iter()
                    .map(|(key, _)| key.replace('-', " "))
                    .collect::<Vec<_>>()
                    .join(" and ")
            );
            mentoring::upsert_profile(state, actor, &bio, places, true).await?;
        }
    }
    Ok(actors)
}

/// Open mentoring requests (who, in what, why): the learner's, and a few
/// colleagues'.
const ASKS: [(usize, &[&str], &str); 5] = [
    (
        2,
        &["measuring-influence", "linkedin"],
        "I post for the library every week and would like to know what actually works.",
    ),
    (
        13,
        &["measuring-influence"],
        "Our service pages get likes but no visits. What should we measure?",
    ),
    (
        15,
        &["tiktok", "short-posts"],
        "The youth services want to try short videos.",
    ),
    (
        21,
        &["social-customer-service"],
        "Residents ask questions on Facebook at night. How do we answer well?",
    ),
    (
        25,
        &["youtube", "measuring-influence"],
        "We film council meetings; are the recordings worth it?",
    ),
];

/// Opens [`ASKS`]; returns how many.
async fn requests(state: &AppState, actors: &[Actor], skills: &Skills) -> AppResult<usize> {
    let mut opened = 0;
    for (who, keys, message) in ASKS {
        if let Some(actor) = actors.get(who) {
            mentoring::request(state, actor, &skills.ids(keys)?, message).await?;
            opened += 1;
        }
    }
    Ok(opened)
}

/// The skill catalogue's keys and ids.
struct Skills(Vec<(String, i64)>);

impl Skills {
    async fn load(state: &AppState) -> AppResult<Self> {
        Ok(Self(
            skill::Entity::find()
                .filter(skill::Column::OrganisationId.is_null())
                .all(&state.db)
                .await?
                .into_iter()
                .map(|s| (s.key, s.id))
                .collect(),
        ))
    }

    fn id(&self, key: &str) -> AppResult<i64> {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, id)| *id)
            .ok_or_else(|| AppError::internal(format!("skill {key} is not in the catalogue")))
    }

    fn ids(&self, keys: &[&str]) -> AppResult<Vec<i64>> {
        keys.iter().map(|key| self.id(key)).collect()
    }
}

#[cfg(test)]
mod tests;
