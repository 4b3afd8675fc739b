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
    let state = AppState::new(store, config);
    tokio::spawn(stride_web::serve(state, listener));
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    Server { base, client }
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

    pub async fn sign_in(&self, username: &str) -> User {
        let (response, _) = self.try_sign_in(username, PASSWORD).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{username} signs in");
        let cookie = session_cookie(&response).expect("a new session cookie");
        let (_, html) = (
            StatusCode::OK,
            self.get(
                "/schools",
                Some(&User {
                    cookie: cookie.clone(),
                    csrf: String::new(),
                }),
            )
            .await
            .text()
            .await
            .expect("body"),
        );
        User {
            csrf: csrf_token(&html),
            cookie,
        }
    }
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
