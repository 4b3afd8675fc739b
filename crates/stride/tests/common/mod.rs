//! What the web tests share: one generated database per test binary, the real server over it
//! on port 0, and a signed-in user's cookie and CSRF token.
// Each test binary uses some of these helpers, not all.
#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::OnceLock;

use reqwest::StatusCode;
use reqwest::header::SET_COOKIE;
use stride_synth::SyntheticLocalAuthority;
use stride_web::{AppState, Config};

pub const SEED: u64 = 77;
pub const PASSWORD: &str = stride_synth::DEMO_PASSWORD;

pub struct Fixture {
    pub database: PathBuf,
    pub authority: SyntheticLocalAuthority,
    _directory: tempfile::TempDir,
}

/// One generated database for the whole test binary, made on its own thread and runtime so that
/// no test's runtime owns it.
pub fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        std::thread::spawn(|| {
            let directory = tempfile::tempdir().expect("temporary directory");
            let database = directory.path().join("stride-test.sqlite");
            let runtime = tokio::runtime::Runtime::new().expect("runtime");
            runtime.block_on(async {
                let store = stride_store::open(database.to_str().expect("utf-8 path"))
                    .await
                    .expect("opens");
                stride::generate_into(&store, SEED, |_| {}).await.expect("generates");
            });
            Fixture {
                database,
                authority: stride_synth::generate(SEED),
                _directory: directory,
            }
        })
        .join()
        .expect("the fixture thread finished")
    })
}

pub struct Server {
    pub base: String,
    pub client: reqwest::Client,
    /// The server's own store, where the helpers find an account's authenticator key.
    pub store: std::sync::Arc<dyn stride_store::Store>,
}

pub async fn server() -> Server {
    server_on(&fixture().database).await
}

pub async fn server_on(database: &std::path::Path) -> Server {
    server_with(database, Config::default()).await
}

pub async fn server_with(database: &std::path::Path, config: Config) -> Server {
    let store = stride_store::open(database.to_str().expect("utf-8 path"))
        .await
        .expect("opens");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("binds");
    let base = format!("http://{}", listener.local_addr().expect("address"));
    let state = AppState::new(store.clone(), config);
    tokio::spawn(stride_web::serve(state, listener));
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    Server { base, client, store }
}

pub fn session_cookie(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .find(|value| value.starts_with("stride_session="))
        .map(|value| value.split(';').next().unwrap_or_default().to_owned())
}

pub fn csrf_token(html: &str) -> String {
    let marker = "name=\"csrf_token\" value=\"";
    let start = html.find(marker).expect("the page has a CSRF token") + marker.len();
    html[start..start + 64].to_owned()
}

/// A signed-in user: the session cookie and the CSRF token of their session.
pub struct User {
    pub cookie: String,
    pub csrf: String,
}

impl Server {
    pub async fn get(&self, path: &str, user: Option<&User>) -> reqwest::Response {
        let mut request = self.client.get(format!("{}{path}", self.base));
        if let Some(user) = user {
            request = request.header("Cookie", &user.cookie);
        }
        request.send().await.expect("request sent")
    }

    pub async fn text_anonymous(&self, path: &str) -> (StatusCode, String) {
        let response = self.get(path, None).await;
        let status = response.status();
        (status, response.text().await.expect("body"))
    }

    pub async fn text(&self, path: &str, user: &User) -> (StatusCode, String) {
        let response = self.get(path, Some(user)).await;
        let status = response.status();
        (status, response.text().await.expect("body"))
    }

    pub async fn sign_in_form(&self) -> (String, String) {
        let response = self.get("/sign-in", None).await;
        let cookie = session_cookie(&response).expect("the form starts a session");
        let html = response.text().await.expect("body");
        (cookie, csrf_token(&html))
    }

    pub async fn try_sign_in(&self, username: &str, password: &str) -> (reqwest::Response, String) {
        let (cookie, csrf) = self.sign_in_form().await;
        let response = self
            .client
            .post(format!("{}/sign-in", self.base))
            .header("Cookie", &cookie)
            .form(&[("username", username), ("password", password), ("csrf_token", &csrf)])
            .send()
            .await
            .expect("request sent");
        (response, cookie)
    }

    /// Signs in with the demo password, and the code of the account's authenticator where it
    /// has one; an administrator without one sets one up first, as they must.
    pub async fn sign_in(&self, username: &str) -> User {
        // One sign-in at a time in the test binary: two at once as one account could offer the
        // same code, and the second would be refused as a replay.
        static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());
        let _turn = ONE_AT_A_TIME.lock().await;
        let (response, _) = self.try_sign_in(username, PASSWORD).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{username} signs in");
        let mut cookie = session_cookie(&response).expect("a new session cookie");
        if location(&response) == "/sign-in/code" {
            cookie = self.enter_code(&cookie, username).await;
        }
        let schools = self.get("/schools", Some(&User::cookie_only(&cookie))).await;
        if location(&schools) == "/account/two-factor" {
            self.set_up_authenticator(&cookie).await;
        }
        let html = self
            .get("/schools", Some(&User::cookie_only(&cookie)))
            .await
            .text()
            .await
            .expect("body");
        User {
            csrf: csrf_token(&html),
            cookie,
        }
    }

    async fn enter_code(&self, waiting_cookie: &str, username: &str) -> String {
        let form = self
            .get("/sign-in/code", Some(&User::cookie_only(waiting_cookie)))
            .await;
        let csrf = csrf_token(&form.text().await.expect("body"));
        let code = self.next_code(username).await;
        let response = self
            .client
            .post(format!("{}/sign-in/code", self.base))
            .header("Cookie", waiting_cookie)
            .form(&[("code", code.as_str()), ("csrf_token", &csrf)])
            .send()
            .await
            .expect("request sent");
        assert_eq!(location(&response), "/schools", "{username}'s code is taken");
        session_cookie(&response).expect("the signed-in session")
    }

    /// A code the server will take for the account: of this half-minute, or of the next where
    /// this one's has been used, waiting for the half-minute to pass where both have.
    pub async fn next_code(&self, username: &str) -> String {
        let account = self
            .store
            .credentials(username)
            .await
            .expect("reads")
            .expect("an account");
        let factor = self
            .store
            .second_factor(account.account_id)
            .await
            .expect("reads")
            .expect("an authenticator key");
        loop {
            let now = chrono::Utc::now().timestamp();
            let step = (now / 30).max(factor.last_step.map_or(0, |used| used + 1));
            if step <= now / 30 + 1 {
                return authenticator_code(&factor.secret, step * 30);
            }
            tokio::time::sleep(std::time::Duration::from_secs((30 - now % 30) as u64)).await;
        }
    }

    /// Sets up an authenticator as a user would: reads the key the page offers and enters its code.
    pub async fn set_up_authenticator(&self, cookie: &str) -> String {
        let (status, page) = self.text("/account/two-factor", &User::cookie_only(cookie)).await;
        assert_eq!(status, StatusCode::OK);
        let key = offered_key(&page);
        let code = authenticator_code(&key, chrono::Utc::now().timestamp());
        let user = User {
            cookie: cookie.to_owned(),
            csrf: csrf_token(&page),
        };
        let response = self.post_form("/account/two-factor", &user, &[("code", &code)]).await;
        assert_eq!(
            location(&response),
            "/account?done=two-factor",
            "the code confirms the key"
        );
        key
    }
}

impl User {
    fn cookie_only(cookie: &str) -> User {
        User {
            cookie: cookie.to_owned(),
            csrf: String::new(),
        }
    }
}

pub fn location(response: &reqwest::Response) -> &str {
    response
        .headers()
        .get(reqwest::header::LOCATION)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
}

/// The key the set-up page offers to type in, without its spaces.
pub fn offered_key(page: &str) -> String {
    let start = page.find("<code id=\"key\"").expect("the page offers a key");
    let text = &page[start..];
    let text = &text[text.find('>').expect("tag ends") + 1..];
    text[..text.find('<').expect("key ends")].split_whitespace().collect()
}

/// The code an authenticator app shows for a key at a time (RFC 6238's defaults).
pub fn authenticator_code(key: &str, unix_seconds: i64) -> String {
    let bytes = totp_rs::Secret::Encoded(key.to_owned())
        .to_bytes()
        .expect("a base32 key");
    totp_rs::TOTP::new(totp_rs::Algorithm::SHA1, 6, 0, 30, bytes)
        .expect("a key of 160 bits")
        .generate(unix_seconds as u64)
}

pub fn csv_records(bytes: &[u8]) -> (Vec<String>, Vec<Vec<String>>) {
    let mut reader = csv::Reader::from_reader(bytes);
    let headers = reader.headers().expect("headers").iter().map(str::to_owned).collect();
    let rows = reader
        .records()
        .map(|record| record.expect("record").iter().map(str::to_owned).collect())
        .collect();
    (headers, rows)
}

pub fn column(headers: &[String], name: &str) -> usize {
    headers
        .iter()
        .position(|heading| heading.starts_with(name))
        .unwrap_or_else(|| panic!("no column {name}"))
}

/// The real data files: `STRIDE_DATA_DIR`, or the `shared/data` folder beside the repository.
pub fn real_data(path: &str) -> PathBuf {
    std::env::var_os("STRIDE_DATA_DIR")
        .map(PathBuf::from)
        .or_else(|| {
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .ancestors()
                .map(|folder| folder.join("shared/data"))
                .find(|candidate| candidate.is_dir())
        })
        .expect("the real data files are needed")
        .join(path)
}

/// A database of its own with the synthetic authority in it, for a test that changes what is held.
pub async fn generated_database(directory: &tempfile::TempDir) -> (PathBuf, std::sync::Arc<dyn stride_store::Store>) {
    let database = directory.path().join("own.sqlite");
    let store = stride_store::open(database.to_str().expect("utf-8"))
        .await
        .expect("opens");
    stride::generate_into(&store, SEED, |_| {}).await.expect("generates");
    (database, store)
}

impl Server {
    /// Posts a form as the user, with their CSRF token; the response is not followed.
    pub async fn post_form(&self, path: &str, user: &User, fields: &[(&str, &str)]) -> reqwest::Response {
        let mut form: Vec<(&str, &str)> = fields.to_vec();
        form.push(("csrf_token", &user.csrf));
        self.client
            .post(format!("{}{path}", self.base))
            .header("Cookie", &user.cookie)
            .form(&form)
            .send()
            .await
            .expect("request sent")
    }
}

/// The day the intervention tests are served as on, a few days after the synthetic data's.
pub fn intervention_day() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2026, 11, 24).expect("a date")
}

pub async fn intervention_server(directory: &tempfile::TempDir) -> (Server, std::sync::Arc<dyn stride_store::Store>) {
    let (database, store) = generated_database(directory).await;
    let config = Config {
        today: Some(intervention_day()),
        ..Config::default()
    };
    (server_with(&database, config).await, store)
}
