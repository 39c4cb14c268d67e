//! Reconsiderations and lawsuits: the current state of each, for the case page,
//! the list, the dashboard and the annual report. Changes arrive through case
//! actions, which also record them in the case history.

use super::schema::{appeals, cases};
use super::{DbConn, now};
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = appeals)]
pub struct Appeal {
    pub id: i64,
    pub case_id: i64,
    pub kind: String,
    pub grounds: String,
    pub review_id: Option<i64>,
    pub filed_on: NaiveDate,
    pub body: String,
    pub body_case_no: String,
    pub served_on: Option<NaiveDate>,
    pub answered_on: Option<NaiveDate>,
    pub result: Option<String>,
    pub decided_on: Option<NaiveDate>,
    pub doc_numbers: String,
    pub notes: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

pub struct NewAppeal<'a> {
    pub case_id: i64,
    pub kind: &'a str,
    pub grounds: &'a str,
    pub review_id: Option<i64>,
    pub filed_on: NaiveDate,
    pub body: &'a str,
    pub body_case_no: &'a str,
    pub served_on: Option<NaiveDate>,
    pub notes: &'a str,
}

pub fn insert(conn: &mut DbConn, a: &NewAppeal) -> QueryResult<i64> {
    let at = now();
    diesel::insert_into(appeals::table)
        .values((
            appeals::case_id.eq(a.case_id),
            appeals::kind.eq(a.kind),
            appeals::grounds.eq(a.grounds),
            appeals::review_id.eq(a.review_id),
            appeals::filed_on.eq(a.filed_on),
            appeals::body.eq(a.body),
            appeals::body_case_no.eq(a.body_case_no),
            appeals::served_on.eq(a.served_on),
            appeals::notes.eq(a.notes),
            appeals::created_at.eq(at),
            appeals::updated_at.eq(at),
        ))
        .returning(appeals::id)
        .get_result(conn)
}

/// The progress a clerk records on an appeal.
pub struct Progress<'a> {
    pub served_on: Option<NaiveDate>,
    pub answered_on: Option<NaiveDate>,
    pub result: Option<&'a str>,
    pub decided_on: Option<NaiveDate>,
    pub doc_numbers: &'a str,
    pub notes: &'a str,
}

pub fn update(conn: &mut DbConn, id: i64, p: &Progress) -> QueryResult<()> {
    diesel::update(appeals::table.find(id))
        .set((
            appeals::served_on.eq(p.served_on),
            appeals::answered_on.eq(p.answered_on),
            appeals::result.eq(p.result),
            appeals::decided_on.eq(p.decided_on),
            appeals::doc_numbers.eq(p.doc_numbers),
            appeals::notes.eq(p.notes),
            appeals::updated_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn find(conn: &mut DbConn, id: i64) -> QueryResult<Option<Appeal>> {
    appeals::table
        .find(id)
        .select(Appeal::as_select())
        .first(conn)
        .optional()
}

pub fn of_case(conn: &mut DbConn, case_id: i64) -> QueryResult<Vec<Appeal>> {
    appeals::table
        .filter(appeals::case_id.eq(case_id))
        .order(appeals::id)
        .select(Appeal::as_select())
        .load(conn)
}

/// The appeals of these cases, each case's in filing order.
pub fn of_cases(conn: &mut DbConn, case_ids: &[i64]) -> QueryResult<Vec<Appeal>> {
    appeals::table
        .filter(appeals::case_id.eq_any(case_ids.to_vec()))
        .order((appeals::case_id, appeals::filed_on, appeals::id))
        .select(Appeal::as_select())
        .load(conn)
}

/// What the list of appeals narrows by; `agencies` is the user's scope or the
/// chosen subtree (None: every agency).
#[derive(Default, Clone, Debug)]
pub struct Filter {
    pub agencies: Option<Vec<i64>>,
    pub kind: Option<String>,
    /// A result code, or "pending" for none yet.
    pub result: Option<String>,
    pub filed_from: Option<NaiveDate>,
    pub filed_to: Option<NaiveDate>,
}

/// An appeal with the case it concerns, for lists.
#[derive(Clone, Debug)]
pub struct Listed {
    pub appeal: Appeal,
    pub tracking_no: String,
    pub agency_id: i64,
    pub requester_name: String,
}

pub fn list(
    conn: &mut DbConn,
    f: &Filter,
    offset: i64,
    limit: i64,
) -> QueryResult<(Vec<Listed>, i64)> {
    // Written once for both backends: the case columns come from a join.
    let mut q = appeals::table.inner_join(cases::table).into_boxed();
    let mut count = appeals::table.inner_join(cases::table).into_boxed();
    macro_rules! narrow {
        ($q:ident) => {
            if let Some(ids) = &f.agencies {
                $q = $q.filter(cases::agency_id.eq_any(ids.clone()));
            }
            if let Some(k) = &f.kind {
                $q = $q.filter(appeals::kind.eq(k.clone()));
            }
            match f.result.as_deref() {
                Some("pending") => $q = $q.filter(appeals::result.is_null()),
                Some(r) => $q = $q.filter(appeals::result.eq(r.to_string())),
                None => {}
            }
            if let Some(d) = f.filed_from {
                $q = $q.filter(appeals::filed_on.ge(d));
            }
            if let Some(d) = f.filed_to {
                $q = $q.filter(appeals::filed_on.le(d));
            }
        };
    }
    narrow!(q);
    narrow!(count);
    let total: i64 = count.count().get_result(conn)?;
    let rows: Vec<(Appeal, String, i64, String)> = q
        .order((appeals::filed_on.desc(), appeals::id.desc()))
        .offset(offset)
        .limit(limit)
        .select((
            Appeal::as_select(),
            cases::tracking_no,
            cases::agency_id,
            cases::requester_name,
        ))
        .load(conn)?;
    let rows = rows
        .into_iter()
        .map(|(appeal, tracking_no, agency_id, requester_name)| Listed {
            appeal,
            tracking_no,
            agency_id,
            requester_name,
        })
        .collect();
    Ok((rows, total))
}

/// Pending appeals in scope, for the dashboard: what the office still has to
/// answer and what awaits a decision.
pub fn pending(conn: &mut DbConn, agencies: Option<&[i64]>) -> QueryResult<Vec<Appeal>> {
    let mut q = appeals::table
        .inner_join(cases::table)
        .filter(appeals::result.is_null())
        .select(Appeal::as_select())
        .into_boxed();
    if let Some(ids) = agencies {
        q = q.filter(cases::agency_id.eq_any(ids.to_vec()));
    }
    q.order(appeals::filed_on).load(conn)
}
