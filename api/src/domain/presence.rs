//! Presence: the figures a member records of their own social-media
//! channels, and everything derived from them. Every derived figure is
//! defined here, as the schema's descriptions say:
//!
//! - a snapshot's **engagement rate** = (reactions + comments + shares) /
//!   (posts × followers); none when posts or followers is 0;
//! - a channel's **growth** over [from, to] reads the snapshots taken in
//!   it: `followersStart` and `followersEnd` are the followers of the first
//!   and the last; `posts` and `interactions` sum the snapshots after the
//!   first (each counts the time since the one before); `followerGrowth` =
//!   (end − start) / start (none when start is 0); `averageEngagementRate` =
//!   those interactions / Σ(posts × followers) over the same snapshots
//!   (none when that is 0). Growth over a range therefore composes from its
//!   halves when they share the snapshot at the middle.
//! - a platform's **report** sums its contributors' channels (`followers…`,
//!   `posts`, `interactions`; growth from those sums) and takes the median
//!   of their channels' average engagement rates; with fewer than
//!   [`MIN_CONTRIBUTORS`] members every figure is withheld.

use chrono::NaiveDate;

use crate::error::AppError;

/// Members a platform's figures must come from before any is shown.
pub const MIN_CONTRIBUTORS: usize = 5;
/// The largest count a snapshot takes.
pub const MAX_COUNT: i64 = 1_000_000_000;
/// Rows one import takes at most.
pub const MAX_IMPORT_ROWS: usize = 5_000;
/// Bytes one import takes at most.
pub const MAX_IMPORT_BYTES: usize = 1024 * 1024;
/// The first day a snapshot may be of.
pub const EARLIEST: NaiveDate = match NaiveDate::from_ymd_opt(1990, 1, 1) {
    Some(day) => day,
    None => NaiveDate::MIN,
};

/// Checks a range of days: `from` on or before `to`, both in years 1 to 9999.
pub fn range(from: NaiveDate, to: NaiveDate) -> Result<(), AppError> {
    use chrono::Datelike;
    for (field, day) in [("from", from), ("to", to)] {
        if !(1..=9999).contains(&day.year()) {
            return Err(AppError::field(field, "a day of the years 1 to 9999"));
        }
    }
    if from > to {
        return Err(AppError::field("to", "to is on or after from"));
    }
    Ok(())
}

/// The header an import starts with.
pub const CSV_HEADER: &str = "date,followers,posts,reactions,comments,shares";

/// One day's figures of a channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Figures {
    pub taken_on: NaiveDate,
    pub followers: i64,
    pub posts: i64,
    pub reactions: i64,
    pub comments: i64,
    pub shares: i64,
}

impl Figures {
    /// Reactions, comments and shares.
    pub fn interactions(&self) -> i64 {
        self.reactions + self.comments + self.shares
    }

    /// The snapshot's engagement rate (see the module).
    pub fn engagement_rate(&self) -> Option<f64> {
        rate(
            self.interactions(),
            self.posts.saturating_mul(self.followers),
        )
    }

    /// Checks a day's figures: no day after `today`, every count 0 to
    /// [`MAX_COUNT`]. The error names the field.
    pub fn check(&self, today: NaiveDate) -> Result<(), AppError> {
        if self.taken_on > today {
            return Err(AppError::field(
                "takenOn",
                "a snapshot cannot be of a day to come",
            ));
        }
        if self.taken_on < EARLIEST {
            return Err(AppError::field("takenOn", "a snapshot is of 1990 or later"));
        }
        for (field, value) in [
            ("followers", self.followers),
            ("posts", self.posts),
            ("reactions", self.reactions),
            ("comments", self.comments),
            ("shares", self.shares),
        ] {
            if !(0..=MAX_COUNT).contains(&value) {
                return Err(AppError::field(
                    field,
                    "a count is between 0 and 1,000,000,000",
                ));
            }
        }
        Ok(())
    }
}

fn rate(numerator: i64, denominator: i64) -> Option<f64> {
    (denominator > 0).then(|| numerator as f64 / denominator as f64)
}

/// A channel's growth over a range (see the module).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Growth {
    pub followers_start: i64,
    pub followers_end: i64,
    pub posts: i64,
    pub interactions: i64,
    /// Σ(posts × followers) over the snapshots after the first.
    pub reach: f64,
}

impl Growth {
    /// The growth of `snapshots` (those taken in the range, any order);
    /// none when there are none.
    pub fn of(snapshots: &[Figures]) -> Option<Growth> {
        let mut sorted: Vec<&Figures> = snapshots.iter().collect();
        sorted.sort_by_key(|s| s.taken_on);
        let (first, rest) = sorted.split_first()?;
        let last = rest.last().unwrap_or(first);
        Some(Growth {
            followers_start: first.followers,
            followers_end: last.followers,
            posts: rest.iter().map(|s| s.posts).sum(),
            interactions: rest.iter().map(|s| s.interactions()).sum(),
            reach: rest
                .iter()
                .map(|s| s.posts as f64 * s.followers as f64)
                .sum(),
        })
    }

    /// (end − start) / start; none when start is 0.
    pub fn follower_growth(&self) -> Option<f64> {
        rate(
            self.followers_end - self.followers_start,
            self.followers_start,
        )
    }

    /// interactions / Σ(posts × followers); none when that is 0.
    pub fn average_engagement_rate(&self) -> Option<f64> {
        (self.reach > 0.0).then(|| self.interactions as f64 / self.reach)
    }
}

/// The median of `values` (the mean of the middle two for an even count);
/// none for none.
pub fn median(values: &mut [f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    Some(if values.len().is_multiple_of(2) {
        (values[mid - 1] + values[mid]) / 2.0
    } else {
        values[mid]
    })
}

/// One platform's figures in a report.
#[derive(Debug, Clone, PartialEq)]
pub struct PlatformFigures {
    pub contributors: usize,
    /// `None` when fewer than [`MIN_CONTRIBUTORS`] members contribute.
    pub figures: Option<Totals>,
}

/// The summed figures of a platform's contributing channels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Totals {
    pub followers_start: i64,
    pub followers_end: i64,
    pub posts: i64,
    pub interactions: i64,
    pub median_engagement_rate: Option<f64>,
}

impl Totals {
    /// (end − start) / start of the sums; none when start is 0.
    pub fn follower_growth(&self) -> Option<f64> {
        rate(
            self.followers_end - self.followers_start,
            self.followers_start,
        )
    }
}

/// A platform's report from its channels' growth, each with its member:
/// every figure over the same members, or none.
pub fn platform(channels: &[(i64, Growth)]) -> PlatformFigures {
    let mut members: Vec<i64> = channels.iter().map(|(member, _)| *member).collect();
    members.sort_unstable();
    members.dedup();
    if members.len() < MIN_CONTRIBUTORS {
        return PlatformFigures {
            contributors: members.len(),
            figures: None,
        };
    }
    let mut rates: Vec<f64> = channels
        .iter()
        .filter_map(|(_, g)| g.average_engagement_rate())
        .collect();
    PlatformFigures {
        contributors: members.len(),
        figures: Some(Totals {
            followers_start: channels.iter().map(|(_, g)| g.followers_start).sum(),
            followers_end: channels.iter().map(|(_, g)| g.followers_end).sum(),
            posts: channels.iter().map(|(_, g)| g.posts).sum(),
            interactions: channels.iter().map(|(_, g)| g.interactions).sum(),
            median_engagement_rate: median(&mut rates),
        }),
    }
}

/// An import's rows, or the first bad line (the header is line 1): all or
/// nothing. A date given twice keeps its later row.
pub fn parse_csv(text: &str, today: NaiveDate) -> Result<Vec<Figures>, AppError> {
    let bad = |line: usize, why: &str| AppError::field("csv", format!("line {line}: {why}"));
    if text.len() > MAX_IMPORT_BYTES {
        return Err(AppError::field("csv", "an import is at most 1 MiB"));
    }
    let mut lines = text.lines().enumerate().map(|(i, l)| (i + 1, l.trim()));
    match lines.next() {
        Some((_, header)) if header.trim_start_matches('\u{feff}') == CSV_HEADER => {}
        _ => return Err(bad(1, &format!("the header must be `{CSV_HEADER}`"))),
    }
    let mut rows: Vec<Figures> = Vec::new();
    let mut read = 0;
    for (line, text) in lines {
        if text.is_empty() {
            continue;
        }
        read += 1;
        if read > MAX_IMPORT_ROWS {
            return Err(bad(line, "an import is at most 5,000 rows"));
        }
        let cells: Vec<&str> = text.split(',').map(str::trim).collect();
        if cells.len() != 6 {
            return Err(bad(
                line,
                "a row has six values: date,followers,posts,reactions,comments,shares",
            ));
        }
        let taken_on = NaiveDate::parse_from_str(cells[0], "%Y-%m-%d")
            .map_err(|_| bad(line, "the date is YYYY-MM-DD"))?;
        let mut counts = [0_i64; 5];
        for (at, cell) in cells[1..].iter().enumerate() {
            counts[at] = cell
                .parse::<i64>()
                .map_err(|_| bad(line, "counts are whole numbers"))?;
        }
        let figures = Figures {
            taken_on,
            followers: counts[0],
            posts: counts[1],
            reactions: counts[2],
            comments: counts[3],
            shares: counts[4],
        };
        figures
            .check(today)
            .map_err(|err| bad(line, &err.to_string()))?;
        rows.retain(|r| r.taken_on != taken_on);
        rows.push(figures);
    }
    if rows.is_empty() {
        return Err(bad(2, "there are no rows after the header"));
    }
    Ok(rows)
}

#[cfg(test)]
mod tests;
