//! Real-browser journeys: headless Chromium driven over WebDriver (Debian's
//! `chromium` and `chromium-driver`), typing into fields, picking from
//! selects and pressing buttons as a person would, on both databases.
//!
//! The tests fail, not skip, when chromedriver is missing: `.ci/run` installs
//! it. Screenshots go to the test's temporary directory and are copied to
//! /tmp/gongkai-screens/ for a person to look at.

mod common;
use common::{PASSWORD, TestApp};
use fantoccini::elements::Element;
use fantoccini::error::CmdError;
use fantoccini::{Client, ClientBuilder, Locator};
use gongkai::db::{self, audit::Actor};
use gongkai::domain::calendar::Calendar;
use gongkai::domain::letters::{LetterKind, remedies_paragraph};
use gongkai::domain::outcome::Outcome;
use gongkai::service;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

both_backends!(
    first_admin_login_and_agency_setup,
    clerk_intake_to_answer_letter,
    supervisor_approves_extension,
    letters_print_on_a4,
    review_and_sign_off_then_the_record_printed,
    the_yearly_report_opened_downloaded_and_finalised,
    apply_online_confirm_and_track,
    forwarded_then_sent_to_a_drafting_unit,
);

const CHROMEDRIVER: &str = "chromedriver";
const CHROMIUM: &str = "/usr/bin/chromium";
/// How long to wait for a page to show what a step expects.
const WAIT: Duration = Duration::from_secs(10);
/// Where copies of the screenshots are left for a person to look at.
const SCREENS: &str = "/tmp/gongkai-screens";

/// A chromedriver process (in its own process group, with the Chromium it
/// starts) and one headless browser session; all of it is killed on drop.
struct Browser {
    client: Option<Client>,
    driver: Child,
    port: u16,
    base: String,
    label: String,
    dir: tempfile::TempDir,
    started: Instant,
}

/// Whether Chromium and chromedriver are here. A plain `cargo test` on a
/// machine with only Rust skips these journeys and says so; under CI (which
/// installs both) their absence is a failure.
fn have_browser() -> bool {
    let present = std::path::Path::new(CHROMIUM).exists() && which_chromedriver();
    if !present {
        assert!(
            std::env::var_os("CI").is_none(),
            "chromedriver or chromium is not installed: install Debian's chromium and \
             chromium-driver (apt-get install -y chromium chromium-driver; .ci/run does this)"
        );
        eprintln!("browser journey skipped: install chromium and chromium-driver to run it");
    }
    present
}

fn which_chromedriver() -> bool {
    std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|d| d.join(CHROMEDRIVER).is_file()))
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Starts chromedriver (leading a process group of its own) and waits until it answers.
async fn start_driver(port: u16) -> Result<Child, String> {
    use std::os::unix::process::CommandExt;
    let driver = Command::new(CHROMEDRIVER)
        .arg(format!("--port={port}"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .process_group(0)
        .spawn();
    let mut driver = match driver {
        Ok(child) => child,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => panic!(
            "chromedriver is not installed: install Debian's chromium-driver \
             (apt-get install -y chromium chromium-driver; .ci/run does this)"
        ),
        Err(e) => panic!("could not start chromedriver: {e}"),
    };
    let http = reqwest::Client::new();
    let deadline = Instant::now() + WAIT;
    loop {
        if let Some(status) = driver.try_wait().unwrap() {
            return Err(format!(
                "chromedriver on port {port} exited at start ({status})"
            ));
        }
        if let Ok(r) = http
            .get(format!("http://127.0.0.1:{port}/status"))
            .send()
            .await
            && r.status().is_success()
        {
            // Still ours: not another process that had the port.
            if driver.try_wait().unwrap().is_none() {
                return Ok(driver);
            }
        }
        if Instant::now() > deadline {
            let _ = driver.kill();
            let _ = driver.wait();
            return Err(format!("chromedriver did not answer on port {port}"));
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

impl Browser {
    /// Starts chromedriver on a free port and opens a headless Chromium session.
    async fn launch(app: &TestApp, test: &str) -> Browser {
        let started = Instant::now();
        // Both of rustls's providers are linked into the tests; say which one to use
        // (a second call finds it set, which is fine).
        let _ = rustls::crypto::ring::default_provider().install_default();
        if !Path::new(CHROMIUM).exists() {
            panic!(
                "{CHROMIUM} is missing: install Debian's chromium and chromium-driver \
                 (apt-get install -y chromium chromium-driver; .ci/run does this)"
            );
        }
        let dir = tempfile::tempdir().expect("temporary directory");
        // The free port may be taken again before chromedriver binds it: then try another.
        let mut attempt = 0;
        let (driver, port) = loop {
            attempt += 1;
            let port = free_port();
            match start_driver(port).await {
                Ok(driver) => break (driver, port),
                Err(why) if attempt < 3 => eprintln!("{why}; trying another port"),
                Err(why) => panic!("{why}"),
            }
        };
        let webdriver = format!("http://127.0.0.1:{port}");
        let profile = dir.path().join("profile");
        let caps = serde_json::json!({
            "browserName": "chrome",
            "goog:loggingPrefs": { "browser": "ALL" },
            "goog:chromeOptions": {
                "binary": CHROMIUM,
                "args": [
                    "--headless=new",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-dev-shm-usage",
                    "--disable-quic",
                    "--no-first-run",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    "--window-size=1366,900",
                    format!("--user-data-dir={}", profile.display()),
                ],
            },
        });
        let serde_json::Value::Object(caps) = caps else {
            unreachable!()
        };
        let mut browser = Browser {
            client: None,
            driver,
            port,
            base: app.base.clone(),
            label: format!("{test}-{:?}", app.db.backend).to_lowercase(),
            dir,
            started,
        };
        let client = ClientBuilder::rustls()
            .expect("rustls")
            .capabilities(caps)
            .connect(&webdriver)
            .await
            .expect("chromedriver opens a Chromium session");
        browser.client = Some(client);
        browser
    }

    fn c(&self) -> &Client {
        self.client.as_ref().expect("an open session")
    }

    /// Types an address into the address bar.
    async fn open(&self, path: &str) {
        self.c()
            .goto(&format!("{}{path}", self.base))
            .await
            .unwrap();
    }

    /// The path (and query) of the page shown.
    async fn path(&self) -> String {
        let url = self.c().current_url().await.unwrap();
        match url.query() {
            Some(q) => format!("{}?{q}", url.path()),
            None => url.path().to_string(),
        }
    }

    async fn find(&self, css: &str) -> Element {
        match self.c().find(Locator::Css(css)).await {
            Ok(e) => e,
            Err(e) => self.fail(&format!("no element {css:?} ({e})")).await,
        }
    }

    async fn find_xpath(&self, xpath: &str) -> Element {
        match self.c().find(Locator::XPath(xpath)).await {
            Ok(e) => e,
            Err(e) => self.fail(&format!("no element {xpath:?} ({e})")).await,
        }
    }

    /// The visible text of the whole page.
    async fn text(&self) -> String {
        self.find("body").await.text().await.unwrap_or_default()
    }

    async fn text_of(&self, css: &str) -> String {
        self.find(css)
            .await
            .text()
            .await
            .unwrap()
            .trim()
            .to_string()
    }

    /// Saves a screenshot and the page text, then fails with both named.
    async fn fail(&self, what: &str) -> ! {
        let shot = self.screenshot("failure").await;
        let url = self.c().current_url().await.map(|u| u.to_string());
        let text = match self.c().find(Locator::Css("body")).await {
            Ok(b) => b.text().await.unwrap_or_default(),
            Err(_) => String::new(),
        };
        panic!(
            "{what}\n  at {url:?} (screenshot {})\n--- page text ---\n{text}",
            shot.display()
        );
    }

    /// Waits until the page shows `needle`.
    async fn expect_text(&self, needle: &str) {
        let deadline = Instant::now() + WAIT;
        loop {
            if self.text().await.contains(needle) {
                return;
            }
            if Instant::now() > deadline {
                self.fail(&format!("the page does not show {needle:?}"))
                    .await;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    async fn expect_path(&self, path: &str) {
        let deadline = Instant::now() + WAIT;
        while self.path().await != path {
            if Instant::now() > deadline {
                self.fail(&format!("expected to be on {path}")).await;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Clears a field and types into it.
    async fn fill(&self, css: &str, text: &str) {
        fill(&self.find(css).await, text).await;
    }

    /// Picks the option with this visible label.
    async fn choose(&self, select_css: &str, label: &str) {
        choose(&self.find(select_css).await, label).await;
    }

    /// Clicks an element that submits a form or follows a link, and waits for
    /// the next page to load.
    async fn click_and_wait(&self, target: &Element) {
        let old = self.find("html").await;
        target.click().await.unwrap();
        let deadline = Instant::now() + WAIT;
        loop {
            match old.tag_name().await {
                Err(CmdError::Standard(e))
                    if e.error == fantoccini::error::ErrorStatus::StaleElementReference =>
                {
                    break;
                }
                _ if Instant::now() > deadline => {
                    self.fail("clicking did not lead to a new page").await;
                }
                _ => tokio::time::sleep(Duration::from_millis(50)).await,
            }
        }
        // The new document is complete before anything is read from it.
        while self
            .c()
            .execute("return document.readyState", vec![])
            .await
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .as_deref()
            != Some("complete")
        {
            if Instant::now() > deadline {
                self.fail("the page did not finish loading").await;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Presses the button labelled `label` inside `scope` (an XPath), and waits for the answer.
    async fn press_in(&self, scope: &str, label: &str) {
        let button = self
            .find_xpath(&format!(
                "{scope}//button[normalize-space(.)={}]",
                xpath_str(label)
            ))
            .await;
        self.click_and_wait(&button).await;
    }

    /// Presses the button in the page's main part labelled `label`.
    async fn press(&self, label: &str) {
        self.press_in("//main", label).await;
    }

    /// Follows the link labelled `label`.
    async fn follow(&self, label: &str) {
        let link = self
            .find_xpath(&format!("//a[normalize-space(.)={}]", xpath_str(label)))
            .await;
        self.click_and_wait(&link).await;
    }

    /// Opens a collapsed `<details>` of the case page by its summary.
    async fn open_details(&self, summary: &str) -> Element {
        let s = self
            .find_xpath(&format!(
                "//details/summary[normalize-space(.)={}]",
                xpath_str(summary)
            ))
            .await;
        s.click().await.unwrap();
        let details = self
            .find_xpath(&format!(
                "//details[summary[normalize-space(.)={}]]",
                xpath_str(summary)
            ))
            .await;
        assert!(
            details.attr("open").await.unwrap().is_some(),
            "{summary} did not open"
        );
        details
    }

    /// Signs in and waits to land where the application sends this account.
    async fn login(&self, username: &str, password: &str, lands_on: &str) {
        self.open("/login").await;
        self.fill("#username", username).await;
        self.fill("#password", password).await;
        self.press("登录").await;
        self.expect_path(lands_on).await;
    }

    async fn logout(&self) {
        self.press_in("//header", "退出").await;
        self.expect_path("/login").await;
    }

    /// A PNG of the window, in the test's directory (and a copy in /tmp/gongkai-screens/).
    async fn screenshot(&self, name: &str) -> PathBuf {
        let png = self.c().screenshot().await.expect("a screenshot");
        let file = format!("{}-{name}.png", self.label);
        let path = self.dir.path().join(&file);
        std::fs::write(&path, &png).unwrap();
        if std::fs::create_dir_all(SCREENS).is_ok() {
            let _ = std::fs::write(Path::new(SCREENS).join(&file), &png);
        }
        path
    }

    /// Messages of level SEVERE in the browser's console since the last call,
    /// less Chromium's own request for /favicon.ico (the application has none).
    async fn console_errors(&self) -> Vec<String> {
        let session = self.c().session_id().await.unwrap().expect("a session");
        let r: serde_json::Value = reqwest::Client::new()
            .post(format!(
                "http://127.0.0.1:{}/session/{session}/se/log",
                self.port
            ))
            .json(&serde_json::json!({ "type": "browser" }))
            .send()
            .await
            .expect("chromedriver answers")
            .json()
            .await
            .expect("a JSON answer");
        r["value"]
            .as_array()
            .unwrap_or_else(|| panic!("no log entries in {r}"))
            .iter()
            .filter(|e| e["level"] == "SEVERE")
            .filter(|e| {
                !e["message"]
                    .as_str()
                    .is_some_and(|m| m.contains("/favicon.ico "))
            })
            .map(|e| e["message"].as_str().unwrap_or_default().to_string())
            .collect()
    }

    /// Ends the session (Chromium quits) and reports the time since launch.
    async fn close(mut self) {
        if let Some(c) = self.client.take() {
            c.close().await.unwrap();
        }
        eprintln!(
            "{}: browser journey took {:.1} s",
            self.label,
            self.started.elapsed().as_secs_f64()
        );
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        // chromedriver leads its own process group, and Chromium stays in it.
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{}", self.driver.id())])
            .stderr(Stdio::null())
            .status();
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

async fn fill(field: &Element, text: &str) {
    field.clear().await.unwrap();
    field.send_keys(text).await.unwrap();
    assert_eq!(
        field.prop("value").await.unwrap().as_deref(),
        Some(text),
        "the field took what was typed"
    );
}

async fn choose(select: &Element, label: &str) {
    let option = select
        .find(Locator::XPath(&format!(
            ".//option[normalize-space(.)={}]",
            xpath_str(label)
        )))
        .await
        .unwrap_or_else(|e| panic!("no option {label:?}: {e}"));
    option.click().await.unwrap();
    assert!(option.is_selected().await.unwrap(), "{label} is selected");
}

/// A string literal for XPath (labels here never hold both kinds of quote).
fn xpath_str(s: &str) -> String {
    if s.contains('\'') {
        format!("\"{s}\"")
    } else {
        format!("'{s}'")
    }
}

fn calendar() -> Calendar {
    Calendar::from_csv_str(include_str!("../data/holidays-cn.csv")).unwrap()
}

fn date(s: &str) -> chrono::NaiveDate {
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn assert_png(path: &Path) {
    let bytes = std::fs::read(path).unwrap();
    assert!(
        bytes.len() > 1000 && bytes.starts_with(b"\x89PNG\r\n\x1a\n"),
        "{} is not a real PNG ({} bytes)",
        path.display(),
        bytes.len()
    );
}

/// A city government with one department, its clerk and the government's supervisor.
fn setup(app: &TestApp) {
    app.agency("CZ", "常州市人民政府", "government", None);
    app.agency("CZ-GTJ", "常州市国土资源局", "department", Some("CZ"));
    app.user("wang", "clerk", Some("CZ-GTJ"));
    app.user("boss", "supervisor", Some("CZ"));
}

/// From the navigation to the filled intake form, as a clerk at the counter does.
async fn fill_intake(b: &Browser) {
    b.follow("登记申请").await;
    b.expect_path("/cases/new").await;
    b.expect_text("登记政府信息公开申请").await;
    b.choose("#r_kind", "自然人").await;
    b.fill("#r_name", "张三").await;
    b.choose("#r_id_type", "居民身份证").await;
    b.fill("#r_id_number", "11010519491231002X").await;
    b.fill("#r_phone", "13800000000").await;
    b.fill("#r_address", "常州市新北区某路1号").await;
    b.choose("#channel", "当面").await;
    // The day it arrived defaults to today.
    assert_eq!(
        b.find("#arrived_on")
            .await
            .prop("value")
            .await
            .unwrap()
            .as_deref(),
        Some("2024-09-27")
    );
    b.fill("#subject", "2023年某地块征地补偿安置方案").await;
    b.choose("#delivery_form", "纸质").await;
    b.choose("#topic", "征地拆迁").await;
    b.choose("#agency_id", "— 常州市国土资源局").await;
}

async fn first_admin_login_and_agency_setup(app: TestApp) {
    if !have_browser() {
        return;
    }
    let (id, one_time) = app.with_conn(|c| {
        let input = service::users::UserInput {
            username: "li".into(),
            role: "admin".into(),
            ..Default::default()
        };
        service::users::create(c, &Actor::system(), &input, None).unwrap()
    });
    let one_time = one_time.expect("a one-time password");
    let b = Browser::launch(&app, "first_admin").await;
    b.open("/").await;
    b.expect_path("/login").await;
    // Sent to set a password of one's own first.
    b.login("li", &one_time, "/account/password").await;
    b.expect_text("这是一次性密码").await;
    b.fill("#current", &one_time).await;
    b.fill("#password", "a new secret pw").await;
    b.fill("#confirm", "a new secret pw").await;
    b.press("修改密码").await;
    b.expect_path("/").await;
    b.expect_text("密码已修改").await;
    assert!(!app.with_conn(|c| {
        db::users::find(c, id)
            .unwrap()
            .unwrap()
            .must_change_password
    }));
    // The administrator sets up the first agencies.
    b.follow("机关").await;
    b.expect_path("/admin/agencies").await;
    b.follow("新建机关").await;
    b.expect_path("/admin/agencies/new").await;
    b.fill("#code", "CZ").await;
    b.fill("#name", "常州市人民政府").await;
    b.fill("#short_name", "常州市政府").await;
    b.choose("#kind", "人民政府").await;
    b.choose("#parent_id", "（无，顶级机关）").await;
    b.fill("#review_body", "江苏省人民政府").await;
    b.fill("#doc_prefix", "常政").await;
    b.press("保存").await;
    b.expect_path("/admin/agencies").await;
    b.expect_text("已保存：常州市人民政府").await;
    b.follow("新建机关").await;
    b.fill("#code", "CZ-GTJ").await;
    b.fill("#name", "常州市国土资源局").await;
    b.choose("#kind", "政府部门").await;
    b.choose("#parent_id", "常州市人民政府 (CZ)").await;
    b.fill("#review_body", "常州市人民政府").await;
    b.press("保存").await;
    b.expect_path("/admin/agencies").await;
    b.expect_text("已保存：常州市国土资源局").await;
    // Both are in the tree, the department under the government.
    let top = b.text_of("table.tree td.depth-0").await;
    let under = b.text_of("table.tree td.depth-1").await;
    assert_eq!(
        (top.as_str(), under.as_str()),
        ("常州市人民政府", "常州市国土资源局")
    );
    let tree = b.text_of("table.tree").await;
    assert!(
        tree.contains("江苏省人民政府") && tree.contains("CZ-GTJ"),
        "{tree}"
    );
    let gtj = app.with_conn(|c| db::agencies::find_by_code(c, "CZ-GTJ").unwrap().unwrap());
    let cz = app.with_conn(|c| db::agencies::find_by_code(c, "CZ").unwrap().unwrap());
    assert_eq!(gtj.parent_id, Some(cz.id));
    b.screenshot("agencies").await;
    b.logout().await;
    b.open("/admin/agencies").await;
    b.expect_path("/login").await;
    assert_eq!(b.console_errors().await, Vec::<String>::new());
    b.close().await;
}

async fn clerk_intake_to_answer_letter(app: TestApp) {
    if !have_browser() {
        return;
    }
    setup(&app);
    app.set_today("2024-09-27");
    let b = Browser::launch(&app, "clerk_intake").await;
    b.login("wang", PASSWORD, "/cases/mine").await;
    fill_intake(&b).await;
    // The preview works out the dates without saving anything.
    b.press("计算收到申请日期和答复期限").await;
    b.expect_text("收到申请日期：2024-09-27").await;
    b.expect_text("答复期限：2024-10-30").await;
    b.expect_text("2024-10-01 至 2024-10-07 为法定节假日").await;
    assert_eq!(
        app.with_conn(|c| db::cases::list(c, &Default::default(), 0, 10).unwrap().1),
        0
    );
    // What was typed comes back for saving.
    assert_eq!(
        b.find("#r_name")
            .await
            .prop("value")
            .await
            .unwrap()
            .as_deref(),
        Some("张三")
    );
    b.press("登记").await;
    let path = b.path().await;
    let id: i64 = path
        .strip_prefix("/cases/")
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("landed on {path}, not a case"));
    b.expect_text("申请已登记").await;
    assert!(b.text_of("h1").await.starts_with("CZ-GTJ-2024-0001"));
    assert_eq!(b.text_of("h1 .badge").await, "办理中");
    assert_eq!(b.text_of(".deadline p.due strong").await, "2024-10-30");
    b.expect_text("剩余 20 个工作日").await;
    // The identity number is masked until someone asks to see it.
    b.expect_text("110***********002X").await;
    // The answer: disclosed, handed over in person.
    let details = b.open_details("作出答复").await;
    let form = details
        .find(Locator::Css("form[data-outcome-form]"))
        .await
        .unwrap();
    choose(
        &form
            .find(Locator::Css("select[name=outcome]"))
            .await
            .unwrap(),
        "予以公开",
    )
    .await;
    assert_eq!(
        form.find(Locator::Css("select[name=outcome]"))
            .await
            .unwrap()
            .prop("value")
            .await
            .unwrap()
            .as_deref(),
        Some("disclosed")
    );
    // The form shows what a disclosure needs and hides what it does not.
    let shown = |name: &'static str| {
        let form = form.clone();
        async move {
            form.find(Locator::Css(&format!("[name={name}]")))
                .await
                .unwrap()
                .is_displayed()
                .await
                .unwrap()
        }
    };
    assert!(shown("how_provided").await);
    assert!(!shown("other_agency").await);
    assert!(!shown("ground").await);
    fill(
        &form
            .find(Locator::Css("textarea[name=how_provided]"))
            .await
            .unwrap(),
        "纸质复印件，当面领取",
    )
    .await;
    choose(
        &form
            .find(Locator::Css("select[name=delivery_method]"))
            .await
            .unwrap(),
        "直接送达",
    )
    .await;
    let submit = form
        .find(Locator::Css("button[type=submit]"))
        .await
        .unwrap();
    b.click_and_wait(&submit).await;
    b.expect_path(&format!("/cases/{id}")).await;
    b.expect_text("已办理：作出答复").await;
    assert_eq!(b.text_of("h1 .badge").await, "已办结");
    b.expect_text("予以公开 · 2024-09-27").await;
    let case_png = b.screenshot("case").await;
    assert_png(&case_png);
    // The answer letter: numbered, with the remedies naming the review body.
    b.press("出具答复书").await;
    let letter_path = b.path().await;
    assert!(
        letter_path.starts_with(&format!("/cases/{id}/letters/")),
        "{letter_path}"
    );
    let title = b.text_of(".letter h1").await;
    assert_eq!(title, "常州市国土资源局政府信息公开申请答复书");
    assert_eq!(
        b.text_of(".letter .doc-number").await,
        "CZGTJ依复〔2024〕1号"
    );
    let remedies = remedies_paragraph(
        Outcome::Disclosed.remedy(),
        "常州市国土资源局的上级人民政府",
    );
    let paragraphs = b
        .c()
        .find_all(Locator::Css(".letter p.para"))
        .await
        .unwrap();
    let mut texts = Vec::new();
    for p in paragraphs {
        texts.push(p.text().await.unwrap().trim().to_string());
    }
    assert!(
        texts.contains(&remedies),
        "no remedies paragraph {remedies:?} in {texts:#?}"
    );
    b.expect_text("张三").await;
    let letter_png = b.screenshot("letter").await;
    assert_png(&letter_png);
    // Back to the case: the letter is listed.
    b.follow("← CZ-GTJ-2024-0001").await;
    b.expect_text("CZGTJ依复〔2024〕1号").await;
    assert_eq!(b.console_errors().await, Vec::<String>::new());
    b.close().await;
}

async fn supervisor_approves_extension(app: TestApp) {
    if !have_browser() {
        return;
    }
    setup(&app);
    app.set_today("2024-09-27");
    let b = Browser::launch(&app, "extension").await;
    b.login("wang", PASSWORD, "/cases/mine").await;
    fill_intake(&b).await;
    b.press("登记").await;
    b.expect_text("申请已登记").await;
    let case_path = b.path().await;
    // The clerk asks for more time.
    let details = b.open_details("申请延期").await;
    fill(
        &details
            .find(Locator::Css("textarea[name=reason]"))
            .await
            .unwrap(),
        "需要进一步检索档案",
    )
    .await;
    let submit = details
        .find(Locator::Css("button[type=submit]"))
        .await
        .unwrap();
    b.click_and_wait(&submit).await;
    b.expect_path(&case_path).await;
    b.expect_text("已办理：申请延期").await;
    b.expect_text("需要进一步检索档案").await;
    // The clerk cannot approve their own request: no button for it.
    assert!(
        b.c()
            .find(Locator::XPath("//button[normalize-space(.)='批准延期']"))
            .await
            .is_err()
    );
    b.logout().await;
    // The supervisor, in the same browser.
    // A supervisor starts at the dashboard; the menu leads there too.
    b.login("boss", PASSWORD, "/dashboard").await;
    b.follow("督办").await;
    b.expect_path("/dashboard").await;
    let card = b.find("a.card[href='/cases?extension=1']").await;
    assert_eq!(
        card.find(Locator::Css(".num"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
        "1"
    );
    assert!(card.text().await.unwrap().contains("延期待批"));
    b.click_and_wait(&card).await;
    b.expect_path("/cases?extension=1").await;
    b.expect_text("共 1 条").await;
    b.follow("CZ-GTJ-2024-0001").await;
    b.expect_path(&case_path).await;
    b.expect_text("需要进一步检索档案").await;
    assert_eq!(b.text_of(".deadline p.due strong").await, "2024-10-30");
    b.press("批准延期").await;
    b.expect_path(&case_path).await;
    b.expect_text("已办理：批准延期").await;
    let extended = calendar().add_working_days(date("2024-10-30"), 20);
    assert_eq!(
        b.text_of(".deadline p.due strong").await,
        extended.to_string()
    );
    b.expect_text(&format!("延长 20 个工作日，答复期限至 {extended}"))
        .await;
    b.screenshot("extended").await;
    // Decided: the dashboard has nothing pending any more.
    b.follow("督办").await;
    assert_eq!(
        b.text_of("a.card[href='/cases?extension=1'] .num").await,
        "0"
    );
    assert_eq!(b.console_errors().await, Vec::<String>::new());
    b.close().await;
}

// ---- the public channel

/// A citizen applies on the public form with a scan of their signed letter, a
/// clerk sees the file and confirms the application, and the citizen looks the
/// case up with the number and code the form gave them.
async fn apply_online_confirm_and_track(app: TestApp) {
    if !have_browser() {
        return;
    }
    setup(&app);
    app.set_today("2024-09-26");
    let b = Browser::launch(&app, "public").await;
    let scan = b.dir.path().join("申请书.pdf");
    std::fs::write(&scan, b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n").unwrap();
    // As on a phone: the form is one column and every field fits the screen.
    b.c().set_window_size(390, 844).await.unwrap();
    b.open("/apply").await;
    b.expect_text("政府信息公开申请").await;
    let overflow: bool = b
        .c()
        .execute(
            "return document.documentElement.scrollWidth > window.innerWidth;",
            vec![],
        )
        .await
        .unwrap()
        .as_bool()
        .unwrap();
    assert!(!overflow, "the form is wider than a phone's screen");
    b.choose("#agency_code", "常州市国土资源局").await;
    b.choose("#requester_type", "自然人").await;
    b.fill("#requester_name", "张三").await;
    b.choose("#id_type", "居民身份证").await;
    b.fill("#id_number", "11010519491231002X").await;
    b.fill("#phone", "13800000000").await;
    b.fill("#email", "zhangsan@example.com").await;
    b.fill("#address", "常州市天宁区某路1号").await;
    b.fill("#subject", "某地块的征收批复文件").await;
    b.find("#files")
        .await
        .send_keys(&scan.display().to_string())
        .await
        .unwrap();
    b.screenshot("apply-phone").await;
    b.press("提交申请").await;
    b.expect_text("CZ-GTJ-2024-0001").await;
    let number = b.text_of(".number").await;
    let code = b.text_of(".access-code").await;
    assert_eq!(number, "CZ-GTJ-2024-0001");
    assert_eq!(code.len(), 10, "{code}");
    b.screenshot("applied-phone").await;
    b.c().set_window_size(1366, 900).await.unwrap();

    // The next working day a clerk sees it, opens nothing yet, and confirms it.
    app.set_today("2024-09-27");
    b.login("wang", PASSWORD, "/cases/mine").await;
    b.follow("网上申请").await;
    b.expect_path("/applications").await;
    b.expect_text(&number).await;
    b.expect_text("申请书.pdf").await;
    b.screenshot("applications").await;
    b.press("确认并登记").await;
    b.expect_text("网上申请已确认，案件已登记。").await;
    let case_path = b.path().await;
    assert!(case_path.starts_with("/cases/"), "{case_path}");
    assert_eq!(b.text_of("#attachments li a").await, "申请书.pdf");
    assert_eq!(b.text_of(".deadline p.due strong").await, "2024-10-30");
    b.screenshot("confirmed-case").await;
    b.logout().await;

    // The citizen looks it up.
    b.open("/track").await;
    b.fill("#number", &number).await;
    b.fill("#code", &code.to_lowercase()).await;
    b.press("查询").await;
    b.expect_text("办理中").await;
    assert_eq!(b.text_of(".due").await, "2024-10-30");
    assert_eq!(b.text_of(".files li").await, "申请书.pdf");
    b.screenshot("tracked").await;
    assert_eq!(b.console_errors().await, Vec::<String>::new());
    b.close().await;
}

/// An application sent to the wrong bureau is forwarded by its clerk; at the right
/// bureau the case goes to a division, whose clerk signs for it and replies, and the
/// reply shows on the case.
async fn forwarded_then_sent_to_a_drafting_unit(app: TestApp) {
    if !have_browser() {
        return;
    }
    setup(&app);
    app.agency("CZ-HB", "常州市环境保护局", "department", Some("CZ"));
    app.agency("CZ-HB-JC", "监测科", "other", Some("CZ-HB"));
    app.user("zhao", "clerk", Some("CZ-HB"));
    app.user("liu", "clerk", Some("CZ-HB-JC"));
    app.set_today("2024-09-27");
    let b = Browser::launch(&app, "units").await;
    b.open("/apply").await;
    b.choose("#agency_code", "常州市国土资源局").await;
    b.fill("#requester_name", "张三").await;
    b.fill("#phone", "13800000000").await;
    b.fill("#subject", "某化工企业2023年的排污监测数据").await;
    b.press("提交申请").await;
    let number = b.text_of(".number").await;
    assert_eq!(number, "CZ-GTJ-2024-0001");
    // The land bureau's clerk sends it on to the environment bureau.
    b.login("wang", PASSWORD, "/cases/mine").await;
    b.follow("网上申请").await;
    b.choose("select[name=to_agency]", "常州市环境保护局").await;
    b.fill(
        "input[name=forward_reason]",
        "排污监测数据由环境保护部门掌握",
    )
    .await;
    b.press("转送").await;
    b.expect_text("已转送，在该机关的编号为 CZ-HB-2024-0001")
        .await;
    b.logout().await;
    // There it is confirmed and sent to the monitoring division.
    b.login("zhao", PASSWORD, "/cases/mine").await;
    b.follow("网上申请").await;
    b.expect_text("CZ-HB-2024-0001").await;
    b.press("确认并登记").await;
    b.expect_text("网上申请已确认，案件已登记。").await;
    let case_path = b.path().await;
    let details = b.open_details("交承办单位办理").await;
    details
        .find(Locator::XPath(".//label[contains(., '监测科')]/input"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    fill(
        &details
            .find(Locator::Css("textarea[name=note]"))
            .await
            .unwrap(),
        "请提供该企业2023年的监测报告",
    )
    .await;
    let submit = details
        .find(Locator::Css("button[type=submit]"))
        .await
        .unwrap();
    b.click_and_wait(&submit).await;
    b.expect_path(&case_path).await;
    b.expect_text("已办理：交承办单位办理").await;
    b.expect_text("待签收").await;
    b.logout().await;
    // The division's clerk finds it, signs for it and replies.
    b.login("liu", PASSWORD, "/cases/mine").await;
    b.follow("交办事项").await;
    b.expect_path("/tasks").await;
    b.follow("CZ-HB-2024-0001").await;
    b.expect_text("请提供该企业2023年的监测报告").await;
    b.press("签收").await;
    b.expect_text("已签收。").await;
    b.fill(
        "textarea[name=answer]",
        "已找到2023年第一至四季度监测报告，建议予以公开",
    )
    .await;
    b.press("答复").await;
    b.expect_text("已答复公开办。").await;
    b.screenshot("unit-replied").await;
    b.logout().await;
    b.login("zhao", PASSWORD, "/cases/mine").await;
    b.open(&case_path).await;
    b.expect_text("已找到2023年第一至四季度监测报告").await;
    b.screenshot("case-with-reply").await;
    assert_eq!(b.console_errors().await, Vec::<String>::new());
    b.close().await;
}

// ---- the annual report

async fn the_yearly_report_opened_downloaded_and_finalised(app: TestApp) {
    if !have_browser() || !have_print_tools() {
        return;
    }
    use common::{act, case_id, intake_at};
    setup(&app);
    let gtj = app.with_conn(|c| db::agencies::find_by_code(c, "CZ-GTJ").unwrap().unwrap().id);
    let wang = app.browser();
    wang.login("wang", PASSWORD).await.assert_redirect("/");
    // Three applications in 2024: two answered, one carried into 2025.
    for (day, subject, outcome) in [
        ("2024-03-04", "某地块征地批复", Some("disclosed")),
        (
            "2024-06-03",
            "某路段拓宽红线图",
            Some("not_held_nonexistent"),
        ),
        ("2024-12-27", "某小区规划许可", None),
    ] {
        app.set_today(day);
        let id = case_id(
            &intake_at(
                &wang,
                &gtj.to_string(),
                &[("arrived_on", day), ("subject", subject)],
            )
            .await,
        );
        if let Some(outcome) = outcome {
            act(
                &wang,
                id,
                "decide",
                &[
                    ("on", day),
                    ("outcome", outcome),
                    ("how_provided", "纸质复印件邮寄"),
                    ("findings", "经检索，本机关未制作或获取该信息"),
                    ("delivery_method", "post"),
                ],
            )
            .await
            .assert_redirect(&format!("/cases/{id}"));
        }
    }
    app.set_today("2025-01-15");
    let b = Browser::launch(&app, "report").await;
    b.login("boss", PASSWORD, "/dashboard").await;
    b.follow("年度报告").await;
    b.expect_path("/report").await;
    b.choose("select[name=year]", "2024").await;
    b.choose(
        "select[name=profile]",
        "全国统一格式（国办公开办函〔2021〕30号）",
    )
    .await;
    b.press("生成").await;
    b.expect_text("收到和处理政府信息公开申请情况").await;
    b.expect_text("已通过全部").await;
    assert_eq!(b.text_of("tr[data-key=new] td:last-child").await, "3");
    assert_eq!(
        b.text_of("tr[data-key=carried_out] td:last-child").await,
        "1"
    );
    b.screenshot("report").await;
    let (_, printed) = b.print("report", true).await;
    let text = printed.text();
    for part in [
        "收到和处理政府信息公开申请情况",
        "本年新收政府信息公开申请数量",
        "结转下年度继续办理",
        "行政复议",
    ] {
        assert!(text.contains(part), "printed report lacks {part}");
    }
    assert!(!text.contains("定稿"), "the finalise form is not printed");
    // The Excel file, as the download link gives it.
    let href = b
        .find("a.button[href*='format=xlsx']")
        .await
        .attr("href")
        .await
        .unwrap()
        .unwrap();
    let boss = app.browser();
    boss.login("boss", PASSWORD).await.assert_redirect("/");
    let resp = boss
        .client
        .get(format!("{}{}", boss.base, href))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let bytes = resp.bytes().await.unwrap();
    use calamine::Reader;
    let mut book = calamine::Xlsx::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let sheet = book.worksheet_range_at(0).unwrap().unwrap();
    let cells: Vec<String> = sheet.rows().flatten().map(|c| c.to_string()).collect();
    assert!(cells.iter().any(|c| c.contains("本年新收")), "{cells:?}");
    // Finalised from the page.
    b.press("定稿").await;
    b.expect_text("2024 年度报告已定稿").await;
    b.expect_text("当前数据与定稿数据一致").await;
    b.screenshot("report-finalised").await;
    assert_eq!(b.console_errors().await, Vec::<String>::new());
    b.close().await;
}

// ---- letters printed on A4

/// Where copies of the printed letters are left for a person to look at.
const PRINTS: &str = "/tmp/gongkai-print";

/// Whether the PDFs can be read back and mean something: pdftotext (poppler-utils) reads
/// them, and Noto Serif CJK, the stylesheet's stand-in for the office fonts, sets them.
/// Without a CJK font Chromium draws boxes, and with another one the pages break elsewhere.
/// Like the browser, required under CI.
fn have_print_tools() -> bool {
    let pdftotext = Command::new("pdftotext")
        .arg("-v")
        .stderr(Stdio::null())
        .status()
        .is_ok();
    let cjk = Command::new("fc-list")
        .arg(":family=Noto Serif CJK SC")
        .output()
        .is_ok_and(|o| !o.stdout.is_empty());
    if !(pdftotext && cjk) {
        assert!(
            std::env::var_os("CI").is_none(),
            "printing letters needs pdftotext and a CJK font: apt-get install -y \
             poppler-utils fonts-noto-cjk (.ci/run does this)"
        );
        eprintln!("letter printing skipped: install poppler-utils and fonts-noto-cjk to run it");
    }
    pdftotext && cjk
}

/// One line of a printed page, as pdftotext finds it: its box in points from the top left
/// and its text without spaces (pdftotext splits CJK runs into words at will).
#[derive(Debug)]
struct PdfLine {
    x0: f64,
    x1: f64,
    y0: f64,
    y1: f64,
    text: String,
}

/// A letter printed to PDF and read back.
struct Printed {
    pages: Vec<Vec<PdfLine>>,
    height: f64,
}

impl Printed {
    fn read(pdf: &Path) -> Printed {
        let out = Command::new("pdftotext")
            .args(["-bbox-layout", "-enc", "UTF-8"])
            .arg(pdf)
            .arg("-")
            .output()
            .expect("pdftotext runs");
        assert!(
            out.status.success(),
            "pdftotext failed on {}",
            pdf.display()
        );
        let xml = String::from_utf8(out.stdout).unwrap();
        let attr = |tag: &str, name: &str| -> f64 {
            let start = tag.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
            let len = tag[start..].find('"').unwrap();
            tag[start..start + len].parse().unwrap()
        };
        let mut pages: Vec<Vec<PdfLine>> = Vec::new();
        let mut height = 0.0;
        for l in xml.lines().map(str::trim) {
            if l.starts_with("<page ") {
                height = attr(l, "height");
                pages.push(Vec::new());
            } else if l.starts_with("<line ") {
                pages.last_mut().unwrap().push(PdfLine {
                    x0: attr(l, "xMin"),
                    x1: attr(l, "xMax"),
                    y0: attr(l, "yMin"),
                    y1: attr(l, "yMax"),
                    text: String::new(),
                });
            } else if let Some(w) = l.strip_prefix("<word ") {
                let word = &w[w.find('>').unwrap() + 1..w.rfind("</word>").unwrap()];
                let line = pages.last_mut().unwrap().last_mut().unwrap();
                line.text.push_str(&unescape(word));
            }
        }
        // pdftotext's pages must be the PDF's own: count the page objects too.
        let raw = std::fs::read(pdf).unwrap();
        let objects = raw
            .windows(12)
            .filter(|w| w.starts_with(b"/Type /Page") && !w.ends_with(b"s"))
            .count();
        assert_eq!(objects, pages.len(), "page objects in {}", pdf.display());
        Printed { pages, height }
    }

    /// The page (from 0) of the last line that contains `needle`, spaces ignored.
    fn page_of(&self, needle: &str) -> Option<usize> {
        (0..self.pages.len())
            .rev()
            .find(|&p| self.on_page(p, needle))
    }

    fn on_page(&self, page: usize, needle: &str) -> bool {
        let needle: String = needle.split_whitespace().collect();
        self.pages[page].iter().any(|l| l.text.contains(&needle))
    }

    /// The last line that is exactly `text`, spaces ignored, and its page.
    fn line(&self, text: &str) -> Option<(usize, &PdfLine)> {
        let text: String = text.split_whitespace().collect();
        self.pages
            .iter()
            .enumerate()
            .rev()
            .find_map(|(p, lines)| lines.iter().rev().find(|l| l.text == text).map(|l| (p, l)))
    }

    /// All the text, pages and lines run together.
    fn text(&self) -> String {
        self.pages
            .iter()
            .flatten()
            .map(|l| l.text.as_str())
            .collect()
    }
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

impl Browser {
    /// Prints the page shown on A4 with the WebDriver print command (the page's own `@page`
    /// margins apply), saves the PDF in the test's directory, with a copy in
    /// /tmp/gongkai-print/ if `keep`, and reads it back.
    async fn print(&self, name: &str, keep: bool) -> (PathBuf, Printed) {
        use fantoccini::wd::{PrintConfiguration, PrintMargins, PrintSize};
        let config = PrintConfiguration::builder()
            .size(PrintSize::A4)
            .margins(PrintMargins {
                top: 0.0,
                bottom: 0.0,
                left: 0.0,
                right: 0.0,
            })
            .shrink_to_fit(false)
            .build()
            .unwrap();
        let pdf = match self.c().print(config).await {
            Ok(pdf) => pdf,
            Err(e) => self.fail(&format!("printing failed: {e}")).await,
        };
        assert!(pdf.starts_with(b"%PDF-"), "{name}: not a PDF");
        let file = format!("{}-{name}.pdf", self.label);
        let path = self.dir.path().join(&file);
        std::fs::write(&path, &pdf).unwrap();
        if keep && std::fs::create_dir_all(PRINTS).is_ok() {
            let _ = std::fs::write(Path::new(PRINTS).join(&file), &pdf);
        }
        let printed = Printed::read(&path);
        (path, printed)
    }
}

/// The longest subject the intake form takes, all Chinese: the letters that quote it are
/// as long as they can get.
fn longest_subject() -> String {
    "请公开二〇二三年本市某地块征地补偿安置方案、听证笔录、补偿款发放明细及其批复文件，"
        .chars()
        .cycle()
        .take(service::cases::MAX_SUBJECT)
        .collect()
}

/// Takes a case through every kind of letter over HTTP, issuing each as soon as it is called
/// for. Returns, in order, each letter's kind, address and date of issue.
async fn every_letter(app: &TestApp) -> Vec<(LetterKind, String, chrono::NaiveDate)> {
    use common::{act, case_id, intake_at, issue};
    let gtj = app.with_conn(|c| db::agencies::find_by_code(c, "CZ-GTJ").unwrap().unwrap().id);
    let wang = app.browser();
    wang.login("wang", PASSWORD).await.assert_redirect("/");
    let boss = app.browser();
    boss.login("boss", PASSWORD).await.assert_redirect("/");
    let mut letters = Vec::new();
    let mut today = "2024-09-27";
    app.set_today(today);
    let subject = longest_subject();
    let id = case_id(&intake_at(&wang, &gtj.to_string(), &[("subject", &subject)]).await);
    let case = format!("/cases/{id}");
    macro_rules! issue_now {
        ($kind:expr) => {{
            let r = issue(&wang, id, $kind.code()).await;
            let path = r
                .location
                .clone()
                .unwrap_or_else(|| panic!("{} not issued: {}", $kind.code(), r.body));
            letters.push(($kind, path, date(today)));
        }};
    }
    macro_rules! act_ok {
        ($who:expr, $action:expr, $fields:expr) => {
            act($who, id, $action, $fields).await.assert_redirect(&case);
        };
    }
    issue_now!(LetterKind::Receipt);
    today = "2024-09-30";
    app.set_today(today);
    act_ok!(
        &wang,
        "request_correction",
        &[
            ("on", today),
            ("items", "请写明地块的具体位置\n请写明所需文件的形成年份"),
        ]
    );
    issue_now!(LetterKind::CorrectionNotice);
    today = "2024-10-10";
    app.set_today(today);
    act_ok!(&wang, "receive_correction", &[("on", today)]);
    today = "2024-10-11";
    app.set_today(today);
    act_ok!(
        &wang,
        "start_consultation",
        &[
            ("consultation", "third_party"),
            ("on", today),
            ("party", "常州某房地产开发有限公司"),
            ("matter", "该地块国有建设用地使用权出让合同及其补充协议"),
            ("why", "合同中的土地价款支付安排可能涉及该公司的商业秘密"),
        ]
    );
    issue_now!(LetterKind::ConsultationThirdParty);
    issue_now!(LetterKind::ConsultationApplicantNotice);
    today = "2024-10-14";
    app.set_today(today);
    act_ok!(
        &wang,
        "end_consultation",
        &[
            ("on", today),
            ("reply", "objection"),
            ("note", "不同意公开")
        ]
    );
    act_ok!(
        &wang,
        "start_consultation",
        &[
            ("consultation", "agency"),
            ("on", today),
            ("party", "常州市财政局"),
            ("matter", "2023年联合印发的征地补偿资金拨付方案"),
        ]
    );
    issue_now!(LetterKind::ConsultationAgency);
    today = "2024-10-15";
    app.set_today(today);
    act_ok!(
        &wang,
        "end_consultation",
        &[("on", today), ("reply", "consent"), ("note", "")]
    );
    act_ok!(
        &wang,
        "request_extension",
        &[("reason", "申请涉及的文件数量较多，需要调取历年档案逐件审查")]
    );
    act_ok!(&boss, "approve_extension", &[]);
    issue_now!(LetterKind::ExtensionNotice);
    act_ok!(
        &wang,
        "request_reasons",
        &[("on", today), ("note", "您本月已提交政府信息公开申请52件")]
    );
    issue_now!(LetterKind::ReasonsRequest);
    act_ok!(
        &boss,
        "set_deadline",
        &[
            ("due", "2025-01-24"),
            ("applicant_reasons", "开展学术研究，需要历年征地补偿数据"),
            ("reason", "需调取十年档案逐件审查"),
        ]
    );
    issue_now!(LetterKind::LaterDeadlineNotice);
    // The fee: proposed by the clerk, approved by the supervisor, paid.
    today = "2024-11-01";
    app.set_today(today);
    act_ok!(
        &wang,
        "propose_fee",
        &[
            ("method", "per_volume"),
            ("units", "120"),
            (
                "how_to_pay",
                "凭本通知书到本机关财务室缴纳，或转账至本机关非税收入账户"
            ),
        ]
    );
    act_ok!(&boss, "approve_fee", &[]);
    issue_now!(LetterKind::FeeNotice);
    today = "2024-11-04";
    app.set_today(today);
    act_ok!(&wang, "record_fee_receipt", &[("on", today)]);
    today = "2024-11-08";
    app.set_today(today);
    act_ok!(
        &wang,
        "record_payment",
        &[("on", today), ("amount", "1100"), ("receipt_no", "0012345")]
    );
    today = "2024-11-20";
    app.set_today(today);
    act_ok!(
        &wang,
        "decide",
        &[
            ("on", today),
            ("outcome", "partial"),
            (
                "findings",
                "本机关在档案室和办公系统中以地块名称和年份进行了检索"
            ),
            (
                "reasons",
                "补偿款发放明细含有被征收人的身份证号码和银行账号，公开会损害其合法权益",
            ),
            ("how_provided", "纸质复印件共42页，邮寄至申请人登记的地址"),
            ("ground", "art15"),
            (
                "public_interest",
                "补偿标准和总额关系被征收人的切身利益，公开有利于监督补偿款的使用"
            ),
            ("delivery_method", "post"),
        ]
    );
    issue_now!(LetterKind::ThirdPartyDisclosure);
    issue_now!(LetterKind::Answer);
    let answer = letters
        .last()
        .unwrap()
        .1
        .rsplit('/')
        .next()
        .unwrap()
        .to_string();
    today = "2024-11-21";
    app.set_today(today);
    act_ok!(
        &wang,
        "deliver",
        &[
            ("letter_id", &answer),
            ("on", today),
            ("method", "post"),
            ("recipient", "张三"),
            ("address", "常州市新北区某路1号"),
            ("postal_tracking", "1151234567890"),
        ]
    );
    issue_now!(LetterKind::DeliveryProof);
    letters
}

/// The agency every letter in these tests is signed by.
const SIGNED_BY: &str = "常州市国土资源局";

/// Whether the last paragraph, the agency's name and the date stand on one page, in that
/// order, with nothing after them there but the page number. `closing` is the last
/// paragraph as the page shows it.
fn signed_together(p: &Printed, closing: &str, on: chrono::NaiveDate) -> Result<usize, String> {
    let date = gongkai::domain::letters::format_date_zh(on);
    let start: String = closing
        .split_whitespace()
        .collect::<String>()
        .chars()
        .take(12)
        .collect();
    let (Some(last), Some((name_page, name)), Some((date_page, dated))) =
        (p.page_of(&start), p.line(SIGNED_BY), p.line(&date))
    else {
        return Err(format!(
            "no {start:?}, {SIGNED_BY} or {date} in {:#?}",
            p.pages
        ));
    };
    if !(last == name_page && name_page == date_page) {
        return Err(format!(
            "split: last paragraph on page {}, name on {}, date on {}",
            last + 1,
            name_page + 1,
            date_page + 1
        ));
    }
    let after: Vec<&str> = p.pages[date_page]
        .iter()
        .filter(|l| l.y0 > dated.y1 && !is_page_number(&l.text))
        .map(|l| l.text.as_str())
        .collect();
    if name.y0 >= dated.y0 || !after.is_empty() {
        return Err(format!("the signature is not last on its page: {after:?}"));
    }
    // The name is centred over the date.
    let centre = |l: &PdfLine| (l.x0 + l.x1) / 2.0;
    if (centre(name) - centre(dated)).abs() > 4.0 {
        return Err(format!("the name is not over the date: {name:?} {dated:?}"));
    }
    Ok(date_page)
}

fn is_page_number(text: &str) -> bool {
    text.starts_with('—') && text.ends_with('—')
}

/// Prints `path` with a blank of `cm` centimetres pushed in before the closing block, and
/// with the block's own rule against page breaks turned off unless `keep`: how any letter
/// whose end falls at the foot of a page prints.
async fn print_pushed(b: &Browser, path: &str, cm: f64, keep: bool) -> Printed {
    b.open(path).await;
    b.c()
        .execute(
            "const [cm, keep] = arguments;
             const closing = document.querySelector('.letter .closing');
             const filler = document.createElement('div');
             filler.style.height = cm + 'cm';
             closing.before(filler);
             if (!keep) {
               for (const e of [closing, ...closing.querySelectorAll('*')]) {
                 e.style.breakInside = 'auto';
               }
             }",
            vec![cm.into(), keep.into()],
        )
        .await
        .unwrap();
    let name = format!("pushed-{cm}cm{}", if keep { "" } else { "-unkept" });
    b.print(&name, false).await.1
}

/// The dossier of the case with every letter: a cover with the contents, then each item
/// from the top of a new page, in order, every letter as long as it printed alone.
async fn dossier_prints_item_by_item(
    b: &Browser,
    letters: &[(LetterKind, String, chrono::NaiveDate)],
    counts: &[(&str, usize)],
) {
    let case = letters[0].1.split("/letters/").next().unwrap().to_string();
    let own: usize = letters
        .iter()
        .zip(counts)
        .filter(|((_, path, _), _)| path.starts_with(&format!("{case}/")))
        .map(|(_, (_, n))| n)
        .sum();
    b.open(&format!("{case}/dossier")).await;
    let items = b
        .c()
        .find_all(Locator::Css(".dossier-contents tbody tr"))
        .await
        .unwrap()
        .len();
    let (_, p) = b.print("dossier", true).await;
    let text = p.text();
    assert!(text.contains("政府信息公开申请案卷") && text.contains("卷内目录"));
    // Each item's head line opens a page, in order.
    let mut page = 0;
    for n in 1..=items {
        let head = format!("第{n}件");
        let found = (page + 1..p.pages.len()).find(|&i| {
            p.pages[i]
                .iter()
                .min_by(|a, b| a.y0.total_cmp(&b.y0))
                .is_some_and(|top| top.text.contains(&head))
        });
        page = found
            .unwrap_or_else(|| panic!("item {n} does not open a page after page {}", page + 1));
    }
    assert!(
        p.pages.len() > own,
        "{} pages for letters printing {own} pages alone",
        p.pages.len()
    );
    eprintln!("the dossier: {items} items on {} pages", p.pages.len());
}

async fn letters_print_on_a4(app: TestApp) {
    if !have_browser() || !have_print_tools() {
        return;
    }
    setup(&app);
    let letters = every_letter(&app).await;
    let subject = longest_subject();
    let b = Browser::launch(&app, "print").await;
    b.login("wang", PASSWORD, "/cases/mine").await;
    let mut counts = Vec::new();
    for (kind, path, on) in &letters {
        let kind = *kind;
        b.open(path).await;
        let closing = b
            .text_of(".letter .closing .para, .letter .notes li:last-child")
            .await;
        let doc_number = match kind.type_code() {
            Some(_) => Some(b.text_of(".letter .doc-number").await),
            None => None,
        };
        b.screenshot(kind.code()).await;
        let (pdf, p) = b.print(kind.code(), true).await;
        let n = p.pages.len();
        counts.push((kind.code(), n));
        let text = p.text();
        // The whole letter is printed: the title, and its number on the first page.
        assert!(text.contains(kind.title_zh()), "{}: no title", kind.code());
        if let Some(number) = &doc_number {
            assert!(p.on_page(0, number), "{}: {number}", kind.code());
        }
        // Letters to the applicant quote the whole subject, across pages, nothing cut off;
        // a consulted party is told only of the information that concerns it.
        let quoted = !matches!(
            kind,
            LetterKind::ConsultationThirdParty
                | LetterKind::ConsultationAgency
                | LetterKind::ThirdPartyDisclosure
                | LetterKind::DeliveryProof
        );
        if quoted {
            let body: String = p
                .pages
                .iter()
                .flatten()
                .filter(|l| !is_page_number(&l.text))
                .map(|l| l.text.as_str())
                .collect();
            assert!(
                body.contains(&subject),
                "{}: the subject is not whole",
                kind.code()
            );
            // 2000 characters, at 27 a line and 22 lines a page, fill more than three pages.
            assert!((4..=6).contains(&n), "{}: {n} pages", kind.code());
        }
        match kind {
            LetterKind::FeeNotice => {
                // Basis, rate, amount, how and by when to pay, as the notice must say.
                assert_eq!(doc_number.as_deref(), Some("CZGTJ依收〔2024〕1号"));
                for part in [
                    "第四十二条",
                    "按量计收：本次提供的政府信息共120页",
                    "合计1100.00元",
                    "财务室缴纳",
                    "20个工作日内缴纳",
                ] {
                    assert!(text.contains(part), "fee notice: no {part}");
                }
            }
            LetterKind::Receipt => {
                // Numbered now, and still carrying the case number.
                assert_eq!(doc_number.as_deref(), Some("CZGTJ依接〔2024〕1号"));
                assert!(text.contains("CZ-GTJ-2024-0001"));
            }
            LetterKind::DeliveryProof => {
                assert_eq!(n, 1, "the proof of delivery is one page");
                // The end of the last note: its last line holds at least that much.
                let end: String = {
                    let tail: Vec<char> = closing.chars().rev().take(6).collect();
                    tail.into_iter().rev().collect()
                };
                let last_note = p.pages[0]
                    .iter()
                    .rfind(|l| l.text.contains(&end))
                    .unwrap_or_else(|| panic!("no note ending {end:?}"));
                let (_, remarks) = p.line("备注").expect("the remarks row");
                assert!(
                    last_note.y0 > remarks.y1 && last_note.y1 > 0.8 * p.height,
                    "the notes are not at the foot: {last_note:?} in a page of {}",
                    p.height
                );
                assert!(text.contains("1151234567890") && text.contains("张三"));
                assert_png(&to_png(&pdf, 1));
            }
            LetterKind::ConsultationThirdParty | LetterKind::ConsultationAgency => {
                // The reply slip is cut off and returned: a page of its own, the last.
                let (title, sign_off) = match kind {
                    LetterKind::ConsultationThirdParty => ("征求第三方意见回执", "签名（盖章）："),
                    _ => ("征求意见回执", "联系人："),
                };
                assert!(n >= 2, "{}: {n} pages", kind.code());
                let last = &p.pages[n - 1];
                let top = last
                    .iter()
                    .filter(|l| !is_page_number(&l.text))
                    .min_by(|a, b| a.y0.total_cmp(&b.y0))
                    .unwrap();
                assert_eq!(
                    top.text,
                    title,
                    "{}: the slip does not open its page",
                    kind.code()
                );
                assert_eq!(p.page_of(sign_off), Some(n - 1));
                let signed = signed_together(&p, &closing, *on).unwrap_or_else(|e| panic!("{e}"));
                assert!(signed < n - 1, "{}: signed on the slip's page", kind.code());
                // Blanks long enough to write on: lines across the page, a name's worth.
                let widths = b
                    .c()
                    .execute(
                        "const cm = px => px * 2.54 / 96;
                         const w = s => [...document.querySelectorAll(s)]
                           .map(e => cm(e.getBoundingClientRect().width));
                         return [Math.min(...w('.reply-slip .write-line')),
                                 Math.min(...w('.reply-slip .blank'))];",
                        vec![],
                    )
                    .await
                    .unwrap();
                let (line, blank) = (widths[0].as_f64().unwrap(), widths[1].as_f64().unwrap());
                assert!(
                    line > 13.0 && blank > 3.0,
                    "lines {line} cm, blanks {blank} cm"
                );
                if kind == LetterKind::ConsultationAgency {
                    // A short letter: one page, then the slip.
                    assert_eq!(n, 2);
                }
                assert_png(&to_png(&pdf, n));
            }
            _ => {}
        }
        if kind != LetterKind::DeliveryProof {
            signed_together(&p, &closing, *on).unwrap_or_else(|e| panic!("{}: {e}", kind.code()));
        }
    }
    eprintln!("pages printed on A4: {counts:?}");
    dossier_prints_item_by_item(&b, &letters, &counts).await;
    // Layout does not depend on the database: once is enough.
    if app.db.backend == common::Backend::Sqlite {
        let (_, answer, on) = letters
            .iter()
            .find(|(k, _, _)| *k == LetterKind::Answer)
            .unwrap();
        signature_keeps_its_paragraph(&b, answer, *on).await;
    }
    assert_eq!(b.console_errors().await, Vec::<String>::new());
    b.close().await;
}

/// Review before disclosure (art. 17): the administrator switches the land bureau's review
/// on, the clerk drafts a partial disclosure, another clerk passes the confidentiality
/// review, the supervisor finds the draft on the dashboard and signs it off, the answer
/// letter is issued dated that day, and the review record prints on one A4 page that
/// names the information, how and to whom it goes, what is withheld and why, and each
/// step's opinion, person and date.
async fn review_and_sign_off_then_the_record_printed(app: TestApp) {
    if !have_browser() || !have_print_tools() {
        return;
    }
    setup(&app);
    app.user("li", "clerk", Some("CZ-GTJ"));
    app.user("root", "admin", None);
    app.set_today("2024-10-08");
    let gtj = app.agency_id("CZ-GTJ");
    let id = {
        let wang = app.login("wang").await;
        common::case_id(&common::intake_at(&wang, &gtj, &[]).await)
    };
    let case_path = format!("/cases/{id}");
    let b = Browser::launch(&app, "review").await;
    // The administrator ticks the steps on the settings page.
    b.login("root", PASSWORD, "/").await;
    b.follow("设置").await;
    b.expect_path("/admin/settings").await;
    for step in ["confidentiality", "sign_off"] {
        let tick = b
            .find(&format!("input[name=step][value='{gtj}:{step}']"))
            .await;
        tick.click().await.unwrap();
        assert!(tick.is_selected().await.unwrap(), "{step} ticked");
    }
    b.press_in("//section[@id='review']", "保存").await;
    b.expect_text("答复审查步骤已保存").await;
    b.logout().await;

    // The clerk drafts the answer and submits it for review.
    b.login("wang", PASSWORD, "/cases/mine").await;
    b.open(&case_path).await;
    let details = b.open_details("拟办答复（送审）").await;
    b.expect_text("本机关的答复须经保密审查、签发后作出").await;
    let form = details
        .find(Locator::Css("form[data-outcome-form]"))
        .await
        .unwrap();
    let field = |css: &'static str| {
        let form = form.clone();
        async move { form.find(Locator::Css(css)).await.unwrap() }
    };
    choose(&field("select[name=outcome]").await, "部分公开").await;
    fill(
        &field("textarea[name=findings]").await,
        "经检索，本机关保存有该地块征地补偿安置方案及听证笔录",
    )
    .await;
    fill(
        &field("textarea[name=reasons]").await,
        "听证笔录中第三方的身份证号码、住址属于个人隐私，予以删除",
    )
    .await;
    choose(
        &field("select[name=ground]").await,
        "条例第十五条（商业秘密、个人隐私等第三方权益）",
    )
    .await;
    fill(
        &field("textarea[name=how_provided]").await,
        "补偿安置方案及听证笔录（删除个人信息）纸质复印件",
    )
    .await;
    choose(&field("select[name=delivery_method]").await, "邮寄").await;
    b.press_in("//form[@data-outcome-form]", "送审").await;
    b.expect_path(&case_path).await;
    b.expect_text("答复已送审，等待保密审查").await;
    assert_eq!(b.text_of("h1 .badge.warn").await, "待保密审查");
    // Still open, and no answer letter offered before sign-off.
    assert!(
        b.c()
            .find(Locator::XPath("//button[normalize-space(.)='出具答复书']"))
            .await
            .is_err()
    );
    b.logout().await;

    // Another clerk passes the confidentiality review the next day.
    app.set_today("2024-10-09");
    b.login("li", PASSWORD, "/cases/mine").await;
    b.open(&case_path).await;
    let details = b.open_details("审查通过 · 保密审查").await;
    fill(
        &details
            .find(Locator::Css("textarea[name=opinion]"))
            .await
            .unwrap(),
        "个人信息已删除，无涉密内容，同意公开",
    )
    .await;
    b.press_in("//details[@id='pass_review']", "审查通过").await;
    b.expect_path(&case_path).await;
    b.expect_text("下一步：签发").await;
    b.logout().await;

    // The supervisor finds it on the dashboard and signs it off.
    app.set_today("2024-10-10");
    b.login("boss", PASSWORD, "/dashboard").await;
    let queue = b.text_of("table.review-queue").await;
    assert!(
        queue.contains("待签发") && queue.contains("wang"),
        "{queue}"
    );
    b.follow("CZ-GTJ-2024-0001").await;
    b.expect_path(&case_path).await;
    b.expect_text("个人信息已删除，无涉密内容，同意公开").await;
    assert_eq!(b.text_of("h1 .badge.warn").await, "待签发");
    b.screenshot("awaiting-sign-off").await;
    let details = b.open_details("签发").await;
    fill(
        &details
            .find(Locator::Css("textarea[name=opinion]"))
            .await
            .unwrap(),
        "同意",
    )
    .await;
    b.press_in("//details[@id='sign_off']", "签发").await;
    b.expect_path(&case_path).await;
    b.expect_text("已办理：签发").await;
    assert_eq!(b.text_of("h1 .badge").await, "已办结");
    b.screenshot("signed-off").await;
    // The answer letter, dated the day it was signed off.
    b.press("出具答复书").await;
    b.expect_text("CZGTJ依复〔2024〕1号").await;
    assert_eq!(b.text_of(".letter .date").await, "2024年10月10日");
    b.follow("← CZ-GTJ-2024-0001").await;

    // The review record, printed on A4 and read back.
    b.follow("审查单（第1次送审）").await;
    b.expect_path(&format!("{case_path}/review?round=1")).await;
    b.screenshot("review-record").await;
    let (pdf, p) = b.print("review_record", true).await;
    assert_eq!(p.pages.len(), 1, "the record fits one page");
    assert!(p.on_page(0, "政府信息公开审查单"));
    let text = p.text();
    for part in [
        "常州市国土资源局",
        "案件编号：CZ-GTJ-2024-0001",
        "第1次送审",
        "申请人",
        "张三（自然人）",
        "2023年某地块征地补偿安置方案",
        "拟答复意见",
        "部分公开",
        "公开方式",
        "（删除个人信息）纸质复印件",
        "送达方式：邮寄",
        "公开范围",
        "不予公开的内",
        "属于个人隐私",
        "第十五条",
        "答复依据",
        "第三十七条",
        "拟办人：wang",
        "保密审查意见",
        "审查人：li",
        "2024年10月9日",
        "个人信息已删除，无涉密内容，同意公开",
        "签发意见",
        "同意签发。",
        "签发人：boss",
        "2024年10月10日",
        "CZGTJ依复〔2024〕1号",
        "先审查、后公开",
    ] {
        assert!(
            text.contains(part),
            "the printed record lacks {part:?}:\n{text}"
        );
    }
    // The form fills the page's width: its rows' label column on the left margin.
    let (_, label) = p.line("申请人").expect("the first row");
    let (_, title) = p.line("政府信息公开审查单").expect("the title");
    assert!(label.x0 < title.x0, "{label:?} {title:?}");
    assert_png(&to_png(&pdf, 1));
    assert_eq!(b.console_errors().await, Vec::<String>::new());
    b.close().await;
}

/// Wherever the end of a letter falls, the signature keeps its last paragraph: pushed down
/// two centimetres at a time over a whole page (22.5 cm of text), it moves to the next page
/// whole. The block is over 5 cm tall, so some pushes put it across the foot of a page:
/// without the rule, those split it.
async fn signature_keeps_its_paragraph(b: &Browser, answer: &str, on: chrono::NaiveDate) {
    let mut moved = Vec::new();
    let mut split_without = 0;
    for step in 0..12 {
        let cm = 2.0 * f64::from(step);
        let p = print_pushed(b, answer, cm, true).await;
        let page =
            signed_together(&p, "特此告知。", on).unwrap_or_else(|e| panic!("pushed {cm} cm: {e}"));
        moved.push(page);
        let p = print_pushed(b, answer, cm, false).await;
        if signed_together(&p, "特此告知。", on).is_err() {
            split_without += 1;
        }
    }
    eprintln!(
        "signature's page as pushed: {moved:?}; split without the rule: {split_without} of 12"
    );
    assert!(
        moved.windows(2).any(|w| w[1] == w[0] + 1),
        "the pushes never moved the signature to another page: {moved:?}"
    );
    assert!(split_without > 0, "no push reached the foot of a page");
}

/// A page (from 1) as a PNG beside the PDF (and in /tmp/gongkai-print/), for a person to
/// look at.
fn to_png(pdf: &Path, page: usize) -> PathBuf {
    let stem = pdf.with_extension("");
    let page = page.to_string();
    let status = Command::new("pdftoppm")
        .args(["-png", "-r", "60", "-singlefile", "-f", &page, "-l", &page])
        .arg(pdf)
        .arg(&stem)
        .status()
        .expect("pdftoppm runs");
    assert!(status.success());
    let png = stem.with_extension("png");
    if let Some(name) = png.file_name() {
        let _ = std::fs::copy(&png, Path::new(PRINTS).join(name));
    }
    png
}
