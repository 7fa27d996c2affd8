//! Every mail is written from two layouts (`api/templates/mail/mail.txt` and
//! `mail.html`, minijinja; the HTML one escapes what it is given) and one
//! catalogue per language (`fi.json`, `sv.json`, `en.json`) whose strings
//! are small templates themselves, filled with the mail's values.

use std::collections::{BTreeMap, HashMap};

use minijinja::{Environment, context};
use serde::Deserialize;

use crate::domain::mail::{Locale, MailKind};
use crate::domain::notifications::Kind;

/// A mail written out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// Why the recipient gets the mail (its footer).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Why {
    /// A notification kind they chose.
    Member,
    /// Their account (a reset, a reminder of a clinic they registered for).
    Account,
    /// Someone invited their address.
    Invitation,
}

impl Why {
    fn key(self) -> &'static str {
        match self {
            Why::Member => "member",
            Why::Account => "account",
            Why::Invitation => "invitation",
        }
    }
}

/// What one mail says: its values (filled into the catalogue's strings),
/// the recipient's name, the link its button opens.
#[derive(Debug, Clone)]
pub struct Values {
    pub name: Option<String>,
    pub fields: BTreeMap<&'static str, String>,
    pub link: String,
    pub why: Why,
}

#[derive(Debug, Deserialize)]
struct Catalogue {
    greeting: String,
    footer: String,
    why: HashMap<String, String>,
    mails: HashMap<String, Entry>,
}

#[derive(Debug, Deserialize)]
struct Entry {
    subject: String,
    lines: Vec<String>,
    action: String,
}

/// The layouts and every language's catalogue, checked when loaded.
pub struct Templates {
    env: Environment<'static>,
    catalogues: HashMap<Locale, Catalogue>,
}

impl std::fmt::Debug for Templates {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Templates").finish_non_exhaustive()
    }
}

/// Every kind of mail there is.
pub fn every_kind() -> impl Iterator<Item = MailKind> {
    [
        MailKind::Invitation,
        MailKind::PasswordReset,
        MailKind::ClinicReminder,
    ]
    .into_iter()
    .chain(Kind::ALL.into_iter().map(MailKind::Notification))
}

impl Templates {
    /// Loads the built-in layouts and catalogues; an error names what is
    /// missing or malformed.
    pub fn load() -> Result<Self, String> {
        let mut env = Environment::new();
        env.add_template("mail.txt", include_str!("../../templates/mail/mail.txt"))
            .map_err(|e| format!("mail.txt: {e}"))?;
        env.add_template("mail.html", include_str!("../../templates/mail/mail.html"))
            .map_err(|e| format!("mail.html: {e}"))?;
        let mut catalogues = HashMap::new();
        for (locale, source) in [
            (Locale::Fi, include_str!("../../templates/mail/fi.json")),
            (Locale::Sv, include_str!("../../templates/mail/sv.json")),
            (Locale::En, include_str!("../../templates/mail/en.json")),
        ] {
            let catalogue: Catalogue =
                serde_json::from_str(source).map_err(|e| format!("{}.json: {e}", locale.code()))?;
            for kind in every_kind() {
                if !catalogue.mails.contains_key(kind.as_str()) {
                    return Err(format!(
                        "{}.json has no mail {}",
                        locale.code(),
                        kind.as_str()
                    ));
                }
            }
            for why in [Why::Member, Why::Account, Why::Invitation] {
                if !catalogue.why.contains_key(why.key()) {
                    return Err(format!("{}.json has no why.{}", locale.code(), why.key()));
                }
            }
            catalogues.insert(locale, catalogue);
        }
        Ok(Self { env, catalogues })
    }

    /// Writes one mail in `locale`.
    pub fn render(
        &self,
        locale: Locale,
        kind: MailKind,
        values: &Values,
    ) -> Result<Rendered, String> {
        let catalogue = self
            .catalogues
            .get(&locale)
            .ok_or_else(|| format!("no catalogue for {}", locale.code()))?;
        let entry = catalogue
            .mails
            .get(kind.as_str())
            .ok_or_else(|| format!("no mail {} in {}", kind.as_str(), locale.code()))?;
        let mut fields: BTreeMap<&str, String> = values.fields.clone();
        fields.insert("name", values.name.clone().unwrap_or_default());
        let fill = |source: &str| -> Result<String, String> {
            self.env
                .render_str(source, &fields)
                .map(|s| s.trim().to_owned())
                .map_err(|e| format!("{} in {}: {e}", kind.as_str(), locale.code()))
        };
        let subject = fill(&entry.subject)?;
        let mut lines = Vec::with_capacity(entry.lines.len());
        for line in &entry.lines {
            let line = fill(line)?;
            if !line.is_empty() {
                lines.push(line);
            }
        }
        let why = catalogue
            .why
            .get(values.why.key())
            .cloned()
            .unwrap_or_default();
        let footer = self
            .env
            .render_str(&catalogue.footer, context! { why })
            .map_err(|e| e.to_string())?;
        let page = context! {
            lang => locale.code(),
            subject => &subject,
            greeting => fill(&catalogue.greeting)?,
            lines => lines,
            action => context! { label => fill(&entry.action)?, url => &values.link, href => link(&values.link) },
            footer => footer,
        };
        let text = self
            .env
            .get_template("mail.txt")
            .and_then(|t| t.render(&page))
            .map_err(|e| e.to_string())?;
        let html = self
            .env
            .get_template("mail.html")
            .and_then(|t| t.render(&page))
            .map_err(|e| e.to_string())?;
        Ok(Rendered {
            subject,
            text,
            html,
        })
    }
}

/// A link as it may stand in both parts: marked safe for HTML once `&`,
/// quotes and angle brackets are escaped (minijinja's own escaping would
/// also write `/` as `&#x2f;`, which some mail clients show as is).
fn link(url: &str) -> minijinja::Value {
    let mut escaped = String::with_capacity(url.len());
    for c in url.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            c => escaped.push(c),
        }
    }
    minijinja::Value::from_safe_string(escaped)
}

#[cfg(test)]
mod tests;
