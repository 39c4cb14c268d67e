//! What the supervisor's dashboard counts of the open cases: overdue, due
//! soon, awaiting an extension decision, stopped for consultation or
//! correction. The same rules give the working days a list shows.

use super::calendar::Calendar;
use super::deadline::{self, Urgency};
use chrono::NaiveDate;

/// Working days ahead that count as "due soon" (the same as the reminders').
pub const SOON: u32 = deadline::DUE_SOON_WORKING_DAYS;

/// An open case as the dashboard sees it.
#[derive(Clone, Debug)]
pub struct OpenCase<'a> {
    pub due_on: Option<NaiveDate>,
    pub extension_pending: bool,
    /// Why the clock stands still (`domain::deadline::StopReason` code), or empty.
    pub clock: &'a str,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub open: i64,
    pub overdue: i64,
    pub due_soon: i64,
    pub extension: i64,
    pub consultation: i64,
    pub correction: i64,
}

impl Counts {
    /// Counts one open case; `soon` is the last day that counts as due soon.
    pub fn add(&mut self, c: &OpenCase, today: NaiveDate, soon: NaiveDate) {
        self.open += 1;
        match deadline::urgency(c.due_on, today, soon) {
            Some(Urgency::Overdue) => self.overdue += 1,
            Some(Urgency::DueSoon) => self.due_soon += 1,
            None => {}
        }
        if c.extension_pending {
            self.extension += 1;
        }
        match c.clock {
            "third_party_consultation" | "agency_consultation" => self.consultation += 1,
            "correction" => self.correction += 1,
            _ => {}
        }
    }
}

/// Working days from `today` to an open case's due date (negative: overdue), as
/// lists show them: while the clock runs, and for an overdue case even when
/// something stopped the clock too late to move the date.
pub fn days_left(
    open: bool,
    clock: &str,
    due_on: Option<NaiveDate>,
    today: NaiveDate,
    cal: &Calendar,
) -> Option<i64> {
    match (open, due_on) {
        (true, Some(d)) if clock.is_empty() || d < today => {
            Some(cal.working_days_between(today, d))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn open_cases_fall_into_the_dashboard_columns() {
        let (today, soon) = (d("2024-10-08"), d("2024-10-10"));
        let mut c = Counts::default();
        for (due, ext, clock) in [
            (Some("2024-10-07"), false, ""),
            (Some("2024-10-10"), true, ""),
            (Some("2024-10-11"), false, "correction"),
            (None, false, "third_party_consultation"),
        ] {
            let case = OpenCase {
                due_on: due.map(d),
                extension_pending: ext,
                clock,
            };
            c.add(&case, today, soon);
        }
        assert_eq!(
            c,
            Counts {
                open: 4,
                overdue: 1,
                due_soon: 1,
                extension: 1,
                consultation: 1,
                correction: 1
            }
        );
    }

    #[test]
    fn lists_show_days_while_the_clock_runs_or_once_overdue() {
        let cal = Calendar::empty();
        let today = d("2024-10-08");
        assert_eq!(
            days_left(true, "", Some(d("2024-10-10")), today, &cal),
            Some(2)
        );
        assert_eq!(
            days_left(true, "correction", Some(d("2024-10-10")), today, &cal),
            None
        );
        assert_eq!(
            days_left(true, "correction", Some(d("2024-10-07")), today, &cal),
            Some(-1)
        );
        assert_eq!(
            days_left(false, "", Some(d("2024-10-10")), today, &cal),
            None
        );
    }
}
