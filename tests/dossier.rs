//! The case dossier over HTTP on both databases: a full case's dossier lists
//! and holds, in filing order, its registration sheet, the application's
//! scan, every letter as issued, the proofs of delivery and its history; a
//! void case's says so on every item; a year's dossiers download as a ZIP for
//! the archive; other agencies and clerks get nothing; each opening and export
//! is audited.

mod common;
use common::{Browser, TestApp, act, case_id, form_value, intake_at, issue};
use gongkai::db;
use gongkai::db::audit::Filter;
use std::io::Read;

both_backends!(
    a_full_case_is_filed_in_one_dossier,
    a_year_of_dossiers_downloads_for_the_archive,
    the_review_record_is_filed_after_the_letters,
);

const PDF: &[u8] = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n";

fn jpeg() -> Vec<u8> {
    let mut b = vec![0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10];
    b.extend_from_slice(b"JFIF\0");
    b.extend_from_slice(&[7u8; 64]);
    b.extend_from_slice(&[0xFF, 0xD9]);
    b
}

async fn attach(b: &Browser, id: i64, kind: &str, name: &str, bytes: &[u8]) {
    let page = b.get(&format!("/cases/{id}")).await;
    let fields = [
        ("csrf_token", page.csrf()),
        ("version", form_value(&page, "version")),
        ("kind", kind.to_string()),
    ];
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = b
        .post_files(
            &format!("/cases/{id}/attachments"),
            &fields,
            &[("file", name, bytes)],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
}

/// A case from intake to the delivered answer, with its scans: its id.
async fn full_case(app: &TestApp, wang: &Browser, subject: &str) -> i64 {
    app.set_today("2024-09-27");
    let id = case_id(&intake_at(wang, &app.agency_id("CZ-GTJ"), &[("subject", subject)]).await);
    attach(wang, id, "application_letter", "申请书.pdf", PDF).await;
    assert_eq!(issue(wang, id, "receipt").await.status, 303);
    app.set_today("2024-10-20");
    act(
        wang,
        id,
        "decide",
        &[
            ("on", "2024-10-20"),
            ("outcome", "disclosed"),
            ("how_provided", "纸质复印件邮寄"),
            ("delivery_method", "post"),
        ],
    )
    .await
    .assert_redirect(&format!("/cases/{id}"));
    let answer = issue(wang, id, "answer").await;
    let answer_id = answer
        .location
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .to_string();
    act(
        wang,
        id,
        "deliver",
        &[
            ("letter_id", &answer_id),
            ("on", "2024-10-20"),
            ("method", "post"),
            ("recipient", "张三"),
            ("postal_tracking", "EMS1234567"),
        ],
    )
    .await
    .assert_redirect(&format!("/cases/{id}"));
    assert_eq!(issue(wang, id, "delivery_proof").await.status, 303);
    attach(wang, id, "delivery_proof", "回证.jpg", &jpeg()).await;
    id
}

fn audited(app: &TestApp, action: &str) -> Vec<db::audit::Entry> {
    let filter = Filter {
        action: Some(action.into()),
        ..Default::default()
    };
    app.with_conn(|c| db::audit::list(c, &filter, 0, 100).unwrap().0)
}

async fn a_full_case_is_filed_in_one_dossier(app: TestApp) {
    app.office();
    app.agency("CZ-HB", "常州市环境保护局", "department", Some("CZ"));
    app.user("zhao", "clerk", Some("CZ-HB"));
    let wang = app.login("wang").await;
    let id = full_case(&app, &wang, "2023年某地块征地补偿安置方案").await;
    let case_page = wang.get(&format!("/cases/{id}")).await;
    case_page.assert_contains(&format!("/cases/{id}/dossier"));

    let d = wang.get(&format!("/cases/{id}/dossier")).await;
    d.assert_ok();
    // The contents, in filing order, and one section per item.
    let titles: Vec<String> = d
        .texts(".dossier-contents tbody tr td:nth-child(3)")
        .into_iter()
        .collect();
    assert_eq!(
        titles,
        [
            "申请登记表",
            "申请书（扫描件）：申请书.pdf",
            "政府信息公开申请接收回执",
            "常州市国土资源局政府信息公开申请答复书",
            "送达回证",
            "已签收的送达回证：回证.jpg",
            "办理记录",
        ]
    );
    assert_eq!(d.texts(".dossier-item").len(), 7);
    assert_eq!(d.texts(".item-count"), ["7"]);
    let numbers = d.texts(".dossier-contents tbody tr td:nth-child(2)");
    assert_eq!(numbers[2], "CZGTJ依接〔2024〕1号");
    assert_eq!(numbers[3], "CZGTJ依复〔2024〕1号");
    // The sheet has the requester's identity in full (the archive keeps it).
    assert!(
        d.texts(".layout-sheet td")
            .contains(&"11010519491231002X".to_string())
    );
    // Letters as issued, the scan embedded, the PDF linked, the history in full.
    let answer = d.texts("#item-4 .paper").join("");
    assert!(answer.contains("CZGTJ依复〔2024〕1号"), "{answer}");
    assert!(d.body.contains("src=\"data:image/jpeg;base64,"));
    d.assert_contains(&format!("/cases/{id}/attachments/"));
    let history = d.texts("#item-7 tbody tr");
    assert!(history.len() >= 6, "{history:?}");
    assert!(history.iter().any(|h| h.contains("wang")));
    // Opening it is recorded; the page has nothing inline for the CSP to block.
    let opened = audited(&app, "case.dossier");
    assert_eq!(opened.len(), 1);
    assert_eq!(opened[0].target, app.stored(id).tracking_no);
    assert!(!d.body.contains("<style") && !d.body.contains("<script"));

    // A void case's dossier says so on its cover and on every item.
    app.set_today("2024-10-21");
    let other = case_id(
        &intake_at(
            &wang,
            &app.agency_id("CZ-GTJ"),
            &[("subject", "重复提交的申请")],
        )
        .await,
    );
    app.user("root", "admin", None);
    let root = app.login("root").await;
    act(&root, other, "void", &[("reason", "重复登记")])
        .await
        .assert_redirect(&format!("/cases/{other}"));
    let v = wang.get(&format!("/cases/{other}/dossier")).await;
    v.assert_ok();
    assert_eq!(v.texts(".void-mark"), ["本案已作废"]);
    let heads = v.texts(".dossier-head");
    assert!(!heads.is_empty() && heads.iter().all(|h| h.contains("本案已作废")));

    // Elsewhere: missing, exactly as a case that does not exist, and nothing audited.
    let zhao = app.login("zhao").await;
    let elsewhere = zhao.get(&format!("/cases/{id}/dossier")).await;
    let missing = zhao.get("/cases/999999/dossier").await;
    assert_eq!((elsewhere.status, missing.status), (404, 404));
    elsewhere.assert_lacks("张三");
    assert_eq!(audited(&app, "case.dossier").len(), 2);
}

async fn a_year_of_dossiers_downloads_for_the_archive(app: TestApp) {
    app.office();
    let wang = app.login("wang").await;
    let first = full_case(&app, &wang, "某地块征收批复").await;
    let _second = full_case(&app, &wang, "某项目规划许可").await;
    // Still open: not filed yet.
    app.set_today("2024-10-22");
    intake_at(
        &wang,
        &app.agency_id("CZ-GTJ"),
        &[("subject", "尚在办理的申请")],
    )
    .await;
    // Only supervisors and the office export.
    assert_eq!(wang.get("/dossiers").await.status, 403);
    assert_eq!(wang.get("/dossiers/export?year=2024").await.status, 403);
    let boss = app.login("boss").await;
    let page = boss.get("/dossiers").await;
    page.assert_ok().assert_contains("/dossiers/export");
    let gtj = app.agency_id("CZ-GTJ");
    let (status, headers, bytes) = boss
        .download(&format!("/dossiers/export?year=2024&agency={gtj}"))
        .await;
    assert_eq!(status, 200);
    assert_eq!(headers["content-type"], "application/zip");
    assert!(
        headers["content-disposition"]
            .to_str()
            .unwrap()
            .contains("dossiers-CZ-GTJ-2024.zip")
    );
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut names: Vec<String> = zip.file_names().map(|n| n.unwrap().to_string()).collect();
    names.sort();
    assert_eq!(
        names,
        [
            "CZ-GTJ-2024-0001/02-申请书.pdf",
            "CZ-GTJ-2024-0001/案卷.html",
            "CZ-GTJ-2024-0002/02-申请书.pdf",
            "CZ-GTJ-2024-0002/案卷.html",
            "目录.csv",
        ]
    );
    // Each HTML file stands alone: its styles inside, its scans embedded.
    let mut html = String::new();
    zip.by_name("CZ-GTJ-2024-0001/案卷.html")
        .unwrap()
        .read_to_string(&mut html)
        .unwrap();
    assert!(html.contains("<style>") && !html.contains("/static/style.css"));
    // A copy for a person to print and read (as the browser tests leave screenshots).
    if std::fs::create_dir_all("/tmp/gongkai-screens").is_ok() {
        let name = format!("/tmp/gongkai-screens/dossier-{:?}.html", app.db.backend);
        let _ = std::fs::write(name.to_lowercase(), &html);
    }
    assert!(html.contains("data:image/jpeg;base64,"));
    assert!(html.contains("href=\"02-申请书.pdf\""));
    assert!(html.contains("某地块征收批复"));
    let mut pdf = Vec::new();
    zip.by_name("CZ-GTJ-2024-0001/02-申请书.pdf")
        .unwrap()
        .read_to_end(&mut pdf)
        .unwrap();
    assert_eq!(pdf, PDF);
    let mut index = String::new();
    zip.by_name("目录.csv")
        .unwrap()
        .read_to_string(&mut index)
        .unwrap();
    let lines: Vec<&str> = index.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(lines.len(), 3, "{index}");
    assert!(
        lines[1]
            .starts_with("CZ-GTJ-2024-0001,常州市国土资源局,张三,2024-09-27,2024-10-20,closed,")
    );
    // Recorded, with the year and how many.
    let exported = audited(&app, "dossier.export");
    assert_eq!(exported.len(), 1);
    assert_eq!(exported[0].target, "CZ-GTJ");
    // A year without cases is an empty archive with its list; an agency out of
    // scope is missing.
    let (status, _, bytes) = boss.download("/dossiers/export?year=2023").await;
    assert_eq!(status, 200);
    let zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    assert_eq!(zip.len(), 1);
    let _ = first;
}

/// With sign-off switched on for the bureau, the answer's review record (审查呈批单)
/// is filed after the letters (before any proof of delivery).
async fn the_review_record_is_filed_after_the_letters(app: TestApp) {
    app.office();
    app.user("root", "admin", None);
    let root = app.login("root").await;
    let page = root.get("/admin/settings").await;
    let gtj = app.agency_id("CZ-GTJ");
    let step = format!("{gtj}:sign_off");
    root.post_raw(
        "/admin/settings/review",
        &[("csrf_token", &page.csrf()), ("step", &step)],
    )
    .await
    .assert_redirect("/admin/settings#review");
    let wang = app.login("wang").await;
    let boss = app.login("boss").await;
    let id = case_id(&intake_at(&wang, &gtj, &[]).await);
    app.set_today("2024-10-18");
    act(
        &wang,
        id,
        "decide",
        &[
            ("outcome", "disclosed"),
            ("how_provided", "纸质复印件邮寄"),
            ("delivery_method", "post"),
        ],
    )
    .await
    .assert_redirect(&format!("/cases/{id}"));
    app.set_today("2024-10-21");
    act(&boss, id, "sign_off", &[("opinion", "同意公开")])
        .await
        .assert_redirect(&format!("/cases/{id}"));
    assert_eq!(issue(&wang, id, "answer").await.status, 303);
    let d = wang.get(&format!("/cases/{id}/dossier")).await;
    d.assert_ok();
    let titles = d.texts(".dossier-contents tbody tr td:nth-child(3)");
    let record = titles
        .iter()
        .position(|t| t.contains("审查"))
        .expect("a review record");
    let answer = titles.iter().position(|t| t.contains("答复书")).unwrap();
    let history = titles.iter().position(|t| t == "办理记录").unwrap();
    assert!(answer < record && record + 1 == history, "{titles:?}");
    let dates = d.texts(".dossier-contents tbody tr td:nth-child(4)");
    assert_eq!(dates[record], "2024-10-21");
    let text = d
        .texts(&format!("#item-{} .review-record", record + 1))
        .join("");
    assert!(text.contains("同意公开") && text.contains("boss"), "{text}");
}
