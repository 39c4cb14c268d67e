//! Actions with the right legal effect, over HTTP on both databases: nothing
//! hides a missed deadline (arts. 30, 35), an extension approved while the clock
//! stands still (art. 33), no decision while a consultation runs and the third
//! party told of a disclosure over its objection (art. 32), the specific ground
//! of a refusal, consultation periods from the party's receipt (arts. 32, 34),
//! and cases under the 2008 Regulation.

mod common;
use common::{Browser, Page, TestApp, act, case_id, date, letter_text};

both_backends!(
    a_missed_deadline_stays_missed,
    article_35_asks_for_reasons_then_sets_a_later_deadline_in_time,
    an_extension_during_a_consultation_prints_no_guessed_date,
    no_decision_while_a_consultation_runs_and_the_objector_is_told,
    refusals_and_partial_disclosures_name_their_ground,
    cases_under_the_2008_regulation_and_implausible_receipt_dates,
);

/// A case received 2024-09-27: due 2024-10-30, 2024-11-27 when extended.
async fn received(app: &TestApp, b: &Browser) -> i64 {
    case_id(&common::intake_at(b, &app.agency_id("CZ-GTJ"), &[]).await)
}

/// Issues a letter and returns its text.
async fn a_missed_deadline_stays_missed(app: TestApp) {
    app.office();
    let wang = app.login("wang").await;
    let id = received(&app, &wang).await;
    app.set_today("2024-11-04");
    // A correction notice dated after the deadline is refused, and nothing is written.
    let before = app.stored(id).version;
    let r = act(
        &wang,
        id,
        "request_correction",
        &[("on", "2024-10-31"), ("items", "请写明地块名称")],
    )
    .await;
    r.assert_status(400)
        .assert_contains("补正告知的日期晚于答复期限");
    assert_eq!(app.stored(id).version, before);
    // A consultation begun now may go ahead, but the case stays overdue.
    act(
        &wang,
        id,
        "start_consultation",
        &[
            ("consultation", "agency"),
            ("on", "2024-11-04"),
            ("party", "常州市规划局"),
            ("matter", "规划图"),
        ],
    )
    .await
    .assert_redirect(&format!("/cases/{id}"));
    let c = app.stored(id);
    assert_eq!(c.due_on, Some(date("2024-10-30")));
    assert_eq!(c.clock, "");
    wang.get("/cases?overdue=1")
        .await
        .assert_contains("CZ-GTJ-2024-0001");
    wang.get(&format!("/cases/{id}"))
        .await
        .assert_contains("不影响期限计算");
    // Once the agency replies, the answer counts as late.
    act(
        &wang,
        id,
        "end_consultation",
        &[("on", "2024-11-04"), ("reply", "consent")],
    )
    .await
    .assert_redirect(&format!("/cases/{id}"));
    act(
        &wang,
        id,
        "decide",
        &[
            ("on", "2024-11-04"),
            ("outcome", "disclosed"),
            ("how_provided", "邮寄纸质件"),
            ("delivery_method", "post"),
        ],
    )
    .await
    .assert_redirect(&format!("/cases/{id}"));
    assert!(app.stored(id).late);

    // A correction notice after the 7 working days of art. 30 (2024-10-14, the holiday
    // and a make-up Saturday counted) but before the deadline is allowed, flagged and
    // shown as late.
    app.set_today("2024-09-27");
    let id = case_id(
        &common::intake_at(&wang, &app.agency_id("CZ-GTJ"), &[("subject", "另一申请")]).await,
    );
    app.set_today("2024-10-15");
    act(
        &wang,
        id,
        "request_correction",
        &[("on", "2024-10-15"), ("items", "请写明地块名称")],
    )
    .await
    .assert_redirect(&format!("/cases/{id}"));
    wang.get(&format!("/cases/{id}"))
        .await
        .assert_contains("补正告知晚于");
    assert_eq!(app.stored(id).clock, "correction");
}

async fn article_35_asks_for_reasons_then_sets_a_later_deadline_in_time(app: TestApp) {
    app.office();
    let wang = app.login("wang").await;
    let boss = app.login("boss").await;
    let id = received(&app, &wang).await;
    app.set_today("2024-10-08");
    let later = [
        ("due", "2024-12-31"),
        ("applicant_reasons", "开展学术研究，需要历年数据"),
        ("reason", "需调取十年档案"),
    ];
    // Not before the applicant has been asked for reasons.
    act(&boss, id, "set_deadline", &later)
        .await
        .assert_status(409)
        .assert_contains("须先要求申请人说明理由");
    act(
        &wang,
        id,
        "request_reasons",
        &[("on", "2024-10-08"), ("note", "您本月已提交申请52件")],
    )
    .await
    .assert_redirect(&format!("/cases/{id}"));
    let text = letter_text(&wang, id, "reasons_request").await;
    assert!(
        text.contains("第三十五条") && text.contains("说明申请理由"),
        "{text}"
    );
    act(&boss, id, "set_deadline", &later)
        .await
        .assert_redirect(&format!("/cases/{id}"));
    assert_eq!(app.stored(id).due_on, Some(date("2024-12-31")));
    let text = letter_text(&wang, id, "later_deadline_notice").await;
    assert!(
        text.contains("2024年12月31日") && text.contains("开展学术研究"),
        "{text}"
    );
    // On another case, once the statutory deadline has passed, no later deadline.
    app.set_today("2024-09-27");
    let id = case_id(
        &common::intake_at(&wang, &app.agency_id("CZ-GTJ"), &[("subject", "另一申请")]).await,
    );
    act(&wang, id, "request_reasons", &[("on", "2024-09-27")])
        .await
        .assert_redirect(&format!("/cases/{id}"));
    app.set_today("2024-10-31");
    act(&boss, id, "set_deadline", &later)
        .await
        .assert_status(409)
        .assert_contains("法定答复期限已届满");
    assert_eq!(app.stored(id).due_on, Some(date("2024-10-30")));
}

async fn an_extension_during_a_consultation_prints_no_guessed_date(app: TestApp) {
    app.office();
    let wang = app.login("wang").await;
    let boss = app.login("boss").await;
    let id = received(&app, &wang).await;
    app.set_today("2024-10-08");
    act(
        &wang,
        id,
        "start_consultation",
        &[
            ("consultation", "third_party"),
            ("on", "2024-10-08"),
            ("receipt_on", "2024-10-10"),
            ("party", "某某建材有限公司"),
            ("matter", "环评报告中的生产工艺参数"),
            ("why", "可能涉及商业秘密"),
        ],
    )
    .await
    .assert_redirect(&format!("/cases/{id}"));
    // The consultation letter states the period from receipt, with no date of its own.
    let text = letter_text(&wang, id, "consultation_third_party").await;
    assert!(text.contains("自收到本意见书之日起15个工作日内"), "{text}");
    assert!(!text.contains("即于"), "{text}");
    // The stop lasts 15 working days from the party's receipt (2024-10-10): to 10-30.
    let page = wang.get(&format!("/cases/{id}")).await;
    page.assert_contains("2024-10-30");
    act(
        &wang,
        id,
        "request_extension",
        &[("reason", "需征求第三方意见")],
    )
    .await
    .assert_redirect(&format!("/cases/{id}"));
    act(&boss, id, "approve_extension", &[])
        .await
        .assert_redirect(&format!("/cases/{id}"));
    let text = letter_text(&wang, id, "extension_notice").await;
    assert!(text.contains("延长20个工作日"), "{text}");
    assert!(!text.contains("延长至") && !text.contains("，至"), "{text}");
    // Once the reply is in, the engine's date is what any later notice would print.
    app.set_today("2024-10-16");
    act(
        &wang,
        id,
        "end_consultation",
        &[("on", "2024-10-16"), ("reply", "consent")],
    )
    .await
    .assert_redirect(&format!("/cases/{id}"));
    let due = app.stored(id).due_on.expect("the clock runs again");
    // Later than the extended date without the stop (2024-11-27) by the days it stood.
    assert!(due > date("2024-11-27"), "{due}");
    wang.get(&format!("/cases/{id}"))
        .await
        .assert_contains(&due.to_string());

    // Approved while the clock runs, the notice prints exactly the stored date.
    app.set_today("2024-10-08");
    let id = case_id(
        &common::intake_at(&wang, &app.agency_id("CZ-GTJ"), &[("subject", "另一申请")]).await,
    );
    act(&wang, id, "request_extension", &[("reason", "数量较多")])
        .await
        .assert_redirect(&format!("/cases/{id}"));
    act(&boss, id, "approve_extension", &[])
        .await
        .assert_redirect(&format!("/cases/{id}"));
    let due = app.stored(id).due_on.unwrap();
    assert_eq!(due, date("2024-11-27"));
    let text = letter_text(&wang, id, "extension_notice").await;
    assert!(text.contains("至2024年11月27日"), "{text}");
}

async fn no_decision_while_a_consultation_runs_and_the_objector_is_told(app: TestApp) {
    app.office();
    let wang = app.login("wang").await;
    let id = received(&app, &wang).await;
    app.set_today("2024-10-08");
    act(
        &wang,
        id,
        "start_consultation",
        &[
            ("consultation", "third_party"),
            ("on", "2024-10-08"),
            ("party", "某某建材有限公司"),
            ("matter", "排污许可证载明的排放数据"),
            ("why", "可能涉及商业秘密"),
        ],
    )
    .await
    .assert_redirect(&format!("/cases/{id}"));
    let disclose = [
        ("on", "2024-10-16"),
        ("outcome", "disclosed"),
        ("how_provided", "邮寄纸质件"),
        ("delivery_method", "post"),
    ];
    app.set_today("2024-10-16");
    act(&wang, id, "decide", &disclose)
        .await
        .assert_status(409)
        .assert_contains("征求意见期间尚未结束");
    act(
        &wang,
        id,
        "end_consultation",
        &[("on", "2024-10-16"), ("reply", "objection")],
    )
    .await
    .assert_redirect(&format!("/cases/{id}"));
    // Disclosing over the objection needs the public interest, stated.
    act(&wang, id, "decide", &disclose)
        .await
        .assert_status(400)
        .assert_contains("决定公开的理由");
    let mut with_reason = disclose.to_vec();
    with_reason.push(("public_interest", "排放数据关系周边居民健康"));
    act(&wang, id, "decide", &with_reason)
        .await
        .assert_redirect(&format!("/cases/{id}"));
    let text = letter_text(&wang, id, "third_party_disclosure").await;
    assert!(text.contains("某某建材有限公司"), "{text}");
    assert!(
        text.contains("第三十二条")
            && text.contains("周边居民健康")
            && text.contains("决定予以公开"),
        "{text}"
    );
    assert!(!text.contains("张三"), "{text}");
}

async fn refusals_and_partial_disclosures_name_their_ground(app: TestApp) {
    app.office();
    let wang = app.login("wang").await;
    let id = received(&app, &wang).await;
    let partial = [
        ("on", "2024-09-27"),
        ("outcome", "partial"),
        ("reasons", "第三部分为内部讨论记录"),
        ("how_provided", "邮寄纸质件"),
        ("delivery_method", "post"),
    ];
    let r: Page = act(&wang, id, "decide", &partial).await;
    r.assert_status(400).assert_contains("请选择具体依据");
    let mut grounded = partial.to_vec();
    grounded.push(("ground", "art16_2"));
    act(&wang, id, "decide", &grounded)
        .await
        .assert_redirect(&format!("/cases/{id}"));
    let text = letter_text(&wang, id, "answer").await;
    assert!(text.contains("第十六条第二款"), "{text}");
    // Another law must be named with its article, and the letter cites it.
    let id = case_id(
        &common::intake_at(&wang, &app.agency_id("CZ-GTJ"), &[("subject", "另一申请")]).await,
    );
    let refuse = [
        ("on", "2024-09-27"),
        ("outcome", "withheld_prohibited_by_law"),
        ("reasons", "属于统计调查中的单个调查对象资料"),
        ("delivery_method", "post"),
        ("ground", "other_law"),
    ];
    let mut vague = refuse.to_vec();
    vague.push(("ground_law", "统计法"));
    act(&wang, id, "decide", &vague)
        .await
        .assert_status(400)
        .assert_contains("名称和条款");
    let mut named = refuse.to_vec();
    named.push(("ground_law", "《中华人民共和国统计法》第三十九条"));
    act(&wang, id, "decide", &named)
        .await
        .assert_redirect(&format!("/cases/{id}"));
    let text = letter_text(&wang, id, "answer").await;
    assert!(
        text.contains("《中华人民共和国统计法》第三十九条"),
        "{text}"
    );
}

async fn cases_under_the_2008_regulation_and_implausible_receipt_dates(app: TestApp) {
    app.office();
    let wang = app.login("wang").await;
    let boss = app.login("boss").await;
    app.set_today("2019-03-01");
    let id = case_id(
        &common::intake_at(
            &wang,
            &app.agency_id("CZ-GTJ"),
            &[("arrived_on", "2019-03-01")],
        )
        .await,
    );
    let text = letter_text(&wang, id, "receipt").await;
    assert!(
        text.contains("第二十四条第二款") && text.contains("15个工作日"),
        "{text}"
    );
    assert!(!text.contains("20个工作日"), "{text}");
    act(&wang, id, "request_extension", &[("reason", "数量较多")])
        .await
        .assert_redirect(&format!("/cases/{id}"));
    act(&boss, id, "approve_extension", &[])
        .await
        .assert_redirect(&format!("/cases/{id}"));
    let text = letter_text(&wang, id, "extension_notice").await;
    assert!(
        text.contains("第二十四条第二款") && text.contains("延长15个工作日"),
        "{text}"
    );
    // Before the Regulations took effect: refused.
    app.set_today("2024-09-27");
    let before = common::intake_at(
        &wang,
        &app.agency_id("CZ-GTJ"),
        &[("arrived_on", "2008-04-30")],
    )
    .await;
    before.assert_status(400).assert_contains("2008年5月1日");
    // More than a year ago: asks for confirmation, then records.
    let old = [("arrived_on", "2023-06-01"), ("subject", "旧申请")];
    common::intake_at(&wang, &app.agency_id("CZ-GTJ"), &old)
        .await
        .assert_status(400)
        .assert_contains("一年以前")
        .assert_contains("name=\"confirm_old\"");
    let mut confirmed = old.to_vec();
    confirmed.push(("confirm_old", "true"));
    case_id(&common::intake_at(&wang, &app.agency_id("CZ-GTJ"), &confirmed).await);
}
