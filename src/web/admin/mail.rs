//! The outbox as an administrator sees it: whether mail and SMS can go out
//! at all, how many messages wait, were sent or were given up, and a resend
//! button for those given up.

use crate::db::outbox::{self, Message};
use crate::domain::calendar::china_time;
use crate::domain::mail::{Channel, Status};
use crate::domain::scope::Role;
use crate::error::AppError;
use crate::i18n::Tr;
use crate::service::{self, Fail};
use crate::web::AppState;
use crate::web::csrf::{CsrfForm, NoFields};
use crate::web::page::{Ctx, flash, html, redirect};
use crate::web::session::CurrentUser;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::NaiveDateTime;

/// Messages listed under "given up" and "latest".
const LISTED: i64 = 50;

pub struct Row {
    pub id: i64,
    pub created: String,
    /// E-mail or SMS.
    pub channel: String,
    pub kind: String,
    pub recipient: String,
    /// The e-mail's subject, or the SMS's text.
    pub subject: String,
    pub status: String,
    pub status_code: String,
    pub attempts: i32,
    /// The next attempt (queued), when it went (sent), or nothing.
    pub when: String,
    pub error: String,
    pub case_id: Option<i64>,
}

fn time(t: NaiveDateTime) -> String {
    china_time(t).format("%Y-%m-%d %H:%M").to_string()
}

impl Row {
    fn new(tr: &Tr, m: Message) -> Row {
        let when = match Status::parse(&m.status) {
            Some(Status::Queued) => time(m.next_attempt_at),
            Some(Status::Sent) => m.sent_at.map(time).unwrap_or_default(),
            _ => String::new(),
        };
        let subject = match Channel::parse(&m.channel) {
            Some(Channel::Sms) => m.body_text,
            _ => m.subject,
        };
        Row {
            id: m.id,
            created: time(m.created_at),
            channel: tr.code_or_raw("mail-channel", &m.channel),
            kind: tr.code_or_raw("mail-kind", &m.kind),
            recipient: m.recipient,
            subject,
            status: tr.code_or_raw("mail-status", &m.status),
            status_code: m.status,
            attempts: m.attempts,
            when,
            error: m.last_error,
            case_id: m.case_id,
        }
    }
}

#[derive(Template)]
#[template(path = "admin/mail.html")]
struct MailPage {
    ctx: Ctx,
    /// The SMTP URL, password hidden; None when not configured.
    smtp: Option<String>,
    from: String,
    /// The SMS gateway's address (no credentials); None when not configured.
    sms: Option<String>,
    /// The hours SMS may reach staff, said.
    sms_hours: String,
    /// (status, label, count) for queued, sent, failed.
    counts: Vec<(&'static str, String, i64)>,
    failed: Vec<Row>,
    recent: Vec<Row>,
    digest_hour: u32,
}

pub async fn show(
    ctx: Ctx,
    user: CurrentUser,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    user.require(Role::Admin)?;
    let (counts, failed, recent, digest_hour, sms_hours) = state
        .db(|c| {
            Ok((
                outbox::counts(c)?,
                outbox::with_status(c, Status::Failed.code(), LISTED)?,
                outbox::recent(c, LISTED)?,
                service::mail::digest_hour(c)?,
                service::mail::sms_hours(c)?,
            ))
        })
        .await?;
    let tr = ctx.tr;
    let counts = Status::ALL
        .iter()
        .map(|s| {
            let n = counts
                .iter()
                .find(|(code, _)| code == s.code())
                .map_or(0, |(_, n)| *n);
            (s.code(), tr.code("mail-status", s.code()), n)
        })
        .collect();
    html(&MailPage {
        smtp: state.mail.shown_url(),
        from: state.mail.from.clone(),
        sms: state.mail.sms.shown_url(),
        sms_hours: tr.ta(
            if sms_hours.working_days_only {
                "mail-sms-hours-working"
            } else {
                "mail-sms-hours-every-day"
            },
            &[
                ("from", &sms_hours.from.to_string()),
                ("until", &sms_hours.until.to_string()),
            ],
        ),
        counts,
        failed: failed.into_iter().map(|m| Row::new(&tr, m)).collect(),
        recent: recent.into_iter().map(|m| Row::new(&tr, m)).collect(),
        digest_hour,
        ctx,
    })
}

/// Queues a message given up on again (audited).
pub async fn resend(
    req: HttpRequest,
    user: CurrentUser,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    _form: CsrfForm<NoFields>,
) -> Result<HttpResponse, AppError> {
    user.require(Role::Admin)?;
    let id = path.into_inner();
    let actor = user.actor();
    let result = state
        .db(move |c| match service::mail::resend(c, &actor, id) {
            Ok(()) => Ok(None),
            Err(Fail::Refused(key)) => Ok(Some(key)),
            Err(e) => Err(e.into()),
        })
        .await?;
    let ctx = Ctx::from_req(&req);
    let message = match result {
        None => ctx.tr.ta("mail-resent", &[("id", &id.to_string())]),
        Some(key) => ctx.tr.t(key),
    };
    flash(&req, message);
    Ok(redirect("/admin/mail"))
}
