//! Review before disclosure: the steps each agency uses, and the drafts waiting for a step
//! (an index of the case histories, kept with the other derived columns).

use super::DbConn;
use super::schema::{cases, review_queue, review_steps};
use crate::domain::review::{self, Step};
use chrono::NaiveDate;
use diesel::prelude::*;
use std::collections::BTreeMap;

/// The steps an agency's answers pass, in order; none when it uses none.
pub fn steps(conn: &mut DbConn, agency_id: i64) -> QueryResult<Vec<Step>> {
    let codes: Vec<String> = review_steps::table
        .filter(review_steps::agency_id.eq(agency_id))
        .select(review_steps::step)
        .load(conn)?;
    Ok(review::normalise(
        codes.iter().filter_map(|c| Step::parse(c)).collect(),
    ))
}

/// Every agency's steps (agencies using none are absent).
pub fn all_steps(conn: &mut DbConn) -> QueryResult<BTreeMap<i64, Vec<Step>>> {
    let rows: Vec<(i64, String)> = review_steps::table
        .select((review_steps::agency_id, review_steps::step))
        .load(conn)?;
    let mut out: BTreeMap<i64, Vec<Step>> = BTreeMap::new();
    for (agency, code) in rows {
        if let Some(s) = Step::parse(&code) {
            out.entry(agency).or_default().push(s);
        }
    }
    for steps in out.values_mut() {
        *steps = review::normalise(std::mem::take(steps));
    }
    Ok(out)
}

/// Replaces an agency's steps.
pub fn set_steps(conn: &mut DbConn, agency_id: i64, steps: &[Step]) -> QueryResult<()> {
    diesel::delete(review_steps::table.filter(review_steps::agency_id.eq(agency_id)))
        .execute(conn)?;
    for s in steps {
        diesel::insert_into(review_steps::table)
            .values((
                review_steps::agency_id.eq(agency_id),
                review_steps::step.eq(s.code()),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// A draft waiting for a step.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Waiting {
    pub step: Step,
    pub round: i32,
    pub since: NaiveDate,
    pub drafted_by: Option<i64>,
}

/// Records what a case's draft waits for, or that none waits.
pub fn set_waiting(conn: &mut DbConn, case_id: i64, w: Option<&Waiting>) -> QueryResult<()> {
    let Some(w) = w else {
        diesel::delete(review_queue::table.find(case_id)).execute(conn)?;
        return Ok(());
    };
    let values = (
        review_queue::step.eq(w.step.code()),
        review_queue::round.eq(w.round),
        review_queue::since.eq(w.since),
        review_queue::drafted_by.eq(w.drafted_by),
    );
    let n = diesel::update(review_queue::table.find(case_id))
        .set(values)
        .execute(conn)?;
    if n == 0 {
        diesel::insert_into(review_queue::table)
            .values((review_queue::case_id.eq(case_id), values))
            .execute(conn)?;
    }
    Ok(())
}

/// A waiting draft with what the dashboard shows of its case.
#[derive(Queryable, Clone, Debug)]
pub struct WaitingCase {
    pub case_id: i64,
    pub step: String,
    pub round: i32,
    pub since: NaiveDate,
    pub drafted_by: Option<i64>,
    pub tracking_no: String,
    pub agency_id: i64,
    pub requester_name: String,
    pub clock: String,
    pub due_on: Option<NaiveDate>,
}

/// Drafts waiting in these agencies (None: everywhere), those due first first.
pub fn waiting(conn: &mut DbConn, agencies: Option<&[i64]>) -> QueryResult<Vec<WaitingCase>> {
    let mut q = review_queue::table
        .inner_join(cases::table)
        .filter(cases::status.eq("open"))
        .select((
            review_queue::case_id,
            review_queue::step,
            review_queue::round,
            review_queue::since,
            review_queue::drafted_by,
            cases::tracking_no,
            cases::agency_id,
            cases::requester_name,
            cases::clock,
            cases::due_on,
        ))
        .order((
            cases::due_on.is_null(),
            cases::due_on.asc(),
            review_queue::since.asc(),
        ))
        .into_boxed();
    if let Some(ids) = agencies {
        q = q.filter(cases::agency_id.eq_any(ids.to_vec()));
    }
    q.load(conn)
}

/// The step a case's draft waits for, if one does.
pub fn waiting_step(conn: &mut DbConn, case_id: i64) -> QueryResult<Option<String>> {
    review_queue::table
        .find(case_id)
        .select(review_queue::step)
        .first(conn)
        .optional()
}
