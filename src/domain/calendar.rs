//! The official working-day calendar.
//!
//! Monday to Friday are working days unless the State Council's yearly notice says otherwise:
//! it turns some weekdays into holidays and some weekend days into make-up working days. Only
//! those exceptions are stored. A year with no exception loaded is assumed not to be loaded at
//! all; it falls back to Monday-to-Friday and callers must say so to the user.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, Days, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta, Weekday};
use serde::{Deserialize, Serialize};

/// How an official notice classifies a date that differs from the Monday-to-Friday rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DayKind {
    /// A day off: a weekday, or a weekend day inside a holiday period.
    Holiday,
    /// A weekend day worked in exchange for a holiday (调休上班).
    Workday,
}

impl DayKind {
    /// The code stored in the database and in `holidays-cn.csv`.
    pub fn as_str(self) -> &'static str {
        match self {
            DayKind::Holiday => "holiday",
            DayKind::Workday => "workday",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s.trim() {
            "holiday" => Some(DayKind::Holiday),
            "workday" => Some(DayKind::Workday),
            _ => None,
        }
    }
}

/// Exceptions to Monday-to-Friday, plus which years they cover.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Calendar {
    overrides: BTreeMap<NaiveDate, DayKind>,
    loaded: BTreeSet<i32>,
}

/// Mondays to Fridays from 1 January of year 1 (a Monday) through `d`.
fn weekdays_through(d: NaiveDate) -> i64 {
    let days = i64::from(d.num_days_from_ce());
    days / 7 * 5 + (days % 7).min(5)
}

impl Calendar {
    /// A year counts as loaded as soon as it has one exception: every real notice has several.
    pub fn new(overrides: impl IntoIterator<Item = (NaiveDate, DayKind)>) -> Calendar {
        let overrides: BTreeMap<NaiveDate, DayKind> = overrides.into_iter().collect();
        let loaded = overrides.keys().map(|d| d.year()).collect();
        Calendar { overrides, loaded }
    }

    /// Monday to Friday everywhere; every year reports as unloaded.
    pub fn empty() -> Calendar {
        Calendar::default()
    }

    /// Reads the bundled `date,kind,...` file. Only the first two columns matter here, so this
    /// stays dependency-free; the application proper imports with a full CSV reader.
    pub fn from_csv_str(s: &str) -> Result<Calendar, String> {
        let mut overrides = Vec::new();
        for (i, line) in s.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || (i == 0 && line.starts_with("date")) {
                continue;
            }
            let mut fields = line.splitn(3, ',').map(|f| f.trim().trim_matches('"'));
            let date = fields.next().unwrap_or_default();
            let kind = fields.next().unwrap_or_default();
            let date = NaiveDate::parse_from_str(date, "%Y-%m-%d")
                .map_err(|e| format!("line {}: bad date {date:?}: {e}", i + 1))?;
            let kind =
                DayKind::parse(kind).ok_or_else(|| format!("line {}: bad kind {kind:?}", i + 1))?;
            overrides.push((date, kind));
        }
        Ok(Calendar::new(overrides))
    }

    pub fn is_loaded(&self, year: i32) -> bool {
        self.loaded.contains(&year)
    }

    pub fn loaded_years(&self) -> impl Iterator<Item = i32> + '_ {
        self.loaded.iter().copied()
    }

    pub fn override_on(&self, date: NaiveDate) -> Option<DayKind> {
        self.overrides.get(&date).copied()
    }

    /// The notice wins over the day of the week.
    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        match self.override_on(date) {
            Some(DayKind::Workday) => true,
            Some(DayKind::Holiday) => false,
            None => !matches!(date.weekday(), Weekday::Sat | Weekday::Sun),
        }
    }

    /// "N working days after `from`": the day a period starts never counts, so day 1 is the
    /// first working day after `from` and the result is the N-th. `n == 0` returns `from`.
    pub fn add_working_days(&self, from: NaiveDate, n: u32) -> NaiveDate {
        let mut day = from;
        let mut left = n;
        while left > 0 {
            day = next_day(day);
            if self.is_working_day(day) {
                left -= 1;
            }
        }
        day
    }

    /// Working days `d` with `from < d <= to`, so that
    /// `working_days_between(d, add_working_days(d, n)) == n`. Negative when `to < from`:
    /// minus the working days in `(to, from]`, which reads as "so many days overdue".
    pub fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> i64 {
        if to < from {
            return -self.working_days_between(to, from);
        }
        if to == from {
            return 0;
        }
        // Mondays to Fridays by arithmetic, then each notice in the range: a list
        // shows this for every row, and a case can be years overdue.
        let mut count = weekdays_through(to) - weekdays_through(from);
        for (day, kind) in self.overrides.range(next_day(from)..=to) {
            let weekend = matches!(day.weekday(), Weekday::Sat | Weekday::Sun);
            match kind {
                DayKind::Workday if weekend => count += 1,
                DayKind::Holiday if !weekend => count -= 1,
                _ => {}
            }
        }
        count
    }

    pub fn working_days_in_year(&self, year: i32) -> u32 {
        let (Some(first), Some(last)) = (
            NaiveDate::from_ymd_opt(year, 1, 1),
            NaiveDate::from_ymd_opt(year, 12, 31),
        ) else {
            return 0;
        };
        first
            .iter_days()
            .take_while(|d| *d <= last)
            .filter(|d| self.is_working_day(*d))
            .count() as u32
    }

    /// Years touched by the range (in either order) for which no notice is loaded: a deadline
    /// computed across them rests on the Monday-to-Friday guess.
    pub fn unloaded_years_between(&self, from: NaiveDate, to: NaiveDate) -> Vec<i32> {
        let (a, b) = if from <= to { (from, to) } else { (to, from) };
        (a.year()..=b.year())
            .filter(|y| !self.is_loaded(*y))
            .collect()
    }
}

/// China Standard Time: UTC+8 all year, no daylight saving. Moments are
/// stored in UTC; the offices read them, and mean their dates, in China time.
const CHINA_OFFSET: TimeDelta = TimeDelta::hours(8);

/// A stored (UTC) moment as the clock on an office wall shows it.
pub fn china_time(utc: NaiveDateTime) -> NaiveDateTime {
    utc + CHINA_OFFSET
}

/// The stored (UTC) moment of a time on an office wall in China.
pub fn from_china_time(china: NaiveDateTime) -> NaiveDateTime {
    china - CHINA_OFFSET
}

/// The UTC moment a day begins in China (a date typed into a filter).
pub fn china_day_start(day: NaiveDate) -> NaiveDateTime {
    day.and_time(NaiveTime::MIN) - CHINA_OFFSET
}

fn next_day(day: NaiveDate) -> NaiveDate {
    day.checked_add_days(Days::new(1))
        .expect("date arithmetic stays far inside chrono's range")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn working_days_between_agrees_with_counting_day_by_day() {
        let c = cal();
        let by_day = |from: NaiveDate, to: NaiveDate| {
            from.iter_days()
                .skip(1)
                .take_while(|d| *d <= to)
                .filter(|d| c.is_working_day(*d))
                .count() as i64
        };
        let start = d("2007-12-25");
        // Every start in a stretch of 40 days against ends up to three years on,
        // across notices, make-up Saturdays and the years' edges.
        for i in 0..40 {
            let from = start + Days::new(i * 97 % 4000);
            for len in [0, 1, 2, 5, 6, 7, 13, 30, 100, 365, 1100] {
                let to = from + Days::new(len);
                assert_eq!(
                    c.working_days_between(from, to),
                    by_day(from, to),
                    "{from} {to}"
                );
                assert_eq!(
                    c.working_days_between(to, from),
                    -by_day(from, to),
                    "{to} {from}"
                );
            }
        }
        // National Day week 2024: 1-7 October off, Sunday 29 September and
        // Saturday 12 October worked.
        // (29 Sep, 30 Sep, 8-11 Oct, 12 Oct.)
        assert_eq!(c.working_days_between(d("2024-09-27"), d("2024-10-12")), 7);
    }

    fn cal() -> Calendar {
        Calendar::from_csv_str(include_str!("../../data/holidays-cn.csv")).unwrap()
    }

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn china_time_is_utc_plus_eight() {
        let utc = d("2023-12-31").and_hms_opt(16, 30, 0).unwrap();
        assert_eq!(
            china_time(utc),
            d("2024-01-01").and_hms_opt(0, 30, 0).unwrap()
        );
        // 1 January in China begins at 16:00 UTC on 31 December.
        assert_eq!(
            china_day_start(d("2024-01-01")),
            d("2023-12-31").and_hms_opt(16, 0, 0).unwrap()
        );
    }

    #[test]
    fn day_kind_codes_round_trip() {
        for k in [DayKind::Holiday, DayKind::Workday] {
            assert_eq!(DayKind::parse(k.as_str()), Some(k));
        }
        assert_eq!(DayKind::parse("weekend"), None);
    }

    #[test]
    fn bundled_file_loads_2008_to_2026() {
        let c = cal();
        assert_eq!(
            c.loaded_years().collect::<Vec<_>>(),
            (2008..=2026).collect::<Vec<_>>()
        );
        for year in 2008..=2026 {
            assert!(c.is_loaded(year), "{year}");
        }
        // The 2008 notice's two days in December 2007 are left out on purpose: with them,
        // 2007 would report as loaded although its own notice is not in the file.
        assert!(!c.is_loaded(2007));
        assert!(!c.is_loaded(2027));
    }

    /// Working days per calendar year, computed from the bundled notices (weekdays, less
    /// weekdays off, plus weekend days worked). 2015 counts the extra day off of 3 September
    /// (国发明电〔2015〕1号) and 2020 the Spring Festival extension (国办发明电〔2020〕1号).
    #[test]
    fn working_days_per_year_match_the_notices() {
        let c = cal();
        let expected = [
            (2008, 251),
            (2009, 250),
            (2010, 250),
            (2011, 250),
            (2012, 249),
            (2013, 250),
            (2014, 250),
            (2015, 249),
            (2016, 250),
            (2017, 249),
            (2018, 250),
            (2019, 250),
            (2020, 249),
            (2021, 250),
            (2022, 249),
            (2023, 249),
            (2024, 251),
            (2025, 248),
            (2026, 248),
        ];
        assert_eq!(
            expected.iter().map(|(y, _)| *y).collect::<Vec<_>>(),
            (2008..=2026).collect::<Vec<_>>()
        );
        for (year, days) in expected {
            assert_eq!(c.working_days_in_year(year), days, "{year}");
        }
    }

    #[test]
    fn worked_examples_twenty_and_forty_days() {
        let c = cal();
        let cases = [
            ("2024-09-27", "2024-10-30", "2024-11-27"),
            ("2025-01-20", "2025-02-21", "2025-03-21"),
            ("2026-02-09", "2026-03-13", "2026-04-13"),
            ("2019-12-31", "2020-02-05", "2020-03-04"),
        ];
        for (received, due, extended) in cases {
            assert_eq!(c.add_working_days(d(received), 20), d(due), "{received}");
            assert_eq!(
                c.add_working_days(d(received), 40),
                d(extended),
                "{received}"
            );
            assert_eq!(c.working_days_between(d(received), d(due)), 20);
            assert_eq!(c.working_days_between(d(received), d(extended)), 40);
        }
    }

    #[test]
    fn make_up_saturday_counts_and_holiday_weekday_does_not() {
        let c = cal();
        // 2024-10-12 is a Saturday worked for National Day; 10-07 is a Monday off.
        assert_eq!(d("2024-10-12").weekday(), Weekday::Sat);
        assert!(c.is_working_day(d("2024-10-12")));
        assert_eq!(c.override_on(d("2024-10-12")), Some(DayKind::Workday));
        assert!(!c.is_working_day(d("2024-10-07")));
        assert!(!c.is_working_day(d("2024-10-13")));
        // Friday 10-11 -> Saturday 10-12 is the next working day, not Monday 10-14.
        assert_eq!(c.add_working_days(d("2024-10-11"), 1), d("2024-10-12"));
        // Sunday 09-29 is a make-up day too, so it is day 1 after Friday 09-27.
        assert_eq!(c.add_working_days(d("2024-09-27"), 1), d("2024-09-29"));
    }

    #[test]
    fn zero_days_and_negative_spans() {
        let c = cal();
        assert_eq!(c.add_working_days(d("2024-10-01"), 0), d("2024-10-01"));
        assert_eq!(c.working_days_between(d("2024-10-30"), d("2024-10-30")), 0);
        // (10-28, 10-30] has two working days; reversed it is -2.
        assert_eq!(c.working_days_between(d("2024-10-30"), d("2024-10-28")), -2);
        assert_eq!(c.working_days_between(d("2024-10-28"), d("2024-10-30")), 2);
    }

    #[test]
    fn unloaded_year_falls_back_to_monday_to_friday() {
        let c = cal();
        assert!(!c.is_loaded(2030));
        // 2030-01-01 is a Tuesday; with no notice it is an ordinary working day.
        assert!(c.is_working_day(d("2030-01-01")));
        assert!(!c.is_working_day(d("2030-01-05")));
        assert_eq!(c.working_days_in_year(2030), 261);
        assert_eq!(c.add_working_days(d("2030-01-04"), 1), d("2030-01-07"));
        assert_eq!(
            c.unloaded_years_between(d("2026-12-01"), d("2030-02-01")),
            vec![2027, 2028, 2029, 2030]
        );
        assert_eq!(
            c.unloaded_years_between(d("2025-02-01"), d("2024-12-01")),
            Vec::<i32>::new()
        );
        assert_eq!(
            Calendar::empty().unloaded_years_between(d("2024-12-01"), d("2025-01-10")),
            vec![2024, 2025]
        );
    }

    #[test]
    fn csv_errors_name_the_line() {
        let err = Calendar::from_csv_str("date,kind\n2024-13-01,holiday\n").unwrap_err();
        assert!(err.starts_with("line 2"), "{err}");
        let err = Calendar::from_csv_str("date,kind\n2024-10-01,rest\n").unwrap_err();
        assert!(err.contains("bad kind"), "{err}");
    }
}
