//! Applications made on the public page, before a clerk confirms or rejects them.

use super::schema::{application_forwards, applications};
use super::{DbConn, now};
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = applications)]
pub struct Application {
    pub id: i64,
    pub agency_id: i64,
    pub tracking_no: String,
    pub year: i32,
    pub seq: i32,
    pub requester_kind: String,
    pub requester_name: String,
    pub id_type: String,
    pub id_number: String,
    pub phone: String,
    pub email: String,
    pub address: String,
    pub subject: String,
    pub delivery_form: String,
    pub arrived_at: NaiveDateTime,
    pub status: String,
    pub reason: String,
    pub decided_on: Option<NaiveDate>,
    pub decided_by: Option<i64>,
    pub case_id: Option<i64>,
    pub code_hash: String,
    pub form_token: String,
}

#[derive(Insertable)]
#[diesel(table_name = applications)]
pub struct NewApplication<'a> {
    pub agency_id: i64,
    pub tracking_no: &'a str,
    pub year: i32,
    pub seq: i32,
    pub requester_kind: &'a str,
    pub requester_name: &'a str,
    pub id_type: &'a str,
    pub id_number: &'a str,
    pub phone: &'a str,
    pub email: &'a str,
    pub address: &'a str,
    pub subject: &'a str,
    pub delivery_form: &'a str,
    pub arrived_at: NaiveDateTime,
    pub code_hash: &'a str,
    pub form_token: &'a str,
}

pub fn insert(conn: &mut DbConn, a: &NewApplication) -> QueryResult<i64> {
    diesel::insert_into(applications::table)
        .values(a)
        .returning(applications::id)
        .get_result(conn)
}

pub fn find(conn: &mut DbConn, id: i64) -> QueryResult<Option<Application>> {
    applications::table
        .find(id)
        .select(Application::as_select())
        .first(conn)
        .optional()
}

pub fn find_by_token(conn: &mut DbConn, token: &str) -> QueryResult<Option<Application>> {
    applications::table
        .filter(applications::form_token.eq(token))
        .select(Application::as_select())
        .first(conn)
        .optional()
}

/// The application a number was given to: its number now, or one it had before it
/// was forwarded.
pub fn find_by_number(conn: &mut DbConn, number: &str) -> QueryResult<Option<Application>> {
    let now = applications::table
        .filter(applications::tracking_no.eq(number))
        .select(Application::as_select())
        .first(conn)
        .optional()?;
    if now.is_some() {
        return Ok(now);
    }
    application_forwards::table
        .filter(application_forwards::from_no.eq(number))
        .inner_join(applications::table)
        .select(Application::as_select())
        .first(conn)
        .optional()
}

/// A forwarding of an application to another agency.
#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = application_forwards)]
pub struct Forward {
    pub id: i64,
    pub application_id: i64,
    pub from_agency_id: i64,
    pub to_agency_id: i64,
    pub from_no: String,
    pub to_no: String,
    pub reason: String,
    pub forwarded_by: i64,
    pub forwarded_at: NaiveDateTime,
}

/// Moves a pending application of `from` to another agency under a new number,
/// and records it. None when it was decided or moved meanwhile (the conditional
/// update lets one of two clerks through).
pub fn forward(
    conn: &mut DbConn,
    a: &Application,
    to_agency: i64,
    seq: i32,
    to_no: &str,
    reason: &str,
    by: i64,
) -> QueryResult<Option<i64>> {
    let moved = diesel::update(
        applications::table
            .filter(applications::id.eq(a.id))
            .filter(applications::status.eq("pending"))
            .filter(applications::agency_id.eq(a.agency_id)),
    )
    .set((
        applications::agency_id.eq(to_agency),
        applications::seq.eq(seq),
        applications::tracking_no.eq(to_no),
    ))
    .execute(conn)?;
    if moved == 0 {
        return Ok(None);
    }
    diesel::insert_into(application_forwards::table)
        .values((
            application_forwards::application_id.eq(a.id),
            application_forwards::from_agency_id.eq(a.agency_id),
            application_forwards::to_agency_id.eq(to_agency),
            application_forwards::from_no.eq(&a.tracking_no),
            application_forwards::to_no.eq(to_no),
            application_forwards::reason.eq(reason),
            application_forwards::forwarded_by.eq(by),
            application_forwards::forwarded_at.eq(now()),
        ))
        .returning(application_forwards::id)
        .get_result(conn)
        .map(Some)
}

/// An application's forwardings, oldest first.
pub fn forwards(conn: &mut DbConn, application_id: i64) -> QueryResult<Vec<Forward>> {
    application_forwards::table
        .filter(application_forwards::application_id.eq(application_id))
        .order(application_forwards::id)
        .select(Forward::as_select())
        .load(conn)
}

/// Pending applications of these agencies (None: all), oldest first.
pub fn pending(conn: &mut DbConn, agencies: Option<&[i64]>) -> QueryResult<Vec<Application>> {
    let mut q = applications::table
        .filter(applications::status.eq("pending"))
        .select(Application::as_select())
        .order(applications::arrived_at)
        .into_boxed();
    if let Some(ids) = agencies {
        q = q.filter(applications::agency_id.eq_any(ids.to_vec()));
    }
    q.load(conn)
}

/// Takes the decision on a pending application. False when it was decided
/// already: the conditional update lets only one of two clerks through (the
/// second waits on the row lock on PostgreSQL, then finds it decided).
pub fn decide(
    conn: &mut DbConn,
    id: i64,
    status: &str,
    reason: &str,
    on: NaiveDate,
    by: i64,
) -> QueryResult<bool> {
    let n = diesel::update(
        applications::table
            .filter(applications::id.eq(id))
            .filter(applications::status.eq("pending")),
    )
    .set((
        applications::status.eq(status),
        applications::reason.eq(reason),
        applications::decided_on.eq(on),
        applications::decided_by.eq(by),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// The application a case was recorded from, if it came in online.
pub fn find_by_case(conn: &mut DbConn, case_id: i64) -> QueryResult<Option<Application>> {
    applications::table
        .filter(applications::case_id.eq(case_id))
        .select(Application::as_select())
        .first(conn)
        .optional()
}

pub fn set_case(conn: &mut DbConn, id: i64, case_id: i64) -> QueryResult<usize> {
    diesel::update(applications::table.find(id))
        .set(applications::case_id.eq(case_id))
        .execute(conn)
}
