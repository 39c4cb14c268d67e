//! SMS, the rules: which numbers can take one, how an applicant is told
//! (e-mail when they gave an address, SMS when they gave only a mobile
//! number), and the hours staff may be sent one. Pure: the outbox is
//! `db::outbox`, the texts and the gateway `service::mail`.
//!
//! Quiet hours hold for staff only (a message with a user): reminders and
//! requests for approval wait for the working day. What goes to applicants
//! answers something they or the office just did (the acknowledgement of the
//! form they have just posted, with the access code they need; the
//! confirmation, rejection and letters, which staff make in office hours), so
//! it goes at once.

use super::calendar::Calendar;
use super::mail::{Channel, plausible_address};
use chrono::{Days, NaiveDateTime, Timelike};

/// A mainland mobile number as the gateway takes it: 11 digits starting with 1 and a
/// second digit from 3 to 9, from a number as typed (blanks, dashes and a +86, 86 or 0086
/// prefix allowed). None for anything else: a landline takes no SMS.
pub fn mobile(typed: &str) -> Option<String> {
    let digits: String = typed
        .trim()
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '\u{3000}'))
        .collect();
    let digits = digits.strip_prefix('+').unwrap_or(&digits);
    let digits = match digits.len() {
        15 => digits.strip_prefix("0086")?,
        13 => digits.strip_prefix("86")?,
        _ => digits,
    };
    let b = digits.as_bytes();
    let ok = b.len() == 11
        && b.iter().all(u8::is_ascii_digit)
        && b[0] == b'1'
        && (b'3'..=b'9').contains(&b[1]);
    ok.then(|| digits.to_string())
}

/// How the applicant hears from the office: by e-mail when they gave an address, else by
/// SMS when they gave a mobile number, else not at all (letters go by post or in person).
pub fn applicant_channel(email: &str, phone: &str) -> Option<Channel> {
    if plausible_address(email) {
        Some(Channel::Mail)
    } else if mobile(phone).is_some() {
        Some(Channel::Sms)
    } else {
        None
    }
}

/// The hours (China time) SMS may reach staff: from `from` o'clock up to `until` o'clock,
/// on working days of the official calendar only unless `working_days_only` is off.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StaffHours {
    pub from: u32,
    pub until: u32,
    pub working_days_only: bool,
}

/// 08:00 to 20:00 on working days: a reminder is read when it can be acted on, and a
/// holiday stays one.
impl Default for StaffHours {
    fn default() -> StaffHours {
        StaffHours {
            from: 8,
            until: 20,
            working_days_only: true,
        }
    }
}

impl StaffHours {
    /// Checked hours: `from` 0-23, `until` 1-24 and after `from`.
    pub fn new(from: u32, until: u32, working_days_only: bool) -> Option<StaffHours> {
        (from < until && until <= 24).then_some(StaffHours {
            from,
            until,
            working_days_only,
        })
    }

    /// Whether an SMS may reach staff at this moment (China time).
    pub fn allow(&self, now_china: NaiveDateTime, calendar: &Calendar) -> bool {
        let hour = now_china.hour();
        (self.from..self.until).contains(&hour)
            && (!self.working_days_only || calendar.is_working_day(now_china.date()))
    }

    /// The first moment from `now_china` on (China time) an SMS may reach staff: now when
    /// it may, else the start of the next allowed hours (the next working day's morning
    /// over a weekend or a holiday, a make-up working day included).
    pub fn next_allowed(&self, now_china: NaiveDateTime, calendar: &Calendar) -> NaiveDateTime {
        if self.allow(now_china, calendar) {
            return now_china;
        }
        let mut day = now_china.date();
        // A year of days off would be a calendar error; stop looking rather than spin.
        for _ in 0..=366 {
            let start = day
                .and_hms_opt(self.from, 0, 0)
                .expect("an hour below 24 is a time");
            if start > now_china && (!self.working_days_only || calendar.is_working_day(day)) {
                return start;
            }
            day = day + Days::new(1);
        }
        now_china
    }
}

/// A message's key on the SMS channel, from the key the same message has as an e-mail
/// (`domain::mail::*_key`): the two are queued independently, each once.
pub fn key(mail_key: &str) -> String {
    format!("sms:{mail_key}")
}

/// Characters one SMS holds in Chinese (a longer text is sent and charged as several).
pub const ONE_SMS: usize = 70;

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    fn cal() -> Calendar {
        Calendar::from_csv_str(include_str!("../../data/holidays-cn.csv")).unwrap()
    }

    #[test]
    fn mobile_numbers_as_typed() {
        assert_eq!(mobile("13800000000").as_deref(), Some("13800000000"));
        assert_eq!(mobile(" 138-0000-0000 ").as_deref(), Some("13800000000"));
        assert_eq!(mobile("+86 139 1234 5678").as_deref(), Some("13912345678"));
        assert_eq!(mobile("8613912345678").as_deref(), Some("13912345678"));
        assert_eq!(mobile("008613912345678").as_deref(), Some("13912345678"));
        assert_eq!(mobile("19912345678").as_deref(), Some("19912345678"));
        // Landlines, short and malformed numbers take no SMS.
        for no in [
            "0519-12345678",
            "051912345678",
            "12345678901",
            "1380000000",
            "138000000001",
            "1380000000x",
            "",
            "+4413912345678",
        ] {
            assert_eq!(mobile(no), None, "{no}");
        }
    }

    #[test]
    fn the_applicant_is_written_to_by_email_first() {
        assert_eq!(
            applicant_channel("zhang@example.com", "13800000000"),
            Some(Channel::Mail)
        );
        assert_eq!(applicant_channel("", "13800000000"), Some(Channel::Sms));
        assert_eq!(
            applicant_channel("not an address", "138 0000 0000"),
            Some(Channel::Sms)
        );
        assert_eq!(applicant_channel("", "0519-12345678"), None);
        assert_eq!(applicant_channel("", ""), None);
    }

    #[test]
    fn staff_hours_follow_the_official_calendar() {
        let cal = cal();
        let h = StaffHours::default();
        // Monday 30 September 2024, a working day before the National Day holiday.
        assert!(h.allow(at("2024-09-30 08:00"), &cal));
        assert!(h.allow(at("2024-09-30 19:59"), &cal));
        assert!(!h.allow(at("2024-09-30 20:00"), &cal));
        assert!(!h.allow(at("2024-09-30 07:59"), &cal));
        // Early on a working day: at eight.
        assert_eq!(
            h.next_allowed(at("2024-09-30 06:30"), &cal),
            at("2024-09-30 08:00")
        );
        // Allowed now: now.
        assert_eq!(
            h.next_allowed(at("2024-09-30 10:17"), &cal),
            at("2024-09-30 10:17")
        );
        // In the evening before the holiday week: Tuesday 8 October, the first working day.
        assert_eq!(
            h.next_allowed(at("2024-09-30 22:00"), &cal),
            at("2024-10-08 08:00")
        );
        assert_eq!(
            h.next_allowed(at("2024-10-03 11:00"), &cal),
            at("2024-10-08 08:00")
        );
        // Friday night 11 October: Saturday the 12th is a make-up working day.
        assert_eq!(
            h.next_allowed(at("2024-10-11 21:00"), &cal),
            at("2024-10-12 08:00")
        );
        // A plain weekend: Monday.
        assert_eq!(
            h.next_allowed(at("2024-10-19 09:00"), &cal),
            at("2024-10-21 08:00")
        );
        // Sunday 29 September is a make-up working day too.
        assert!(h.allow(at("2024-09-29 09:00"), &cal));
    }

    #[test]
    fn staff_hours_as_the_office_sets_them() {
        let cal = cal();
        // Every day, 9 to 18.
        let h = StaffHours::new(9, 18, false).unwrap();
        assert!(h.allow(at("2024-10-03 09:00"), &cal));
        assert_eq!(
            h.next_allowed(at("2024-10-03 18:00"), &cal),
            at("2024-10-04 09:00")
        );
        // Round the clock.
        let all = StaffHours::new(0, 24, false).unwrap();
        assert!(all.allow(at("2024-10-03 23:59"), &cal));
        assert!(all.allow(at("2024-10-03 00:00"), &cal));
        // Nonsense is refused.
        assert_eq!(StaffHours::new(20, 8, true), None);
        assert_eq!(StaffHours::new(8, 8, true), None);
        assert_eq!(StaffHours::new(8, 25, true), None);
    }

    #[test]
    fn an_sms_has_its_own_key() {
        assert_eq!(
            key(&crate::domain::mail::reminder_key(
                3,
                chrono::NaiveDate::from_ymd_opt(2024, 10, 30).unwrap(),
                5
            )),
            "sms:reminder:3:2024-10-30:5"
        );
    }
}
