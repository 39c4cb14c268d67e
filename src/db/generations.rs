//! The generation numbers that the triggers of migration 000016 bump with every
//! change: `reference` for agencies, users, the calendar, settings and topics;
//! `cases` for cases, their events, appeals, drafting units and reviews.

use super::DbConn;
use super::schema::generations;
use diesel::prelude::*;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Generations {
    pub reference: i64,
    pub cases: i64,
}

/// Both numbers, in one statement. Read before the data derived from them, so
/// what is derived is at least as new as the numbers it is kept under.
pub fn read(conn: &mut DbConn) -> QueryResult<Generations> {
    let rows: Vec<(String, i64)> = generations::table
        .select((generations::name, generations::n))
        .load(conn)?;
    let mut g = Generations::default();
    for (name, n) in rows {
        match name.as_str() {
            "reference" => g.reference = n,
            "cases" => g.cases = n,
            _ => {}
        }
    }
    Ok(g)
}
