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

/// The official calendar that ships with gongkai (2008-2026).
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

    /// Every yearly arrangement gives exactly the statutory paid holidays as weekdays off, net of
    /// the weekend days worked: a statutory day on a weekday is a weekday off; one that falls on a
    /// weekend is made up with a weekday off (补休, Article 6 of the 放假办法); every other
    /// weekday off is swapped for a weekend day worked (调休), so the two cancel. Only the net
    /// per arrangement holds, not per festival (2015's Mid-Autumn Sunday is made up inside the
    /// National Day week). Weekend days off are not counted: they change no working day, and the
    /// file lists them for some "与周末连休" notices and not for others. An arrangement is the
    /// year of a row's date, except that a 元旦 row dated in December belongs to the next year
    /// (e.g. 2018-12-29 worked, 30-31 off for 2019). The 2008 notice's 2007-12-29 (worked) and
    /// 2007-12-31 (off) are not in the file, which leaves its net unchanged.
    #[test]
    fn bundled_weekdays_off_net_of_make_up_days_are_the_statutory_holidays() {
        let rows = parse("holidays-cn.csv", BUNDLED.as_bytes()).unwrap();
        let mut net: BTreeMap<i32, i32> = BTreeMap::new();
        for row in &rows {
            let arrangement = if row.festival == "元旦" && row.day.month() == 12 {
                row.day.year() + 1
            } else {
                row.day.year()
            };
            let weekend = matches!(row.day.weekday(), Weekday::Sat | Weekday::Sun);
            let n = net.entry(arrangement).or_default();
            match row.kind {
                DayKind::Holiday if !weekend => *n += 1,
                DayKind::Holiday => {}
                DayKind::Workday => *n -= 1,
            }
        }
        let expected = |year: i32| match year {
            // 11 days under 国务院令第513号 (2008) and 第644号 (2014: the eve out, 初三 in).
            2008..=2024 => {
                11 + match year {
                    // 国发明电〔2015〕1号: 3 September off (4 September swapped for the 6th).
                    2015 => 1,
                    // 国办发明电〔2020〕1号: Friday 31 January off, Saturday 1 February no
                    // longer worked.
                    2020 => 2,
                    _ => 0,
                }
            }
            // 13 days under 国务院令第798号: the eve and a second day of Labour Day.
            _ => 13,
        };
        assert_eq!(
            net.keys().copied().collect::<Vec<_>>(),
            (2008..=2026).collect::<Vec<_>>()
        );
        for (year, days) in net {
            assert_eq!(days, expected(year), "{year}");
        }
    }

    #[test]
    fn bundled_rows_name_their_festival_and_notice() {
        let rows = parse("holidays-cn.csv", BUNDLED.as_bytes()).unwrap();
        let festivals = [
            "元旦",
            "春节",
            "清明",
            "劳动节",
            "端午",
            "中秋",
            "国庆节",
            "抗战胜利70周年纪念日",
        ];
        assert!(
            rows.windows(2).all(|w| w[0].day < w[1].day),
            "sorted by date"
        );
        for row in &rows {
            assert!(festivals.contains(&row.festival.as_str()), "{row:?}");
            assert!(!row.notice.is_empty(), "{row:?}");
            if row.festival == "抗战胜利70周年纪念日" {
                assert_eq!(row.notice, "国发明电〔2015〕1号");
            }
        }
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
