//! Single sign-on against a real OpenID provider process (oidc-provider,
//! started from `tests/sso/provider.mjs`), the browser's part played by an
//! HTTP client with a cookie jar: start → the provider's login form →
//! callback → `completeSso`.

use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::Utc;
use serde_json::{Value, json};
use voimavara_api::clock::Clock;

use crate::helpers::{PASSWORD, Session, TestApp, error_code, spawn_app_with};

const APP_URL: &str = "https://app.example.fi";
const CLIENT_ID: &str = "voimavara";
const CLIENT_SECRET: &str = "a client secret the provider and Voimavara share";

/// The provider process; killed when dropped.
pub struct OidcProvider {
    pub issuer: String,
    _process: tokio::process::Child,
}

impl OidcProvider {
    /// Starts a provider that knows one client, redirecting to `callback`.
    pub async fn start(callback: &str) -> OidcProvider {
        let dir = provider_dir().await;
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let clients = json!([{
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "redirect_uris": [callback],
        }]);
        let mut child = tokio::process::Command::new("node")
            .arg(dir.join("provider.mjs"))
            .env("PORT", port.to_string())
            .env("CLIENTS", clients.to_string())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("node starts");
        use tokio::io::AsyncBufReadExt;
        let mut lines = tokio::io::BufReader::new(child.stdout.take().unwrap()).lines();
        let issuer = tokio::time::timeout(Duration::from_secs(30), async {
            while let Ok(Some(line)) = lines.next_line().await {
                if let Some(issuer) = line.strip_prefix("openid provider listening at ") {
                    return issuer.to_owned();
                }
            }
            panic!("the provider exited before listening");
        })
        .await
        .expect("the provider listens within 30 s");
        // Keep reading so the pipe never fills.
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        OidcProvider {
            issuer,
            _process: child,
        }
    }

    /// Makes the token endpoint misbehave (`other-key`, `wrong-aud`,
    /// `wrong-nonce`) or behave (`normal`).
    pub async fn mode(&self, mode: &str) {
        let answer = reqwest::get(format!("{}/__mode?id_token={mode}", self.issuer))
            .await
            .unwrap();
        assert!(answer.status().is_success());
    }
}

/// `tests/sso`, with its packages installed (once per test run).
async fn provider_dir() -> PathBuf {
    static READY: tokio::sync::OnceCell<PathBuf> = tokio::sync::OnceCell::const_new();
    READY
        .get_or_init(|| async {
            let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/sso");
            if !dir.join("node_modules/oidc-provider").exists() {
                let installed = tokio::process::Command::new("npm")
                    .args(["ci", "--silent", "--no-audit", "--no-fund"])
                    .current_dir(&dir)
                    .status()
                    .await
                    .expect("npm runs");
                assert!(installed.success(), "npm ci in tests/sso");
            }
            dir
        })
        .await
        .clone()
}

/// A browser: keeps cookies, follows nothing by itself.
fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

async fn location(client: &reqwest::Client, url: &str) -> (u16, String) {
    let answer = client.get(url).send().await.unwrap();
    let status = answer.status().as_u16();
    let to = answer
        .headers()
        .get("location")
        .map(|l| absolute(url, l.to_str().unwrap()))
        .unwrap_or_default();
    (status, to)
}

/// A `Location` resolved against the URL that sent it.
fn absolute(base: &str, location: &str) -> String {
    url::Url::parse(base)
        .and_then(|base| base.join(location))
        .map(|url| url.to_string())
        .unwrap_or_else(|_| location.to_owned())
}

/// Signs in at the provider as `login` from `start`: the URL the provider
/// sends the browser back to (Voimavara's callback, not yet visited).
async fn through_provider(client: &reqwest::Client, start: &str, login: &str) -> String {
    let (status, at_provider) = location(client, start).await;
    assert_eq!(status, 302, "start: {at_provider}");
    let (_, interaction) = location(client, &at_provider).await;
    let form = client
        .get(&interaction)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let action = form
        .split("action=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .map(|action| absolute(&interaction, action))
        .unwrap_or_else(|| panic!("a login form: {form}"));
    let posted = client
        .post(&action)
        .form(&[("prompt", "login"), ("login", login), ("password", "any")])
        .send()
        .await
        .unwrap();
    let resume = absolute(&action, posted.headers()["location"].to_str().unwrap());
    let (_, callback) = location(client, &resume).await;
    assert!(callback.contains("/auth/sso/callback?"), "{callback}");
    callback
}

/// The value of `name` in `url`'s query.
fn param(url: &str, name: &str) -> Option<String> {
    url::Url::parse(url)
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

struct Sso {
    app: TestApp,
    provider: OidcProvider,
    admin: Session,
    organisation: String,
}

const CONFIGURE: &str = "mutation($input: ConfigureSsoInput!) {
    configureSso(input: $input) { issuer clientId allowedDomains passwordLogin enabled } }";
const COMPLETE: &str =
    "mutation($code: String!) { completeSso(code: $code) { accessToken user { id email role } } }";

impl Sso {
    async fn set_up() -> Sso {
        let app = spawn_app_with(|settings| {
            settings.mail.app_url = Some(APP_URL.into());
        })
        .await;
        // ID tokens carry the real time; the server's clock follows it here.
        app.clock.set(Utc::now());
        let provider = OidcProvider::start(&format!("{}/auth/sso/callback", app.address)).await;
        let admin = app.sign_up("Sso Org", "admin@sso.example").await;
        let body = app
            .gql("{ organisation { id } }", json!({}), admin.token())
            .await;
        let organisation = body["data"]["organisation"]["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let configured = app
            .gql(
                CONFIGURE,
                json!({"input": {"issuer": provider.issuer, "clientId": CLIENT_ID,
                    "clientSecret": CLIENT_SECRET, "allowedDomains": ["SSO.example"]}}),
                admin.token(),
            )
            .await;
        assert_eq!(
            configured["data"]["configureSso"],
            json!({"issuer": provider.issuer, "clientId": CLIENT_ID,
                "allowedDomains": ["sso.example"], "passwordLogin": true, "enabled": true}),
            "{configured}"
        );
        Sso {
            app,
            provider,
            admin,
            organisation,
        }
    }

    fn start_url(&self, base: &str) -> String {
        let mut url = url::Url::parse(&format!("{base}/auth/sso/start")).unwrap();
        url.query_pairs_mut()
            .append_pair("organisation", &self.organisation)
            .append_pair("redirect_uri", &format!("{APP_URL}/signed-in?from=sso"));
        url.to_string()
    }

    /// The whole flow for `login`: where the browser lands in the frontend.
    async fn sign_in(&self, login: &str) -> String {
        let client = browser();
        let callback = through_provider(&client, &self.start_url(&self.app.address), login).await;
        let (status, landed) = location(&client, &callback).await;
        assert_eq!(status, 302, "{landed}");
        assert!(
            landed.starts_with(&format!("{APP_URL}/signed-in?from=sso&")),
            "{landed}"
        );
        landed
    }

    async fn refused_with(&self, login: &str) -> String {
        let landed = self.sign_in(login).await;
        assert_eq!(param(&landed, "sso_code"), None, "{landed}");
        param(&landed, "sso_error").unwrap_or_else(|| panic!("{landed}"))
    }

    async fn complete(&self, landed: &str) -> Value {
        let code = param(landed, "sso_code").unwrap_or_else(|| panic!("no code: {landed}"));
        self.app.gql(COMPLETE, json!({"code": code}), None).await
    }
}

#[tokio::test]
async fn a_first_sign_in_creates_a_member_and_the_next_signs_in_the_same_one() {
    let sso = Sso::set_up().await;
    let landed = sso.sign_in("Aino.Virtanen@sso.example").await;
    let first = sso.complete(&landed).await;
    let user = &first["data"]["completeSso"]["user"];
    assert_eq!(user["email"], "aino.virtanen@sso.example", "{first}");
    assert_eq!(user["role"], "MEMBER");
    let token = first["data"]["completeSso"]["accessToken"]
        .as_str()
        .unwrap();
    let me = sso
        .app
        .gql("{ me { id displayName } }", json!({}), Some(token))
        .await;
    assert_eq!(me["data"]["me"]["id"], user["id"], "{me}");

    // The code works once.
    let again = sso.complete(&landed).await;
    assert_eq!(error_code(&again), Some("BAD_USER_INPUT"), "{again}");
    assert_eq!(again["errors"][0]["extensions"]["field"], "code");

    let second = sso
        .complete(&sso.sign_in("aino.virtanen@sso.example").await)
        .await;
    assert_eq!(
        second["data"]["completeSso"]["user"]["id"], user["id"],
        "{second}"
    );

    // A code not used within a minute is dead.
    let late = sso.sign_in("aino.virtanen@sso.example").await;
    sso.app.clock.advance(chrono::Duration::seconds(61));
    let expired = sso.complete(&late).await;
    assert_eq!(error_code(&expired), Some("BAD_USER_INPUT"), "{expired}");

    // The settings read back for the admin only, without the secret.
    let read = "{ organisation { sso { issuer clientId allowedDomains passwordLogin enabled } } }";
    let seen = sso.app.gql(read, json!({}), sso.admin.token()).await;
    assert_eq!(
        seen["data"]["organisation"]["sso"]["clientId"], CLIENT_ID,
        "{seen}"
    );
    let member = sso.app.gql(read, json!({}), Some(token)).await;
    assert_eq!(error_code(&member), Some("FORBIDDEN"), "{member}");
    let secret = sso
        .app
        .gql(
            "{ organisation { sso { clientSecret } } }",
            json!({}),
            sso.admin.token(),
        )
        .await;
    assert!(secret["errors"].is_array(), "{secret}");
}

#[tokio::test]
async fn another_instance_finishes_a_flow_this_one_started() {
    let sso = Sso::set_up().await;
    let address = sso.app.address.clone();
    let sibling = sso
        .app
        .sibling_with(move |settings| {
            settings.mail.app_url = Some(APP_URL.into());
            settings.public_url = Some(address);
        })
        .await;
    sibling.clock.set(sso.app.clock.now());
    let client = browser();
    let callback = through_provider(
        &client,
        &sso.start_url(&sso.app.address),
        "eero@sso.example",
    )
    .await;
    let on_sibling = callback.replace(&sso.app.address, &sibling.address);
    let (_, landed) = location(&client, &on_sibling).await;
    let done = sibling
        .gql(
            COMPLETE,
            json!({"code": param(&landed, "sso_code").unwrap_or_else(|| panic!("{landed}"))}),
            None,
        )
        .await;
    assert_eq!(
        done["data"]["completeSso"]["user"]["email"], "eero@sso.example",
        "{done}"
    );
}

#[tokio::test]
async fn every_refusal_comes_back_as_a_clear_sso_error() {
    let sso = Sso::set_up().await;
    assert_eq!(
        sso.refused_with("someone@elsewhere.example").await,
        "DOMAIN_NOT_ALLOWED"
    );
    assert_eq!(
        sso.refused_with("unverified@sso.example").await,
        "EMAIL_NOT_VERIFIED"
    );
    for (mode, error) in [
        ("other-key", "TOKEN_SIGNATURE"),
        ("wrong-aud", "TOKEN_AUDIENCE"),
        ("wrong-nonce", "TOKEN_NONCE"),
    ] {
        sso.provider.mode(mode).await;
        assert_eq!(sso.refused_with("aino@sso.example").await, error, "{mode}");
    }
    sso.provider.mode("normal").await;

    // A tampered state, and a callback replayed.
    let client = browser();
    let callback = through_provider(
        &client,
        &sso.start_url(&sso.app.address),
        "aino@sso.example",
    )
    .await;
    let state = param(&callback, "state").unwrap();
    let tampered = callback.replace(&state, &format!("{state}x"));
    let (_, landed) = location(&client, &tampered).await;
    assert_eq!(
        param(&landed, "sso_error").as_deref(),
        Some("INVALID_STATE"),
        "{landed}"
    );
    assert!(landed.starts_with(APP_URL), "{landed}");
    let (_, landed) = location(&client, &callback).await;
    assert!(param(&landed, "sso_code").is_some(), "{landed}");
    let (_, replayed) = location(&client, &callback).await;
    assert_eq!(
        param(&replayed, "sso_error").as_deref(),
        Some("INVALID_STATE"),
        "{replayed}"
    );

    // A deactivated member, and a member of another organisation.
    let member = sso
        .app
        .add_member(&sso.admin, "gone@sso.example", "MEMBER")
        .await;
    sso.app
        .gql(
            "mutation($id: ID!) { deactivateMember(userId: $id) { active } }",
            json!({"id": member.user_id}),
            sso.admin.token(),
        )
        .await;
    assert_eq!(
        sso.refused_with("gone@sso.example").await,
        "ACCOUNT_DEACTIVATED"
    );
    sso.app.sign_up("Other Org", "elsewhere@sso.example").await;
    assert_eq!(
        sso.refused_with("elsewhere@sso.example").await,
        "OTHER_ORGANISATION"
    );

    // A redirect anywhere but the frontend is refused before the provider is asked.
    for redirect in [
        "https://evil.example/signed-in",
        "https://app.example.fi.evil.example/x",
    ] {
        let mut url = url::Url::parse(&format!("{}/auth/sso/start", sso.app.address)).unwrap();
        url.query_pairs_mut()
            .append_pair("organisation", &sso.organisation)
            .append_pair("redirect_uri", redirect);
        let answer = browser().get(url.as_str()).send().await.unwrap();
        assert_eq!(answer.status().as_u16(), 400, "{redirect}");
        assert!(answer.headers().get("location").is_none());
    }

    // Flows and codes past their time are pruned.
    use sea_orm::{EntityTrait, PaginatorTrait};
    let flows = entity::sso_flow::Entity::find()
        .count(&sso.app.state.db)
        .await
        .unwrap();
    assert_eq!(flows, 8, "one per sign-in tried");
    sso.app.clock.advance(chrono::Duration::minutes(11));
    let pruned = voimavara_api::service::maintenance::prune(&sso.app.state)
        .await
        .unwrap();
    assert!(pruned.sso > flows, "{pruned:?}");
    assert_eq!(
        entity::sso_flow::Entity::find()
            .count(&sso.app.state.db)
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        entity::sso_code::Entity::find()
            .count(&sso.app.state.db)
            .await
            .unwrap(),
        0
    );
}

const LOGIN: &str = "mutation($e: String!, $p: String!) { login(input: {email: $e, password: $p}) { accessToken } }";

#[tokio::test]
async fn turning_password_sign_in_off_blocks_it_for_that_organisation_only() {
    let sso = Sso::set_up().await;
    let off = json!({"input": {"issuer": sso.provider.issuer, "clientId": CLIENT_ID,
        "allowedDomains": ["sso.example"], "passwordLogin": false}});
    // Not from a password session: that could lock everyone out.
    let refused = sso.app.gql(CONFIGURE, off.clone(), sso.admin.token()).await;
    assert_eq!(error_code(&refused), Some("BAD_USER_INPUT"), "{refused}");
    assert_eq!(refused["errors"][0]["extensions"]["field"], "passwordLogin");

    let through = sso.complete(&sso.sign_in("admin@sso.example").await).await;
    assert_eq!(
        through["data"]["completeSso"]["user"]["role"], "ADMIN",
        "{through}"
    );
    let admin_via_sso = through["data"]["completeSso"]["accessToken"]
        .as_str()
        .unwrap();
    let turned = sso.app.gql(CONFIGURE, off, Some(admin_via_sso)).await;
    assert_eq!(
        turned["data"]["configureSso"]["passwordLogin"], false,
        "{turned}"
    );

    let blocked = sso
        .app
        .gql(
            LOGIN,
            json!({"e": "admin@sso.example", "p": PASSWORD}),
            None,
        )
        .await;
    let wrong = sso
        .app
        .gql(
            LOGIN,
            json!({"e": "admin@sso.example", "p": "not the password"}),
            None,
        )
        .await;
    assert_eq!(error_code(&blocked), Some("UNAUTHENTICATED"), "{blocked}");
    assert_eq!(
        blocked["errors"][0]["message"],
        wrong["errors"][0]["message"]
    );
    // Another organisation signs in with passwords as before.
    sso.app.sign_up("Password Org", "pw@password.example").await;
    let other = sso
        .app
        .gql(
            LOGIN,
            json!({"e": "pw@password.example", "p": PASSWORD}),
            None,
        )
        .await;
    assert!(other["data"]["login"]["accessToken"].is_string(), "{other}");

    let disabled = sso
        .app
        .gql(
            "mutation { disableSso { enabled passwordLogin } }",
            json!({}),
            Some(admin_via_sso),
        )
        .await;
    assert_eq!(
        disabled["data"]["disableSso"],
        json!({"enabled": false, "passwordLogin": true}),
        "{disabled}"
    );
    let back = sso
        .app
        .gql(
            LOGIN,
            json!({"e": "admin@sso.example", "p": PASSWORD}),
            None,
        )
        .await;
    assert!(back["data"]["login"]["accessToken"].is_string(), "{back}");
    let closed = browser()
        .get(sso.start_url(&sso.app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(closed.status().as_u16(), 400);
}

#[tokio::test]
async fn an_issuer_without_a_discovery_document_is_refused() {
    let app = spawn_app_with(|_| {}).await;
    let admin = app.sign_up("Bad Issuer", "admin@bad.example").await;
    for (issuer, field) in [
        ("http://127.0.0.1:1", "issuer"),
        ("http://idp.example.fi", "issuer"),
        ("https://", "issuer"),
    ] {
        let body = app
            .gql(
                CONFIGURE,
                json!({"input": {"issuer": issuer, "clientId": "c", "clientSecret": "s",
                    "allowedDomains": ["bad.example"]}}),
                admin.token(),
            )
            .await;
        assert_eq!(
            error_code(&body),
            Some("BAD_USER_INPUT"),
            "{issuer}: {body}"
        );
        assert_eq!(body["errors"][0]["extensions"]["field"], field);
    }
    let domains = app
        .gql(
            CONFIGURE,
            json!({"input": {"issuer": "http://127.0.0.1:1", "clientId": "c", "clientSecret": "s",
                "allowedDomains": []}}),
            admin.token(),
        )
        .await;
    assert_eq!(
        domains["errors"][0]["extensions"]["field"], "allowedDomains",
        "{domains}"
    );
}
