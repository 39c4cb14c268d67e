//! The outbox worker: one thread in each serving process. Every few seconds
//! it delivers what the outbox holds due, e-mails over SMTP and SMS through
//! the gateway; every few minutes it scans for reminders and digests
//! (`super::scan`). A message is claimed with a lease (`db::outbox::claim`),
//! so several processes on one database never send it twice; a failed
//! delivery is tried again after growing waits (`domain::mail::after_failure`).
//! It claims only the channels it has a transport for: without an SMTP server
//! e-mails wait in the outbox, without a gateway SMS do. An SMS to staff
//! outside the hours the office set (`domain::sms::StaffHours`) goes back to
//! the queue until they begin, without counting as an attempt.
//!
//! Logs name a message by its number, channel and kind, never its address,
//! number or text.

use super::Fail;
use super::gateway::{self, Gateway};
use crate::config::MailConfig;
use crate::db::outbox::{self, Message};
use crate::db::{self, DbConn, Pool};
use crate::domain::calendar::{Calendar, china_time, from_china_time};
use crate::domain::mail::{self as rules, AfterFailure, Channel};
use crate::domain::sms::StaffHours;
use crate::service::cases::Clock;
use chrono::{NaiveDate, TimeDelta};
use lettre::message::{Mailbox, MultiPart, header::ContentType};
use lettre::{SmtpTransport, Transport};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// How long a claimed message is held by the worker sending it. Far longer than one
/// delivery can take (`SMTP_TIMEOUT` per command), so a message is not taken over while it
/// is being sent, yet one whose worker died is sent by another soon enough.
pub const LEASE: TimeDelta = TimeDelta::minutes(5);

/// How long the worker waits for each reply of the mail server.
pub const SMTP_TIMEOUT: Duration = Duration::from_secs(30);

/// The longest error text kept with a message.
const MAX_ERROR: usize = 500;

/// The mail server connection, made from `GONGKAI_SMTP_URL`.
pub struct Smtp {
    transport: SmtpTransport,
    from: Mailbox,
}

impl Smtp {
    /// Checks the configuration: a URL lettre understands (`smtp://host:port`,
    /// `smtp://host?tls=required`, `smtps://user:pass@host:465`) and a sender address.
    /// Nothing is connected yet.
    pub fn new(url: &str, from: &str) -> Result<Smtp, String> {
        let shown = db::redact(url);
        let transport = SmtpTransport::from_url(url)
            .map_err(|e| format!("GONGKAI_SMTP_URL {shown}: {e}"))?
            .timeout(Some(SMTP_TIMEOUT))
            .build();
        let from: Mailbox = from
            .parse()
            .map_err(|e| format!("GONGKAI_MAIL_FROM {from}: {e}"))?;
        Ok(Smtp { transport, from })
    }

    /// Sends one e-mail. Err((permanent, text)) when it was not accepted.
    fn send(&self, m: &Message) -> Result<(), (bool, String)> {
        let to: Mailbox = m
            .recipient
            .parse()
            .map_err(|e| (true, format!("invalid address: {e}")))?;
        let domain = self.from.email.domain().to_string();
        let builder = lettre::Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(m.subject.clone())
            // The same id however often it is tried: a duplicate after a crash between
            // sending and recording can still be recognised by mail software.
            .message_id(Some(format!(
                "<outbox.{}.{}@{domain}>",
                m.id,
                m.created_at.and_utc().timestamp()
            )));
        let email = if m.body_html.is_empty() {
            builder
                .header(ContentType::TEXT_PLAIN)
                .body(m.body_text.clone())
        } else {
            builder.multipart(MultiPart::alternative_plain_html(
                m.body_text.clone(),
                m.body_html.clone(),
            ))
        }
        .map_err(|e| (true, format!("cannot build the message: {e}")))?;
        self.transport.send(&email).map(|_| ()).map_err(|e| {
            let permanent = e.is_permanent();
            (permanent, e.to_string())
        })
    }
}

/// What went wrong with a delivery, for the log: the server's reply code or the kind of
/// failure, never the server's text (it may quote the address).
fn log_class(permanent: bool, text: &str) -> String {
    let code = text
        .split(['(', ')'])
        .nth(1)
        .filter(|c| c.len() == 3 && c.chars().all(|ch| ch.is_ascii_digit()));
    match (permanent, code) {
        (true, Some(c)) => format!("refused for good ({c})"),
        (false, Some(c)) => format!("refused for now ({c})"),
        (true, None) => "not deliverable".into(),
        (false, None) => "mail server not reached".into(),
    }
}

fn cut(text: &str) -> String {
    text.chars().take(MAX_ERROR).collect()
}

/// What a worker delivers with: the mail server and the SMS gateway it has (either may be
/// missing: that channel's messages wait).
#[derive(Default)]
pub struct Transports {
    pub smtp: Option<Smtp>,
    pub sms: Option<Gateway>,
}

impl Transports {
    /// The transports `config` names, checked (nothing is connected yet).
    pub fn new(config: &MailConfig) -> Result<Transports, String> {
        Ok(Transports {
            smtp: match &config.smtp_url {
                Some(url) => Some(Smtp::new(url, &config.from)?),
                None => None,
            },
            sms: Gateway::new(&config.sms)?,
        })
    }

    /// The channels this worker can deliver.
    fn channels(&self) -> Vec<&'static str> {
        let mut c = Vec::new();
        if self.smtp.is_some() {
            c.push(Channel::Mail.code());
        }
        if self.sms.is_some() {
            c.push(Channel::Sms.code());
        }
        c
    }

    /// Sends one message on its channel. Err((permanent, text)) when it was not accepted.
    fn send(&self, m: &Message) -> Result<(), (bool, String)> {
        match (Channel::parse(&m.channel), &self.smtp, &self.sms) {
            (Some(Channel::Mail), Some(smtp), _) => smtp.send(m),
            (Some(Channel::Sms), _, Some(gw)) => gw.send(&gateway::Values {
                phone: &m.recipient,
                text: &m.body_text,
                kind: &m.kind,
                id: m.id,
            }),
            // Not claimed without its transport; a channel unknown to this version.
            _ => Err((false, format!("no transport for channel {}", m.channel))),
        }
    }
}

/// When an SMS to staff may go, read once per round and only when one is in hand.
struct Quiet {
    hours: StaffHours,
    calendar: Calendar,
}

/// Delivers messages that are due until none is left; `now_china` is the office's clock
/// (China time) that staff's SMS hours are kept by. Returns how many were sent.
pub fn deliver_due(
    conn: &mut DbConn,
    transports: &Transports,
    worker: &str,
    now_china: chrono::NaiveDateTime,
) -> Result<usize, Fail> {
    let channels = transports.channels();
    if channels.is_empty() {
        return Ok(0);
    }
    let mut quiet: Option<Quiet> = None;
    let mut sent = 0;
    // Put back for staff hours this round: not claimed again in it, whatever the clock.
    let mut deferred = Vec::new();
    while let Some(m) = outbox::claim(conn, worker, LEASE, &channels, &deferred)? {
        // An SMS to a member of staff waits for their hours.
        if m.channel == Channel::Sms.code() && m.user_id.is_some() {
            let q = match quiet.take() {
                Some(q) => q,
                None => Quiet {
                    hours: super::sms_hours(conn)?,
                    calendar: db::calendar::load(conn)?,
                },
            };
            let at = q.hours.next_allowed(now_china, &q.calendar);
            quiet = Some(q);
            if at > now_china {
                outbox::defer(conn, m.id, worker, from_china_time(at))?;
                deferred.push(m.id);
                log::info!(
                    "{} #{} ({}) waits for staff hours until {at} China time",
                    m.channel,
                    m.id,
                    m.kind
                );
                continue;
            }
        }
        match transports.send(&m) {
            Ok(()) => {
                outbox::mark_sent(conn, m.id, worker)?;
                sent += 1;
            }
            Err((permanent, text)) => {
                let next = rules::after_failure(m.attempts, permanent, db::now());
                let retry_at = match next {
                    AfterFailure::RetryAt(at) => Some(at),
                    AfterFailure::GiveUp => None,
                };
                outbox::mark_failed(conn, m.id, worker, retry_at, &cut(&text))?;
                let class = if m.channel == Channel::Sms.code() {
                    gateway::log_class(permanent, &text)
                } else {
                    log_class(permanent, &text)
                };
                match retry_at {
                    Some(at) => log::warn!(
                        "{} #{} ({}) attempt {}: {class}; next attempt at {at} UTC",
                        m.channel,
                        m.id,
                        m.kind,
                        m.attempts
                    ),
                    None => log::warn!(
                        "{} #{} ({}) given up after {} attempt(s): {class}",
                        m.channel,
                        m.id,
                        m.kind,
                        m.attempts
                    ),
                }
            }
        }
    }
    Ok(sent)
}

/// Queues the reminders and digests due now (see `super::scan`).
fn scan_now(conn: &mut DbConn, today: NaiveDate) -> Result<super::Scanned, Fail> {
    let calendar = db::calendar::load(conn)?;
    let settings = crate::service::rules::load(conn)?;
    let clock = Clock {
        calendar: &calendar,
        settings: &settings,
        today,
    };
    super::scan(conn, &clock, china_time(db::now()))
}

#[derive(Default)]
struct Signal {
    stop: bool,
    wake: bool,
}

/// The running worker. Dropping it stops the thread (after the message in hand).
pub struct Handle {
    signal: Arc<(Mutex<Signal>, Condvar)>,
    thread: Option<JoinHandle<()>>,
    /// This worker's name in `outbox.leased_by`.
    pub id: String,
}

impl Handle {
    /// Looks at the outbox now rather than at the next poll.
    pub fn wake(&self) {
        let (lock, cv) = &*self.signal;
        lock.lock().unwrap_or_else(|e| e.into_inner()).wake = true;
        cv.notify_all();
    }

    /// Stops the thread and waits for it.
    pub fn stop(&mut self) {
        let (lock, cv) = &*self.signal;
        lock.lock().unwrap_or_else(|e| e.into_inner()).stop = true;
        cv.notify_all();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for Handle {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Starts the worker on the pool. `today` is the office's date (China time, or a test's
/// fixed day). Fails only on a configuration that cannot work.
pub fn spawn(
    pool: Pool,
    config: &MailConfig,
    today: impl Fn() -> NaiveDate + Send + 'static,
) -> Result<Handle, String> {
    let transports = Transports::new(config)?;
    let id = format!("{}-{}", std::process::id(), uuid::Uuid::new_v4().simple());
    let signal = Arc::new((Mutex::new(Signal::default()), Condvar::new()));
    let (poll, scan_every) = (config.poll, config.scan);
    let (me, shared) = (id.clone(), signal.clone());
    let thread = std::thread::Builder::new()
        .name("mail".into())
        .spawn(move || {
            let mut last_scan: Option<Instant> = None;
            loop {
                let scan_due =
                    scan_every.is_some_and(|every| last_scan.is_none_or(|t| t.elapsed() >= every));
                if scan_due {
                    last_scan = Some(Instant::now());
                    match pool
                        .get()
                        .map_err(|e| e.to_string())
                        .and_then(|mut c| scan_now(&mut c, today()).map_err(|e| e.to_string()))
                    {
                        Ok(s) if s.reminders + s.digests > 0 => log::info!(
                            "queued {} reminder(s) and {} digest(s)",
                            s.reminders,
                            s.digests
                        ),
                        Ok(_) => {}
                        Err(e) => log::warn!("mail scan failed: {e}"),
                    }
                }
                if !transports.channels().is_empty() {
                    let done = pool.get().map_err(|e| e.to_string()).and_then(|mut c| {
                        deliver_due(&mut c, &transports, &me, china_time(db::now()))
                            .map_err(|e| e.to_string())
                    });
                    match done {
                        Ok(n) if n > 0 => log::info!("sent {n} message(s)"),
                        Ok(_) => {}
                        Err(e) => log::warn!("delivery stopped: {e}"),
                    }
                }
                let (lock, cv) = &*shared;
                let mut s = lock.lock().unwrap_or_else(|e| e.into_inner());
                if !s.stop && !s.wake {
                    s = cv
                        .wait_timeout(s, poll)
                        .map(|(g, _)| g)
                        .unwrap_or_else(|e| e.into_inner().0);
                }
                if s.stop {
                    return;
                }
                s.wake = false;
            }
        })
        .map_err(|e| format!("cannot start the mail worker: {e}"))?;
    Ok(Handle {
        signal,
        thread: Some(thread),
        id,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_log_keeps_the_code_not_the_server_text() {
        assert_eq!(
            log_class(
                true,
                "permanent error (550): 5.1.1 <zhang@example.com>: no such user"
            ),
            "refused for good (550)"
        );
        assert_eq!(
            log_class(false, "transient error (451): try later"),
            "refused for now (451)"
        );
        assert_eq!(
            log_class(false, "Connection error: Connection refused (os error 111)"),
            "mail server not reached"
        );
        assert_eq!(log_class(true, "invalid address: zhang"), "not deliverable");
    }

    #[test]
    fn configuration_is_checked_before_anything_is_sent() {
        assert!(Smtp::new("smtp://127.0.0.1:2525", "gongkai@localhost").is_ok());
        assert!(
            Smtp::new(
                "smtps://user:pass@mail.example.com:465",
                "政府信息公开 <gongkai@example.com>"
            )
            .is_ok()
        );
        let bad = Smtp::new("smtpx://user:secret@mail.example.com", "gongkai@localhost")
            .err()
            .unwrap();
        assert!(bad.contains("GONGKAI_SMTP_URL"), "{bad}");
        assert!(!bad.contains("secret"), "the password is not shown: {bad}");
        assert!(Smtp::new("smtp://127.0.0.1:2525", "not an address").is_err());
    }
}
