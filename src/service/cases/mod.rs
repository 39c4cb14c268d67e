//! Case handling: intake (`intake`), the actions of the case history
//! (`actions`, one module per family of actions), and here what they share:
//! who acts, the clock, the case's history, and keeping the stored status and
//! deadline in step with it. Every change is one transaction: the version
//! check, the events, and the derived columns.

pub mod actions;
pub mod intake;

pub use actions::{DELIVERY_METHODS, act};
pub use intake::{IntakeInput, Notes, Recorded, Reserved, check_intake, intake};

use super::Fail;
use crate::db::cases::{self as q, Case, Derived};
use crate::db::{self, DbConn};
use crate::domain::calendar::Calendar;
use crate::domain::case::{self, Event, Extension, Facts, Who};
use crate::domain::deadline::{self, Deadline, Settings};
use crate::domain::scope::{Role, Scope};
use chrono::NaiveDate;

/// The signed-in member of staff, as the service needs them.
#[derive(Clone, Debug)]
pub struct Staff {
    pub id: i64,
    pub role: Role,
    pub scope: Scope,
}

impl Staff {
    fn who(&self) -> Who {
        Who {
            role: self.role,
            user_id: self.id,
        }
    }
}

/// What a case's deadline computation needs besides the history.
pub struct Clock<'a> {
    pub calendar: &'a Calendar,
    pub settings: &'a Settings,
    pub today: NaiveDate,
}

/// Today's date where the offices are (China Standard Time, UTC+8, no DST).
pub fn today_in_china() -> NaiveDate {
    crate::domain::calendar::china_time(chrono::Utc::now().naive_utc()).date()
}

pub const DELIVERY_FORMS: [&str; 4] = ["paper", "email", "pickup", "other"];
pub const ID_TYPES: [&str; 4] = ["resident_id", "passport", "hk_macao_tw", "other"];
/// Lengths of free text in characters; the forms state them beside the
/// fields and enforce them (`maxlength`).
pub const MAX_SUBJECT: usize = 2000;
pub const MAX_TEXT: usize = 4000;
pub const MAX_REQUESTER_NAME: usize = 100;
pub const MAX_ID_NUMBER: usize = 40;
/// A unified social credit code has exactly this many characters.
pub const CREDIT_CODE_LEN: usize = 18;
pub const MAX_REQUESTER_PHONE: usize = 40;
pub const MAX_REQUESTER_EMAIL: usize = 100;
pub const MAX_REQUESTER_ADDRESS: usize = 200;
/// A name of a person or body (consulted party, recipient), a citation, a document.
pub const MAX_NAME: usize = 200;
pub const MAX_CITATION: usize = 500;
pub const MAX_TRACKING: usize = 50;

pub(crate) type Errors = Vec<(&'static str, &'static str)>;

pub(crate) fn text(
    errors: &mut Errors,
    field: &'static str,
    value: &str,
    max: usize,
    required: bool,
) -> String {
    let v = value.trim();
    if required && v.is_empty() {
        errors.push((field, "field-required"));
    } else if v.chars().count() > max {
        errors.push((field, "field-too-long"));
    }
    v.to_string()
}

pub(crate) fn date(
    errors: &mut Errors,
    field: &'static str,
    value: &str,
    required: bool,
) -> Option<NaiveDate> {
    let v = value.trim();
    if v.is_empty() {
        if required {
            errors.push((field, "field-required"));
        }
        return None;
    }
    match NaiveDate::parse_from_str(v, "%Y-%m-%d") {
        Ok(d) if v.len() == 10 => Some(d),
        _ => {
            errors.push((field, "field-invalid-date"));
            None
        }
    }
}

/// A date of an event: not in the future and not before the legal receipt.
pub(crate) fn event_date(
    errors: &mut Errors,
    field: &'static str,
    value: &str,
    received_on: NaiveDate,
    today: NaiveDate,
) -> Option<NaiveDate> {
    let d = date(errors, field, value, true)?;
    if d > today {
        errors.push((field, "field-date-future"));
        return None;
    }
    if d < received_on {
        errors.push((field, "field-date-before-receipt"));
        return None;
    }
    Some(d)
}

/// A requester's contact details as typed (`r_phone`, `r_email`, `r_address`):
/// the law asks for a way to reach the applicant, so at least one is required.
pub(crate) fn contacts(
    errors: &mut Errors,
    phone: &str,
    email: &str,
    address: &str,
) -> (String, String, String) {
    let phone = text(errors, "r_phone", phone, MAX_REQUESTER_PHONE, false);
    let email = text(errors, "r_email", email, MAX_REQUESTER_EMAIL, false);
    if !email.is_empty() && !email.contains('@') {
        errors.push(("r_email", "field-invalid-email"));
    }
    let address = text(errors, "r_address", address, MAX_REQUESTER_ADDRESS, false);
    if phone.is_empty() && email.is_empty() && address.is_empty() {
        errors.push(("r_phone", "requester-contact-required"));
    }
    (phone, email, address)
}

pub(crate) fn done<T>(errors: Errors, value: T) -> Result<T, Fail> {
    if errors.is_empty() {
        Ok(value)
    } else {
        Err(Fail::Fields(errors))
    }
}

pub(crate) fn append(
    conn: &mut DbConn,
    case_id: i64,
    user: Option<i64>,
    e: &Event,
) -> Result<(), Fail> {
    let data = serde_json::to_string(e)
        .map_err(|err| Fail::Db(diesel::result::Error::SerializationError(Box::new(err))))?;
    q::insert_event(conn, case_id, user, e.kind(), e.on(), &data)?;
    Ok(())
}

/// The case's history as domain events.
pub fn history(conn: &mut DbConn, case_id: i64) -> Result<Vec<(q::EventRow, Event)>, Fail> {
    q::events(conn, case_id)?
        .into_iter()
        .map(|row| {
            let e: Event = serde_json::from_str(&row.data).map_err(|err| {
                Fail::Db(diesel::result::Error::DeserializationError(Box::new(err)))
            })?;
            Ok((row, e))
        })
        .collect()
}

/// Works the deadline and the derived columns out from the history.
pub fn derive(case: &Case, events: &[Event], clock: &Clock) -> (Facts, Deadline, Derived) {
    derive_from(case.received_on, events, clock)
}

/// `derive` for a case not stored yet (bulk imports): only the legal receipt
/// date is needed besides the history.
pub fn derive_from(
    received_on: NaiveDate,
    events: &[Event],
    clock: &Clock,
) -> (Facts, Deadline, Derived) {
    let facts = case::facts(events);
    let dl = deadline::compute(
        received_on,
        &case::clock_events(events),
        clock.calendar,
        clock.settings,
        clock.today,
    );
    let clock_code = match &dl.stopped {
        Some(s) if facts.status == case::Status::Open => s.reason.code().to_string(),
        _ => String::new(),
    };
    let derived = Derived {
        status: facts.status.code().to_string(),
        clock: clock_code,
        due_on: dl.due_on,
        extended: dl.extended,
        extension_pending: matches!(facts.extension, Extension::Requested { .. })
            && facts.status == case::Status::Open,
        outcome: facts
            .decision
            .as_ref()
            .map(|d| d.outcome.code().to_string()),
        closed_on: dl
            .closed_on
            .filter(|_| facts.status == case::Status::Closed),
        late: facts.status == case::Status::Closed && dl.overdue,
    };
    (facts, dl, derived)
}

/// Recomputes and stores what is derived from a case's history.
pub fn refresh(conn: &mut DbConn, case_id: i64, clock: &Clock) -> Result<(), Fail> {
    let case = q::find(conn, case_id)?.ok_or(Fail::NotFound)?;
    let events: Vec<Event> = history(conn, case_id)?
        .into_iter()
        .map(|(_, e)| e)
        .collect();
    let (facts, _, derived) = derive(&case, &events, clock);
    q::store_derived(conn, case_id, &derived)?;
    // What a draft waits for, for the dashboard and the list.
    let waiting = facts
        .draft
        .filter(|_| facts.status == case::Status::Open)
        .and_then(|d| {
            Some(db::review::Waiting {
                step: d.next()?,
                round: i32::try_from(d.round).unwrap_or(i32::MAX),
                since: d.since,
                drafted_by: Some(d.by),
            })
        });
    db::review::set_waiting(conn, case_id, waiting.as_ref())?;
    Ok(())
}

/// After a calendar change: every open case, and every case closed since the
/// first changed day, gets its stored deadline recomputed.
pub fn refresh_after_calendar_change(
    conn: &mut DbConn,
    changed_from: NaiveDate,
    clock: &Clock,
) -> Result<usize, Fail> {
    let ids = q::ids_to_recompute(conn, changed_from)?;
    for id in &ids {
        refresh(conn, *id, clock)?;
    }
    Ok(ids.len())
}

/// Refreshes the stored deadline of every open case whose clock is stopped
/// (run at start and hourly): a lapsed consultation restarts the clock by
/// itself, without an event.
pub fn refresh_stopped(conn: &mut DbConn, clock: &Clock) -> Result<usize, Fail> {
    let ids = q::stopped_ids(conn)?;
    for id in &ids {
        db::write_tx(conn, |conn| refresh(conn, *id, clock))?;
    }
    Ok(ids.len())
}

/// Open cases in scope whose fee went unpaid past its time (rules.md section 5),
/// with the last day to pay: ready to close as deemed withdrawn.
pub fn lapsed_fees(
    conn: &mut DbConn,
    agencies: Option<&[i64]>,
    today: NaiveDate,
) -> Result<Vec<(Case, NaiveDate)>, Fail> {
    let mut out = Vec::new();
    for c in q::open_with_fee_notice(conn, agencies)? {
        let events: Vec<Event> = history(conn, c.id)?.into_iter().map(|(_, e)| e).collect();
        if let case::Fee::Unpaid { due: Some(due), .. } = case::facts(&events).fee
            && due < today
        {
            out.push((c, due));
        }
    }
    Ok(out)
}

/// Loads a case the staff member may act on.
pub fn load_in_scope(conn: &mut DbConn, staff: &Staff, case_id: i64) -> Result<Case, Fail> {
    // Out of scope answers exactly as missing: a 404 confirms nothing.
    q::find(conn, case_id)?
        .filter(|c| staff.scope.contains(c.agency_id))
        .ok_or(Fail::NotFound)
}

/// The member of staff a case may be assigned to: an active clerk or
/// supervisor of the case's agency. Empty text means nobody.
pub(crate) fn assignee(
    conn: &mut DbConn,
    errors: &mut Errors,
    agency_id: i64,
    text: &str,
) -> Result<Option<db::users::User>, Fail> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let user = match text.parse::<i64>() {
        Ok(id) => db::users::find(conn, id)?,
        Err(_) => None,
    };
    match user {
        Some(u) if u.active && u.agency_id == Some(agency_id) && u.role != "admin" => Ok(Some(u)),
        _ => {
            errors.push(("assigned_to", "case-assignee-invalid"));
            Ok(None)
        }
    }
}

pub(crate) fn delivery_method(e: &mut Errors, field: &'static str, value: &str) -> String {
    let v = value.trim();
    if !DELIVERY_METHODS.contains(&v) {
        e.push((field, "field-invalid-choice"));
    }
    v.to_string()
}
