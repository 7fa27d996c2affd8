//! Mail rules: what kinds of mail there are, who chooses which notification
//! kinds reach them by e-mail, how long a reset link lives, and when a mail
//! that failed is tried again or given up on.

use chrono::{DateTime, Duration, Utc};

use super::notifications::Kind;

/// A member's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Locale {
    Fi,
    Sv,
    En,
}

impl Locale {
    /// Every language, in the order the catalogues are checked.
    pub const ALL: [Locale; 3] = [Locale::Fi, Locale::Sv, Locale::En];

    /// The catalogue's name (`fi`, `sv`, `en`).
    pub fn code(self) -> &'static str {
        match self {
            Locale::Fi => "fi",
            Locale::Sv => "sv",
            Locale::En => "en",
        }
    }
}

/// What a mail is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MailKind {
    /// An invitation to join, with its accept link.
    Invitation,
    /// A password-reset link.
    PasswordReset,
    /// A clinic starts within a day.
    ClinicReminder,
    /// A notification the member chose to get by e-mail too.
    Notification(Kind),
}

impl MailKind {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            MailKind::Invitation => "invitation",
            MailKind::PasswordReset => "password-reset",
            MailKind::ClinicReminder => "clinic-reminder",
            MailKind::Notification(kind) => kind.as_str(),
        }
    }

    /// The kind stored under `name`, if this version knows it.
    pub fn parse(name: &str) -> Option<MailKind> {
        match name {
            "invitation" => Some(MailKind::Invitation),
            "password-reset" => Some(MailKind::PasswordReset),
            "clinic-reminder" => Some(MailKind::ClinicReminder),
            other => match Kind::parse(other) {
                Kind::Other => None,
                kind => Some(MailKind::Notification(kind)),
            },
        }
    }
}

/// The notification kinds mailed to a member who has not chosen.
pub const DEFAULT_EMAIL_KINDS: [Kind; 10] = [
    Kind::WaitlistPromoted,
    Kind::ClinicCancelled,
    Kind::ClinicMoved,
    Kind::PairingProposed,
    Kind::PairingAccepted,
    Kind::PairingDeclined,
    Kind::PairingCancelled,
    Kind::PlanGoalDecided,
    Kind::ClinicQuestionAsked,
    Kind::ClinicReminder,
];

/// The kinds a member chose, from their stored form (unknown names are
/// skipped: a newer server may know more), in [`Kind::ALL`]'s order.
pub fn email_kinds(stored: &str) -> Vec<Kind> {
    let named: Vec<&str> = stored.split(',').map(str::trim).collect();
    Kind::ALL
        .into_iter()
        .filter(|kind| named.contains(&kind.as_str()))
        .collect()
}

/// The stored form of a choice of kinds (each once, in [`Kind::ALL`]'s order).
pub fn store_email_kinds(kinds: &[Kind]) -> String {
    Kind::ALL
        .into_iter()
        .filter(|kind| kinds.contains(kind))
        .map(Kind::as_str)
        .collect::<Vec<_>>()
        .join(",")
}

/// Whether a member who chose `stored` gets `kind` by e-mail.
pub fn wants(stored: &str, kind: Kind) -> bool {
    stored.split(',').any(|name| name.trim() == kind.as_str())
}

/// How long a password-reset link works.
pub const RESET_TTL: Duration = Duration::hours(1);
/// How long a worker holds a claimed mail before another may take it.
pub const CLAIM_FOR: Duration = Duration::minutes(2);
/// How long a mail is retried before it is marked failed.
pub const GIVE_UP_AFTER: Duration = Duration::hours(24);
/// The first retry's delay; each later one doubles, up to [`LONGEST_DELAY`].
pub const FIRST_DELAY: Duration = Duration::seconds(30);
/// The longest delay between two attempts.
pub const LONGEST_DELAY: Duration = Duration::hours(1);
/// How long before a clinic its confirmed registrants are reminded.
pub const REMINDER_BEFORE: Duration = Duration::hours(24);

/// When a mail written at `created` whose `attempts`-th attempt just failed
/// at `now` is tried next, or `None` when it is given up on.
pub fn retry_at(
    created: DateTime<Utc>,
    attempts: i32,
    now: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    let doublings = attempts.saturating_sub(1).clamp(0, 20) as u32;
    let delay = FIRST_DELAY
        .checked_mul(2_i32.saturating_pow(doublings))
        .unwrap_or(LONGEST_DELAY)
        .min(LONGEST_DELAY);
    let next = now + delay;
    (next <= created + GIVE_UP_AFTER).then_some(next)
}

/// `at` as a reader in `locale` expects it, in the time zone `zone` (an
/// IANA name; UTC when it is not one), with the zone's abbreviation.
pub fn local_time(at: DateTime<Utc>, zone: &str, locale: Locale) -> String {
    let zone: chrono_tz::Tz = zone.parse().unwrap_or(chrono_tz::UTC);
    let local = at.with_timezone(&zone);
    let pattern = match locale {
        Locale::Fi => "%-d.%-m.%Y klo %H.%M %Z",
        Locale::Sv => "%-d.%-m.%Y kl. %H.%M %Z",
        Locale::En => "%-d %B %Y at %H:%M %Z",
    };
    local.format(pattern).to_string()
}

#[cfg(test)]
mod tests;
