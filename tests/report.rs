//! The annual report from cases handled over HTTP, on both databases: a case
//! carried in across the year boundary and one carried out, a void case left
//! out, reconsideration and lawsuits by filing year with the outcome as of 31
//! December, fees; the same figures on the page, in the JSON and text of
//! `gongkai report`, and in the Excel download; the checks passing.

mod common;
use common::{TestApp, act, case_id, cli};

both_backends!(
    a_year_of_cases_makes_its_report,
    figures_entered_for_an_earlier_year_are_compared_with,
);

async fn decide(b: &common::Browser, id: i64, on: &str, outcome: &str) {
    act(
        b,
        id,
        "decide",
        &[
            ("on", on),
            ("outcome", outcome),
            ("how_provided", "纸质复印件邮寄"),
            ("findings", "经检索，本机关未制作或获取该信息"),
            ("delivery_method", "post"),
        ],
    )
    .await
    .assert_redirect(&format!("/cases/{id}"));
}

async fn a_year_of_cases_makes_its_report(app: TestApp) {
    app.office();
    app.user("root", "admin", None);
    let wang = app.login("wang").await;
    let boss = app.login("boss").await;
    let root = app.login("root").await;
    let gtj = app.agency_id("CZ-GTJ");
    let intake = |on: &'static str, kind: &'static str, subject: &'static str| {
        let wang = &wang;
        let gtj = gtj.clone();
        async move {
            let org = [
                ("r_kind", kind),
                ("r_name", "常州某科技有限公司"),
                ("r_id_type", ""),
                ("r_id_number", ""),
                ("r_credit_code", "91320400MA1XXXXX0X"),
            ];
            let mut fields = vec![("arrived_on", on), ("subject", subject)];
            if kind != "natural_person" {
                fields.extend(org);
            }
            case_id(&common::intake_at(wang, &gtj, &fields).await)
        }
    };
    // Received in 2023, answered in 2024: carried in.
    app.set_today("2023-12-20");
    let carried_in = intake("2023-12-20", "natural_person", "2023年某地块征地批复").await;
    app.set_today("2024-01-10");
    decide(&wang, carried_in, "2024-01-10", "disclosed").await;
    // A company's request answered in the year, then reconsidered and sued over.
    app.set_today("2024-03-01");
    let answered = intake("2024-03-01", "enterprise", "某厂区环评批复").await;
    app.set_today("2024-03-20");
    decide(&wang, answered, "2024-03-20", "not_held_nonexistent").await;
    app.set_today("2024-12-10");
    for (kind, filed, body) in [
        ("review", "2024-04-01", "常州市人民政府"),
        ("lawsuit_direct", "2024-12-01", "常州市天宁区人民法院"),
    ] {
        act(
            &wang,
            answered,
            "record_appeal",
            &[
                ("kind", kind),
                ("grounds", "decision"),
                ("filed_on", filed),
                ("body", body),
            ],
        )
        .await
        .assert_redirect(&format!("/cases/{answered}"));
    }
    let ids: Vec<i64> = app.with_conn(|c| {
        gongkai::db::appeals::of_case(c, answered)
            .unwrap()
            .iter()
            .map(|a| a.id)
            .collect()
    });
    let review = ids[0].to_string();
    act(
        &wang,
        answered,
        "update_appeal",
        &[
            ("appeal_id", &review),
            ("result", "upheld"),
            ("decided_on", "2024-06-01"),
        ],
    )
    .await
    .assert_redirect(&format!("/cases/{answered}"));
    // Decided next year: pending on 31 December 2024.
    app.set_today("2025-01-06");
    let suit = ids[1].to_string();
    act(
        &wang,
        answered,
        "update_appeal",
        &[
            ("appeal_id", &suit),
            ("result", "corrected"),
            ("decided_on", "2025-01-05"),
        ],
    )
    .await
    .assert_redirect(&format!("/cases/{answered}"));
    // A void case counts nowhere; one received late in the year is carried out.
    app.set_today("2024-05-06");
    let void = intake("2024-05-06", "natural_person", "某小区规划许可证").await;
    act(&root, void, "void", &[("reason", "重复录入")])
        .await
        .assert_redirect(&format!("/cases/{void}"));
    app.set_today("2024-12-30");
    let late = intake("2024-12-30", "natural_person", "某道路拓宽工程红线图").await;
    app.set_today("2025-02-01");

    let (code, out, err) = cli(
        &app.db.url,
        &[
            "report", "--year", "2024", "--agency", "CZ", "--format", "json",
        ],
        None,
    );
    assert_eq!(code, 0, "{err}");
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    let row = |key: &str| -> Vec<u64> {
        json["table3"]["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["key"] == key)
            .unwrap_or_else(|| panic!("no row {key}"))["values"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_u64().unwrap())
            .collect()
    };
    assert_eq!(row("new"), [1, 1, 0, 0, 0, 0, 2]);
    assert_eq!(row("carried_in"), [1, 0, 0, 0, 0, 0, 1]);
    assert_eq!(row("disclosed"), [1, 0, 0, 0, 0, 0, 1]);
    assert_eq!(row("unavailable.not_held"), [0, 1, 0, 0, 0, 0, 1]);
    assert_eq!(row("results_total"), [1, 1, 0, 0, 0, 0, 2]);
    assert_eq!(row("carried_out"), [1, 0, 0, 0, 0, 0, 1]);
    assert_eq!(json["table4"]["review"], serde_json::json!([1, 0, 0, 0, 1]));
    assert_eq!(
        json["table4"]["lawsuit_direct"],
        serde_json::json!([0, 0, 0, 1, 1])
    );
    assert_eq!(json["channels"]["in_person"], 2);
    assert_eq!(json["agency"]["code"], "CZ");
    let checks = json["checks"].as_array().unwrap();
    assert!(!checks.is_empty());
    assert!(checks.iter().all(|c| c["ok"] == true), "{checks:?}");
    // 2023 carried one case out; 2024 carried it in.
    let (_, out23, _) = cli(
        &app.db.url,
        &["report", "--year", "2023", "--format", "json"],
        None,
    );
    let j23: serde_json::Value = serde_json::from_str(&out23).unwrap();
    let carried_out_23 = j23["table3"]["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["key"] == "carried_out")
        .unwrap()["values"][6]
        .clone();
    assert_eq!(carried_out_23, 1);

    // The prose of the older format, from the command line.
    let (code, text, err) = cli(
        &app.db.url,
        &["report", "--year", "2024", "--profile", "jiangsu-2018"],
        None,
    );
    assert_eq!(code, 0, "{err}");
    assert!(text.contains("（一）申请情况"), "{text}");
    assert!(text.contains("较上年增长100.00%"), "{text}");
    // Bad arguments are named.
    let (code, _, err) = cli(
        &app.db.url,
        &["report", "--year", "2024", "--agency", "NOPE"],
        None,
    );
    assert_ne!(code, 0);
    assert!(err.contains("--agency NOPE"), "{err}");

    // The page shows the same table; a clerk may not open it.
    let page = boss.get("/report?year=2024").await;
    page.assert_ok()
        .assert_contains("收到和处理政府信息公开申请情况")
        .assert_contains("已通过全部");
    let cells = page.texts("tr[data-key=\"carried_in\"] td");
    assert_eq!(cells, ["1", "0", "0", "0", "0", "0", "1"]);
    wang.get("/report?year=2024").await.assert_status(403);
    let xlsx = boss.get("/report/download?year=2024&format=xlsx").await;
    xlsx.assert_ok();
    let json_download = boss.get("/report/download?year=2024&format=json").await;
    json_download.assert_ok().assert_contains("\"carried_out\"");

    // Finalised: the figures are kept as published. The year must be over.
    let finalise = |b: &'static str, year: &'static str, reason: &'static str| {
        let who = if b == "boss" { &boss } else { &root };
        let agency = app.agency_id("CZ");
        async move {
            let token = who.get("/report").await.csrf();
            who.post_raw(
                "/report/finalise",
                &[
                    ("csrf_token", &token),
                    ("year", year),
                    ("agency", &agency),
                    ("profile", "national-2021"),
                    ("reason", reason),
                ],
            )
            .await
        }
    };
    finalise("boss", "2025", "")
        .await
        .assert_status(400)
        .assert_contains("年度尚未结束");
    let cz = app.agency_id("CZ");
    finalise("boss", "2024", "").await.assert_redirect(&format!(
        "/report?year=2024&agency={cz}&profile=national-2021"
    ));
    boss.get("/report?year=2024")
        .await
        .assert_contains("定稿")
        .assert_contains("当前数据与定稿数据一致");
    // A case of 2024 voided afterwards: the page says which figures moved, and 2025's
    // carried-in no longer matches the published carried-out.
    act(&root, late, "void", &[("reason", "重复录入")])
        .await
        .assert_redirect(&format!("/cases/{late}"));
    boss.get("/report?year=2024")
        .await
        .assert_contains("5 处不同")
        .assert_contains("四、结转下年度继续办理 · 总计: 1 → 0");
    boss.get("/report?year=2025")
        .await
        .assert_contains("项校验未通过")
        .assert_contains("carried_in = previous year&#39;s carried_out (total)");
    // Only an administrator finalises again, and says why.
    finalise("boss", "2024", "作废重复案件")
        .await
        .assert_status(400)
        .assert_contains("只有系统管理员可以重新定稿");
    finalise("root", "2024", "")
        .await
        .assert_status(400)
        .assert_contains("此项必填");
    finalise("root", "2024", "作废重复案件")
        .await
        .assert_status(303);
    boss.get("/report?year=2025")
        .await
        .assert_contains("已通过全部");
    let audit = root.get("/admin/audit").await;
    audit
        .assert_contains("年度报告定稿")
        .assert_contains("作废重复案件");
}

async fn figures_entered_for_an_earlier_year_are_compared_with(app: TestApp) {
    app.office();
    app.user("root", "admin", None);
    let wang = app.login("wang").await;
    let root = app.login("root").await;
    app.set_today("2024-09-27");
    let gtj = app.agency_id("CZ-GTJ");
    for subject in [
        "甲地块批复",
        "乙地块批复",
        "丙地块批复",
        "丁地块批复",
        "戊地块批复",
    ] {
        case_id(&common::intake_at(&wang, &gtj, &[("subject", subject)]).await);
    }
    app.set_today("2025-01-10");
    let cz = app.agency_id("CZ");
    let save = |fields: Vec<(&'static str, String)>| {
        let root = &root;
        async move {
            let token = root.get("/admin/baselines").await.csrf();
            let mut all: Vec<(&str, &str)> = vec![("csrf_token", token.as_str())];
            all.extend(fields.iter().map(|(k, v)| (*k, v.as_str())));
            root.post_raw("/admin/baselines", &all).await
        }
    };
    save(vec![
        ("agency_id", cz.clone()),
        ("year", "2025".into()),
        ("received", "-1".into()),
        ("reviews", "2".into()),
        ("lawsuits", "0".into()),
    ])
    .await
    .assert_status(400)
    .assert_contains("请填写2008年至上一年之间的年度")
    .assert_contains("请填写不小于0的整数");
    save(vec![
        ("agency_id", cz.clone()),
        ("year", "2023".into()),
        ("received", "4".into()),
        ("reviews", "2".into()),
        ("lawsuits", "0".into()),
    ])
    .await
    .assert_redirect("/admin/baselines");
    root.get("/admin/baselines")
        .await
        .assert_contains("常州市人民政府");
    wang.get("/admin/baselines").await.assert_status(403);
    let (code, text, err) = cli(
        &app.db.url,
        &["report", "--year", "2024", "--profile", "jiangsu-2018"],
        None,
    );
    assert_eq!(code, 0, "{err}");
    assert!(
        text.contains("共受理依申请公开5件，较上年增长25.00%"),
        "{text}"
    );
}
