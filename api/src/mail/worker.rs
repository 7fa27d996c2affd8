//! The mail worker: every instance runs one. It queues clinic reminders as
//! they fall due, claims due mails from the outbox, writes each in its
//! recipient's language, sends it, and records how that went. A mail queued
//! through any instance wakes it at once; otherwise it looks every
//! `VOIMAVARA_MAIL_POLL_MS`. Stopping finishes the mail in hand and hands
//! back the rest of its batch.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use entity::{MailStatus, outbox};
use tokio::sync::watch;
use tokio::task::JoinHandle;

use super::templates::{Templates, Values, Why};
use super::transport::{SendError, Transport};
use crate::context::{AppState, State};
use crate::domain::mail::{Locale, MailKind, local_time};
use crate::domain::notifications::Kind;
use crate::graphql::ids;
use crate::service::outbox::{self as queue, Outcome, Ready};

/// Mails claimed at once.
const BATCH: u64 = 20;
/// How long stopping waits for the mail in hand.
const STOP_WAIT: Duration = Duration::from_secs(30);

/// What writes and sends a mail.
struct Mailer {
    templates: Templates,
    transport: Transport,
    from: String,
    app_url: String,
}

/// The running worker.
#[derive(Debug)]
pub struct Worker {
    stop: watch::Sender<bool>,
    task: JoinHandle<()>,
}

impl Worker {
    /// Starts the worker; an error says what is wrong with the mail settings.
    pub fn start(state: State) -> Result<Self, String> {
        let settings = &state.settings.mail;
        let mailer = Mailer {
            templates: Templates::load()?,
            transport: Transport::from_settings(settings)?,
            from: settings.mail_from.clone(),
            app_url: state.app_url(),
        };
        let app_url = url::Url::parse(&mailer.app_url)
            .map_err(|_| format!("VOIMAVARA_APP_URL `{}` is not a URL", mailer.app_url))?;
        if !matches!(app_url.scheme(), "http" | "https") {
            return Err("VOIMAVARA_APP_URL must be an http:// or https:// URL".into());
        }
        if let Transport::Log = mailer.transport {
            tracing::info!("no VOIMAVARA_SMTP_URL: mails are written to the log");
        }
        let (stop, stopping) = watch::channel(false);
        let task = tokio::spawn(run(state, Arc::new(mailer), stopping));
        Ok(Self { stop, task })
    }

    /// Stops: the mail in hand is finished, the rest of the batch handed back.
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        if tokio::time::timeout(STOP_WAIT, self.task).await.is_err() {
            tracing::warn!("the mail worker did not stop in time");
        }
    }
}

async fn run(state: State, mailer: Arc<Mailer>, mut stopping: watch::Receiver<bool>) {
    let wake = state.events.mail_queued();
    let poll = Duration::from_millis(state.settings.mail.mail_poll_ms.max(10));
    let mut reminders_due = tokio::time::Instant::now();
    loop {
        if *stopping.borrow() {
            return;
        }
        if tokio::time::Instant::now() >= reminders_due {
            reminders_due = tokio::time::Instant::now() + poll;
            due_work(&state).await;
        }
        let batch = match queue::claim(&state, BATCH).await {
            Ok(batch) => batch,
            Err(err) => {
                tracing::warn!(error = %err, "could not claim mail");
                Vec::new()
            }
        };
        let full = batch.len() as u64 == BATCH;
        for mail in &batch {
            let outcome = if *stopping.borrow() {
                Outcome::Released
            } else {
                mailer.deliver(&state, mail).await
            };
            record(&state, mail, &outcome).await;
        }
        if full {
            continue;
        }
        tokio::select! {
            _ = wake.notified() => {}
            _ = tokio::time::sleep(poll) => {}
            _ = stopping.changed() => {}
        }
    }
}

/// What falls due with time, checked on every poll: clinic reminders, and
/// the outcome of accepted plan goals.
async fn due_work(state: &AppState) {
    let now = state.clock.now();
    match crate::service::notifications::remind(state, now).await {
        Ok(0) => {}
        Ok(written) => tracing::info!(written, "clinic reminders written"),
        Err(err) => tracing::warn!(error = %err, "could not write clinic reminders"),
    }
    match crate::service::plan::settle_due(state).await {
        Ok(0) => {}
        Ok(settled) => tracing::info!(settled, "plan goals settled"),
        Err(err) => tracing::warn!(error = %err, "could not settle plan goals"),
    }
}

async fn record(state: &AppState, mail: &outbox::Model, outcome: &Outcome) {
    match queue::finish(state, mail, outcome).await {
        Ok(status) => {
            let label = match (status, outcome) {
                (_, Outcome::Released) => "released",
                (MailStatus::Sent, _) => "sent",
                (MailStatus::Pending, _) => "retry",
                (MailStatus::Dropped, _) => "dropped",
                _ => "failed",
            };
            state.metrics.mail(label);
            match outcome {
                Outcome::Failed(error) | Outcome::Refused(error) => tracing::warn!(
                    mail = mail.id, kind = %mail.kind, attempts = mail.attempts, outcome = label,
                    error = %error, "mail not sent"
                ),
                Outcome::Dropped(reason) => tracing::info!(
                    mail = mail.id, kind = %mail.kind, reason = %reason, "mail dropped"
                ),
                _ => tracing::info!(mail = mail.id, kind = %mail.kind, outcome = label, "mail"),
            }
        }
        Err(err) => {
            tracing::warn!(mail = mail.id, error = %err, "could not record a mail's outcome")
        }
    }
}

impl Mailer {
    async fn deliver(&self, state: &AppState, mail: &outbox::Model) -> Outcome {
        let ready = match queue::prepare(state, mail).await {
            Ok(Ok(ready)) => ready,
            Ok(Err(reason)) => return Outcome::Dropped(reason),
            Err(err) => return Outcome::Failed(err.to_string()),
        };
        let locale = queue::locale_of(mail.locale);
        let (kind, values) = self.values(ready, locale);
        let rendered = match self.templates.render(locale, kind, &values) {
            Ok(rendered) => rendered,
            Err(err) => return Outcome::Refused(format!("template: {err}")),
        };
        match self
            .transport
            .send(&self.from, &mail.recipient, &rendered)
            .await
        {
            Ok(()) => Outcome::Sent,
            Err(SendError::Permanent(err)) => Outcome::Refused(err),
            Err(SendError::Transient(err)) => Outcome::Failed(err),
        }
    }

    /// The kind and values of a ready mail.
    fn values(&self, ready: Ready, locale: Locale) -> (MailKind, Values) {
        let app = &self.app_url;
        let mut fields = BTreeMap::new();
        let utc = |at: chrono::DateTime<chrono::Utc>| local_time(at, "UTC", locale);
        match ready {
            Ready::Invitation {
                organisation,
                inviter,
                token,
                expires_at,
            } => {
                fields.insert("organisation", organisation);
                if let Some(inviter) = inviter {
                    fields.insert("inviter", inviter);
                }
                fields.insert("expires", utc(expires_at));
                (
                    MailKind::Invitation,
                    Values {
                        name: None,
                        fields,
                        link: format!("{app}/invitation?token={token}"),
                        why: Why::Invitation,
                    },
                )
            }
            Ready::PasswordReset {
                name,
                token,
                expires_at,
            } => {
                fields.insert("expires", utc(expires_at));
                (
                    MailKind::PasswordReset,
                    Values {
                        name: Some(name),
                        fields,
                        link: format!("{app}/reset-password?token={token}"),
                        why: Why::Account,
                    },
                )
            }
            Ready::ClinicReminder { name, clinic } => {
                fields.insert("title", clinic.title.clone());
                fields.insert(
                    "when",
                    local_time(clinic.starts_at, &clinic.timezone, locale),
                );
                if let Some(place) = clinic.location.clone().or(clinic.online_url.clone()) {
                    fields.insert("place", place);
                }
                (
                    MailKind::ClinicReminder,
                    Values {
                        name: Some(name),
                        fields,
                        link: self.clinic_link(clinic.id),
                        why: Why::Account,
                    },
                )
            }
            Ready::Notification {
                name,
                kind,
                message,
                clinic,
                title,
            } => {
                let link = match (&clinic, kind) {
                    (Some(clinic), _) => self.clinic_link(clinic.id),
                    (
                        None,
                        Kind::PairingProposed
                        | Kind::PairingAccepted
                        | Kind::PairingDeclined
                        | Kind::PairingCancelled
                        | Kind::PairingCompleted
                        | Kind::FeedbackReceived,
                    ) => format!("{app}/mentoring"),
                    (None, Kind::PlanGoalDecided | Kind::PlanGoalCommented) => {
                        format!("{app}/plan")
                    }
                    _ => format!("{app}/"),
                };
                if let Some(clinic) = clinic {
                    fields.insert("title", clinic.title.clone());
                    fields.insert(
                        "when",
                        local_time(clinic.starts_at, &clinic.timezone, locale),
                    );
                } else if let Some(title) = title {
                    fields.insert("title", title);
                }
                fields.insert("message", message);
                (
                    MailKind::Notification(kind),
                    Values {
                        name: Some(name),
                        fields,
                        link,
                        why: Why::Member,
                    },
                )
            }
        }
    }

    fn clinic_link(&self, clinic_id: i64) -> String {
        format!(
            "{}/clinics/{}",
            self.app_url,
            ids::encode(ids::Kind::Clinic, clinic_id).0
        )
    }
}
