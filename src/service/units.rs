//! What a drafting unit does with a case sent to it (`domain::units`): signs
//! for it, returns it with a reason, or replies with what it found and the
//! answer it proposes (a file may come with the reply). A unit's staff reach a
//! case only through its tasks: a task of another unit answers as missing.
//! Each step is an entry in the case's history.

use super::Fail;
use super::cases::{Errors, MAX_TEXT, Staff, append, done, text};
use crate::db::units::{self as q, Task};
use crate::db::{self, DbConn};
use crate::domain::attachment::{File, Kind};
use crate::domain::case::Event;
use crate::domain::units::{self as rules, Status};
use chrono::NaiveDate;

/// A task and what its unit needs to know of the case.
pub struct Assigned {
    pub task: Task,
    pub case: db::cases::Case,
    pub unit: String,
    pub asked_by: String,
}

/// A task of one of the member of staff's units; any other answers as missing.
pub fn load(conn: &mut DbConn, staff: &Staff, id: i64) -> Result<Assigned, Fail> {
    let task = q::find(conn, id)?
        .filter(|t| staff.scope.contains(t.unit_id))
        .ok_or(Fail::NotFound)?;
    let case = db::cases::find(conn, task.case_id)?.ok_or(Fail::NotFound)?;
    let unit = db::agencies::find(conn, task.unit_id)?
        .map(|a| a.name)
        .unwrap_or_default();
    let asked_by = db::users::find(conn, task.asked_by)?
        .map(|u| u.display_name)
        .unwrap_or_default();
    Ok(Assigned {
        task,
        case,
        unit,
        asked_by,
    })
}

/// The tasks of the member of staff's units (all for an administrator).
pub fn mine(conn: &mut DbConn, staff: &Staff) -> Result<Vec<(Task, String)>, Fail> {
    Ok(q::of_units(conn, staff.scope.ids())?)
}

fn status(t: &Task) -> Status {
    Status::parse(&t.status).unwrap_or(Status::Returned)
}

/// Signs for a task.
pub fn sign(conn: &mut DbConn, staff: &Staff, id: i64, today: NaiveDate) -> Result<(), Fail> {
    db::write_tx(conn, |conn| {
        let a = load(conn, staff, id)?;
        if !status(&a.task).can_sign()
            || !q::advance(conn, id, &["asked"], "signed", staff.id, today, "")?
        {
            return Err(Fail::Refused("unit-not-pending"));
        }
        append(
            conn,
            a.case.id,
            Some(staff.id),
            &Event::UnitSigned { unit: a.unit },
        )
    })
}

/// Returns a task to the office, saying why (not ours, not held here ...).
pub fn send_back(
    conn: &mut DbConn,
    staff: &Staff,
    id: i64,
    reason: &str,
    today: NaiveDate,
) -> Result<(), Fail> {
    db::write_tx(conn, |conn| {
        let a = load(conn, staff, id)?;
        let mut errors = Errors::new();
        let reason = text(&mut errors, "reason", reason, MAX_TEXT, true);
        let reason = done(errors, reason)?;
        let from = ["asked", "signed"];
        if !status(&a.task).can_return()
            || !q::advance(conn, id, &from, "returned", staff.id, today, &reason)?
        {
            return Err(Fail::Refused("unit-not-pending"));
        }
        append(
            conn,
            a.case.id,
            Some(staff.id),
            &Event::UnitReturned {
                unit: a.unit,
                reason,
            },
        )
    })
}

/// Replies to a task: what was found and the answer proposed, and a file if one came.
pub fn reply(
    conn: &mut DbConn,
    staff: &Staff,
    id: i64,
    answer: &str,
    file: Option<&File>,
    today: NaiveDate,
) -> Result<(), Fail> {
    db::write_tx(conn, |conn| {
        let a = load(conn, staff, id)?;
        let mut errors = Errors::new();
        let answer = text(&mut errors, "answer", answer, MAX_TEXT, true);
        let answer = done(errors, answer)?;
        let from = ["asked", "signed"];
        if !status(&a.task).can_reply()
            || !q::advance(conn, id, &from, "replied", staff.id, today, &answer)?
        {
            return Err(Fail::Refused("unit-not-pending"));
        }
        let late = rules::late(today, a.task.due_on);
        append(
            conn,
            a.case.id,
            Some(staff.id),
            &Event::UnitReplied {
                unit: a.unit.clone(),
                answer,
                late,
            },
        )?;
        if let Some(f) = file {
            let aid = db::attachments::insert(
                conn,
                &db::attachments::NewAttachment {
                    case_id: Some(a.case.id),
                    application_id: None,
                    kind: Kind::UnitReply.code(),
                    file_name: f.name(),
                    media_type: f.media().code(),
                    content: f.bytes(),
                    uploaded_by: Some(staff.id),
                },
            )?;
            append(
                conn,
                a.case.id,
                Some(staff.id),
                &Event::AttachmentAdded {
                    attachment: aid,
                    file_kind: Kind::UnitReply.code().to_string(),
                    file_name: f.name().to_string(),
                },
            )?;
        }
        Ok(())
    })
}
