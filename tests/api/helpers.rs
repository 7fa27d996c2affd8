//! The one way tests start the app: [`spawn_app`]. It runs the real server on
//! a free port in its own thread, on a database made for the test, and tears
//! both down when the [`TestApp`] is dropped.

use std::sync::Arc;
use std::sync::mpsc;
use std::thread::JoinHandle;

use actix_web::dev::ServerHandle;
use chrono::{TimeZone, Utc};
use migration::MigratorTrait;
use sea_orm::{ConnectionTrait, Database};
use serde_json::{Value, json};
use voimavara_api::Settings;
use voimavara_api::clock::ManualClock;
use voimavara_api::context::State;
use voimavara_api::random::Random;
use voimavara_api::startup::{Application, Overrides};

/// A database created for one test and removed after it.
pub struct TestDb {
    pub url: String,
    cleanup: Option<Cleanup>,
}

enum Cleanup {
    Sqlite(#[allow(dead_code)] tempfile::TempDir),
    Postgres { admin_url: String, name: String },
}

impl TestDb {
    /// A fresh database of the kind `TEST_DATABASE_URL` asks for. On
    /// PostgreSQL it is a copy of a migrated template (the server's start-up
    /// migration then has nothing to do); on SQLite it is a new, empty file.
    pub async fn create() -> Self {
        Self::create_from(true).await
    }

    /// A fresh database with no tables at all.
    pub async fn empty() -> Self {
        Self::create_from(false).await
    }

    async fn create_from(use_template: bool) -> Self {
        match std::env::var("TEST_DATABASE_URL") {
            Ok(admin_url) if admin_url.starts_with("postgres") => {
                let name = format!("voimavara_test_{}", uuid::Uuid::new_v4().simple());
                let create = if use_template {
                    format!(
                        "CREATE DATABASE {name} TEMPLATE {}",
                        migrated_template(&admin_url).await
                    )
                } else {
                    format!("CREATE DATABASE {name}")
                };
                let admin = Database::connect(&admin_url)
                    .await
                    .expect("reach PostgreSQL");
                admin
                    .execute_unprepared(&create)
                    .await
                    .expect("create test database");
                admin.close().await.ok();
                let mut url = url::Url::parse(&admin_url).expect("TEST_DATABASE_URL is a URL");
                url.set_path(&format!("/{name}"));
                Self {
                    url: url.to_string(),
                    cleanup: Some(Cleanup::Postgres { admin_url, name }),
                }
            }
            _ => {
                let dir = tempfile::tempdir().expect("temporary folder");
                let url = format!(
                    "sqlite://{}?mode=rwc",
                    dir.path().join("voimavara.db").display()
                );
                Self {
                    url,
                    cleanup: Some(Cleanup::Sqlite(dir)),
                }
            }
        }
    }

    /// Whether this database is PostgreSQL.
    pub fn is_postgres(&self) -> bool {
        self.url.starts_with("postgres")
    }
}

/// A migrated, empty PostgreSQL database to copy: copying is several times
/// faster than migrating each test's database. Its name carries a hash of
/// the migrations' source, so a changed migration gets a new template.
async fn migrated_template(admin_url: &str) -> String {
    static TEMPLATE: tokio::sync::OnceCell<String> = tokio::sync::OnceCell::const_new();
    TEMPLATE
        .get_or_init(|| async {
            use sha2::Digest;
            let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migration/src");
            let mut files: Vec<_> = std::fs::read_dir(&dir)
                .unwrap()
                .map(|e| e.unwrap().path())
                .collect();
            files.sort();
            let mut hash = sha2::Sha256::new();
            for file in files {
                hash.update(std::fs::read(file).unwrap());
            }
            let name = format!("voimavara_template_{}", &hex::encode(hash.finalize())[..16]);
            let admin = Database::connect(admin_url)
                .await
                .expect("reach PostgreSQL");
            let exists = admin
                .query_one_raw(sea_orm::Statement::from_string(
                    sea_orm::DbBackend::Postgres,
                    format!("SELECT 1 AS one FROM pg_database WHERE datname = '{name}'"),
                ))
                .await
                .unwrap()
                .is_some();
            if !exists {
                // Build under a private name and rename: another test process
                // never sees a half-migrated template.
                let building = format!("voimavara_building_{}", uuid::Uuid::new_v4().simple());
                admin
                    .execute_unprepared(&format!("CREATE DATABASE {building}"))
                    .await
                    .unwrap();
                let mut url = url::Url::parse(admin_url).unwrap();
                url.set_path(&format!("/{building}"));
                let conn = voimavara_api::db::connect(url.as_str(), 1).await.unwrap();
                migration::Migrator::up(&conn, None).await.unwrap();
                conn.close().await.unwrap();
                if admin
                    .execute_unprepared(&format!("ALTER DATABASE {building} RENAME TO {name}"))
                    .await
                    .is_err()
                {
                    admin
                        .execute_unprepared(&format!(
                            "DROP DATABASE IF EXISTS {building} WITH (FORCE)"
                        ))
                        .await
                        .ok();
                }
            }
            admin.close().await.ok();
            name
        })
        .await
        .clone()
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some(Cleanup::Postgres { admin_url, name }) = self.cleanup.take() {
            // Drop runs inside the test's runtime, which must not be blocked on
            // itself: do the clean-up on a thread with a runtime of its own.
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("runtime");
                rt.block_on(async {
                    if let Ok(admin) = Database::connect(&admin_url).await {
                        let _ = admin
                            .execute_unprepared(&format!(
                                "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                            ))
                            .await;
                        admin.close().await.ok();
                    }
                });
            })
            .join();
        }
    }
}

/// A running server and what a test needs to talk to it.
pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub clock: ManualClock,
    pub state: State,
    handle: ServerHandle,
    thread: Option<JoinHandle<()>>,
    // Declared last: dropped after the server has stopped.
    db: TestDb,
}

/// Starts the app with default settings.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// Starts the app after `configure` has adjusted the settings.
pub async fn spawn_app_with(configure: impl FnOnce(&mut Settings)) -> TestApp {
    spawn_on(TestDb::create().await, configure).await
}

impl TestApp {
    /// A second server instance on the same database (the first keeps owning it).
    pub async fn sibling(&self) -> TestApp {
        self.sibling_with(|_| {}).await
    }

    /// Like [`TestApp::sibling`], after `configure` has adjusted its settings.
    pub async fn sibling_with(&self, configure: impl FnOnce(&mut Settings)) -> TestApp {
        let shared = TestDb {
            url: self.db.url.clone(),
            cleanup: None,
        };
        spawn_on(shared, configure).await
    }
}

async fn spawn_on(db: TestDb, configure: impl FnOnce(&mut Settings)) -> TestApp {
    let mut settings = Settings::for_database(db.url.clone());
    settings.bind = "127.0.0.1:0".into();
    settings.workers = Some(2);
    settings.database.db_max_connections = Some(5);
    settings.jwt_secret = Some(voimavara_api::config::Secret::new(TEST_SECRET));
    configure(&mut settings);

    let clock = ManualClock::new(Utc.with_ymd_and_hms(2026, 11, 28, 9, 0, 0).unwrap());
    let overrides_clock = clock.clone();
    let (tx, rx) = mpsc::channel();
    let thread = std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        rt.block_on(async move {
            let built = Application::build_with(
                settings,
                Overrides {
                    clock: Some(Arc::new(overrides_clock)),
                    random: Some(Arc::new(Random::from_seed(7))),
                },
            )
            .await;
            match built {
                Ok(app) => {
                    tx.send(Ok((app.port(), app.handle(), app.state()))).ok();
                    app.run_until_stopped().await.ok();
                }
                Err(err) => {
                    tx.send(Err(err.to_string())).ok();
                }
            }
        });
    });
    let (port, handle, state) = tokio::task::spawn_blocking(move || rx.recv())
        .await
        .expect("join")
        .expect("server thread answered")
        .expect("server started");
    TestApp {
        address: format!("http://127.0.0.1:{port}"),
        client: reqwest::Client::new(),
        clock,
        state,
        handle,
        thread: Some(thread),
        db,
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        let handle = self.handle.clone();
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            rt.block_on(handle.stop(false));
        })
        .join();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl TestApp {
    /// GETs a path of this server (or an absolute URL) and returns the body as text.
    pub async fn get_text(&self, path: &str) -> String {
        let url = if path.starts_with("http") {
            path.to_owned()
        } else {
            format!("{}{path}", self.address)
        };
        self.client
            .get(url)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    }

    /// The skills of `who`'s catalogue: key to id.
    pub async fn skill_ids(&self, who: &Session) -> std::collections::HashMap<String, String> {
        let body = self
            .gql("{ skills { id key } }", json!({}), who.token())
            .await;
        body["data"]["skills"]
            .as_array()
            .unwrap_or_else(|| panic!("{body}"))
            .iter()
            .map(|s| {
                (
                    s["key"].as_str().unwrap().to_owned(),
                    s["id"].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    }

    /// The id of the skill with this key in `who`'s catalogue.
    pub async fn skill_id(&self, who: &Session, key: &str) -> String {
        let mut ids = self.skill_ids(who).await;
        ids.remove(key)
            .unwrap_or_else(|| panic!("no skill {key} in {ids:?}"))
    }

    /// POSTs a GraphQL operation (JSON in, JSON out), optionally with a bearer token.
    pub async fn gql(&self, query: &str, variables: Value, token: Option<&str>) -> Value {
        let mut request = self
            .client
            .post(format!("{}/graphql", self.address))
            .json(&json!({ "query": query, "variables": variables }));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request
            .send()
            .await
            .expect("request sent")
            .json()
            .await
            .expect("JSON body")
    }

    /// Creates an organisation with an admin; returns the admin's session.
    pub async fn sign_up(&self, organisation: &str, email: &str) -> Session {
        let body = self
            .gql(
                SIGN_UP,
                json!({"input": {
                    "organisationName": organisation,
                    "email": email,
                    "password": PASSWORD,
                    "displayName": format!("Admin of {organisation}"),
                }}),
                None,
            )
            .await;
        Session::from_payload(&body["data"]["signUp"])
            .unwrap_or_else(|| panic!("signUp failed: {body}"))
    }
}

/// The password every test account uses.
pub const PASSWORD: &str = "correct horse battery staple";

/// The sign-up mutation with every `AuthPayload` field.
pub const SIGN_UP: &str = "mutation($input: SignUpInput!) { signUp(input: $input) {
    accessToken refreshToken expiresAt user { id email displayName role active calendarUrl } } }";

/// Tokens and identity of a signed-in test user.
#[derive(Debug, Clone)]
pub struct Session {
    pub access_token: String,
    pub refresh_token: String,
    pub user_id: String,
}

impl Session {
    /// Reads an `AuthPayload` object.
    pub fn from_payload(payload: &Value) -> Option<Self> {
        Some(Self {
            access_token: payload["accessToken"].as_str()?.to_owned(),
            refresh_token: payload["refreshToken"].as_str()?.to_owned(),
            user_id: payload["user"]["id"].as_str()?.to_owned(),
        })
    }

    /// The access token, as `gql` takes it.
    pub fn token(&self) -> Option<&str> {
        Some(&self.access_token)
    }
}

/// The `extensions.code` of the first error, if any.
pub fn error_code(body: &Value) -> Option<&str> {
    body["errors"][0]["extensions"]["code"].as_str()
}

/// The invite-and-accept mutations, for tests that need more members.
pub const INVITE: &str = "mutation($email: String!, $role: Role!) {
    inviteMember(input: {email: $email, role: $role}) { id email role token expiresAt } }";
pub const ACCEPT: &str = "mutation($token: String!, $name: String!, $password: String!) {
    acceptInvitation(input: {token: $token, password: $password, displayName: $name}) {
    accessToken refreshToken expiresAt user { id email role } } }";

impl TestApp {
    /// Invites `email` into the admin's organisation and accepts; returns the new member's session.
    pub async fn add_member(&self, admin: &Session, email: &str, role: &str) -> Session {
        let invited = self
            .gql(INVITE, json!({"email": email, "role": role}), admin.token())
            .await;
        let token = invited["data"]["inviteMember"]["token"]
            .as_str()
            .unwrap_or_else(|| panic!("inviteMember failed: {invited}"));
        let accepted = self
            .gql(
                ACCEPT,
                json!({"token": token, "name": email, "password": PASSWORD}),
                None,
            )
            .await;
        Session::from_payload(&accepted["data"]["acceptInvitation"])
            .unwrap_or_else(|| panic!("acceptInvitation failed: {accepted}"))
    }
}

/// Schedules a clinic with `facilitator` and returns its id.
pub const SCHEDULE: &str = "mutation($input: ScheduleClinicInput!) {
    scheduleClinic(input: $input) { id title startsAt endsAt timezone capacity seatsTaken seatsLeft waitlistLength status } }";

impl TestApp {
    /// Schedules one clinic `starts_at` for an hour; returns its id.
    pub async fn schedule_clinic(
        &self,
        admin: &Session,
        facilitator: &str,
        starts_at: &str,
        ends_at: &str,
        capacity: i32,
    ) -> String {
        let body = self
            .gql(
                SCHEDULE,
                json!({"input": {
                    "title": format!("Clinic at {starts_at}"),
                    "facilitatorId": facilitator,
                    "startsAt": starts_at,
                    "endsAt": ends_at,
                    "timezone": "Europe/Helsinki",
                    "capacity": capacity,
                }}),
                admin.token(),
            )
            .await;
        body["data"]["scheduleClinic"][0]["id"]
            .as_str()
            .unwrap_or_else(|| panic!("scheduleClinic failed: {body}"))
            .to_owned()
    }

    /// Adds `count` members to the admin's organisation straight in the
    /// database (password hashing would dominate a test that needs hundreds)
    /// and signs them in with the server's own keys.
    pub async fn bulk_members(&self, admin: &Session, count: usize) -> Vec<Session> {
        use entity::user;
        use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait};
        let admin_id = voimavara_api::graphql::ids::decode(
            &admin.user_id,
            voimavara_api::graphql::ids::Kind::User,
            "id",
        )
        .unwrap();
        let admin_row = user::Entity::find_by_id(admin_id)
            .one(&self.state.db)
            .await
            .unwrap()
            .unwrap();
        let now = self.state.clock.now();
        let mut sessions = Vec::with_capacity(count);
        for i in 0..count {
            let row = user::ActiveModel {
                organisation_id: Set(admin_row.organisation_id),
                email: Set(format!(
                    "bulk{i}-{}@example.fi",
                    uuid::Uuid::new_v4().simple()
                )),
                password_hash: Set(admin_row.password_hash.clone()),
                display_name: Set(format!("Member {i}")),
                role: Set(entity::Role::Member),
                active: Set(true),
                token_version: Set(0),
                calendar_token: Set(uuid::Uuid::new_v4().simple().to_string()
                    + &uuid::Uuid::new_v4().simple().to_string()),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            }
            .insert(&self.state.db)
            .await
            .unwrap();
            let (access_token, refresh_token) = self.open_session(row.id).await;
            sessions.push(Session {
                access_token,
                refresh_token,
                user_id: voimavara_api::graphql::ids::encode(
                    voimavara_api::graphql::ids::Kind::User,
                    row.id,
                )
                .0,
            });
        }
        sessions
    }
}

impl TestApp {
    /// Signs a member in without their password (a new session, as the
    /// server's own keys issue it): (access token, refresh token).
    pub async fn open_session(&self, user_id: i64) -> (String, String) {
        let version: i32 = {
            use sea_orm::{EntityTrait, QuerySelect};
            entity::user::Entity::find_by_id(user_id)
                .select_only()
                .column(entity::user::Column::TokenVersion)
                .into_tuple()
                .one(&self.state.db)
                .await
                .unwrap()
                .expect("the member exists")
        };
        let refresh = uuid::Uuid::new_v4().simple().to_string();
        let access = voimavara_api::service::sessions::open_session(
            &self.state.db,
            &self.state.jwt,
            user_id,
            version,
            &uuid::Uuid::new_v4().simple().to_string(),
            &refresh,
            self.state.clock.now(),
        )
        .await
        .unwrap();
        (access, refresh)
    }
}

/// A client speaking `graphql-transport-ws` to `/graphql/ws`.
pub struct WsClient {
    stream: tokio_tungstenite::WebSocketStream<
        tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>,
    >,
}

/// How long a test waits for an event before failing.
pub const EVENT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

impl WsClient {
    /// Connects, asking for `graphql-transport-ws`, and sends nothing yet.
    pub async fn open(app: &TestApp) -> WsClient {
        use tokio_tungstenite::tungstenite::client::IntoClientRequest;
        let url = format!("{}/graphql/ws", app.address.replace("http://", "ws://"));
        let mut request = url.into_client_request().unwrap();
        request.headers_mut().insert(
            "Sec-WebSocket-Protocol",
            "graphql-transport-ws".parse().unwrap(),
        );
        let (stream, _) = tokio_tungstenite::connect_async(request)
            .await
            .expect("WebSocket connects");
        WsClient { stream }
    }

    /// Connects and sends `connection_init` with `token` (if any).
    pub async fn connect(app: &TestApp, token: Option<&str>) -> WsClient {
        let mut client = Self::open(app).await;
        let payload = match token {
            Some(token) => json!({"authorization": format!("Bearer {token}")}),
            None => json!({}),
        };
        client
            .send(json!({"type": "connection_init", "payload": payload}))
            .await;
        client
    }

    /// Sends one message.
    pub async fn send(&mut self, message: Value) {
        use futures_util::SinkExt;
        self.stream
            .send(tokio_tungstenite::tungstenite::Message::text(
                message.to_string(),
            ))
            .await
            .unwrap();
    }

    /// Runs a query or mutation as operation `id` and returns its result (the
    /// `next` payload), after checking that `complete` follows.
    pub async fn request(&mut self, id: &str, query: &str, variables: Value) -> Value {
        self.subscribe(id, query, variables).await;
        let answer = self.next_for(id).await;
        assert_eq!(answer["type"], "next", "{answer}");
        let done = self.next_for(id).await;
        assert_eq!(done["type"], "complete", "{done}");
        answer["payload"].clone()
    }

    /// Sends a `subscribe` message.
    pub async fn subscribe(&mut self, id: &str, query: &str, variables: Value) {
        self.send(json!({"id": id, "type": "subscribe", "payload": {"query": query, "variables": variables}}))
            .await;
    }

    /// The next message of subscription `id`, skipping others' messages.
    pub async fn next_for(&mut self, id: &str) -> Value {
        loop {
            let message = self
                .next()
                .await
                .unwrap_or_else(|code| panic!("closed with {code}"));
            if message["id"] == id {
                return message;
            }
        }
    }

    /// The next message: `Ok(json)` for a text frame, `Err(close code)` when the
    /// server closes. Fails the test after [`EVENT_TIMEOUT`].
    pub async fn next(&mut self) -> Result<Value, u16> {
        use futures_util::StreamExt;
        use tokio_tungstenite::tungstenite::Message;
        loop {
            let message = tokio::time::timeout(EVENT_TIMEOUT, self.stream.next())
                .await
                .expect("a message before the timeout");
            match message {
                Some(Ok(Message::Text(text))) => return Ok(serde_json::from_str(&text).unwrap()),
                Some(Ok(Message::Close(frame))) => {
                    return Err(frame.map_or(1005, |f| u16::from(f.code)));
                }
                Some(Ok(_)) => continue,
                Some(Err(_)) | None => return Err(1006),
            }
        }
    }
}

/// A WebSocket client written by hand over TCP, for tests of what the server
/// does to a client that stays silent: unlike a library client, it never
/// answers a ping by itself.
pub struct RawSocket {
    stream: tokio::net::TcpStream,
    buffer: Vec<u8>,
}

impl RawSocket {
    /// Upgrades a TCP connection to `/graphql/ws` with `graphql-transport-ws`.
    pub async fn connect(app: &TestApp) -> RawSocket {
        use tokio::io::AsyncWriteExt;
        let host = app.address.trim_start_matches("http://").to_owned();
        let mut stream = tokio::net::TcpStream::connect(&host).await.unwrap();
        let request = format!(
            "GET /graphql/ws HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
             Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\
             Sec-WebSocket-Protocol: graphql-transport-ws\r\n\r\n"
        );
        stream.write_all(request.as_bytes()).await.unwrap();
        let mut socket = RawSocket {
            stream,
            buffer: Vec::new(),
        };
        let end = loop {
            if let Some(at) = socket.buffer.windows(4).position(|w| w == b"\r\n\r\n") {
                break at + 4;
            }
            socket.fill().await;
        };
        let head: Vec<u8> = socket.buffer.drain(..end).collect();
        assert!(
            head.starts_with(b"HTTP/1.1 101"),
            "{}",
            String::from_utf8_lossy(&head)
        );
        socket
    }

    async fn fill(&mut self) {
        use tokio::io::AsyncReadExt;
        let mut chunk = [0u8; 4096];
        let read = tokio::time::timeout(EVENT_TIMEOUT, self.stream.read(&mut chunk))
            .await
            .expect("a frame before the timeout")
            .unwrap();
        assert!(read > 0, "the server closed the TCP connection");
        self.buffer.extend_from_slice(&chunk[..read]);
    }

    /// Sends a text frame (masked, as a client must).
    pub async fn send_text(&mut self, text: &str) {
        use tokio::io::AsyncWriteExt;
        let payload = text.as_bytes();
        let mask = [0x12u8, 0x34, 0x56, 0x78];
        let mut frame = vec![0x81u8];
        match payload.len() {
            len @ 0..=125 => frame.push(0x80 | len as u8),
            len @ 126..=65535 => {
                frame.push(0x80 | 126);
                frame.extend_from_slice(&(len as u16).to_be_bytes());
            }
            len => {
                frame.push(0x80 | 127);
                frame.extend_from_slice(&(len as u64).to_be_bytes());
            }
        }
        frame.extend_from_slice(&mask);
        frame.extend(payload.iter().enumerate().map(|(i, b)| b ^ mask[i % 4]));
        self.stream.write_all(&frame).await.unwrap();
    }

    /// The next frame from the server: (opcode, payload).
    pub async fn next_frame(&mut self) -> (u8, Vec<u8>) {
        while self.buffer.len() < 2 {
            self.fill().await;
        }
        let opcode = self.buffer[0] & 0x0f;
        let (header, len) = match self.buffer[1] & 0x7f {
            126 => {
                while self.buffer.len() < 4 {
                    self.fill().await;
                }
                (
                    4,
                    u16::from_be_bytes([self.buffer[2], self.buffer[3]]) as usize,
                )
            }
            127 => {
                while self.buffer.len() < 10 {
                    self.fill().await;
                }
                let mut bytes = [0u8; 8];
                bytes.copy_from_slice(&self.buffer[2..10]);
                (10, u64::from_be_bytes(bytes) as usize)
            }
            len => (2, len as usize),
        };
        while self.buffer.len() < header + len {
            self.fill().await;
        }
        let frame: Vec<u8> = self.buffer.drain(..header + len).collect();
        (opcode, frame[header..].to_vec())
    }
}

/// The signing secret every test server shares, in-process or not.
pub const TEST_SECRET: &str = "test secret: 0123456789abcdef0123456789";

/// When the suite does not run on PostgreSQL: says so on the test output
/// (even for a passing test) and in `skipped-tests.txt` under the target
/// folder's test scratch space, which CI's PostgreSQL run requires to stay
/// empty. Returns the PostgreSQL admin URL when there is one.
pub fn postgres_or_skip(test: &str, why: &str) -> Option<String> {
    let url = std::env::var("TEST_DATABASE_URL")
        .ok()
        .filter(|url| url.starts_with("postgres"));
    if url.is_none() {
        use std::io::Write;
        let line = format!("SKIPPED {test}: {why} (needs TEST_DATABASE_URL=postgres://…)\n");
        // Straight to the process's stderr, past the harness's capture.
        let _ = std::io::stderr().write_all(line.as_bytes());
        let log = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("skipped-tests.txt");
        if let Ok(mut file) = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(log)
        {
            let _ = file.write_all(line.as_bytes());
        }
    }
    url
}

/// The real `voimavara` binary serving a test's database in a process of its
/// own, with the test servers' signing secret; stopped when dropped.
pub struct ServerProcess {
    pub address: String,
    pub child: tokio::process::Child,
    /// Everything it has logged so far.
    pub log: Arc<std::sync::Mutex<Vec<String>>>,
    client: reqwest::Client,
}

impl ServerProcess {
    /// Starts the binary on `database_url` with `env` (on top of the signing
    /// secret and `RUST_LOG=info`) and waits until it listens.
    pub async fn spawn(database_url: &str, env: &[(&str, &str)]) -> ServerProcess {
        use tokio::io::AsyncBufReadExt;
        let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_voimavara"));
        command
            .args([
                "serve",
                "--database-url",
                database_url,
                "--bind",
                "127.0.0.1:0",
            ])
            .env("VOIMAVARA_JWT_SECRET", TEST_SECRET)
            .env("RUST_LOG", "info")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .kill_on_drop(true);
        for (name, value) in env {
            command.env(name, value);
        }
        let mut child = command.spawn().expect("the binary starts");
        let mut lines = tokio::io::BufReader::new(child.stdout.take().expect("piped")).lines();
        let log = Arc::new(std::sync::Mutex::new(Vec::new()));
        let address = tokio::time::timeout(std::time::Duration::from_secs(60), async {
            while let Some(line) = lines.next_line().await.expect("its output") {
                let found = line
                    .split("serving GraphQL at ")
                    .nth(1)
                    .and_then(|rest| rest.split("/graphql").next())
                    .map(str::to_owned);
                log.lock().unwrap().push(line);
                if let Some(address) = found {
                    return address;
                }
            }
            panic!(
                "the server exited before listening: {:?}",
                log.lock().unwrap()
            );
        })
        .await
        .expect("the server listens within a minute");
        let sink = log.clone();
        tokio::spawn(async move {
            while let Ok(Some(line)) = lines.next_line().await {
                sink.lock().unwrap().push(line);
            }
        });
        ServerProcess {
            address,
            child,
            log,
            client: reqwest::Client::new(),
        }
    }

    /// POSTs a GraphQL operation, like [`TestApp::gql`].
    pub async fn gql(&self, query: &str, variables: Value, token: Option<&str>) -> Value {
        let mut request = self
            .client
            .post(format!("{}/graphql", self.address))
            .json(&json!({ "query": query, "variables": variables }));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request
            .send()
            .await
            .expect("request sent")
            .json()
            .await
            .expect("JSON body")
    }

    /// The lines it logged at ERROR or WARN, to show with a failure.
    pub fn troubles(&self) -> String {
        self.log
            .lock()
            .unwrap()
            .iter()
            .filter(|line| line.contains("ERROR") || line.contains("WARN"))
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    }
}

impl TestApp {
    /// Another server on this test's database, a process of its own.
    pub async fn process(&self) -> ServerProcess {
        ServerProcess::spawn(&self.db.url, &[]).await
    }

    /// Access tokens for these members that a [`ServerProcess`] accepts:
    /// it runs on the system clock, not this server's manual one.
    pub async fn real_time_tokens(&self, who: &[&Session]) -> Vec<String> {
        let mut tokens = Vec::with_capacity(who.len());
        for session in who {
            let id = voimavara_api::graphql::ids::decode(
                &session.user_id,
                voimavara_api::graphql::ids::Kind::User,
                "id",
            )
            .unwrap();
            let version: i32 = {
                use sea_orm::{EntityTrait, QuerySelect};
                entity::user::Entity::find_by_id(id)
                    .select_only()
                    .column(entity::user::Column::TokenVersion)
                    .into_tuple()
                    .one(&self.state.db)
                    .await
                    .unwrap()
                    .expect("the member exists")
            };
            tokens.push(
                voimavara_api::service::sessions::open_session(
                    &self.state.db,
                    &self.state.jwt,
                    id,
                    version,
                    &uuid::Uuid::new_v4().simple().to_string(),
                    &uuid::Uuid::new_v4().simple().to_string(),
                    Utc::now(),
                )
                .await
                .unwrap(),
            );
        }
        tokens
    }
}
