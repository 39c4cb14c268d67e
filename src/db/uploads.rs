//! Ledgers uploaded on the admin page, kept between the preview and the import.

use super::schema::ledger_uploads;
use super::{DbConn, now};
use chrono::NaiveDateTime;
use diesel::prelude::*;

#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = ledger_uploads)]
pub struct Upload {
    pub id: i64,
    pub user_id: i64,
    pub file_name: String,
    pub content: Vec<u8>,
    pub created_at: NaiveDateTime,
}

pub fn insert(
    conn: &mut DbConn,
    user_id: i64,
    file_name: &str,
    content: &[u8],
) -> QueryResult<i64> {
    diesel::insert_into(ledger_uploads::table)
        .values((
            ledger_uploads::user_id.eq(user_id),
            ledger_uploads::file_name.eq(file_name),
            ledger_uploads::content.eq(content),
            ledger_uploads::created_at.eq(now()),
        ))
        .returning(ledger_uploads::id)
        .get_result(conn)
}

/// An upload of this user's.
pub fn find(conn: &mut DbConn, id: i64, user_id: i64) -> QueryResult<Option<Upload>> {
    ledger_uploads::table
        .filter(ledger_uploads::id.eq(id))
        .filter(ledger_uploads::user_id.eq(user_id))
        .select(Upload::as_select())
        .first(conn)
        .optional()
}

pub fn delete(conn: &mut DbConn, id: i64) -> QueryResult<()> {
    diesel::delete(ledger_uploads::table.find(id)).execute(conn)?;
    Ok(())
}

/// Forgets uploads never imported.
pub fn purge_before(conn: &mut DbConn, cutoff: NaiveDateTime) -> QueryResult<usize> {
    diesel::delete(ledger_uploads::table.filter(ledger_uploads::created_at.lt(cutoff)))
        .execute(conn)
}
