//! Calendar overrides in the format of the bundled holidays-cn.csv:
//! `date,kind,festival,notice` (only date and kind required).

use super::{ImportError, Table};
use crate::db::calendar::DayRow;
use crate::domain::calendar::DayKind;
use chrono::{Datelike, NaiveDate, Weekday};
use std::collections::BTreeMap;

pub const COLUMNS: [&str; 4] = ["date", "kind", "festival", "notice"];
/// The web form's limits, which imported rows meet too.
pub const MAX_FESTIVAL_LEN: usize = 20;
pub const MAX_NOTICE_LEN: usize = 100;

/// The official calendar that ships with gongkai (2018-2026).
pub const BUNDLED: &str = include_str!("../../data/holidays-cn.csv");

pub fn parse(file: &str, bytes: &[u8]) -> Result<Vec<DayRow>, ImportError> {
    let table = Table::read(file, bytes, &COLUMNS, &["date", "kind"], &[])?;
    let mut seen: BTreeMap<NaiveDate, u64> = BTreeMap::new();
    let mut out = Vec::new();
    for row in &table.rows {
        let text = row.get("date");
        let day = NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .ok()
            .filter(|_| text.len() == 10)
            .ok_or_else(|| {
                table.error(
                    row,
                    "date",
                    format!("\"{text}\" is not a date (YYYY-MM-DD)"),
                )
            })?;
        if let Some(first) = seen.insert(day, row.line) {
            return Err(table.error(row, "date", format!("{day} already appears in row {first}")));
        }
        let kind_text = row.get("kind");
        let kind = DayKind::parse(kind_text).ok_or_else(|| {
            table.error(
                row,
                "kind",
                format!("\"{kind_text}\" is not one of holiday, workday"),
            )
        })?;
        if kind == DayKind::Workday && !matches!(day.weekday(), Weekday::Sat | Weekday::Sun) {
            return Err(table.error(
                row,
                "kind",
                format!("{day} is a weekday; a make-up workday falls on a Saturday or Sunday"),
            ));
        }
        out.push(DayRow {
            day,
            kind,
            festival: table.text(row, "festival", MAX_FESTIVAL_LEN)?.to_string(),
            notice: table.text(row, "notice", MAX_NOTICE_LEN)?.to_string(),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_calendar_parses() {
        let rows = parse("holidays-cn.csv", BUNDLED.as_bytes()).unwrap();
        assert_eq!(rows.len(), BUNDLED.lines().count() - 1);
    }

    #[test]
    fn bad_rows_are_named() {
        let e = parse("c.csv", b"date,kind\n2024-13-01,holiday\n").unwrap_err();
        assert_eq!(
            e.to_string(),
            "c.csv row 2, column date: \"2024-13-01\" is not a date (YYYY-MM-DD)"
        );
        let e = parse("c.csv", b"date,kind\n2024-10-01,vacation\n").unwrap_err();
        assert_eq!(e.column.as_deref(), Some("kind"));
        let e = parse("c.csv", b"date,kind\n2024-10-08,workday\n").unwrap_err();
        assert!(e.message.contains("weekday"));
        let e = parse("c.csv", b"kind\nholiday\n").unwrap_err();
        assert_eq!(e.column.as_deref(), Some("date"));
    }
}
