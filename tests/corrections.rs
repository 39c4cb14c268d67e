//! The corrections a clerk needs, over HTTP on both databases: fixing a
//! registered detail, finding a case by identity number, a second Save after
//! Back, what a supervisor sees before approving an extension, and dates that
//! fall on a day off.

mod common;
use common::{TestApp, act, case_id, date, form_value};
use gongkai::db;

both_backends!(
    a_registered_detail_is_corrected_with_its_old_value,
    cases_are_found_by_identity_number_within_scope,
    a_second_save_after_back_records_nothing,
    the_supervisor_sees_what_an_extension_changes,
    a_date_on_a_day_off_is_pointed_out,
    the_decision_form_shows_what_the_outcome_needs,
    intake_points_out_repeats_and_a_months_volume,
);

/// The office, and a second department with its own clerk.
fn setup(app: &TestApp) {
    app.office();
    app.agency("CZ-HB", "常州市环境保护局", "department", Some("CZ"));
    app.user("zhao", "clerk", Some("CZ-HB"));
}

async fn a_registered_detail_is_corrected_with_its_old_value(app: TestApp) {
    setup(&app);
    let wang = app.login("wang").await;
    let id = case_id(&common::intake_at(&wang, &app.agency_id("CZ-GTJ"), &[]).await);
    assert_eq!(app.stored(id).due_on, Some(date("2024-10-30")));
    // The form starts from what is registered.
    let page = wang.get(&format!("/cases/{id}")).await;
    assert_eq!(form_value(&page, "r_phone"), "13800000000");
    assert_eq!(form_value(&page, "arrived_on"), "2024-09-27");
    let fields = |phone: &'static str, arrived: &'static str| {
        vec![
            ("subject", "2023年某地块征地补偿安置方案"),
            ("channel", "in_person"),
            ("arrived_on", arrived),
            ("r_phone", phone),
            ("r_address", "常州市新北区某路1号"),
        ]
    };
    // Nothing changed: said so, nothing written.
    let version = app.stored(id).version;
    act(
        &wang,
        id,
        "edit_details",
        &fields("13800000000", "2024-09-27"),
    )
    .await
    .assert_status(400)
    .assert_contains("没有任何修改");
    assert_eq!(app.stored(id).version, version);
    // A typo in the phone number and the arrival date: both recorded with old values;
    // the deadline follows the new receipt date, and the clerk is told.
    let r = act(
        &wang,
        id,
        "edit_details",
        &fields("13900000000", "2024-09-26"),
    )
    .await;
    r.assert_redirect(&format!("/cases/{id}"));
    let c = app.stored(id);
    assert_eq!(c.received_on, date("2024-09-26"));
    assert_eq!(c.due_on, Some(date("2024-10-29")));
    let page = wang.get(&format!("/cases/{id}")).await;
    page.assert_contains("13800000000 → 13900000000")
        .assert_contains("2024-09-27 → 2024-09-26")
        .assert_contains("原为 2024-10-30，现为 2024-10-29");
    let requester = app.with_conn(|cn| {
        db::cases::find_requester(cn, c.requester_id)
            .unwrap()
            .unwrap()
    });
    assert_eq!(requester.phone, "13900000000");
    // Once answered, the receipt date stays; contact details may still be fixed.
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
    act(
        &wang,
        id,
        "edit_details",
        &fields("13900000000", "2024-09-25"),
    )
    .await
    .assert_status(400)
    .assert_contains("收到申请日期不能再更改");
    act(
        &wang,
        id,
        "edit_details",
        &fields("13700000000", "2024-09-26"),
    )
    .await
    .assert_redirect(&format!("/cases/{id}"));
    // Another agency's clerk cannot.
    let zhao = app.login("zhao").await;
    let token = zhao.get("/cases/mine").await.csrf();
    zhao.post_raw(
        &format!("/cases/{id}/act/edit_details"),
        &[("csrf_token", &token), ("version", "1"), ("r_phone", "1")],
    )
    .await
    .assert_status(404);
}

async fn cases_are_found_by_identity_number_within_scope(app: TestApp) {
    setup(&app);
    let wang = app.login("wang").await;
    let id = case_id(&common::intake_at(&wang, &app.agency_id("CZ-GTJ"), &[]).await);
    let number = app.stored(id).tracking_no;
    for q in ["11010519491231002X", "11010519491231002x"] {
        wang.get(&format!("/cases?q={q}"))
            .await
            .assert_ok()
            .assert_contains(&number);
    }
    // A fragment of the number is not a search by number.
    wang.get("/cases?q=1101051949").await.assert_lacks(&number);
    let zhao = app.login("zhao").await;
    zhao.get("/cases?q=11010519491231002X")
        .await
        .assert_ok()
        .assert_lacks(&number);
    // At intake, the same number under another name is pointed out.
    let other = [
        ("r_name", "李四"),
        ("subject", "另一申请"),
        ("preview", "1"),
    ];
    common::intake_at(&wang, &app.agency_id("CZ-GTJ"), &other)
        .await
        .assert_ok()
        .assert_contains("已登记在“张三”名下");
    let saved = common::intake_at(
        &wang,
        &app.agency_id("CZ-GTJ"),
        &[("r_name", "李四"), ("subject", "另一申请")],
    )
    .await;
    let id = case_id(&saved);
    wang.get(&format!("/cases/{id}"))
        .await
        .assert_contains("已登记在“张三”名下");
}

async fn a_second_save_after_back_records_nothing(app: TestApp) {
    setup(&app);
    let wang = app.login("wang").await;
    let gtj = app.agency_id("CZ-GTJ");
    let first = case_id(&common::intake_at(&wang, &gtj, &[]).await);
    let number = app.stored(first).tracking_no;
    // Back, then Save: a fresh form (new token) with the same request.
    let again = common::intake_at(&wang, &gtj, &[]).await;
    again
        .assert_status(400)
        .assert_contains(&number)
        .assert_contains(&format!("href=\"/cases/{first}\""))
        .assert_contains("name=\"confirm_duplicate\"");
    assert_eq!(
        app.with_conn(|c| db::cases::list(c, &Default::default(), 0, 10).unwrap().1),
        1
    );
    // When it really is a second application, it can be recorded.
    let second = case_id(&common::intake_at(&wang, &gtj, &[("confirm_duplicate", "true")]).await);
    assert_ne!(first, second);
}

async fn the_supervisor_sees_what_an_extension_changes(app: TestApp) {
    setup(&app);
    let wang = app.login("wang").await;
    let boss = app.login("boss").await;
    let id = case_id(&common::intake_at(&wang, &app.agency_id("CZ-GTJ"), &[]).await);
    app.set_today("2024-10-08");
    act(
        &wang,
        id,
        "request_extension",
        &[("reason", "需调取历年档案")],
    )
    .await
    .assert_redirect(&format!("/cases/{id}"));
    let page = boss.get(&format!("/cases/{id}")).await;
    page.assert_ok()
        .assert_contains("延期待批")
        .assert_contains("wang 于 2024-10-08 申请延期")
        .assert_contains("需调取历年档案")
        .assert_contains("2024-10-30")
        .assert_contains("2024-11-27");
    boss.get("/cases?extension=1")
        .await
        .assert_contains("延期待批");
    act(
        &boss,
        id,
        "refuse_extension",
        &[("reason", "材料不多，可按期答复")],
    )
    .await
    .assert_redirect(&format!("/cases/{id}"));
    wang.get(&format!("/cases/{id}"))
        .await
        .assert_contains("延期申请未获批准")
        .assert_contains("材料不多，可按期答复")
        .assert_lacks("badge warn");
}

async fn a_date_on_a_day_off_is_pointed_out(app: TestApp) {
    setup(&app);
    let wang = app.login("wang").await;
    let id = case_id(&common::intake_at(&wang, &app.agency_id("CZ-GTJ"), &[]).await);
    app.set_today("2024-09-30");
    // 2024-10-19 is a Saturday, not a make-up workday.
    act(
        &wang,
        id,
        "request_correction",
        &[
            ("on", "2024-09-30"),
            ("items", "请写明地块名称"),
            ("due", "2024-10-19"),
        ],
    )
    .await
    .assert_redirect(&format!("/cases/{id}"));
    wang.get(&format!("/cases/{id}"))
        .await
        .assert_contains("2024-10-19 不是工作日");
}

async fn the_decision_form_shows_what_the_outcome_needs(app: TestApp) {
    setup(&app);
    let wang = app.login("wang").await;
    let id = case_id(&common::intake_at(&wang, &app.agency_id("CZ-GTJ"), &[]).await);
    // Until an outcome is chosen every field is there, each saying which outcomes use it
    // (the script hides the rest as the clerk chooses).
    let all = wang.get(&format!("/cases/{id}")).await;
    all.assert_contains("name=\"ground\"")
        .assert_contains("name=\"other_agency\"")
        .assert_contains("data-outcomes=")
        .assert_contains("/static/decide.js");
    // Every limited field of the action forms states its limit and carries it.
    all.assert_contains("maxlength=\"4000\"")
        .assert_contains("maxlength=\"500\"")
        .assert_contains("maxlength=\"2000\"")
        .assert_contains("最多 4000 字");
    // Without JavaScript, choosing the outcome first narrows the form on the server.
    let partial = wang.get(&format!("/cases/{id}?decide=partial")).await;
    partial
        .assert_ok()
        .assert_contains("name=\"ground\"")
        .assert_contains("name=\"how_provided\"")
        .assert_lacks("name=\"other_agency\"")
        .assert_lacks("name=\"earlier_answer\"");
    let elsewhere = wang
        .get(&format!("/cases/{id}?decide=not_held_other_agency"))
        .await;
    elsewhere
        .assert_contains("name=\"other_agency\"")
        .assert_lacks("name=\"ground\"")
        .assert_lacks("name=\"how_provided\"");
    // A refused decision comes back narrowed to its outcome, with the message.
    act(
        &wang,
        id,
        "decide",
        &[
            ("on", "2024-09-27"),
            ("outcome", "partial"),
            ("delivery_method", "post"),
        ],
    )
    .await
    .assert_status(400)
    .assert_contains("请选择具体依据")
    .assert_lacks("name=\"other_agency\"");
    let js = wang.get("/static/decide.js").await;
    js.assert_ok().assert_contains("data-outcomes");
}

async fn intake_points_out_repeats_and_a_months_volume(app: TestApp) {
    setup(&app);
    let wang = app.login("wang").await;
    let gtj = app.agency_id("CZ-GTJ");
    let first = case_id(&common::intake_at(&wang, &gtj, &[]).await);
    let c = app.stored(first);
    let rid = c.requester_id.to_string();
    let existing = [
        ("requester_id", rid.as_str()),
        ("r_name", ""),
        ("r_phone", ""),
    ];
    // The same information again, from the requester on record.
    let mut again = existing.to_vec();
    again.push(("preview", "1"));
    common::intake_at(&wang, &gtj, &again)
        .await
        .assert_ok()
        .assert_contains(&format!("此前已申请过相同内容（{}）", c.tracking_no));
    // The eleventh application of the month reaches the per-request fee tiers.
    for n in 2..=10 {
        let subject = format!("第{n}项申请");
        let mut fields = existing.to_vec();
        fields.push(("subject", &subject));
        case_id(&common::intake_at(&wang, &gtj, &fields).await);
    }
    let mut eleventh = existing.to_vec();
    eleventh.extend([("subject", "第11项申请"), ("preview", "1")]);
    common::intake_at(&wang, &gtj, &eleventh)
        .await
        .assert_ok()
        .assert_contains("本月向本机关提出的第 11 件申请")
        .assert_lacks("此前已申请过相同内容");
    // The requester's page counts them.
    wang.get(&format!("/requesters/{rid}"))
        .await
        .assert_ok()
        .assert_contains("2024-09")
        .assert_contains("<td class=\"num\">10</td>");
}
