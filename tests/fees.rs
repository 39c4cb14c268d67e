//! The information-processing fee over HTTP on both databases: proposed,
//! approved (the notice goes out and the clock stops), received, paid (the
//! clock runs again the next day); left unpaid and closed as withdrawn;
//! cancelled; and the refusals.

mod common;
use common::{TestApp, act, case_id, date, letter_text};

both_backends!(
    a_fee_paid_moves_the_deadline_by_the_days_it_stood,
    an_unpaid_fee_closes_the_case_as_withdrawn,
    fees_are_refused_where_the_rules_say_so,
);

const PROPOSAL: [(&str, &str); 3] = [
    ("method", "per_volume"),
    ("units", "120"),
    ("how_to_pay", "凭本通知书到本机关财务室缴纳"),
];

async fn a_fee_paid_moves_the_deadline_by_the_days_it_stood(app: TestApp) {
    app.office();
    let wang = app.login("wang").await;
    let boss = app.login("boss").await;
    let id = case_id(&common::intake_at(&wang, &app.agency_id("CZ-GTJ"), &[]).await);
    assert_eq!(app.stored(id).due_on, Some(date("2024-10-30")));
    app.set_today("2024-10-08");
    act(&wang, id, "propose_fee", &PROPOSAL)
        .await
        .assert_redirect(&format!("/cases/{id}"));
    // The supervisor sees the calculation in the history before approving.
    boss.get(&format!("/cases/{id}"))
        .await
        .assert_contains("120 页，应缴 1100.00 元");
    act(&boss, id, "approve_fee", &[])
        .await
        .assert_redirect(&format!("/cases/{id}"));
    let c = app.stored(id);
    assert_eq!((c.clock.as_str(), c.due_on), ("fee_unpaid", None));
    // The time to pay runs from the applicant's receipt: no date is shown before it.
    wang.get(&format!("/cases/{id}"))
        .await
        .assert_contains("等待缴费")
        .assert_lacks("等待至");
    let text = letter_text(&wang, id, "fee_notice").await;
    assert!(
        text.contains("收费通知书") && text.contains("合计1100.00元"),
        "{text}"
    );
    assert!(text.contains("CZGTJ依收〔2024〕1号"), "{text}");
    app.set_today("2024-10-09");
    act(&wang, id, "record_fee_receipt", &[("on", "2024-10-09")])
        .await
        .assert_redirect(&format!("/cases/{id}"));
    wang.get(&format!("/cases/{id}"))
        .await
        .assert_contains("缴费期限至：2024-11-05");
    app.set_today("2024-10-15");
    // A wrong amount is refused and nothing changes.
    act(
        &wang,
        id,
        "record_payment",
        &[
            ("on", "2024-10-15"),
            ("amount", "1000"),
            ("receipt_no", "A-1"),
        ],
    )
    .await
    .assert_status(400)
    .assert_contains("金额与收费通知书不符");
    assert_eq!(app.stored(id).clock, "fee_unpaid");
    act(
        &wang,
        id,
        "record_payment",
        &[
            ("on", "2024-10-15"),
            ("amount", "1100.00"),
            ("receipt_no", "A-1"),
        ],
    )
    .await
    .assert_redirect(&format!("/cases/{id}"));
    // Three days counted before the notice (09-29, 09-30, 10-08); from 10-16 the other
    // 17: due 2024-11-07.
    let c = app.stored(id);
    assert_eq!((c.clock.as_str(), c.due_on), ("", Some(date("2024-11-07"))));
}

async fn an_unpaid_fee_closes_the_case_as_withdrawn(app: TestApp) {
    app.office();
    let wang = app.login("wang").await;
    let boss = app.login("boss").await;
    let id = case_id(&common::intake_at(&wang, &app.agency_id("CZ-GTJ"), &[]).await);
    app.set_today("2024-10-08");
    act(&wang, id, "propose_fee", &PROPOSAL)
        .await
        .assert_redirect(&format!("/cases/{id}"));
    act(&boss, id, "approve_fee", &[])
        .await
        .assert_redirect(&format!("/cases/{id}"));
    letter_text(&wang, id, "fee_notice").await;
    // Not before the applicant's receipt is recorded, nor before the time has run out.
    act(
        &wang,
        id,
        "close_fee_unpaid",
        &[("delivery_method", "post")],
    )
    .await
    .assert_status(409)
    .assert_contains("须先登记申请人收到收费通知书");
    act(&wang, id, "record_fee_receipt", &[("on", "2024-10-08")])
        .await
        .assert_redirect(&format!("/cases/{id}"));
    // Twenty working days from the day after receipt: the last day to pay is 11-04.
    app.set_today("2024-11-04");
    act(
        &wang,
        id,
        "close_fee_unpaid",
        &[("delivery_method", "post")],
    )
    .await
    .assert_status(409)
    .assert_contains("缴费期限尚未届满");
    let tracking = app.stored(id).tracking_no;
    let fees_lapsed =
        format!("href=\"/cases/{id}\">{tracking}</a></td><td>张三</td><td>2024-11-04");
    boss.get("/dashboard").await.assert_lacks(&fees_lapsed);
    app.set_today("2024-11-05");
    // The supervisor sees it ready to close.
    boss.get("/dashboard")
        .await
        .assert_contains("逾期未缴费、可结案")
        .assert_contains(&fees_lapsed);
    act(
        &wang,
        id,
        "close_fee_unpaid",
        &[("delivery_method", "post")],
    )
    .await
    .assert_redirect(&format!("/cases/{id}"));
    let c = app.stored(id);
    assert_eq!(
        (c.status.as_str(), c.outcome.as_deref()),
        ("closed", Some("other_fee_unpaid"))
    );
    let text = letter_text(&wang, id, "answer").await;
    assert!(
        text.contains("收费通知书") && text.contains("CZGTJ依收〔2024〕1号"),
        "{text}"
    );
    assert!(text.contains("2024年11月4日"), "{text}");
    boss.get("/dashboard").await.assert_lacks(&fees_lapsed);
}

async fn fees_are_refused_where_the_rules_say_so(app: TestApp) {
    app.office();
    let wang = app.login("wang").await;
    let boss = app.login("boss").await;
    let id = case_id(&common::intake_at(&wang, &app.agency_id("CZ-GTJ"), &[]).await);
    // Within the free tiers there is nothing to charge.
    act(
        &wang,
        id,
        "propose_fee",
        &[
            ("method", "per_volume"),
            ("units", "30"),
            ("how_to_pay", "现金"),
        ],
    )
    .await
    .assert_status(400)
    .assert_contains("无需收费");
    act(
        &wang,
        id,
        "propose_fee",
        &[
            ("method", "per_request"),
            ("units", "abc"),
            ("how_to_pay", "现金"),
        ],
    )
    .await
    .assert_status(400)
    .assert_contains("1 至 100000");
    // A supervisor does not approve their own proposal; a clerk approves nothing.
    act(&boss, id, "propose_fee", &PROPOSAL)
        .await
        .assert_redirect(&format!("/cases/{id}"));
    act(&boss, id, "approve_fee", &[])
        .await
        .assert_status(409)
        .assert_contains("不能批准自己提出的收费");
    act(&wang, id, "approve_fee", &[]).await.assert_status(409);
    // Another supervisor may refuse it, with a reason.
    app.user("boss2", "supervisor", Some("CZ"));
    let boss2 = app.login("boss2").await;
    act(&boss2, id, "refuse_fee", &[("reason", "")])
        .await
        .assert_status(400)
        .assert_contains("此项必填");
    act(
        &boss2,
        id,
        "refuse_fee",
        &[("reason", "未达到明显超过合理范围")],
    )
    .await
    .assert_redirect(&format!("/cases/{id}"));
    assert_eq!(app.stored(id).clock, "");
    // Cancelled (waived) by a supervisor with a reason: the clock runs again.
    let other = case_id(
        &common::intake_at(&wang, &app.agency_id("CZ-GTJ"), &[("subject", "另一申请")]).await,
    );
    act(&wang, other, "propose_fee", &PROPOSAL)
        .await
        .assert_redirect(&format!("/cases/{other}"));
    act(&boss, other, "approve_fee", &[])
        .await
        .assert_redirect(&format!("/cases/{other}"));
    assert_eq!(app.stored(other).clock, "fee_unpaid");
    act(&wang, other, "cancel_fee", &[("reason", "误收")])
        .await
        .assert_status(409);
    act(
        &boss,
        other,
        "cancel_fee",
        &[("waive", "true"), ("reason", "申请人经济困难")],
    )
    .await
    .assert_redirect(&format!("/cases/{other}"));
    assert_eq!(app.stored(other).clock, "");
    // No fee on a closed case.
    act(
        &wang,
        other,
        "decide",
        &[
            ("on", "2024-09-27"),
            ("outcome", "disclosed"),
            ("how_provided", "邮寄"),
            ("delivery_method", "post"),
        ],
    )
    .await
    .assert_redirect(&format!("/cases/{other}"));
    act(&wang, other, "propose_fee", &PROPOSAL)
        .await
        .assert_status(409)
        .assert_contains("此案件已办结");
}
