//! Files kept with cases: added by staff on the case page (each an entry in the
//! case's history), sent by applicants with an online application (moved to
//! the case when it is confirmed), and opened by staff in scope, each opening
//! written to the audit log. What may be kept is `domain::attachment`.

use super::Fail;
use super::cases::{Staff, append, load_in_scope};
use crate::db::attachments::{self as q, Listed, NewAttachment};
use crate::db::audit::{self, Action, Actor, Detail, Field};
use crate::db::{self, DbConn};
use crate::domain::attachment::{File, Kind};
use crate::domain::case::Event;

/// Adds a file to a case in scope, as the member of staff; `version` is the
/// case's version the form was shown with (a stale form is a conflict, and a
/// second post of the same form adds nothing).
pub fn add_to_case(
    conn: &mut DbConn,
    staff: &Staff,
    case_id: i64,
    version: &str,
    kind: &str,
    file: &File,
) -> Result<i64, Fail> {
    db::write_tx(conn, |conn| {
        let case = load_in_scope(conn, staff, case_id)?;
        let version: i32 = version
            .trim()
            .parse()
            .map_err(|_| Fail::Refused("case-stale-form"))?;
        if !db::cases::claim(conn, case_id, version, staff.id)? {
            return Err(Fail::Conflict {
                by: case.updated_by,
                at: case.updated_at,
            });
        }
        let kind = Kind::parse(kind.trim()).ok_or(Fail::field("kind", "field-invalid-choice"))?;
        let id = q::insert(
            conn,
            &NewAttachment {
                case_id: Some(case_id),
                application_id: None,
                kind: kind.code(),
                file_name: file.name(),
                media_type: file.media().code(),
                content: file.bytes(),
                uploaded_by: Some(staff.id),
            },
        )?;
        append(conn, case_id, Some(staff.id), &added(id, kind, file.name()))?;
        Ok(id)
    })
}

fn added(id: i64, kind: Kind, file_name: &str) -> Event {
    Event::AttachmentAdded {
        attachment: id,
        file_kind: kind.code().to_string(),
        file_name: file_name.to_string(),
    }
}

/// Keeps the files an applicant sent with an online application, in the
/// caller's transaction.
pub fn add_to_application(
    conn: &mut DbConn,
    application_id: i64,
    files: &[File],
) -> Result<(), Fail> {
    for file in files {
        q::insert(
            conn,
            &NewAttachment {
                case_id: None,
                application_id: Some(application_id),
                kind: Kind::ApplicantFile.code(),
                file_name: file.name(),
                media_type: file.media().code(),
                content: file.bytes(),
                uploaded_by: None,
            },
        )?;
    }
    Ok(())
}

/// Gives an application's files to the case its confirmation recorded, each an
/// entry in the case's history (by the applicant), in the caller's transaction.
pub fn application_confirmed(
    conn: &mut DbConn,
    application_id: i64,
    case_id: i64,
) -> Result<(), Fail> {
    q::move_to_case(conn, application_id, case_id)?;
    for a in q::of_case(conn, case_id)? {
        let kind = Kind::parse(&a.kind).unwrap_or(Kind::ApplicantFile);
        append(conn, case_id, None, &added(a.id, kind, &a.file_name))?;
    }
    Ok(())
}

/// Opens a file of a case in scope, recording who opened it. Out of scope, or
/// not this case's, answers as missing.
pub fn open_of_case(
    conn: &mut DbConn,
    staff: &Staff,
    actor: &Actor,
    case_id: i64,
    attachment_id: i64,
) -> Result<(Listed, Vec<u8>), Fail> {
    let case = load_in_scope(conn, staff, case_id)?;
    let (a, bytes) = q::find(conn, attachment_id)?
        .filter(|(a, _)| a.case_id == Some(case_id))
        .ok_or(Fail::NotFound)?;
    opened(conn, actor, &case.tracking_no, &a)?;
    Ok((a, bytes))
}

/// Opens a file sent with an online application the member of staff may decide.
pub fn open_of_application(
    conn: &mut DbConn,
    staff: &Staff,
    actor: &Actor,
    application_id: i64,
    attachment_id: i64,
) -> Result<(Listed, Vec<u8>), Fail> {
    let application = db::applications::find(conn, application_id)?
        .filter(|a| staff.scope.contains(a.agency_id))
        .ok_or(Fail::NotFound)?;
    let (a, bytes) = q::find(conn, attachment_id)?
        .filter(|(a, _)| a.application_id == Some(application_id))
        .ok_or(Fail::NotFound)?;
    opened(conn, actor, &application.tracking_no, &a)?;
    Ok((a, bytes))
}

/// The audit entry of an opening: the case number, and which file by its id and
/// kind (a file name may name a person; logs and the audit log do not).
fn opened(conn: &mut DbConn, actor: &Actor, tracking_no: &str, a: &Listed) -> Result<(), Fail> {
    audit::record(
        conn,
        actor,
        Action::AttachmentOpen,
        tracking_no,
        &Detail::none()
            .with(Field::Attachment, a.id)
            .with(Field::Kind, &a.kind),
    )?;
    Ok(())
}
