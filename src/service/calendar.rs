//! Loading and correcting the official calendar.

use super::Fail;
use crate::db::audit::{self, Action, Actor, Detail, Field};
use crate::db::calendar::DayRow;
use crate::db::{self, DbConn};
use crate::files;

#[derive(Debug, Default, PartialEq, Eq)]
pub struct ImportSummary {
    pub added: usize,
    pub replaced: usize,
}

/// Loads overrides from a calendar CSV: all rows or none.
pub fn import(
    conn: &mut DbConn,
    actor: &Actor,
    file: &str,
    bytes: &[u8],
) -> Result<ImportSummary, Fail> {
    let rows = files::calendar::parse(file, bytes)?;
    db::write_tx(conn, |conn| {
        let mut s = ImportSummary::default();
        for r in &rows {
            if db::calendar::put(conn, r)? {
                s.replaced += 1;
            } else {
                s.added += 1;
            }
        }
        audit::record(
            conn,
            actor,
            Action::CalendarImport,
            file,
            &Detail::none()
                .with(Field::Added, s.added)
                .with(Field::Replaced, s.replaced),
        )?;
        if let Some(first) = rows.iter().map(|r| r.day).min() {
            after_change(conn, first)?;
        }
        Ok(s)
    })
}

/// Sets one day's override (an admin's correction).
pub fn put_day(conn: &mut DbConn, actor: &Actor, row: &DayRow) -> Result<(), Fail> {
    db::write_tx(conn, |conn| {
        let replaced = db::calendar::put(conn, row)?;
        audit::record(
            conn,
            actor,
            if replaced {
                Action::CalendarChange
            } else {
                Action::CalendarAdd
            },
            &row.day.to_string(),
            &Detail::none()
                .with(Field::DayKind, row.kind.as_str())
                .with(Field::Festival, &row.festival),
        )?;
        after_change(conn, row.day)?;
        Ok(())
    })
}

/// Removes a day's override: it follows the Monday-to-Friday rule again.
pub fn remove_day(conn: &mut DbConn, actor: &Actor, day: chrono::NaiveDate) -> Result<(), Fail> {
    db::write_tx(conn, |conn| {
        if db::calendar::remove(conn, day)? == 0 {
            return Err(Fail::NotFound);
        }
        audit::record(
            conn,
            actor,
            Action::CalendarRemove,
            &day.to_string(),
            &Detail::none(),
        )?;
        after_change(conn, day)?;
        Ok(())
    })
}

/// Deadlines depend on the calendar: recompute what is stored for indexing.
fn after_change(conn: &mut DbConn, changed_from: chrono::NaiveDate) -> Result<(), Fail> {
    let calendar = db::calendar::load(conn)?;
    let settings = super::rules::load(conn)?;
    let clock = super::cases::Clock {
        calendar: &calendar,
        settings: &settings,
        today: super::cases::today_in_china(),
    };
    let n = super::cases::refresh_after_calendar_change(conn, changed_from, &clock)?;
    if n > 0 {
        log::info!("calendar changed from {changed_from}: recomputed {n} case deadline(s)");
    }
    Ok(())
}
