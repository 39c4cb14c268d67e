//! Issuing letters: compose from the case's history, number them per agency,
//! year and document type inside the same transaction (no gaps, no
//! duplicates), and keep the composed letter exactly as issued (as data: web
//! renders it, outside any transaction).

use super::Fail;
use super::cases::{Clock, Staff, history, load_in_scope, refresh};
use crate::db::cases::{self as q, NewLetter};
use crate::db::{self, DbConn};
use crate::domain::case::{Correction, Event};
use crate::domain::letters::{self, AgencyInfo, CaseInfo, LetterError, LetterInput, LetterKind};
use crate::domain::outcome::Channel;
use chrono::Datelike;

fn letter_fail(e: LetterError) -> Fail {
    match e {
        LetterError::MissingReviewBody => Fail::Refused("letter-missing-review-body"),
        LetterError::KindMismatch => Fail::Refused("letter-not-called-for"),
        LetterError::MissingAnswerText(_) => Fail::Refused("letter-missing-text"),
    }
}

/// Issues a letter of `kind` for the case. Returns the letter's id.
pub fn issue(
    conn: &mut DbConn,
    staff: &Staff,
    case_id: i64,
    kind: LetterKind,
    version: i32,
    clock: &Clock,
) -> Result<i64, Fail> {
    db::write_tx(conn, |conn| {
        let case = load_in_scope(conn, staff, case_id)?;
        if !q::claim(conn, case_id, version, staff.id)? {
            return Err(Fail::Conflict {
                by: case.updated_by,
                at: case.updated_at,
            });
        }
        let rows = history(conn, case_id)?;
        let events: Vec<Event> = rows.iter().map(|(_, e)| e.clone()).collect();
        let (facts, dl, _) = super::cases::derive(&case, &events, clock);
        if !letters::issuable(&facts, &events).contains(&kind.code()) {
            return Err(Fail::Refused(letters::refusal(kind, &facts)));
        }
        // An answer that went through review carries the day it was signed off.
        let dated = letters::dated(kind, &facts).unwrap_or(clock.today);
        let agency = db::agencies::find(conn, case.agency_id)?.ok_or(Fail::NotFound)?;
        let requester = q::find_requester(conn, case.requester_id)?.ok_or(Fail::NotFound)?;
        let issued = q::letters(conn, case_id)?;
        let correction_notice = issued
            .iter()
            .find(|l| l.kind == LetterKind::CorrectionNotice.code())
            .and_then(|l| l.doc_number.clone().map(|n| (n, l.issued_on)));
        let info = CaseInfo {
            tracking_no: case.tracking_no.clone(),
            requester_name: requester.name.clone(),
            received_on: case.received_on,
            channel: Channel::parse(&case.channel).unwrap_or(Channel::Other),
            subject: case.subject.clone(),
            correction_received_on: match facts.correction {
                Correction::Received { on } => Some(on),
                _ => None,
            },
            correction_notice,
            rules: dl.rule_set.code.to_string(),
        };
        let issued_refs: Vec<(i64, String, Option<String>)> = issued
            .iter()
            .map(|l| (l.id, l.title.clone(), l.doc_number.clone()))
            .collect();
        let specific = letters::specific_for(
            kind,
            &letters::Source {
                facts: &facts,
                events: &events,
                due_on: dl.due_on,
                issued: &issued_refs,
                requester_address: &requester.address,
                fee_payment_days: clock.settings.fee_payment_days,
            },
        )
        .map_err(Fail::Refused)?;
        let year = dated.year();
        let (doc_number, serial) = match kind.type_code() {
            Some(code) => {
                let serial = q::next_number(conn, agency.id, year, &format!("letter:{code}"))?;
                let n = letters::format_doc_number(
                    &agency.doc_pattern,
                    &agency.doc_prefix,
                    code,
                    year,
                    serial as u32,
                );
                (Some(n), Some(serial))
            }
            None => (None, None),
        };
        let letter = letters::compose(&LetterInput {
            kind,
            doc_number: doc_number.clone(),
            issued_on: dated,
            agency: AgencyInfo {
                name: agency.name.clone(),
                address: agency.address.clone(),
                phone: agency.phone.clone(),
                review_body: agency.review_body.clone(),
            },
            case: info,
            specific,
        })
        .map_err(letter_fail)?;
        // The composed letter is kept as data, its words exactly as issued; web renders it.
        let body = serde_json::to_string(&letter)
            .map_err(|e| Fail::Db(diesel::result::Error::SerializationError(Box::new(e))))?;
        let id = q::insert_letter(
            conn,
            &NewLetter {
                case_id,
                kind: kind.code(),
                doc_number: letter.doc_number.as_deref(),
                year,
                serial,
                title: &letter.title,
                body: &body,
                issued_on: dated,
                issued_by: staff.id,
            },
        )?;
        // The applicant's copy by e-mail, queued with the letter.
        super::mail::letter_issued(conn, &case, &agency, &requester, id, &letter)?;
        let event = Event::LetterIssued {
            letter_id: id,
            letter: kind.code().to_string(),
            doc_number: letter.doc_number.clone(),
        };
        super::cases::append(conn, case_id, Some(staff.id), &event)?;
        refresh(conn, case_id, clock)?;
        Ok(id)
    })
}
