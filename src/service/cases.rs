//! Case handling: intake, the actions of the case history, and keeping the
//! stored status and deadline in step with the history. Every change is one
//! transaction: the version check, the events, and the derived columns.

use super::Fail;
use crate::db::cases::{self as q, Case, Derived, NewCase, Requester, RequesterFields};
use crate::db::{self, DbConn};
use crate::domain::calendar::Calendar;
use crate::domain::case::{self, Action, Correction, Decision, Event, Extension, Facts, Who};
use crate::domain::deadline::{self, ConsultationKind, Deadline, Settings};
use crate::domain::outcome::{self, Channel, Ground, Outcome, RequesterType};
use crate::domain::scope::{Role, Scope};
use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use rand::Rng;

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
    (chrono::Utc::now() + chrono::Duration::hours(8)).date_naive()
}

pub const DELIVERY_FORMS: [&str; 4] = ["paper", "email", "pickup", "other"];
pub const ID_TYPES: [&str; 4] = ["resident_id", "passport", "hk_macao_tw", "other"];
pub const MAX_SUBJECT: usize = 2000;
pub const MAX_TEXT: usize = 4000;

type Errors = Vec<(&'static str, &'static str)>;

fn text(
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

fn date(
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
fn event_date(
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

fn done<T>(errors: Errors, value: T) -> Result<T, Fail> {
    if errors.is_empty() {
        Ok(value)
    } else {
        Err(Fail::Fields(errors))
    }
}

// ---------------------------------------------------------------- intake

/// The intake form, as typed.
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct IntakeInput {
    pub form_token: String,
    pub requester_id: String,
    pub r_kind: String,
    pub r_name: String,
    pub r_id_type: String,
    pub r_id_number: String,
    pub r_credit_code: String,
    pub r_phone: String,
    pub r_email: String,
    pub r_address: String,
    pub agency_id: String,
    pub assigned_to: String,
    pub channel: String,
    pub letter_signed: String,
    pub arrived_on: String,
    pub arrived_time: String,
    pub confirmed_on: String,
    pub subject: String,
    pub delivery_form: String,
    pub topic: String,
    pub on_the_spot: String,
    pub outcome: String,
    pub findings: String,
    pub how_provided: String,
    /// "true": the clerk confirms a receipt date more than a year ago.
    pub confirm_old: String,
    /// "true": record even though the same request was recorded a moment ago.
    pub confirm_duplicate: String,
}

/// A checked intake, with what the law makes of it.
#[derive(Clone, Debug)]
pub struct Intake {
    pub requester: Result<i64, RequesterFields>,
    pub agency_id: i64,
    pub assigned_to: Option<i64>,
    pub channel: Channel,
    pub letter_signed: bool,
    pub arrived_at: NaiveDateTime,
    pub confirmed_on: Option<NaiveDate>,
    pub received_on: NaiveDate,
    pub subject: String,
    pub delivery_form: String,
    pub topic: String,
    pub on_the_spot: Option<Outcome>,
    pub findings: String,
    pub how_provided: String,
    /// The deadline as it stands at intake, for the preview.
    pub deadline: Deadline,
    /// Other names (of requesters in scope) under which the identity number is held.
    pub id_held_by: Vec<String>,
}

fn requester_fields(errors: &mut Errors, i: &IntakeInput) -> RequesterFields {
    let kind = match RequesterType::parse(i.r_kind.trim()) {
        Some(k) => k,
        None => {
            errors.push(("r_kind", "field-invalid-choice"));
            RequesterType::NaturalPerson
        }
    };
    let name = text(errors, "r_name", &i.r_name, 100, true);
    let id_number = text(errors, "r_id_number", &i.r_id_number, 40, false).to_uppercase();
    let id_type = i.r_id_type.trim().to_string();
    if !id_type.is_empty() && !ID_TYPES.contains(&id_type.as_str()) {
        errors.push(("r_id_type", "field-invalid-choice"));
    }
    if id_type == "resident_id" && !id_number.is_empty() && !case::valid_resident_id(&id_number) {
        errors.push(("r_id_number", "requester-id-invalid"));
    }
    let credit_code = text(errors, "r_credit_code", &i.r_credit_code, 18, false).to_uppercase();
    if !credit_code.is_empty() && credit_code.len() != 18 {
        errors.push(("r_credit_code", "requester-credit-code-invalid"));
    }
    let phone = text(errors, "r_phone", &i.r_phone, 40, false);
    let email = text(errors, "r_email", &i.r_email, 100, false);
    if !email.is_empty() && !email.contains('@') {
        errors.push(("r_email", "field-invalid-email"));
    }
    let address = text(errors, "r_address", &i.r_address, 200, false);
    // The law asks for contact details: at least one way to reach the applicant.
    if phone.is_empty() && email.is_empty() && address.is_empty() {
        errors.push(("r_phone", "requester-contact-required"));
    }
    RequesterFields {
        kind: kind.code().to_string(),
        name,
        id_type,
        id_number,
        credit_code,
        phone,
        email,
        address,
    }
}

/// Checks an intake form and works out the legal receipt date and deadline.
pub fn check_intake(
    conn: &mut DbConn,
    staff: &Staff,
    i: &IntakeInput,
    clock: &Clock,
) -> Result<Intake, Fail> {
    let mut errors = Errors::new();
    let requester = match i.requester_id.trim() {
        "" => Err(requester_fields(&mut errors, i)),
        id => match id
            .parse::<i64>()
            .ok()
            .map(|id| q::find_requester_in_scope(conn, id, staff.scope.ids()))
            .transpose()?
        {
            Some(Some(r)) => Ok(r.id),
            _ => {
                errors.push(("requester_id", "field-invalid-choice"));
                Ok(0)
            }
        },
    };
    let agency_id = match i.agency_id.trim().parse::<i64>() {
        Ok(a) if staff.scope.contains(a) && db::agencies::find(conn, a)?.is_some() => a,
        _ => {
            errors.push(("agency_id", "field-invalid-choice"));
            0
        }
    };
    let assigned_to = match i.assigned_to.trim() {
        "" if staff.role == Role::Clerk => Some(staff.id),
        text => assignee(conn, &mut errors, agency_id, text)?.map(|u| u.id),
    };
    let channel = Channel::parse(i.channel.trim());
    if channel.is_none() {
        errors.push(("channel", "field-invalid-choice"));
    }
    let letter_signed = i.letter_signed == "true";
    let arrived_on = date(&mut errors, "arrived_on", &i.arrived_on, true);
    let arrived_time = match i.arrived_time.trim() {
        "" => Some(NaiveTime::MIN),
        t => NaiveTime::parse_from_str(t, "%H:%M").ok().or_else(|| {
            errors.push(("arrived_time", "field-invalid-time"));
            None
        }),
    };
    if arrived_on.is_some_and(|d| d > clock.today) {
        errors.push(("arrived_on", "field-date-future"));
    }
    let confirmed_on = date(&mut errors, "confirmed_on", &i.confirmed_on, false);
    if confirmed_on.is_some_and(|d| d > clock.today) {
        errors.push(("confirmed_on", "field-date-future"));
    }
    let subject = text(&mut errors, "subject", &i.subject, MAX_SUBJECT, true);
    let delivery_form = i.delivery_form.trim().to_string();
    if !DELIVERY_FORMS.contains(&delivery_form.as_str()) {
        errors.push(("delivery_form", "field-invalid-choice"));
    }
    let topic = i.topic.trim().to_string();
    if !topic.is_empty() && !q::topics(conn)?.contains(&topic) {
        errors.push(("topic", "field-invalid-choice"));
    }
    let on_the_spot = if i.on_the_spot == "true" {
        match Outcome::parse(i.outcome.trim()) {
            // A case answered at intake has no correction or fee behind it.
            Some(o) if case::check_outcome(o, &case::facts(&[])).is_ok() => Some(o),
            _ => {
                errors.push(("outcome", "field-invalid-choice"));
                None
            }
        }
    } else {
        None
    };
    let findings = text(&mut errors, "findings", &i.findings, MAX_TEXT, false);
    let how_provided = text(
        &mut errors,
        "how_provided",
        &i.how_provided,
        MAX_TEXT,
        false,
    );
    let received_on = match (channel, arrived_on) {
        (Some(c), Some(a)) => {
            match outcome::legal_receipt_date(c, letter_signed, a, confirmed_on) {
                Ok(d) => Some(d),
                Err(outcome::ReceiptError::ConfirmationRequired) => {
                    errors.push(("confirmed_on", "intake-confirmation-required"));
                    None
                }
                Err(outcome::ReceiptError::ConfirmationBeforeArrival) => {
                    errors.push(("confirmed_on", "intake-confirmation-before-arrival"));
                    None
                }
            }
        }
        _ => None,
    };
    match received_on.map(|r| deadline::receipt_age(r, clock.today)) {
        Some(deadline::ReceiptAge::BeforeRegulation) => {
            errors.push(("arrived_on", "intake-before-regulation"))
        }
        Some(deadline::ReceiptAge::Old) if i.confirm_old != "true" => {
            errors.push(("arrived_on", "intake-old-date-confirm"))
        }
        _ => {}
    }
    if on_the_spot.is_some() && received_on.is_some_and(|r| r != clock.today) {
        errors.push(("on_the_spot", "intake-on-the-spot-today"));
    }
    let (Some(channel), Some(arrived_on), Some(arrived_time), Some(received_on)) =
        (channel, arrived_on, arrived_time, received_on)
    else {
        return Err(Fail::Fields(errors));
    };
    let deadline = deadline::compute(
        received_on,
        &[],
        clock.calendar,
        clock.settings,
        clock.today,
    );
    // A new requester whose identity number someone in scope already holds under another
    // name: a typo, or a second record of one person. Warned, not refused.
    let id_held_by = match &requester {
        Err(f) if !f.id_number.is_empty() => {
            q::names_holding_id(conn, &f.id_number, staff.scope.ids())?
                .into_iter()
                .filter(|n| *n != f.name)
                .collect()
        }
        _ => Vec::new(),
    };
    done(
        errors,
        Intake {
            requester,
            agency_id,
            assigned_to,
            channel,
            letter_signed,
            arrived_at: arrived_on.and_time(arrived_time),
            confirmed_on,
            received_on,
            subject,
            delivery_form,
            topic,
            on_the_spot,
            findings,
            how_provided,
            deadline,
            id_held_by,
        },
    )
}

/// The member of staff a case may be assigned to: an active clerk or
/// supervisor of the case's agency. Empty text means nobody.
fn assignee(
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

fn public_code() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rng();
    (0..12)
        .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
        .collect()
}

/// A recorded application, with what the clerk should be told about it.
pub struct Recorded {
    pub id: i64,
    /// Other names in scope holding the requester's identity number.
    pub id_held_by: Vec<String>,
}

/// Records a new application. A form submitted twice (same token) records it once.
pub fn intake(
    conn: &mut DbConn,
    staff: &Staff,
    input: &IntakeInput,
    clock: &Clock,
) -> Result<Recorded, Fail> {
    let token = input.form_token.trim();
    let token = (!token.is_empty() && token.len() <= 64).then_some(token);
    let recorded = record(conn, staff, input, clock, token);
    // Two posts of one form at the same moment (a double-click) on
    // PostgreSQL: both looked for the token before either wrote it, and the
    // second insert breaks its uniqueness. That post is answered with the
    // case the first one recorded.
    if let (Err(Fail::Db(e)), Some(t)) = (&recorded, token)
        && db::is_unique_violation(e)
        && let Some(id) = q::find_by_intake_token(conn, t)?
    {
        return Ok(Recorded {
            id,
            id_held_by: Vec::new(),
        });
    }
    recorded
}

fn record(
    conn: &mut DbConn,
    staff: &Staff,
    input: &IntakeInput,
    clock: &Clock,
    token: Option<&str>,
) -> Result<Recorded, Fail> {
    db::write_tx(conn, |conn| {
        if let Some(t) = token
            && let Some(id) = q::find_by_intake_token(conn, t)?
        {
            return Ok(Recorded {
                id,
                id_held_by: Vec::new(),
            });
        }
        let i = check_intake(conn, staff, input, clock)?;
        let name = match &i.requester {
            Ok(id) => q::find_requester(conn, *id)?
                .map(|r| r.name)
                .unwrap_or_default(),
            Err(f) => f.name.clone(),
        };
        if input.confirm_duplicate != "true"
            && let Some((id, no)) = q::recent_same(
                conn,
                i.agency_id,
                &name,
                &i.subject,
                db::now() - chrono::Duration::hours(24),
            )?
        {
            return Err(Fail::Duplicate(id, no));
        }
        let requester: Requester = match &i.requester {
            Ok(id) => q::find_requester(conn, *id)?.ok_or(Fail::NotFound)?,
            Err(fields) => q::insert_requester(conn, fields)?,
        };
        let agency = db::agencies::find(conn, i.agency_id)?.ok_or(Fail::NotFound)?;
        let year = chrono::Datelike::year(&i.received_on);
        let seq = q::next_number(conn, agency.id, year, "case")?;
        let tracking_no = format!("{}-{year}-{seq:04}", agency.code);
        let id = q::insert_case(
            conn,
            &NewCase {
                tracking_no: &tracking_no,
                agency_id: agency.id,
                year,
                seq,
                requester: &requester,
                channel: i.channel.code(),
                letter_signed: i.letter_signed,
                arrived_at: i.arrived_at,
                confirmed_on: i.confirmed_on,
                received_on: i.received_on,
                subject: &i.subject,
                delivery_form: &i.delivery_form,
                topic: &i.topic,
                assigned_to: i.assigned_to,
                public_code: &public_code(),
                intake_token: token,
                user_id: Some(staff.id),
            },
        )?;
        let mut events = vec![Event::Intake {
            received_on: i.received_on,
            channel: i.channel.code().to_string(),
            on_the_spot: i.on_the_spot.is_some(),
        }];
        if let Some(outcome) = i.on_the_spot {
            events.push(Event::Decided(Decision {
                on: i.received_on,
                outcome,
                findings: i.findings.clone(),
                reasons: String::new(),
                extra_basis: String::new(),
                how_provided: i.how_provided.clone(),
                other_agency: String::new(),
                earlier_answer: String::new(),
                earlier_answer_on: None,
                delivery_method: "in_person".into(),
                ground: None,
                ground_law: String::new(),
                public_interest: String::new(),
            }));
        }
        for e in &events {
            append(conn, id, Some(staff.id), e)?;
        }
        refresh(conn, id, clock)?;
        Ok(Recorded {
            id,
            id_held_by: i.id_held_by,
        })
    })
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
    let facts = case::facts(events);
    let dl = deadline::compute(
        case.received_on,
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
    let (_, _, derived) = derive(&case, &events, clock);
    q::store_derived(conn, case_id, &derived)?;
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

// ---------------------------------------------------------------- actions

/// Any action's form, as typed; each action reads the fields it needs.
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct ActionInput {
    pub version: String,
    pub on: String,
    pub items: String,
    pub due: String,
    pub note: String,
    pub reason: String,
    pub consultation: String,
    pub party: String,
    pub matter: String,
    pub why: String,
    pub reply: String,
    pub assigned_to: String,
    pub outcome: String,
    pub findings: String,
    pub reasons: String,
    pub extra_basis: String,
    pub how_provided: String,
    pub other_agency: String,
    pub earlier_answer: String,
    pub earlier_answer_on: String,
    pub delivery_method: String,
    pub method: String,
    pub recipient: String,
    pub address: String,
    pub postal_tracking: String,
    pub letter_id: String,
    pub receipt_on: String,
    pub applicant_reasons: String,
    pub ground: String,
    pub ground_law: String,
    pub public_interest: String,
    pub subject: String,
    pub channel: String,
    pub letter_signed: String,
    pub arrived_on: String,
    pub confirmed_on: String,
    pub r_phone: String,
    pub r_email: String,
    pub r_address: String,
}

pub const DELIVERY_METHODS: [&str; 6] = ["in_person", "post", "email", "fax", "online", "other"];

/// Loads a case the staff member may act on.
pub fn load_in_scope(conn: &mut DbConn, staff: &Staff, case_id: i64) -> Result<Case, Fail> {
    // Out of scope answers exactly as missing: a 404 confirms nothing.
    q::find(conn, case_id)?
        .filter(|c| staff.scope.contains(c.agency_id))
        .ok_or(Fail::NotFound)
}

/// Performs one action on a case: checks scope, state, input and version,
/// appends the events and refreshes the derived columns, all in one transaction.
pub fn act(
    conn: &mut DbConn,
    staff: &Staff,
    case_id: i64,
    action: Action,
    input: &ActionInput,
    clock: &Clock,
) -> Result<(), Fail> {
    db::write_tx(conn, |conn| {
        let case = load_in_scope(conn, staff, case_id)?;
        // The version first: someone who changed the case meanwhile explains
        // a refusal better than the refusal itself.
        let version: i32 = input
            .version
            .trim()
            .parse()
            .map_err(|_| Fail::Refused("case-stale-form"))?;
        if !q::claim(conn, case_id, version, staff.id)? {
            return Err(Fail::Conflict {
                by: case.updated_by,
                at: case.updated_at,
            });
        }
        let events: Vec<Event> = history(conn, case_id)?
            .into_iter()
            .map(|(_, e)| e)
            .collect();
        let (facts, dl, _) = derive(&case, &events, clock);
        case::check(action, &facts, staff.who(), &dl, clock.today).map_err(Fail::Refused)?;
        let new_events = build(
            conn, staff, &case, &events, &facts, &dl, action, input, clock,
        )?;
        for e in &new_events {
            match e {
                Event::Assigned { to, .. } => {
                    q::set_assigned(conn, case_id, *to)?;
                }
                Event::DetailsEdited { changes, received } => {
                    apply_details(conn, &case, changes, *received)?;
                }
                _ => {}
            }
            append(conn, case_id, Some(staff.id), e)?;
        }
        refresh(conn, case_id, clock)
    })
}

#[allow(clippy::too_many_arguments)]
fn build(
    conn: &mut DbConn,
    staff: &Staff,
    case: &Case,
    events: &[Event],
    facts: &Facts,
    dl: &Deadline,
    action: Action,
    i: &ActionInput,
    clock: &Clock,
) -> Result<Vec<Event>, Fail> {
    let mut e = Errors::new();
    let received = case.received_on;
    let today = clock.today;
    let ev = match action {
        Action::Assign => {
            let to = assignee(conn, &mut e, case.agency_id, &i.assigned_to)?;
            Event::Assigned {
                to: to.as_ref().map(|u| u.id),
                to_name: to.map(|u| u.display_name).unwrap_or_default(),
            }
        }
        Action::EditDetails => edit_details(conn, &mut e, case, facts, i, clock)?,
        Action::RequestCorrection => {
            let on = event_date(&mut e, "on", &i.on, received, today);
            let items: Vec<String> = i
                .items
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_string)
                .collect();
            if items.is_empty() {
                e.push(("items", "field-required"));
            }
            if i.items.chars().count() > MAX_TEXT {
                e.push(("items", "field-too-long"));
            }
            if let Some(on) = on
                && let Err(key) = case::check_correction_date(on, dl)
            {
                e.push(("on", key));
            }
            let due = date(&mut e, "due", &i.due, false);
            let on = on.unwrap_or(today);
            let due =
                due.unwrap_or_else(|| deadline::correction_due(on, clock.calendar, clock.settings));
            if due <= on {
                e.push(("due", "case-correction-due-after-notice"));
            }
            Event::CorrectionRequested {
                on,
                due,
                items,
                late_notice: deadline::correction_notice_late(
                    received,
                    on,
                    clock.calendar,
                    clock.settings,
                ),
            }
        }
        Action::ReceiveCorrection => {
            let on = event_date(&mut e, "on", &i.on, received, today).unwrap_or(today);
            if let Correction::Pending { requested_on, .. } = facts.correction
                && on < requested_on
            {
                e.push(("on", "case-date-before-request"));
            }
            Event::CorrectionReceived {
                on,
                note: text(&mut e, "note", &i.note, MAX_TEXT, false),
            }
        }
        Action::CorrectionOverdue => {
            let on = event_date(&mut e, "on", &i.on, received, today).unwrap_or(today);
            Event::Decided(Decision {
                on,
                outcome: Outcome::OtherCorrectionOverdue,
                findings: text(&mut e, "findings", &i.findings, MAX_TEXT, false),
                reasons: String::new(),
                extra_basis: String::new(),
                how_provided: String::new(),
                other_agency: String::new(),
                earlier_answer: String::new(),
                earlier_answer_on: None,
                delivery_method: delivery_method(&mut e, "delivery_method", &i.delivery_method),
                ground: None,
                ground_law: String::new(),
                public_interest: String::new(),
            })
        }
        Action::StartConsultation => {
            let on = event_date(&mut e, "on", &i.on, received, today).unwrap_or(today);
            let kind = ConsultationKind::parse(i.consultation.trim()).unwrap_or_else(|| {
                e.push(("consultation", "field-invalid-choice"));
                ConsultationKind::ThirdParty
            });
            let why = text(
                &mut e,
                "why",
                &i.why,
                MAX_TEXT,
                kind == ConsultationKind::ThirdParty,
            );
            // The party's period runs from its receipt of the letter: the day it is
            // handed over by default, a later day when it goes by post.
            let receipt_on = date(&mut e, "receipt_on", &i.receipt_on, false).unwrap_or(on);
            if receipt_on < on {
                e.push(("receipt_on", "case-receipt-before-sending"));
            }
            Event::ConsultationStarted {
                on,
                consultation: kind,
                party: text(&mut e, "party", &i.party, 200, true),
                matter: text(&mut e, "matter", &i.matter, MAX_TEXT, true),
                why,
                receipt_on: Some(receipt_on),
                answer_due: deadline::consultation_answer_due(
                    receipt_on,
                    clock.calendar,
                    clock.settings,
                ),
            }
        }
        Action::EndConsultation => {
            let on = event_date(&mut e, "on", &i.on, received, today).unwrap_or(today);
            let reply = i.reply.trim().to_string();
            if !["consent", "objection", "none"].contains(&reply.as_str()) {
                e.push(("reply", "field-invalid-choice"));
            }
            Event::ConsultationEnded {
                on,
                reply,
                note: text(&mut e, "note", &i.note, MAX_TEXT, false),
            }
        }
        Action::RequestExtension => Event::ExtensionRequested {
            on: today,
            reason: text(&mut e, "reason", &i.reason, MAX_TEXT, true),
            by: staff.id,
        },
        Action::ApproveExtension => {
            // The date recorded (and printed) is the deadline engine's with the extension
            // in the history; none while the clock stands still.
            let days = dl.rule_set.extension_days;
            let approved = |new_due| Event::ExtensionApproved {
                on: today,
                days,
                new_due,
                by: staff.id,
            };
            let mut with = events.to_vec();
            with.push(approved(None));
            let after = deadline::compute(
                case.received_on,
                &case::clock_events(&with),
                clock.calendar,
                clock.settings,
                today,
            );
            approved(after.due_on)
        }
        Action::RefuseExtension => Event::ExtensionRefused {
            on: today,
            reason: text(&mut e, "reason", &i.reason, MAX_TEXT, true),
            by: staff.id,
        },
        Action::SetDeadline => {
            let due = date(&mut e, "due", &i.due, true);
            if let (Some(due), Some(current)) = (due, dl.due_on)
                && due <= current
            {
                e.push(("due", "case-deadline-not-later"));
            }
            Event::DeadlineSet {
                on: today,
                due: due.unwrap_or(today),
                reason: text(&mut e, "reason", &i.reason, MAX_TEXT, true),
                applicant_reasons: text(
                    &mut e,
                    "applicant_reasons",
                    &i.applicant_reasons,
                    MAX_TEXT,
                    true,
                ),
            }
        }
        Action::RequestReasons => {
            let on = event_date(&mut e, "on", &i.on, received, today).unwrap_or(today);
            Event::ReasonsRequested {
                on,
                note: text(&mut e, "note", &i.note, MAX_TEXT, false),
            }
        }
        Action::Decide => {
            let on = event_date(&mut e, "on", &i.on, received, today).unwrap_or(today);
            let outcome = Outcome::parse(i.outcome.trim());
            match outcome {
                None => e.push(("outcome", "field-invalid-choice")),
                Some(o) => {
                    if let Err(key) = case::check_outcome(o, facts) {
                        e.push(("outcome", key));
                    }
                }
            }
            let needs_reasons = outcome.is_some_and(Outcome::needs_reasons);
            let ground = match i.ground.trim() {
                "" => None,
                g => Ground::parse(g).or_else(|| {
                    e.push(("ground", "field-invalid-choice"));
                    None
                }),
            };
            let ground_law = text(&mut e, "ground_law", &i.ground_law, 200, false);
            if let Some(o) = outcome
                && let Err(fail) = outcome::check_ground(o, ground, &ground_law)
            {
                e.push(fail);
            }
            // Disclosing over a third party's objection needs the public interest (art. 32).
            let over_objection = facts.objection && outcome.is_some_and(Outcome::discloses);
            let public_interest = text(
                &mut e,
                "public_interest",
                &i.public_interest,
                MAX_TEXT,
                over_objection,
            );
            let d = Decision {
                on,
                outcome: outcome.unwrap_or(Outcome::Other),
                findings: text(&mut e, "findings", &i.findings, MAX_TEXT, false),
                reasons: text(&mut e, "reasons", &i.reasons, MAX_TEXT, needs_reasons),
                extra_basis: text(&mut e, "extra_basis", &i.extra_basis, 500, false),
                how_provided: text(&mut e, "how_provided", &i.how_provided, MAX_TEXT, false),
                other_agency: text(
                    &mut e,
                    "other_agency",
                    &i.other_agency,
                    500,
                    outcome == Some(Outcome::NotHeldOtherAgency),
                ),
                earlier_answer: text(
                    &mut e,
                    "earlier_answer",
                    &i.earlier_answer,
                    200,
                    outcome == Some(Outcome::NotProcessedRepeat),
                ),
                earlier_answer_on: date(
                    &mut e,
                    "earlier_answer_on",
                    &i.earlier_answer_on,
                    outcome == Some(Outcome::NotProcessedRepeat),
                ),
                delivery_method: delivery_method(&mut e, "delivery_method", &i.delivery_method),
                ground,
                ground_law,
                public_interest,
            };
            Event::Decided(d)
        }
        Action::Deliver => {
            let on = event_date(&mut e, "on", &i.on, received, today).unwrap_or(today);
            let letter_id = i.letter_id.trim().parse::<i64>().ok();
            if let Some(l) = letter_id
                && q::letter(conn, case.id, l)?.is_none()
            {
                e.push(("letter_id", "field-invalid-choice"));
            }
            Event::Delivered {
                on,
                method: delivery_method(&mut e, "method", &i.method),
                recipient: text(&mut e, "recipient", &i.recipient, 100, true),
                address: text(&mut e, "address", &i.address, 200, false),
                postal_tracking: text(&mut e, "postal_tracking", &i.postal_tracking, 50, false),
                letter_id,
                note: text(&mut e, "note", &i.note, MAX_TEXT, false),
            }
        }
        Action::Reopen => Event::Reopened {
            on: today,
            reason: text(&mut e, "reason", &i.reason, MAX_TEXT, true),
        },
        Action::Void => Event::Voided {
            on: today,
            reason: text(&mut e, "reason", &i.reason, MAX_TEXT, true),
        },
    };
    done(e, vec![ev])
}

/// A correction of registered details: what changed, and the legal receipt date that
/// follows from the corrected channel and dates.
fn edit_details(
    conn: &mut DbConn,
    e: &mut Errors,
    case: &Case,
    facts: &Facts,
    i: &ActionInput,
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
    let phone = text(e, "r_phone", &i.r_phone, 40, false);
    let email = text(e, "r_email", &i.r_email, 100, false);
    if !email.is_empty() && !email.contains('@') {
        e.push(("r_email", "field-invalid-email"));
    }
    let address = text(e, "r_address", &i.r_address, 200, false);
    if phone.is_empty() && email.is_empty() && address.is_empty() {
        e.push(("r_phone", "requester-contact-required"));
    }
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
fn apply_details(
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

fn delivery_method(e: &mut Errors, field: &'static str, value: &str) -> String {
    let v = value.trim();
    if !DELIVERY_METHODS.contains(&v) {
        e.push((field, "field-invalid-choice"));
    }
    v.to_string()
}
