//! `voimavara seed-demo` and `voimavara serve --demo`: a believable Finnish
//! organisation to try the product with. Everything goes through the same
//! service functions the API uses, so the demo obeys every rule (seats,
//! waitlists, mentoring, notifications) and touches only an empty database.

use chrono::{DateTime, Duration, NaiveTime, TimeZone, Utc};
use entity::{organisation, skill};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

use crate::auth::Actor;
use crate::context::AppState;
use crate::domain::recurrence::Weekly;
use crate::error::{AppError, AppResult};
use crate::service::courses::CourseInput;
use crate::service::lessons::LessonInput;
use crate::service::{
    accounts, clinics, courses, enrolments, expertise, invitations, lessons, mentoring,
    registrations, sessions,
};

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
}

/// Who works at Kuusisto, and what they say they know (skill key, level
/// 1–5) and want to learn. The first is the admin, the second the demo
/// mentor, the third the demo learner.
struct Person {
    name: &'static str,
    skills: &'static [(&'static str, i32)],
    goals: &'static [&'static str],
    /// Offers to mentor this many people.
    mentors: Option<i32>,
}

const fn person(
    name: &'static str,
    skills: &'static [(&'static str, i32)],
    goals: &'static [&'static str],
    mentors: Option<i32>,
) -> Person {
    Person {
        name,
        skills,
        goals,
        mentors,
    }
}

const PEOPLE: &[Person] = &[
    person(
        "Aino Virtanen",
        &[("linkedin", 4), ("branding", 4)],
        &[],
        None,
    ),
    person(
        "Matti Korhonen",
        &[
            ("measuring-influence", 5),
            ("linkedin", 5),
            ("short-posts", 4),
        ],
        &[],
        Some(3),
    ),
    person(
        "Liisa Mäkinen",
        &[("facebook", 2)],
        &["measuring-influence", "linkedin", "short-posts"],
        None,
    ),
    person(
        "Juha Nieminen",
        &[("tiktok", 5), ("visual-content", 4), ("instagram", 4)],
        &[],
        Some(2),
    ),
    person(
        "Sanna Mäkelä",
        &[("community-engagement", 5), ("facebook", 5)],
        &[],
        Some(2),
    ),
    person(
        "Mikko Hämäläinen",
        &[("social-customer-service", 4), ("x", 4)],
        &[],
        Some(1),
    ),
    person(
        "Laura Laine",
        &[("content-that-travels", 5), ("short-posts", 5)],
        &[],
        Some(2),
    ),
    person(
        "Timo Heikkinen",
        &[("safety-policy", 5), ("x", 3)],
        &[],
        Some(1),
    ),
    person(
        "Johanna Koskinen",
        &[("youtube", 4), ("visual-content", 5)],
        &[],
        Some(2),
    ),
    // Hidden experts: they know a lot and have not offered to mentor.
    person(
        "Pekka Järvinen",
        &[("measuring-influence", 5), ("youtube", 3)],
        &["tiktok"],
        None,
    ),
    person(
        "Anna Lehtonen",
        &[("tiktok", 5), ("instagram", 5)],
        &[],
        None,
    ),
    person(
        "Kari Lehtinen",
        &[("linkedin", 4), ("content-that-travels", 4)],
        &[],
        None,
    ),
    // Learners and everyone else.
    person(
        "Tiina Saarinen",
        &[("facebook", 3)],
        &["instagram", "visual-content"],
        None,
    ),
    person("Jari Salminen", &[("x", 2)], &["measuring-influence"], None),
    person(
        "Minna Heinonen",
        &[("whatsapp", 4)],
        &["community-engagement"],
        None,
    ),
    person(
        "Antti Niemi",
        &[("youtube", 2)],
        &["tiktok", "short-posts"],
        None,
    ),
    person("Satu Heikkilä", &[("instagram", 3)], &["branding"], None),
    person(
        "Jukka Kinnunen",
        &[("facebook", 2)],
        &["safety-policy"],
        None,
    ),
    person(
        "Päivi Salonen",
        &[("linkedin", 2)],
        &["linkedin", "content-that-travels"],
        None,
    ),
    person("Ville Turunen", &[("tiktok", 2)], &["visual-content"], None),
    person(
        "Hanna Salo",
        &[("short-posts", 3)],
        &["measuring-influence"],
        None,
    ),
    person(
        "Markku Laitinen",
        &[("facebook", 3), ("whatsapp", 3)],
        &["social-customer-service"],
        None,
    ),
    person("Elina Tuominen", &[("instagram", 2)], &["instagram"], None),
    person(
        "Sami Rantanen",
        &[("x", 3)],
        &["x", "community-engagement"],
        None,
    ),
    person("Katja Karjalainen", &[("branding", 3)], &["youtube"], None),
    person(
        "Tuomas Jokinen",
        &[("youtube", 3)],
        &["measuring-influence", "youtube"],
        None,
    ),
    person(
        "Riikka Mattila",
        &[("facebook", 4)],
        &["safety-policy"],
        None,
    ),
    person(
        "Petri Savolainen",
        &[("linkedin", 3)],
        &["short-posts"],
        None,
    ),
    person(
        "Heidi Lahtinen",
        &[("community-engagement", 2)],
        &["facebook"],
        None,
    ),
    person("Janne Ahonen", &[("whatsapp", 2)], &["tiktok"], None),
    person(
        "Marjo Hiltunen",
        &[("content-that-travels", 2)],
        &["content-that-travels"],
        None,
    ),
    person(
        "Teemu Miettinen",
        &[("visual-content", 2)],
        &["visual-content"],
        None,
    ),
    person("Outi Leinonen", &[("short-posts", 2)], &["linkedin"], None),
    person(
        "Lauri Hirvonen",
        &[("social-customer-service", 3)],
        &["social-customer-service"],
        None,
    ),
    person(
        "Kirsi Pitkänen",
        &[("facebook", 2)],
        &["measuring-influence"],
        None,
    ),
    person("Ari Räsänen", &[("x", 2)], &["branding"], None),
    person(
        "Noora Kallio",
        &[("instagram", 3), ("tiktok", 2)],
        &["tiktok"],
        None,
    ),
    person(
        "Olli Manninen",
        &[("linkedin", 2)],
        &["measuring-influence", "linkedin"],
        None,
    ),
    person(
        "Eveliina Karvonen",
        &[("youtube", 2)],
        &["short-posts"],
        None,
    ),
    person(
        "Henri Toivonen",
        &[("community-engagement", 3)],
        &["community-engagement"],
        None,
    ),
];

/// Fills an empty database with the demo organisation.
pub async fn seed(state: &AppState) -> AppResult<Demo> {
    if organisation::Entity::find().count(&state.db).await? > 0 {
        return Err(AppError::Conflict(
            "the database already has data; the demo fills only an empty database".into(),
        ));
    }
    let skills = catalogue(state).await?;
    let skill = |key: &str| {
        skills
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, id)| *id)
            .ok_or_else(|| AppError::internal(format!("skill {key} is not in the catalogue")))
    };

    // The admin signs up; everyone else is invited and accepts.
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
            expertise::set_level(state, actor, skill(key)?, *level).await?;
        }
        let goals = person
            .goals
            .iter()
            .map(|key| skill(key))
            .collect::<AppResult<Vec<_>>>()?;
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

    // Open mentoring requests: the learner's, and a few colleagues'.
    let asks: [(usize, &[&str], &str); 5] = [
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
    for (who, keys, message) in asks {
        let ids = keys
            .iter()
            .map(|key| skill(key))
            .collect::<AppResult<Vec<_>>>()?;
        if let Some(actor) = actors.get(who) {
            mentoring::request(state, actor, &ids, message).await?;
        }
    }

    // Clinics, one to two weeks ahead, on fixed days after today (so the
    // board reads the same whichever weekday the demo starts), Helsinki time.
    let now = state.clock.now();
    let weekly = schedule(
        state,
        &admin,
        &actors,
        ClinicPlan {
            title: "Vaikuttavuuden mittaaminen somessa",
            description: "Weekly presence clinic on measuring social-media influence: bring a post, \
                          we read its numbers together and decide what to measure next.",
            facilitator: 1,
            starts: days_ahead(now, 10, 10)?,
            capacity: 6,
            skills: &["measuring-influence"],
            weeks: Some(8),
            location: Some("Kaupungintalo, neuvotteluhuone Saimaa"),
        },
        &skill,
    )
    .await?;
    let mut clinic_count = weekly.len();
    for plan in [
        ClinicPlan {
            title: "LinkedIn-profiili kuntoon",
            description: "One hour to make your professional profile say what you do for residents.",
            facilitator: 6,
            starts: days_ahead(now, 8, 13)?,
            capacity: 10,
            skills: &["linkedin"],
            weeks: None,
            location: None,
        },
        ClinicPlan {
            title: "Lyhyet videot: TikTok ja Reels",
            description: "Film, cut and caption a 30-second video with your phone.",
            facilitator: 3,
            starts: days_ahead(now, 9, 14)?,
            capacity: 8,
            skills: &["tiktok", "visual-content"],
            weeks: None,
            location: Some("Kirjasto, mediapaja"),
        },
        ClinicPlan {
            title: "Kun somessa kuohuu",
            description: "What to do when a post draws a storm: roles, first replies, and when to stop.",
            facilitator: 7,
            starts: days_ahead(now, 7, 9)?,
            capacity: 12,
            skills: &["safety-policy", "social-customer-service"],
            weeks: None,
            location: None,
        },
    ] {
        clinic_count += schedule(state, &admin, &actors, plan, &skill).await?.len();
    }

    // The first weekly clinic fills up and gets a waitlist; the learner is on it.
    if let Some(first) = weekly.first() {
        for who in [12, 13, 14, 16, 18, 20, 2, 22, 24] {
            if let Some(actor) = actors.get(who) {
                registrations::register(state, actor, first.id).await?;
            }
        }
    }

    // Two published courses with lessons; a few enrolments, some progress.
    let mut course_count = 0;
    for plan in COURSES {
        let ids = plan
            .skills
            .iter()
            .map(|key| skill(key))
            .collect::<AppResult<Vec<_>>>()?;
        let course = courses::create(
            state,
            &admin,
            CourseInput {
                title: Some(plan.title.into()),
                summary: Some(plan.summary.into()),
                skill_ids: Some(ids),
                capacity: Some(plan.capacity),
            },
        )
        .await?;
        let mut first_lesson = None;
        for (lesson_title, body, minutes) in plan.lessons {
            let lesson = lessons::add_lesson(
                state,
                &admin,
                course.id,
                LessonInput {
                    title: Some((*lesson_title).into()),
                    body: Some((*body).into()),
                    estimated_minutes: Some(*minutes),
                },
            )
            .await?;
            first_lesson.get_or_insert(lesson.id);
        }
        courses::transition(state, &admin, course.id, entity::CourseStatus::Published).await?;
        for who in [2, 12, 15, 17] {
            if let Some(actor) = actors.get(who) {
                enrolments::enrol(state, actor, course.id).await?;
            }
        }
        if let (Some(lesson), Some(learner)) = (first_lesson, actors.get(2)) {
            enrolments::complete_lesson(state, learner, lesson).await?;
        }
        course_count += 1;
    }

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
        clinics: clinic_count,
        courses: course_count,
        open_requests: asks.len(),
    })
}

/// A published course and its lessons (title, body, minutes).
struct CoursePlan {
    title: &'static str,
    summary: &'static str,
    skills: &'static [&'static str],
    capacity: Option<i32>,
    lessons: &'static [(&'static str, &'static str, i32)],
}

const COURSES: &[CoursePlan] = &[
    CoursePlan {
        title: "Some työssä: perusteet",
        summary: "What to post for the town, how often, and how to answer residents. Three short lessons.",
        skills: &["short-posts", "community-engagement"],
        capacity: None,
        lessons: &[
            (
                "Kenelle kirjoitamme?",
                "Pick one resident you write for, and write to them.",
                15,
            ),
            (
                "Lyhyt on parempi",
                "Cut every post to the one thing a reader should do.",
                20,
            ),
            (
                "Vastaaminen",
                "Answer within a working day, in plain language, and sign with your name.",
                15,
            ),
        ],
    },
    CoursePlan {
        title: "Vaikuttavuus ja mittarit",
        summary: "From likes to outcomes: choose measures that tell whether a post helped anyone.",
        skills: &["measuring-influence"],
        capacity: Some(20),
        lessons: &[
            (
                "Mitä haluamme muuttaa?",
                "Start from the change you want, not from the numbers you have.",
                20,
            ),
            (
                "Kolme mittaria",
                "Reach, action and outcome, and where each one lives.",
                25,
            ),
            (
                "Kuukausiraportti",
                "One page, three numbers, one decision.",
                20,
            ),
        ],
    },
];

struct ClinicPlan {
    title: &'static str,
    description: &'static str,
    /// Index into [`PEOPLE`].
    facilitator: usize,
    starts: DateTime<Utc>,
    capacity: i32,
    skills: &'static [&'static str],
    weeks: Option<u32>,
    location: Option<&'static str>,
}

async fn schedule(
    state: &AppState,
    admin: &Actor,
    actors: &[Actor],
    plan: ClinicPlan,
    skill: &impl Fn(&str) -> AppResult<i64>,
) -> AppResult<Vec<entity::clinic::Model>> {
    let facilitator = actors
        .get(plan.facilitator)
        .ok_or_else(|| AppError::internal("no such demo facilitator"))?;
    clinics::schedule(
        state,
        admin,
        clinics::Schedule {
            title: plan.title.into(),
            description: plan.description.into(),
            facilitator_id: facilitator.user_id,
            starts_at: plan.starts,
            ends_at: plan.starts + Duration::hours(1),
            timezone: TIMEZONE.into(),
            capacity: plan.capacity,
            location: plan.location.map(Into::into),
            online_url: None,
            skill_ids: plan
                .skills
                .iter()
                .map(|key| skill(key))
                .collect::<AppResult<Vec<_>>>()?,
            recurrence: plan.weeks.map(Weekly::Count),
        },
    )
    .await
}

/// The skill catalogue's keys and ids.
async fn catalogue(state: &AppState) -> AppResult<Vec<(String, i64)>> {
    Ok(skill::Entity::find()
        .filter(skill::Column::OrganisationId.is_null())
        .all(&state.db)
        .await?
        .into_iter()
        .map(|s| (s.key, s.id))
        .collect())
}

/// `etunimi.sukunimi@kuusisto.example`, without Finnish letters.
fn email(name: &str) -> String {
    let ascii: String = name
        .to_lowercase()
        .chars()
        .map(|c| match c {
            'ä' | 'å' => 'a',
            'ö' => 'o',
            ' ' => '.',
            other => other,
        })
        .collect();
    format!("{ascii}@kuusisto.example")
}

/// `hour`:00 Helsinki time, `days` days after today's Helsinki date.
fn days_ahead(now: DateTime<Utc>, days: i64, hour: u32) -> AppResult<DateTime<Utc>> {
    let zone: chrono_tz::Tz = TIMEZONE
        .parse()
        .map_err(|_| AppError::internal("unknown demo time zone"))?;
    let day = now.with_timezone(&zone).date_naive() + Duration::days(days);
    let time = NaiveTime::from_hms_opt(hour, 0, 0)
        .ok_or_else(|| AppError::internal("invalid demo hour"))?;
    zone.from_local_datetime(&day.and_time(time))
        .earliest()
        .map(|local| local.with_timezone(&Utc))
        .ok_or_else(|| AppError::internal("the demo time does not exist"))
}

#[cfg(test)]
mod tests;
