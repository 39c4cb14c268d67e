//! Files kept with cases and with online applications (`domain::attachment`).
//! Lists never read the bytes; only opening one does.

use super::schema::attachments;
use super::{DbConn, now};
use chrono::NaiveDateTime;
use diesel::prelude::*;

/// A file as lists show it, without its bytes.
#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = attachments)]
pub struct Listed {
    pub id: i64,
    pub case_id: Option<i64>,
    pub application_id: Option<i64>,
    pub kind: String,
    pub file_name: String,
    pub media_type: String,
    pub size: i64,
    pub uploaded_by: Option<i64>,
    pub uploaded_at: NaiveDateTime,
}

pub struct NewAttachment<'a> {
    pub case_id: Option<i64>,
    pub application_id: Option<i64>,
    pub kind: &'a str,
    pub file_name: &'a str,
    pub media_type: &'a str,
    pub content: &'a [u8],
    pub uploaded_by: Option<i64>,
}

pub fn insert(conn: &mut DbConn, a: &NewAttachment) -> QueryResult<i64> {
    diesel::insert_into(attachments::table)
        .values((
            attachments::case_id.eq(a.case_id),
            attachments::application_id.eq(a.application_id),
            attachments::kind.eq(a.kind),
            attachments::file_name.eq(a.file_name),
            attachments::media_type.eq(a.media_type),
            attachments::size.eq(a.content.len() as i64),
            attachments::content.eq(a.content),
            attachments::uploaded_by.eq(a.uploaded_by),
            attachments::uploaded_at.eq(now()),
        ))
        .returning(attachments::id)
        .get_result(conn)
}

/// A case's files, oldest first.
pub fn of_case(conn: &mut DbConn, case_id: i64) -> QueryResult<Vec<Listed>> {
    attachments::table
        .filter(attachments::case_id.eq(case_id))
        .order(attachments::id)
        .select(Listed::as_select())
        .load(conn)
}

/// The files sent with applications, oldest first.
pub fn of_applications(conn: &mut DbConn, ids: &[i64]) -> QueryResult<Vec<Listed>> {
    attachments::table
        .filter(attachments::application_id.eq_any(ids))
        .order(attachments::id)
        .select(Listed::as_select())
        .load(conn)
}

/// One file and its bytes.
pub fn find(conn: &mut DbConn, id: i64) -> QueryResult<Option<(Listed, Vec<u8>)>> {
    attachments::table
        .find(id)
        .select((Listed::as_select(), attachments::content))
        .first(conn)
        .optional()
}

/// Gives an application's files to the case its confirmation recorded.
pub fn move_to_case(conn: &mut DbConn, application_id: i64, case_id: i64) -> QueryResult<usize> {
    diesel::update(attachments::table.filter(attachments::application_id.eq(application_id)))
        .set(attachments::case_id.eq(case_id))
        .execute(conn)
}
