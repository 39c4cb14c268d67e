//! The integration harness: every test runs once on SQLite (a temporary file)
//! and once on PostgreSQL (a fresh database, dropped afterwards) when
//! GONGKAI_TEST_POSTGRES_URL names a server. Tests drive the application over
//! real HTTP with a cookie jar and the CSRF tokens the pages carry.
#![allow(dead_code)]

pub mod ledgers;

use diesel::Connection;
use diesel::connection::SimpleConnection;
use gongkai::config::{MailConfig, WebConfig};
use gongkai::db::{self, DbConn, audit::Actor};
use gongkai::service;
use std::net::TcpListener;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Runs each named `async fn(TestApp)` on both backends, as `NAME::sqlite`
/// and `NAME::postgres`.
#[macro_export]
#[allow(clippy::crate_in_macro_def)] // the test crate that calls it holds `common`
macro_rules! both_backends {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let app = crate::common::TestApp::spawn(crate::common::Backend::Sqlite)
                    .await
                    .expect("SQLite is always available");
                super::$name(app).await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                match crate::common::TestApp::spawn(crate::common::Backend::Postgres).await {
                    Some(app) => super::$name(app).await,
                    None => eprintln!("PostgreSQL run skipped: GONGKAI_TEST_POSTGRES_URL is not set"),
                }
            }
        }
    )*};
}

pub const PASSWORD: &str = "correct horse battery";

/// A database made for one test; dropped with it.
pub struct TestDb {
    pub url: String,
    pub backend: Backend,
    _dir: Option<tempfile::TempDir>,
    pg_admin: Option<(String, String)>,
}

impl TestDb {
    pub fn new(backend: Backend) -> Option<TestDb> {
        match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().expect("temporary directory");
                let url = format!("sqlite://{}", dir.path().join("test.db").display());
                Some(TestDb {
                    url,
                    backend,
                    _dir: Some(dir),
                    pg_admin: None,
                })
            }
            Backend::Postgres => {
                let admin_url = std::env::var("GONGKAI_TEST_POSTGRES_URL").ok()?;
                let name = format!("gongkai_test_{}", uuid::Uuid::new_v4().simple());
                let mut admin = diesel::PgConnection::establish(&admin_url)
                    .expect("GONGKAI_TEST_POSTGRES_URL must name a reachable server");
                admin
                    .batch_execute(&format!("CREATE DATABASE {name}"))
                    .expect("create the test database");
                let mut url = url::Url::parse(&admin_url).expect("a URL");
                url.set_path(&format!("/{name}"));
                Some(TestDb {
                    url: url.to_string(),
                    backend,
                    _dir: None,
                    pg_admin: Some((admin_url, name)),
                })
            }
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some((admin_url, name)) = &self.pg_admin
            && let Ok(mut c) = diesel::PgConnection::establish(admin_url)
        {
            let _ = c.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
        }
    }
}

pub struct TestApp {
    pub base: String,
    pub state: actix_web::web::Data<gongkai::web::AppState>,
    pub pool: db::Pool,
    pub db: TestDb,
    handle: actix_web::dev::ServerHandle,
}

/// One gongkai process serving a database (tests may start a second one on
/// the same database, as offices do behind a proxy).
fn start_server(
    pool: db::Pool,
    key: actix_web::cookie::Key,
    cookie_secure: bool,
) -> (
    String,
    actix_web::web::Data<gongkai::web::AppState>,
    actix_web::dev::ServerHandle,
) {
    start_server_with(pool, key, cookie_secure, MailConfig::default(), "")
}

fn start_server_with(
    pool: db::Pool,
    key: actix_web::cookie::Key,
    cookie_secure: bool,
    mail: MailConfig,
    trusted_proxies: &str,
) -> (
    String,
    actix_web::web::Data<gongkai::web::AppState>,
    actix_web::dev::ServerHandle,
) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let state = actix_web::web::Data::new(gongkai::web::AppState::new(pool).with_mail(mail));
    let config = WebConfig {
        bind: String::new(),
        secret_key: None,
        cookie_secure,
        workers: 2,
        trusted_proxies: gongkai::config::parse_proxies(trusted_proxies).unwrap(),
    };
    let (tx, rx) = std::sync::mpsc::channel();
    let shared = state.clone();
    std::thread::spawn(move || {
        actix_web::rt::System::new().block_on(async move {
            let server = gongkai::web::build_server(listener, state, key, &config).unwrap();
            tx.send(server.handle()).unwrap();
            let _ = server.await;
        })
    });
    (base, shared, rx.recv().unwrap())
}

/// A second process on the same database.
pub struct Instance {
    pub base: String,
    pub state: actix_web::web::Data<gongkai::web::AppState>,
    handle: actix_web::dev::ServerHandle,
    /// Its mail worker, when it runs one (`TestApp::mail_instance`).
    pub worker: Option<gongkai::service::mail::worker::Handle>,
}

impl Instance {
    pub fn browser(&self) -> Browser {
        Browser::new(&self.base)
    }

    /// Fixes this process's "today" (YYYY-MM-DD).
    pub fn set_today(&self, day: &str) {
        let d = chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d").unwrap();
        *self.state.today_override.write().unwrap() = Some(d);
    }

    /// Stops its mail worker (after the message in hand).
    pub fn stop_worker(&mut self) {
        self.worker = None;
    }
}

impl Drop for Instance {
    fn drop(&mut self) {
        self.worker = None;
        drop(self.handle.stop(false));
    }
}

impl TestApp {
    pub async fn spawn(backend: Backend) -> Option<TestApp> {
        Self::spawn_configured(backend, false).await
    }

    /// Like `spawn`, with the session and language cookies marked `Secure`.
    pub async fn spawn_configured(backend: Backend, cookie_secure: bool) -> Option<TestApp> {
        let db = TestDb::new(backend)?;
        let pool = db::open_pool(&db.url, 4).expect("open the test database");
        {
            let mut c = pool.get().unwrap();
            db::run_migrations(&mut c).expect("migrations apply");
            service::bootstrap::ensure(&mut c).expect("bootstrap");
        }
        let mut c = pool.get().unwrap();
        let key = gongkai::web::session_key(&mut c, None).unwrap();
        drop(c);
        let (base, state, handle) = start_server(pool.clone(), key, cookie_secure);
        Some(TestApp {
            base,
            state,
            pool,
            db,
            handle,
        })
    }

    /// Another gongkai process on this test's database, with its own pool.
    pub fn another_instance(&self) -> Instance {
        let pool = db::open_pool(&self.db.url, 4).expect("open the test database");
        let mut c = pool.get().unwrap();
        let key = gongkai::web::session_key(&mut c, None).unwrap();
        drop(c);
        let (base, state, handle) = start_server(pool, key, false);
        *state.today_override.write().unwrap() = *self.state.today_override.read().unwrap();
        Instance {
            base,
            state,
            handle,
            worker: None,
        }
    }

    /// Another gongkai process on this test's database behind a reverse proxy at
    /// `trusted` (GONGKAI_TRUSTED_PROXIES): it believes that proxy's X-Forwarded-For.
    pub fn proxied_instance(&self, trusted: &str) -> Instance {
        let pool = db::open_pool(&self.db.url, 4).expect("open the test database");
        let mut c = pool.get().unwrap();
        let key = gongkai::web::session_key(&mut c, None).unwrap();
        drop(c);
        let (base, state, handle) =
            start_server_with(pool, key, false, MailConfig::default(), trusted);
        *state.today_override.write().unwrap() = *self.state.today_override.read().unwrap();
        Instance {
            base,
            state,
            handle,
            worker: None,
        }
    }

    /// Another gongkai process on this test's database that sends mail as `mail`
    /// configures it, with its mail worker running (as `gongkai serve` does).
    pub fn mail_instance(&self, mail: MailConfig) -> Instance {
        let pool = db::open_pool(&self.db.url, 4).expect("open the test database");
        let mut c = pool.get().unwrap();
        let key = gongkai::web::session_key(&mut c, None).unwrap();
        drop(c);
        let (base, state, handle) = start_server_with(pool.clone(), key, false, mail.clone(), "");
        *state.today_override.write().unwrap() = *self.state.today_override.read().unwrap();
        let today = state.clone();
        let worker = gongkai::service::mail::worker::spawn(pool, &mail, move || today.today())
            .expect("the mail configuration is valid");
        Instance {
            base,
            state,
            handle,
            worker: Some(worker),
        }
    }

    /// Fixes the application's "today" (YYYY-MM-DD).
    pub fn set_today(&self, day: &str) {
        let d = chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d").unwrap();
        *self.state.today_override.write().unwrap() = Some(d);
    }

    pub fn conn(&self) -> db::PooledConn {
        self.pool.get().unwrap()
    }

    /// A new browser with an empty cookie jar.
    pub fn browser(&self) -> Browser {
        Browser::new(&self.base)
    }

    /// Creates an agency directly (setup, not the thing under test).
    pub fn agency(&self, code: &str, name: &str, kind: &str, parent: Option<&str>) -> i64 {
        let mut c = self.conn();
        let parent_id = parent.map(|p| {
            db::agencies::find_by_code(&mut c, p)
                .unwrap()
                .unwrap()
                .id
                .to_string()
        });
        let input = service::agencies::AgencyInput {
            code: code.into(),
            name: name.into(),
            kind: kind.into(),
            parent_id: parent_id.unwrap_or_default(),
            review_body: format!("{name}的上级人民政府"),
            doc_prefix: code.replace('-', ""),
            ..Default::default()
        };
        service::agencies::create(&mut c, &Actor::system(), &input).unwrap()
    }

    /// Creates an account with the test password directly.
    pub fn user(&self, username: &str, role: &str, agency: Option<&str>) -> i64 {
        let mut c = self.conn();
        let agency_id = agency
            .map(|a| {
                db::agencies::find_by_code(&mut c, a)
                    .unwrap()
                    .unwrap()
                    .id
                    .to_string()
            })
            .unwrap_or_default();
        let input = service::users::UserInput {
            username: username.into(),
            display_name: username.into(),
            role: role.into(),
            agency_id,
            ..Default::default()
        };
        service::users::create(&mut c, &Actor::system(), &input, Some(PASSWORD))
            .unwrap()
            .0
    }

    /// Gives an account an e-mail address, as an administrator would; returns its id.
    pub fn set_email(&self, username: &str, email: &str) -> i64 {
        self.with_conn(|c| {
            let u = db::users::find_by_username(c, username).unwrap().unwrap();
            db::users::update_profile(c, u.id, &u.display_name, email, &u.role, u.agency_id)
                .unwrap();
            u.id
        })
    }

    /// A browser signed in as a new account of this role.
    pub async fn signed_in(&self, username: &str, role: &str, agency: Option<&str>) -> Browser {
        self.user(username, role, agency);
        let b = self.browser();
        b.login(username, PASSWORD).await.assert_redirect("/");
        b
    }

    pub fn with_conn<T>(&self, f: impl FnOnce(&mut DbConn) -> T) -> T {
        f(&mut self.conn())
    }

    /// A land bureau under a city government, its clerk `wang` and the city's
    /// supervisor `boss`; today is 2024-09-27 (a case received then is due 2024-10-30).
    pub fn office(&self) {
        self.agency("CZ", "常州市人民政府", "government", None);
        self.agency("CZ-GTJ", "常州市国土资源局", "department", Some("CZ"));
        self.user("wang", "clerk", Some("CZ-GTJ"));
        self.user("boss", "supervisor", Some("CZ"));
        self.set_today("2024-09-27");
    }

    /// A browser signed in as an existing account.
    pub async fn login(&self, username: &str) -> Browser {
        let b = self.browser();
        b.login(username, PASSWORD).await.assert_redirect("/");
        b
    }

    /// An agency's id, as its forms post it.
    pub fn agency_id(&self, code: &str) -> String {
        self.with_conn(|c| {
            db::agencies::find_by_code(c, code)
                .unwrap()
                .unwrap()
                .id
                .to_string()
        })
    }

    /// A case as stored.
    pub fn stored(&self, id: i64) -> db::cases::Case {
        self.with_conn(|c| db::cases::find(c, id).unwrap().unwrap())
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        drop(self.handle.stop(false));
    }
}

pub struct Browser {
    pub base: String,
    pub client: reqwest::Client,
    jar: std::sync::Arc<reqwest::cookie::Jar>,
}

#[derive(Debug)]
pub struct Page {
    pub status: u16,
    pub body: String,
    pub location: Option<String>,
    pub headers: reqwest::header::HeaderMap,
}

impl Page {
    pub fn assert_ok(&self) -> &Page {
        assert_eq!(
            self.status, 200,
            "expected 200, got {}: {}",
            self.status, self.body
        );
        self
    }
    pub fn assert_status(&self, status: u16) -> &Page {
        assert_eq!(
            self.status, status,
            "expected {status}, got {}: {}",
            self.status, self.body
        );
        self
    }
    pub fn assert_redirect(&self, to: &str) -> &Page {
        assert_eq!(
            self.status, 303,
            "expected a redirect to {to}, got {}: {}",
            self.status, self.body
        );
        assert_eq!(self.location.as_deref(), Some(to));
        self
    }
    pub fn assert_contains(&self, text: &str) -> &Page {
        assert!(
            self.body.contains(text),
            "page lacks {text:?}:\n{}",
            self.body
        );
        self
    }
    pub fn assert_lacks(&self, text: &str) -> &Page {
        assert!(
            !self.body.contains(text),
            "page should not contain {text:?}:\n{}",
            self.body
        );
        self
    }
    /// The CSRF token of the first form on the page.
    pub fn csrf(&self) -> String {
        let doc = scraper::Html::parse_document(&self.body);
        let sel = scraper::Selector::parse("input[name=csrf_token]").unwrap();
        doc.select(&sel)
            .next()
            .and_then(|e| e.value().attr("value"))
            .expect("the page has a form with a CSRF token")
            .to_string()
    }
    /// Text of the elements matching a CSS selector.
    pub fn texts(&self, selector: &str) -> Vec<String> {
        let doc = scraper::Html::parse_document(&self.body);
        let sel = scraper::Selector::parse(selector).unwrap();
        doc.select(&sel)
            .map(|e| e.text().collect::<String>().trim().to_string())
            .collect()
    }
}

impl Browser {
    pub fn new(base: &str) -> Browser {
        let jar = std::sync::Arc::new(reqwest::cookie::Jar::default());
        Browser {
            base: base.to_string(),
            client: reqwest::Client::builder()
                .cookie_provider(jar.clone())
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            jar,
        }
    }

    /// A browser whose every request carries a header (as a proxy in front adds one).
    pub fn with_header(base: &str, name: &'static str, value: &str) -> Browser {
        let jar = std::sync::Arc::new(reqwest::cookie::Jar::default());
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert(name, value.parse().unwrap());
        Browser {
            base: base.to_string(),
            client: reqwest::Client::builder()
                .cookie_provider(jar.clone())
                .redirect(reqwest::redirect::Policy::none())
                .default_headers(headers)
                .build()
                .unwrap(),
            jar,
        }
    }

    /// The cookies this browser holds, as a `Cookie` header would send them.
    pub fn cookies(&self) -> String {
        use reqwest::cookie::CookieStore;
        let url = self.base.parse().unwrap();
        self.jar
            .cookies(&url)
            .map(|h| h.to_str().unwrap().to_string())
            .unwrap_or_default()
    }

    /// A new browser holding a saved copy of cookies (`cookies()` of another).
    pub fn with_cookies(base: &str, cookies: &str) -> Browser {
        let b = Browser::new(base);
        let url = base.parse().unwrap();
        for c in cookies.split("; ") {
            b.jar.add_cookie_str(c, &url);
        }
        b
    }

    async fn page(resp: reqwest::Response) -> Page {
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let location = headers
            .get("location")
            .and_then(|l| l.to_str().ok())
            .map(str::to_string);
        Page {
            status,
            body: resp.text().await.unwrap(),
            location,
            headers,
        }
    }

    pub async fn get(&self, path: &str) -> Page {
        Self::page(
            self.client
                .get(format!("{}{path}", self.base))
                .send()
                .await
                .unwrap(),
        )
        .await
    }

    /// Posts fields exactly as given (no token added).
    pub async fn post_raw(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        let resp = self
            .client
            .post(format!("{}{path}", self.base))
            .form(fields)
            .send()
            .await
            .unwrap();
        Self::page(resp).await
    }

    /// Posts a form with files (multipart/form-data), as a browser does with
    /// `enctype="multipart/form-data"`: text fields, then (field, file name, bytes).
    pub async fn post_files(
        &self,
        path: &str,
        fields: &[(&str, &str)],
        files: &[(&str, &str, &[u8])],
    ) -> Page {
        let mut form = reqwest::multipart::Form::new();
        for (k, v) in fields {
            form = form.text(k.to_string(), v.to_string());
        }
        for (field, name, bytes) in files {
            let part = reqwest::multipart::Part::bytes(bytes.to_vec())
                .file_name(name.to_string())
                .mime_str("application/octet-stream")
                .unwrap();
            form = form.part(field.to_string(), part);
        }
        let resp = self
            .client
            .post(format!("{}{path}", self.base))
            .multipart(form)
            .send()
            .await
            .unwrap();
        Self::page(resp).await
    }

    /// A file's bytes and its headers.
    pub async fn download(&self, path: &str) -> (u16, reqwest::header::HeaderMap, Vec<u8>) {
        let resp = self
            .client
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .unwrap();
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        (status, headers, resp.bytes().await.unwrap().to_vec())
    }

    /// Opens `page`, takes its CSRF token and posts `fields` to `action`,
    /// as a browser submitting that page's form does.
    pub async fn submit(&self, page: &str, action: &str, fields: &[(&str, &str)]) -> Page {
        let form_page = self.get(page).await;
        form_page.assert_ok();
        let token = form_page.csrf();
        let mut all: Vec<(&str, &str)> = vec![("csrf_token", token.as_str())];
        all.extend_from_slice(fields);
        self.post_raw(action, &all).await
    }

    pub async fn login(&self, username: &str, password: &str) -> Page {
        self.submit(
            "/login",
            "/login",
            &[("username", username), ("password", password)],
        )
        .await
    }
}

/// Runs the built `gongkai` binary against a database; returns (status, stdout, stderr).
pub fn cli(db_url: &str, args: &[&str], stdin: Option<&str>) -> (i32, String, String) {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_gongkai"))
        .arg("--database-url")
        .arg(db_url)
        .args(args)
        .env("GONGKAI_LOG", "warn")
        .env_remove("GONGKAI_DATABASE_URL")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    {
        let mut input = child.stdin.take().unwrap();
        if let Some(s) = stdin {
            input.write_all(s.as_bytes()).unwrap();
        }
    }
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

// ---- case pages, as a clerk drives them

/// The value of a form input on a page.
pub fn form_value(page: &Page, name: &str) -> String {
    let doc = scraper::Html::parse_document(&page.body);
    let sel = scraper::Selector::parse(&format!("input[name={name}]")).unwrap();
    doc.select(&sel)
        .next()
        .and_then(|e| e.value().attr("value"))
        .unwrap_or("")
        .to_string()
}

/// The case a redirect leads to.
pub fn case_id(p: &Page) -> i64 {
    assert_eq!(p.status, 303, "expected a redirect to the case: {}", p.body);
    p.location
        .as_deref()
        .unwrap()
        .trim_start_matches("/cases/")
        .parse()
        .unwrap()
}

/// Fills the intake form for an in-person request at an agency (by id),
/// with overrides, as a clerk would.
pub async fn intake_at(b: &Browser, agency_id: &str, overrides: &[(&str, &str)]) -> Page {
    let form = b.get("/cases/new").await;
    form.assert_ok();
    let token = form.csrf();
    let form_token = form_value(&form, "form_token");
    let mut fields: Vec<(&str, String)> = vec![
        ("csrf_token", token),
        ("form_token", form_token),
        ("r_kind", "natural_person".into()),
        ("r_name", "张三".into()),
        ("r_id_type", "resident_id".into()),
        ("r_id_number", "11010519491231002X".into()),
        ("r_phone", "13800000000".into()),
        ("r_address", "常州市新北区某路1号".into()),
        ("agency_id", agency_id.to_string()),
        ("channel", "in_person".into()),
        ("arrived_on", "2024-09-27".into()),
        ("subject", "2023年某地块征地补偿安置方案".into()),
        ("delivery_form", "paper".into()),
        ("topic", "征地拆迁".into()),
    ];
    for (k, v) in overrides {
        fields.retain(|(f, _)| f != k);
        fields.push((k, v.to_string()));
    }
    let borrowed: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    b.post_raw("/cases/new", &borrowed).await
}

/// Posts an action form from the case page (token and version as the page has them).
pub async fn act(b: &Browser, id: i64, action: &str, fields: &[(&str, &str)]) -> Page {
    let page = b.get(&format!("/cases/{id}")).await;
    page.assert_ok();
    let token = page.csrf();
    let version = form_value(&page, "version");
    let mut all = vec![
        ("csrf_token", token.as_str()),
        ("version", version.as_str()),
    ];
    all.extend_from_slice(fields);
    b.post_raw(&format!("/cases/{id}/act/{action}"), &all).await
}

/// Issues a letter from the case page and returns its text as printed.
pub async fn letter_text(b: &Browser, id: i64, kind: &str) -> String {
    let r = issue(b, id, kind).await;
    assert_eq!(r.status, 303, "{kind}: {}", r.body);
    let page = b.get(r.location.as_deref().unwrap()).await;
    page.assert_ok();
    page.texts(".paper").join("\n")
}

/// Issues a letter from the case page.
pub async fn issue(b: &Browser, id: i64, kind: &str) -> Page {
    let page = b.get(&format!("/cases/{id}")).await;
    let token = page.csrf();
    let version = form_value(&page, "version");
    b.post_raw(
        &format!("/cases/{id}/letters"),
        &[
            ("csrf_token", &token),
            ("version", &version),
            ("kind", kind),
        ],
    )
    .await
}

/// A date written as YYYY-MM-DD.
pub fn date(s: &str) -> chrono::NaiveDate {
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// Polls `f` until it gives a value (20 seconds at most).
pub async fn until<T>(what: &str, mut f: impl FnMut() -> Option<T>) -> T {
    for _ in 0..400 {
        if let Some(v) = f() {
            return v;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("timed out waiting for {what}");
}
