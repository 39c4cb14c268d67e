//! The office's administration pages: agencies, users, the calendar, the audit log.

mod common;
use common::TestApp;
use gongkai::db;

both_backends!(
    agencies_tree_create_edit_move,
    agency_cycle_and_duplicate_code_are_refused,
    agency_csv_import_all_or_nothing,
    calendar_year_grid_and_corrections,
    calendar_months_are_named_in_english,
    audit_log_is_filterable,
    audit_log_reads_in_china_time_and_in_words,
    settings_and_topics,
    text_limits_are_stated_beside_the_fields,
);

fn id_of(app: &TestApp, code: &str) -> i64 {
    app.with_conn(|c| db::agencies::find_by_code(c, code).unwrap().unwrap().id)
}

async fn agencies_tree_create_edit_move(app: TestApp) {
    let b = app.signed_in("boss", "admin", None).await;
    b.get("/").await.assert_contains("尚未建立机关");
    let r = b
        .submit(
            "/admin/agencies/new",
            "/admin/agencies/new",
            &[
                ("code", "CZ"),
                ("name", "常州市人民政府"),
                ("kind", "government"),
                ("parent_id", ""),
                ("review_body", "江苏省人民政府"),
            ],
        )
        .await;
    r.assert_redirect("/admin/agencies");
    let cz = id_of(&app, "CZ").to_string();
    for (code, name) in [
        ("CZ-GTJ", "常州市国土资源局"),
        ("CZ-XB", "常州市新北区人民政府"),
    ] {
        let kind = if code == "CZ-XB" {
            "government"
        } else {
            "department"
        };
        b.submit(
            "/admin/agencies/new",
            "/admin/agencies/new",
            &[
                ("code", code),
                ("name", name),
                ("kind", kind),
                ("parent_id", &cz),
            ],
        )
        .await
        .assert_redirect("/admin/agencies");
    }
    let xb = id_of(&app, "CZ-XB").to_string();
    b.submit(
        "/admin/agencies/new",
        "/admin/agencies/new",
        &[
            ("code", "CZ-XB-WJ"),
            ("name", "新北区魏村街道办事处"),
            ("kind", "other"),
            ("parent_id", &cz),
        ],
    )
    .await
    .assert_redirect("/admin/agencies");
    // Move the street office under the district.
    let wj = id_of(&app, "CZ-XB-WJ");
    let page = format!("/admin/agencies/{wj}");
    b.submit(
        &page,
        &page,
        &[
            ("code", "CZ-XB-WJ"),
            ("name", "新北区魏村街道办事处"),
            ("short_name", "魏村街道"),
            ("kind", "other"),
            ("parent_id", &xb),
            ("doc_prefix", "常新魏"),
            ("doc_pattern", "{prefix}{type}〔{year}〕{serial}号"),
        ],
    )
    .await
    .assert_redirect("/admin/agencies");
    let list = b.get("/admin/agencies").await;
    list.assert_ok().assert_contains("已保存");
    let names = list.texts("table.tree td:first-child");
    assert_eq!(
        names,
        vec![
            "常州市人民政府",
            "常州市国土资源局",
            "常州市新北区人民政府",
            "新北区魏村街道办事处"
        ]
    );
    assert_eq!(list.texts("td.depth-2"), vec!["新北区魏村街道办事处"]);
    let moved = app.with_conn(|c| db::agencies::find(c, wj).unwrap().unwrap());
    assert_eq!(moved.parent_id, Some(id_of(&app, "CZ-XB")));
    assert_eq!(moved.short_name, "魏村街道");
    assert_eq!(moved.doc_prefix, "常新魏");
}

async fn agency_cycle_and_duplicate_code_are_refused(app: TestApp) {
    app.agency("CZ", "常州市人民政府", "government", None);
    app.agency("CZ-XB", "新北区人民政府", "government", Some("CZ"));
    app.agency("CZ-XB-WJ", "魏村街道", "other", Some("CZ-XB"));
    let b = app.signed_in("boss", "admin", None).await;
    let cz = id_of(&app, "CZ");
    let wj = id_of(&app, "CZ-XB-WJ").to_string();
    let page = format!("/admin/agencies/{cz}");
    // The form does not offer the agency's own subtree as a parent...
    let form = b.get(&page).await;
    form.assert_ok()
        .assert_lacks(&format!("<option value=\"{wj}\""));
    // ...and a forged choice is refused with a message.
    let r = b
        .submit(
            &page,
            &page,
            &[
                ("code", "CZ"),
                ("name", "常州市人民政府"),
                ("kind", "government"),
                ("parent_id", &wj),
            ],
        )
        .await;
    r.assert_status(400)
        .assert_contains("不能将机关移到其自身或其下级机关之下");
    let r = b
        .submit(
            "/admin/agencies/new",
            "/admin/agencies/new",
            &[("code", "CZ-XB"), ("name", "重复"), ("kind", "other")],
        )
        .await;
    r.assert_status(400)
        .assert_contains("该代码已被其他机关使用")
        .assert_contains("重复");
    let r = b
        .submit(
            "/admin/agencies/new",
            "/admin/agencies/new",
            &[("code", "NEW"), ("name", ""), ("kind", "other")],
        )
        .await;
    r.assert_status(400).assert_contains("此项必填");
    assert_eq!(app.with_conn(|c| db::agencies::count(c).unwrap()), 3);
    assert_eq!(
        app.with_conn(|c| db::agencies::find(c, cz).unwrap().unwrap().parent_id),
        None
    );
}

async fn agency_csv_import_all_or_nothing(app: TestApp) {
    let b = app.signed_in("boss", "admin", None).await;
    let bad = "code,name,kind,parent_code\nCZ,常州市人民政府,government,\nCZ-GTJ,常州市国土资源局,department,CZ\nCZ-X,某局,bureau,CZ\n";
    let r = b
        .submit("/admin/agencies", "/admin/agencies/import", &[("csv", bad)])
        .await;
    r.assert_status(400)
        .assert_contains("row 4, column kind")
        .assert_contains("bureau");
    assert_eq!(app.with_conn(|c| db::agencies::count(c).unwrap()), 0);
    let cycle = "code,name,kind,parent_code\nA,甲,government,B\nB,乙,government,A\n";
    b.submit(
        "/admin/agencies",
        "/admin/agencies/import",
        &[("csv", cycle)],
    )
    .await
    .assert_status(400)
    .assert_contains("cycle");
    let good = "code,name,kind,parent_code,short_name\nCZ-GTJ,常州市国土资源局,department,CZ,市国土局\nCZ,常州市人民政府,government,,\n";
    b.submit(
        "/admin/agencies",
        "/admin/agencies/import",
        &[("csv", good)],
    )
    .await
    .assert_redirect("/admin/agencies");
    b.get("/admin/agencies")
        .await
        .assert_contains("新建 2 个，更新 0 个");
    let gtj = app.with_conn(|c| db::agencies::find_by_code(c, "CZ-GTJ").unwrap().unwrap());
    assert_eq!(gtj.parent_id, Some(id_of(&app, "CZ")));
    assert_eq!(gtj.short_name, "市国土局");
}

async fn calendar_year_grid_and_corrections(app: TestApp) {
    let b = app.signed_in("boss", "admin", None).await;
    let page = b.get("/admin/calendar?year=2024").await;
    page.assert_ok().assert_contains("本年共 251 个工作日");
    // 2024-10-12 (Saturday) is a make-up workday; 2024-10-01 a holiday.
    page.assert_contains("class=\"day makeup\" title=\"2024-10-12");
    page.assert_contains("class=\"day holiday\" title=\"2024-10-01");
    b.get("/admin/calendar?year=2027")
        .await
        .assert_contains("2027 年的节假日安排尚未载入");
    // Add a holiday on a weekday, then remove it again.
    b.submit(
        "/admin/calendar?year=2024",
        "/admin/calendar/day",
        &[
            ("date", "2024-10-08"),
            ("kind", "holiday"),
            ("festival", "测试"),
        ],
    )
    .await
    .assert_redirect("/admin/calendar?year=2024");
    b.get("/admin/calendar?year=2024")
        .await
        .assert_contains("本年共 250 个工作日");
    b.submit(
        "/admin/calendar?year=2024",
        "/admin/calendar/day",
        &[("date", "2024-10-08"), ("kind", "normal")],
    )
    .await
    .assert_redirect("/admin/calendar?year=2024");
    b.get("/admin/calendar?year=2024")
        .await
        .assert_contains("本年共 251 个工作日");
    // Bad input is explained and changes nothing.
    b.submit(
        "/admin/calendar",
        "/admin/calendar/day",
        &[("date", "2024-02-30"), ("kind", "holiday")],
    )
    .await
    .assert_status(400)
    .assert_contains("YYYY-MM-DD");
    b.submit(
        "/admin/calendar",
        "/admin/calendar/day",
        &[("date", "2024-10-09"), ("kind", "workday")],
    )
    .await
    .assert_status(400)
    .assert_contains("只能是周六或周日");
    let r = b
        .submit(
            "/admin/calendar",
            "/admin/calendar/import",
            &[("csv", "date,kind\n2027-01-01,holiday\n2027-13-01,holiday\n")],
        )
        .await;
    r.assert_status(400).assert_contains("row 3, column date");
    b.get("/admin/calendar?year=2027")
        .await
        .assert_contains("尚未载入");
    b.submit(
        "/admin/calendar",
        "/admin/calendar/import",
        &[("csv", "date,kind,festival\n2027-01-01,holiday,元旦\n")],
    )
    .await
    .assert_redirect("/admin/calendar");
    b.get("/admin/calendar?year=2027")
        .await
        .assert_lacks("尚未载入");
    let audit = app.with_conn(|c| db::audit::actions(c).unwrap());
    assert!(audit.contains(&"calendar.add".to_string()));
    assert!(audit.contains(&"calendar.remove".to_string()));
    assert!(audit.contains(&"calendar.import".to_string()));
}

async fn calendar_months_are_named_in_english(app: TestApp) {
    let b = app.signed_in("boss", "admin", None).await;
    let zh = b.get("/admin/calendar?year=2024").await;
    let months = zh.texts("table.month caption");
    assert_eq!(months.len(), 12);
    assert_eq!((months[0].as_str(), months[11].as_str()), ("1 月", "12 月"));
    b.get("/lang/en").await;
    let en = b.get("/admin/calendar?year=2024").await;
    let months = en.texts("table.month caption");
    assert_eq!(
        months,
        [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December"
        ]
    );
}

async fn audit_log_is_filterable(app: TestApp) {
    app.user("boss", "admin", None);
    let stranger = app.browser();
    stranger
        .login("boss", "not the password")
        .await
        .assert_status(401);
    let b = app.browser();
    b.login("boss", common::PASSWORD).await.assert_redirect("/");
    b.submit(
        "/admin/agencies/new",
        "/admin/agencies/new",
        &[
            ("code", "SQ"),
            ("name", "宿迁市人民政府"),
            ("kind", "government"),
        ],
    )
    .await
    .assert_redirect("/admin/agencies");
    let all = b.get("/admin/audit").await;
    let actions = |p: &common::Page| p.texts("table.list td:nth-child(3)");
    all.assert_ok().assert_contains("名称：宿迁市人民政府");
    assert!(actions(&all).contains(&"登录失败".to_string()));
    assert!(actions(&all).contains(&"新建机关".to_string()));
    let failures = b.get("/admin/audit?action=login.failure").await;
    failures.assert_ok().assert_contains("共 1 条");
    assert_eq!(actions(&failures), vec!["登录失败"]);
    let by_user = b.get("/admin/audit?user=boss&action=agency.create").await;
    by_user.assert_contains("共 1 条");
    b.get("/admin/audit?from=2020-01-01&to=2020-12-31")
        .await
        .assert_contains("共 0 条");
    b.get("/admin/audit?from=yesterday")
        .await
        .assert_ok()
        .assert_contains("YYYY-MM-DD");
}

/// Writes an entry as it was at a given moment (UTC), as an older
/// gongkai or one that ran at night would have left it.
fn entry_at(app: &TestApp, utc: &str, action: &str, target: &str, detail: &str) {
    use diesel::prelude::*;
    use gongkai::db::schema::audit_log;
    let at = chrono::NaiveDateTime::parse_from_str(utc, "%Y-%m-%d %H:%M:%S").unwrap();
    app.with_conn(|c| {
        diesel::insert_into(audit_log::table)
            .values((
                audit_log::at.eq(at),
                audit_log::username.eq("boss"),
                audit_log::action.eq(action),
                audit_log::target.eq(target),
                audit_log::detail.eq(detail),
            ))
            .execute(c)
            .unwrap()
    });
}

async fn audit_log_reads_in_china_time_and_in_words(app: TestApp) {
    use gongkai::db::audit::{Detail, Field};
    let b = app.signed_in("boss", "admin", None).await;
    let promoted = Detail::none()
        .change(Field::Role, "clerk", "supervisor")
        .changed(Field::DisplayName)
        .encode();
    let imported = Detail::none()
        .with(Field::Added, 3)
        .with(Field::Replaced, 1)
        .encode();
    // 16:30 UTC on 31 December is half past midnight on 1 January in China.
    entry_at(
        &app,
        "2023-12-31 16:30:00",
        "user.update",
        "chen",
        &promoted,
    );
    entry_at(
        &app,
        "2024-01-01 16:30:00",
        "calendar.import",
        "CSV",
        &imported,
    );
    // Details written as free text before they were structured stay readable.
    entry_at(
        &app,
        "2023-12-31 03:00:00",
        "agency.import",
        "CSV",
        "2 created, 0 updated",
    );
    // Each row's cells, " | " between them.
    let rows = |p: &common::Page| -> Vec<String> {
        let doc = scraper::Html::parse_document(&p.body);
        let tr = scraper::Selector::parse("table.list tbody tr").unwrap();
        let td = scraper::Selector::parse("td").unwrap();
        doc.select(&tr)
            .map(|r| {
                let cells: Vec<String> = r.select(&td).map(|c| c.text().collect()).collect();
                cells.join(" | ")
            })
            .collect()
    };
    let day = b.get("/admin/audit?from=2024-01-01&to=2024-01-01").await;
    day.assert_ok()
        .assert_contains("共 1 条")
        .assert_contains("时间（北京时间）");
    assert_eq!(
        rows(&day),
        vec!["2024-01-01 00:30:00 | boss | 修改用户 | chen | 角色：经办人 → 负责人；姓名已修改"]
    );
    let before = b.get("/admin/audit?to=2023-12-31").await;
    assert_eq!(
        rows(&before),
        vec!["2023-12-31 11:00:00 | boss | 导入机关 | CSV | 2 created, 0 updated"]
    );
    // What gongkai did by itself at first start is named as such.
    let bundled = b
        .get("/admin/audit?action=calendar.import&user=(system)")
        .await;
    assert!(
        rows(&bundled)[0]
            .contains(" | （系统） | 导入工作日历 | holidays-cn.csv (bundled) | 新增："),
        "{:?}",
        rows(&bundled)
    );
    // The filter offers the actions by name.
    let filter = b.get("/admin/audit").await;
    let options = filter.texts("select[name=action] option");
    assert!(options.contains(&"导入工作日历".to_string()), "{options:?}");
    filter.assert_contains("<option value=\"calendar.import\">导入工作日历</option>");
    // In English: names, details and punctuation of the language.
    b.get("/lang/en").await;
    let en = b.get("/admin/audit?from=2024-01-01").await;
    en.assert_contains("When (China time)");
    assert_eq!(
        rows(&en)[..2],
        [
            "2024-01-02 00:30:00 | boss | Calendar imported | CSV | Added: 3; Replaced: 1",
            "2024-01-01 00:30:00 | boss | User changed | chen | Role: Clerk → Supervisor; Name changed",
        ]
    );
    let options = en.texts("select[name=action] option");
    assert!(options.contains(&"Logged in".to_string()), "{options:?}");
}

async fn settings_and_topics(app: TestApp) {
    app.agency("CZ", "常州市人民政府", "government", None);
    let clerk = app.signed_in("wang", "clerk", Some("CZ")).await;
    clerk.get("/admin/settings").await.assert_status(403);
    let b = app.signed_in("boss", "admin", None).await;
    let page = b.get("/admin/settings").await;
    page.assert_ok()
        .assert_contains("value=\"15\"")
        .assert_contains("征地拆迁");
    b.submit(
        "/admin/settings",
        "/admin/settings/rules",
        &[
            ("correction_period_days", "0"),
            ("consultation_days", "15"),
            ("correction_notice_days", "7"),
        ],
    )
    .await
    .assert_status(400)
    .assert_contains("1 至 60");
    b.submit(
        "/admin/settings",
        "/admin/settings/rules",
        &[
            ("correction_period_days", "10"),
            ("consultation_days", "15"),
            ("correction_notice_days", "7"),
            ("fee_stops_clock", "true"),
        ],
    )
    .await
    .assert_redirect("/admin/settings");
    let s = app.with_conn(|c| gongkai::service::rules::load(c).unwrap());
    assert_eq!((s.correction_period_days, s.fee_stops_clock), (10, true));
    b.submit(
        "/admin/settings",
        "/admin/settings/topics",
        &[("name", "交通运输")],
    )
    .await
    .assert_redirect("/admin/settings");
    b.submit(
        "/admin/settings",
        "/admin/settings/topics",
        &[("name", "交通运输")],
    )
    .await
    .assert_status(400)
    .assert_contains("已有同名类别");
    clerk.get("/cases/new").await.assert_contains("交通运输");
    let id = app.with_conn(|c| {
        gongkai::service::rules::topics(c)
            .unwrap()
            .into_iter()
            .find(|t| t.name == "交通运输")
            .unwrap()
            .id
    });
    b.submit(
        "/admin/settings",
        &format!("/admin/settings/topics/{id}"),
        &[("active", "false")],
    )
    .await
    .assert_redirect("/admin/settings");
    clerk.get("/cases/new").await.assert_lacks("交通运输");
}

/// Every text field of a posted form carries `maxlength` and states the
/// same limit beside it, in the reader's language.
fn limits_on(page: &common::Page, stated: impl Fn(usize) -> String) -> Vec<(String, usize)> {
    let doc = scraper::Html::parse_document(&page.body);
    let fields =
        scraper::Selector::parse("form[method=post] input, form[method=post] textarea").unwrap();
    let mut found = Vec::new();
    for field in doc.select(&fields) {
        let e = field.value();
        let Some(name) = e.attr("name") else { continue };
        let texty = match (e.name(), e.attr("type")) {
            ("textarea", _) => name != "csv", // a CSV's limit is its size, stated in bytes
            (_, None | Some("text" | "email" | "tel")) => e.attr("inputmode") != Some("numeric"),
            _ => false,
        };
        if !texty {
            continue;
        }
        let max: usize = e
            .attr("maxlength")
            .unwrap_or_else(|| panic!("{name} has no maxlength"))
            .parse()
            .unwrap();
        let beside = scraper::ElementRef::wrap(field.parent().unwrap())
            .unwrap()
            .text()
            .collect::<String>();
        assert!(
            beside.contains(&stated(max)),
            "{name}: the limit {max} is not stated beside it: {beside}"
        );
        found.push((name.to_string(), max));
    }
    found
}

async fn text_limits_are_stated_beside_the_fields(app: TestApp) {
    use gongkai::{files, service};
    app.agency("CZ", "常州市人民政府", "government", None);
    let cz = id_of(&app, "CZ");
    let admin = app.signed_in("boss", "admin", None).await;
    let clerk = app.signed_in("wang", "clerk", Some("CZ")).await;
    let me = app.with_conn(|c| db::users::find_by_username(c, "wang").unwrap().unwrap().id);
    let pages = [
        (&admin, "/admin/agencies/new".to_string()),
        (&admin, format!("/admin/agencies/{cz}")),
        (&admin, "/admin/users/new".to_string()),
        (&admin, format!("/admin/users/{me}")),
        (&admin, "/admin/settings".to_string()),
        (&admin, "/admin/calendar".to_string()),
        (&clerk, "/cases/new".to_string()),
    ];
    let mut all = Vec::new();
    for (lang, stated) in [
        ("zh", (|n| format!("最多 {n} 字")) as fn(usize) -> String),
        ("en", |n| format!("at most {n} characters")),
    ] {
        for b in [&admin, &clerk] {
            b.get(&format!("/lang/{lang}")).await;
        }
        for (b, path) in &pages {
            let page = b.get(path).await;
            page.assert_ok();
            let found = limits_on(&page, stated);
            assert!(!found.is_empty(), "{path}: no text fields found");
            all.extend(found);
        }
    }
    // The limits are the ones the services check.
    for (name, max) in [
        ("name", files::agencies::MAX_NAME_LEN),
        ("doc_pattern", service::agencies::MAX_DOC_PATTERN),
        ("username", service::users::MAX_USERNAME),
        ("festival", files::calendar::MAX_FESTIVAL_LEN),
        ("subject", service::cases::MAX_SUBJECT),
        ("how_provided", service::cases::MAX_TEXT),
        ("r_name", service::cases::MAX_REQUESTER_NAME),
    ] {
        assert!(
            all.contains(&(name.to_string(), max)),
            "{name} {max}: {all:?}"
        );
    }
    // Beyond the limit the server refuses, with a message (a browser
    // without maxlength, or a forged form); nothing is cut short silently.
    admin.get("/lang/zh").await;
    let long = "节".repeat(files::calendar::MAX_FESTIVAL_LEN + 1);
    admin
        .submit(
            "/admin/calendar",
            "/admin/calendar/day",
            &[
                ("date", "2024-10-08"),
                ("kind", "holiday"),
                ("festival", &long),
            ],
        )
        .await
        .assert_status(400)
        .assert_contains("内容过长");
    let long = "长".repeat(service::rules::MAX_TOPIC + 1);
    admin
        .submit(
            "/admin/settings",
            "/admin/settings/topics",
            &[("name", &long)],
        )
        .await
        .assert_status(400)
        .assert_contains("内容过长");
    assert_eq!(
        app.with_conn(|c| db::calendar::year(c, 2024).unwrap())
            .iter()
            .filter(|d| d.day.to_string() == "2024-10-08")
            .count(),
        0
    );
}
