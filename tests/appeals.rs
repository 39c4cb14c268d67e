//! Reconsideration and lawsuits over HTTP on both databases: recorded on the
//! case, the office's answer deadline, the outcome; a corrected outcome reopens
//! the case for a new answer with the first kept; a suit after review linked to
//! it; a record against the failure to answer; the refusals; the list and its
//! filters; the scope.

mod common;
use common::{TestApp, act, case_id, date};

both_backends!(
    a_reconsideration_upheld,
    a_corrected_review_reopens_the_case_and_a_suit_follows,
    appeals_refuse_bad_input_and_stay_in_scope,
);

/// A case received 2024-09-27 and answered 2024-10-20 (a partial disclosure).
async fn answered_case(app: &TestApp, wang: &common::Browser) -> i64 {
    let id = case_id(&common::intake_at(wang, &app.agency_id("CZ-GTJ"), &[]).await);
    app.set_today("2024-10-20");
    act(
        wang,
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
    id
}

fn appeal_id(app: &TestApp, case: i64) -> Vec<i64> {
    app.with_conn(|c| {
        gongkai::db::appeals::of_case(c, case)
            .unwrap()
            .iter()
            .map(|a| a.id)
            .collect()
    })
}

async fn a_reconsideration_upheld(app: TestApp) {
    app.office();
    let wang = app.login("wang").await;
    let boss = app.login("boss").await;
    let id = answered_case(&app, &wang).await;
    app.set_today("2024-11-20");
    act(
        &wang,
        id,
        "record_appeal",
        &[
            ("kind", "review"),
            ("grounds", "decision"),
            ("filed_on", "2024-11-18"),
            ("body", "常州市人民政府"),
            ("body_case_no", "常政复〔2024〕88号"),
            ("served_on", "2024-11-20"),
        ],
    )
    .await
    .assert_redirect(&format!("/cases/{id}"));
    let aid = appeal_id(&app, id)[0];
    // Ten days from the copy's arrival; under the 2023 law they are working days:
    // 11-21 ... 12-04.
    wang.get(&format!("/appeals/{aid}"))
        .await
        .assert_contains("常政复〔2024〕88号")
        .assert_contains("2024-12-04")
        .assert_contains("尚未审结");
    let dash = boss.get("/dashboard").await;
    dash.assert_contains("待向复议机关或法院提交的答复")
        .assert_contains("2024-12-04");
    // The answer is sent: nothing more is owed, the matter is still pending.
    let update = |fields: Vec<(&'static str, &'static str)>| {
        let wang = &wang;
        let aid = aid.to_string();
        async move {
            let mut all = vec![("appeal_id", aid.as_str())];
            all.extend(fields);
            act(wang, id, "update_appeal", &all).await
        }
    };
    app.set_today("2024-11-28");
    update(vec![
        ("served_on", "2024-11-20"),
        ("answered_on", "2024-11-28"),
    ])
    .await
    .assert_redirect(&format!("/cases/{id}"));
    boss.get("/dashboard")
        .await
        .assert_lacks("待向复议机关或法院提交的答复");
    boss.get("/appeals?result=pending")
        .await
        .assert_contains("常政复〔2024〕88号");
    app.set_today("2025-01-15");
    update(vec![
        ("served_on", "2024-11-20"),
        ("answered_on", "2024-11-28"),
        ("result", "upheld"),
        ("decided_on", "2025-01-10"),
        ("doc_numbers", "常政复决字〔2025〕3号"),
    ])
    .await
    .assert_redirect(&format!("/cases/{id}"));
    let stored = app.with_conn(|c| gongkai::db::appeals::find(c, aid).unwrap().unwrap());
    assert_eq!(stored.result.as_deref(), Some("upheld"));
    assert_eq!(stored.decided_on, Some(date("2025-01-10")));
    wang.get(&format!("/cases/{id}"))
        .await
        .assert_contains("复议诉讼进展")
        .assert_contains("结果维持")
        .assert_lacks("根据复议决定或判决重新答复");
    boss.get("/appeals?result=pending")
        .await
        .assert_lacks("常政复〔2024〕88号");
    boss.get("/appeals?result=upheld&kind=review&from=2024-11-01&to=2024-11-30")
        .await
        .assert_contains("常政复〔2024〕88号");
    boss.get("/appeals?from=2024-12-01")
        .await
        .assert_lacks("常政复〔2024〕88号");
    assert_eq!(app.stored(id).status, "closed");
}

async fn a_corrected_review_reopens_the_case_and_a_suit_follows(app: TestApp) {
    app.office();
    let wang = app.login("wang").await;
    let id = answered_case(&app, &wang).await;
    app.set_today("2024-12-20");
    act(
        &wang,
        id,
        "record_appeal",
        &[
            ("kind", "review"),
            ("grounds", "decision"),
            ("filed_on", "2024-11-01"),
            ("body", "常州市人民政府"),
        ],
    )
    .await
    .assert_redirect(&format!("/cases/{id}"));
    let review = appeal_id(&app, id)[0];
    let review_s = review.to_string();
    act(
        &wang,
        id,
        "update_appeal",
        &[
            ("appeal_id", &review_s),
            ("result", "corrected"),
            ("decided_on", "2024-12-16"),
        ],
    )
    .await
    .assert_redirect(&format!("/cases/{id}"));
    wang.get(&format!("/cases/{id}"))
        .await
        .assert_contains("复议决定或判决纠正了原答复");
    // Reopened on the day the decision arrived; no time set in it: 20 working days.
    act(
        &wang,
        id,
        "reanswer",
        &[("appeal_id", &review_s), ("on", "2024-12-18")],
    )
    .await
    .assert_redirect(&format!("/cases/{id}"));
    let c = app.stored(id);
    assert_eq!(c.status, "open");
    assert_eq!(c.due_on, Some(date("2025-01-16")));
    assert_eq!(c.outcome, None);
    // Only once.
    act(
        &wang,
        id,
        "reanswer",
        &[("appeal_id", &review_s), ("on", "2024-12-18")],
    )
    .await
    .assert_status(409);
    // The first answer stays in the history; the new one closes the case again.
    app.set_today("2025-01-10");
    act(
        &wang,
        id,
        "decide",
        &[
            ("on", "2025-01-10"),
            ("outcome", "disclosed"),
            ("how_provided", "纸质复印件邮寄"),
            ("delivery_method", "post"),
        ],
    )
    .await
    .assert_redirect(&format!("/cases/{id}"));
    let c = app.stored(id);
    assert_eq!(
        (c.status.as_str(), c.outcome.as_deref(), c.late),
        ("closed", Some("disclosed"), false)
    );
    let page = wang.get(&format!("/cases/{id}")).await;
    page.assert_contains("部分公开").assert_contains("予以公开");
    wang.get(&format!("/appeals/{review}"))
        .await
        .assert_contains("已根据该结果重新办理本案");
    // The applicant sues after the review, linked to it.
    act(
        &wang,
        id,
        "record_appeal",
        &[
            ("kind", "lawsuit_after_review"),
            ("grounds", "decision"),
            ("review_id", &review_s),
            ("filed_on", "2025-01-09"),
            ("body", "常州市天宁区人民法院"),
            ("body_case_no", "（2025）苏0402行初5号"),
            ("served_on", "2025-01-10"),
        ],
    )
    .await
    .assert_redirect(&format!("/cases/{id}"));
    let suit = appeal_id(&app, id)[1];
    let stored = app.with_conn(|c| gongkai::db::appeals::find(c, suit).unwrap().unwrap());
    assert_eq!(stored.review_id, Some(review));
    // Fifteen calendar days from 01-10: 01-25 is a Saturday, the next working day is
    // Sunday 01-26, a make-up working day before the 2025 Spring Festival.
    wang.get(&format!("/appeals/{suit}"))
        .await
        .assert_contains("2025-01-26")
        .assert_contains(&format!("/appeals/{review}"));
    wang.get("/appeals?kind=lawsuit_after_review")
        .await
        .assert_contains("（2025）苏0402行初5号")
        .assert_lacks("常州市人民政府</td>");
}

async fn appeals_refuse_bad_input_and_stay_in_scope(app: TestApp) {
    app.office();
    app.agency("CZ-JYJ", "常州市教育局", "department", Some("CZ"));
    app.user("li", "clerk", Some("CZ-JYJ"));
    let wang = app.login("wang").await;
    let li = app.login("li").await;
    let id = case_id(&common::intake_at(&wang, &app.agency_id("CZ-GTJ"), &[]).await);
    app.set_today("2024-11-20");
    let record = |fields: Vec<(&'static str, &'static str)>| {
        let wang = &wang;
        async move { act(wang, id, "record_appeal", &fields).await }
    };
    // No answer yet: only against the failure to answer.
    record(vec![
        ("kind", "lawsuit_direct"),
        ("grounds", "decision"),
        ("filed_on", "2024-11-15"),
        ("body", "常州市天宁区人民法院"),
    ])
    .await
    .assert_status(400)
    .assert_contains("本案尚未作出答复");
    // A suit after review without its review; a date in the future; a missing body.
    record(vec![
        ("kind", "lawsuit_after_review"),
        ("grounds", "inaction"),
        ("filed_on", "2024-11-15"),
        ("body", "常州市天宁区人民法院"),
    ])
    .await
    .assert_status(400)
    .assert_contains("复议后起诉须选择本案已登记的行政复议");
    record(vec![
        ("kind", "review"),
        ("grounds", "inaction"),
        ("filed_on", "2024-11-21"),
        ("body", "常州市人民政府"),
    ])
    .await
    .assert_status(400)
    .assert_contains("不能晚于今天");
    record(vec![
        ("kind", "review"),
        ("grounds", "inaction"),
        ("filed_on", "2024-11-15"),
        ("body", ""),
    ])
    .await
    .assert_status(400)
    .assert_contains("此项必填");
    assert!(appeal_id(&app, id).is_empty(), "nothing half-written");
    // Against the failure to answer, on an open overdue case.
    record(vec![
        ("kind", "review"),
        ("grounds", "inaction"),
        ("filed_on", "2024-11-15"),
        ("body", "常州市人民政府"),
    ])
    .await
    .assert_redirect(&format!("/cases/{id}"));
    let aid = appeal_id(&app, id)[0];
    let aid_s = aid.to_string();
    // An outcome without its date, a decision before the filing.
    act(
        &wang,
        id,
        "update_appeal",
        &[("appeal_id", &aid_s), ("result", "other")],
    )
    .await
    .assert_status(400)
    .assert_contains("登记结果时须填写决定或裁判日期");
    act(
        &wang,
        id,
        "update_appeal",
        &[
            ("appeal_id", &aid_s),
            ("result", "other"),
            ("decided_on", "2024-11-01"),
        ],
    )
    .await
    .assert_status(400)
    .assert_contains("日期不能早于申请或起诉日期");
    let stored = app.with_conn(|c| gongkai::db::appeals::find(c, aid).unwrap().unwrap());
    assert_eq!(stored.result, None);
    // Another agency's clerk sees neither the appeal nor its case.
    li.get(&format!("/appeals/{aid}")).await.assert_status(404);
    li.get("/appeals").await.assert_lacks("常州市人民政府</td>");
    let token = li.get("/appeals").await.csrf();
    li.post_raw(
        &format!("/cases/{id}/act/record_appeal"),
        &[
            ("csrf_token", &token),
            ("version", "1"),
            ("kind", "review"),
            ("grounds", "inaction"),
            ("filed_on", "2024-11-15"),
            ("body", "常州市人民政府"),
        ],
    )
    .await
    .assert_status(404);
    assert_eq!(appeal_id(&app, id).len(), 1);
    // Bad filters say so instead of failing.
    wang.get("/appeals?from=2024-13-01&kind=nonsense")
        .await
        .assert_ok()
        .assert_contains("筛选条件");
}
