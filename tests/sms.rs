//! SMS on both databases, through a real HTTP conversation: a small HTTP
//! server started by each test plays the SMS gateway and keeps every request
//! it receives, and the tests read method, path, credentials header, number
//! and text. An applicant who gave only a mobile number is told of the
//! acknowledgement, the confirmation and a letter by SMS; with the gateway
//! down an SMS waits, tried again later, and goes when it is back; two
//! workers send each SMS once; SMS to staff wait for the hours the office set
//! (the official calendar's working days); and nothing goes twice. Without a
//! gateway SMS wait in the outbox, and the administrator's page says so.

mod common;
use common::{Browser, TestApp, act, case_id, form_value, issue, until};
use diesel::prelude::*;
use gongkai::config::{MailConfig, SmsConfig};
use gongkai::db::{self, outbox};
use gongkai::domain::mail::Kind;
use gongkai::service::{self, cases::Clock, mail::OutgoingSms};
use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU16, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

both_backends!(
    an_applicant_with_only_a_mobile_number_is_told_by_sms,
    with_the_gateway_down_an_sms_waits_and_goes_later,
    two_workers_send_each_sms_once,
    sms_to_staff_wait_for_working_hours,
    without_a_gateway_sms_wait_and_a_refused_one_is_sent_again,
);

// ---------------------------------------------------------------- the gateway

/// A request as the gateway received it.
#[derive(Clone, Debug)]
struct Received {
    method: String,
    /// Path and query.
    target: String,
    headers: Vec<(String, String)>,
    body: String,
}

impl Received {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
    /// The body as the default template makes it: {"phone": …, "text": …}.
    fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).expect("a JSON body")
    }
    fn phone(&self) -> String {
        self.json()["phone"].as_str().unwrap().to_string()
    }
    fn text(&self) -> String {
        self.json()["text"].as_str().unwrap().to_string()
    }
}

/// Enough HTTP/1.1 for one request per connection: request line, headers, a body of
/// Content-Length bytes; answers with the status set (200 unless told otherwise).
struct Gateway {
    addr: SocketAddr,
    received: Arc<Mutex<Vec<Received>>>,
    status: Arc<AtomicU16>,
    stop: Arc<AtomicBool>,
}

impl Gateway {
    fn start() -> Gateway {
        Self::listen(TcpListener::bind("127.0.0.1:0").unwrap())
    }

    /// Back on a port it listened on before.
    fn start_on(addr: SocketAddr) -> Gateway {
        Self::listen(TcpListener::bind(addr).expect("the port is free again"))
    }

    fn listen(listener: TcpListener) -> Gateway {
        let addr = listener.local_addr().unwrap();
        listener.set_nonblocking(true).unwrap();
        let received = Arc::new(Mutex::new(Vec::new()));
        let status = Arc::new(AtomicU16::new(200));
        let stop = Arc::new(AtomicBool::new(false));
        let (r, st, s) = (received.clone(), status.clone(), stop.clone());
        std::thread::spawn(move || {
            while !s.load(Ordering::SeqCst) {
                match listener.accept() {
                    Ok((stream, _)) => {
                        let (r, st) = (r.clone(), st.clone());
                        std::thread::spawn(move || {
                            let _ = answer(stream, &r, &st);
                        });
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(10)),
                }
            }
        });
        Gateway {
            addr,
            received,
            status,
            stop,
        }
    }

    fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }

    /// Waits until `n` requests have arrived.
    async fn wait_for(&self, n: usize) -> Vec<Received> {
        until(&format!("{n} request(s) at the gateway"), || {
            let got = self.received();
            (got.len() >= n).then_some(got)
        })
        .await
    }
}

impl Drop for Gateway {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn answer(
    stream: TcpStream,
    received: &Mutex<Vec<Received>>,
    status: &AtomicU16,
) -> std::io::Result<()> {
    stream.set_nonblocking(false)?;
    stream.set_read_timeout(Some(Duration::from_secs(20)))?;
    let mut out = stream.try_clone()?;
    let mut input = BufReader::new(stream);
    let mut line = String::new();
    input.read_line(&mut line)?;
    let mut parts = line.split_whitespace();
    let method = parts.next().unwrap_or_default().to_string();
    let target = parts.next().unwrap_or_default().to_string();
    let mut headers = Vec::new();
    loop {
        let mut h = String::new();
        if input.read_line(&mut h)? == 0 || h == "\r\n" {
            break;
        }
        if let Some((k, v)) = h.trim_end().split_once(':') {
            headers.push((k.trim().to_string(), v.trim().to_string()));
        }
    }
    let length: usize = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; length];
    input.read_exact(&mut body)?;
    let code = status.load(Ordering::SeqCst);
    // Only a request the gateway takes counts as received.
    if code == 200 {
        received.lock().unwrap().push(Received {
            method,
            target,
            headers,
            body: String::from_utf8(body).expect("UTF-8"),
        });
    }
    let reply = if code == 200 {
        r#"{"code":0}"#
    } else {
        r#"{"code":1,"msg":"busy"}"#
    };
    write!(
        out,
        "HTTP/1.1 {code} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{reply}",
        reply.len()
    )?;
    out.flush()
}

// ---------------------------------------------------------------- helpers

const SECRET: &str = "Bearer gateway-secret-7";

/// A process whose worker sends SMS through the gateway at `addr` (no mail server).
fn config(addr: SocketAddr) -> MailConfig {
    MailConfig {
        poll: Duration::from_millis(100),
        scan: None,
        sms: SmsConfig {
            url: Some(format!("http://{addr}/v1/sms")),
            auth: Some(SECRET.into()),
            ..SmsConfig::default()
        },
        ..MailConfig::default()
    }
}

fn messages(app: &TestApp) -> Vec<outbox::Message> {
    app.with_conn(|c| {
        let mut all = outbox::recent(c, 1000).unwrap();
        all.reverse();
        all
    })
}

fn sms_rows(app: &TestApp) -> Vec<outbox::Message> {
    messages(app)
        .into_iter()
        .filter(|m| m.channel == "sms")
        .collect()
}

fn message(app: &TestApp, id: i64) -> outbox::Message {
    app.with_conn(|c| outbox::find(c, id).unwrap().unwrap())
}

/// Moves a queued message's next attempt into the past, as time passing would.
fn make_due(app: &TestApp, id: i64) {
    use gongkai::db::schema::outbox::dsl as o;
    app.with_conn(|c| {
        diesel::update(o::outbox.find(id))
            .set(o::next_attempt_at.eq(db::now() - chrono::TimeDelta::seconds(1)))
            .execute(c)
            .unwrap()
    });
}

/// Queues an SMS directly, as any event's transaction does.
fn enqueue(app: &TestApp, key: &str, to: &str, text: &str, user_id: Option<i64>) -> bool {
    app.with_conn(|c| {
        db::write_tx(c, |c| {
            service::mail::enqueue_sms(
                c,
                &OutgoingSms {
                    kind: Kind::Reminder,
                    to,
                    user_id,
                    case_id: None,
                    text,
                    key,
                },
            )
        })
        .unwrap()
    })
}

/// Gives an account a mobile number, as an administrator would.
fn set_phone(app: &TestApp, username: &str, phone: &str) -> i64 {
    app.with_conn(|c| {
        let u = db::users::find_by_username(c, username).unwrap().unwrap();
        db::users::set_phone(c, u.id, phone).unwrap();
        u.id
    })
}

/// Runs the reminder scan as the worker does, on `day` at `hour` China time.
fn scan_on(app: &TestApp, day: &str, hour: u32) -> service::mail::Scanned {
    app.with_conn(|c| {
        let calendar = db::calendar::load(c).unwrap();
        let settings = service::rules::load(c).unwrap();
        let today = common::date(day);
        let clock = Clock {
            calendar: &calendar,
            settings: &settings,
            today,
        };
        service::mail::scan(c, &clock, today.and_hms_opt(hour, 0, 0).unwrap()).unwrap()
    })
}

/// One round of delivery as the worker makes it, with the office's clock at `at`
/// ("YYYY-MM-DD HH:MM", China time). On a thread of its own: the HTTP client blocks.
fn deliver_at(app: &TestApp, addr: SocketAddr, at: &str) -> usize {
    let pool = app.pool.clone();
    let now = chrono::NaiveDateTime::parse_from_str(at, "%Y-%m-%d %H:%M").unwrap();
    std::thread::spawn(move || {
        let transports = service::mail::worker::Transports::new(&config(addr)).unwrap();
        let mut c = pool.get().unwrap();
        service::mail::worker::deliver_due(&mut c, &transports, "test-worker", now).unwrap()
    })
    .join()
    .unwrap()
}

/// The UTC moment of a China time ("YYYY-MM-DD HH:MM").
fn utc(china: &str) -> chrono::NaiveDateTime {
    gongkai::domain::calendar::from_china_time(
        chrono::NaiveDateTime::parse_from_str(china, "%Y-%m-%d %H:%M").unwrap(),
    )
}

/// Applies on /apply at the land bureau with a mobile number and no e-mail address.
async fn apply_by_phone(b: &Browser, phone: &str) -> (String, String) {
    let form = b.get("/apply").await;
    form.assert_ok();
    let token = form_value(&form, "form_token");
    let csrf = form.csrf();
    let page = b
        .post_raw(
            "/apply",
            &[
                ("agency_code", "CZ-GTJ"),
                ("requester_type", "natural_person"),
                ("requester_name", "张三"),
                ("id_type", "resident_id"),
                ("id_number", "11010519491231002X"),
                ("phone", phone),
                ("email", ""),
                ("address", ""),
                ("subject", "某地块的征收批复文件"),
                ("delivery_method", "paper"),
                ("csrf_token", &csrf),
                ("form_token", &token),
            ],
        )
        .await;
    page.assert_ok();
    let first = |sel: &str| page.texts(sel).first().cloned().unwrap_or_default();
    (first(".number"), first(".access-code"))
}

// ---------------------------------------------------------------- 1

async fn an_applicant_with_only_a_mobile_number_is_told_by_sms(app: TestApp) {
    app.office();
    app.set_today("2024-09-26");
    let gw = Gateway::start();
    let _sender = app.mail_instance(config(gw.addr));
    let citizen = app.browser();
    let (number, code) = apply_by_phone(&citizen, "+86 138-0000-1234").await;
    assert_eq!(number, "CZ-GTJ-2024-0001");

    // The acknowledgement: one POST to the gateway's path, with the credentials, the
    // number as 11 digits and the text with the case number and access code.
    let got = gw.wait_for(1).await;
    let r = &got[0];
    assert_eq!(r.method, "POST");
    assert_eq!(r.target, "/v1/sms");
    assert_eq!(r.header("Authorization"), Some(SECRET));
    assert_eq!(r.header("Content-Type"), Some("application/json"));
    assert_eq!(r.phone(), "13800001234");
    assert_eq!(
        r.text(),
        format!(
            "【常州市国土资源局】您的政府信息公开申请已提交，申请编号{number}，查询码{code}，请妥善保管。"
        )
    );
    // An SMS, not an e-mail: the applicant gave no address.
    let rows = messages(&app);
    assert_eq!(rows.len(), 1);
    assert_eq!(
        (rows[0].channel.as_str(), rows[0].kind.as_str()),
        ("sms", "acknowledgement")
    );
    assert_eq!(rows[0].recipient, "13800001234");

    // The clerk confirms it the next day: the receipt date and the deadline.
    app.set_today("2024-09-27");
    let wang = app.login("wang").await;
    let id = app.with_conn(|c| db::applications::pending(c, None).unwrap()[0].id);
    let done = wang
        .submit(
            "/applications",
            &format!("/applications/{id}/confirm"),
            &[("confirmed_on", "2024-09-27")],
        )
        .await;
    let case = case_id(&done);
    let got = gw.wait_for(2).await;
    assert_eq!(got[1].phone(), "13800001234");
    assert_eq!(
        got[1].text(),
        format!(
            "【常州市国土资源局】您的申请{number}已确认，收到申请之日为2024年9月27日，答复期限至2024年10月30日。"
        )
    );

    // The receipt is not announced; the answer is, with where to read it.
    issue(&wang, case, "receipt").await.assert_status(303);
    act(
        &wang,
        case,
        "decide",
        &[
            ("on", "2024-09-27"),
            ("outcome", "disclosed"),
            ("how_provided", "纸质复印件邮寄"),
            ("delivery_method", "post"),
        ],
    )
    .await
    .assert_redirect(&format!("/cases/{case}"));
    issue(&wang, case, "answer").await.assert_status(303);
    let got = gw.wait_for(3).await;
    assert_eq!(
        got[2].text(),
        format!(
            "【常州市国土资源局】您的申请{number}已出具答复书，可凭申请编号和查询码在“申请查询”页面查看。"
        )
    );
    let sent = until("three SMS recorded as sent", || {
        let rows = sms_rows(&app);
        rows.iter()
            .all(|m| m.status == "sent" && m.attempts == 1)
            .then_some(rows)
    })
    .await;
    let kinds: Vec<&str> = sent.iter().map(|m| m.kind.as_str()).collect();
    assert_eq!(kinds, ["acknowledgement", "confirmation", "letter"]);
    // The case page lists them as SMS.
    wang.get(&format!("/cases/{case}"))
        .await
        .assert_ok()
        .assert_contains("文书（致申请人） · 短信 13800001234 · 已发送");
    // Nothing else went, and nothing twice; no e-mail was queued.
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(gw.received().len(), 3);
    assert!(messages(&app).iter().all(|m| m.channel == "sms"));

    // A requester with a landline and no address: no message at all.
    let other = case_id(
        &common::intake_at(
            &wang,
            &app.agency_id("CZ-GTJ"),
            &[
                ("r_name", "李四"),
                ("r_id_type", "passport"),
                ("r_id_number", "E12345678"),
                ("r_phone", "0519-85681234"),
            ],
        )
        .await,
    );
    act(
        &wang,
        other,
        "decide",
        &[
            ("on", "2024-09-27"),
            ("outcome", "disclosed"),
            ("how_provided", "纸质复印件邮寄"),
            ("delivery_method", "post"),
        ],
    )
    .await
    .assert_redirect(&format!("/cases/{other}"));
    issue(&wang, other, "answer").await.assert_status(303);
    // One in person with a mobile number: the SMS says the letter will be served.
    let third = case_id(
        &common::intake_at(
            &wang,
            &app.agency_id("CZ-GTJ"),
            &[
                ("r_name", "王二"),
                ("r_id_type", "passport"),
                ("r_id_number", "E87654321"),
                ("r_phone", "13912345678"),
            ],
        )
        .await,
    );
    act(
        &wang,
        third,
        "decide",
        &[
            ("on", "2024-09-27"),
            ("outcome", "disclosed"),
            ("how_provided", "纸质复印件邮寄"),
            ("delivery_method", "post"),
        ],
    )
    .await
    .assert_redirect(&format!("/cases/{third}"));
    issue(&wang, third, "answer").await.assert_status(303);
    let got = gw.wait_for(4).await;
    let tracking = app.stored(third).tracking_no;
    assert_eq!(got[3].phone(), "13912345678");
    assert_eq!(
        got[3].text(),
        format!("【常州市国土资源局】您的申请{tracking}已出具答复书，本机关将依法送达。")
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(gw.received().len(), 4);
    assert_eq!(messages(&app).len(), 4);
}

// ---------------------------------------------------------------- 2

async fn with_the_gateway_down_an_sms_waits_and_goes_later(app: TestApp) {
    app.office();
    // A port nobody listens on (yet).
    let addr = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let sender = app.mail_instance(config(addr));
    let wake = || sender.worker.as_ref().unwrap().wake();
    assert!(enqueue(
        &app,
        "test:down",
        "13800000000",
        "网关停机测试",
        None
    ));
    let id = sms_rows(&app)[0].id;

    // Not reached: tried again in about a minute.
    let first = until("a first failed attempt", || {
        let m = message(&app, id);
        (m.attempts == 1 && m.lease_until.is_none()).then_some(m)
    })
    .await;
    assert_eq!(first.status, "queued");
    assert!(first.last_error.contains("gateway"), "{}", first.last_error);
    assert!(!first.last_error.contains("13800000000"));
    let wait = first.next_attempt_at - db::now();
    assert!(
        wait > chrono::TimeDelta::seconds(45) && wait <= chrono::TimeDelta::seconds(60),
        "about a minute: {wait}"
    );
    wake();
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(message(&app, id).attempts, 1, "not before its time");

    // Up, but overloaded (503): tried again in five minutes, nothing taken.
    let gw = Gateway::start_on(addr);
    gw.status.store(503, Ordering::SeqCst);
    make_due(&app, id);
    wake();
    let second = until("a second failed attempt", || {
        let m = message(&app, id);
        (m.attempts == 2 && m.lease_until.is_none()).then_some(m)
    })
    .await;
    assert_eq!(second.status, "queued");
    assert!(
        second.last_error.starts_with("HTTP 503"),
        "{}",
        second.last_error
    );
    let wait = second.next_attempt_at - db::now();
    assert!(
        wait > chrono::TimeDelta::seconds(285) && wait <= chrono::TimeDelta::seconds(300),
        "about five minutes: {wait}"
    );
    assert!(gw.received().is_empty());

    // Back: at the next attempt it goes, once.
    gw.status.store(200, Ordering::SeqCst);
    make_due(&app, id);
    wake();
    let got = gw.wait_for(1).await;
    assert_eq!(got[0].phone(), "13800000000");
    assert_eq!(got[0].text(), "网关停机测试");
    let sent = until("the SMS recorded as sent", || {
        let m = message(&app, id);
        (m.status == "sent").then_some(m)
    })
    .await;
    assert_eq!(sent.attempts, 3);
    assert!(sent.last_error.is_empty());
    wake();
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(gw.received().len(), 1);
}

// ---------------------------------------------------------------- 3

async fn two_workers_send_each_sms_once(app: TestApp) {
    app.office();
    let gw = Gateway::start();
    const N: usize = 20;
    for i in 0..N {
        assert!(enqueue(
            &app,
            &format!("test:two:{i}"),
            &format!("1390000{i:04}"),
            &format!("第{i}条"),
            None
        ));
    }
    // A key is queued once, whoever tries again; a landline is not queued at all.
    assert!(!enqueue(&app, "test:two:0", "13911111111", "重复", None));
    assert!(!enqueue(
        &app,
        "test:landline",
        "0519-85681234",
        "座机",
        None
    ));
    let one = app.mail_instance(config(gw.addr));
    let two = app.mail_instance(config(gw.addr));
    for i in N..2 * N {
        enqueue(
            &app,
            &format!("test:two:{i}"),
            &format!("1390000{i:04}"),
            &format!("第{i}条"),
            None,
        );
    }
    gw.wait_for(2 * N).await;
    until("every SMS recorded as sent", || {
        sms_rows(&app)
            .iter()
            .all(|m| m.status == "sent")
            .then_some(())
    })
    .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let got = gw.received();
    assert_eq!(got.len(), 2 * N, "each SMS once");
    let phones: BTreeSet<String> = got.iter().map(Received::phone).collect();
    assert_eq!(phones.len(), 2 * N);
    let rows = sms_rows(&app);
    assert_eq!(rows.len(), 2 * N);
    assert!(rows.iter().all(|m| m.attempts == 1));
    let by: BTreeSet<String> = rows.iter().filter_map(|m| m.leased_by.clone()).collect();
    let ids = [
        one.worker.as_ref().unwrap().id.clone(),
        two.worker.as_ref().unwrap().id.clone(),
    ];
    assert!(by.iter().all(|b| ids.contains(b)), "{by:?}");
}

// ---------------------------------------------------------------- 4

async fn sms_to_staff_wait_for_working_hours(app: TestApp) {
    app.office();
    let wang_id = set_phone(&app, "wang", "13900000001");
    set_phone(&app, "boss", "13900000002");
    let gw = Gateway::start();
    let wang = app.login("wang").await;
    // Received Friday 27 September 2024, due 30 October; 张三 gave an address only.
    let case = case_id(
        &common::intake_at(
            &wang,
            &app.agency_id("CZ-GTJ"),
            &[("r_phone", ""), ("r_email", "zhangsan@example.com")],
        )
        .await,
    );
    let tracking = app.stored(case).tracking_no;

    // Monday 30 September, before the National Day week: wang asks for more time in
    // the evening; the supervisor's SMS waits for Tuesday 8 October, the first working
    // day, at eight.
    app.set_today("2024-09-30");
    act(
        &wang,
        case,
        "request_extension",
        &[("reason", "需要进一步检索档案")],
    )
    .await
    .assert_redirect(&format!("/cases/{case}"));
    let ext = sms_rows(&app);
    assert_eq!(ext.len(), 1);
    assert_eq!(ext[0].kind, "extension_requested");
    assert_eq!(ext[0].recipient, "13900000002");
    assert_eq!(deliver_at(&app, gw.addr, "2024-09-30 22:00"), 0);
    let held = message(&app, ext[0].id);
    assert_eq!(held.status, "queued");
    assert_eq!(held.attempts, 0, "waiting is not an attempt");
    assert_eq!(held.next_attempt_at, utc("2024-10-08 08:00"));
    // Still the holiday, and early on the first working day: it waits.
    assert_eq!(deliver_at(&app, gw.addr, "2024-10-05 10:00"), 0);
    assert_eq!(deliver_at(&app, gw.addr, "2024-10-08 07:59"), 0);
    assert!(gw.received().is_empty());
    assert_eq!(
        message(&app, ext[0].id).next_attempt_at,
        utc("2024-10-08 08:00")
    );
    assert_eq!(deliver_at(&app, gw.addr, "2024-10-08 08:00"), 1);
    let got = gw.received();
    assert_eq!(got[0].phone(), "13900000002");
    assert_eq!(
        got[0].text(),
        format!(
            "【常州市国土资源局】待审批：wang为申请{tracking}申请延长答复期限（现期限2024年10月30日），请登录系统审批。"
        )
    );

    // The clerk's reminder, queued on Friday 25 October at nine in the evening, waits
    // for Monday morning; Saturday 26 October is no working day.
    assert_eq!(
        scan_on(&app, "2024-10-25", 21).reminders,
        1,
        "no e-mail: wang has no address"
    );
    let reminder = sms_rows(&app)
        .into_iter()
        .find(|m| m.kind == "reminder")
        .unwrap();
    assert_eq!(reminder.user_id, Some(wang_id));
    assert_eq!(deliver_at(&app, gw.addr, "2024-10-25 21:00"), 0);
    assert_eq!(
        message(&app, reminder.id).next_attempt_at,
        utc("2024-10-28 08:00")
    );
    // Scanned again over the weekend: not queued twice.
    assert_eq!(scan_on(&app, "2024-10-26", 10).reminders, 0);
    assert_eq!(scan_on(&app, "2024-10-28", 9).reminders, 0);
    assert_eq!(deliver_at(&app, gw.addr, "2024-10-28 08:30"), 1);
    let got = gw.received();
    assert_eq!(got.len(), 2);
    assert_eq!(got[1].phone(), "13900000001");
    assert_eq!(
        got[1].text(),
        format!(
            "【常州市国土资源局】办理提醒：申请{tracking}答复期限为2024年10月30日，还剩3个工作日。"
        )
    );
    let sent = message(&app, reminder.id);
    assert_eq!((sent.status.as_str(), sent.attempts), ("sent", 1));

    // An applicant's SMS goes at any hour: they have just applied, or been answered.
    assert!(enqueue(
        &app,
        "test:night",
        "13800000000",
        "夜间申请回执",
        None
    ));
    assert_eq!(deliver_at(&app, gw.addr, "2024-10-26 23:30"), 1);

    // The office may send staff SMS every day, round the clock; a Sunday night SMS then
    // goes. Nonsense hours are refused beside the field.
    let admin = app.signed_in("root", "admin", None).await;
    admin
        .get("/admin/settings")
        .await
        .assert_ok()
        .assert_contains("name=\"sms_from\" value=\"8\"")
        .assert_contains("name=\"sms_until\" value=\"20\"")
        .assert_contains("name=\"sms_working_days_only\" value=\"true\" checked");
    admin
        .submit(
            "/admin/settings",
            "/admin/settings/sms",
            &[
                ("sms_from", "20"),
                ("sms_until", "8"),
                ("sms_working_days_only", "true"),
            ],
        )
        .await
        .assert_status(400)
        .assert_contains("截止时间须晚于开始时间");
    admin
        .submit(
            "/admin/settings",
            "/admin/settings/sms",
            &[("sms_from", "0"), ("sms_until", "25")],
        )
        .await
        .assert_status(400)
        .assert_contains("1至24");
    admin
        .submit(
            "/admin/settings",
            "/admin/settings/sms",
            &[("sms_from", "0"), ("sms_until", "24")],
        )
        .await
        .assert_redirect("/admin/settings");
    assert!(enqueue(
        &app,
        "test:sunday",
        "13900000001",
        "周日夜间",
        Some(wang_id)
    ));
    assert_eq!(deliver_at(&app, gw.addr, "2024-10-27 23:30"), 1);
    assert_eq!(gw.received().len(), 4);
    admin
        .get("/admin/mail")
        .await
        .assert_ok()
        .assert_contains("发给工作人员的短信每天0时至24时");
    admin
        .get("/admin/audit?action=settings.sms")
        .await
        .assert_ok()
        .assert_contains("修改短信设置");
    // Nothing went twice.
    assert_eq!(deliver_at(&app, gw.addr, "2024-10-28 10:00"), 0);
    assert_eq!(gw.received().len(), 4);
}

// ---------------------------------------------------------------- 5

async fn without_a_gateway_sms_wait_and_a_refused_one_is_sent_again(app: TestApp) {
    app.office();
    let admin = app.signed_in("root", "admin", None).await;
    // This process has neither mail server nor gateway: SMS wait, and the page says so.
    assert!(enqueue(&app, "test:waits", "13800000000", "等待网关", None));
    let waiting = sms_rows(&app)[0].clone();
    admin
        .get("/admin/mail")
        .await
        .assert_ok()
        .assert_contains("尚未配置短信网关（GONGKAI_SMS_URL）")
        .assert_contains("13800000000")
        .assert_contains("等待网关")
        .assert_contains("<td>短信</td>");
    // A worker with a mail server only leaves them too.
    let mail_only = app.mail_instance(MailConfig {
        smtp_url: Some("smtp://127.0.0.1:9".into()),
        poll: Duration::from_millis(100),
        scan: None,
        ..MailConfig::default()
    });
    tokio::time::sleep(Duration::from_millis(400)).await;
    let m = message(&app, waiting.id);
    assert_eq!((m.status.as_str(), m.attempts), ("queued", 0));
    drop(mail_only);

    // A gateway that refuses for good (400): given up at once, shown, sent again.
    let gw = Gateway::start();
    gw.status.store(400, Ordering::SeqCst);
    let sender = app.mail_instance(config(gw.addr));
    let failed = until("the refusal recorded", || {
        let m = message(&app, waiting.id);
        (m.status == "failed").then_some(m)
    })
    .await;
    assert_eq!(failed.attempts, 1);
    assert!(
        failed.last_error.starts_with("HTTP 400"),
        "{}",
        failed.last_error
    );
    let b = sender.browser();
    b.login("root", common::PASSWORD).await;
    let page = b.get("/admin/mail").await;
    page.assert_ok()
        .assert_contains(&format!("短信经 http://{}/v1/sms 发出", gw.addr))
        .assert_contains("HTTP 400")
        .assert_lacks("gateway-secret");
    let action = format!("/admin/mail/{}/resend", waiting.id);
    assert!(page.body.contains(&action));
    gw.status.store(200, Ordering::SeqCst);
    let token = page.csrf();
    b.post_raw(&action, &[("csrf_token", &token)])
        .await
        .assert_redirect("/admin/mail");
    let got = gw.wait_for(1).await;
    assert_eq!(got[0].text(), "等待网关");
    let sent = until("the SMS sent", || {
        let m = message(&app, waiting.id);
        (m.status == "sent").then_some(m)
    })
    .await;
    assert_eq!(sent.attempts, 1, "a resend counts afresh");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(gw.received().len(), 1);

    // A member of staff's mobile number is entered on the user form: checked, stored as
    // 11 digits, shown on their account page.
    let wang_id = app.with_conn(|c| db::users::find_by_username(c, "wang").unwrap().unwrap().id);
    let form = format!("/admin/users/{wang_id}");
    let agency = app.agency_id("CZ-GTJ");
    let fields = |phone: &'static str| {
        vec![
            ("display_name", "wang"),
            ("email", ""),
            ("phone", phone),
            ("role", "clerk"),
            ("agency_id", agency.as_str()),
        ]
    };
    admin
        .submit(&form, &form, &fields("0519-85681234"))
        .await
        .assert_status(400)
        .assert_contains("请填写11位中国大陆手机号码");
    admin
        .submit(&form, &form, &fields("+86 139 0000 0001"))
        .await
        .assert_redirect("/admin/users");
    let stored = app.with_conn(|c| db::users::find(c, wang_id).unwrap().unwrap().phone);
    assert_eq!(stored, "13900000001");
    app.login("wang")
        .await
        .get("/account")
        .await
        .assert_ok()
        .assert_contains("13900000001");
}
