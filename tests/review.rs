//! Review before disclosure (art. 17) over HTTP on both databases: the agency's steps set
//! on the settings page; an answer drafted, sent back with reasons, drafted again,
//! reviewed and signed off before it is made and its letter issued, dated the day of
//! sign-off; the refusals (issuing before sign-off, a clerk signing off, the drafter
//! reviewing, another agency, a stale form); the dashboard's queue with days left; the
//! printed record; steps switched off; the answer's legal date in the annual report; and
//! the mail that tells the supervisors a draft awaits sign-off and its author that it came
//! back.

mod common;
use common::{Browser, Page, TestApp, act, case_id, cli, form_value, intake_at, issue};
use gongkai::db;
use gongkai::domain::letters::format_date_zh;

both_backends!(
    draft_returned_redrafted_reviewed_signed_off_and_issued,
    refusals_before_and_during_review,
    steps_switched_off_in_settings,
    the_answer_counts_on_the_day_it_is_signed_off,
    signers_and_authors_are_told_by_mail,
);

/// The land bureau (clerks wang, li), the environment bureau (clerk zhao), the city's
/// supervisors (boss, deputy) and an administrator.
fn setup(app: &TestApp) {
    app.office();
    app.agency("CZ-HB", "常州市环境保护局", "department", Some("CZ"));
    app.user("li", "clerk", Some("CZ-GTJ"));
    app.user("zhao", "clerk", Some("CZ-HB"));
    app.user("deputy", "supervisor", Some("CZ"));
    app.user("root", "admin", None);
}

/// Ticks, on the settings page, the review steps of one agency (the others keep theirs).
async fn set_steps(app: &TestApp, root: &Browser, code: &str, steps: &[&str]) {
    let page = root.get("/admin/settings").await;
    page.assert_ok();
    let token = page.csrf();
    // What is ticked now, for every other agency.
    let ticked: Vec<String> = {
        let doc = scraper::Html::parse_document(&page.body);
        let sel = scraper::Selector::parse("input[name=step][checked]").unwrap();
        doc.select(&sel)
            .filter_map(|e| e.value().attr("value").map(str::to_string))
            .collect()
    };
    let id = app.agency_id(code);
    let mut fields: Vec<(String, String)> = vec![("csrf_token".into(), token)];
    for v in ticked.iter().filter(|v| !v.starts_with(&format!("{id}:"))) {
        fields.push(("step".into(), v.clone()));
    }
    for s in steps {
        fields.push(("step".into(), format!("{id}:{s}")));
    }
    let borrowed: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    root.post_raw("/admin/settings/review", &borrowed)
        .await
        .assert_redirect("/admin/settings#review");
}

async fn intake(wang: &Browser, app: &TestApp, fields: &[(&str, &str)]) -> i64 {
    case_id(&intake_at(wang, &app.agency_id("CZ-GTJ"), fields).await)
}

/// The partial disclosure the clerk drafts.
const DRAFT: [(&str, &str); 6] = [
    ("outcome", "partial"),
    (
        "findings",
        "经检索，本机关保存有该地块征地补偿安置方案及听证笔录",
    ),
    (
        "reasons",
        "听证笔录中的第三方身份证号码、住址属于个人隐私，不予公开",
    ),
    (
        "how_provided",
        "补偿安置方案及听证笔录（删除个人信息）纸质复印件",
    ),
    ("ground", "art15"),
    ("delivery_method", "post"),
];

fn stored_events(app: &TestApp, id: i64) -> Vec<String> {
    app.with_conn(|c| db::cases::events(c, id).unwrap())
        .into_iter()
        .map(|e| e.kind)
        .collect()
}

/// The text of the case page's alert (a refusal).
fn alert(p: &Page) -> String {
    p.texts("p[role=alert]").join(" ")
}

async fn draft_returned_redrafted_reviewed_signed_off_and_issued(app: TestApp) {
    setup(&app);
    let root = app.login("root").await;
    set_steps(
        &app,
        &root,
        "CZ-GTJ",
        &["confidentiality", "legality", "sign_off"],
    )
    .await;
    let settings = root.get("/admin/settings").await;
    let gtj = app.agency_id("CZ-GTJ");
    for s in ["confidentiality", "legality", "sign_off"] {
        assert_eq!(
            settings
                .texts(&format!("input[value='{gtj}:{s}'][checked]"))
                .len(),
            1,
            "{s} ticked"
        );
    }
    // The change is in the audit log, by agency, in words.
    root.get("/admin/audit")
        .await
        .assert_contains("设置答复审查步骤")
        .assert_contains("保密审查、法制审核、签发");

    let wang = app.login("wang").await;
    let li = app.login("li").await;
    let boss = app.login("boss").await;
    let id = intake(&wang, &app, &[]).await;
    // The decision form says the answer goes to review, without a date of its own.
    let page = wang.get(&format!("/cases/{id}")).await;
    page.assert_contains("拟办答复（送审）")
        .assert_contains("保密审查、法制审核、签发");
    assert!(
        page.texts("form[action$='/act/decide'] input[name=on]")
            .is_empty(),
        "no answer date on a draft"
    );

    // Drafted on 2024-10-08: the case stays open and its clock runs.
    app.set_today("2024-10-08");
    let r = act(&wang, id, "decide", &DRAFT).await;
    r.assert_redirect(&format!("/cases/{id}"));
    let c = app.stored(id);
    assert_eq!((c.status.as_str(), c.outcome.as_deref()), ("open", None));
    assert_eq!(c.due_on, Some(common::date("2024-10-30")));
    let page = wang.get(&format!("/cases/{id}")).await;
    page.assert_contains("答复已送审，等待保密审查")
        .assert_contains("待保密审查")
        .assert_contains("第1次送审");
    // The drafter reviews nothing of it.
    for action in ["pass_review", "return_draft", "sign_off"] {
        assert!(
            page.texts(&format!("form[action$='/act/{action}']"))
                .is_empty(),
            "wang is offered {action}"
        );
    }
    let r = act(&wang, id, "pass_review", &[]).await;
    r.assert_status(409);
    assert!(
        alert(&r).contains("不能审查或签发自己拟办的答复"),
        "{}",
        alert(&r)
    );
    // No answer letter before sign-off.
    let r = issue(&wang, id, "answer").await;
    r.assert_status(409);
    assert!(alert(&r).contains("签发后方可出具答复书"), "{}", alert(&r));

    // The dashboard lists it with its working days left.
    let calendar =
        gongkai::domain::calendar::Calendar::from_csv_str(include_str!("../data/holidays-cn.csv"))
            .unwrap();
    let left = calendar
        .working_days_between(common::date("2024-10-08"), common::date("2024-10-30"))
        .to_string();
    let dash = boss.get("/dashboard").await;
    dash.assert_ok();
    let row = dash.texts("table.review-queue tbody tr").join(" ");
    assert!(
        row.contains("CZ-GTJ-2024-0001") && row.contains("待保密审查") && row.contains("wang"),
        "{row}"
    );
    assert_eq!(dash.texts("table.review-queue td.num"), vec![left]);
    assert_eq!(dash.texts("a.card[href='/cases?review=1'] .num"), vec!["1"]);
    boss.get("/cases?review=1")
        .await
        .assert_contains("共 1 条")
        .assert_contains("CZ-GTJ-2024-0001");
    boss.get("/cases?review=legality")
        .await
        .assert_contains("共 0 条");

    // li passes the confidentiality review, then the legality review sends it back.
    let page = li.get(&format!("/cases/{id}")).await;
    assert_eq!(
        page.texts("#pass_review summary"),
        vec!["审查通过 · 保密审查"]
    );
    act(
        &li,
        id,
        "pass_review",
        &[("opinion", "已删除个人信息，无涉密内容")],
    )
    .await
    .assert_redirect(&format!("/cases/{id}"));
    li.get(&format!("/cases/{id}"))
        .await
        .assert_contains("已办理：审查通过 下一步：法制审核。");
    // A reason is required to send a draft back.
    act(&li, id, "return_draft", &[("reason", " ")])
        .await
        .assert_status(400)
        .assert_contains("此项必填");
    act(
        &li,
        id,
        "return_draft",
        &[("reason", "答复依据应写明第三十七条；请补充检索的范围")],
    )
    .await
    .assert_redirect(&format!("/cases/{id}"));
    // wang sees why, and the decision form holds the draft to correct.
    let page = wang.get(&format!("/cases/{id}")).await;
    page.assert_contains("在法制审核环节退回修改")
        .assert_contains("答复依据应写明第三十七条；请补充检索的范围");
    assert_eq!(
        page.texts("form[action$='/act/decide'] select[name=outcome] option[selected]"),
        vec!["部分公开"]
    );
    assert_eq!(
        page.texts("form[action$='/act/decide'] textarea[name=reasons]"),
        vec![DRAFT[2].1]
    );
    assert_eq!(app.stored(id).status, "open");

    // Redrafted the next day: every step again, from the first.
    app.set_today("2024-10-09");
    let mut redraft: Vec<(&str, &str)> = DRAFT.to_vec();
    redraft[1].1 =
        "经检索本机关档案室2019年至2023年的征地档案，保存有该地块征地补偿安置方案及听证笔录";
    act(&wang, id, "decide", &redraft)
        .await
        .assert_redirect(&format!("/cases/{id}"));
    act(&li, id, "pass_review", &[("opinion", "同意")])
        .await
        .assert_redirect(&format!("/cases/{id}"));
    // The legality review, by a supervisor this time.
    act(&boss, id, "pass_review", &[("opinion", "依据完整，同意")])
        .await
        .assert_redirect(&format!("/cases/{id}"));
    // A clerk cannot sign off: the head of the office does.
    let r = act(&li, id, "sign_off", &[("opinion", "同意")]).await;
    r.assert_status(409);
    assert!(alert(&r).contains("只有负责人"), "{}", alert(&r));
    assert_eq!(app.stored(id).status, "open");

    // Signed off on 2024-10-11: the answer is made that day.
    app.set_today("2024-10-11");
    act(&boss, id, "sign_off", &[("opinion", "同意公开")])
        .await
        .assert_redirect(&format!("/cases/{id}"));
    let c = app.stored(id);
    assert_eq!(
        (c.status.as_str(), c.outcome.as_deref(), c.closed_on, c.late),
        (
            "closed",
            Some("partial"),
            Some(common::date("2024-10-11")),
            false
        )
    );
    let kinds = stored_events(&app, id);
    let tail: Vec<&str> = kinds.iter().rev().take(2).map(String::as_str).collect();
    assert_eq!(tail, ["decided", "signed_off"]);
    assert_eq!(
        boss.get("/dashboard")
            .await
            .texts("a.card[href='/cases?review=1'] .num"),
        vec!["0"]
    );

    // Issued three days later, the letter carries the sign-off date.
    app.set_today("2024-10-14");
    let r = issue(&wang, id, "answer").await;
    assert_eq!(r.status, 303, "{}", r.body);
    let letter = wang.get(r.location.as_deref().unwrap()).await;
    letter.assert_ok();
    let text = letter.texts(".paper").join("\n");
    assert!(
        text.contains(&format_date_zh(common::date("2024-10-11"))),
        "{text}"
    );
    assert!(
        !text.contains(&format_date_zh(common::date("2024-10-14"))),
        "{text}"
    );
    assert!(text.contains("CZGTJ依复〔2024〕1号"));

    // The record of each submission.
    let case_page = wang.get(&format!("/cases/{id}")).await;
    assert_eq!(
        case_page.texts(".review-records a"),
        vec!["审查单（第1次送审）", "审查单（第2次送审）"]
    );
    let first = wang.get(&format!("/cases/{id}/review?round=1")).await;
    first.assert_ok();
    let first = first.texts(".paper").join("\n");
    assert!(first.contains("政府信息公开审查单") && first.contains("第1次送审"));
    assert!(
        first.contains("退回修改：答复依据应写明第三十七条"),
        "{first}"
    );
    assert!(first.contains("审核人：li"), "{first}");
    assert!(first.contains("已删除个人信息，无涉密内容"), "{first}");
    let record = wang.get(&format!("/cases/{id}/review")).await;
    record.assert_ok();
    let text = record.texts(".paper").join("\n");
    for part in [
        "常州市国土资源局",
        "案件编号：CZ-GTJ-2024-0001",
        "第2次送审",
        "张三（自然人）",
        "2023年某地块征地补偿安置方案",
        "部分公开",
        "删除个人信息",
        "不予公开",
        "个人隐私",
        "第十五条",
        "拟办人：wang",
        "审查人：li",
        "审核人：boss",
        "依据完整，同意",
        "签发人：boss",
        "同意公开",
        "2024年10月11日",
        "CZGTJ依复〔2024〕1号",
    ] {
        assert!(text.contains(part), "the record lacks {part:?}:\n{text}");
    }
    // The first submission's opinions are not the second's.
    assert!(!text.contains("退回修改"));
    wang.get(&format!("/cases/{id}/review?round=3"))
        .await
        .assert_status(404);
}

async fn refusals_before_and_during_review(app: TestApp) {
    setup(&app);
    let root = app.login("root").await;
    set_steps(&app, &root, "CZ-GTJ", &["sign_off"]).await;
    let wang = app.login("wang").await;
    let li = app.login("li").await;
    let boss = app.login("boss").await;
    let zhao = app.login("zhao").await;
    let id = intake(&wang, &app, &[]).await;
    // No draft yet: nothing to review, and the record says so.
    act(&boss, id, "sign_off", &[]).await.assert_status(409);
    wang.get(&format!("/cases/{id}/review"))
        .await
        .assert_ok()
        .assert_contains("本案件没有送审记录");
    act(&wang, id, "decide", &DRAFT)
        .await
        .assert_redirect(&format!("/cases/{id}"));
    // Nothing it rests on changes under review; asking for more time still can.
    let r = act(
        &wang,
        id,
        "start_consultation",
        &[
            ("consultation", "third_party"),
            ("on", "2024-09-27"),
            ("party", "某公司"),
            ("matter", "合同"),
            ("why", "商业秘密"),
        ],
    )
    .await;
    r.assert_status(409);
    assert!(alert(&r).contains("答复正在审查中"), "{}", alert(&r));
    act(&wang, id, "decide", &DRAFT).await.assert_status(409);
    act(
        &wang,
        id,
        "request_extension",
        &[("reason", "审查需要时间")],
    )
    .await
    .assert_redirect(&format!("/cases/{id}"));
    // The issuing route refuses the answer before sign-off.
    let r = issue(&wang, id, "answer").await;
    r.assert_status(409);
    assert!(alert(&r).contains("签发后方可出具答复书"));
    // A clerk may not sign off; nor may the one who drafted it.
    let r = act(&li, id, "sign_off", &[]).await;
    r.assert_status(409);
    assert!(alert(&r).contains("只有负责人"));
    let r = act(&li, id, "return_draft", &[("reason", "x")]).await;
    r.assert_status(409);
    assert!(alert(&r).contains("只有负责人"));
    app.user("chief", "supervisor", Some("CZ-GTJ"));
    let chief = app.login("chief").await;
    // Another agency's people find nothing, exactly as for a missing case.
    let token = zhao.get("/cases/mine").await.csrf();
    for action in ["pass_review", "return_draft", "sign_off"] {
        for target in [id, 999_999] {
            zhao.post_raw(
                &format!("/cases/{target}/act/{action}"),
                &[("csrf_token", &token), ("version", "1"), ("reason", "x")],
            )
            .await
            .assert_status(404);
        }
    }
    zhao.get(&format!("/cases/{id}/review"))
        .await
        .assert_status(404);
    zhao.get("/cases?review=1")
        .await
        .assert_lacks("CZ-GTJ-2024-0001");
    // A stale form: the deputy opened the page before boss signed off.
    let deputy = app.login("deputy").await;
    let stale = deputy.get(&format!("/cases/{id}")).await;
    let (token, version) = (stale.csrf(), form_value(&stale, "version"));
    act(&chief, id, "sign_off", &[("opinion", "同意")])
        .await
        .assert_redirect(&format!("/cases/{id}"));
    let r = deputy
        .post_raw(
            &format!("/cases/{id}/act/return_draft"),
            &[
                ("csrf_token", &token),
                ("version", &version),
                ("reason", "请再核实"),
            ],
        )
        .await;
    r.assert_status(409).assert_contains("被 chief 修改");
    assert_eq!(app.stored(id).status, "closed");
    // Signed off: sending back is over, and a stale sign-off signs nothing twice.
    act(&boss, id, "sign_off", &[]).await.assert_status(409);
    assert_eq!(
        stored_events(&app, id)
            .iter()
            .filter(|k| *k == "signed_off")
            .count(),
        1
    );
}

async fn steps_switched_off_in_settings(app: TestApp) {
    setup(&app);
    let root = app.login("root").await;
    let wang = app.login("wang").await;
    let li = app.login("li").await;
    let boss = app.login("boss").await;
    // Only the land bureau reviews; its neighbour answers at once.
    set_steps(&app, &root, "CZ-GTJ", &["confidentiality", "sign_off"]).await;
    let first = intake(&wang, &app, &[]).await;
    act(&wang, first, "decide", &DRAFT)
        .await
        .assert_redirect(&format!("/cases/{first}"));
    assert_eq!(app.stored(first).status, "open");
    // Sign-off switched off meanwhile: the draft already submitted keeps its steps.
    set_steps(&app, &root, "CZ-GTJ", &["confidentiality"]).await;
    act(&li, first, "pass_review", &[])
        .await
        .assert_redirect(&format!("/cases/{first}"));
    assert_eq!(app.stored(first).status, "open");
    act(&boss, first, "sign_off", &[])
        .await
        .assert_redirect(&format!("/cases/{first}"));
    assert_eq!(app.stored(first).status, "closed");
    // A new draft passes the confidentiality review alone, which makes the answer.
    let second = intake(&wang, &app, &[("subject", "另一地块的补偿方案")]).await;
    act(&wang, second, "decide", &DRAFT)
        .await
        .assert_redirect(&format!("/cases/{second}"));
    let page = li.get(&format!("/cases/{second}")).await;
    assert!(page.texts("form[action$='/act/sign_off']").is_empty());
    act(&li, second, "pass_review", &[("opinion", "同意")])
        .await
        .assert_redirect(&format!("/cases/{second}"));
    let c = app.stored(second);
    assert_eq!(
        (c.status.as_str(), c.outcome.as_deref()),
        ("closed", Some("partial"))
    );
    assert_eq!(
        stored_events(&app, second)
            .iter()
            .filter(|k| ["review_passed", "decided"].contains(&k.as_str()))
            .count(),
        2
    );
    // Every step off: the clerk answers at once, with the date typed, as before.
    set_steps(&app, &root, "CZ-GTJ", &[]).await;
    let gtj: i64 = app.agency_id("CZ-GTJ").parse().unwrap();
    assert!(
        app.with_conn(|c| db::review::steps(c, gtj))
            .unwrap()
            .is_empty()
    );
    let third = intake(&wang, &app, &[("subject", "第三个申请")]).await;
    let page = wang.get(&format!("/cases/{third}")).await;
    page.assert_lacks("拟办答复（送审）");
    let mut fields = DRAFT.to_vec();
    fields.push(("on", "2024-09-27"));
    act(&wang, third, "decide", &fields)
        .await
        .assert_redirect(&format!("/cases/{third}"));
    let c = app.stored(third);
    assert_eq!(
        (c.status.as_str(), c.closed_on),
        ("closed", Some(common::date("2024-09-27")))
    );
    assert!(!stored_events(&app, third).contains(&"draft_submitted".to_string()));
    // The other agency never reviewed: a clerk there answers at once.
    let hb = app.agency_id("CZ-HB");
    let zhao = app.login("zhao").await;
    let other = case_id(&intake_at(&zhao, &hb, &[]).await);
    act(&zhao, other, "decide", &fields)
        .await
        .assert_redirect(&format!("/cases/{other}"));
    assert_eq!(app.stored(other).status, "closed");
    // Clerks and supervisors cannot change the steps.
    for who in [&wang, &boss] {
        let token = who.get("/cases/mine").await.csrf();
        who.post_raw(
            "/admin/settings/review",
            &[("csrf_token", &token), ("step", &format!("{hb}:sign_off"))],
        )
        .await
        .assert_status(403);
    }
    // A step or agency that does not exist is refused and nothing changes.
    let token = root.get("/admin/settings").await.csrf();
    for bad in [
        format!("{hb}:approval"),
        "999999:sign_off".to_string(),
        "x".into(),
    ] {
        root.post_raw(
            "/admin/settings/review",
            &[("csrf_token", &token), ("step", &bad)],
        )
        .await
        .assert_status(400);
    }
    assert!(app.with_conn(db::review::all_steps).unwrap().is_empty());
}

/// The answer's legal date is the sign-off's: drafted in one year and signed off in the
/// next, it is carried over and counted as answered in the second year.
async fn the_answer_counts_on_the_day_it_is_signed_off(app: TestApp) {
    setup(&app);
    let root = app.login("root").await;
    set_steps(&app, &root, "CZ-GTJ", &["sign_off"]).await;
    let wang = app.login("wang").await;
    let boss = app.login("boss").await;
    app.set_today("2024-12-20");
    let id = intake(&wang, &app, &[("arrived_on", "2024-12-20")]).await;
    app.set_today("2024-12-30");
    act(&wang, id, "decide", &DRAFT)
        .await
        .assert_redirect(&format!("/cases/{id}"));
    app.set_today("2025-01-03");
    act(&boss, id, "sign_off", &[("opinion", "同意")])
        .await
        .assert_redirect(&format!("/cases/{id}"));
    assert_eq!(app.stored(id).closed_on, Some(common::date("2025-01-03")));
    let figures = |year: &str| {
        let (code, out, err) = cli(
            &app.db.url,
            &[
                "report", "--year", year, "--agency", "CZ", "--format", "json",
            ],
            None,
        );
        assert_eq!(code, 0, "{err}");
        let json: serde_json::Value = serde_json::from_str(&out).unwrap();
        let total = |key: &str| -> u64 {
            json["table3"]["rows"]
                .as_array()
                .unwrap()
                .iter()
                .find(|r| r["key"] == key)
                .unwrap_or_else(|| panic!("no row {key}"))["values"]
                .as_array()
                .unwrap()
                .last()
                .unwrap()
                .as_u64()
                .unwrap()
        };
        (
            total("results_total"),
            total("carried_out"),
            total("carried_in"),
        )
    };
    assert_eq!(figures("2024"), (0, 1, 0), "2024: drafted, not answered");
    assert_eq!(figures("2025"), (1, 0, 1), "2025: signed off, answered");
}

/// The staff messages a case caused: (kind, recipient).
fn staff_mail(app: &TestApp, id: i64) -> Vec<(String, String)> {
    app.with_conn(|c| db::outbox::of_case(c, id).unwrap())
        .into_iter()
        .filter(|m| m.kind != "letter")
        .map(|m| (m.kind, m.recipient))
        .collect()
}

async fn signers_and_authors_are_told_by_mail(app: TestApp) {
    setup(&app);
    for (who, address) in [
        ("wang", "wang@czgtj.gov.cn"),
        ("li", "li@czgtj.gov.cn"),
        ("boss", "boss@czs.gov.cn"),
        ("deputy", "deputy@czs.gov.cn"),
    ] {
        app.set_email(who, address);
    }
    let root = app.login("root").await;
    set_steps(&app, &root, "CZ-GTJ", &["confidentiality", "sign_off"]).await;
    let wang = app.login("wang").await;
    let li = app.login("li").await;
    let boss = app.login("boss").await;
    let id = intake(&wang, &app, &[]).await;
    act(&wang, id, "decide", &DRAFT)
        .await
        .assert_redirect(&format!("/cases/{id}"));
    // Waiting for the confidentiality review: nobody is mailed yet.
    assert_eq!(staff_mail(&app, id), vec![]);
    act(&li, id, "pass_review", &[])
        .await
        .assert_redirect(&format!("/cases/{id}"));
    let sign_off = |to: &str| ("sign_off_awaited".to_string(), to.to_string());
    assert_eq!(
        staff_mail(&app, id),
        vec![sign_off("boss@czs.gov.cn"), sign_off("deputy@czs.gov.cn")]
    );
    let message = app.with_conn(|c| db::outbox::of_case(c, id).unwrap())[0].clone();
    assert_eq!(message.subject, "待签发：CZ-GTJ-2024-0001 的答复");
    assert!(
        message.body_text.contains("wang拟办") && message.body_text.contains("部分公开"),
        "{}",
        message.body_text
    );
    // Sent back at sign-off: its author hears why.
    act(&boss, id, "return_draft", &[("reason", "请写明检索范围")])
        .await
        .assert_redirect(&format!("/cases/{id}"));
    let mail = app.with_conn(|c| db::outbox::of_case(c, id).unwrap());
    let back = mail.last().unwrap();
    assert_eq!(
        (back.kind.as_str(), back.recipient.as_str()),
        ("draft_returned", "wang@czgtj.gov.cn")
    );
    assert!(
        back.body_text.contains("boss在签发环节退回修改"),
        "{}",
        back.body_text
    );
    assert!(back.body_text.contains("请写明检索范围"));
    // The second draft reaches sign-off again: a new message each, none twice.
    act(&wang, id, "decide", &DRAFT)
        .await
        .assert_redirect(&format!("/cases/{id}"));
    act(&li, id, "pass_review", &[])
        .await
        .assert_redirect(&format!("/cases/{id}"));
    act(&boss, id, "sign_off", &[])
        .await
        .assert_redirect(&format!("/cases/{id}"));
    let kinds: Vec<String> = staff_mail(&app, id).into_iter().map(|(k, _)| k).collect();
    assert_eq!(
        kinds,
        [
            "sign_off_awaited",
            "sign_off_awaited",
            "draft_returned",
            "sign_off_awaited",
            "sign_off_awaited"
        ]
    );
}
