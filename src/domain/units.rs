//! Drafting units (承办单位): the disclosure office sends a request to the
//! division or subordinate unit that holds the information, to find it and
//! propose an answer by an internal deadline in working days. The unit signs
//! for it (签收) or returns it with a reason, then replies. Several units may
//! be asked at once. The statutory deadline does not stop meanwhile. Pure.

use super::calendar::Calendar;
use chrono::NaiveDate;

/// Working days a unit is given unless the office says otherwise.
pub const DEFAULT_DAYS: u32 = 5;
/// The longest internal deadline that may be set: the whole statutory period.
pub const MAX_DAYS: u32 = 20;

vocabulary! {
    /// Where a unit's task stands; labelled `unit-status-{code}`.
    Status {
        Asked => "asked",
        Signed => "signed",
        Returned => "returned",
        Replied => "replied",
    }
}

impl Status {
    pub fn can_sign(self) -> bool {
        self == Status::Asked
    }
    /// A unit may return a request it has not answered, signed for or not.
    pub fn can_return(self) -> bool {
        matches!(self, Status::Asked | Status::Signed)
    }
    pub fn can_reply(self) -> bool {
        matches!(self, Status::Asked | Status::Signed)
    }
    /// Still with the unit.
    pub fn pending(self) -> bool {
        matches!(self, Status::Asked | Status::Signed)
    }
}

/// The internal deadline: `days` working days after the day the unit was asked.
pub fn due(calendar: &Calendar, asked_on: NaiveDate, days: u32) -> NaiveDate {
    calendar.add_working_days(asked_on, days)
}

/// Past its internal deadline and not yet answered.
pub fn overdue(status: Status, due: NaiveDate, today: NaiveDate) -> bool {
    status.pending() && today > due
}

/// A reply after the internal deadline.
pub fn late(replied_on: NaiveDate, due: NaiveDate) -> bool {
    replied_on > due
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn calendar() -> Calendar {
        Calendar::from_csv_str(include_str!("../../data/holidays-cn.csv")).unwrap()
    }

    #[test]
    fn five_working_days_skip_the_national_day_holiday() {
        // Asked on Friday 2024-09-27: 9-29 (a Sunday) and 9-30 are working days,
        // 10-1 to 10-7 are off, then 10-8, 10-9 and 10-10.
        assert_eq!(due(&calendar(), d("2024-09-27"), 5), d("2024-10-10"));
        assert_eq!(due(&calendar(), d("2024-10-14"), 5), d("2024-10-21"));
    }

    #[test]
    fn what_a_unit_may_do_depends_on_where_the_task_stands() {
        assert!(Status::Asked.can_sign() && !Status::Signed.can_sign());
        assert!(Status::Signed.can_reply() && Status::Signed.can_return());
        assert!(!Status::Returned.can_reply() && !Status::Replied.can_return());
        assert!(overdue(Status::Signed, d("2024-10-09"), d("2024-10-10")));
        assert!(!overdue(Status::Signed, d("2024-10-09"), d("2024-10-09")));
        assert!(!overdue(Status::Replied, d("2024-10-09"), d("2024-10-30")));
        assert!(late(d("2024-10-10"), d("2024-10-09")));
        assert!(!late(d("2024-10-09"), d("2024-10-09")));
    }
}
