//! Mail and SMS: what gongkai tells whom. A message is queued in the outbox
//! inside the transaction of the event that causes it (`letter_issued`,
//! `events_added`, `to_applicant`, or `enqueue` and `enqueue_sms` for any
//! other), so it exists exactly when the event does; reminders and digests
//! are found by `scan`, which the worker runs every few minutes; `worker`
//! delivers, over SMTP and through the SMS `gateway`.
//!
//! An applicant is written to by e-mail when they gave an address, by SMS
//! when they gave only a mobile number (`domain::sms::applicant_channel`).
//! Staff receive both when their account has both; SMS reach them in the
//! hours the office sets (`sms_hours`), which the worker keeps.
//!
//! Rules (which letters, when, the retry schedule, the keys that keep a
//! message unique, quiet hours) are `domain::mail` and `domain::sms`; texts
//! are `messages` (mail) and `sms`.

pub mod gateway;
pub mod messages;
pub mod sms;
pub mod worker;

use super::Fail;
use super::cases::Clock;
use crate::db::agencies::Agency;
use crate::db::audit::{self, Action, Actor, Detail, Field};
use crate::db::cases::{self as q, Case, Requester};
use crate::db::outbox::{self, NewMessage};
use crate::db::users::User;
use crate::db::{self, DbConn};
use crate::domain::agency::Tree;
use crate::domain::case::Event;
use crate::domain::deadline::{self, DUE_SOON_WORKING_DAYS, Urgency};
use crate::domain::letters::Letter;
use crate::domain::mail::{self as rules, Channel, Kind};
use crate::domain::sms::{self as sms_rules, StaffHours};
use chrono::{NaiveDate, NaiveDateTime};
use messages::{CaseRef, DigestItem, Mail, Office};
use std::collections::BTreeMap;

/// A message to queue.
pub struct Outgoing<'a> {
    pub kind: Kind,
    /// The address it goes to.
    pub to: &'a str,
    /// The member of staff it goes to, if it is one.
    pub user_id: Option<i64>,
    pub case_id: Option<i64>,
    pub mail: &'a Mail,
    /// What makes it unique (`domain::mail::*_key`): a second message with the same key is
    /// not queued.
    pub key: &'a str,
}

/// Queues a message in the caller's transaction. False when one with its key was queued
/// before (nothing is written then) or the address cannot be one.
pub fn enqueue(conn: &mut DbConn, m: &Outgoing) -> Result<bool, Fail> {
    let to = m.to.trim();
    if !rules::plausible_address(to) {
        return Ok(false);
    }
    Ok(outbox::enqueue(
        conn,
        &NewMessage {
            channel: Channel::Mail.code(),
            kind: m.kind.code(),
            recipient: to,
            user_id: m.user_id,
            case_id: m.case_id,
            subject: &m.mail.subject,
            body_text: &m.mail.text,
            body_html: &m.mail.html,
            dedupe_key: m.key,
        },
    )?)
}

/// An SMS to queue.
pub struct OutgoingSms<'a> {
    pub kind: Kind,
    /// The mobile number, as typed (`domain::sms::mobile` reads it).
    pub to: &'a str,
    /// The member of staff it goes to, if it is one: their quiet hours hold.
    pub user_id: Option<i64>,
    pub case_id: Option<i64>,
    pub text: &'a str,
    /// The key the same message has as an e-mail (`domain::mail::*_key`); the SMS is
    /// keyed apart from it (`domain::sms::key`).
    pub key: &'a str,
}

/// Queues an SMS in the caller's transaction. False when one with its key was queued
/// before or the number is not a mobile one.
pub fn enqueue_sms(conn: &mut DbConn, m: &OutgoingSms) -> Result<bool, Fail> {
    let Some(to) = sms_rules::mobile(m.to) else {
        return Ok(false);
    };
    Ok(outbox::enqueue(
        conn,
        &NewMessage {
            channel: Channel::Sms.code(),
            kind: m.kind.code(),
            recipient: &to,
            user_id: m.user_id,
            case_id: m.case_id,
            subject: "",
            body_text: m.text,
            body_html: "",
            dedupe_key: &sms_rules::key(m.key),
        },
    )?)
}

/// A message to an applicant, who gave `email` and `phone` (either may be empty).
pub struct ToApplicant<'a> {
    pub kind: Kind,
    pub email: &'a str,
    pub phone: &'a str,
    pub case_id: Option<i64>,
    /// What makes it unique (`domain::mail::*_key`).
    pub key: &'a str,
}

/// Queues a message to an applicant in the caller's transaction: the e-mail when they
/// gave an address, else the SMS when they gave a mobile number
/// (`domain::sms::applicant_channel`); only the one sent is composed. False when
/// neither, or when it was queued before.
pub fn to_applicant(
    conn: &mut DbConn,
    to: &ToApplicant,
    mail: impl FnOnce() -> Mail,
    sms: impl FnOnce() -> String,
) -> Result<bool, Fail> {
    match sms_rules::applicant_channel(to.email, to.phone) {
        Some(Channel::Mail) => enqueue(
            conn,
            &Outgoing {
                kind: to.kind,
                to: to.email,
                user_id: None,
                case_id: to.case_id,
                mail: &mail(),
                key: to.key,
            },
        ),
        Some(Channel::Sms) => enqueue_sms(
            conn,
            &OutgoingSms {
                kind: to.kind,
                to: to.phone,
                user_id: None,
                case_id: to.case_id,
                text: &sms(),
                key: to.key,
            },
        ),
        None => Ok(false),
    }
}

/// A letter was issued (in the caller's transaction): of the ones
/// `domain::mail::mailed_to_applicant` names, the applicant receives the letter in full
/// when they gave an address, or an SMS that it is ready when they gave only a mobile
/// number (pointing an online applicant to the tracking page).
pub fn letter_issued(
    conn: &mut DbConn,
    case: &Case,
    agency: &Agency,
    requester: &Requester,
    letter_id: i64,
    letter: &Letter,
) -> Result<bool, Fail> {
    if !rules::mailed_to_applicant(letter.kind) {
        return Ok(false);
    }
    let office = Office {
        name: &agency.name,
        phone: &agency.phone,
    };
    // Keyed by where it goes, as before: a corrected address or number is written to again.
    let (to, online) = match sms_rules::applicant_channel(&requester.email, &requester.phone) {
        Some(Channel::Sms) => (
            sms_rules::mobile(&requester.phone).unwrap_or_default(),
            db::applications::find_by_case(conn, case.id)?.is_some(),
        ),
        _ => (requester.email.clone(), false),
    };
    to_applicant(
        conn,
        &ToApplicant {
            kind: Kind::Letter,
            email: &requester.email,
            phone: &requester.phone,
            case_id: Some(case.id),
            key: &rules::letter_key(letter_id, &to),
        },
        || messages::letter(&requester.name, &office, &case.tracking_no, letter),
        || sms::letter_ready(&office, &case.tracking_no, letter.kind, online),
    )
}

/// Events an action added to a case (in its transaction), after `before`: a request for
/// an extension goes to every supervisor whose scope holds the case (its agency's and
/// those above), except one who asked for it; so does a draft answer that reaches its
/// sign-off, except to the one who drafted it; a draft sent back goes to its author.
pub fn events_added(
    conn: &mut DbConn,
    case: &Case,
    before: &[Event],
    added: &[Event],
    due: Option<NaiveDate>,
) -> Result<usize, Fail> {
    let mut queued = 0;
    let earlier = before
        .iter()
        .filter(|e| matches!(e, Event::ExtensionRequested { .. }))
        .count();
    let requests = added.iter().filter_map(|e| match e {
        Event::ExtensionRequested { on, reason, by } => Some((*on, reason, *by)),
        _ => None,
    });
    for (i, (on, reason, by)) in requests.enumerate() {
        let nth = earlier + i + 1;
        let agency = db::agencies::find(conn, case.agency_id)?.ok_or(Fail::NotFound)?;
        let clerk = db::users::find(conn, by)?
            .map(|u| u.display_name)
            .unwrap_or_default();
        let case_ref = CaseRef {
            tracking_no: &case.tracking_no,
            agency: &agency.name,
            subject: &case.subject,
        };
        for s in supervisors_over(conn, case.agency_id)? {
            if s.id == by {
                continue;
            }
            let key = rules::extension_key(case.id, nth, s.id);
            if !s.email.trim().is_empty() {
                let mail = messages::extension_requested(
                    &s.display_name,
                    &case_ref,
                    &clerk,
                    on,
                    reason,
                    due,
                );
                let sent = enqueue(
                    conn,
                    &Outgoing {
                        kind: Kind::ExtensionRequested,
                        to: &s.email,
                        user_id: Some(s.id),
                        case_id: Some(case.id),
                        mail: &mail,
                        key: &key,
                    },
                )?;
                queued += usize::from(sent);
            }
            let text = sms::extension_requested(&agency.name, &case.tracking_no, &clerk, due);
            let sent = enqueue_sms(
                conn,
                &OutgoingSms {
                    kind: Kind::ExtensionRequested,
                    to: &s.phone,
                    user_id: Some(s.id),
                    case_id: Some(case.id),
                    text: &text,
                    key: &key,
                },
            )?;
            queued += usize::from(sent);
        }
    }
    queued += review_moved(conn, case, before, added, due)?;
    Ok(queued)
}

/// The review of a draft answer moved (art. 17): to sign-off, or back to its author.
fn review_moved(
    conn: &mut DbConn,
    case: &Case,
    before: &[Event],
    added: &[Event],
    due: Option<NaiveDate>,
) -> Result<usize, Fail> {
    use crate::domain::review::Step;
    let moved = added.iter().any(|e| {
        matches!(
            e,
            Event::DraftSubmitted { .. } | Event::ReviewPassed { .. } | Event::DraftReturned { .. }
        )
    });
    if !moved {
        return Ok(0);
    }
    let all: Vec<Event> = before.iter().chain(added).cloned().collect();
    let facts = crate::domain::case::facts(&all);
    let agency = db::agencies::find(conn, case.agency_id)?.ok_or(Fail::NotFound)?;
    let case_ref = CaseRef {
        tracking_no: &case.tracking_no,
        agency: &agency.name,
        subject: &case.subject,
    };
    let name = |conn: &mut DbConn, id: i64| -> Result<String, Fail> {
        Ok(db::users::find(conn, id)?
            .map(|u| u.display_name)
            .unwrap_or_default())
    };
    let mut queued = 0;
    if let Some(d) = facts
        .draft
        .as_ref()
        .filter(|d| d.next() == Some(Step::SignOff))
    {
        let drafted_by = name(conn, d.by)?;
        for s in supervisors_over(conn, case.agency_id)? {
            if s.id == d.by || s.email.trim().is_empty() {
                continue;
            }
            let mail = messages::sign_off_awaited(
                &s.display_name,
                &case_ref,
                &drafted_by,
                d.decision.outcome.label_zh(),
                due,
            );
            let sent = enqueue(
                conn,
                &Outgoing {
                    kind: Kind::SignOffAwaited,
                    to: &s.email,
                    user_id: Some(s.id),
                    case_id: Some(case.id),
                    mail: &mail,
                    key: &rules::sign_off_key(case.id, d.round, s.id),
                },
            )?;
            queued += usize::from(sent);
        }
    }
    if let (Some(r), true) = (
        &facts.returned,
        added
            .iter()
            .any(|e| matches!(e, Event::DraftReturned { .. })),
    ) {
        let author = before.iter().rev().find_map(|e| match e {
            Event::DraftSubmitted { by, .. } => Some(*by),
            _ => None,
        });
        if let Some(u) = author
            .map(|a| db::users::find(conn, a))
            .transpose()?
            .flatten()
            && !u.email.trim().is_empty()
        {
            let by = name(conn, r.by)?;
            let mail = messages::draft_returned(
                &u.display_name,
                &case_ref,
                r.step.title_zh(),
                &by,
                &r.reason,
                due,
            );
            let sent = enqueue(
                conn,
                &Outgoing {
                    kind: Kind::DraftReturned,
                    to: &u.email,
                    user_id: Some(u.id),
                    case_id: Some(case.id),
                    mail: &mail,
                    key: &rules::returned_key(case.id, r.round, u.id),
                },
            )?;
            queued += usize::from(sent);
        }
    }
    Ok(queued)
}

/// Active supervisors whose scope holds the agency: its own and every one above it.
pub fn supervisors_over(conn: &mut DbConn, agency_id: i64) -> Result<Vec<User>, Fail> {
    let parents: BTreeMap<i64, Option<i64>> = db::agencies::all(conn)?
        .into_iter()
        .map(|a| (a.id, a.parent_id))
        .collect();
    let mut chain = vec![agency_id];
    let mut at = agency_id;
    // Bounded by the number of agencies, should a cycle ever slip in.
    while let Some(Some(p)) = parents.get(&at) {
        if chain.contains(p) || chain.len() > parents.len() {
            break;
        }
        chain.push(*p);
        at = *p;
    }
    Ok(db::users::supervisors_of(conn, &chain)?)
}

/// What a scan queued: e-mails and SMS (a clerk with both an address and a mobile number
/// counts twice).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Scanned {
    pub reminders: usize,
    pub digests: usize,
}

/// Looks for reminders and digests due at `now_china` (China time) on `clock.today` and
/// queues them. Any number of processes may scan at once: each message's key lets only
/// one of them queue it.
pub fn scan(conn: &mut DbConn, clock: &Clock, now_china: NaiveDateTime) -> Result<Scanned, Fail> {
    let today = clock.today;
    let soon = clock
        .calendar
        .add_working_days(today, DUE_SOON_WORKING_DAYS);
    let rows = q::open_due_by(conn, soon)?;
    let agencies = db::agencies::all(conn)?;
    let names: BTreeMap<i64, &str> = agencies.iter().map(|a| (a.id, a.name.as_str())).collect();
    let mut users: BTreeMap<i64, Option<User>> = BTreeMap::new();
    let mut scanned = Scanned::default();

    // The clerk in charge, before each deadline; not while the clock stands still (the
    // date will move).
    for r in &rows {
        let (Some(due), Some(uid)) = (r.due_on, r.assigned_to) else {
            continue;
        };
        if !r.clock.is_empty() || !rules::remind(today, due, clock.calendar) {
            continue;
        }
        let key = rules::reminder_key(r.id, due, uid);
        if outbox::exists(conn, &key)? && outbox::exists(conn, &sms_rules::key(&key))? {
            continue;
        }
        let user = match users.get(&uid) {
            Some(u) => u.clone(),
            None => {
                let u = db::users::find(conn, uid)?;
                users.insert(uid, u.clone());
                u
            }
        };
        let Some(u) = user.filter(|u| u.active && u.mail_reminders) else {
            continue;
        };
        let case_ref = CaseRef {
            tracking_no: &r.tracking_no,
            agency: names.get(&r.agency_id).copied().unwrap_or_default(),
            subject: &r.subject,
        };
        let left = clock.calendar.working_days_between(today, due);
        let mail = messages::reminder(&u.display_name, &case_ref, due, left);
        let queued = enqueue(
            conn,
            &Outgoing {
                kind: Kind::Reminder,
                to: &u.email,
                user_id: Some(u.id),
                case_id: Some(r.id),
                mail: &mail,
                key: &key,
            },
        )?;
        scanned.reminders += usize::from(queued);
        let text = sms::reminder(case_ref.agency, &r.tracking_no, due, left);
        let queued = enqueue_sms(
            conn,
            &OutgoingSms {
                kind: Kind::Reminder,
                to: &u.phone,
                user_id: Some(u.id),
                case_id: Some(r.id),
                text: &text,
                key: &key,
            },
        )?;
        scanned.reminders += usize::from(queued);
    }

    // The supervisors' digest, once a day from the set hour.
    if rules::digest_due(now_china, digest_hour(conn)?) {
        // Those who have today's already are done; usually everybody after the first scan.
        let mut readers = Vec::new();
        for u in db::users::digest_readers(conn)? {
            if !outbox::exists(conn, &rules::digest_key(u.id, today))? {
                readers.push(u);
            }
        }
        if readers.is_empty() {
            return Ok(scanned);
        }
        let tree = Tree::new(agencies.iter().map(|a| (a.id, a.parent_id)));
        let staff: BTreeMap<i64, String> = db::users::all(conn)?
            .into_iter()
            .map(|u| (u.id, u.display_name))
            .collect();
        let item = |r: &q::DueRow| DigestItem {
            tracking_no: r.tracking_no.clone(),
            agency: names.get(&r.agency_id).copied().unwrap_or_default().into(),
            due_on: r.due_on,
            assignee: r
                .assigned_to
                .and_then(|id| staff.get(&id).cloned())
                .unwrap_or_default(),
        };
        for u in readers {
            let key = rules::digest_key(u.id, today);
            let Some(home) = u.agency_id else { continue };
            let scope = tree.subtree(&home);
            let mine: Vec<&q::DueRow> = rows
                .iter()
                .filter(|r| scope.contains(&r.agency_id))
                .collect();
            let pick = |want: Urgency| -> Vec<DigestItem> {
                mine.iter()
                    .filter(|r| deadline::urgency(r.due_on, today, soon) == Some(want))
                    .map(|r| item(r))
                    .collect()
            };
            let (overdue, due_soon) = (pick(Urgency::Overdue), pick(Urgency::DueSoon));
            let awaiting: Vec<DigestItem> = mine
                .iter()
                .filter(|r| r.extension_pending)
                .map(|r| item(r))
                .collect();
            // Nothing to report: no message (the dashboard says "nothing" well enough).
            if overdue.is_empty() && due_soon.is_empty() && awaiting.is_empty() {
                continue;
            }
            let mail = messages::digest(
                &u.display_name,
                &messages::Digest {
                    day: today,
                    overdue: &overdue,
                    due_soon: &due_soon,
                    awaiting_approval: &awaiting,
                },
            );
            let queued = enqueue(
                conn,
                &Outgoing {
                    kind: Kind::Digest,
                    to: &u.email,
                    user_id: Some(u.id),
                    case_id: None,
                    mail: &mail,
                    key: &key,
                },
            )?;
            scanned.digests += usize::from(queued);
        }
    }
    Ok(scanned)
}

const DIGEST_HOUR_KEY: &str = "mail.digest_hour";

/// The hour (China time, 0-23) the supervisors' digest goes out.
pub fn digest_hour(conn: &mut DbConn) -> Result<u32, Fail> {
    Ok(db::settings::get(conn, DIGEST_HOUR_KEY)?
        .and_then(|v| v.parse().ok())
        .filter(|h| *h < 24)
        .unwrap_or(rules::DEFAULT_DIGEST_HOUR))
}

/// Sets the digest's hour (an administrator, from the settings page).
pub fn save_digest_hour(conn: &mut DbConn, actor: &Actor, text: &str) -> Result<u32, Fail> {
    let hour = match text.trim().parse::<u32>() {
        Ok(h) if h < 24 => h,
        _ => return Err(Fail::field("digest_hour", "settings-hour-range")),
    };
    db::write_tx(conn, |conn| {
        let before = digest_hour(conn)?;
        db::settings::set(conn, DIGEST_HOUR_KEY, &hour.to_string())?;
        audit::record(
            conn,
            actor,
            Action::SettingsMail,
            "",
            &Detail::none().change(Field::DigestHour, before, hour),
        )?;
        Ok(hour)
    })
}

const SMS_FROM_KEY: &str = "sms.staff_from";
const SMS_UNTIL_KEY: &str = "sms.staff_until";
const SMS_WORKING_DAYS_KEY: &str = "sms.staff_working_days_only";

/// The hours SMS may reach staff (`domain::sms::StaffHours`; 08:00-20:00 on working days
/// unless the office set others).
pub fn sms_hours(conn: &mut DbConn) -> Result<StaffHours, Fail> {
    let d = StaffHours::default();
    let hour = |v: Option<String>| v.and_then(|v| v.parse::<u32>().ok());
    let from = hour(db::settings::get(conn, SMS_FROM_KEY)?).unwrap_or(d.from);
    let until = hour(db::settings::get(conn, SMS_UNTIL_KEY)?).unwrap_or(d.until);
    let working = db::settings::get(conn, SMS_WORKING_DAYS_KEY)?
        .map(|v| v == "true")
        .unwrap_or(d.working_days_only);
    Ok(StaffHours::new(from, until, working).unwrap_or(d))
}

/// The staff's SMS hours as the settings form posts them.
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct SmsHoursInput {
    pub sms_from: String,
    pub sms_until: String,
    /// "true" when ticked.
    pub sms_working_days_only: String,
}

impl SmsHoursInput {
    pub fn from(h: &StaffHours) -> SmsHoursInput {
        SmsHoursInput {
            sms_from: h.from.to_string(),
            sms_until: h.until.to_string(),
            sms_working_days_only: if h.working_days_only {
                "true".into()
            } else {
                String::new()
            },
        }
    }
}

/// Sets the staff's SMS hours (an administrator, from the settings page; audited).
pub fn save_sms_hours(
    conn: &mut DbConn,
    actor: &Actor,
    input: &SmsHoursInput,
) -> Result<StaffHours, Fail> {
    let from = input
        .sms_from
        .trim()
        .parse::<u32>()
        .ok()
        .filter(|h| *h < 24);
    let until = input
        .sms_until
        .trim()
        .parse::<u32>()
        .ok()
        .filter(|h| (1..=24).contains(h));
    let mut errors = Vec::new();
    if from.is_none() {
        errors.push(("sms_from", "settings-hour-range"));
    }
    if until.is_none() {
        errors.push(("sms_until", "settings-sms-until-range"));
    }
    let (Some(from), Some(until)) = (from, until) else {
        return Err(Fail::Fields(errors));
    };
    let working = input.sms_working_days_only == "true";
    let Some(hours) = StaffHours::new(from, until, working) else {
        return Err(Fail::field("sms_until", "settings-sms-until-after"));
    };
    db::write_tx(conn, |conn| {
        let before = sms_hours(conn)?;
        db::settings::set(conn, SMS_FROM_KEY, &from.to_string())?;
        db::settings::set(conn, SMS_UNTIL_KEY, &until.to_string())?;
        db::settings::set(conn, SMS_WORKING_DAYS_KEY, &working.to_string())?;
        audit::record(
            conn,
            actor,
            Action::SettingsSms,
            "",
            &Detail::none()
                .change(Field::SmsFrom, before.from, from)
                .change(Field::SmsUntil, before.until, until)
                .change(Field::SmsWorkingDaysOnly, before.working_days_only, working),
        )?;
        Ok(hours)
    })
}

/// A message given up on, queued again by an administrator (audited).
pub fn resend(conn: &mut DbConn, actor: &Actor, id: i64) -> Result<(), Fail> {
    db::write_tx(conn, |conn| {
        let m = outbox::find(conn, id)?.ok_or(Fail::NotFound)?;
        if !outbox::requeue(conn, id)? {
            return Err(Fail::Refused("mail-not-failed"));
        }
        audit::record(
            conn,
            actor,
            Action::MailResend,
            &format!("#{id}"),
            &Detail::none().with(Field::MailKind, &m.kind),
        )?;
        Ok(())
    })
}

/// A member of staff turns their own reminders and digest on or off.
pub fn set_reminders(conn: &mut DbConn, user_id: i64, on: bool) -> Result<(), Fail> {
    db::users::set_mail_reminders(conn, user_id, on)?;
    Ok(())
}
