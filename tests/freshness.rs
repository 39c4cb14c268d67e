//! Two gongkai processes on one database, each with its own cache (issue 11):
//! whatever one process writes (a case, the calendar, the rules, a topic) the
//! other shows on its next page, though it had made and kept those pages just
//! before.

mod common;
use common::{PASSWORD, TestApp, act, case_id, intake_at};
use gongkai::db;

both_backends!(a_second_process_never_serves_a_stale_page);

async fn a_second_process_never_serves_a_stale_page(app: TestApp) {
    app.office();
    app.user("root", "admin", None);
    let second = app.another_instance();
    let wang_a = app.login("wang").await;
    let admin_a = app.login("root").await;
    let boss_b = second.browser();
    boss_b.login("boss", PASSWORD).await.assert_redirect("/");
    let wang_b = second.browser();
    wang_b.login("wang", PASSWORD).await.assert_redirect("/");
    let gtj = app.agency_id("CZ-GTJ");
    let gtj_row = format!("agency={gtj}&#38;only=1&#38;status=open");

    // Process B makes and keeps its list, dashboard and reference data.
    boss_b.get("/cases").await.assert_contains("共 0 条");
    boss_b
        .get("/dashboard")
        .await
        .assert_ok()
        .assert_lacks(&gtj_row);
    boss_b.get("/cases").await.assert_contains("共 0 条");

    // A case recorded through A: B's list, search and dashboard have it.
    let id = case_id(&intake_at(&wang_a, &gtj, &[]).await);
    let no = app.stored(id).tracking_no;
    boss_b
        .get("/cases")
        .await
        .assert_contains("共 1 条")
        .assert_contains(&no)
        .assert_contains("2024-10-30");
    boss_b
        .get("/cases?q=%E5%BC%A0%E4%B8%89")
        .await
        .assert_contains(&no);
    boss_b.get("/dashboard").await.assert_contains(&gtj_row);

    // A subject corrected through A is found by its new words through B, and no
    // longer by its old ones (the search index follows the text).
    act(
        &wang_a,
        id,
        "edit_details",
        &[
            ("subject", "滨河片区征收补偿方案"),
            ("channel", "in_person"),
            ("arrived_on", "2024-09-27"),
            ("r_phone", "13800000000"),
            ("r_address", "常州市新北区某路1号"),
        ],
    )
    .await
    .assert_redirect(&format!("/cases/{id}"));
    // 滨河 and 地块.
    boss_b
        .get("/cases?q=%E6%BB%A8%E6%B2%B3")
        .await
        .assert_contains(&no);
    boss_b
        .get("/cases?q=%E5%9C%B0%E5%9D%97")
        .await
        .assert_contains("共 0 条");

    // A day off added through A (Tuesday 15 October 2024) moves the deadline a
    // working day on; B counts with the new calendar at once.
    wang_b
        .get(&format!("/cases/{id}"))
        .await
        .assert_contains("2024-10-30");
    admin_a
        .submit(
            "/admin/calendar?year=2024",
            "/admin/calendar/day",
            &[
                ("date", "2024-10-15"),
                ("kind", "holiday"),
                ("festival", "测试"),
            ],
        )
        .await
        .assert_redirect("/admin/calendar?year=2024");
    boss_b
        .get("/cases")
        .await
        .assert_contains("2024-10-31")
        .assert_lacks("2024-10-30");
    wang_b
        .get(&format!("/cases/{id}"))
        .await
        .assert_contains("2024-10-31");

    // The rules changed through A (10 working days to correct, not 15): a
    // correction asked through B without a date of its own runs 10 days.
    admin_a
        .submit(
            "/admin/settings",
            "/admin/settings/rules",
            &[
                ("correction_period_days", "10"),
                ("consultation_days", "15"),
                ("correction_notice_days", "7"),
            ],
        )
        .await
        .assert_redirect("/admin/settings");
    app.set_today("2024-09-30");
    second.set_today("2024-09-30");
    act(
        &wang_b,
        id,
        "request_correction",
        &[("on", "2024-09-30"), ("items", "请写明地块名称")],
    )
    .await
    .assert_redirect(&format!("/cases/{id}"));
    let asked = app.with_conn(|c| db::cases::events(c, id).unwrap());
    let asked = asked
        .iter()
        .find(|e| e.kind == "correction_requested")
        .expect("the correction is recorded");
    // 8-12 and 14 October, then 16, 17, 18 and 21 (the 15th is now off).
    assert!(asked.data.contains("2024-10-21"), "{}", asked.data);

    // The stopped clock shows in B's list at once.
    boss_b.get("/cases?clock=any").await.assert_contains(&no);

    // A topic added through A is offered by B's list filter.
    boss_b.get("/cases").await.assert_lacks("交通运输");
    admin_a
        .submit(
            "/admin/settings",
            "/admin/settings/topics",
            &[("name", "交通运输")],
        )
        .await
        .assert_redirect("/admin/settings");
    boss_b.get("/cases").await.assert_contains("交通运输");
}
