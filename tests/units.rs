//! Drafting units (承办单位) over HTTP on both databases: the office sends a
//! case to two divisions with a 5-working-day internal deadline; one signs for
//! it and replies with a file, the other returns it; a unit that answers late
//! shows on the dashboard until it replies; a unit's staff see only the
//! requests sent to them.

mod common;
use common::{Browser, TestApp, act, case_id, intake_at};
use gongkai::db;

both_backends!(
    units_sign_reply_and_return,
    a_unit_that_answers_late_shows_on_the_dashboard,
);

const PDF: &[u8] = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n";

/// The land bureau's planning and cadastre divisions, a clerk in each, and
/// another bureau's clerk.
fn setup(app: &TestApp) {
    app.office();
    app.agency("CZ-GTJ-GH", "规划科", "other", Some("CZ-GTJ"));
    app.agency("CZ-GTJ-DJ", "地籍科", "other", Some("CZ-GTJ"));
    app.agency("CZ-HB", "常州市环境保护局", "department", Some("CZ"));
    app.user("liu", "clerk", Some("CZ-GTJ-GH"));
    app.user("sun", "clerk", Some("CZ-GTJ-DJ"));
    app.user("zhao", "clerk", Some("CZ-HB"));
}

fn tasks(app: &TestApp, case: i64) -> Vec<db::units::Task> {
    app.with_conn(|c| db::units::of_case(c, case).unwrap())
}

fn kinds(app: &TestApp, case: i64) -> Vec<String> {
    app.with_conn(|c| {
        db::cases::events(c, case)
            .unwrap()
            .into_iter()
            .map(|e| e.kind)
            .collect()
    })
}

async fn post_task(b: &Browser, task: i64, step: &str, fields: &[(&str, &str)]) -> common::Page {
    b.submit(
        &format!("/tasks/{task}"),
        &format!("/tasks/{task}/{step}"),
        fields,
    )
    .await
}

async fn units_sign_reply_and_return(app: TestApp) {
    setup(&app);
    let wang = app.login("wang").await;
    let id = case_id(&intake_at(&wang, &app.agency_id("CZ-GTJ"), &[]).await);
    let (gh, dj, hb) = (
        app.agency_id("CZ-GTJ-GH"),
        app.agency_id("CZ-GTJ-DJ"),
        app.agency_id("CZ-HB"),
    );
    // Refused: no unit, a unit outside the bureau, the bureau itself, a bad period.
    for (fields, field) in [
        (vec![("days", "5")], "unit"),
        (vec![("unit", hb.as_str())], "unit"),
        (vec![("unit", app.agency_id("CZ-GTJ").as_str())], "unit"),
        (vec![("unit", gh.as_str()), ("days", "0")], "days"),
        (vec![("unit", gh.as_str()), ("days", "x")], "days"),
    ] {
        let r = act(&wang, id, "ask_units", &fields).await;
        assert_eq!(r.status, 400, "{fields:?}");
        assert!(!r.texts(".field-error").is_empty(), "{field}");
    }
    assert!(tasks(&app, id).is_empty());
    // Both divisions at once, 5 working days by default: from Friday 2024-09-27 over
    // the National Day holiday, to 2024-10-10.
    act(
        &wang,
        id,
        "ask_units",
        &[
            ("unit", &gh),
            ("unit", &dj),
            ("note", "请查找该地块的规划许可文件"),
        ],
    )
    .await
    .assert_redirect(&format!("/cases/{id}"));
    let given = tasks(&app, id);
    assert_eq!(given.len(), 2);
    assert!(
        given
            .iter()
            .all(|t| t.due_on.to_string() == "2024-10-10" && t.status == "asked")
    );
    let (t_gh, t_dj) = (given[0].id, given[1].id);
    // The same unit again while it has the request: refused.
    let again = act(&wang, id, "ask_units", &[("unit", &gh)]).await;
    assert_eq!(again.status, 400);
    let page = wang.get(&format!("/cases/{id}")).await;
    assert_eq!(page.texts("#units tbody tr").len(), 2);

    // The planning division: sees the request through its task, not the case itself.
    let liu = app.login("liu").await;
    assert_eq!(liu.get(&format!("/cases/{id}")).await.status, 404);
    let list = liu.get("/tasks").await;
    list.assert_ok();
    assert_eq!(list.texts(".tasks tbody tr").len(), 1);
    let task = liu.get(&format!("/tasks/{t_gh}")).await;
    task.assert_ok()
        .assert_contains("请查找该地块的规划许可文件");
    assert_eq!(task.texts(".task-due"), ["2024-10-10"]);
    task.assert_lacks("11010519491231002X");
    // Another division's task, another bureau's clerk: missing.
    assert_eq!(liu.get(&format!("/tasks/{t_dj}")).await.status, 404);
    let zhao = app.login("zhao").await;
    assert_eq!(zhao.get(&format!("/tasks/{t_gh}")).await.status, 404);
    let token = zhao.get("/tasks").await.csrf();
    let r = zhao
        .post_raw(&format!("/tasks/{t_gh}/sign"), &[("csrf_token", &token)])
        .await;
    assert_eq!(r.status, 404);

    // Signed for, once.
    post_task(&liu, t_gh, "sign", &[])
        .await
        .assert_redirect(&format!("/tasks/{t_gh}"));
    let twice = post_task(&liu, t_gh, "sign", &[]).await;
    assert_eq!(twice.status, 422);
    // A reply needs its text; with a file, the file joins the case.
    app.set_today("2024-10-09");
    let token = liu.get(&format!("/tasks/{t_gh}")).await.csrf();
    let empty = liu
        .post_files(
            &format!("/tasks/{t_gh}/reply"),
            &[("csrf_token", &token), ("answer", " ")],
            &[],
        )
        .await;
    assert_eq!(empty.status, 422);
    let r = liu
        .post_files(
            &format!("/tasks/{t_gh}/reply"),
            &[
                ("csrf_token", &token),
                ("answer", "已找到规划许可证及附图，建议予以公开"),
            ],
            &[("file", "规划许可证.pdf", PDF)],
        )
        .await;
    r.assert_redirect(&format!("/tasks/{t_gh}"));
    let done = &tasks(&app, id)[0];
    assert_eq!(done.status, "replied");
    assert_eq!(done.answered_on.unwrap().to_string(), "2024-10-09");
    let files = app.with_conn(|c| db::attachments::of_case(c, id).unwrap());
    assert_eq!(files.len(), 1);
    assert_eq!(
        (files[0].kind.as_str(), files[0].file_name.as_str()),
        ("unit_reply", "规划许可证.pdf")
    );
    // Replied: nothing more to do there.
    let after = liu
        .post_files(
            &format!("/tasks/{t_gh}/reply"),
            &[("csrf_token", &token), ("answer", "再次答复")],
            &[],
        )
        .await;
    assert_eq!(after.status, 422);

    // The cadastre division returns it, with a reason (required).
    let sun = app.login("sun").await;
    let empty = post_task(&sun, t_dj, "return", &[("reason", "")]).await;
    assert_eq!(empty.status, 422);
    post_task(&sun, t_dj, "return", &[("reason", "不属于地籍科职责")])
        .await
        .assert_redirect(&format!("/tasks/{t_dj}"));
    assert_eq!(tasks(&app, id)[1].status, "returned");
    assert_eq!(tasks(&app, id)[1].answer, "不属于地籍科职责");

    // The case's history tells it all, and the clerk sees the answers.
    let k = kinds(&app, id);
    for kind in [
        "units_asked",
        "unit_signed",
        "unit_replied",
        "attachment_added",
        "unit_returned",
    ] {
        assert!(k.contains(&kind.to_string()), "{kind}: {k:?}");
    }
    let page = wang.get(&format!("/cases/{id}")).await;
    page.assert_contains("已找到规划许可证及附图")
        .assert_contains("不属于地籍科职责");
    // A returned unit may be asked again.
    act(&wang, id, "ask_units", &[("unit", &dj), ("days", "3")])
        .await
        .assert_redirect(&format!("/cases/{id}"));
    assert_eq!(tasks(&app, id).len(), 3);
}

async fn a_unit_that_answers_late_shows_on_the_dashboard(app: TestApp) {
    setup(&app);
    app.set_today("2024-10-14");
    let wang = app.login("wang").await;
    let id = case_id(
        &intake_at(
            &wang,
            &app.agency_id("CZ-GTJ"),
            &[("arrived_on", "2024-10-14")],
        )
        .await,
    );
    let gh = app.agency_id("CZ-GTJ-GH");
    act(&wang, id, "ask_units", &[("unit", &gh), ("days", "1")])
        .await
        .assert_redirect(&format!("/cases/{id}"));
    let task = tasks(&app, id)[0].id;
    assert_eq!(tasks(&app, id)[0].due_on.to_string(), "2024-10-15");
    // On its last day it is not late yet.
    app.set_today("2024-10-15");
    let boss = app.login("boss").await;
    let dash = boss.get("/dashboard").await;
    assert_eq!(dash.texts("a.card[href='#units-overdue'] .num"), ["0"]);
    // The day after, it is.
    app.set_today("2024-10-16");
    let dash = boss.get("/dashboard").await;
    assert_eq!(dash.texts("a.card[href='#units-overdue'] .num"), ["1"]);
    let row = dash.texts("#units-overdue + table tbody tr").join(" ");
    assert!(
        row.contains("CZ-GTJ-2024-0001") && row.contains("2024-10-15"),
        "{row}"
    );
    let page = wang.get(&format!("/cases/{id}")).await;
    assert_eq!(page.texts("#units tr.overdue").len(), 1);
    // The unit replies late: recorded as late, and off the dashboard.
    let liu = app.login("liu").await;
    let token = liu.get(&format!("/tasks/{task}")).await.csrf();
    liu.post_files(
        &format!("/tasks/{task}/reply"),
        &[("csrf_token", &token), ("answer", "未找到相关文件")],
        &[],
    )
    .await
    .assert_redirect(&format!("/tasks/{task}"));
    let replied = app.with_conn(|c| {
        db::cases::events(c, id)
            .unwrap()
            .into_iter()
            .find(|e| e.kind == "unit_replied")
            .unwrap()
    });
    assert!(replied.data.contains("\"late\":true"), "{}", replied.data);
    wang.get(&format!("/cases/{id}"))
        .await
        .assert_contains("超过内部时限");
    let dash = boss.get("/dashboard").await;
    assert_eq!(dash.texts("a.card[href='#units-overdue'] .num"), ["0"]);
}
