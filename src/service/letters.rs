//! Issuing letters: compose from the case's history, number them per agency,
//! year and document type inside the same transaction (no gaps, no
//! duplicates), and keep the issued text exactly as issued.

use super::Fail;
use super::cases::{Clock, Staff, history, load_in_scope, refresh};
use crate::db::cases::{self as q, NewLetter};
use crate::db::{self, DbConn};
use crate::domain::case::{Correction, Event};
use crate::domain::deadline::ConsultationKind;
use crate::domain::letters::{
    self, AgencyInfo, AnswerInput, CaseInfo, Letter, LetterError, LetterInput, LetterKind, Specific,
};
use crate::domain::outcome::{self, Channel};
use askama::Template;
use chrono::Datelike;

#[derive(Template)]
#[template(path = "letters/body.html")]
struct Body<'a> {
    letter: &'a Letter,
}

/// A line of a printed form (the reply slip, a cell of the proof of delivery), in pieces:
/// `(true, width)` is a blank to write on, drawn as a rule; `(false, text)` is printed.
/// The composed text marks blanks with runs of underscores and leaves room with runs of
/// spaces ("        年    月    日"); HTML would collapse the spaces and underscores are too
/// thin to write on, so each run becomes ideographic spaces (which do not collapse), one for
/// every two characters of the run.
struct FormLine {
    pieces: Vec<(bool, String)>,
    /// Nothing but a blank: a whole line to write on.
    write_line: bool,
    /// Nothing printed but blanks, spaces and 年月日: a cell the person served fills in.
    to_fill: bool,
}

impl FormLine {
    fn new(line: &str) -> FormLine {
        let mut pieces: Vec<(bool, String)> = Vec::new();
        let mut rest = line.trim_end();
        while let Some(c) = rest.chars().next() {
            let run = rest.len() - rest.trim_start_matches(c).len();
            let room = |n: usize| "\u{3000}".repeat(n.div_ceil(2));
            let (blank, text) = match c {
                '_' => (true, room(run)),
                ' ' if run >= 2 => (false, room(run)),
                _ => (false, rest[..run].to_string()),
            };
            match pieces.last_mut() {
                Some((false, t)) if !blank => t.push_str(&text),
                _ => pieces.push((blank, text)),
            }
            rest = &rest[run..];
        }
        FormLine {
            write_line: pieces.len() == 1 && pieces[0].0,
            to_fill: line
                .chars()
                .all(|c| c == '_' || c.is_whitespace() || "年月日".contains(c)),
            pieces,
        }
    }
}

impl Body<'_> {
    /// The paragraphs before the last, which is printed with the signature.
    fn body(&self) -> &[String] {
        match self.letter.paragraphs.split_last() {
            Some((_, body)) => body,
            None => &[],
        }
    }

    /// The last paragraph: the closing formula (特此告知。) or the receipt's last word. It is
    /// kept on the page of the signature, so the signature never stands on a page alone.
    fn closing(&self) -> Option<&String> {
        self.letter.paragraphs.last()
    }

    /// The reply slip's title (its first line) and its other lines.
    fn slip(&self) -> Option<(&str, Vec<FormLine>)> {
        let (title, lines) = self.letter.reply_slip.as_ref()?.split_first()?;
        Some((title, lines.iter().map(|l| FormLine::new(l)).collect()))
    }

    /// The proof of delivery's rows.
    fn rows(&self) -> Vec<(&str, FormLine)> {
        let rows = self.letter.table.iter().flatten();
        rows.map(|(k, v)| (k.as_str(), FormLine::new(v))).collect()
    }
}

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
            return Err(Fail::Refused("letter-not-called-for"));
        }
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
        let last = |f: &dyn Fn(&Event) -> bool| events.iter().rev().find(|e| f(e)).cloned();
        let specific = match kind {
            LetterKind::Receipt => Specific::Receipt,
            LetterKind::CorrectionNotice => {
                match last(&|e| matches!(e, Event::CorrectionRequested { .. })) {
                    Some(Event::CorrectionRequested { items, due, .. }) => {
                        Specific::Correction { items, due }
                    }
                    _ => return Err(Fail::Refused("letter-not-called-for")),
                }
            }
            LetterKind::ExtensionNotice => {
                let reason = match last(&|e| matches!(e, Event::ExtensionRequested { .. })) {
                    Some(Event::ExtensionRequested { reason, .. }) => reason,
                    _ => String::new(),
                };
                match last(&|e| matches!(e, Event::ExtensionApproved { .. })) {
                    // The engine's date now: none while the clock stands still.
                    Some(Event::ExtensionApproved { days, .. }) => Specific::Extension {
                        new_due: dl.due_on,
                        days,
                        reason,
                    },
                    _ => return Err(Fail::Refused("letter-not-called-for")),
                }
            }
            LetterKind::ConsultationThirdParty
            | LetterKind::ConsultationAgency
            | LetterKind::ConsultationApplicantNotice => {
                let want = match kind {
                    LetterKind::ConsultationThirdParty => Some(ConsultationKind::ThirdParty),
                    LetterKind::ConsultationAgency => Some(ConsultationKind::Agency),
                    _ => None,
                };
                let found = last(
                    &|e| matches!(e, Event::ConsultationStarted { consultation, .. } if want.is_none_or(|w| w == *consultation)),
                );
                let Some(Event::ConsultationStarted {
                    consultation,
                    party,
                    matter,
                    why,
                    ..
                }) = found
                else {
                    return Err(Fail::Refused("letter-not-called-for"));
                };
                match kind {
                    LetterKind::ConsultationThirdParty => {
                        Specific::ConsultationThirdParty { party, matter, why }
                    }
                    LetterKind::ConsultationAgency => {
                        Specific::ConsultationAgency { party, matter }
                    }
                    _ => Specific::ConsultationApplicantNotice {
                        party_kind: consultation,
                    },
                }
            }
            LetterKind::ReasonsRequest => {
                match last(&|e| matches!(e, Event::ReasonsRequested { .. })) {
                    Some(Event::ReasonsRequested { note, .. }) => Specific::ReasonsRequest { note },
                    _ => return Err(Fail::Refused("letter-not-called-for")),
                }
            }
            LetterKind::LaterDeadlineNotice => {
                match last(&|e| matches!(e, Event::DeadlineSet { .. })) {
                    Some(Event::DeadlineSet {
                        due,
                        reason,
                        applicant_reasons,
                        ..
                    }) => Specific::LaterDeadline {
                        due,
                        reason,
                        applicant_reasons,
                    },
                    _ => return Err(Fail::Refused("letter-not-called-for")),
                }
            }
            LetterKind::ThirdPartyDisclosure => {
                let objected = events.iter().rev().find_map(|e| match e {
                    Event::ConsultationStarted {
                        consultation: ConsultationKind::ThirdParty,
                        party,
                        matter,
                        on,
                        ..
                    } => Some((party.clone(), matter.clone(), *on)),
                    _ => None,
                });
                match (objected, facts.decision.clone()) {
                    (Some((party, matter, consulted_on)), Some(d)) => {
                        Specific::ThirdPartyDisclosure {
                            party,
                            matter,
                            consulted_on,
                            public_interest: d.public_interest,
                        }
                    }
                    _ => return Err(Fail::Refused("letter-not-called-for")),
                }
            }
            LetterKind::Answer => {
                let Some(d) = facts.decision.clone() else {
                    return Err(Fail::Refused("letter-not-called-for"));
                };
                // The specific ground (art. 14-16 or another law) before any further basis.
                let ground = outcome::ground_basis(d.outcome, d.ground, &d.ground_law);
                let extra_basis = [ground, d.extra_basis.trim().to_string()]
                    .into_iter()
                    .filter(|b| !b.is_empty())
                    .collect::<Vec<_>>()
                    .join("、");
                Specific::Answer(AnswerInput {
                    outcome: d.outcome,
                    findings: d.findings,
                    reasons: d.reasons,
                    how_provided: d.how_provided,
                    extra_basis,
                    earlier_answer: d.earlier_answer_on.map(|on| (d.earlier_answer.clone(), on)),
                    other_agency: d.other_agency,
                })
            }
            LetterKind::DeliveryProof => {
                let Some(Event::Delivered {
                    method,
                    recipient,
                    address,
                    postal_tracking,
                    letter_id,
                    ..
                }) = last(&|e| matches!(e, Event::Delivered { .. }))
                else {
                    return Err(Fail::Refused("letter-not-called-for"));
                };
                let delivered = letter_id.and_then(|id| issued.iter().find(|l| l.id == id));
                Specific::DeliveryProof {
                    document: delivered.map(|l| l.title.clone()).unwrap_or_default(),
                    doc_number: delivered
                        .and_then(|l| l.doc_number.clone())
                        .unwrap_or_default(),
                    // How many pages the letter printed on is known only once it is
                    // printed (a long subject makes four): the clerk writes it in.
                    pages: 0,
                    method: crate::i18n::Tr::new(crate::i18n::Lang::Zh)
                        .code("delivery-method", &method),
                    address: if address.is_empty() {
                        requester.address.clone()
                    } else {
                        address
                    },
                    recipient,
                    staff: String::new(),
                    postal_tracking,
                }
            }
        };
        let year = clock.today.year();
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
            issued_on: clock.today,
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
        let body = Body { letter: &letter }
            .render()
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
                issued_on: clock.today,
                issued_by: staff.id,
            },
        )?;
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

#[cfg(test)]
mod tests {
    use super::FormLine;

    fn pieces(line: &str) -> Vec<(bool, String)> {
        FormLine::new(line).pieces
    }

    #[test]
    fn form_lines_keep_their_blanks() {
        let ideographic = |n| "\u{3000}".repeat(n);
        assert_eq!(
            pieces("签名（盖章）：______    电话：___"),
            vec![
                (false, "签名（盖章）：".to_string()),
                (true, ideographic(3)),
                (false, format!("{}电话：", ideographic(2))),
                (true, ideographic(2)),
            ]
        );
        assert_eq!(
            pieces("日期：        年    月    日"),
            vec![(
                false,
                format!(
                    "日期：{}年{}月{}日",
                    ideographic(4),
                    ideographic(2),
                    ideographic(2)
                )
            )]
        );
        // Single spaces are text; trailing ones are dropped.
        assert_eq!(
            pieces("□ 同意公开。  "),
            vec![(false, "□ 同意公开。".to_string())]
        );
        let line = FormLine::new("__________");
        assert!(line.write_line && line.to_fill);
        let date = FormLine::new("        年    月    日");
        assert!(!date.write_line && date.to_fill);
        assert!(FormLine::new("").to_fill);
        assert!(!FormLine::new("张三").to_fill);
    }
}
