//! The public channel: an application posted on `/apply` waits, under a
//! reserved case number, for a clerk to confirm it (the case is then recorded
//! through the normal intake, with the confirmation day as the legal receipt
//! date) or to reject it; the applicant looks it up on `/track` with the
//! number and the access code they were given. Each step is told to the
//! applicant by e-mail, or by SMS when they gave only a mobile number.

use super::Fail;
use super::cases::intake::{self, Reserved};
use super::cases::{
    Clock, DELIVERY_FORMS, Errors, ID_TYPES, IntakeInput, MAX_ID_NUMBER, MAX_REQUESTER_NAME,
    MAX_SUBJECT, Staff, contacts, date, done, text,
};
use super::mail::messages::{self, Office};
use super::mail::{ToApplicant, sms, to_applicant};
use crate::auth;
use crate::db::applications::{self as q, Application, NewApplication};
use crate::db::cases::{Case, LetterRow};
use crate::db::{self, DbConn};
use crate::domain::attachment::File;
use crate::domain::case;
use crate::domain::letters::LetterKind;
use crate::domain::mail::{Kind, application_key, forward_key};
use crate::domain::outcome::RequesterType;
use crate::domain::public::{self as rules, CODE_ALPHABET, CODE_LEN, Stage};
use chrono::{Datelike, NaiveDate, NaiveDateTime};
use rand::Rng;

/// The public form, with the field names other systems post.
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct ApplyInput {
    pub agency_code: String,
    pub requester_type: String,
    pub requester_name: String,
    pub id_type: String,
    pub id_number: String,
    pub phone: String,
    pub email: String,
    pub address: String,
    pub subject: String,
    pub delivery_method: String,
    /// One per form shown: a second post of the same form stores nothing new.
    pub form_token: String,
    /// The honeypot: hidden from people, filled by robots.
    pub website: String,
}

/// A stored application, as the applicant is told of it.
#[derive(Clone, Debug)]
pub struct Applied {
    pub id: i64,
    pub tracking_no: String,
    /// The access code; None when this post repeated an earlier one (the code was
    /// shown then, and is stored only hashed).
    pub code: Option<String>,
}

/// A new access code (`domain::public::CODE_ALPHABET`).
pub fn access_code() -> String {
    let mut rng = rand::rng();
    (0..CODE_LEN)
        .map(|_| CODE_ALPHABET[rng.random_range(0..CODE_ALPHABET.len())] as char)
        .collect()
}

/// The intake's checks, on the public form's fields, without storing anything.
pub fn validate(conn: &mut DbConn, i: &ApplyInput) -> Result<(), Fail> {
    check(conn, i).map(|_| ())
}

/// The intake's checks, on the public form's fields.
fn check(conn: &mut DbConn, i: &ApplyInput) -> Result<(i64, String), Fail> {
    let mut errors = Errors::new();
    let agency = db::agencies::find_by_code(conn, i.agency_code.trim())?;
    if agency.is_none() {
        errors.push(("agency_code", "field-invalid-choice"));
    }
    if RequesterType::parse(i.requester_type.trim()).is_none() {
        errors.push(("requester_type", "field-invalid-choice"));
    }
    text(
        &mut errors,
        "requester_name",
        &i.requester_name,
        MAX_REQUESTER_NAME,
        true,
    );
    let id_type = i.id_type.trim();
    if !id_type.is_empty() && !ID_TYPES.contains(&id_type) {
        errors.push(("id_type", "field-invalid-choice"));
    }
    let id_number = text(&mut errors, "id_number", &i.id_number, MAX_ID_NUMBER, false);
    if id_type == "resident_id"
        && !id_number.is_empty()
        && !case::valid_resident_id(&id_number.to_uppercase())
    {
        errors.push(("id_number", "requester-id-invalid"));
    }
    let mut contact = Errors::new();
    contacts(&mut contact, &i.phone, &i.email, &i.address);
    // The intake names its contact fields r_phone, r_email, r_address.
    errors.extend(contact.into_iter().map(|(f, k)| {
        let f = match f {
            "r_email" => "email",
            "r_address" => "address",
            _ => "phone",
        };
        (f, k)
    }));
    text(&mut errors, "subject", &i.subject, MAX_SUBJECT, true);
    if !DELIVERY_FORMS.contains(&i.delivery_method.trim()) {
        errors.push(("delivery_method", "field-invalid-choice"));
    }
    let agency = agency.map(|a| (a.id, a.code)).unwrap_or_default();
    done(errors, agency)
}

/// Stores an application arrived at `arrived_at` (China time) under a reserved case
/// number, and queues the acknowledgement. A form posted again (same token) gives
/// the application stored the first time.
pub fn apply(
    conn: &mut DbConn,
    i: &ApplyInput,
    files: &[File],
    arrived_at: NaiveDateTime,
) -> Result<Applied, Fail> {
    let token = i.form_token.trim();
    if token.is_empty() || token.len() > 64 {
        return Err(Fail::field("form_token", "error-bad-form"));
    }
    let stored = db::write_tx(conn, |conn| {
        if let Some(a) = q::find_by_token(conn, token)? {
            return Ok(again(a));
        }
        let (agency_id, agency_code) = check(conn, i)?;
        let year = arrived_at.year();
        let seq = db::cases::next_number(conn, agency_id, year, "case")?;
        let tracking_no = case::case_number(&agency_code, year, seq);
        let code = access_code();
        let id = q::insert(
            conn,
            &NewApplication {
                agency_id,
                tracking_no: &tracking_no,
                year,
                seq,
                requester_kind: i.requester_type.trim(),
                requester_name: i.requester_name.trim(),
                id_type: i.id_type.trim(),
                id_number: &i.id_number.trim().to_uppercase(),
                phone: i.phone.trim(),
                email: i.email.trim(),
                address: i.address.trim(),
                subject: i.subject.trim(),
                delivery_form: i.delivery_method.trim(),
                arrived_at,
                code_hash: &auth::hash_password(&code),
                form_token: token,
            },
        )?;
        super::attachments::add_to_application(conn, id, files)?;
        let agency = db::agencies::find(conn, agency_id)?.ok_or(Fail::NotFound)?;
        let office = office(&agency);
        to_applicant(
            conn,
            &ToApplicant {
                kind: Kind::Acknowledgement,
                email: i.email.trim(),
                phone: i.phone.trim(),
                case_id: None,
                key: &application_key(Kind::Acknowledgement, id),
            },
            || messages::acknowledgement(i.requester_name.trim(), &office, &tracking_no, &code),
            || sms::acknowledgement(&office, &tracking_no, &code),
        )?;
        Ok(Applied {
            id,
            tracking_no,
            code: Some(code),
        })
    });
    // Two posts of one form at once on PostgreSQL: the second insert breaks the
    // token's uniqueness and is answered with the application the first stored.
    match stored {
        Err(Fail::Db(e)) if db::is_unique_violation(&e) => match q::find_by_token(conn, token)? {
            Some(a) => Ok(again(a)),
            None => Err(Fail::Db(e)),
        },
        other => other,
    }
}

fn again(a: Application) -> Applied {
    Applied {
        id: a.id,
        tracking_no: a.tracking_no,
        code: None,
    }
}

fn office(a: &db::agencies::Agency) -> Office<'_> {
    Office {
        name: &a.name,
        phone: &a.phone,
    }
}

/// The pending applications the member of staff may decide.
pub fn pending(conn: &mut DbConn, staff: &Staff) -> Result<Vec<Application>, Fail> {
    Ok(q::pending(conn, staff.scope.ids())?)
}

/// An application in the member of staff's scope; out of scope answers as missing.
fn load(conn: &mut DbConn, staff: &Staff, id: i64) -> Result<Application, Fail> {
    q::find(conn, id)?
        .filter(|a| staff.scope.contains(a.agency_id))
        .ok_or(Fail::NotFound)
}

/// Confirms an application on `confirmed_on` (the legal receipt date, rules.md
/// section 1): the case is recorded through the intake, channel online, under
/// the reserved number. Returns the case's id.
pub fn confirm(
    conn: &mut DbConn,
    staff: &Staff,
    id: i64,
    confirmed_on: &str,
    clock: &Clock,
) -> Result<i64, Fail> {
    db::write_tx(conn, |conn| {
        let a = load(conn, staff, id)?;
        let mut errors = Errors::new();
        let on = date(&mut errors, "confirmed_on", confirmed_on, true);
        let Some(on) = on else {
            return Err(Fail::Fields(errors));
        };
        if !q::decide(conn, a.id, "confirmed", "", on, staff.id)? {
            return Err(Fail::field("application", "application-decided"));
        }
        let input = IntakeInput {
            r_kind: a.requester_kind.clone(),
            r_name: a.requester_name.clone(),
            r_id_type: a.id_type.clone(),
            r_id_number: a.id_number.clone(),
            r_phone: a.phone.clone(),
            r_email: a.email.clone(),
            r_address: a.address.clone(),
            agency_id: a.agency_id.to_string(),
            channel: "online".into(),
            arrived_on: a.arrived_at.date().to_string(),
            arrived_time: a.arrived_at.format("%H:%M").to_string(),
            confirmed_on: on.to_string(),
            subject: a.subject.clone(),
            delivery_form: a.delivery_form.clone(),
            // The clerk has the application in front of them: a like one is theirs to judge.
            confirm_duplicate: "true".into(),
            ..Default::default()
        };
        let reserved = Reserved {
            tracking_no: a.tracking_no.clone(),
            year: a.year,
            seq: a.seq,
        };
        let recorded = intake::record_in(conn, staff, &input, clock, None, Some(&reserved))
            .map_err(|e| match e {
                // The list has only the date to correct; anything else the intake refuses
                // is said at the top of it.
                Fail::Fields(f) => Fail::Fields(
                    f.into_iter()
                        .map(|(field, key)| match field {
                            "confirmed_on" => (field, key),
                            _ => ("application", key),
                        })
                        .collect(),
                ),
                e => e,
            })?;
        q::set_case(conn, a.id, recorded.id)?;
        super::attachments::application_confirmed(conn, a.id, recorded.id)?;
        let case = db::cases::find(conn, recorded.id)?.ok_or(Fail::NotFound)?;
        let agency = db::agencies::find(conn, a.agency_id)?.ok_or(Fail::NotFound)?;
        let office = office(&agency);
        notify(
            conn,
            &a,
            Kind::Confirmation,
            Some(case.id),
            || {
                messages::confirmation(
                    &a.requester_name,
                    &office,
                    &a.tracking_no,
                    case.received_on,
                    case.due_on,
                )
            },
            || sms::confirmation(&office, &a.tracking_no, case.received_on, case.due_on),
        )?;
        Ok(case.id)
    })
}

/// Rejects an application that is not one for government information, saying why.
pub fn reject(
    conn: &mut DbConn,
    staff: &Staff,
    id: i64,
    reason: &str,
    today: NaiveDate,
) -> Result<(), Fail> {
    db::write_tx(conn, |conn| {
        let a = load(conn, staff, id)?;
        let mut errors = Errors::new();
        let reason = text(&mut errors, "reason", reason, super::cases::MAX_TEXT, true);
        if !errors.is_empty() {
            return Err(Fail::Fields(errors));
        }
        if !q::decide(conn, a.id, "rejected", &reason, today, staff.id)? {
            return Err(Fail::field("application", "application-decided"));
        }
        let agency = db::agencies::find(conn, a.agency_id)?.ok_or(Fail::NotFound)?;
        let office = office(&agency);
        notify(
            conn,
            &a,
            Kind::Rejection,
            None,
            || messages::rejection(&a.requester_name, &office, &a.tracking_no, &reason),
            || sms::rejection(&office, &a.tracking_no),
        )?;
        Ok(())
    })
}

/// Sends a pending application on to the agency it was meant for (not held
/// here, but there): it takes a number of that agency's series, waits in that
/// agency's list, and the applicant is told the new number. Returns it.
pub fn forward(
    conn: &mut DbConn,
    staff: &Staff,
    id: i64,
    to_agency: &str,
    reason: &str,
) -> Result<String, Fail> {
    db::write_tx(conn, |conn| {
        let a = load(conn, staff, id)?;
        let mut errors = Errors::new();
        let target = match to_agency.trim().parse::<i64>() {
            Ok(t) => db::agencies::find(conn, t)?,
            Err(_) => None,
        };
        match &target {
            None => errors.push(("to_agency", "field-invalid-choice")),
            Some(t) if t.id == a.agency_id => {
                errors.push(("to_agency", "application-forward-same"))
            }
            Some(_) => {}
        }
        let reason = text(
            &mut errors,
            "forward_reason",
            reason,
            super::cases::MAX_TEXT,
            true,
        );
        let target = done(errors, target)?.ok_or(Fail::NotFound)?;
        if a.status != "pending" {
            return Err(Fail::field("application", "application-decided"));
        }
        let seq = db::cases::next_number(conn, target.id, a.year, "case")?;
        let new_no = case::case_number(&target.code, a.year, seq);
        let Some(forward_id) = q::forward(conn, &a, target.id, seq, &new_no, &reason, staff.id)?
        else {
            return Err(Fail::field("application", "application-decided"));
        };
        let from = db::agencies::find(conn, a.agency_id)?.ok_or(Fail::NotFound)?;
        let mail = messages::forwarded(
            &a.requester_name,
            &office(&from),
            &target.name,
            &a.tracking_no,
            &new_no,
            &reason,
        );
        let text = sms::forwarded(&office(&from), &a.tracking_no, &new_no);
        to_applicant(
            conn,
            &ToApplicant {
                kind: Kind::Forwarded,
                email: &a.email,
                phone: &a.phone,
                case_id: None,
                key: &forward_key(forward_id),
            },
            || mail,
            || text,
        )?;
        Ok(new_no)
    })
}

/// The applicant is told of a decision on their application: by e-mail, or by SMS when
/// they gave only a mobile number.
fn notify(
    conn: &mut DbConn,
    a: &Application,
    kind: Kind,
    case_id: Option<i64>,
    mail: impl FnOnce() -> messages::Mail,
    sms: impl FnOnce() -> String,
) -> Result<bool, Fail> {
    to_applicant(
        conn,
        &ToApplicant {
            kind,
            email: &a.email,
            phone: &a.phone,
            case_id,
            key: &application_key(kind, a.id),
        },
        mail,
        sms,
    )
}

/// What the applicant sees on `/track`.
#[derive(Clone, Debug)]
pub struct Tracked {
    pub application: Application,
    pub stage: Stage,
    pub case: Option<Case>,
    /// The letters released to the applicant, oldest first.
    pub letters: Vec<LetterRow>,
    /// The files the applicant sent with the application.
    pub files: Vec<db::attachments::Listed>,
    /// Where it was forwarded, oldest first: (from agency, to agency, forwarding).
    pub forwards: Vec<(String, String, q::Forward)>,
}

/// Looks an application up by number and access code. A wrong code answers as an
/// unknown number, after the same work (a decoy hash is verified then).
pub fn track(conn: &mut DbConn, number: &str, code: &str) -> Result<Option<Tracked>, Fail> {
    let a = q::find_by_number(conn, number.trim())?;
    let code = rules::normalise_code(code);
    if !auth::verify_password(&code, a.as_ref().map(|a| a.code_hash.as_str())) {
        return Ok(None);
    }
    let Some(a) = a else { return Ok(None) };
    tracked(conn, a).map(Some)
}

/// The applicant's view of an application already verified (its id kept in the session).
pub fn tracked_by_id(conn: &mut DbConn, id: i64) -> Result<Option<Tracked>, Fail> {
    match q::find(conn, id)? {
        Some(a) => tracked(conn, a).map(Some),
        None => Ok(None),
    }
}

fn tracked(conn: &mut DbConn, a: Application) -> Result<Tracked, Fail> {
    let case = match a.case_id {
        Some(id) => db::cases::find(conn, id)?,
        None => None,
    };
    let letters = match &case {
        Some(c) => db::cases::letters(conn, c.id)?
            .into_iter()
            .filter(|l| LetterKind::parse(&l.kind).is_some_and(rules::released))
            .collect(),
        None => Vec::new(),
    };
    let files = db::attachments::of_applications(conn, &[a.id])?;
    let mut forwards = Vec::new();
    for f in q::forwards(conn, a.id)? {
        let name = |conn: &mut DbConn, id| -> Result<String, Fail> {
            Ok(db::agencies::find(conn, id)?
                .map(|a| a.name)
                .unwrap_or_default())
        };
        forwards.push((
            name(conn, f.from_agency_id)?,
            name(conn, f.to_agency_id)?,
            f,
        ));
    }
    Ok(Tracked {
        files,
        forwards,
        stage: rules::stage(&a.status, case.as_ref().map(|c| c.status.as_str())),
        application: a,
        case,
        letters,
    })
}
