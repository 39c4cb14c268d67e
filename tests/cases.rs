//! Case handling over HTTP on both databases: intake on every channel, the
//! actions of the history, deadlines, letters, lists, the dashboard, and the
//! refusals (state, role, scope, stale forms, bad input).

mod common;
use common::{Browser, Page, TestApp, act, case_id, date, form_value, issue};
use gongkai::db;
use gongkai::domain::calendar::Calendar;

both_backends!(
    intake_previews_the_receipt_date_and_records_once,
    intake_refuses_bad_input_and_saves_nothing,
    correction_journey_with_letters,
    consultation_and_extension_journey,
    other_agencies_cannot_see_or_act,
    stale_forms_are_not_overwritten,
    lists_filters_and_dashboard,
    correction_overdue_reopen_and_void,
    concurrent_intake_gets_distinct_numbers,
    a_busy_database_is_explained_and_nothing_is_written,
    a_lapsed_consultation_restarts_the_stored_clock,
    english_pages_use_english_punctuation,
    corrections_and_warnings_use_english_punctuation,
);

fn calendar() -> Calendar {
    Calendar::from_csv_str(include_str!("../data/holidays-cn.csv")).unwrap()
}

/// Two departments under a city government, and their people.
fn setup(app: &TestApp) {
    app.agency("CZ", "常州市人民政府", "government", None);
    app.agency("CZ-GTJ", "常州市国土资源局", "department", Some("CZ"));
    app.agency("CZ-HB", "常州市环境保护局", "department", Some("CZ"));
    app.user("wang", "clerk", Some("CZ-GTJ"));
    app.user("li", "clerk", Some("CZ-GTJ"));
    app.user("zhao", "clerk", Some("CZ-HB"));
    app.user("boss", "supervisor", Some("CZ"));
    app.user("root", "admin", None);
}

/// Fills the intake form as a clerk of the land bureau would.
async fn intake(b: &Browser, app: &TestApp, overrides: &[(&str, &str)]) -> Page {
    common::intake_at(b, &app.agency_id("CZ-GTJ"), overrides).await
}

async fn intake_previews_the_receipt_date_and_records_once(app: TestApp) {
    setup(&app);
    app.set_today("2024-09-27");
    let b = app.login("wang").await;
    // Preview: the receipt date, the deadline and how it was worked out, nothing saved.
    let p = intake(&b, &app, &[("preview", "1")]).await;
    p.assert_ok()
        .assert_contains("收到申请日期：2024-09-27")
        // Receiving is not accepting (受理): the interface never says so.
        .assert_lacks("受理")
        .assert_contains("答复期限：2024-10-30")
        .assert_contains("2024-10-01 至 2024-10-07 为法定节假日")
        .assert_contains("2024-10-12 为调休上班日");
    assert_eq!(
        app.with_conn(|c| db::cases::list(c, &Default::default(), 0, 10).unwrap().1),
        0
    );
    let form_token = form_value(&p, "form_token");
    let saved = intake(&b, &app, &[("form_token", &form_token)]).await;
    let id = case_id(&saved);
    // The same form submitted twice records one case.
    let again = intake(&b, &app, &[("form_token", &form_token)]).await;
    assert_eq!(case_id(&again), id);
    let page = b.get(&format!("/cases/{id}")).await;
    page.assert_ok()
        .assert_contains("CZ-GTJ-2024-0001")
        .assert_contains("申请已登记")
        .assert_contains("110***********002X")
        .assert_lacks("11010519491231002X")
        .assert_lacks("受理")
        .assert_contains("剩余 20 个工作日");
    let c = app.stored(id);
    assert_eq!(c.due_on, Some(date("2024-10-30")));
    let wang = app.with_conn(|c| db::users::find_by_username(c, "wang").unwrap().unwrap().id);
    assert_eq!(
        c.assigned_to,
        Some(wang),
        "a clerk's intake is theirs by default"
    );
    // Ordinary letter: the receipt date is the confirmation day; numbers go on per agency and year.
    let p = intake(
        &b,
        &app,
        &[
            ("channel", "letter"),
            ("arrived_on", "2024-09-26"),
            ("confirmed_on", "2024-09-27"),
            ("subject", "平信申请的信息"),
        ],
    )
    .await;
    let second = case_id(&p);
    assert_eq!(app.stored(second).tracking_no, "CZ-GTJ-2024-0002");
    assert_eq!(app.stored(second).received_on, date("2024-09-27"));
    // Signed-for letter: the day it was signed for.
    let p = intake(
        &b,
        &app,
        &[
            ("channel", "letter"),
            ("letter_signed", "true"),
            ("arrived_on", "2024-09-26"),
            ("subject", "挂号信申请的信息"),
        ],
    )
    .await;
    assert_eq!(app.stored(case_id(&p)).received_on, date("2024-09-26"));
    // Answered on the spot: received and closed in one step.
    let p = intake(
        &b,
        &app,
        &[
            ("on_the_spot", "true"),
            ("outcome", "disclosed_already_public"),
            ("how_provided", "已在政府网站公开"),
            ("subject", "当场答复的信息"),
        ],
    )
    .await;
    let spot = app.stored(case_id(&p));
    assert_eq!(spot.status, "closed");
    assert_eq!(spot.closed_on, Some(date("2024-09-27")));
    assert!(!spot.late);
    // The list masks identity numbers; the intake search finds the requester again.
    let found = b.get("/cases/new?rq=张三").await;
    found
        .assert_ok()
        .assert_contains("110***********002X")
        .assert_lacks("11010519491231002X");
    let found = b.get("/cases/new?rq=11010519491231002x").await;
    found.assert_contains("110***********002X");
}

async fn intake_refuses_bad_input_and_saves_nothing(app: TestApp) {
    setup(&app);
    app.set_today("2024-09-27");
    let b = app.login("wang").await;
    let long = "长".repeat(2001);
    let cases: Vec<(Vec<(&str, &str)>, &str)> = vec![
        (vec![("channel", "fax")], "该申请方式须填写双方确认日期"),
        (
            vec![("channel", "online"), ("confirmed_on", "2024-09-20")],
            "确认日期不能早于实际收到日期",
        ),
        (vec![("arrived_on", "2024-10-01")], "日期不能晚于今天"),
        (
            vec![("arrived_on", "2024-02-30")],
            "日期格式应为 YYYY-MM-DD",
        ),
        (vec![("subject", "")], "此项必填"),
        (vec![("subject", long.as_str())], "内容过长"),
        (vec![("channel", "pigeon")], "请从列表中选择"),
        (vec![("r_kind", "alien")], "请从列表中选择"),
        (
            vec![("r_id_number", "110105194912310021")],
            "居民身份证号码不正确",
        ),
        (
            vec![("r_phone", ""), ("r_address", "")],
            "请至少填写一种联系方式",
        ),
        (vec![("r_name", "")], "此项必填"),
        (vec![("agency_id", "999999")], "请从列表中选择"),
        (
            vec![
                ("on_the_spot", "true"),
                ("outcome", "other_correction_overdue"),
            ],
            "请从列表中选择",
        ),
    ];
    for (overrides, message) in cases {
        let p = intake(&b, &app, &overrides).await;
        p.assert_status(400)
            .assert_contains(message)
            .assert_contains("请更正下列标出的问题");
        // The user's input comes back.
        if !overrides.iter().any(|(k, _)| *k == "r_address") {
            p.assert_contains("常州市新北区某路1号");
        }
    }
    // A clerk cannot record a case for another agency.
    let hb = app.agency_id("CZ-HB");
    intake(&b, &app, &[("agency_id", &hb)])
        .await
        .assert_status(400);
    app.with_conn(|c| {
        assert_eq!(db::cases::list(c, &Default::default(), 0, 10).unwrap().1, 0);
        assert!(
            db::cases::search_requesters(c, "张三", None, 10)
                .unwrap()
                .is_empty()
        );
    });
}

async fn correction_journey_with_letters(app: TestApp) {
    setup(&app);
    app.set_today("2024-09-27");
    let wang = app.login("wang").await;
    let id = case_id(&intake(&wang, &app, &[]).await);
    // A receipt can be printed at once.
    let r = issue(&wang, id, "receipt").await;
    let receipt = r.location.clone().expect("redirect to the letter");
    wang.get(&receipt)
        .await
        .assert_ok()
        .assert_contains("接收回执")
        .assert_contains("CZGTJ依接〔2024〕1号")
        .assert_contains("CZ-GTJ-2024-0001");
    app.set_today("2024-09-30");
    act(
        &wang,
        id,
        "request_correction",
        &[
            ("on", "2024-09-30"),
            ("items", "请写明地块名称\n请写明所需文件的年份"),
        ],
    )
    .await
    .assert_redirect(&format!("/cases/{id}"));
    let page = wang.get(&format!("/cases/{id}")).await;
    page.assert_contains("期限中止：等待补正")
        .assert_contains("请写明地块名称");
    assert_eq!(app.stored(id).clock, "correction");
    assert_eq!(app.stored(id).due_on, None);
    // Only one correction notice.
    act(
        &wang,
        id,
        "request_correction",
        &[("on", "2024-09-30"), ("items", "再补一次")],
    )
    .await
    .assert_status(409)
    .assert_contains("补正只能告知一次");
    // The correction notice gets the agency's number: the default pattern with its prefix.
    let r = issue(&wang, id, "correction_notice").await;
    let notice = wang.get(r.location.as_deref().unwrap()).await;
    notice
        .assert_ok()
        .assert_contains("CZGTJ依补〔2024〕1号")
        .assert_contains("请写明地块名称");
    // Issued once: the button is gone and a second try is refused.
    issue(&wang, id, "correction_notice")
        .await
        .assert_status(409);
    // A date before the request is refused with a message beside the field.
    app.set_today("2024-10-10");
    act(&wang, id, "receive_correction", &[("on", "2024-09-29")])
        .await
        .assert_status(400)
        .assert_contains("日期不能早于");
    act(&wang, id, "receive_correction", &[("on", "2024-10-10")])
        .await
        .assert_redirect(&format!("/cases/{id}"));
    let due = calendar().add_working_days(date("2024-10-10"), 20);
    assert_eq!(app.stored(id).due_on, Some(due));
    wang.get(&format!("/cases/{id}"))
        .await
        .assert_contains("收到补正，期限重新计算");
    // Decide: a refusal needs reasons.
    app.set_today("2024-10-20");
    act(
        &wang,
        id,
        "decide",
        &[
            ("on", "2024-10-20"),
            ("outcome", "withheld_third_party"),
            ("delivery_method", "post"),
        ],
    )
    .await
    .assert_status(400)
    .assert_contains("此项必填");
    assert_eq!(app.stored(id).status, "open");
    act(
        &wang,
        id,
        "decide",
        &[
            ("on", "2024-10-20"),
            ("outcome", "partial"),
            ("reasons", "第三方的个人信息不予公开"),
            ("how_provided", "纸质复印件邮寄"),
            ("ground", "art15"),
            ("delivery_method", "post"),
        ],
    )
    .await
    .assert_redirect(&format!("/cases/{id}"));
    let c = app.stored(id);
    assert_eq!(
        (c.status.as_str(), c.outcome.as_deref(), c.late),
        ("closed", Some("partial"), false)
    );
    // The answer letter: numbered, citing the article, remedies variant A (review first) naming the body.
    let r = issue(&wang, id, "answer").await;
    let answer = wang.get(r.location.as_deref().unwrap()).await;
    answer
        .assert_ok()
        .assert_contains("CZGTJ依复〔2024〕1号")
        .assert_contains("第三十七条")
        .assert_contains("第十五条")
        .assert_contains("常州市国土资源局的上级人民政府")
        .assert_contains("60日")
        .assert_lacks("6个月");
    // Record delivery of the answer and print the proof of delivery.
    let answer_id = r
        .location
        .as_deref()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .to_string();
    act(
        &wang,
        id,
        "deliver",
        &[
            ("letter_id", &answer_id),
            ("on", "2024-10-20"),
            ("method", "post"),
            ("recipient", "张三"),
            ("postal_tracking", "EMS1234567"),
        ],
    )
    .await
    .assert_redirect(&format!("/cases/{id}"));
    let r = issue(&wang, id, "delivery_proof").await;
    wang.get(r.location.as_deref().unwrap())
        .await
        .assert_ok()
        .assert_contains("送达回证")
        .assert_contains("EMS1234567");
    // Letters are kept exactly as issued even when the agency changes its settings.
    let gtj = app.with_conn(|c| db::agencies::find_by_code(c, "CZ-GTJ").unwrap().unwrap());
    app.with_conn(|c| {
        let mut f = gongkai::db::agencies::AgencyFields {
            code: gtj.code.clone(),
            name: "改名后的机关".into(),
            short_name: gtj.short_name.clone(),
            kind: gtj.kind.clone(),
            parent_id: gtj.parent_id,
            ..Default::default()
        };
        f.doc_pattern = gtj.doc_pattern.clone();
        db::agencies::update(c, gtj.id, &f).unwrap();
    });
    wang.get(r.location.as_deref().unwrap())
        .await
        .assert_lacks("改名后的机关");
    // The timeline shows every step, who did it.
    let page = wang.get(&format!("/cases/{id}")).await;
    for step in [
        "收到申请并登记",
        "告知补正",
        "收到补正",
        "作出答复",
        "送达",
        "出具文书",
    ] {
        page.assert_contains(step);
    }
}

async fn consultation_and_extension_journey(app: TestApp) {
    setup(&app);
    app.set_today("2024-09-27");
    let wang = app.login("wang").await;
    let id = case_id(&intake(&wang, &app, &[]).await);
    app.set_today("2024-09-30");
    act(
        &wang,
        id,
        "start_consultation",
        &[
            ("consultation", "third_party"),
            ("on", "2024-09-30"),
            ("party", "某房地产公司"),
            ("matter", "土地出让合同"),
            ("why", "可能涉及商业秘密"),
        ],
    )
    .await
    .assert_redirect(&format!("/cases/{id}"));
    assert_eq!(app.stored(id).clock, "third_party_consultation");
    let r = issue(&wang, id, "consultation_third_party").await;
    wang.get(r.location.as_deref().unwrap())
        .await
        .assert_ok()
        .assert_contains("某房地产公司")
        .assert_contains("CZGTJ依征〔2024〕1号");
    let r = issue(&wang, id, "consultation_applicant_notice").await;
    wang.get(r.location.as_deref().unwrap())
        .await
        .assert_ok()
        .assert_contains("CZGTJ依征〔2024〕2号");
    // The reply arrives after the National Day holidays.
    app.set_today("2024-10-10");
    act(
        &wang,
        id,
        "end_consultation",
        &[
            ("on", "2024-10-10"),
            ("reply", "objection"),
            ("note", "不同意公开"),
        ],
    )
    .await
    .assert_redirect(&format!("/cases/{id}"));
    // Day 1 was 2024-09-29 (a make-up Sunday) and 09-30 counted; working days after 09-30 up to 10-10 did not.
    let cal = calendar();
    let stopped = cal.working_days_between(date("2024-09-30"), date("2024-10-10")) as u32;
    let due = cal.add_working_days(date("2024-10-10"), 20 - 2);
    assert!(stopped > 0);
    assert_eq!(app.stored(id).due_on, Some(due));
    assert_eq!(app.stored(id).clock, "");
    // The clerk asks for an extension; only a supervisor other than the requester may decide.
    act(
        &wang,
        id,
        "request_extension",
        &[("reason", "需要进一步检索档案")],
    )
    .await
    .assert_redirect(&format!("/cases/{id}"));
    act(&wang, id, "request_extension", &[("reason", "again")])
        .await
        .assert_status(409)
        .assert_contains("正在等待审批");
    act(&wang, id, "approve_extension", &[])
        .await
        .assert_status(409)
        .assert_contains("只有负责人");
    let root = app.login("root").await;
    act(&root, id, "approve_extension", &[])
        .await
        .assert_status(409)
        .assert_contains("只有负责人");
    let boss = app.login("boss").await;
    let dash = boss.get("/dashboard").await;
    dash.assert_ok().assert_contains("延期待批");
    let pending = boss.get("/cases?extension=1").await;
    pending.assert_contains("CZ-GTJ-2024-0001");
    act(&boss, id, "approve_extension", &[])
        .await
        .assert_redirect(&format!("/cases/{id}"));
    let extended = cal.add_working_days(due, 20);
    assert_eq!(app.stored(id).due_on, Some(extended));
    assert!(app.stored(id).extended);
    act(&wang, id, "request_extension", &[("reason", "再延一次")])
        .await
        .assert_status(409)
        .assert_contains("延期只能一次");
    let r = issue(&wang, id, "extension_notice").await;
    wang.get(r.location.as_deref().unwrap())
        .await
        .assert_ok()
        .assert_contains("需要进一步检索档案")
        .assert_contains(&gongkai::domain::letters::format_date_zh(extended));
    wang.get(&format!("/cases/{id}"))
        .await
        .assert_contains("批准延期 20 个工作日");
}

async fn other_agencies_cannot_see_or_act(app: TestApp) {
    setup(&app);
    app.set_today("2024-09-27");
    let wang = app.login("wang").await;
    let id = case_id(&intake(&wang, &app, &[]).await);
    let zhao = app.login("zhao").await;
    zhao.get(&format!("/cases/{id}")).await.assert_status(404);
    let token = zhao.get("/cases/mine").await.csrf();
    for action in [
        "assign",
        "request_correction",
        "receive_correction",
        "correction_overdue",
        "start_consultation",
        "end_consultation",
        "request_extension",
        "approve_extension",
        "refuse_extension",
        "set_deadline",
        "decide",
        "deliver",
        "reopen",
        "void",
    ] {
        zhao.post_raw(
            &format!("/cases/{id}/act/{action}"),
            &[
                ("csrf_token", &token),
                ("version", "1"),
                ("on", "2024-09-27"),
                ("outcome", "disclosed"),
                ("reason", "x"),
                ("items", "x"),
            ],
        )
        .await
        .assert_status(404);
    }
    zhao.post_raw(
        &format!("/cases/{id}/letters"),
        &[
            ("csrf_token", &token),
            ("version", "1"),
            ("kind", "receipt"),
        ],
    )
    .await
    .assert_status(404);
    let letter = issue(&wang, id, "receipt").await.location.unwrap();
    zhao.get(&letter).await.assert_status(404);
    zhao.get("/cases")
        .await
        .assert_ok()
        .assert_lacks("CZ-GTJ-2024-0001");
    zhao.get("/cases?q=CZ-GTJ").await.assert_contains("共 0 条");
    // Narrowing to another agency never widens a clerk's scope.
    let gtj = app.agency_id("CZ-GTJ");
    zhao.get(&format!("/cases?agency={gtj}"))
        .await
        .assert_lacks("CZ-GTJ-2024-0001");
    // The supervisor of the city government sees the department's cases.
    let boss = app.login("boss").await;
    boss.get(&format!("/cases/{id}")).await.assert_ok();
    boss.get("/cases").await.assert_contains("CZ-GTJ-2024-0001");
    // Clerks have no dashboard.
    wang.get("/dashboard").await.assert_status(403);
    let c = app.stored(id);
    assert_eq!(
        (c.version, c.status.as_str()),
        (2, "open"),
        "only the receipt changed the case"
    );
}

async fn stale_forms_are_not_overwritten(app: TestApp) {
    setup(&app);
    app.set_today("2024-09-27");
    let wang = app.login("wang").await;
    let li = app.login("li").await;
    let id = case_id(&intake(&wang, &app, &[]).await);
    // Both open the case page; wang decides first.
    let li_page = li.get(&format!("/cases/{id}")).await;
    let (token, version) = (li_page.csrf(), form_value(&li_page, "version"));
    act(
        &wang,
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
    let r = li
        .post_raw(
            &format!("/cases/{id}/act/request_correction"),
            &[
                ("csrf_token", &token),
                ("version", &version),
                ("on", "2024-09-27"),
                ("items", "x"),
            ],
        )
        .await;
    // The case is closed now, but the form is stale first: the user reads who
    // changed it, not a refusal that makes no sense on the page they saw.
    r.assert_status(409)
        .assert_contains("被 wang 修改")
        .assert_lacks("此案件已办结");
    // Two edits both allowed in the state: the second, on an old version, is refused naming who changed it.
    let id2 = case_id(&intake(&wang, &app, &[("subject", "另一申请")]).await);
    let li_page = li.get(&format!("/cases/{id2}")).await;
    let (token, version) = (li_page.csrf(), form_value(&li_page, "version"));
    act(&wang, id2, "request_extension", &[("reason", "量大")])
        .await
        .assert_redirect(&format!("/cases/{id2}"));
    let r = li
        .post_raw(
            &format!("/cases/{id2}/act/start_consultation"),
            &[
                ("csrf_token", &token),
                ("version", &version),
                ("consultation", "agency"),
                ("on", "2024-09-27"),
                ("party", "市规划局"),
                ("matter", "规划图"),
            ],
        )
        .await;
    r.assert_status(409).assert_contains("被 wang 修改");
    assert_eq!(app.stored(id2).clock, "");
    // A missing version is a stale form too.
    let token = li.get(&format!("/cases/{id2}")).await.csrf();
    li.post_raw(
        &format!("/cases/{id2}/act/start_consultation"),
        &[
            ("csrf_token", &token),
            ("consultation", "agency"),
            ("on", "2024-09-27"),
            ("party", "市规划局"),
            ("matter", "规划图"),
        ],
    )
    .await
    .assert_status(409)
    .assert_contains("表单已过期");
}

async fn lists_filters_and_dashboard(app: TestApp) {
    setup(&app);
    app.set_today("2024-09-02");
    let wang = app.login("wang").await;
    let zhao = app.login("zhao").await;
    let old = case_id(
        &intake(
            &wang,
            &app,
            &[("arrived_on", "2024-09-02"), ("subject", "旧案 土地")],
        )
        .await,
    );
    app.set_today("2024-09-27");
    let _new = case_id(
        &intake(
            &wang,
            &app,
            &[
                ("subject", "新案 规划"),
                ("channel", "fax"),
                ("confirmed_on", "2024-09-27"),
                ("topic", "规划建设"),
            ],
        )
        .await,
    );
    let hb = app.agency_id("CZ-HB");
    let _env = case_id(
        &intake(
            &zhao,
            &app,
            &[
                ("subject", "排污许可"),
                ("agency_id", &hb),
                ("topic", "环境保护"),
            ],
        )
        .await,
    );
    // Later: the old case is overdue (due 2024-09-30 + ...), the new one is not.
    app.set_today("2024-10-25");
    let mine = wang.get("/cases/mine").await;
    mine.assert_ok()
        .assert_contains("旧案")
        .assert_contains("新案")
        .assert_lacks("排污许可");
    // Sorted by what falls due first: the old case comes first.
    let rows = mine.texts("table.cases td.subject");
    assert_eq!(rows[0], "旧案 土地");
    let boss = app.login("boss").await;
    boss.get("/cases?overdue=1")
        .await
        .assert_contains("旧案")
        .assert_lacks("新案");
    boss.get("/cases?channel=fax")
        .await
        .assert_contains("新案")
        .assert_lacks("旧案");
    boss.get("/cases?topic=环境保护")
        .await
        .assert_contains("排污许可")
        .assert_contains("共 1 条");
    boss.get("/cases?q=规划")
        .await
        .assert_contains("新案")
        .assert_contains("共 1 条");
    boss.get("/cases?q=%25").await.assert_contains("共 0 条");
    boss.get("/cases?from=2024-09-20&to=2024-09-30")
        .await
        .assert_contains("共 2 条");
    boss.get(&format!("/cases?agency={hb}"))
        .await
        .assert_contains("共 1 条");
    boss.get("/cases?due_within=5")
        .await
        .assert_contains("新案")
        .assert_lacks("旧案");
    boss.get("/cases?from=yesterday&due_within=x")
        .await
        .assert_ok()
        .assert_contains("格式不正确");
    let dash = boss.get("/dashboard").await;
    dash.assert_ok()
        .assert_contains("<svg")
        .assert_contains("常州市国土资源局")
        .assert_contains("wang");
    let overdue_card = dash.texts("a.card.bad .num");
    assert_eq!(overdue_card, vec!["1"]);
    dash.assert_contains("近 52 周：收到 3 件");
    // The old case is answered late: the chart and the late filter count it.
    act(
        &wang,
        old,
        "decide",
        &[
            ("on", "2024-10-25"),
            ("outcome", "not_held_nonexistent"),
            ("findings", "经检索档案，未找到"),
            ("delivery_method", "post"),
        ],
    )
    .await
    .assert_redirect(&format!("/cases/{old}"));
    assert!(app.stored(old).late);
    boss.get("/cases?late=1")
        .await
        .assert_contains("旧案")
        .assert_contains("共 1 条");
    boss.get("/dashboard")
        .await
        .assert_contains("答复 1 件，其中逾期 1 件");
}

async fn correction_overdue_reopen_and_void(app: TestApp) {
    setup(&app);
    app.set_today("2024-09-27");
    let wang = app.login("wang").await;
    let id = case_id(&intake(&wang, &app, &[]).await);
    act(
        &wang,
        id,
        "request_correction",
        &[
            ("on", "2024-09-27"),
            ("items", "写明年份"),
            ("due", "2024-10-15"),
        ],
    )
    .await
    .assert_redirect(&format!("/cases/{id}"));
    act(
        &wang,
        id,
        "correction_overdue",
        &[("on", "2024-10-15"), ("delivery_method", "post")],
    )
    .await
    .assert_status(409)
    .assert_contains("补正期限尚未届满");
    // Deciding otherwise while the correction is awaited is refused (only withdrawal may close it).
    act(
        &wang,
        id,
        "decide",
        &[
            ("on", "2024-09-27"),
            ("outcome", "disclosed"),
            ("how_provided", "x"),
            ("delivery_method", "post"),
        ],
    )
    .await
    .assert_status(400)
    .assert_contains("正在等待申请人补正");
    app.set_today("2024-10-16");
    act(
        &wang,
        id,
        "correction_overdue",
        &[("on", "2024-10-16"), ("delivery_method", "post")],
    )
    .await
    .assert_redirect(&format!("/cases/{id}"));
    let c = app.stored(id);
    assert_eq!(
        (c.status.as_str(), c.outcome.as_deref()),
        ("closed", Some("other_correction_overdue"))
    );
    // The answer must cite the correction notice: without one it cannot be issued.
    issue(&wang, id, "answer")
        .await
        .assert_status(409)
        .assert_contains("内容不全");
    issue(&wang, id, "correction_notice")
        .await
        .assert_status(303);
    let r = issue(&wang, id, "answer").await;
    wang.get(r.location.as_deref().unwrap())
        .await
        .assert_ok()
        .assert_contains("第三十条");
    // Only an administrator reopens, with a reason.
    act(&wang, id, "reopen", &[("reason", "复议决定责令重新答复")])
        .await
        .assert_status(409)
        .assert_contains("只有管理员");
    let root = app.login("root").await;
    act(&root, id, "reopen", &[("reason", "")])
        .await
        .assert_status(400)
        .assert_contains("此项必填");
    act(&root, id, "reopen", &[("reason", "复议决定责令重新答复")])
        .await
        .assert_redirect(&format!("/cases/{id}"));
    assert_eq!(app.stored(id).status, "open");
    act(&root, id, "void", &[("reason", "重复录入")])
        .await
        .assert_redirect(&format!("/cases/{id}"));
    assert_eq!(app.stored(id).status, "void");
    root.get(&format!("/cases/{id}"))
        .await
        .assert_contains("已作废")
        .assert_contains("不计入任何统计");
    act(
        &root,
        id,
        "decide",
        &[("on", "2024-10-16"), ("outcome", "disclosed")],
    )
    .await
    .assert_status(409)
    .assert_contains("已作废");
    // Void cases are out of every list and count.
    root.get("/cases").await.assert_contains("共 0 条");
    root.get("/cases?status=void")
        .await
        .assert_contains("共 1 条");
    root.get("/dashboard")
        .await
        .assert_contains("近 52 周：收到 0 件");
}

async fn concurrent_intake_gets_distinct_numbers(app: TestApp) {
    setup(&app);
    app.set_today("2024-09-27");
    let b = app.login("wang").await;
    let (a, c, d, e, f, g) = tokio::join!(
        intake(&b, &app, &[("confirm_duplicate", "true")]),
        intake(&b, &app, &[("confirm_duplicate", "true")]),
        intake(&b, &app, &[("confirm_duplicate", "true")]),
        intake(&b, &app, &[("confirm_duplicate", "true")]),
        intake(&b, &app, &[("confirm_duplicate", "true")]),
        intake(&b, &app, &[("confirm_duplicate", "true")]),
    );
    let mut numbers: Vec<String> = [a, c, d, e, f, g]
        .iter()
        .map(|p| app.stored(case_id(p)).tracking_no)
        .collect();
    numbers.sort();
    let expected: Vec<String> = (1..=6).map(|n| format!("CZ-GTJ-2024-{n:04}")).collect();
    assert_eq!(numbers, expected);
}

async fn a_busy_database_is_explained_and_nothing_is_written(app: TestApp) {
    use diesel::connection::SimpleConnection;
    setup(&app);
    app.set_today("2024-09-27");
    let b = app.login("wang").await;
    let id = case_id(&intake(&b, &app, &[]).await);
    let before = app.stored(id);
    // Another writer holds the lock for longer than a request waits.
    let mut hold = app.conn();
    match app.db.backend {
        common::Backend::Sqlite => hold.batch_execute("BEGIN IMMEDIATE").unwrap(),
        common::Backend::Postgres => hold
            .batch_execute(&format!(
                "BEGIN; SELECT id FROM cases WHERE id = {id} FOR UPDATE"
            ))
            .unwrap(),
    }
    let r = act(&b, id, "request_extension", &[("reason", "量大")]).await;
    hold.batch_execute("ROLLBACK").unwrap();
    r.assert_status(503).assert_contains("数据库繁忙");
    let after = app.stored(id);
    assert_eq!(
        (after.version, after.extension_pending),
        (before.version, false)
    );
    // Once the lock is gone the same action goes through.
    act(&b, id, "request_extension", &[("reason", "量大")])
        .await
        .assert_redirect(&format!("/cases/{id}"));
}

async fn a_lapsed_consultation_restarts_the_stored_clock(app: TestApp) {
    setup(&app);
    app.set_today("2024-09-27");
    let b = app.login("wang").await;
    let id = case_id(&intake(&b, &app, &[]).await);
    act(
        &b,
        id,
        "start_consultation",
        &[
            ("consultation", "agency"),
            ("on", "2024-09-27"),
            ("party", "市规划局"),
            ("matter", "规划图"),
        ],
    )
    .await
    .assert_redirect(&format!("/cases/{id}"));
    assert_eq!(app.stored(id).due_on, None);
    // No reply: silence is consent once the 15 working days have passed.
    let cal = calendar();
    let settings = gongkai::domain::deadline::Settings::default();
    let clock = gongkai::service::cases::Clock {
        calendar: &cal,
        settings: &settings,
        today: date("2024-11-15"),
    };
    let n = app.with_conn(|c| gongkai::service::cases::refresh_stopped(c, &clock).unwrap());
    assert_eq!(n, 1);
    let c = app.stored(id);
    assert_eq!(c.clock, "");
    let lapsed = cal.add_working_days(date("2024-09-27"), 15);
    let used = cal.working_days_between(date("2024-09-27"), date("2024-09-27"));
    assert_eq!(
        c.due_on,
        Some(cal.add_working_days(lapsed, 20 - used as u32))
    );
}

/// Full-width punctuation (：，。（）、；「」 and the like) in a text.
fn full_width(text: &str) -> Vec<char> {
    text.chars()
        .filter(|c| matches!(c, '\u{3000}'..='\u{303F}' | '\u{FF01}'..='\u{FF0F}' | '\u{FF1A}'..='\u{FF20}'))
        .collect()
}

async fn english_pages_use_english_punctuation(app: TestApp) {
    setup(&app);
    app.set_today("2024-09-27");
    let b = app.login("wang").await;
    b.get("/lang/en").await;
    let p = intake(&b, &app, &[("preview", "1")]).await;
    p.assert_ok()
        .assert_contains("Legal receipt date: 2024-09-27")
        .assert_contains("Answer due: 2024-10-30");
    let text = p.texts("body").concat();
    assert_eq!(full_width(&text), Vec::<char>::new(), "{text}");
    let form_token = form_value(&p, "form_token");
    let id = case_id(&intake(&b, &app, &[("form_token", &form_token)]).await);
    // The history's details join label and value the English way.
    let details = b
        .get(&format!("/cases/{id}"))
        .await
        .texts(".timeline .detail");
    assert!(
        details.contains(&"Legal receipt date: 2024-09-27".to_string()),
        "{details:?}"
    );
    assert!(
        details.contains(&"Channel: In person".to_string()),
        "{details:?}"
    );
    assert_eq!(
        full_width(&details.concat()),
        Vec::<char>::new(),
        "{details:?}"
    );
    // Chinese keeps its own.
    b.get("/lang/zh").await;
    let details = b
        .get(&format!("/cases/{id}"))
        .await
        .texts(".timeline .detail");
    assert!(
        details.contains(&"申请方式：当面".to_string()),
        "{details:?}"
    );
}

async fn corrections_and_warnings_use_english_punctuation(app: TestApp) {
    setup(&app);
    app.set_today("2024-09-27");
    let b = app.login("wang").await;
    b.get("/lang/en").await;
    let id = case_id(&intake(&b, &app, &[]).await);
    case_id(&intake(&b, &app, &[("r_name", "李四"), ("subject", "另一申请")]).await);
    // The same identity number under two other names: listed the English way.
    let p = intake(&b, &app, &[("r_name", "王五"), ("preview", "1")]).await;
    let warning = p.texts("p.warning").concat();
    assert!(
        warning.contains("\"张三, 李四\"") || warning.contains("\"李四, 张三\""),
        "{warning}"
    );
    // A corrected detail shows old and new the English way.
    act(
        &b,
        id,
        "edit_details",
        &[
            ("subject", "2023年某地块征地补偿安置方案"),
            ("channel", "in_person"),
            ("arrived_on", "2024-09-27"),
            ("r_phone", "13900000000"),
            ("r_address", "常州市新北区某路1号"),
        ],
    )
    .await
    .assert_redirect(&format!("/cases/{id}"));
    let details = b
        .get(&format!("/cases/{id}"))
        .await
        .texts(".timeline .detail");
    assert!(
        details.contains(&"Phone: 13800000000 → 13900000000".to_string()),
        "{details:?}"
    );
    assert_eq!(
        full_width(&details.concat()),
        Vec::<char>::new(),
        "{details:?}"
    );
    b.get("/lang/zh").await;
    let details = b
        .get(&format!("/cases/{id}"))
        .await
        .texts(".timeline .detail");
    assert!(
        details.contains(&"电话：13800000000 → 13900000000".to_string()),
        "{details:?}"
    );
}
