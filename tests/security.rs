//! What an outside probe tried, kept as tests on both databases: requester
//! privacy across agencies, sessions, the login throttle under concurrency,
//! redirects, hostile input, double submits, stale forms, CSV limits, scope,
//! dashboard links, cookies, passwords, backups, and a role x agency table
//! over every route in `gongkai::web::ROUTES`.

mod common;
use common::{Backend, Browser, PASSWORD, TestApp, TestDb, act, case_id, form_value, issue};
use gongkai::db;
use gongkai::web::{Access, ROUTES};
use std::sync::{Arc, Mutex};

both_backends!(
    requesters_belong_to_the_agencies_holding_their_cases,
    logout_ends_every_copy_of_the_session,
    the_login_throttle_holds_under_concurrency_across_processes,
    redirects_stay_on_this_site,
    hostile_input_never_gives_a_server_error,
    a_double_click_on_intake_records_one_case,
    a_stale_form_is_answered_as_stale_first,
    csv_imports_take_two_mebibytes_and_name_spreadsheet_rows,
    out_of_scope_answers_exactly_as_missing,
    dashboard_links_open_lists_matching_their_counts,
    the_language_cookie_is_secure_when_cookies_are,
    guessable_passwords_are_refused,
    a_backup_taken_during_intake_restores_every_acknowledged_case,
    every_route_checks_role_and_agency,
);

/// Two subtrees: A with its department A1, and B; a clerk at each, a
/// supervisor over each, and an administrator.
fn setup(app: &TestApp) {
    app.agency("A", "甲市人民政府", "government", None);
    app.agency("A1", "甲市自然资源局", "department", Some("A"));
    app.agency("B", "乙市人民政府", "government", None);
    app.user("ca", "clerk", Some("A"));
    app.user("ca1", "clerk", Some("A1"));
    app.user("cb", "clerk", Some("B"));
    app.user("sa", "supervisor", Some("A"));
    app.user("sb", "supervisor", Some("B"));
    app.user("root", "admin", None);
    app.set_today("2024-09-27");
}

fn user_id(app: &TestApp, name: &str) -> i64 {
    app.with_conn(|c| db::users::find_by_username(c, name).unwrap().unwrap().id)
}

fn case_count(app: &TestApp) -> i64 {
    app.with_conn(|c| {
        db::cases::list(c, &Default::default(), 0, 1)
            .map(|(_, total)| total)
            .unwrap()
    })
}

fn audit_count(app: &TestApp, action: &str) -> i64 {
    app.with_conn(|c| {
        let f = db::audit::Filter {
            action: Some(action.into()),
            ..Default::default()
        };
        db::audit::list(c, &f, 0, 1).unwrap().1
    })
}

/// A case recorded at A1 for 张三 (identity number 11010519491231002X).
async fn case_at_a1(app: &TestApp) -> (Browser, i64) {
    let ca1 = app.login("ca1").await;
    let id = case_id(&common::intake_at(&ca1, &app.agency_id("A1"), &[]).await);
    (ca1, id)
}

// ---------------------------------------------------------------- 1

async fn requesters_belong_to_the_agencies_holding_their_cases(app: TestApp) {
    setup(&app);
    let (ca1, id) = case_at_a1(&app).await;
    let requester = app.with_conn(|c| db::cases::find(c, id).unwrap().unwrap().requester_id);
    // B's clerk finds nobody, by name or by the full identity number.
    let cb = app.login("cb").await;
    for q in ["张三", "11010519491231002X", "11010519491231002x"] {
        let found = cb.get(&format!("/cases/new?rq={q}")).await;
        found
            .assert_ok()
            .assert_lacks("110***********002X")
            .assert_lacks(&format!("name=\"requester_id\" value=\"{requester}\""));
        // Only the query itself shows the name, in the search box.
        assert_eq!(
            found.body.matches("张三").count(),
            q.matches("张三").count()
        );
    }
    // Posting A1's requester id into an intake for B attaches nobody.
    let before = case_count(&app);
    let r = common::intake_at(
        &cb,
        &app.agency_id("B"),
        &[
            ("requester_id", &requester.to_string()),
            ("r_name", ""),
            ("r_id_number", ""),
            ("r_phone", ""),
            ("r_address", ""),
        ],
    )
    .await;
    r.assert_status(400)
        .assert_contains("请从列表中选择")
        .assert_lacks("11010519491231002X")
        .assert_lacks("13800000000");
    assert_eq!(case_count(&app), before);
    // The supervisor over A finds them (masked); so does A1's own clerk.
    let sa = app.login("sa").await;
    for b in [&sa, &ca1] {
        let found = b.get("/cases/new?rq=11010519491231002X").await;
        found.assert_contains("110***********002X");
        // The full number only where it was typed, in the search box.
        assert_eq!(found.body.matches("11010519491231002X").count(), 1);
    }
    // The case page masks the number until someone asks, and the asking is audited.
    let page = ca1.get(&format!("/cases/{id}")).await;
    page.assert_ok()
        .assert_contains("110***********002X")
        .assert_lacks("11010519491231002X");
    assert_eq!(audit_count(&app, "requester.reveal_id"), 0);
    let shown = ca1
        .post_raw(
            &format!("/cases/{id}/identity"),
            &[("csrf_token", &page.csrf())],
        )
        .await;
    shown.assert_ok().assert_contains("11010519491231002X");
    assert_eq!(audit_count(&app, "requester.reveal_id"), 1);
    // The requester's page: their applications in scope, nobody else's.
    let number = app.stored(id).tracking_no;
    ca1.get(&format!("/requesters/{requester}"))
        .await
        .assert_ok()
        .assert_contains(&number)
        .assert_contains("110***********002X")
        .assert_lacks("11010519491231002X");
    cb.get(&format!("/requesters/{requester}"))
        .await
        .assert_status(404);
    // B's clerk cannot ask for it either.
    cb.post_raw(
        &format!("/cases/{id}/identity"),
        &[("csrf_token", &cb.get("/cases/mine").await.csrf())],
    )
    .await
    .assert_status(404);
    assert_eq!(audit_count(&app, "requester.reveal_id"), 1);
}

// ---------------------------------------------------------------- 2

async fn logout_ends_every_copy_of_the_session(app: TestApp) {
    setup(&app);
    let (ca1, id) = case_at_a1(&app).await;
    let page = ca1.get(&format!("/cases/{id}")).await;
    let (token, version) = (page.csrf(), form_value(&page, "version"));
    let saved = ca1.cookies();
    assert!(saved.contains("gongkai="), "{saved}");
    ca1.post_raw("/logout", &[("csrf_token", &token)])
        .await
        .assert_redirect("/login");
    // A copy of the cookie taken before the logout opens nothing and records nothing.
    let copy = Browser::with_cookies(&app.base, &saved);
    copy.get("/cases/mine").await.assert_redirect("/login");
    copy.get(&format!("/cases/{id}"))
        .await
        .assert_redirect("/login");
    let r = copy
        .post_raw(
            &format!("/cases/{id}/act/request_extension"),
            &[
                ("csrf_token", &token),
                ("version", &version),
                ("reason", "量大"),
            ],
        )
        .await;
    assert!(
        r.status == 303 || r.status == 403,
        "a logged-out cookie acted: {}",
        r.status
    );
    let stored = app.with_conn(|c| db::cases::find(c, id).unwrap().unwrap());
    assert!(!stored.extension_pending);
    assert_eq!(stored.version.to_string(), version);
}

// ---------------------------------------------------------------- 3

async fn the_login_throttle_holds_under_concurrency_across_processes(app: TestApp) {
    setup(&app);
    let second = app.another_instance();
    // Sixty wrong passwords at once for one account, half through each process.
    let mut browsers = Vec::new();
    for i in 0..60 {
        let b = if i % 2 == 0 {
            app.browser()
        } else {
            second.browser()
        };
        let token = b.get("/login").await.csrf();
        browsers.push((b, token));
    }
    let tasks: Vec<_> = browsers
        .into_iter()
        .map(|(b, token)| {
            tokio::spawn(async move {
                b.post_raw(
                    "/login",
                    &[
                        ("csrf_token", token.as_str()),
                        ("username", "ca"),
                        ("password", "wrong password"),
                    ],
                )
                .await
                .status
            })
        })
        .collect();
    let mut statuses = Vec::new();
    for t in tasks {
        statuses.push(t.await.unwrap());
    }
    let checked = statuses.iter().filter(|s| **s == 401).count();
    let locked = statuses.iter().filter(|s| **s == 429).count();
    assert_eq!(
        (checked, locked),
        (5, 55),
        "only the first five attempts are checked: {statuses:?}"
    );
    assert_eq!(audit_count(&app, "login.failure"), 5);
    // The right password afterwards is refused too, on either process.
    app.browser()
        .login("ca", PASSWORD)
        .await
        .assert_status(429)
        .assert_contains("分钟后再试");
    second
        .browser()
        .login("ca", PASSWORD)
        .await
        .assert_status(429);
    // The counters live in the database: one row per account and address.
    let rows = app.with_conn(|c| {
        use diesel::prelude::*;
        db::schema::login_attempts::table
            .select(db::schema::login_attempts::key)
            .load::<String>(c)
            .unwrap()
    });
    assert!(rows.contains(&"u:ca".to_string()), "{rows:?}");
}

// ---------------------------------------------------------------- 4

async fn redirects_stay_on_this_site(app: TestApp) {
    let b = app.browser();
    for (next, expected) in [
        ("/%09/evil.example", "/"),
        ("//evil.example", "/"),
        ("/%5Cevil.example", "/"),
        ("/%5C/evil.example", "/"),
        ("https://evil.example", "/"),
        ("evil.example", "/"),
        ("/cases?status=open", "/cases?status=open"),
        ("/admin/calendar", "/admin/calendar"),
    ] {
        let r = b.get(&format!("/lang/en?next={next}")).await;
        r.assert_redirect(expected);
    }
    // Line breaks in `next` never reach a header: refused with a message.
    for next in ["/x%0D%0ASet-Cookie:%20a=b", "/x%0Aa", "/%00"] {
        let r = b.get(&format!("/lang/en?next={next}")).await;
        r.assert_status(400).assert_contains("control characters");
    }
}

// ---------------------------------------------------------------- 5

async fn hostile_input_never_gives_a_server_error(app: TestApp) {
    setup(&app);
    let ca1 = app.login("ca1").await;
    let a1 = app.agency_id("A1");
    // A NUL or another control character in any field of a form.
    for (field, value) in [
        ("r_name", "张\u{0}三"),
        ("subject", "申请\u{0}公开"),
        ("r_address", "某路\u{1b}1号"),
        ("r_name", "张\n三"),
    ] {
        let r = common::intake_at(&ca1, &a1, &[(field, value)]).await;
        r.assert_status(400).assert_contains("控制字符");
    }
    assert_eq!(case_count(&app), 0, "nothing is half-written");
    // Line breaks and tabs in a multi-line field are fine.
    let ok = common::intake_at(&ca1, &a1, &[("subject", "第一项\r\n第二项\t附件")]).await;
    case_id(&ok);
    // Searches, filters and page numbers.
    for q in [
        "/cases?q=%00",
        "/cases?status=open%00",
        "/cases?topic=%00",
        "/cases/mine?q=a%01b",
        "/cases/new?rq=%00%00",
    ] {
        ca1.get(q)
            .await
            .assert_status(400)
            .assert_contains("控制字符");
    }
    for q in [
        "/cases?page=9223372036854775807",
        "/cases?page=-9223372036854775808",
        "/cases?page=99",
        "/cases?page=abc",
        "/cases/mine?page=99999999999999999999",
    ] {
        ca1.get(q)
            .await
            .assert_ok()
            .assert_contains("1 / 1")
            .assert_contains("A1-2024-0001");
    }
    // The login name.
    let b = app.browser();
    b.login("ca\u{0}", PASSWORD)
        .await
        .assert_status(400)
        .assert_contains("控制字符");
    // The audit log's page number too.
    let root = app.login("root").await;
    root.get("/admin/audit?page=9223372036854775807")
        .await
        .assert_ok();
    root.get("/admin/audit?action=%00").await.assert_status(400);
    // A CSV pasted on a page and one given to the command line: row and column named.
    let page = root.get("/admin/agencies").await;
    let r = root
        .post_raw(
            "/admin/agencies/import",
            &[
                ("csrf_token", &page.csrf()),
                ("csv", "code,name,kind\nX1,好\u{0}局,government\n"),
            ],
        )
        .await;
    r.assert_contains("row 2, column name")
        .assert_contains("U+0000");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("cal.csv");
    std::fs::write(
        &file,
        "date,kind,festival,notice\n2027-01-01,holiday,元旦,ok\n2027-10-01,holiday,国庆\u{0},x\n",
    )
    .unwrap();
    let (code, _, err) = common::cli(
        &app.db.url,
        &["calendar", "import", file.to_str().unwrap()],
        None,
    );
    assert_ne!(code, 0);
    assert!(err.contains("row 3, column festival"), "{err}");
    assert!(err.contains("U+0000"), "{err}");
}

// ---------------------------------------------------------------- 6

async fn a_double_click_on_intake_records_one_case(app: TestApp) {
    setup(&app);
    let ca1 = Arc::new(app.login("ca1").await);
    let a1 = app.agency_id("A1");
    for round in 0..6 {
        let form = ca1.get("/cases/new").await;
        let (token, form_token) = (form.csrf(), form_value(&form, "form_token"));
        let subject = format!("申请 {round}");
        let post = |b: Arc<Browser>| {
            let fields: Vec<(String, String)> = [
                ("csrf_token", token.as_str()),
                ("form_token", form_token.as_str()),
                ("r_kind", "natural_person"),
                ("r_name", "李四"),
                ("r_phone", "13900000000"),
                ("agency_id", a1.as_str()),
                ("channel", "in_person"),
                ("arrived_on", "2024-09-27"),
                ("subject", subject.as_str()),
                ("delivery_form", "paper"),
            ]
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
            tokio::spawn(async move {
                let borrowed: Vec<(&str, &str)> = fields
                    .iter()
                    .map(|(k, v)| (k.as_str(), v.as_str()))
                    .collect();
                b.post_raw("/cases/new", &borrowed).await
            })
        };
        let (one, two) = (post(ca1.clone()), post(ca1.clone()));
        let (one, two) = (one.await.unwrap(), two.await.unwrap());
        assert_eq!(case_id(&one), case_id(&two), "round {round}");
        assert_eq!(case_count(&app), round + 1);
    }
}

// ---------------------------------------------------------------- 7

async fn a_stale_form_is_answered_as_stale_first(app: TestApp) {
    setup(&app);
    let (ca1, id) = case_at_a1(&app).await;
    let sa = app.login("sa").await;
    let page = sa.get(&format!("/cases/{id}")).await;
    let (token, version) = (page.csrf(), form_value(&page, "version"));
    // Meanwhile the clerk answers, which closes the case.
    act(
        &ca1,
        id,
        "decide",
        &[
            ("on", "2024-09-27"),
            ("outcome", "disclosed"),
            ("how_provided", "当场提供"),
            ("delivery_method", "in_person"),
        ],
    )
    .await
    .assert_redirect(&format!("/cases/{id}"));
    // The supervisor's form from before reads who changed the case, not "closed".
    let r = sa
        .post_raw(
            &format!("/cases/{id}/act/set_deadline"),
            &[
                ("csrf_token", &token),
                ("version", &version),
                ("due", "2024-12-31"),
                ("reason", "申请人同意"),
            ],
        )
        .await;
    r.assert_status(409)
        .assert_contains("被 ca1 修改")
        .assert_lacks("此案件已办结");
    // The same for issuing a letter from a stale page.
    let r = sa
        .post_raw(
            &format!("/cases/{id}/letters"),
            &[
                ("csrf_token", &token),
                ("version", &version),
                ("kind", "receipt"),
            ],
        )
        .await;
    r.assert_status(409).assert_contains("被 ca1 修改");
}

// ---------------------------------------------------------------- 8

async fn csv_imports_take_two_mebibytes_and_name_spreadsheet_rows(app: TestApp) {
    setup(&app);
    let root = app.login("root").await;
    let token = root.get("/admin/agencies").await.csrf();
    let import = |csv: String| {
        let token = token.clone();
        let root = &root;
        async move {
            root.post_raw(
                "/admin/agencies/import",
                &[("csrf_token", token.as_str()), ("csv", csv.as_str())],
            )
            .await
        }
    };
    // About 1.5 MiB of Chinese text (4.5 MiB once form-encoded): read to its
    // last row, whose error is named, and nothing is imported.
    let mut csv = String::from("code,name,kind,parent_code\n");
    let mut rows = 1;
    while csv.len() < 1_500_000 {
        rows += 1;
        csv.push_str(&format!(
            "Z{rows},某某县某某乡镇人民政府某某办公室{rows},department,A\n"
        ));
    }
    rows += 1;
    csv.push_str("Zlast,最后一行,ministry,A\n");
    let r = import(csv).await;
    r.assert_contains(&format!("row {rows}, column kind"));
    assert!(
        app.with_conn(|c| db::agencies::find_by_code(c, "Z2").unwrap().is_none()),
        "all rows or none"
    );
    // Over 2 MiB: a clear message with the size.
    let big = format!(
        "code,name,kind\n{}",
        "Y,某某县人民政府,government\n".repeat(70_000)
    );
    assert!(big.len() > 2 << 20);
    import(big)
        .await
        .assert_contains("2048 KiB")
        .assert_lacks("无法识别");
    // A quoted cell over several lines is one spreadsheet row.
    let r = import("code,name,kind\n\"Q1\",\"甲\n乙\",government\nQ2,好,nation\n".into()).await;
    r.assert_contains("row 2, column name");
    let r = import("code,name,kind,short_name\nQ1,好,government,\"一\"\n\nQ2,好,nation,\n".into())
        .await;
    r.assert_contains("row 4, column kind");
    // The web form's length limits apply to imported rows.
    let long = "局".repeat(101);
    let r = import(format!("code,name,kind\nQ3,{long},government\n")).await;
    r.assert_contains("row 2, column name")
        .assert_contains("at most 100");
}

// ---------------------------------------------------------------- 9

async fn out_of_scope_answers_exactly_as_missing(app: TestApp) {
    setup(&app);
    let (ca1, id) = case_at_a1(&app).await;
    let letter = issue(&ca1, id, "receipt").await.location.unwrap();
    let letter_id = letter.rsplit('/').next().unwrap().to_string();
    let missing = 999_999;
    for who in ["cb", "sb", "ca"] {
        let b = app.login(who).await;
        let token = b.get("/cases/mine").await.csrf();
        for case in [id, missing] {
            let pages = [
                b.get(&format!("/cases/{case}")).await,
                b.get(&format!("/cases/{case}/letters/{letter_id}")).await,
                b.post_raw(
                    &format!("/cases/{case}/act/request_extension"),
                    &[("csrf_token", &token), ("version", "1"), ("reason", "x")],
                )
                .await,
                b.post_raw(
                    &format!("/cases/{case}/letters"),
                    &[
                        ("csrf_token", &token),
                        ("version", "1"),
                        ("kind", "receipt"),
                    ],
                )
                .await,
                b.post_raw(
                    &format!("/cases/{case}/identity"),
                    &[("csrf_token", &token)],
                )
                .await,
            ];
            for p in pages {
                p.assert_status(404).assert_lacks("A1-2024-0001");
            }
        }
    }
}

// ---------------------------------------------------------------- 10

async fn dashboard_links_open_lists_matching_their_counts(app: TestApp) {
    setup(&app);
    let ca = app.login("ca").await;
    let (ca1, _) = case_at_a1(&app).await;
    let sa = app.login("sa").await;
    // Cases at the government itself and below it; one nobody is assigned to.
    case_id(&common::intake_at(&ca, &app.agency_id("A"), &[("subject", "政府本级")]).await);
    case_id(&common::intake_at(&ca1, &app.agency_id("A1"), &[("subject", "部门二")]).await);
    case_id(
        &common::intake_at(
            &sa,
            &app.agency_id("A1"),
            &[("subject", "未分配"), ("assigned_to", "")],
        )
        .await,
    );
    app.set_today("2024-11-20");
    let dash = sa.get("/dashboard").await;
    dash.assert_ok();
    let doc = scraper::Html::parse_document(&dash.body);
    let sel = scraper::Selector::parse("a[href^='/cases?']").unwrap();
    let links: Vec<(String, i64)> = doc
        .select(&sel)
        .map(|a| {
            let count = a
                .select(&scraper::Selector::parse(".num").unwrap())
                .next()
                .map(|n| n.text().collect::<String>())
                .unwrap_or_else(|| a.text().collect::<String>());
            (
                a.value().attr("href").unwrap().replace("&amp;", "&"),
                count.trim().parse().unwrap(),
            )
        })
        .collect();
    assert!(links.len() > 20, "{links:?}");
    assert!(links.iter().any(|(h, _)| h.contains("only=1")));
    assert!(links.iter().any(|(h, _)| h.contains("assigned=none")));
    for (href, count) in links {
        let list = sa.get(&href).await;
        list.assert_ok();
        let total = list.texts("p.hint")[0]
            .chars()
            .filter(char::is_ascii_digit)
            .collect::<String>();
        assert_eq!(
            total.parse::<i64>().unwrap(),
            count,
            "{href} shows a different number than the dashboard"
        );
    }
}

// ---------------------------------------------------------------- 11

async fn the_language_cookie_is_secure_when_cookies_are(app: TestApp) {
    let plain = app.browser().get("/lang/en?next=/login").await;
    let cookie = plain.headers["set-cookie"].to_str().unwrap().to_string();
    assert!(!cookie.contains("Secure"), "{cookie}");
    let secure = TestApp::spawn_configured(app.db.backend, true)
        .await
        .unwrap();
    let r = secure.browser().get("/lang/en?next=/login").await;
    let cookie = r.headers["set-cookie"].to_str().unwrap();
    assert!(cookie.starts_with("lang=en"), "{cookie}");
    assert!(cookie.contains("Secure"), "{cookie}");
}

// ---------------------------------------------------------------- 12

async fn guessable_passwords_are_refused(app: TestApp) {
    setup(&app);
    let b = app.login("ca1").await;
    for weak in ["1234567890", "qwertyuiop", "password123", "ca1ca1ca1ca1"] {
        let r = b
            .submit(
                "/account/password",
                "/account/password",
                &[("current", PASSWORD), ("password", weak), ("confirm", weak)],
            )
            .await;
        r.assert_status(400).assert_contains("太容易被猜到");
    }
    b.submit(
        "/account/password",
        "/account/password",
        &[
            ("current", PASSWORD),
            ("password", "violet harbour lantern"),
            ("confirm", "violet harbour lantern"),
        ],
    )
    .await
    .assert_redirect("/");
}

// ---------------------------------------------------------------- 13

async fn a_backup_taken_during_intake_restores_every_acknowledged_case(app: TestApp) {
    setup(&app);
    let ca1 = Arc::new(app.login("ca1").await);
    let a1 = app.agency_id("A1");
    let acknowledged: Arc<Mutex<Vec<i64>>> = Arc::default();
    let writer = {
        let (ca1, acknowledged) = (ca1.clone(), acknowledged.clone());
        tokio::spawn(async move {
            for i in 0..40 {
                let subject = format!("备份期间的申请 {i}");
                let r = common::intake_at(&ca1, &a1, &[("subject", &subject)]).await;
                acknowledged.lock().unwrap().push(case_id(&r));
            }
        })
    };
    while acknowledged.lock().unwrap().len() < 10 {
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let before: Vec<i64> = acknowledged.lock().unwrap().clone();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("backup.dump");
    let (url, path) = (app.db.url.clone(), file.to_str().unwrap().to_string());
    let (code, out, err) =
        tokio::task::spawn_blocking(move || common::cli(&url, &["backup", &path], None))
            .await
            .unwrap();
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("backup written"), "{out}");
    writer.await.unwrap();
    // A second backup to the same file is refused rather than overwritten.
    let (code, _, err) = common::cli(&app.db.url, &["backup", file.to_str().unwrap()], None);
    assert_ne!(code, 0);
    assert!(err.contains("already exists"), "{err}");
    // Restore into a fresh place, as the README says, and look.
    let restored = TestDb::new(app.db.backend).unwrap();
    match app.db.backend {
        Backend::Sqlite => {
            let target = restored.url.trim_start_matches("sqlite://");
            std::fs::copy(&file, target).unwrap();
        }
        Backend::Postgres => {
            let status = std::process::Command::new("pg_restore")
                .args(["--no-owner", "--dbname", &restored.url])
                .arg(&file)
                .status()
                .expect("pg_restore runs");
            assert!(status.success());
        }
    }
    let (code, _, err) = common::cli(&restored.url, &["migrate"], None);
    assert_eq!(code, 0, "{err}");
    let pool = db::open_pool(&restored.url, 1).unwrap();
    let mut c = pool.get().unwrap();
    for id in &before {
        let case = db::cases::find(&mut c, *id).unwrap();
        assert!(
            case.is_some(),
            "case {id} was acknowledged before the backup"
        );
        assert!(!db::cases::events(&mut c, *id).unwrap().is_empty());
    }
    assert!(
        db::users::find_by_username(&mut c, "ca1")
            .unwrap()
            .is_some()
    );
}

// ---------------------------------------------------------------- 14

/// Who is asking, for the route table.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Who {
    Anonymous,
    /// The clerk of the case's agency.
    ClerkHere,
    /// A clerk of another subtree.
    ClerkElsewhere,
    /// The supervisor over the case's agency.
    SupervisorAbove,
    /// A supervisor of another subtree.
    SupervisorElsewhere,
    Admin,
}

/// The smallest file kept as a PDF.
const PDF: &[u8] = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n";

async fn every_route_checks_role_and_agency(app: TestApp) {
    setup(&app);
    app.user("victim", "clerk", Some("B"));
    let (ca1, id) = case_at_a1(&app).await;
    let letter = issue(&ca1, id, "receipt").await.location.unwrap();
    let letter_id = letter.rsplit('/').next().unwrap().to_string();
    let (a1, victim) = (app.agency_id("A1"), user_id(&app, "victim"));
    let requester = app.stored(id).requester_id;
    let filed = app.stored(id).received_on.to_string();
    act(
        &ca1,
        id,
        "record_appeal",
        &[
            ("kind", "review"),
            ("grounds", "inaction"),
            ("filed_on", &filed),
            ("body", "某市人民政府"),
        ],
    )
    .await
    .assert_redirect(&format!("/cases/{id}"));
    let appeal = app.with_conn(|c| db::appeals::of_case(c, id).unwrap()[0].id);
    // An online application waiting at A1.
    let application = app.with_conn(|c| {
        let input = gongkai::service::public::ApplyInput {
            agency_code: "A1".into(),
            requester_type: "natural_person".into(),
            requester_name: "张三".into(),
            phone: "13800000000".into(),
            subject: "某项目的批复".into(),
            delivery_method: "email".into(),
            form_token: "walk".into(),
            ..Default::default()
        };
        let at = chrono::NaiveDate::from_ymd_opt(2024, 9, 27)
            .unwrap()
            .and_hms_opt(9, 0, 0)
            .unwrap();
        let scan = gongkai::domain::attachment::accept("申请书.pdf", PDF.to_vec()).unwrap();
        gongkai::service::public::apply(c, &input, &[scan], at)
            .unwrap()
            .id
    });
    // A file kept with the case, and the one sent with the application.
    let (kept, sent) = app.with_conn(|c| {
        let kept = db::attachments::insert(
            c,
            &db::attachments::NewAttachment {
                case_id: Some(id),
                application_id: None,
                kind: "envelope",
                file_name: "信封.pdf",
                media_type: "application/pdf",
                content: PDF,
                uploaded_by: None,
            },
        )
        .unwrap();
        let sent = db::attachments::of_applications(c, &[application]).unwrap()[0].id;
        (kept.to_string(), sent.to_string())
    });
    // A drafting unit's task on the case, given to A1 itself.
    let task = app.with_conn(|c| {
        let a1_id: i64 = a1.parse().unwrap();
        let clerk = db::users::find_by_username(c, "ca1").unwrap().unwrap().id;
        let day = chrono::NaiveDate::from_ymd_opt(2024, 9, 27).unwrap();
        db::units::insert(c, id, a1_id, clerk, day, day, "").unwrap()
    });
    // Fills a route's placeholders; a placeholder nobody knows fails the test,
    // so a new kind of route must be added here.
    let fill = |path: &str| -> String {
        let mut p = path.to_string();
        let id_value = if path.starts_with("/cases/") {
            id.to_string()
        } else if path.starts_with("/requesters/") {
            requester.to_string()
        } else if path.starts_with("/appeals/") {
            appeal.to_string()
        } else if path.starts_with("/applications/") {
            application.to_string()
        } else if path.starts_with("/tasks/") {
            task.to_string()
        } else if path.starts_with("/admin/agencies/") {
            a1.clone()
        } else if path.starts_with("/admin/users/") {
            victim.to_string()
        } else if path.starts_with("/admin/settings/topics/") || path.starts_with("/admin/mail/") {
            "1".into()
        } else {
            String::new()
        };
        let attachment = if path.starts_with("/applications/") {
            &sent
        } else {
            &kept
        };
        for (ph, value) in [
            ("{id}", id_value.as_str()),
            ("{attachment}", attachment.as_str()),
            ("{action}", "request_extension"),
            ("{letter}", letter_id.as_str()),
            ("{file}", "style.css"),
            ("{code}", "en"),
        ] {
            p = p.replace(ph, value);
        }
        assert!(!p.contains('{'), "no value for a placeholder in {path}");
        p
    };
    let people = [
        (Who::Anonymous, None),
        (Who::ClerkHere, Some("ca1")),
        (Who::ClerkElsewhere, Some("cb")),
        (Who::SupervisorAbove, Some("sa")),
        (Who::SupervisorElsewhere, Some("sb")),
        (Who::Admin, Some("root")),
    ];
    let mut checked = 0;
    for (who, name) in people {
        let b = match name {
            Some(n) => app.login(n).await,
            None => app.browser(),
        };
        let token = match who {
            Who::Anonymous => b.get("/login").await.csrf(),
            _ => b.get("/account/password").await.csrf(),
        };
        for &(method, path, access) in ROUTES {
            // Signing out here would end the walk; logout has its own test.
            if path == "/logout" && who != Who::Anonymous {
                continue;
            }
            let url = fill(path);
            let r = match method {
                "get" => b.get(&url).await,
                "post" => b.post_raw(&url, &[("csrf_token", &token)]).await,
                other => panic!("a {other} route: teach this test its method"),
            };
            let what = format!("{who:?} {method} {path} -> {}", r.status);
            assert!(r.status < 500, "{what}: {}", r.body);
            // Routes about one case or one requester: another subtree finds nothing.
            let case_route = [
                "/cases/{id}",
                "/requesters/{id}",
                "/appeals/{id}",
                "/applications/{id}",
                "/tasks/{id}",
            ]
            .iter()
            .any(|p| path.starts_with(p));
            match (access, who) {
                (Access::Public, _) => {}
                (_, Who::Anonymous) => assert!(
                    r.location.as_deref() == Some("/login") || r.status == 403,
                    "{what}"
                ),
                (Access::Admin, Who::Admin) => assert_ne!(r.status, 403, "{what}"),
                (Access::Admin, _) => assert_eq!(r.status, 403, "{what}"),
                (Access::Supervisor, Who::ClerkHere | Who::ClerkElsewhere) => {
                    assert_eq!(r.status, 403, "{what}")
                }
                // A form posted empty is refused or done, never hidden or forbidden.
                (Access::Supervisor, _) if method == "post" => {
                    assert!(![403, 404].contains(&r.status), "{what}")
                }
                (Access::Supervisor, _) => assert_eq!(r.status, 200, "{what}"),
                (Access::Staff, Who::ClerkElsewhere | Who::SupervisorElsewhere) if case_route => {
                    // Exactly as for a case that does not exist.
                    let missing = url
                        .replacen(&format!("/cases/{id}"), "/cases/999999", 1)
                        .replacen(&format!("/requesters/{requester}"), "/requesters/999999", 1)
                        .replacen(&format!("/appeals/{appeal}"), "/appeals/999999", 1)
                        .replacen(
                            &format!("/applications/{application}"),
                            "/applications/999999",
                            1,
                        )
                        .replacen(&format!("/tasks/{task}"), "/tasks/999999", 1);
                    let m = match method {
                        "get" => b.get(&missing).await,
                        _ => b.post_raw(&missing, &[("csrf_token", &token)]).await,
                    };
                    assert_eq!(r.status, m.status, "{what}, missing: {}", m.status);
                    assert!(r.status == 404 || r.status == 400, "{what}");
                    assert!(!r.body.contains("A1-2024-0001"), "{what}");
                }
                (Access::Staff, _) => {
                    assert!(r.status != 403 && r.status != 404, "{what}: {}", r.body)
                }
            }
            checked += 1;
        }
    }
    assert!(checked >= ROUTES.len() * 6 - 5, "{checked}");
    // Nothing of B's people reached A1's case.
    let events = app.with_conn(|c| db::cases::events(c, id).unwrap());
    let outsiders = [user_id(&app, "cb"), user_id(&app, "sb")];
    assert!(
        events
            .iter()
            .all(|e| !e.user_id.is_some_and(|u| outsiders.contains(&u)))
    );
}
