//! A year of presence: everyone at level 3 or more on a platform keeps an
//! ORGANISATION channel there, with a snapshot every week for a year,
//! imported as a member would paste their platform's export; one keeps a
//! PRIVATE channel too. Figures follow a fixed formula per person (steady
//! growth, a few posts a week), so every fresh demo shows the same numbers.

use chrono::Duration;
use std::fmt::Write as _;

use crate::auth::Actor;
use crate::context::AppState;
use crate::error::AppResult;
use crate::service::presence::{self, ChannelInput};

use super::Skills;
use super::people::PEOPLE;

/// Platform skills a channel may be on.
const PLATFORMS: [&str; 6] = [
    "linkedin",
    "facebook",
    "instagram",
    "tiktok",
    "youtube",
    "x",
];
/// Weekly snapshots per channel.
const WEEKS: i64 = 52;

/// Adds the channels and their year of snapshots; returns how many channels.
pub(super) async fn record(
    state: &AppState,
    actors: &[Actor],
    skills: &Skills,
) -> AppResult<usize> {
    let today = state.clock.now().date_naive();
    let mut channels = 0;
    for (index, (person, actor)) in PEOPLE.iter().zip(actors).enumerate() {
        let first = person
            .name
            .split(' ')
            .next()
            .unwrap_or("someone")
            .to_lowercase();
        for (key, level) in person.skills {
            if *level < 3 || !PLATFORMS.contains(key) {
                continue;
            }
            let Ok(platform) = skills.id(key) else {
                continue;
            };
            year(
                state,
                actor,
                platform,
                &format!("@{first}.kuusisto"),
                *level,
                index as i64 + 1,
            )
            .await?;
            channels += 1;
        }
    }
    // The demo learner is starting out on LinkedIn, and keeps one channel
    // to herself.
    if let (Some(learner), Ok(linkedin)) = (actors.get(2), skills.id("linkedin")) {
        year(state, learner, linkedin, "@liisa.makinen", 2, 3).await?;
        channels += 1;
    }
    if let (Some(learner), Ok(instagram)) = (actors.get(2), skills.id("instagram")) {
        let private = presence::add(
            state,
            learner,
            ChannelInput {
                platform_id: Some(instagram),
                handle: Some("@liisa.private".into()),
                url: None,
                visibility: Some(entity::Visibility::Private),
            },
        )
        .await?;
        let csv = format!(
            "{}\n{},140,3,25,4,1",
            crate::domain::presence::CSV_HEADER,
            today
        );
        presence::import(state, learner, private.id, &csv).await?;
        channels += 1;
    }
    Ok(channels)
}

/// An ORGANISATION channel with a year of weekly snapshots, its figures
/// from `level` and `seed`.
async fn year(
    state: &AppState,
    actor: &Actor,
    platform: i64,
    handle: &str,
    level: i32,
    seed: i64,
) -> AppResult<()> {
    let today = state.clock.now().date_naive();
    let channel = presence::add(
        state,
        actor,
        ChannelInput {
            platform_id: Some(platform),
            handle: Some(handle.to_owned()),
            url: None,
            visibility: Some(entity::Visibility::Organisation),
        },
    )
    .await?;
    let mut csv = String::from(crate::domain::presence::CSV_HEADER);
    let mut followers = 60 + 45 * i64::from(level) + 13 * (seed % 7);
    for week in 0..WEEKS {
        let day = today - Duration::weeks(WEEKS - 1 - week);
        // Between 0.5 % and 2.5 % a week, more for the more skilled.
        followers += followers * (5 + 5 * i64::from(level - 2).max(0) + seed % 5) / 1000;
        let posts = 1 + (seed + week) % 3;
        let reactions = posts * followers * (8 + seed % 6) / 1000;
        let _ = write!(
            csv,
            "\n{day},{followers},{posts},{reactions},{},{}",
            reactions / 8,
            reactions / 12
        );
    }
    presence::import(state, actor, channel.id, &csv).await?;
    Ok(())
}
