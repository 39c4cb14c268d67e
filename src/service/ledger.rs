//! Case ledgers in and out (contracts/cli-and-files.md): `gongkai ledger
//! import FILE` stores every line of a checked ledger as a case with the
//! history it stands for (`domain::ledger`), all lines or none; `gongkai
//! ledger export` writes a year's cases as such a ledger, with the computed
//! columns.

use super::Fail;
use super::cases::{self, Clock};
use crate::db::audit::{self, Action, Actor, Detail, Field};
use crate::db::bulk::{self, BulkAppeal, BulkCase, BulkEvent};
use crate::db::cases::{Case, RequesterFields};
use crate::db::{self, DbConn};
use crate::domain::appeal::Kind;
use crate::domain::case::Event;
use crate::domain::ledger::{self, Entry, StoredAppeal, UNNAMED_BODY};
use crate::domain::outcome::{AppealResult, Channel, Outcome, RequesterType};
use crate::files::ledger::{Computed, Line};
use crate::files::{self, ImportError, ImportErrors};
use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use std::collections::HashMap;
use std::io::{Read, Write};

#[derive(Debug, Default, PartialEq, Eq)]
pub struct ImportSummary {
    pub cases: usize,
    pub open: usize,
    pub closed: usize,
    pub requesters_created: usize,
}

/// Imports a ledger read from `input` (`file` names it in messages and in
/// each case's history): every line checked first, every error reported, and
/// nothing written unless all lines are good. One audit entry for the file.
pub fn import<R: Read>(
    conn: &mut DbConn,
    actor: &Actor,
    file: &str,
    input: R,
    today: NaiveDate,
) -> Result<ImportSummary, Fail> {
    // Deadlines count working days: the official calendar first.
    super::bootstrap::calendar(conn)?;
    let calendar = db::calendar::load(conn)?;
    let settings = super::rules::load(conn)?;
    let agency_ids: HashMap<String, i64> = db::agencies::all(conn)?
        .into_iter()
        .map(|a| (a.code, a.id))
        .collect();
    let parsed = files::ledger::parse(file, input, |c| agency_ids.contains_key(c), today);
    let clock = Clock {
        calendar: &calendar,
        settings: &settings,
        today,
    };
    log::info!(
        "{file}: {} lines read and checked, {} errors",
        parsed.lines.len(),
        parsed.errors.len()
    );
    let mut errors = parsed.errors;
    let numbered: Vec<(u64, String)> = parsed
        .lines
        .iter()
        .filter_map(|l| l.entry.tracking_no.clone().map(|t| (l.row, t)))
        .collect();
    // Worked out before the write transaction, which then holds the lock only
    // while writing; the lines are not needed after.
    let at = db::now();
    let batch: Vec<BulkCase> = if errors.is_empty() {
        parsed
            .lines
            .into_iter()
            .map(|l| prepare(&l, file, agency_ids[&l.entry.agency_code], &clock, at))
            .collect()
    } else {
        Vec::new()
    };
    let imported = db::write_tx(conn, |conn| {
        errors.extend(numbers_taken(conn, file, &numbered)?);
        if !errors.is_empty() {
            // Header errors (no row) first, then by row, each row's in column order.
            errors.sort_by_key(|e| e.row);
            return Err(Fail::Imports(ImportErrors(std::mem::take(&mut errors))));
        }
        let written = bulk::insert_many(conn, &batch)?;
        let closed = batch
            .iter()
            .filter(|c| c.derived.status == "closed")
            .count();
        let summary = ImportSummary {
            cases: batch.len(),
            open: batch.len() - closed,
            closed,
            requesters_created: written.requesters_created,
        };
        audit::record(
            conn,
            actor,
            Action::LedgerImport,
            file,
            &Detail::none()
                .with(Field::Created, summary.cases)
                .with(Field::Requesters, summary.requesters_created),
        )?;
        Ok(summary)
    })?;
    // Fresh planner statistics after a large load (SQLite only).
    db::optimize(conn)?;
    Ok(imported)
}

/// A checked line as a case ready to store: its history, and the columns
/// derived from it exactly as every other case gets them.
pub(crate) fn prepare(
    l: &Line,
    file: &str,
    agency_id: i64,
    clock: &Clock,
    at: NaiveDateTime,
) -> BulkCase {
    let e = &l.entry;
    let row = u32::try_from(l.row).unwrap_or(u32::MAX);
    let h = ledger::history(e, file, row, clock.calendar, clock.settings, clock.today);
    let (_, _, derived) = cases::derive_from(e.received_on, &h.events, clock);
    // The ledger's receipt date is the legal one: for the channels that count
    // from a confirmation, the confirmation is that day.
    let confirmed_on = matches!(e.channel, Channel::Letter | Channel::Online | Channel::Fax)
        .then_some(e.received_on);
    BulkCase {
        tracking_no: e.tracking_no.clone(),
        agency_id,
        requester: RequesterFields {
            kind: e.requester_type.code().into(),
            name: e.requester_name.clone(),
            ..Default::default()
        },
        channel: e.channel.code().into(),
        letter_signed: false,
        arrived_at: e.received_on.and_time(NaiveTime::MIN),
        confirmed_on,
        received_on: e.received_on,
        subject: e.subject.clone(),
        // A ledger does not say how the answer was wanted.
        delivery_form: "other".into(),
        topic: e.topic.clone(),
        assigned_to: None,
        derived,
        public_code: cases::intake::public_code(),
        intake_token: None,
        version: 1,
        updated_by: None,
        created_at: at,
        updated_at: at,
        events: h
            .events
            .into_iter()
            .map(|event| BulkEvent {
                at,
                user_id: None,
                event,
            })
            .collect(),
        appeals: h
            .appeals
            .into_iter()
            .map(|a| BulkAppeal {
                kind: a.kind,
                grounds: a.grounds,
                review: a.review,
                filed_on: a.filed_on,
                body: UNNAMED_BODY.into(),
                body_case_no: String::new(),
                served_on: None,
                answered_on: None,
                result: a.result,
                decided_on: a.decided_on,
                doc_numbers: String::new(),
                notes: String::new(),
            })
            .collect(),
    }
}

/// Cases read per query while exporting.
const PAGE: i64 = 2_000;

/// The fee's events, all the export needs of a history.
const FEE_KINDS: [&str; 5] = [
    "fee_proposed",
    "fee_approved",
    "fee_paid",
    "fee_refused",
    "fee_cancelled",
];

/// Writes the ledger of `year` (cases received in it, or open during it) in
/// the subtree of `agency` (a code; None: every agency) as CSV. Returns the
/// number of lines.
pub fn export<W: Write>(
    conn: &mut DbConn,
    year: i32,
    agency: Option<&str>,
    today: NaiveDate,
    out: W,
) -> Result<usize, Fail> {
    let all = db::agencies::all(conn)?;
    let codes: HashMap<i64, String> = all.iter().map(|a| (a.id, a.code.clone())).collect();
    let scope = match agency {
        None => None,
        Some(code) => {
            let a = all.iter().find(|a| a.code == code).ok_or(Fail::NotFound)?;
            Some(super::agencies::tree(conn)?.subtree(&a.id))
        }
    };
    let mut w = csv::Writer::from_writer(out);
    let io = |e: csv::Error| Fail::Io(e.into());
    w.write_record(files::ledger::header()).map_err(io)?;
    let mut after = 0;
    let mut lines = 0;
    loop {
        let page = db::cases::ledger_page(conn, year, scope.as_deref(), after, PAGE)?;
        let Some(last) = page.last() else { break };
        after = last.id;
        let ids: Vec<i64> = page.iter().map(|c| c.id).collect();
        let mut fees: HashMap<i64, Vec<Event>> = HashMap::new();
        for row in db::cases::events_of_kinds(conn, &ids, &FEE_KINDS)? {
            let e: Event = serde_json::from_str(&row.data).map_err(|err| {
                Fail::Db(diesel::result::Error::DeserializationError(Box::new(err)))
            })?;
            fees.entry(row.case_id).or_default().push(e);
        }
        let mut appeals: HashMap<i64, Vec<StoredAppeal>> = HashMap::new();
        for a in db::appeals::of_cases(conn, &ids)? {
            let Some(kind) = Kind::parse(&a.kind) else {
                continue;
            };
            appeals.entry(a.case_id).or_default().push(StoredAppeal {
                kind,
                filed_on: a.filed_on,
                result: a.result.as_deref().and_then(AppealResult::parse),
                decided_on: a.decided_on,
            });
        }
        for c in &page {
            let entry = entry(
                c,
                codes.get(&c.agency_id).cloned().unwrap_or_default(),
                fees.get(&c.id).map(Vec::as_slice).unwrap_or(&[]),
                appeals.get(&c.id).map(Vec::as_slice).unwrap_or(&[]),
            );
            let computed = Computed {
                due_on: c.due_on,
                status: if c.status == "closed" {
                    "closed"
                } else {
                    "open"
                },
                overdue: if c.status == "closed" {
                    c.late
                } else {
                    c.due_on.is_some_and(|d| d < today)
                },
            };
            w.write_record(files::ledger::record(&entry, &computed))
                .map_err(io)?;
            lines += 1;
        }
    }
    w.flush()?;
    Ok(lines)
}

/// A stored case as a ledger line.
fn entry(c: &Case, agency_code: String, fee_events: &[Event], appeals: &[StoredAppeal]) -> Entry {
    let (review, lawsuit, lawsuit_after_review) = ledger::appeals_of(appeals);
    let closed = c.status == "closed";
    Entry {
        tracking_no: Some(c.tracking_no.clone()),
        agency_code,
        received_on: c.received_on,
        channel: Channel::parse(&c.channel).unwrap_or(Channel::Other),
        requester_type: RequesterType::parse(&c.requester_kind).unwrap_or(RequesterType::OtherOrg),
        requester_name: c.requester_name.clone(),
        subject: c.subject.clone(),
        topic: c.topic.clone(),
        extended: c.extended,
        outcome: c
            .outcome
            .as_deref()
            .and_then(Outcome::parse)
            .filter(|_| closed),
        closed_on: c.closed_on.filter(|_| closed),
        fee: ledger::fee_of(fee_events),
        review,
        lawsuit,
        lawsuit_after_review,
    }
}

/// What an import of a ledger would do, without writing: every error by row
/// and column (as `import` finds them, numbers already stored included), or
/// how many cases by year of receipt and agency, how many open, and the first
/// lines, for the admin page's preview.
#[derive(Debug, Default)]
pub struct Preview {
    pub errors: Vec<ImportError>,
    pub lines: usize,
    pub open: usize,
    pub by_year: std::collections::BTreeMap<i32, usize>,
    pub by_agency: std::collections::BTreeMap<String, usize>,
    pub first: Vec<Entry>,
}

pub fn preview<R: Read>(
    conn: &mut DbConn,
    file: &str,
    input: R,
    today: NaiveDate,
) -> Result<Preview, Fail> {
    use chrono::Datelike;
    let codes: std::collections::HashSet<String> = db::agencies::all(conn)?
        .into_iter()
        .map(|a| a.code)
        .collect();
    let parsed = files::ledger::parse(file, input, |c| codes.contains(c), today);
    let numbered: Vec<(u64, String)> = parsed
        .lines
        .iter()
        .filter_map(|l| l.entry.tracking_no.clone().map(|t| (l.row, t)))
        .collect();
    let taken = numbers_taken(conn, file, &numbered)?;
    let mut p = Preview {
        errors: parsed.errors,
        lines: parsed.lines.len(),
        ..Preview::default()
    };
    p.errors.extend(taken);
    for l in &parsed.lines {
        *p.by_year.entry(l.entry.received_on.year()).or_default() += 1;
        *p.by_agency.entry(l.entry.agency_code.clone()).or_default() += 1;
        if l.entry.outcome.is_none() {
            p.open += 1;
        }
    }
    p.errors.sort_by_key(|e| e.row);
    p.first = parsed
        .lines
        .iter()
        .take(20)
        .map(|l| l.entry.clone())
        .collect();
    Ok(p)
}

/// The lines whose case number is already stored, as import errors. The
/// import asks again inside its write transaction; the preview asks once.
fn numbers_taken(
    conn: &mut DbConn,
    file: &str,
    numbered: &[(u64, String)],
) -> Result<Vec<ImportError>, Fail> {
    let numbers: Vec<&str> = numbered.iter().map(|(_, t)| t.as_str()).collect();
    let taken = bulk::taken_tracking_nos(conn, &numbers)?;
    Ok(numbered
        .iter()
        .filter(|(_, t)| taken.contains(t))
        .map(|(row, t)| ImportError {
            file: file.to_string(),
            row: Some(*row),
            column: Some("tracking_no".into()),
            message: format!("\"{t}\" is the number of a case already stored"),
        })
        .collect())
}
