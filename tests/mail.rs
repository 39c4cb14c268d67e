//! Mail on both databases, with a real SMTP conversation: a small SMTP server
//! started by each test receives what gongkai's worker sends, and the tests
//! read recipient, subject and body. An answer letter reaches the applicant,
//! an extension request the supervisors above the case, a reminder the clerk,
//! the digest each supervisor once a day; with the server down a message
//! waits, tried again later and later, and goes when the server is back; two
//! workers on one database send each message once; a message the server
//! refuses for good is shown to the administrator, who sends it again.

mod common;
use common::{TestApp, act, case_id, issue, until};
use diesel::prelude::*;
use gongkai::config::MailConfig;
use gongkai::db::{self, outbox};
use gongkai::service::{self, cases::Clock, mail::Outgoing};
use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

both_backends!(
    an_answer_letter_reaches_the_applicant,
    an_extension_request_reaches_the_supervisors_above,
    the_clerk_is_reminded_once_and_may_opt_out,
    the_digest_goes_to_each_supervisor_once_a_day,
    with_the_server_down_a_message_waits_and_goes_later,
    two_workers_send_each_message_once,
    a_refused_message_is_sent_again_by_an_administrator,
);

// ---------------------------------------------------------------- the SMTP server

/// A message as the server received it: the envelope and the data.
#[derive(Clone, Debug)]
struct Received {
    from: String,
    to: Vec<String>,
    data: String,
}

impl Received {
    fn parsed(&self) -> mailparse::ParsedMail<'_> {
        mailparse::parse_mail(self.data.as_bytes()).expect("a message mail software can read")
    }
    fn header(&self, name: &str) -> String {
        use mailparse::MailHeaderMap;
        self.parsed()
            .headers
            .get_first_value(name)
            .unwrap_or_default()
    }
    fn subject(&self) -> String {
        self.header("Subject")
    }
    /// The plain-text part (the first, or the only one).
    fn text(&self) -> String {
        let m = self.parsed();
        let body = match m.subparts.first() {
            Some(p) => p.get_body().unwrap(),
            None => m.get_body().unwrap(),
        };
        body.replace("\r\n", "\n")
    }
    /// The HTML alternative.
    fn html(&self) -> String {
        let m = self.parsed();
        m.subparts
            .iter()
            .find(|p| p.ctype.mimetype == "text/html")
            .map(|p| p.get_body().unwrap())
            .unwrap_or_default()
    }
}

/// Enough SMTP for a client that wants to send: greeting, EHLO/HELO, MAIL, RCPT, DATA
/// (read up to the lone dot), RSET, NOOP, QUIT.
struct SmtpServer {
    addr: SocketAddr,
    received: Arc<Mutex<Vec<Received>>>,
    /// Answer RCPT with a permanent 550.
    refuse: Arc<AtomicBool>,
    stop: Arc<AtomicBool>,
}

impl SmtpServer {
    fn start() -> SmtpServer {
        Self::listen(TcpListener::bind("127.0.0.1:0").unwrap())
    }

    /// Back on a port it listened on before.
    fn start_on(addr: SocketAddr) -> SmtpServer {
        Self::listen(TcpListener::bind(addr).expect("the port is free again"))
    }

    fn listen(listener: TcpListener) -> SmtpServer {
        let addr = listener.local_addr().unwrap();
        listener.set_nonblocking(true).unwrap();
        let received = Arc::new(Mutex::new(Vec::new()));
        let refuse = Arc::new(AtomicBool::new(false));
        let stop = Arc::new(AtomicBool::new(false));
        let (r, f, s) = (received.clone(), refuse.clone(), stop.clone());
        std::thread::spawn(move || {
            while !s.load(Ordering::SeqCst) {
                match listener.accept() {
                    Ok((stream, _)) => {
                        let (r, f) = (r.clone(), f.clone());
                        std::thread::spawn(move || {
                            let _ = session(stream, &r, &f);
                        });
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(10)),
                }
            }
        });
        SmtpServer {
            addr,
            received,
            refuse,
            stop,
        }
    }

    fn url(&self) -> String {
        format!("smtp://{}", self.addr)
    }

    fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }

    /// Waits until `n` messages have arrived.
    async fn wait_for(&self, n: usize) -> Vec<Received> {
        until(&format!("{n} message(s) at the SMTP server"), || {
            let got = self.received();
            (got.len() >= n).then_some(got)
        })
        .await
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // The accept loop notices within its sleep; wait so the port is free on return.
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn session(
    stream: TcpStream,
    received: &Mutex<Vec<Received>>,
    refuse: &AtomicBool,
) -> std::io::Result<()> {
    stream.set_nonblocking(false)?;
    stream.set_read_timeout(Some(Duration::from_secs(20)))?;
    let mut out = stream.try_clone()?;
    let mut input = BufReader::new(stream);
    out.write_all(b"220 test.local ESMTP\r\n")?;
    let (mut from, mut to) = (String::new(), Vec::new());
    let address = |line: &str| {
        line.split_once('<')
            .and_then(|(_, r)| r.split_once('>'))
            .map(|(a, _)| a.to_string())
            .unwrap_or_default()
    };
    loop {
        let mut line = String::new();
        if input.read_line(&mut line)? == 0 {
            return Ok(());
        }
        let command = line.trim_end().to_ascii_uppercase();
        let reply: &[u8] = if command.starts_with("EHLO") || command.starts_with("HELO") {
            b"250 test.local\r\n"
        } else if command.starts_with("MAIL FROM") {
            from = address(&line);
            to.clear();
            b"250 OK\r\n"
        } else if command.starts_with("RCPT TO") {
            if refuse.load(Ordering::SeqCst) {
                b"550 5.1.1 mailbox unavailable\r\n"
            } else {
                to.push(address(&line));
                b"250 OK\r\n"
            }
        } else if command == "DATA" {
            out.write_all(b"354 end with <CRLF>.<CRLF>\r\n")?;
            let mut data = String::new();
            loop {
                let mut l = String::new();
                if input.read_line(&mut l)? == 0 {
                    return Ok(());
                }
                if l == ".\r\n" {
                    break;
                }
                // Dot-stuffing: a leading dot was doubled by the client.
                data.push_str(l.strip_prefix('.').unwrap_or(&l));
            }
            received.lock().unwrap().push(Received {
                from: from.clone(),
                to: std::mem::take(&mut to),
                data,
            });
            b"250 OK queued\r\n"
        } else if command == "RSET" || command == "NOOP" {
            b"250 OK\r\n"
        } else if command == "QUIT" {
            out.write_all(b"221 bye\r\n")?;
            return Ok(());
        } else {
            b"502 not implemented\r\n"
        };
        out.write_all(reply)?;
    }
}

// ---------------------------------------------------------------- helpers

const FROM: &str = "常州市政府信息公开 <gongkai@example.gov.cn>";

fn config(url: &str) -> MailConfig {
    MailConfig {
        smtp_url: Some(url.to_string()),
        from: FROM.to_string(),
        poll: Duration::from_millis(100),
        // Scans are driven by the tests (`scan_on`), on the days they choose.
        scan: None,
        ..MailConfig::default()
    }
}

/// The e-mails in the outbox, oldest first (SMS, to applicants who gave only a mobile
/// number, are tests/sms.rs's).
fn messages(app: &TestApp) -> Vec<outbox::Message> {
    app.with_conn(|c| {
        let mut all = outbox::recent(c, 1000).unwrap();
        all.retain(|m| m.channel == "mail");
        all.reverse();
        all
    })
}

fn message(app: &TestApp, id: i64) -> outbox::Message {
    app.with_conn(|c| outbox::find(c, id).unwrap().unwrap())
}

/// Runs the reminder and digest scan as the worker does, on `day` at `hour` China time.
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

/// Queues a message directly, as any event's transaction does.
fn enqueue(app: &TestApp, key: &str, to: &str, subject: &str) -> bool {
    app.with_conn(|c| {
        let mail = service::mail::messages::Mail {
            subject: subject.into(),
            text: format!("{subject}\n正文"),
            html: String::new(),
        };
        db::write_tx(c, |c| {
            service::mail::enqueue(
                c,
                &Outgoing {
                    kind: gongkai::domain::mail::Kind::Reminder,
                    to,
                    user_id: None,
                    case_id: None,
                    mail: &mail,
                    key,
                },
            )
        })
        .unwrap()
    })
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

/// A case at the land bureau for 张三, who gave an e-mail address, assigned to wang;
/// the application arrived `on` (YYYY-MM-DD) and asks for `subject`.
async fn case_with_email(app: &TestApp, b: &common::Browser, on: &str, subject: &str) -> i64 {
    let wang = app.with_conn(|c| db::users::find_by_username(c, "wang").unwrap().unwrap().id);
    case_id(
        &common::intake_at(
            b,
            &app.agency_id("CZ-GTJ"),
            &[
                ("r_email", "zhangsan@example.com"),
                ("assigned_to", &wang.to_string()),
                ("arrived_on", on),
                ("subject", subject),
            ],
        )
        .await,
    )
}

const SUBJECT: &str = "2023年某地块征地补偿安置方案";

// ---------------------------------------------------------------- 1

async fn an_answer_letter_reaches_the_applicant(app: TestApp) {
    app.office();
    let smtp = SmtpServer::start();
    let _sender = app.mail_instance(config(&smtp.url()));
    let wang = app.login("wang").await;
    let id = case_with_email(&app, &wang, "2024-09-27", SUBJECT).await;
    let tracking = app.stored(id).tracking_no;
    // The receipt is not mailed; the answer is.
    issue(&wang, id, "receipt").await.assert_status(303);
    act(
        &wang,
        id,
        "decide",
        &[
            ("on", "2024-09-27"),
            ("outcome", "disclosed"),
            ("how_provided", "电子邮件发送"),
            ("delivery_method", "email"),
        ],
    )
    .await
    .assert_redirect(&format!("/cases/{id}"));
    // Queued with the letter, in its transaction.
    assert!(messages(&app).is_empty());
    issue(&wang, id, "answer").await.assert_status(303);
    let queued = messages(&app);
    assert_eq!(queued.len(), 1);
    assert_eq!(
        (queued[0].kind.as_str(), queued[0].case_id),
        ("letter", Some(id))
    );

    let got = smtp.wait_for(1).await;
    let m = &got[0];
    assert_eq!(m.to, ["zhangsan@example.com"]);
    assert_eq!(m.from, "gongkai@example.gov.cn");
    assert!(m.header("From").contains("gongkai@example.gov.cn"));
    assert_eq!(
        m.subject(),
        format!("常州市国土资源局政府信息公开申请答复书（申请编号：{tracking}）")
    );
    let text = m.text();
    assert!(text.starts_with("张三：\n"), "{text}");
    assert!(text.contains("CZGTJ依复〔2024〕1号"), "{text}");
    assert!(text.contains("正式文书以本机关依法送达的为准"), "{text}");
    assert!(
        text.contains("常州市国土资源局的上级人民政府"),
        "the remedies: {text}"
    );
    let html = m.html();
    assert!(html.contains("<h2"), "{html}");
    assert!(html.contains("CZGTJ依复〔2024〕1号"));
    // Recorded as sent, after one attempt.
    let row = until("the outbox to record it", || {
        let m = message(&app, queued[0].id);
        (m.status == "sent").then_some(m)
    })
    .await;
    assert_eq!(row.attempts, 1);
    assert!(row.sent_at.is_some());
    // The case page says the applicant was e-mailed.
    wang.get(&format!("/cases/{id}"))
        .await
        .assert_ok()
        .assert_contains("文书（致申请人） · zhangsan@example.com · 已发送");
    // Nothing else went out, and nothing twice.
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(smtp.received().len(), 1);

    // An applicant without an address gets no message.
    let other = case_id(
        &common::intake_at(
            &wang,
            &app.agency_id("CZ-GTJ"),
            &[
                ("r_name", "李四"),
                ("r_id_type", "passport"),
                ("r_id_number", "E12345678"),
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
    assert_eq!(messages(&app).len(), 1);
}

// ---------------------------------------------------------------- 2

async fn an_extension_request_reaches_the_supervisors_above(app: TestApp) {
    app.office();
    // A supervisor at the bureau itself, one at the city above it (boss), one elsewhere,
    // and one above without an address.
    app.agency("WX", "无锡市人民政府", "government", None);
    app.user("zhao", "supervisor", Some("CZ-GTJ"));
    app.user("qian", "supervisor", Some("WX"));
    app.user("sun", "supervisor", Some("CZ"));
    let boss = app.set_email("boss", "boss@czs.gov.cn");
    let zhao = app.set_email("zhao", "zhao@czgtj.gov.cn");
    app.set_email("qian", "qian@wx.gov.cn");
    let smtp = SmtpServer::start();
    let _sender = app.mail_instance(config(&smtp.url()));
    let wang = app.login("wang").await;
    let id = case_with_email(&app, &wang, "2024-09-27", SUBJECT).await;
    let tracking = app.stored(id).tracking_no;
    app.set_today("2024-10-21");
    act(
        &wang,
        id,
        "request_extension",
        &[("reason", "需要进一步检索档案")],
    )
    .await
    .assert_redirect(&format!("/cases/{id}"));

    let got = smtp.wait_for(2).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let got_all = smtp.received();
    assert_eq!(got_all.len(), 2, "{got:?}");
    let mut to: Vec<&str> = got_all.iter().map(|m| m.to[0].as_str()).collect();
    to.sort();
    assert_eq!(to, ["boss@czs.gov.cn", "zhao@czgtj.gov.cn"]);
    for m in &got_all {
        assert_eq!(m.subject(), format!("待审批：{tracking} 申请延长答复期限"));
        let text = m.text();
        assert!(
            text.contains(&format!(
                "wang于2024年10月21日为常州市国土资源局的政府信息公开申请 {tracking} 申请延长答复期限，等待您审批。"
            )),
            "{text}"
        );
        assert!(text.contains("延期理由：需要进一步检索档案"), "{text}");
        assert!(
            text.contains("现答复期限：2024年10月30日（星期三）"),
            "{text}"
        );
        // Staff messages do not name the applicant.
        assert!(!text.contains("张三"), "{text}");
    }
    let rows = messages(&app);
    let users: Vec<Option<i64>> = rows.iter().map(|m| m.user_id).collect();
    assert!(users.contains(&Some(boss)) && users.contains(&Some(zhao)));
    assert!(rows.iter().all(|m| m.kind == "extension_requested"));
    // Approving queues no further message to supervisors; the notice to the applicant
    // goes with the letter.
    let boss_b = app.login("boss").await;
    act(&boss_b, id, "approve_extension", &[])
        .await
        .assert_redirect(&format!("/cases/{id}"));
    assert_eq!(messages(&app).len(), 2);
    issue(&wang, id, "extension_notice")
        .await
        .assert_status(303);
    let got = smtp.wait_for(3).await;
    let notice = got
        .iter()
        .find(|m| m.to == ["zhangsan@example.com"])
        .unwrap();
    assert!(
        notice.subject().starts_with("延期答复告知书"),
        "{}",
        notice.subject()
    );
}

// ---------------------------------------------------------------- 3

async fn the_clerk_is_reminded_once_and_may_opt_out(app: TestApp) {
    app.office();
    app.set_email("wang", "wang@czgtj.gov.cn");
    let smtp = SmtpServer::start();
    let wang = app.login("wang").await;
    // Received 27 September 2024, due 30 October.
    let first = case_with_email(&app, &wang, "2024-09-27", SUBJECT).await;
    let tracking = app.stored(first).tracking_no;
    let _sender = app.mail_instance(config(&smtp.url()));
    // Too early: 24 October is four working days before.
    assert_eq!(scan_on(&app, "2024-10-24", 9).reminders, 0);
    assert_eq!(scan_on(&app, "2024-10-25", 9).reminders, 1);
    // Once per case and deadline, however often and by however many processes it scans.
    assert_eq!(scan_on(&app, "2024-10-25", 10).reminders, 0);
    assert_eq!(scan_on(&app, "2024-10-28", 9).reminders, 0);

    let got = smtp.wait_for(1).await;
    let m = &got[0];
    assert_eq!(m.to, ["wang@czgtj.gov.cn"]);
    assert_eq!(
        m.subject(),
        format!("办理提醒：{tracking} 将于2024年10月30日到期")
    );
    let text = m.text();
    assert!(
        text.contains(&format!(
            "您承办的政府信息公开申请 {tracking}（常州市国土资源局）答复期限为2024年10月30日（星期三），还剩3个工作日。"
        )),
        "{text}"
    );
    assert!(
        text.contains("申请内容：2023年某地块征地补偿安置方案"),
        "{text}"
    );

    // A second case, due 7 November; wang turns reminders off on the account page.
    app.set_today("2024-10-10");
    let second = case_with_email(&app, &wang, "2024-10-10", "某小区规划许可证").await;
    let due = app.stored(second).due_on.unwrap();
    let page = wang.get("/account").await;
    page.assert_ok()
        .assert_contains("wang@czgtj.gov.cn")
        .assert_contains("name=\"mail_reminders\" value=\"true\" checked");
    let token = page.csrf();
    wang.post_raw("/account/notifications", &[("csrf_token", &token)])
        .await
        .assert_redirect("/account");
    wang.get("/account")
        .await
        .assert_lacks("value=\"true\" checked");
    let day = app.with_conn(|c| db::calendar::load(c).unwrap());
    let remind_on = (0..10)
        .map(|n| due - chrono::Days::new(n))
        .find(|d| day.working_days_between(*d, due) == 3)
        .unwrap();
    assert_eq!(scan_on(&app, &remind_on.to_string(), 9).reminders, 0);
    // Turned on again, it comes.
    wang.post_raw(
        "/account/notifications",
        &[("csrf_token", &token), ("mail_reminders", "true")],
    )
    .await
    .assert_redirect("/account");
    assert_eq!(scan_on(&app, &remind_on.to_string(), 9).reminders, 1);
    smtp.wait_for(2).await;
    // Without a token the choice is not changed.
    wang.post_raw("/account/notifications", &[])
        .await
        .assert_status(403);
    assert!(app.with_conn(|c| {
        db::users::find_by_username(c, "wang")
            .unwrap()
            .unwrap()
            .mail_reminders
    }));
}

// ---------------------------------------------------------------- 4

async fn the_digest_goes_to_each_supervisor_once_a_day(app: TestApp) {
    app.office();
    app.agency("WX", "无锡市人民政府", "government", None);
    app.user("qian", "supervisor", Some("WX"));
    app.set_email("boss", "boss@czs.gov.cn");
    app.set_email("qian", "qian@wx.gov.cn");
    let smtp = SmtpServer::start();
    let wang = app.login("wang").await;
    let a = case_with_email(&app, &wang, "2024-09-27", SUBJECT).await; // due 2024-10-30
    app.set_today("2024-10-08");
    let b = case_with_email(&app, &wang, "2024-10-08", "某小区规划许可证").await; // later
    act(&wang, b, "request_extension", &[("reason", "档案在外地")])
        .await
        .assert_redirect(&format!("/cases/{b}"));
    let (ta, tb) = (app.stored(a).tracking_no, app.stored(b).tracking_no);
    let _sender = app.mail_instance(config(&smtp.url()));
    // The hour is a setting (8 by default): before it, nothing.
    let admin = app.signed_in("root", "admin", None).await;
    admin
        .submit(
            "/admin/settings",
            "/admin/settings/mail",
            &[("digest_hour", "25")],
        )
        .await
        .assert_status(400)
        .assert_contains("0至23");
    admin
        .submit(
            "/admin/settings",
            "/admin/settings/mail",
            &[("digest_hour", "9")],
        )
        .await
        .assert_redirect("/admin/settings");
    assert_eq!(scan_on(&app, "2024-10-29", 8).digests, 0);
    // From 9 o'clock on 29 October: case a is due tomorrow, b awaits approval. qian's
    // agency has nothing: no message.
    assert_eq!(scan_on(&app, "2024-10-29", 9).digests, 1);
    assert_eq!(scan_on(&app, "2024-10-29", 15).digests, 0, "once a day");
    let got = smtp
        .wait_for(2)
        .await
        .into_iter()
        .filter(|m| m.subject().starts_with("每日汇总"))
        .collect::<Vec<_>>();
    assert_eq!(got.len(), 1);
    let m = &got[0];
    assert_eq!(m.to, ["boss@czs.gov.cn"]);
    assert_eq!(
        m.subject(),
        "每日汇总（2024年10月29日）：逾期0件，即将到期1件，待审批1件"
    );
    let text = m.text();
    assert!(
        text.contains(&format!(
            "【三个工作日内到期】1件\n  {ta}　常州市国土资源局　期限 2024年10月30日　承办人 wang\n"
        )),
        "{text}"
    );
    assert!(
        text.contains(&format!("【延期待审批】1件\n  {tb}")),
        "{text}"
    );
    // The next day: a is overdue the day after; a new digest.
    assert_eq!(scan_on(&app, "2024-10-31", 9).digests, 1);
    let got = smtp.wait_for(3).await;
    let last = got
        .iter()
        .find(|m| m.subject().contains("2024年10月31日"))
        .unwrap();
    assert!(last.subject().contains("逾期1件"), "{}", last.subject());
    // The audit log has the setting.
    admin
        .get("/admin/audit?action=settings.mail")
        .await
        .assert_ok()
        .assert_contains("修改邮件设置");
}

// ---------------------------------------------------------------- 5

async fn with_the_server_down_a_message_waits_and_goes_later(app: TestApp) {
    app.office();
    // A port nobody listens on (yet).
    let addr = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let sender = app.mail_instance(config(&format!("smtp://{addr}")));
    assert!(enqueue(
        &app,
        "test:down:1",
        "zhangsan@example.com",
        "服务器停机测试"
    ));
    let id = messages(&app)[0].id;
    let wake = || sender.worker.as_ref().unwrap().wake();

    let first = until("a first failed attempt", || {
        let m = message(&app, id);
        (m.attempts == 1 && m.lease_until.is_none()).then_some(m)
    })
    .await;
    assert_eq!(first.status, "queued");
    assert!(!first.last_error.is_empty());
    let wait = first.next_attempt_at - db::now();
    assert!(
        wait > chrono::TimeDelta::seconds(45) && wait <= chrono::TimeDelta::seconds(60),
        "about a minute: {wait}"
    );
    // Not tried again before its time.
    wake();
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(message(&app, id).attempts, 1);

    // A minute later (time moved by hand): tried again, then five minutes.
    make_due(&app, id);
    wake();
    let second = until("a second failed attempt", || {
        let m = message(&app, id);
        (m.attempts == 2 && m.lease_until.is_none()).then_some(m)
    })
    .await;
    assert_eq!(second.status, "queued");
    let wait = second.next_attempt_at - db::now();
    assert!(
        wait > chrono::TimeDelta::seconds(285) && wait <= chrono::TimeDelta::seconds(300),
        "about five minutes: {wait}"
    );

    // The server is back: at the next attempt the message goes, once.
    let smtp = SmtpServer::start_on(addr);
    make_due(&app, id);
    wake();
    let got = smtp.wait_for(1).await;
    assert_eq!(got[0].to, ["zhangsan@example.com"]);
    assert_eq!(got[0].subject(), "服务器停机测试");
    let sent = until("the message recorded as sent", || {
        let m = message(&app, id);
        (m.status == "sent").then_some(m)
    })
    .await;
    assert_eq!(sent.attempts, 3);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(smtp.received().len(), 1);
}

// ---------------------------------------------------------------- 6

async fn two_workers_send_each_message_once(app: TestApp) {
    app.office();
    let smtp = SmtpServer::start();
    const N: usize = 24;
    for i in 0..N {
        assert!(enqueue(
            &app,
            &format!("test:two:{i}"),
            &format!("a{i}@example.com"),
            &format!("第{i}封")
        ));
    }
    // A key is queued once, whoever tries again.
    assert!(!enqueue(&app, "test:two:0", "other@example.com", "重复"));
    assert_eq!(messages(&app).len(), N);
    // Two processes, each with its worker, on one database.
    let one = app.mail_instance(config(&smtp.url()));
    let two = app.mail_instance(config(&smtp.url()));
    // More arrive while both are sending.
    for i in N..2 * N {
        enqueue(
            &app,
            &format!("test:two:{i}"),
            &format!("a{i}@example.com"),
            &format!("第{i}封"),
        );
    }
    let got = smtp.wait_for(2 * N).await;
    until("every message recorded as sent", || {
        messages(&app)
            .iter()
            .all(|m| m.status == "sent")
            .then_some(())
    })
    .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let got_all = smtp.received();
    assert_eq!(got_all.len(), 2 * N, "each message once: {}", got.len());
    let mut subjects: Vec<String> = got_all.iter().map(|m| m.subject()).collect();
    subjects.sort();
    subjects.dedup();
    assert_eq!(subjects.len(), 2 * N);
    let rows = messages(&app);
    assert!(rows.iter().all(|m| m.attempts == 1));
    // Both took part (each claims one message at a time).
    let by: std::collections::BTreeSet<String> =
        rows.iter().filter_map(|m| m.leased_by.clone()).collect();
    let ids = [
        one.worker.as_ref().unwrap().id.clone(),
        two.worker.as_ref().unwrap().id.clone(),
    ];
    assert!(by.iter().all(|b| ids.contains(b)), "{by:?}");
}

// ---------------------------------------------------------------- 7

async fn a_refused_message_is_sent_again_by_an_administrator(app: TestApp) {
    app.office();
    let admin = app.signed_in("root", "admin", None).await;
    // This process has no mail server: the page says messages wait.
    admin
        .get("/admin/mail")
        .await
        .assert_ok()
        .assert_contains("尚未配置邮件服务器")
        .assert_contains("没有发送失败的邮件");
    let smtp = SmtpServer::start();
    smtp.refuse.store(true, Ordering::SeqCst);
    let sender = app.mail_instance(config(&smtp.url()));
    assert!(enqueue(
        &app,
        "test:refused",
        "nobody@example.com",
        "被拒收的邮件"
    ));
    let id = messages(&app)[0].id;
    // A permanent refusal is final at once.
    let failed = until("the refusal recorded", || {
        let m = message(&app, id);
        (m.status == "failed").then_some(m)
    })
    .await;
    assert_eq!(failed.attempts, 1);
    assert!(failed.last_error.contains("550"), "{}", failed.last_error);

    // The sending process's page names its server and lists the failure.
    let b = sender.browser();
    b.login("root", common::PASSWORD).await;
    let page = b.get("/admin/mail").await;
    page.assert_ok()
        .assert_contains(&format!("邮件经 smtp://{}", smtp.addr))
        .assert_contains("gongkai@example.gov.cn")
        .assert_contains("nobody@example.com")
        .assert_contains("被拒收的邮件")
        .assert_contains("550");
    let action = format!("/admin/mail/{id}/resend");
    assert!(page.body.contains(&action));
    // Not without the form's token.
    b.post_raw(&action, &[]).await.assert_status(403);
    assert_eq!(message(&app, id).status, "failed");
    // The cause is dealt with; the administrator sends it again.
    smtp.refuse.store(false, Ordering::SeqCst);
    let token = page.csrf();
    b.post_raw(&action, &[("csrf_token", &token)])
        .await
        .assert_redirect("/admin/mail");
    b.get("/admin/mail")
        .await
        .assert_contains(&format!("第 {id} 号邮件已重新排队发送"));
    let got = smtp.wait_for(1).await;
    assert_eq!(got[0].to, ["nobody@example.com"]);
    let sent = until("the message sent", || {
        let m = message(&app, id);
        (m.status == "sent").then_some(m)
    })
    .await;
    assert_eq!(sent.attempts, 1, "a resend counts afresh");
    // Only a failed message is sent again.
    b.post_raw(&action, &[("csrf_token", &token)])
        .await
        .assert_redirect("/admin/mail");
    b.get("/admin/mail").await.assert_contains("无需重新发送");
    // The audit log records the resend.
    let audit = b.get("/admin/audit?action=mail.resend").await;
    audit
        .assert_ok()
        .assert_contains("重新发送邮件")
        .assert_contains(&format!("#{id}"));
}
