//! Sending a case to drafting units (`domain::units`): which units (divisions or
//! subordinate units under the case's agency), the internal deadline in working
//! days, and what the office asks of them.

use super::{Cx, Form};
use crate::db;
use crate::domain::case::Event;
use crate::domain::units::{self as rules, DEFAULT_DAYS, MAX_DAYS};
use crate::service::Fail;
use crate::service::cases::MAX_TEXT;

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct Ask {
    /// Working days the units have; empty: `DEFAULT_DAYS`.
    days: String,
    note: String,
}

impl Form for Ask {
    fn build(&self, cx: &mut Cx) -> Result<Vec<Event>, Fail> {
        let days = match self.days.trim() {
            "" => Some(DEFAULT_DAYS),
            d => d.parse::<u32>().ok().filter(|d| (1..=MAX_DAYS).contains(d)),
        };
        if days.is_none() {
            cx.refuse("days", "unit-days-invalid");
        }
        let note = cx.text("note", &self.note, MAX_TEXT, false);
        let tree = crate::service::agencies::tree(cx.conn)?;
        let below = tree.subtree(&cx.case.agency_id);
        let pending: Vec<i64> = db::units::of_case(cx.conn, cx.case.id)?
            .into_iter()
            .filter(|t| rules::Status::parse(&t.status).is_some_and(rules::Status::pending))
            .map(|t| t.unit_id)
            .collect();
        let mut units = Vec::new();
        for value in cx.all("unit") {
            let unit = value.trim().parse::<i64>().ok();
            match unit {
                Some(u) if u != cx.case.agency_id && below.contains(&u) => {
                    if pending.contains(&u) {
                        cx.refuse("unit", "unit-already-asked");
                    } else if !units.iter().any(|(id, _)| *id == u) {
                        let name = db::agencies::find(cx.conn, u)?
                            .map(|a| a.name)
                            .unwrap_or_default();
                        units.push((u, name));
                    }
                }
                _ => cx.refuse("unit", "field-invalid-choice"),
            }
        }
        if units.is_empty() {
            cx.refuse("unit", "unit-choose");
        }
        let on = cx.today();
        let due = rules::due(cx.clock.calendar, on, days.unwrap_or(DEFAULT_DAYS));
        Ok(vec![Event::UnitsAsked {
            on,
            units,
            due,
            note,
        }])
    }
}

/// Writes a task per unit asked.
pub fn apply(cx_case: i64, by: i64, e: &Event, conn: &mut db::DbConn) -> Result<(), Fail> {
    if let Event::UnitsAsked {
        on,
        units,
        due,
        note,
    } = e
    {
        for (unit, _) in units {
            db::units::insert(conn, cx_case, *unit, by, *on, *due, note)?;
        }
    }
    Ok(())
}
