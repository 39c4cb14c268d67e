//! Files kept with cases, over HTTP on both databases: staff add scans on the
//! case page, applicants send files with the online form, and each opening is
//! written to the audit log. Only whole PDF, JPEG and PNG files within 20 MiB
//! are kept, judged by their bytes; anything refused is named and leaves
//! nothing behind; other agencies see nothing.

mod common;
use common::{Browser, Page, TestApp, case_id, form_value, intake_at};
use gongkai::db;
use gongkai::db::audit::{Entry, Filter};

both_backends!(
    staff_keep_scans_with_a_case_and_each_opening_is_audited,
    an_applicant_sends_files_with_the_online_form,
);

const PDF: &[u8] = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n";

fn jpeg() -> Vec<u8> {
    let mut b = vec![0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10];
    b.extend_from_slice(b"JFIF\0");
    b.extend_from_slice(&[7u8; 64]);
    b.extend_from_slice(&[0xFF, 0xD9]);
    b
}

fn png() -> Vec<u8> {
    let mut b = vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
    b.extend_from_slice(&[0, 0, 0, 13]);
    b.extend_from_slice(b"IHDR");
    b.extend_from_slice(&[0u8; 17]);
    b.extend_from_slice(&[0, 0, 0, 0]);
    b.extend_from_slice(b"IEND");
    b.extend_from_slice(&[0xAE, 0x42, 0x60, 0x82]);
    b
}

/// A Word document is a ZIP archive inside.
const DOCX: &[u8] = b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00[Content_Types].xml";

fn kept(app: &TestApp, case: i64) -> Vec<db::attachments::Listed> {
    app.with_conn(|c| db::attachments::of_case(c, case).unwrap())
}

fn openings(app: &TestApp) -> Vec<Entry> {
    let filter = Filter {
        action: Some("attachment.open".into()),
        ..Default::default()
    };
    app.with_conn(|c| db::audit::list(c, &filter, 0, 100).unwrap().0)
}

/// Adds a file on the case page as its form posts it.
async fn add(b: &Browser, case: i64, kind: &str, name: &str, bytes: &[u8]) -> Page {
    let page = b.get(&format!("/cases/{case}")).await;
    page.assert_ok();
    let (token, version) = (page.csrf(), form_value(&page, "version"));
    post(b, case, &token, &version, kind, name, bytes).await
}

async fn post(
    b: &Browser,
    case: i64,
    token: &str,
    version: &str,
    kind: &str,
    name: &str,
    bytes: &[u8],
) -> Page {
    let fields = [("csrf_token", token), ("version", version), ("kind", kind)];
    b.post_files(
        &format!("/cases/{case}/attachments"),
        &fields,
        &[("file", name, bytes)],
    )
    .await
}

async fn staff_keep_scans_with_a_case_and_each_opening_is_audited(app: TestApp) {
    app.office();
    app.agency("CZ-HB", "常州市环境保护局", "department", Some("CZ"));
    app.user("zhao", "clerk", Some("CZ-HB"));
    let wang = app.login("wang").await;
    let id = case_id(&intake_at(&wang, &app.agency_id("CZ-GTJ"), &[]).await);

    // The letter, its envelope and the identity copy, one of each format.
    let to = format!("/cases/{id}#attachments");
    add(&wang, id, "application_letter", "C:\\扫描\\申请书.pdf", PDF)
        .await
        .assert_redirect(&to);
    add(&wang, id, "envelope", "信封.jpg", &jpeg())
        .await
        .assert_redirect(&to);
    add(&wang, id, "identity_copy", "身份证.png", &png())
        .await
        .assert_redirect(&to);
    let files = kept(&app, id);
    let shown: Vec<(&str, &str, &str, i64)> = files
        .iter()
        .map(|a| {
            (
                a.kind.as_str(),
                a.file_name.as_str(),
                a.media_type.as_str(),
                a.size,
            )
        })
        .collect();
    assert_eq!(
        shown,
        [
            ("application_letter", "申请书.pdf", "application/pdf", 45),
            ("envelope", "信封.jpg", "image/jpeg", 77),
            ("identity_copy", "身份证.png", "image/png", 45),
        ]
    );
    let page = wang.get(&format!("/cases/{id}")).await;
    let listed = page.texts("#attachments li a");
    assert_eq!(listed, ["申请书.pdf", "信封.jpg", "身份证.png"]);
    // Each is an entry in the case's history, by the clerk.
    let events = app.with_conn(|c| db::cases::events(c, id).unwrap());
    let added: Vec<_> = events
        .iter()
        .filter(|e| e.kind == "attachment_added")
        .collect();
    assert_eq!(added.len(), 3);
    let wang_id = app.with_conn(|c| db::users::find_by_username(c, "wang").unwrap().unwrap().id);
    assert!(added.iter().all(|e| e.user_id == Some(wang_id)));
    assert!(
        page.texts(".timeline .detail")
            .iter()
            .any(|t| t == "信封.jpg")
    );

    // Opening one: the same bytes, as what they were checked to be, and an audit entry.
    assert!(openings(&app).is_empty());
    let (status, headers, bytes) = wang
        .download(&format!("/cases/{id}/attachments/{}", files[1].id))
        .await;
    assert_eq!(status, 200);
    assert_eq!(bytes, jpeg());
    assert_eq!(headers["content-type"], "image/jpeg");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    let disposition = headers["content-disposition"].to_str().unwrap();
    assert!(disposition.starts_with("inline"), "{disposition}");
    assert!(disposition.contains("UTF-8''"), "{disposition}");
    let opened = openings(&app);
    assert_eq!(opened.len(), 1);
    let tracking_no = app.stored(id).tracking_no;
    assert_eq!(opened[0].target, tracking_no);
    assert_eq!(opened[0].username, "wang");
    // The file's name is not in the log: it may name a person.
    assert!(!opened[0].detail.contains("信封"), "{}", opened[0].detail);
    // The city's supervisor, above the bureau, may open it too.
    let boss = app.login("boss").await;
    let (status, _, _) = boss
        .download(&format!("/cases/{id}/attachments/{}", files[0].id))
        .await;
    assert_eq!(status, 200);
    assert_eq!(openings(&app).len(), 2);

    // Refused, each with its message naming the file, and nothing kept.
    let events_before = app.with_conn(|c| db::cases::events(c, id).unwrap().len());
    let mut big = PDF.to_vec();
    big.resize(20 * 1024 * 1024 + 1, b' ');
    let html = b"<html><script>alert(1)</script></html>".to_vec();
    let cut = png()[..40].to_vec();
    for (name, bytes, says) in [
        ("申请书.pdf", html, "HTML"),
        ("办法.docx", DOCX.to_vec(), "ZIP"),
        ("身份证.png", cut, "PNG"),
        ("扫描.pdf", big, "20 MB"),
        ("空.pdf", Vec::new(), "空.pdf"),
    ] {
        let r = add(&wang, id, "other", name, &bytes).await;
        assert_eq!(r.status, 400, "{name}: {}", r.body);
        let error = r.texts("#attachments .field-error").join(" ");
        assert!(error.contains(name), "{name}: {error}");
        assert!(error.contains(says), "{name}: {error}");
    }
    // A kind nobody knows.
    let r = add(&wang, id, "secret", "a.pdf", PDF).await;
    assert_eq!(r.status, 400);
    assert_eq!(r.texts("#attachments .field-error").len(), 1);
    assert_eq!(kept(&app, id).len(), 3);
    assert_eq!(
        app.with_conn(|c| db::cases::events(c, id).unwrap().len()),
        events_before
    );

    // The same form sent twice (a double click): the second is stale and keeps nothing.
    let page = wang.get(&format!("/cases/{id}")).await;
    let (token, version) = (page.csrf(), form_value(&page, "version"));
    let first = post(&wang, id, &token, &version, "other", "补充.pdf", PDF).await;
    first.assert_redirect(&to);
    let second = post(&wang, id, &token, &version, "other", "补充.pdf", PDF).await;
    assert_eq!(second.status, 409);
    assert_eq!(kept(&app, id).len(), 4);
    // Without the form's token: refused before anything is read into the case.
    let forged = post(&wang, id, "forged", &version, "other", "x.pdf", PDF).await;
    assert_eq!(forged.status, 403);
    assert_eq!(kept(&app, id).len(), 4);

    // Another bureau's clerk: the case, its files and the upload are all missing.
    let zhao = app.login("zhao").await;
    let (status, _, bytes) = zhao
        .download(&format!("/cases/{id}/attachments/{}", files[0].id))
        .await;
    assert_eq!(status, 404);
    assert!(!bytes.starts_with(b"%PDF"));
    let (missing, _, _) = zhao
        .download(&format!("/cases/999999/attachments/{}", files[0].id))
        .await;
    assert_eq!(missing, 404);
    let token = zhao.get("/cases").await.csrf();
    let r = post(&zhao, id, &token, "1", "other", "x.pdf", PDF).await;
    assert_eq!(r.status, 404);
    assert_eq!(kept(&app, id).len(), 4);
    // A file of one case is not opened through another's address.
    let other = case_id(
        &intake_at(
            &wang,
            &app.agency_id("CZ-GTJ"),
            &[("subject", "另一份申请")],
        )
        .await,
    );
    let (status, _, _) = wang
        .download(&format!("/cases/{other}/attachments/{}", files[0].id))
        .await;
    assert_eq!(status, 404);
    assert_eq!(openings(&app).len(), 2);
}

const GOOD: &[(&str, &str)] = &[
    ("agency_code", "CZ-GTJ"),
    ("requester_type", "natural_person"),
    ("requester_name", "张三"),
    ("id_type", "resident_id"),
    ("id_number", "11010519491231002X"),
    ("phone", "13800000000"),
    ("email", "zhangsan@example.com"),
    ("address", "常州市天宁区某路1号"),
    ("subject", "某地块的征收批复文件"),
    ("delivery_method", "email"),
];

/// Opens /apply and posts it, as the page does (with files), with `fields` over
/// the good ones.
async fn apply(b: &Browser, fields: &[(&str, &str)], files: &[(&str, &str, &[u8])]) -> Page {
    let form = b.get("/apply").await;
    form.assert_ok();
    assert!(form.body.contains("multipart/form-data"));
    let (token, csrf) = (form_value(&form, "form_token"), form.csrf());
    let mut all: Vec<(&str, &str)> = GOOD
        .iter()
        .filter(|(k, _)| !fields.iter().any(|(f, _)| f == k))
        .copied()
        .collect();
    all.extend_from_slice(fields);
    all.push(("csrf_token", &csrf));
    all.push(("form_token", &token));
    b.post_files("/apply", &all, files).await
}

fn stored_applications(app: &TestApp) -> usize {
    app.with_conn(|c| db::applications::pending(c, None).unwrap().len())
}

async fn an_applicant_sends_files_with_the_online_form(app: TestApp) {
    app.office();
    app.agency("CZ-HB", "常州市环境保护局", "department", Some("CZ"));
    app.user("zhao", "clerk", Some("CZ-HB"));
    app.set_today("2024-09-26");
    let citizen = app.browser();

    // Refused: a Word file, with the other fields' messages at the same time.
    let r = apply(
        &citizen,
        &[("requester_name", "")],
        &[("files", "申请书.pdf", PDF), ("files", "说明.docx", DOCX)],
    )
    .await;
    assert_eq!(r.status, 422, "{}", r.body);
    let errors = r.texts(".field-error").join(" ");
    assert!(errors.contains("说明.docx"), "{errors}");
    assert!(r.texts(".field-error").len() >= 2, "{errors}");
    // Six files where five may go.
    let six: Vec<(&str, &str, &[u8])> = (0..6).map(|_| ("files", "a.pdf", PDF)).collect();
    let r = apply(&citizen, &[], &six).await;
    assert_eq!(r.status, 422);
    assert!(r.texts(".field-error").join(" ").contains('5'));
    // Another field wrong with good files: the applicant is asked to choose them again.
    let r = apply(
        &citizen,
        &[("subject", "")],
        &[("files", "申请书.pdf", PDF)],
    )
    .await;
    assert_eq!(r.status, 422);
    assert_eq!(
        r.texts(".field-error").len(),
        2,
        "{:?}",
        r.texts(".field-error")
    );
    assert_eq!(stored_applications(&app), 0);
    assert_eq!(
        app.with_conn(|c| db::attachments::of_applications(c, &[1, 2, 3])
            .unwrap()
            .len()),
        0
    );

    // Stored with its two files.
    let jpg = jpeg();
    let page = apply(
        &citizen,
        &[],
        &[
            ("files", "申请书.pdf", PDF),
            ("files", "身份证正面.jpg", &jpg),
        ],
    )
    .await;
    page.assert_ok();
    let number = page.texts(".number")[0].clone();
    let code = page.texts(".access-code")[0].clone();
    let application = app.with_conn(|c| db::applications::pending(c, None).unwrap()[0].clone());
    let sent = app.with_conn(|c| db::attachments::of_applications(c, &[application.id]).unwrap());
    assert_eq!(sent.len(), 2);
    assert!(
        sent.iter()
            .all(|a| a.uploaded_by.is_none() && a.case_id.is_none())
    );

    // The clerk sees them before confirming, and opening one is recorded.
    app.set_today("2024-09-27");
    let wang = app.login("wang").await;
    let list = wang.get("/applications").await;
    let links = list.texts(".application .attachments a");
    assert_eq!(links, ["申请书.pdf", "身份证正面.jpg"]);
    let (status, headers, bytes) = wang
        .download(&format!(
            "/applications/{}/attachments/{}",
            application.id, sent[1].id
        ))
        .await;
    assert_eq!((status, bytes.as_slice()), (200, jpg.as_slice()));
    assert_eq!(headers["content-type"], "image/jpeg");
    assert_eq!(openings(&app)[0].target, number);
    // Another bureau's clerk finds nothing, and a file is not reached through
    // another application's address.
    let zhao = app.login("zhao").await;
    let (status, _, _) = zhao
        .download(&format!(
            "/applications/{}/attachments/{}",
            application.id, sent[0].id
        ))
        .await;
    assert_eq!(status, 404);
    let (status, _, _) = wang
        .download(&format!("/applications/999999/attachments/{}", sent[0].id))
        .await;
    assert_eq!(status, 404);
    assert_eq!(openings(&app).len(), 1);

    // Confirmed: the files belong to the case, added by the applicant.
    let done = wang
        .submit(
            "/applications",
            &format!("/applications/{}/confirm", application.id),
            &[("confirmed_on", "2024-09-27")],
        )
        .await;
    assert_eq!(done.status, 303, "{}", done.body);
    let case = app.with_conn(|c| {
        db::applications::find(c, application.id)
            .unwrap()
            .unwrap()
            .case_id
            .unwrap()
    });
    let files = kept(&app, case);
    assert_eq!(files.len(), 2);
    assert!(files.iter().all(|a| a.kind == "applicant_file"));
    let events = app.with_conn(|c| db::cases::events(c, case).unwrap());
    let added: Vec<_> = events
        .iter()
        .filter(|e| e.kind == "attachment_added")
        .collect();
    assert_eq!(added.len(), 2);
    assert!(added.iter().all(|e| e.user_id.is_none()));
    let page = wang.get(&format!("/cases/{case}")).await;
    assert_eq!(
        page.texts("#attachments li a"),
        ["申请书.pdf", "身份证正面.jpg"]
    );
    let (status, _, bytes) = wang
        .download(&format!("/cases/{case}/attachments/{}", files[0].id))
        .await;
    assert_eq!((status, bytes.as_slice()), (200, PDF));

    // The applicant sees the names of what they sent.
    let t = citizen
        .submit("/track", "/track", &[("number", &number), ("code", &code)])
        .await;
    t.assert_ok();
    assert_eq!(t.texts(".files li"), ["申请书.pdf", "身份证正面.jpg"]);
}
