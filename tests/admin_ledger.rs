//! The ledger on the admin page, over HTTP on both databases: an upload with
//! errors lists each by row and column and imports nothing; a good one shows
//! what it adds, then imports all rows; a year's ledger downloads; only
//! administrators, and only with the form's token.

mod common;
use common::{Browser, TestApp};

both_backends!(a_ledger_is_previewed_then_imported_on_the_page,);

/// Posts a file as a browser's upload form does (multipart/form-data).
async fn upload(b: &Browser, token: &str, file: &str, content: &str) -> (u16, String) {
    let boundary = "gongkai-test-boundary";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n{token}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file}\"\r\n\
         Content-Type: text/csv\r\n\r\n{content}\r\n--{boundary}--\r\n"
    );
    let r = b
        .client
        .post(format!("{}/admin/ledger/preview", b.base))
        .header(
            "Content-Type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(body)
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

const HEADER: &str =
    "agency_code,received_on,channel,requester_type,requester_name,subject,outcome,closed_on\n";

async fn a_ledger_is_previewed_then_imported_on_the_page(app: TestApp) {
    app.office();
    app.user("root", "admin", None);
    app.set_today("2025-03-01");
    let root = app.login("root").await;
    let wang = app.login("wang").await;
    let token = root.get("/admin/ledger").await.csrf();
    // Errors: every one named, nothing stored.
    let bad = format!(
        "{HEADER}CZ-GTJ,2024-13-01,letter,natural_person,张三,某信息,disclosed,2024-02-01\n\
         NOPE,2024-01-05,letter,natural_person,李四,某信息,,\n"
    );
    let (status, body) = upload(&root, &token, "bad.csv", &bad).await;
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("第 2 行，received_on 列"), "{body}");
    assert!(body.contains("第 3 行，agency_code 列"), "{body}");
    assert!(body.contains("未导入任何数据"), "{body}");
    assert!(!body.contains("/admin/ledger/import"), "no import button");
    // Without the form's token: refused.
    let (status, _) = upload(&root, "forged", "good.csv", HEADER).await;
    assert_eq!(status, 403);
    let good = format!(
        "{HEADER}CZ-GTJ,2024-01-05,letter,natural_person,张三,某地块批复,disclosed,2024-01-20\n\
         CZ-GTJ,2024-12-30,online,enterprise,某公司,某项目许可,,\n"
    );
    let (status, body) = upload(&root, &token, "good.csv", &good).await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("共 2 条，其中尚未办结 1 条"), "{body}");
    let doc = scraper::Html::parse_document(&body);
    let sel = scraper::Selector::parse("input[name=upload]").unwrap();
    let upload_id = doc
        .select(&sel)
        .next()
        .unwrap()
        .value()
        .attr("value")
        .unwrap()
        .to_string();
    let stored = |app: &TestApp| app.with_conn(|c| gongkai::db::cases::count_all(c).unwrap());
    assert_eq!(stored(&app), 0, "a preview writes nothing");
    // A clerk cannot import it.
    let clerk_token = wang.get("/cases").await.csrf();
    wang.post_raw(
        "/admin/ledger/import",
        &[("csrf_token", &clerk_token), ("upload", &upload_id)],
    )
    .await
    .assert_status(403);
    root.post_raw(
        "/admin/ledger/import",
        &[("csrf_token", &token), ("upload", &upload_id)],
    )
    .await
    .assert_redirect("/admin/ledger");
    assert_eq!(stored(&app), 2);
    root.get("/admin/ledger")
        .await
        .assert_contains("已导入 2 件案件");
    // The same upload cannot be imported twice.
    root.post_raw(
        "/admin/ledger/import",
        &[("csrf_token", &token), ("upload", &upload_id)],
    )
    .await
    .assert_status(404);
    let csv = root.get("/admin/ledger/export?year=2024").await;
    csv.assert_ok()
        .assert_contains("CZ-GTJ-2024-0001")
        .assert_contains("due_on");
    wang.get("/admin/ledger/export?year=2024")
        .await
        .assert_status(403);
}
