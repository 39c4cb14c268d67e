//! Drafting units' tasks (`domain::units`).

use super::DbConn;
use super::schema::{cases, unit_tasks};
use chrono::NaiveDate;
use diesel::prelude::*;

#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = unit_tasks)]
pub struct Task {
    pub id: i64,
    pub case_id: i64,
    pub unit_id: i64,
    pub asked_by: i64,
    pub asked_on: NaiveDate,
    pub due_on: NaiveDate,
    pub note: String,
    pub status: String,
    pub signed_by: Option<i64>,
    pub signed_on: Option<NaiveDate>,
    pub answer: String,
    pub answered_by: Option<i64>,
    pub answered_on: Option<NaiveDate>,
}

pub fn insert(
    conn: &mut DbConn,
    case_id: i64,
    unit_id: i64,
    asked_by: i64,
    asked_on: NaiveDate,
    due_on: NaiveDate,
    note: &str,
) -> QueryResult<i64> {
    diesel::insert_into(unit_tasks::table)
        .values((
            unit_tasks::case_id.eq(case_id),
            unit_tasks::unit_id.eq(unit_id),
            unit_tasks::asked_by.eq(asked_by),
            unit_tasks::asked_on.eq(asked_on),
            unit_tasks::due_on.eq(due_on),
            unit_tasks::note.eq(note),
        ))
        .returning(unit_tasks::id)
        .get_result(conn)
}

pub fn find(conn: &mut DbConn, id: i64) -> QueryResult<Option<Task>> {
    unit_tasks::table
        .find(id)
        .select(Task::as_select())
        .first(conn)
        .optional()
}

/// A case's tasks, in the order they were given.
pub fn of_case(conn: &mut DbConn, case_id: i64) -> QueryResult<Vec<Task>> {
    unit_tasks::table
        .filter(unit_tasks::case_id.eq(case_id))
        .order(unit_tasks::id)
        .select(Task::as_select())
        .load(conn)
}

/// The tasks of these units, still pending first, then the latest.
pub fn of_units(conn: &mut DbConn, units: Option<&[i64]>) -> QueryResult<Vec<(Task, String)>> {
    let mut q = unit_tasks::table
        .inner_join(cases::table)
        .select((Task::as_select(), cases::tracking_no))
        .order((
            unit_tasks::status.eq("replied"),
            unit_tasks::due_on,
            unit_tasks::id,
        ))
        .limit(500)
        .into_boxed();
    if let Some(ids) = units {
        q = q.filter(unit_tasks::unit_id.eq_any(ids.to_vec()));
    }
    q.load(conn)
}

/// Pending tasks past their internal deadline, of cases in these agencies.
pub fn overdue(
    conn: &mut DbConn,
    agencies: Option<&[i64]>,
    today: NaiveDate,
) -> QueryResult<Vec<(Task, String)>> {
    let mut q = unit_tasks::table
        .inner_join(cases::table)
        .filter(unit_tasks::status.eq_any(["asked", "signed"]))
        .filter(unit_tasks::due_on.lt(today))
        .filter(cases::status.eq("open"))
        .select((Task::as_select(), cases::tracking_no))
        .order(unit_tasks::due_on)
        .into_boxed();
    if let Some(ids) = agencies {
        q = q.filter(cases::agency_id.eq_any(ids.to_vec()));
    }
    q.load(conn)
}

/// Moves a task from one status to another; false when it was not in `from` (someone
/// else got there first).
pub fn advance(
    conn: &mut DbConn,
    id: i64,
    from: &[&str],
    to: &str,
    by: i64,
    on: NaiveDate,
    answer: &str,
) -> QueryResult<bool> {
    let target = unit_tasks::table
        .filter(unit_tasks::id.eq(id))
        .filter(unit_tasks::status.eq_any(from.to_vec()));
    let n = if to == "signed" {
        diesel::update(target)
            .set((
                unit_tasks::status.eq(to),
                unit_tasks::signed_by.eq(by),
                unit_tasks::signed_on.eq(on),
            ))
            .execute(conn)?
    } else {
        diesel::update(target)
            .set((
                unit_tasks::status.eq(to),
                unit_tasks::answer.eq(answer),
                unit_tasks::answered_by.eq(by),
                unit_tasks::answered_on.eq(on),
            ))
            .execute(conn)?
    };
    Ok(n == 1)
}
