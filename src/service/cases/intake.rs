//! Intake: the form, its checks, the legal receipt date, and recording a new
//! application once, however often the form is sent.

use super::{
    CREDIT_CODE_LEN, Clock, Errors, MAX_ID_NUMBER, MAX_REQUESTER_NAME, Staff, append, assignee,
    contacts, date, done, refresh, text,
};
use crate::db::cases::{self as q, NewCase, Requester, RequesterFields};
use crate::db::{self, DbConn};
use crate::domain::case::{self, Decision, Event};
use crate::domain::deadline::{self, Deadline};
use crate::domain::fees;
use crate::domain::outcome::{self, Channel, Outcome, RequesterType};
use crate::domain::scope::Role;
use crate::service::Fail;
use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use rand::Rng;

pub use super::{DELIVERY_FORMS, ID_TYPES, MAX_SUBJECT, MAX_TEXT};

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
    /// What the clerk should know about this application before recording it.
    pub notes: Notes,
}

/// Facts about an application worth a warning, not a refusal.
#[derive(Clone, Debug, Default)]
pub struct Notes {
    /// Other names (of requesters in scope) under which the identity number is held.
    pub id_held_by: Vec<String>,
    /// An earlier case of the same requester for the same information (art. 36(6)).
    pub asked_before: Option<String>,
    /// Which application of the requester to this agency in the month this one is,
    /// from the 11th on (the fee tiers; art. 35 for clearly unreasonable volumes).
    pub nth_this_month: Option<usize>,
}

fn requester_fields(errors: &mut Errors, i: &IntakeInput) -> RequesterFields {
    let kind = match RequesterType::parse(i.r_kind.trim()) {
        Some(k) => k,
        None => {
            errors.push(("r_kind", "field-invalid-choice"));
            RequesterType::NaturalPerson
        }
    };
    let name = text(errors, "r_name", &i.r_name, MAX_REQUESTER_NAME, true);
    let id_number =
        text(errors, "r_id_number", &i.r_id_number, MAX_ID_NUMBER, false).to_uppercase();
    let id_type = i.r_id_type.trim().to_string();
    if !id_type.is_empty() && !ID_TYPES.contains(&id_type.as_str()) {
        errors.push(("r_id_type", "field-invalid-choice"));
    }
    if id_type == "resident_id" && !id_number.is_empty() && !case::valid_resident_id(&id_number) {
        errors.push(("r_id_number", "requester-id-invalid"));
    }
    let credit_code = text(
        errors,
        "r_credit_code",
        &i.r_credit_code,
        CREDIT_CODE_LEN,
        false,
    )
    .to_uppercase();
    if !credit_code.is_empty() && credit_code.len() != CREDIT_CODE_LEN {
        errors.push(("r_credit_code", "requester-credit-code-invalid"));
    }
    let (phone, email, address) = contacts(errors, &i.r_phone, &i.r_email, &i.r_address);
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
    // An existing requester: the same information asked for before, and how many
    // applications this one makes this month.
    let mut asked_before = None;
    let mut nth_this_month = None;
    if let (Ok(rid), Ok(_)) = (&requester, i.agency_id.trim().parse::<i64>()) {
        let theirs = q::of_requester(conn, *rid, staff.scope.ids())?;
        asked_before = theirs
            .iter()
            .find(|c| c.subject.trim() == subject.trim())
            .map(|c| c.tracking_no.clone());
        let month = |d: NaiveDate| (chrono::Datelike::year(&d), chrono::Datelike::month(&d));
        let n = theirs
            .iter()
            .filter(|c| c.agency_id == agency_id && month(c.received_on) == month(received_on))
            .count()
            + 1;
        // Worth a word once the fee measures would charge for it.
        nth_this_month = (fees::per_request(n as u32) > 0).then_some(n);
    }
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
            notes: Notes {
                id_held_by,
                asked_before,
                nth_this_month,
            },
        },
    )
}

/// The code an applicant tracks the case with on the public pages.
pub(crate) fn public_code() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rng();
    (0..12)
        .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
        .collect()
}

/// A recorded application, with what the clerk should be told about it.
pub struct Recorded {
    pub id: i64,
    pub notes: Notes,
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
            notes: Notes::default(),
        });
    }
    recorded
}

/// A case number given out before the case exists (an online application's).
#[derive(Clone, Debug)]
pub struct Reserved {
    pub tracking_no: String,
    pub year: i32,
    pub seq: i32,
}

fn record(
    conn: &mut DbConn,
    staff: &Staff,
    input: &IntakeInput,
    clock: &Clock,
    token: Option<&str>,
) -> Result<Recorded, Fail> {
    db::write_tx(conn, |conn| {
        record_in(conn, staff, input, clock, token, None)
    })
}

/// Records an application in the caller's transaction, under `reserved` when
/// its number was given out already, else under the next one.
pub(crate) fn record_in(
    conn: &mut DbConn,
    staff: &Staff,
    input: &IntakeInput,
    clock: &Clock,
    token: Option<&str>,
    reserved: Option<&Reserved>,
) -> Result<Recorded, Fail> {
    {
        if let Some(t) = token
            && let Some(id) = q::find_by_intake_token(conn, t)?
        {
            return Ok(Recorded {
                id,
                notes: Notes::default(),
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
            // The same form posted twice at once: the other post recorded it
            // meanwhile, and this one answers with that case.
            if let Some(t) = token
                && let Some(id) = q::find_by_intake_token(conn, t)?
            {
                return Ok(Recorded {
                    id,
                    notes: Notes::default(),
                });
            }
            return Err(Fail::Duplicate(id, no));
        }
        let requester: Requester = match &i.requester {
            Ok(id) => q::find_requester(conn, *id)?.ok_or(Fail::NotFound)?,
            Err(fields) => q::insert_requester(conn, fields)?,
        };
        let agency = db::agencies::find(conn, i.agency_id)?.ok_or(Fail::NotFound)?;
        let (tracking_no, year, seq) = match reserved {
            Some(r) => (r.tracking_no.clone(), r.year, r.seq),
            None => {
                let year = chrono::Datelike::year(&i.received_on);
                let seq = q::next_number(conn, agency.id, year, "case")?;
                (case::case_number(&agency.code, year, seq), year, seq)
            }
        };
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
                how_provided: i.how_provided.clone(),
                ..Decision::plain(
                    i.received_on,
                    outcome,
                    i.findings.clone(),
                    "in_person".into(),
                )
            }));
        }
        for e in &events {
            append(conn, id, Some(staff.id), e)?;
        }
        refresh(conn, id, clock)?;
        Ok(Recorded { id, notes: i.notes })
    }
}
