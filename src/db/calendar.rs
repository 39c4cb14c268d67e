//! Calendar overrides: dates that break the Monday-to-Friday rule.

use super::schema::calendar_days;
use super::{DbConn, now};
use crate::domain::calendar::{Calendar, DayKind};
use chrono::{Datelike, NaiveDate};
use diesel::prelude::*;

#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = calendar_days)]
pub struct Day {
    pub day: NaiveDate,
    pub kind: String,
    pub festival: String,
    pub notice: String,
}

#[derive(Clone, Debug)]
pub struct DayRow {
    pub day: NaiveDate,
    pub kind: DayKind,
    pub festival: String,
    pub notice: String,
}

pub fn all(conn: &mut DbConn) -> QueryResult<Vec<Day>> {
    calendar_days::table
        .select(Day::as_select())
        .order(calendar_days::day)
        .load(conn)
}

pub fn year(conn: &mut DbConn, y: i32) -> QueryResult<Vec<Day>> {
    let (Some(from), Some(to)) = (
        NaiveDate::from_ymd_opt(y, 1, 1),
        NaiveDate::from_ymd_opt(y, 12, 31),
    ) else {
        return Ok(Vec::new());
    };
    calendar_days::table
        .filter(calendar_days::day.between(from, to))
        .select(Day::as_select())
        .order(calendar_days::day)
        .load(conn)
}

/// The whole calendar as the domain uses it. A few hundred rows: cheap to load.
pub fn load(conn: &mut DbConn) -> QueryResult<Calendar> {
    let rows: Vec<(NaiveDate, String)> = calendar_days::table
        .select((calendar_days::day, calendar_days::kind))
        .load(conn)?;
    Ok(Calendar::new(
        rows.into_iter()
            .filter_map(|(d, k)| DayKind::parse(&k).map(|k| (d, k))),
    ))
}

pub fn loaded_years(conn: &mut DbConn) -> QueryResult<Vec<(i32, i64)>> {
    let days: Vec<NaiveDate> = calendar_days::table.select(calendar_days::day).load(conn)?;
    let mut years = std::collections::BTreeMap::<i32, i64>::new();
    for d in days {
        *years.entry(d.year()).or_default() += 1;
    }
    Ok(years.into_iter().collect())
}

/// Inserts or replaces one override. Returns true when a row was replaced.
pub fn put(conn: &mut DbConn, row: &DayRow) -> QueryResult<bool> {
    let n = diesel::update(calendar_days::table.find(row.day))
        .set((
            calendar_days::kind.eq(row.kind.as_str()),
            calendar_days::festival.eq(&row.festival),
            calendar_days::notice.eq(&row.notice),
            calendar_days::updated_at.eq(now()),
        ))
        .execute(conn)?;
    if n == 0 {
        diesel::insert_into(calendar_days::table)
            .values((
                calendar_days::day.eq(row.day),
                calendar_days::kind.eq(row.kind.as_str()),
                calendar_days::festival.eq(&row.festival),
                calendar_days::notice.eq(&row.notice),
                calendar_days::updated_at.eq(now()),
            ))
            .execute(conn)?;
    }
    Ok(n > 0)
}

pub fn remove(conn: &mut DbConn, day: NaiveDate) -> QueryResult<usize> {
    diesel::delete(calendar_days::table.find(day)).execute(conn)
}

pub fn count(conn: &mut DbConn) -> QueryResult<i64> {
    calendar_days::table.count().get_result(conn)
}
