//! Correcting registered details (a typo in a phone number, the arrival date),
//! as an event with the old and new values; the receipt date follows.

use super::{Cx, Form};
use crate::db::DbConn;
use crate::db::cases::{self as q, Case};
use crate::domain::case::{self, Event, Facts};
use crate::domain::deadline;
use crate::domain::outcome::{self, Channel};
use crate::service::Fail;
use crate::service::cases::{Clock, Errors, MAX_SUBJECT, contacts, date, text};
use chrono::NaiveDate;

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct Edit {
    subject: String,
    channel: String,
    letter_signed: String,
    arrived_on: String,
    confirmed_on: String,
    r_phone: String,
    r_email: String,
    r_address: String,
}

impl Form for Edit {
    fn build(&self, cx: &mut Cx) -> Result<Vec<Event>, Fail> {
        let ev = edit(cx.conn, &mut cx.errors, cx.case, cx.facts, self, cx.clock)?;
        Ok(vec![ev])
    }
}

/// A correction of registered details: what changed, and the legal receipt date that
/// follows from the corrected channel and dates.
fn edit(
    conn: &mut DbConn,
    e: &mut Errors,
    case: &Case,
    facts: &Facts,
    i: &Edit,
    clock: &Clock,
) -> Result<Event, Fail> {
    let requester = q::find_requester(conn, case.requester_id)?.ok_or(Fail::NotFound)?;
    let subject = text(e, "subject", &i.subject, MAX_SUBJECT, true);
    let channel = Channel::parse(i.channel.trim()).unwrap_or_else(|| {
        e.push(("channel", "field-invalid-choice"));
        Channel::parse(&case.channel).unwrap_or(Channel::Other)
    });
    let letter_signed = i.letter_signed == "true";
    let arrived_on = date(e, "arrived_on", &i.arrived_on, true).unwrap_or(case.arrived_at.date());
    if arrived_on > clock.today {
        e.push(("arrived_on", "field-date-future"));
    }
    let confirmed_on = date(e, "confirmed_on", &i.confirmed_on, false);
    let (phone, email, address) = contacts(e, &i.r_phone, &i.r_email, &i.r_address);
    let received_on =
        match outcome::legal_receipt_date(channel, letter_signed, arrived_on, confirmed_on) {
            Ok(d) => d,
            Err(outcome::ReceiptError::ConfirmationRequired) => {
                e.push(("confirmed_on", "intake-confirmation-required"));
                case.received_on
            }
            Err(outcome::ReceiptError::ConfirmationBeforeArrival) => {
                e.push(("confirmed_on", "intake-confirmation-before-arrival"));
                case.received_on
            }
        };
    if deadline::receipt_age(received_on, clock.today) == deadline::ReceiptAge::BeforeRegulation {
        e.push(("arrived_on", "intake-before-regulation"));
    }
    let mut changes = Vec::new();
    let mut change = |field: &str, old: String, new: String| {
        if old != new {
            changes.push(case::Change {
                field: field.into(),
                old,
                new,
            });
        }
    };
    let day = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    change("subject", case.subject.clone(), subject);
    change("channel", case.channel.clone(), channel.code().into());
    change(
        "letter_signed",
        case.letter_signed.to_string(),
        letter_signed.to_string(),
    );
    change(
        "arrived_on",
        case.arrived_at.date().to_string(),
        arrived_on.to_string(),
    );
    change("confirmed_on", day(case.confirmed_on), day(confirmed_on));
    change("r_phone", requester.phone.clone(), phone);
    change("r_email", requester.email.clone(), email);
    change("r_address", requester.address.clone(), address);
    if changes.is_empty() {
        e.push(("subject", "case-nothing-changed"));
    }
    let moved = received_on != case.received_on;
    // A closed case was answered against its deadline: its receipt date stays.
    if moved && facts.status != case::Status::Open {
        e.push(("arrived_on", "case-closed-receipt-fixed"));
    }
    Ok(Event::DetailsEdited {
        changes,
        received: moved.then_some((case.received_on, received_on)),
    })
}

/// Writes a correction of details to the case and its requester.
pub(super) fn apply(
    conn: &mut DbConn,
    case: &Case,
    changes: &[case::Change],
    received: Option<(NaiveDate, NaiveDate)>,
) -> Result<(), Fail> {
    let requester = q::find_requester(conn, case.requester_id)?.ok_or(Fail::NotFound)?;
    let new = |field: &str, old: String| {
        changes
            .iter()
            .find(|c| c.field == field)
            .map_or(old, |c| c.new.clone())
    };
    let parse_day = |s: String| NaiveDate::parse_from_str(&s, "%Y-%m-%d").ok();
    let subject = new("subject", case.subject.clone());
    let channel = new("channel", case.channel.clone());
    let arrived_on = parse_day(new("arrived_on", case.arrived_at.date().to_string()))
        .unwrap_or(case.arrived_at.date());
    q::set_details(
        conn,
        case.id,
        &q::Details {
            subject: &subject,
            channel: &channel,
            letter_signed: new("letter_signed", case.letter_signed.to_string()) == "true",
            arrived_at: arrived_on.and_time(case.arrived_at.time()),
            confirmed_on: parse_day(new(
                "confirmed_on",
                case.confirmed_on.map(|d| d.to_string()).unwrap_or_default(),
            )),
            received_on: received.map_or(case.received_on, |(_, after)| after),
        },
    )?;
    q::set_requester_contacts(
        conn,
        requester.id,
        &new("r_phone", requester.phone.clone()),
        &new("r_email", requester.email.clone()),
        &new("r_address", requester.address.clone()),
    )?;
    Ok(())
}
