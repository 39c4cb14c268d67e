//! Agency queries.

use super::schema::agencies;
use super::{DbConn, now};
use chrono::NaiveDateTime;
use diesel::prelude::*;

#[derive(Queryable, Selectable, Clone, Debug, PartialEq)]
#[diesel(table_name = agencies)]
pub struct Agency {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub short_name: String,
    pub kind: String,
    pub parent_id: Option<i64>,
    pub address: String,
    pub phone: String,
    pub review_body: String,
    pub doc_prefix: String,
    pub doc_pattern: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// The fields an operator edits; the same struct serves create and update.
#[derive(Clone, Debug, Default)]
pub struct AgencyFields {
    pub code: String,
    pub name: String,
    pub short_name: String,
    pub kind: String,
    pub parent_id: Option<i64>,
    pub address: String,
    pub phone: String,
    pub review_body: String,
    pub doc_prefix: String,
    pub doc_pattern: String,
}

pub fn all(conn: &mut DbConn) -> QueryResult<Vec<Agency>> {
    agencies::table
        .select(Agency::as_select())
        .order(agencies::code)
        .load(conn)
}

pub fn find(conn: &mut DbConn, id: i64) -> QueryResult<Option<Agency>> {
    agencies::table
        .find(id)
        .select(Agency::as_select())
        .first(conn)
        .optional()
}

/// An agency's name, empty for none or an unknown id (for the audit log,
/// where names read better than ids and keep what they were).
pub fn name_of(conn: &mut DbConn, id: Option<i64>) -> QueryResult<String> {
    let Some(id) = id else {
        return Ok(String::new());
    };
    agencies::table
        .find(id)
        .select(agencies::name)
        .first(conn)
        .optional()
        .map(Option::unwrap_or_default)
}

pub fn find_by_code(conn: &mut DbConn, code: &str) -> QueryResult<Option<Agency>> {
    agencies::table
        .filter(agencies::code.eq(code))
        .select(Agency::as_select())
        .first(conn)
        .optional()
}

pub fn count(conn: &mut DbConn) -> QueryResult<i64> {
    agencies::table.count().get_result(conn)
}

pub fn insert(conn: &mut DbConn, f: &AgencyFields) -> QueryResult<Agency> {
    let t = now();
    diesel::insert_into(agencies::table)
        .values((
            agencies::code.eq(&f.code),
            agencies::name.eq(&f.name),
            agencies::short_name.eq(&f.short_name),
            agencies::kind.eq(&f.kind),
            agencies::parent_id.eq(f.parent_id),
            agencies::address.eq(&f.address),
            agencies::phone.eq(&f.phone),
            agencies::review_body.eq(&f.review_body),
            agencies::doc_prefix.eq(&f.doc_prefix),
            agencies::doc_pattern.eq(&f.doc_pattern),
            agencies::created_at.eq(t),
            agencies::updated_at.eq(t),
        ))
        .get_result::<Agency>(conn)
}

pub fn update(conn: &mut DbConn, id: i64, f: &AgencyFields) -> QueryResult<usize> {
    diesel::update(agencies::table.find(id))
        .set((
            agencies::code.eq(&f.code),
            agencies::name.eq(&f.name),
            agencies::short_name.eq(&f.short_name),
            agencies::kind.eq(&f.kind),
            agencies::parent_id.eq(f.parent_id),
            agencies::address.eq(&f.address),
            agencies::phone.eq(&f.phone),
            agencies::review_body.eq(&f.review_body),
            agencies::doc_prefix.eq(&f.doc_prefix),
            agencies::doc_pattern.eq(&f.doc_pattern),
            agencies::updated_at.eq(now()),
        ))
        .execute(conn)
}

/// Name, kind and short name from an import, leaving the letter settings alone.
pub fn update_basic(
    conn: &mut DbConn,
    id: i64,
    name: &str,
    short_name: &str,
    kind: &str,
) -> QueryResult<usize> {
    diesel::update(agencies::table.find(id))
        .set((
            agencies::name.eq(name),
            agencies::short_name.eq(short_name),
            agencies::kind.eq(kind),
            agencies::updated_at.eq(now()),
        ))
        .execute(conn)
}

pub fn set_parent(conn: &mut DbConn, id: i64, parent: Option<i64>) -> QueryResult<usize> {
    diesel::update(agencies::table.find(id))
        .set((
            agencies::parent_id.eq(parent),
            agencies::updated_at.eq(now()),
        ))
        .execute(conn)
}
