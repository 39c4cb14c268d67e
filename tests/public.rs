//! The public channel over HTTP on both databases: applying on /apply,
//! a clerk confirming or rejecting the application, the applicant tracking it
//! on /track, and the messages queued for them.

mod common;
use common::{Browser, Page, TestApp, form_value, issue};
use gongkai::db;
use gongkai::domain::public::APPLY_LIMIT;

both_backends!(
    apply_confirm_and_track,
    bad_input_is_refused_beside_the_fields_and_nothing_is_stored,
    honeypot_double_submit_and_rate_limit,
    rejection_shows_its_reason_and_other_agencies_see_nothing,
    behind_a_trusted_proxy_each_applicant_is_counted_alone,
    a_misdirected_application_is_forwarded_before_confirmation,
);

/// A city government with two departments, a clerk at each and a supervisor.
fn setup(app: &TestApp) {
    app.office();
    app.agency("CZ-HB", "常州市环境保护局", "department", Some("CZ"));
    app.user("zhao", "clerk", Some("CZ-HB"));
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

/// Opens /apply and posts it with `fields` over the good ones.
async fn apply(b: &Browser, fields: &[(&str, &str)]) -> (Page, String) {
    let form = b.get("/apply").await;
    form.assert_ok();
    let token = form_value(&form, "form_token");
    let csrf = form.csrf();
    let mut all: Vec<(&str, &str)> = GOOD
        .iter()
        .filter(|(k, _)| !fields.iter().any(|(f, _)| f == k))
        .copied()
        .collect();
    all.extend_from_slice(fields);
    all.push(("csrf_token", &csrf));
    all.push(("form_token", &token));
    (b.post_raw("/apply", &all).await, token)
}

fn shown(p: &Page, selector: &str) -> String {
    p.texts(selector).first().cloned().unwrap_or_default()
}

fn applications(app: &TestApp) -> Vec<db::applications::Application> {
    app.with_conn(|c| db::applications::pending(c, None).unwrap())
}

async fn track(b: &Browser, number: &str, code: &str) -> Page {
    b.submit("/track", "/track", &[("number", number), ("code", code)])
        .await
}

async fn apply_confirm_and_track(app: TestApp) {
    setup(&app);
    // It arrives on Thursday the 26th and is confirmed on Friday the 27th.
    app.set_today("2024-09-26");
    let citizen = app.browser();
    let (page, _) = apply(&citizen, &[]).await;
    page.assert_ok();
    let number = shown(&page, ".number");
    let code = shown(&page, ".access-code");
    assert_eq!(number, "CZ-GTJ-2024-0001");
    assert_eq!(code.len(), 10, "{code}");
    // The acknowledgement waits in the outbox with the number and the code.
    let mail = app.with_conn(|c| db::outbox::recent(c, 10).unwrap());
    assert_eq!(mail.len(), 1);
    assert_eq!(mail[0].kind, "acknowledgement");
    assert_eq!(mail[0].recipient, "zhangsan@example.com");
    assert!(mail[0].body_text.contains(&number) && mail[0].body_text.contains(&code));
    // Before confirmation: awaiting, and the code is read loosely.
    let t = track(&citizen, &number, &code.to_lowercase()).await;
    t.assert_ok();
    assert!(!shown(&t, ".stage").is_empty());
    assert!(t.texts(".due").is_empty());
    let awaiting = shown(&t, ".stage");
    // A wrong code looks exactly like an unknown number.
    let wrong = track(&citizen, &number, "AAAAAAAAAA").await;
    let unknown = track(&citizen, "CZ-GTJ-2024-0999", "AAAAAAAAAA").await;
    assert_eq!(wrong.status, unknown.status);
    assert_eq!(wrong.texts("[role=alert]"), unknown.texts("[role=alert]"));
    assert!(wrong.texts(".stage").is_empty());
    wrong.assert_lacks("张三");
    app.set_today("2024-09-27");
    let wang = app.login("wang").await;
    let list = wang.get("/applications").await;
    list.assert_ok().assert_contains(&number);
    let id = applications(&app)[0].id;
    // Not in the future, not before it arrived.
    for day in ["2024-09-28", "2024-09-25"] {
        let refused = wang
            .submit(
                "/applications",
                &format!("/applications/{id}/confirm"),
                &[("confirmed_on", day)],
            )
            .await;
        assert_eq!(refused.status, 422, "{day}");
        assert!(!refused.texts(".field-error").is_empty(), "{day}");
    }
    let done = wang
        .submit(
            "/applications",
            &format!("/applications/{id}/confirm"),
            &[("confirmed_on", "2024-09-27")],
        )
        .await;
    let to = done.location.clone().expect("redirect to the case");
    let case_id: i64 = to.rsplit('/').next().unwrap().parse().unwrap();
    let case = app.stored(case_id);
    assert_eq!(case.tracking_no, number);
    assert_eq!(case.channel, "online");
    assert_eq!(case.arrived_at.date().to_string(), "2024-09-26");
    assert_eq!(case.received_on.to_string(), "2024-09-27");
    assert_eq!(
        case.confirmed_on.map(|d| d.to_string()).as_deref(),
        Some("2024-09-27")
    );
    assert_eq!(
        case.due_on.map(|d| d.to_string()).as_deref(),
        Some("2024-10-30")
    );
    // A second decision is refused.
    let again = wang
        .submit(
            "/applications",
            &format!("/applications/{id}/confirm"),
            &[("confirmed_on", "2024-09-27")],
        )
        .await;
    assert!(
        again.status == 422 || again.status == 404,
        "{}",
        again.status
    );
    let cases = app.with_conn(|c| {
        use diesel::prelude::*;
        db::schema::cases::table
            .count()
            .get_result::<i64>(c)
            .unwrap()
    });
    assert_eq!(cases, 1);
    let kinds: Vec<String> = app.with_conn(|c| {
        db::outbox::recent(c, 10)
            .unwrap()
            .into_iter()
            .map(|m| m.kind)
            .collect()
    });
    assert!(kinds.contains(&"confirmation".to_string()), "{kinds:?}");
    // Tracked: open, the deadline, and a released letter, printable on its own.
    issue(&wang, case_id, "receipt").await;
    let t = track(&citizen, &number, &code).await;
    assert_ne!(shown(&t, ".stage"), awaiting);
    assert_eq!(shown(&t, ".due"), "2024-10-30");
    let link = {
        let doc = scraper::Html::parse_document(&t.body);
        let sel = scraper::Selector::parse(".tracked a").unwrap();
        doc.select(&sel)
            .next()
            .and_then(|e| e.value().attr("href"))
            .expect("a letter link")
            .to_string()
    };
    citizen.get(&link).await.assert_ok();
    // Without a verified look-up, the letter is not there.
    app.browser().get(&link).await.assert_status(404);
}

async fn bad_input_is_refused_beside_the_fields_and_nothing_is_stored(app: TestApp) {
    setup(&app);
    let b = app.browser();
    let (page, _) = apply(
        &b,
        &[
            ("requester_name", ""),
            ("id_number", "110105194912310021"),
            ("phone", ""),
            ("email", "not-an-address"),
            ("address", ""),
            ("subject", ""),
            ("delivery_method", "pigeon"),
            ("agency_code", "NOPE"),
        ],
    )
    .await;
    assert_eq!(page.status, 422);
    for field in [
        "agency_code",
        "requester_name",
        "id_number",
        "email",
        "subject",
        "delivery_method",
    ] {
        let sel = format!("#{field} ~ .field-error");
        assert!(!page.texts(&sel).is_empty(), "no message beside {field}");
    }
    assert!(applications(&app).is_empty());
    let mail = app.with_conn(|c| db::outbox::recent(c, 10).unwrap());
    assert!(mail.is_empty());
    // No contact at all: the message sits beside the phone.
    let (page, _) = apply(&b, &[("phone", ""), ("email", ""), ("address", "")]).await;
    assert!(!page.texts("#phone ~ .field-error").is_empty());
    assert!(applications(&app).is_empty());
}

async fn honeypot_double_submit_and_rate_limit(app: TestApp) {
    setup(&app);
    let b = app.browser();
    // A robot fills the hidden field: a number is shown, nothing is stored.
    let (page, _) = apply(&b, &[("website", "http://spam.example")]).await;
    page.assert_ok();
    assert!(!shown(&page, ".number").is_empty());
    assert!(applications(&app).is_empty());
    // The same form posted twice: one application, the same number, the code again.
    let form = b.get("/apply").await;
    let token = form_value(&form, "form_token");
    let csrf = form.csrf();
    let mut fields: Vec<(&str, &str)> = GOOD.to_vec();
    fields.push(("csrf_token", &csrf));
    fields.push(("form_token", &token));
    let first = b.post_raw("/apply", &fields).await;
    let second = b.post_raw("/apply", &fields).await;
    first.assert_ok();
    second.assert_ok();
    assert_eq!(shown(&first, ".number"), shown(&second, ".number"));
    assert_eq!(
        shown(&first, ".access-code"),
        shown(&second, ".access-code")
    );
    assert_eq!(applications(&app).len(), 1);
    let mail = app.with_conn(|c| db::outbox::recent(c, 10).unwrap());
    assert_eq!(mail.len(), 1);
    // Three posts so far from this address; the limit refuses the ones past it.
    let mut last = 0;
    for _ in 4..=APPLY_LIMIT {
        let (p, _) = apply(&b, &[]).await;
        last = p.status;
    }
    assert_eq!(last, 200);
    let (p, _) = apply(&b, &[]).await;
    assert_eq!(p.status, 429);
    assert_eq!(applications(&app).len() as u32, APPLY_LIMIT - 2);
}

async fn rejection_shows_its_reason_and_other_agencies_see_nothing(app: TestApp) {
    setup(&app);
    let citizen = app.browser();
    let (page, _) = apply(&citizen, &[]).await;
    let (number, code) = (shown(&page, ".number"), shown(&page, ".access-code"));
    let id = applications(&app)[0].id;
    // A clerk of another department: not in the list, and deciding finds nothing.
    let zhao = app.login("zhao").await;
    zhao.get("/applications")
        .await
        .assert_ok()
        .assert_lacks(&number);
    let token = zhao.get("/applications").await.csrf();
    let r = zhao
        .post_raw(
            &format!("/applications/{id}/confirm"),
            &[("csrf_token", &token), ("confirmed_on", "2024-09-27")],
        )
        .await;
    assert_eq!(r.status, 404);
    let r = zhao
        .post_raw(
            &format!("/applications/{id}/reject"),
            &[("csrf_token", &token), ("reason", "x")],
        )
        .await;
    assert_eq!(r.status, 404);
    assert_eq!(applications(&app).len(), 1);
    // The supervisor above rejects it, with the reason; a reason is required.
    let boss = app.login("boss").await;
    boss.get("/applications").await.assert_contains(&number);
    let empty = boss
        .submit(
            "/applications",
            &format!("/applications/{id}/reject"),
            &[("reason", "")],
        )
        .await;
    assert_eq!(empty.status, 422);
    boss.submit(
        "/applications",
        &format!("/applications/{id}/reject"),
        &[("reason", "属于信访事项，不是政府信息公开申请")],
    )
    .await
    .assert_redirect("/applications");
    assert!(applications(&app).is_empty());
    let t = track(&citizen, &number, &code).await;
    assert_eq!(shown(&t, ".reason"), "属于信访事项，不是政府信息公开申请");
    let kinds: Vec<String> = app.with_conn(|c| {
        db::outbox::recent(c, 10)
            .unwrap()
            .into_iter()
            .map(|m| m.kind)
            .collect()
    });
    assert!(kinds.contains(&"rejection".to_string()), "{kinds:?}");
    // Decided: a second decision is refused, and no case was made.
    let again = boss
        .post_raw(
            &format!("/applications/{id}/confirm"),
            &[("csrf_token", &token), ("confirmed_on", "2024-09-27")],
        )
        .await;
    assert_ne!(again.status, 303);
    let cases = app.with_conn(|c| {
        use diesel::prelude::*;
        db::schema::cases::table
            .count()
            .get_result::<i64>(c)
            .unwrap()
    });
    assert_eq!(cases, 0);
}

/// Behind a reverse proxy every request comes from the proxy's address: the limit
/// counts the address the proxy names, but only a proxy the operator trusts is
/// believed, so a client cannot dodge the limit by naming addresses itself.
async fn behind_a_trusted_proxy_each_applicant_is_counted_alone(app: TestApp) {
    setup(&app);
    let proxied = app.proxied_instance("127.0.0.1");
    let first = Browser::with_header(&proxied.base, "x-forwarded-for", "203.0.113.1");
    for _ in 0..APPLY_LIMIT {
        apply(&first, &[]).await.0.assert_ok();
    }
    assert_eq!(apply(&first, &[]).await.0.status, 429);
    // Another applicant behind the same proxy is not held up by the first.
    let second = Browser::with_header(&proxied.base, "x-forwarded-for", "203.0.113.2");
    apply(&second, &[]).await.0.assert_ok();
    // A client that names a new address each time, to a process that trusts no
    // proxy, is counted by its own address.
    for n in 0..APPLY_LIMIT {
        let forged = Browser::with_header(&app.base, "x-forwarded-for", &format!("198.51.100.{n}"));
        apply(&forged, &[]).await.0.assert_ok();
    }
    let forged = Browser::with_header(&app.base, "x-forwarded-for", "198.51.100.99");
    assert_eq!(apply(&forged, &[]).await.0.status, 429);
    assert_eq!(applications(&app).len() as u32, 2 * APPLY_LIMIT + 1);
}

/// An application sent to the wrong bureau goes on to the right one before
/// confirmation: a number of that bureau's series, its clerks' list, the
/// applicant told, and the old number still finds it.
async fn a_misdirected_application_is_forwarded_before_confirmation(app: TestApp) {
    setup(&app);
    let citizen = app.browser();
    let (page, _) = apply(&citizen, &[]).await;
    let (number, code) = (shown(&page, ".number"), shown(&page, ".access-code"));
    assert_eq!(number, "CZ-GTJ-2024-0001");
    let id = applications(&app)[0].id;
    let hb = app.agency_id("CZ-HB");
    let gtj = app.agency_id("CZ-GTJ");
    let wang = app.login("wang").await;
    let to = format!("/applications/{id}/forward");
    // Refused beside the fields, and nothing moves.
    for (agency, reason, field) in [
        (gtj.as_str(), "x", "to_agency"),
        ("999999", "x", "to_agency"),
        ("", "x", "to_agency"),
        (hb.as_str(), " ", "forward_reason"),
    ] {
        let r = wang
            .submit(
                "/applications",
                &to,
                &[("to_agency", agency), ("forward_reason", reason)],
            )
            .await;
        assert_eq!(r.status, 422, "{agency} {reason:?}");
        assert_eq!(r.texts(".field-error").len(), 1, "{field}");
        assert!(r.body.contains(&format!("id=\"{field}-{id}\"")));
    }
    assert_eq!(applications(&app)[0].tracking_no, number);
    // A clerk elsewhere cannot move it.
    let zhao = app.login("zhao").await;
    let token = zhao.get("/applications").await.csrf();
    let r = zhao
        .post_raw(
            &to,
            &[
                ("csrf_token", &token),
                ("to_agency", &hb),
                ("forward_reason", "x"),
            ],
        )
        .await;
    assert_eq!(r.status, 404);
    // Forwarded.
    let done = wang
        .submit(
            "/applications",
            &to,
            &[
                ("to_agency", &hb),
                ("forward_reason", "所申请信息由环保部门制作"),
            ],
        )
        .await;
    done.assert_redirect("/applications");
    wang.get("/applications")
        .await
        .assert_contains("CZ-HB-2024-0001")
        .assert_lacks(&number);
    let moved = &applications(&app)[0];
    assert_eq!(moved.tracking_no, "CZ-HB-2024-0001");
    assert_eq!(moved.agency_id.to_string(), hb);
    // Now the bureau it was meant for has it, and its clerk may not send it back
    // to itself; the first bureau's clerk no longer finds it.
    zhao.get("/applications")
        .await
        .assert_contains("CZ-HB-2024-0001");
    let again = wang
        .submit(
            "/applications",
            &to,
            &[("to_agency", &gtj), ("forward_reason", "x")],
        )
        .await;
    assert_eq!(again.status, 404);
    // The applicant is told the new number; the access code stays.
    let mail = app.with_conn(|c| db::outbox::recent(c, 10).unwrap());
    let told = mail.iter().find(|m| m.kind == "forwarded").unwrap();
    assert_eq!(told.recipient, "zhangsan@example.com");
    assert!(told.subject.contains("CZ-HB-2024-0001"));
    assert!(
        told.body_text.contains(&number) && told.body_text.contains("所申请信息由环保部门制作")
    );
    // Both numbers lead to it.
    for n in [number.as_str(), "CZ-HB-2024-0001"] {
        let t = track(&citizen, n, &code).await;
        t.assert_ok();
        assert_eq!(t.texts(".tracked h2"), ["CZ-HB-2024-0001"], "{n}");
        let item = t.texts(".forwards li").join(" ");
        assert!(
            item.contains(&number) && item.contains("CZ-HB-2024-0001"),
            "{item}"
        );
    }
    // Confirmed there: the case is the bureau's, under the new number.
    let confirmed = zhao
        .submit(
            "/applications",
            &format!("/applications/{id}/confirm"),
            &[("confirmed_on", "2024-09-27")],
        )
        .await;
    assert_eq!(confirmed.status, 303, "{}", confirmed.body);
    let case = app.with_conn(|c| {
        db::applications::find(c, id)
            .unwrap()
            .unwrap()
            .case_id
            .unwrap()
    });
    let stored = app.stored(case);
    assert_eq!(stored.tracking_no, "CZ-HB-2024-0001");
    assert_eq!(stored.agency_id.to_string(), hb);
    // After confirmation it is a case: forwarding is over (the answer is then
    // not_held_other_agency).
    let late = zhao
        .submit(
            "/applications",
            &to,
            &[("to_agency", &gtj), ("forward_reason", "x")],
        )
        .await;
    assert_eq!(late.status, 422);
    assert!(
        late.texts("[role=alert]").join("").contains("已"),
        "{}",
        late.body
    );
}
