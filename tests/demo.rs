//! `gongkai demo-data` through the binary, on both databases: an empty
//! database becomes a demo office whose pages all have data and whose report
//! passes its checks; a database with cases is refused.

mod common;
use common::{TestApp, cli};

both_backends!(demo_data_fills_an_empty_office,);

async fn demo_data_fills_an_empty_office(app: TestApp) {
    let password = "plum-harbor-2718";
    let (code, out, err) = cli(
        &app.db.url,
        &["demo-data", "--cases", "600", "--seed", "3"],
        None,
    );
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("600 cases"), "{out}");
    // Again: refused, with the reason.
    let (code, _, err) = cli(&app.db.url, &["demo-data", "--cases", "10"], None);
    assert_ne!(code, 0);
    assert!(err.contains("already holds cases"), "{err}");
    // The accounts sign in with the password, and see their work.
    let clerk = app.browser();
    clerk
        .login("demo-clerk", password)
        .await
        .assert_redirect("/");
    let mine = clerk.get("/cases/mine").await;
    mine.assert_ok().assert_contains("SF-ZRJ-");
    let boss = app.browser();
    boss.login("demo-supervisor", password)
        .await
        .assert_redirect("/");
    boss.get("/dashboard")
        .await
        .assert_ok()
        .assert_contains("示范市自然资源和规划局");
    boss.get("/cases?q=请公开").await.assert_ok();
    boss.get("/appeals").await.assert_ok();
    // Last year's report adds up.
    let year = chrono::Datelike::year(&chrono::Utc::now().date_naive()) - 1;
    let (code, json, err) = cli(
        &app.db.url,
        &["report", "--year", &year.to_string(), "--format", "json"],
        None,
    );
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let checks = v["checks"].as_array().unwrap();
    assert!(checks.iter().all(|c| c["ok"] == true), "{checks:?}");
    let new_total = v["table3"]["rows"][0]["values"][6].as_u64().unwrap();
    assert!(new_total > 100, "{new_total}");
    assert_eq!(v["agency"]["code"], "SF");
}
