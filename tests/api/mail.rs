//! Mail, end to end through a real SMTP server process (aiosmtpd, storing
//! what arrives in a maildir the tests read back): invitations, password
//! resets, promotions in the member's language, clinic reminders once,
//! retries while the relay is down, STARTTLS with a private CA, nothing to a
//! deactivated member, and each mail once across instances.

use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::Duration as Span;
use entity::{MailStatus, outbox};
use mailparse::MailHeaderMap;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;
use voimavara_api::Settings;
use voimavara_api::clock::Clock;

use crate::helpers::{
    INVITE, PASSWORD, ServerProcess, Session, TestApp, TestDb, error_code, postgres_or_skip,
    spawn_app_with,
};

/// An aiosmtpd process storing every mail it accepts in a maildir.
pub struct SmtpSink {
    pub port: u16,
    dir: tempfile::TempDir,
    /// Killed when the sink is dropped.
    _process: tokio::process::Child,
}

/// One mail that arrived.
#[derive(Debug, Clone)]
pub struct Arrived {
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
}

impl SmtpSink {
    /// Starts a sink on a free port (on `port` when given); with `tls`
    /// (certificate and key files) it offers STARTTLS and requires it.
    pub async fn start(port: Option<u16>, tls: Option<(&Path, &Path)>) -> SmtpSink {
        let port = port.unwrap_or_else(free_port);
        let dir = tempfile::tempdir().unwrap();
        let mut command = tokio::process::Command::new(smtp_python().await);
        command.args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{port}")]);
        if let Some((cert, key)) = tls {
            command.arg("--tlscert").arg(cert).arg("--tlskey").arg(key);
        }
        command
            .args(["-c", "aiosmtpd.handlers.Mailbox"])
            .arg(dir.path().join("maildir"))
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .kill_on_drop(true);
        let child = command
            .spawn()
            .expect("python3 -m aiosmtpd starts (pip install aiosmtpd)");
        let sink = SmtpSink {
            port,
            dir,
            _process: child,
        };
        let listening = tokio::time::timeout(Duration::from_secs(20), async {
            loop {
                if tokio::net::TcpStream::connect(("127.0.0.1", port))
                    .await
                    .is_ok()
                {
                    return;
                }
                tokio::task::yield_now().await;
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        })
        .await;
        assert!(listening.is_ok(), "aiosmtpd listens on {port}");
        sink
    }

    /// `smtp://127.0.0.1:<port>`.
    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    fn maildir(&self) -> PathBuf {
        self.dir.path().join("maildir")
    }

    /// Every mail that has arrived so far.
    pub fn arrived(&self) -> Vec<Arrived> {
        let mut out = Vec::new();
        for sub in ["new", "cur"] {
            let Ok(entries) = std::fs::read_dir(self.maildir().join(sub)) else {
                continue;
            };
            for entry in entries.flatten() {
                let bytes = std::fs::read(entry.path()).unwrap();
                out.push(parse(&bytes));
            }
        }
        out
    }

    /// Waits (up to 30 s) until `enough` holds for what has arrived.
    pub async fn wait_for(&self, what: &str, enough: impl Fn(&[Arrived]) -> bool) -> Vec<Arrived> {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
        loop {
            let arrived = self.arrived();
            if enough(&arrived) {
                return arrived;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "waited 30 s for {what}; arrived: {:#?}",
                arrived
                    .iter()
                    .map(|m| (&m.to, &m.subject))
                    .collect::<Vec<_>>()
            );
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }

    /// Waits for the first mail to `to` whose subject contains `subject`.
    pub async fn mail_to(&self, to: &str, subject: &str) -> Arrived {
        self.wait_for(&format!("a mail to {to} about {subject}"), |all| {
            all.iter()
                .any(|m| m.to.contains(to) && m.subject.contains(subject))
        })
        .await
        .into_iter()
        .find(|m| m.to.contains(to) && m.subject.contains(subject))
        .unwrap()
    }
}

/// A Python that has aiosmtpd: `VOIMAVARA_TEST_PYTHON` when set, else
/// `python3` when it has the package, else a virtual environment under the
/// target folder with aiosmtpd installed from PyPI (once per test run).
async fn smtp_python() -> PathBuf {
    static PYTHON: tokio::sync::OnceCell<PathBuf> = tokio::sync::OnceCell::const_new();
    PYTHON
        .get_or_init(|| async {
            if let Ok(python) = std::env::var("VOIMAVARA_TEST_PYTHON") {
                return PathBuf::from(python);
            }
            let has = |python: PathBuf| async move {
                tokio::process::Command::new(&python)
                    .args(["-c", "import aiosmtpd"])
                    .stderr(std::process::Stdio::null())
                    .status()
                    .await
                    .is_ok_and(|s| s.success())
                    .then_some(python)
            };
            if let Some(python) = has(PathBuf::from("python3")).await {
                return python;
            }
            let venv = Path::new(env!("CARGO_TARGET_TMPDIR")).join("smtp-venv");
            let python = venv.join("bin/python");
            if let Some(python) = has(python.clone()).await {
                return python;
            }
            let made = tokio::process::Command::new("python3")
                .args(["-m", "venv"])
                .arg(&venv)
                .status()
                .await
                .expect("python3 runs");
            assert!(made.success(), "python3 -m venv {}", venv.display());
            let installed = tokio::process::Command::new(&python)
                .args(["-m", "pip", "install", "-q", "aiosmtpd==1.4.6"])
                .status()
                .await
                .expect("pip runs");
            assert!(installed.success(), "pip install aiosmtpd");
            python
        })
        .await
        .clone()
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn parse(bytes: &[u8]) -> Arrived {
    let mail = mailparse::parse_mail(bytes).unwrap();
    let header = |name: &str| mail.headers.get_first_value(name).unwrap_or_default();
    let mut text = String::new();
    let mut html = String::new();
    for part in std::iter::once(&mail).chain(mail.subparts.iter()) {
        match part.ctype.mimetype.as_str() {
            "text/plain" => text = part.get_body().unwrap(),
            "text/html" => html = part.get_body().unwrap(),
            _ => {}
        }
    }
    Arrived {
        to: header("To"),
        subject: header("Subject"),
        text,
        html,
    }
}

/// The value of `token=` in the first link of `text` that has one.
fn token_in(text: &str) -> String {
    let start = text.find("token=").expect("a link with a token") + "token=".len();
    text[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect()
}

const APP_URL: &str = "https://app.example.fi";

fn mail_to(sink: &SmtpSink) -> impl FnOnce(&mut Settings) + '_ {
    move |settings: &mut Settings| {
        settings.mail.smtp_url = Some(voimavara_api::config::Secret::new(sink.url()));
        settings.mail.app_url = Some(APP_URL.into());
        settings.mail.mail_from = "Voimavara <voimavara@example.fi>".into();
        settings.mail.mail_poll_ms = 50;
    }
}

async fn statuses(app: &TestApp, kind: &str) -> Vec<(MailStatus, i32, Option<String>)> {
    outbox::Entity::find()
        .filter(outbox::Column::Kind.eq(kind))
        .all(&app.state.db)
        .await
        .unwrap()
        .into_iter()
        .map(|m| (m.status, m.attempts, m.last_error))
        .collect()
}

const ACCEPT: &str = "mutation($token: String!) { acceptInvitation(input: {token: $token,
    password: \"a long enough password\", displayName: \"Invited\"}) { user { email } } }";

#[tokio::test]
async fn an_invitation_mail_carries_the_link_that_accepts_it() {
    let sink = SmtpSink::start(None, None).await;
    let app = spawn_app_with(mail_to(&sink)).await;
    let admin = app.sign_up("Mail Org", "admin@mail.fi").await;
    let invited = app
        .gql(
            INVITE,
            json!({"email": "new@mail.fi", "role": "MEMBER"}),
            admin.token(),
        )
        .await;
    assert!(invited["errors"].is_null(), "{invited}");

    let mail = sink.mail_to("new@mail.fi", "Mail Org").await;
    // The organisation's default language is English.
    assert_eq!(mail.subject, "You are invited to Mail Org on Voimavara");
    assert!(
        mail.text.contains(&format!("{APP_URL}/invitation?token=")),
        "{}",
        mail.text
    );
    assert!(mail.html.contains("Accept the invitation"), "{}", mail.html);
    let token = token_in(&mail.text);
    assert_eq!(
        invited["data"]["inviteMember"]["token"], token,
        "the mailed token is the one the admin was shown"
    );
    let accepted = app.gql(ACCEPT, json!({"token": token}), None).await;
    assert_eq!(
        accepted["data"]["acceptInvitation"]["user"]["email"], "new@mail.fi",
        "{accepted}"
    );
    assert_eq!(
        statuses(&app, "invitation").await,
        [(MailStatus::Sent, 1, None)]
    );
    // The outbox never held the token.
    let rows = outbox::Entity::find().all(&app.state.db).await.unwrap();
    assert!(!format!("{rows:?}").contains(&token));
    let metrics = app.get_text("/metrics").await;
    assert!(
        metrics.contains("voimavara_mails_total{outcome=\"sent\"} 1"),
        "{metrics}"
    );
}

const REQUEST_RESET: &str = "mutation($email: String!) { requestPasswordReset(email: $email) }";
const RESET: &str = "mutation($token: String!, $password: String!) {
    resetPassword(input: {token: $token, newPassword: $password}) { accessToken user { email } } }";
const ME: &str = "{ me { email locale emailNotifications } }";

#[tokio::test]
async fn a_reset_link_works_once_and_ends_every_session() {
    let sink = SmtpSink::start(None, None).await;
    let app = spawn_app_with(mail_to(&sink)).await;
    let admin = app.sign_up("Reset Org", "admin@reset.fi").await;
    let member = app.add_member(&admin, "forgetful@reset.fi", "MEMBER").await;
    let other_session = login(&app, "forgetful@reset.fi", PASSWORD).await;

    for email in ["forgetful@reset.fi", "nobody@reset.fi"] {
        let asked = app.gql(REQUEST_RESET, json!({"email": email}), None).await;
        assert_eq!(asked["data"]["requestPasswordReset"], true, "{asked}");
    }
    let mail = sink.mail_to("forgetful@reset.fi", "password").await;
    assert!(
        mail.text
            .contains(&format!("{APP_URL}/reset-password?token=")),
        "{}",
        mail.text
    );
    let token = token_in(&mail.text);

    let new_password = "a brand new password";
    let reset = app
        .gql(
            RESET,
            json!({"token": token, "password": new_password}),
            None,
        )
        .await;
    assert_eq!(
        reset["data"]["resetPassword"]["user"]["email"], "forgetful@reset.fi",
        "{reset}"
    );
    let fresh = reset["data"]["resetPassword"]["accessToken"]
        .as_str()
        .unwrap();
    assert!(app.gql(ME, json!({}), Some(fresh)).await["errors"].is_null());
    for old in [&member, &other_session] {
        let refused = app.gql(ME, json!({}), old.token()).await;
        assert_eq!(error_code(&refused), Some("UNAUTHENTICATED"), "{refused}");
    }
    let again = app
        .gql(
            RESET,
            json!({"token": token, "password": "yet another password"}),
            None,
        )
        .await;
    assert_eq!(error_code(&again), Some("BAD_USER_INPUT"), "{again}");
    assert_eq!(again["errors"][0]["extensions"]["field"], "token");
    let old_password = app
        .gql(
            LOGIN,
            json!({"email": "forgetful@reset.fi", "password": PASSWORD}),
            None,
        )
        .await;
    assert!(old_password["errors"].is_array(), "{old_password}");
    login(&app, "forgetful@reset.fi", new_password).await;

    // Nothing was mailed for the unknown address, and the link's nonce is gone.
    assert!(sink.arrived().iter().all(|m| !m.to.contains("nobody@")));
    let resets = entity::password_reset::Entity::find()
        .all(&app.state.db)
        .await
        .unwrap();
    assert_eq!(resets.len(), 1);
    assert!(resets[0].token_nonce.is_none() && resets[0].used_at.is_some());
}

const LOGIN: &str = "mutation($email: String!, $password: String!) {
    login(input: {email: $email, password: $password}) { accessToken refreshToken expiresAt user { id email role } } }";

async fn login(app: &TestApp, email: &str, password: &str) -> Session {
    let body = app
        .gql(LOGIN, json!({"email": email, "password": password}), None)
        .await;
    Session::from_payload(&body["data"]["login"]).unwrap_or_else(|| panic!("login failed: {body}"))
}

const UPDATE_ME: &str = "mutation($input: UpdateMeInput!) { updateMe(input: $input) { displayName locale emailNotifications } }";
const REGISTER: &str = "mutation($id: ID!) { registerForClinic(clinicId: $id) { id status } }";
const CANCEL: &str = "mutation($id: ID!) { cancelRegistration(registrationId: $id) { id } }";

#[tokio::test]
async fn a_promotion_is_mailed_in_the_members_language_and_only_the_kinds_they_chose() {
    let sink = SmtpSink::start(None, None).await;
    let app = spawn_app_with(mail_to(&sink)).await;
    let admin = app.sign_up("Lang Org", "admin@lang.fi").await;
    let first = app.add_member(&admin, "first@lang.fi", "MEMBER").await;
    let swede = app.add_member(&admin, "swede@lang.fi", "MEMBER").await;
    let quiet = app.add_member(&admin, "quiet@lang.fi", "MEMBER").await;

    let me = app.gql(ME, json!({}), swede.token()).await;
    assert_eq!(me["data"]["me"]["locale"], "EN");
    assert_eq!(
        me["data"]["me"]["emailNotifications"],
        json!([
            "WAITLIST_PROMOTED",
            "CLINIC_CANCELLED",
            "CLINIC_MOVED",
            "PAIRING_PROPOSED",
            "PAIRING_ACCEPTED",
            "PAIRING_DECLINED",
            "PAIRING_CANCELLED",
            "PLAN_GOAL_DECIDED",
            "CLINIC_QUESTION_ASKED",
            "CLINIC_REMINDER"
        ])
    );
    let set = app
        .gql(UPDATE_ME, json!({"input": {"locale": "SV"}}), swede.token())
        .await;
    assert_eq!(set["data"]["updateMe"]["locale"], "SV", "{set}");
    let none = app
        .gql(
            UPDATE_ME,
            json!({"input": {"emailNotifications": []}}),
            quiet.token(),
        )
        .await;
    assert_eq!(
        none["data"]["updateMe"]["emailNotifications"],
        json!([]),
        "{none}"
    );
    // Another member's choice is theirs alone.
    let seen = app
        .gql(
            "query($id: ID!) { node(id: $id) { ... on User { locale emailNotifications } } }",
            json!({"id": swede.user_id}),
            first.token(),
        )
        .await;
    assert_eq!(
        seen["data"]["node"],
        json!({"locale": "SV", "emailNotifications": null})
    );

    let clinic = app
        .schedule_clinic(
            &admin,
            &admin.user_id,
            "2026-12-10T10:00:00Z",
            "2026-12-10T11:00:00Z",
            1,
        )
        .await;
    let held = app
        .gql(REGISTER, json!({"id": clinic}), first.token())
        .await;
    for waiting in [&swede, &quiet] {
        let body = app
            .gql(REGISTER, json!({"id": clinic}), waiting.token())
            .await;
        assert_eq!(
            body["data"]["registerForClinic"]["status"], "WAITLISTED",
            "{body}"
        );
    }
    let id = held["data"]["registerForClinic"]["id"].clone();
    app.gql(CANCEL, json!({"id": id}), first.token()).await;

    let mail = sink.mail_to("swede@lang.fi", "plats").await;
    assert_eq!(
        mail.subject,
        "Du fick en plats: Clinic at 2026-12-10T10:00:00Z"
    );
    // 10:00 UTC in the clinic's zone (Helsinki, winter time).
    assert!(
        mail.text.contains("10.12.2026 kl. 12.00 EET"),
        "{}",
        mail.text
    );
    assert!(
        mail.text.contains(&format!("{APP_URL}/clinics/{clinic}")),
        "{}",
        mail.text
    );

    // Cancelling the clinic tells both registrants; the one who chose no
    // mail gets none.
    app.gql(
        "mutation($id: ID!) { cancelClinic(id: $id) { id } }",
        json!({"id": clinic}),
        admin.token(),
    )
    .await;
    sink.mail_to("swede@lang.fi", "Inställd").await;
    app.wait_until_mail_settled().await;
    // (Their invitation may have gone, or been dropped once accepted.)
    let to_quiet: Vec<String> = sink
        .arrived()
        .into_iter()
        .filter(|m| m.to.contains("quiet@") && !m.subject.contains("invited"))
        .map(|m| m.subject)
        .collect();
    assert_eq!(to_quiet, Vec::<String>::new());
    let swede_got = sink
        .arrived()
        .iter()
        .filter(|m| m.to.contains("swede@"))
        .count();
    assert!(swede_got >= 2, "the promotion and the cancellation");
}

impl TestApp {
    /// Waits until no mail is pending or being sent.
    pub async fn wait_until_mail_settled(&self) {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
        loop {
            let busy = outbox::Entity::find()
                .filter(outbox::Column::Status.is_in([MailStatus::Pending, MailStatus::Sending]))
                .all(&self.state.db)
                .await
                .unwrap();
            if busy.is_empty() {
                return;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "mail still busy: {busy:#?}"
            );
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }
}

#[tokio::test]
async fn a_clinic_reminder_is_sent_once_not_to_the_deactivated_nor_for_cancelled_seats() {
    let sink = SmtpSink::start(None, None).await;
    let app = spawn_app_with(mail_to(&sink)).await;
    let admin = app.sign_up("Remind Org", "admin@remind.fi").await;
    let keen = app.add_member(&admin, "keen@remind.fi", "MEMBER").await;
    let gone = app.add_member(&admin, "gone@remind.fi", "MEMBER").await;
    let changed = app.add_member(&admin, "changed@remind.fi", "MEMBER").await;
    // The test clock reads 2026-11-28 09:00 UTC: a clinic two days away.
    let clinic = app
        .schedule_clinic(
            &admin,
            &admin.user_id,
            "2026-11-30T09:30:00Z",
            "2026-11-30T10:30:00Z",
            10,
        )
        .await;
    let mut seats = Vec::new();
    for member in [&keen, &gone, &changed] {
        let body = app
            .gql(REGISTER, json!({"id": clinic}), member.token())
            .await;
        seats.push(body["data"]["registerForClinic"]["id"].clone());
    }
    app.gql(CANCEL, json!({"id": seats[2]}), changed.token())
        .await;
    app.gql(
        "mutation($id: ID!) { deactivateMember(userId: $id) { active } }",
        json!({"id": gone.user_id}),
        admin.token(),
    )
    .await;
    let asked = app
        .gql(REQUEST_RESET, json!({"email": "gone@remind.fi"}), None)
        .await;
    assert_eq!(asked["data"]["requestPasswordReset"], true);
    app.wait_until_mail_settled().await;
    assert!(
        sink.arrived()
            .iter()
            .all(|m| !m.subject.contains("Reminder"))
    );

    // A day and a bit later the reminder falls due.
    app.clock.advance(Span::hours(25));
    let mail = sink.mail_to("keen@remind.fi", "Reminder").await;
    assert!(
        mail.subject.contains("Clinic at 2026-11-30T09:30:00Z"),
        "{}",
        mail.subject
    );
    // Another instance (a restart) does not send it again.
    let sibling = app.sibling().await;
    sibling.clock.set(app.clock.now());
    sibling.wait_until_mail_settled().await;
    app.clock.advance(Span::minutes(1));
    sibling.clock.advance(Span::minutes(1));
    app.wait_until_mail_settled().await;
    let reminders: Vec<_> = sink
        .arrived()
        .into_iter()
        .filter(|m| m.subject.contains("Reminder"))
        .collect();
    assert_eq!(reminders.len(), 1, "{reminders:#?}");
    assert_eq!(statuses(&app, "clinic-reminder").await.len(), 1);
    // The deactivated member got nothing after their invitation: no reminder, no reset link.
    let to_gone: Vec<String> = sink
        .arrived()
        .into_iter()
        .filter(|m| m.to.contains("gone@") && !m.subject.contains("invited"))
        .map(|m| m.subject)
        .collect();
    assert_eq!(to_gone, Vec::<String>::new());
}

#[tokio::test]
async fn new_members_start_in_the_organisations_language_and_settings_are_checked() {
    let sink = SmtpSink::start(None, None).await;
    let app = spawn_app_with(mail_to(&sink)).await;
    let admin = app.sign_up("Kieli Oy", "admin@kieli.fi").await;
    let set = app
        .gql(
            "mutation { setDefaultLocale(locale: FI) { defaultLocale } }",
            json!({}),
            admin.token(),
        )
        .await;
    assert_eq!(
        set["data"]["setDefaultLocale"]["defaultLocale"], "FI",
        "{set}"
    );
    app.gql(
        INVITE,
        json!({"email": "uusi@kieli.fi", "role": "MEMBER"}),
        admin.token(),
    )
    .await;
    let mail = sink.mail_to("uusi@kieli.fi", "Kutsu").await;
    assert_eq!(mail.subject, "Kutsu: Kieli Oy Voimavarassa");
    assert!(mail.text.contains("Hyväksy kutsu"), "{}", mail.text);
    let accepted = app
        .gql(ACCEPT, json!({"token": token_in(&mail.text)}), None)
        .await;
    assert_eq!(
        accepted["data"]["acceptInvitation"]["user"]["email"], "uusi@kieli.fi",
        "{accepted}"
    );
    let member = login(&app, "uusi@kieli.fi", "a long enough password").await;
    let me = app.gql(ME, json!({}), member.token()).await;
    assert_eq!(me["data"]["me"]["locale"], "FI", "{me}");

    for (input, field) in [
        (json!({"displayName": "   "}), "displayName"),
        (
            json!({"emailNotifications": ["OTHER"]}),
            "emailNotifications",
        ),
    ] {
        let refused = app
            .gql(UPDATE_ME, json!({"input": input}), member.token())
            .await;
        assert_eq!(error_code(&refused), Some("BAD_USER_INPUT"), "{refused}");
        assert_eq!(refused["errors"][0]["extensions"]["field"], field);
    }
    let renamed = app
        .gql(
            UPDATE_ME,
            json!({"input": {"displayName": "Uusi Jäsen", "emailNotifications": ["CLINIC_MOVED", "WAITLIST_PROMOTED"]}}),
            member.token(),
        )
        .await;
    assert_eq!(
        renamed["data"]["updateMe"],
        json!({"displayName": "Uusi Jäsen", "locale": "FI", "emailNotifications": ["WAITLIST_PROMOTED", "CLINIC_MOVED"]})
    );
}

#[tokio::test]
async fn a_mail_waits_while_the_relay_is_down_and_arrives_after_a_retry() {
    let port = free_port();
    let down = format!("smtp://127.0.0.1:{port}");
    let app = spawn_app_with(|settings| {
        settings.mail.smtp_url = Some(voimavara_api::config::Secret::new(down));
        settings.mail.mail_poll_ms = 50;
    })
    .await;
    let admin = app.sign_up("Down Org", "admin@down.fi").await;
    app.gql(
        INVITE,
        json!({"email": "later@down.fi", "role": "MEMBER"}),
        admin.token(),
    )
    .await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    let failed = loop {
        let found = statuses(&app, "invitation").await;
        if found
            .first()
            .is_some_and(|(status, attempts, _)| *status == MailStatus::Pending && *attempts == 1)
        {
            break found;
        }
        assert!(tokio::time::Instant::now() < deadline, "{found:?}");
        tokio::time::sleep(Duration::from_millis(25)).await;
    };
    assert!(
        failed[0].2.as_deref().is_some_and(|e| !e.is_empty()),
        "{failed:?}"
    );

    // The next attempt is due 30 s after the failure (the test clock stands still).
    let row = outbox::Entity::find()
        .filter(outbox::Column::Kind.eq("invitation"))
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.next_attempt_at, app.clock.now() + Span::seconds(30));
    let sink = SmtpSink::start(Some(port), None).await;
    app.clock.advance(Span::seconds(31));
    sink.mail_to("later@down.fi", "Down Org").await;
    app.wait_until_mail_settled().await;
    let sent = statuses(&app, "invitation").await;
    assert_eq!((sent[0].0, sent[0].1), (MailStatus::Sent, 2), "{sent:?}");
}

/// A CA and a certificate it signed for `localhost`, as PEM files in `dir`.
fn private_ca(dir: &Path) -> (PathBuf, PathBuf, PathBuf) {
    use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair};
    let ca_key = KeyPair::generate().unwrap();
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca = ca_params.self_signed(&ca_key).unwrap();
    let issuer = Issuer::new(ca_params, ca_key);
    let key = KeyPair::generate().unwrap();
    let cert = CertificateParams::new(vec!["localhost".to_owned()])
        .unwrap()
        .signed_by(&key, &issuer)
        .unwrap();
    let paths = (
        dir.join("ca.pem"),
        dir.join("cert.pem"),
        dir.join("key.pem"),
    );
    std::fs::write(&paths.0, ca.pem()).unwrap();
    std::fs::write(&paths.1, cert.pem()).unwrap();
    std::fs::write(&paths.2, key.serialize_pem()).unwrap();
    paths
}

#[tokio::test]
async fn starttls_to_a_relay_with_a_private_ca_and_refused_without_trusting_it() {
    let dir = tempfile::tempdir().unwrap();
    let (ca, cert, key) = private_ca(dir.path());
    let sink = SmtpSink::start(None, Some((&cert, &key))).await;
    let url = format!("smtp+starttls://localhost:{}", sink.port);
    let trusting = spawn_app_with(|settings| {
        settings.mail.smtp_url = Some(voimavara_api::config::Secret::new(url.clone()));
        settings.mail.smtp_ca_file = Some(ca.clone());
        settings.mail.mail_poll_ms = 50;
    })
    .await;
    let admin = trusting.sign_up("Tls Org", "admin@tls.fi").await;
    trusting
        .gql(
            INVITE,
            json!({"email": "secure@tls.fi", "role": "MEMBER"}),
            admin.token(),
        )
        .await;
    sink.mail_to("secure@tls.fi", "Tls Org").await;

    let doubting = spawn_app_with(|settings| {
        settings.mail.smtp_url = Some(voimavara_api::config::Secret::new(url.clone()));
        settings.mail.mail_poll_ms = 50;
    })
    .await;
    let admin = doubting.sign_up("Doubt Org", "admin@doubt.fi").await;
    doubting
        .gql(
            INVITE,
            json!({"email": "unsure@doubt.fi", "role": "MEMBER"}),
            admin.token(),
        )
        .await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let found = statuses(&doubting, "invitation").await;
        if found
            .first()
            .is_some_and(|(_, attempts, error)| *attempts >= 1 && error.is_some())
        {
            let error = found[0].2.clone().unwrap_or_default().to_lowercase();
            assert!(
                error.contains("certificate") || error.contains("tls"),
                "{error}"
            );
            break;
        }
        assert!(tokio::time::Instant::now() < deadline, "{found:?}");
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert!(sink.arrived().iter().all(|m| !m.to.contains("unsure@")));
}

/// Signs an organisation up through a server process; its admin's access token.
async fn sign_up_on(server: &ServerProcess, organisation: &str, email: &str) -> String {
    let signed = server
        .gql(
            "mutation($o: String!, $e: String!, $p: String!) { signUp(input: {organisationName: $o,
              email: $e, password: $p, displayName: \"Admin\"}) { accessToken } }",
            json!({"o": organisation, "e": email, "p": PASSWORD}),
            None,
        )
        .await;
    signed["data"]["signUp"]["accessToken"]
        .as_str()
        .unwrap_or_else(|| panic!("signUp failed: {signed}"))
        .to_owned()
}

#[tokio::test]
async fn two_instances_on_one_database_send_each_mail_once() {
    let Some(_) = postgres_or_skip(
        "two_instances_on_one_database_send_each_mail_once",
        "SQLite serves one instance",
    ) else {
        return;
    };
    let sink = SmtpSink::start(None, None).await;
    let db = TestDb::create().await;
    let env = [
        ("VOIMAVARA_SMTP_URL", sink.url()),
        ("VOIMAVARA_MAIL_POLL_MS", "20".to_owned()),
    ];
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let one = ServerProcess::spawn(&db.url, &env).await;
    let two = ServerProcess::spawn(&db.url, &env).await;
    let token = sign_up_on(&one, "Twice Org", "admin@twice.fi").await;
    let count = 30;
    for i in 0..count {
        let server = if i % 2 == 0 { &one } else { &two };
        let body = server
            .gql(
                INVITE,
                json!({"email": format!("m{i}@twice.fi"), "role": "MEMBER"}),
                Some(&token),
            )
            .await;
        assert!(body["errors"].is_null(), "{body}");
    }
    let arrived = sink
        .wait_for("every invitation", |all| all.len() >= count)
        .await;
    // Every mail is recorded as sent only after it went; wait for the last
    // record, then count again: a second send would have arrived by then.
    let state = voimavara_api::db::connect(&db.url, 2).await.unwrap();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let sent = outbox::Entity::find()
            .filter(outbox::Column::Status.eq(MailStatus::Sent))
            .all(&state)
            .await
            .unwrap();
        if sent.len() == count {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{} sent; {}",
            sent.len(),
            one.troubles()
        );
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    let arrived_now = sink.arrived();
    assert_eq!(arrived_now.len(), count, "{arrived:#?}");
    let mut recipients: Vec<String> = arrived_now.into_iter().map(|m| m.to).collect();
    recipients.sort();
    recipients.dedup();
    assert_eq!(recipients.len(), count);
}

#[tokio::test]
async fn without_a_relay_the_mail_is_written_to_the_log_whole() {
    let db = TestDb::create().await;
    let server = ServerProcess::spawn(&db.url, &[("VOIMAVARA_LOG_FORMAT", "json")]).await;
    let token = sign_up_on(&server, "Log Org", "admin@log.fi").await;
    let invited = server
        .gql(
            INVITE,
            json!({"email": "logged@log.fi", "role": "MEMBER"}),
            Some(&token),
        )
        .await;
    let issued = invited["data"]["inviteMember"]["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let logged: Vec<String> = server
            .log
            .lock()
            .unwrap()
            .iter()
            .filter(|l| l.contains("logged@log.fi") && l.contains("Accept the invitation"))
            .cloned()
            .collect();
        if let Some(line) = logged.first() {
            assert!(
                line.contains(&format!("invitation?token={issued}")),
                "{line}"
            );
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{:?}",
            server.log.lock().unwrap()
        );
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}
