//! Outgoing mail, the rules: which letters go to the applicant by e-mail (or,
//! to one who gave only a mobile number, an SMS that they are ready),
//! when a clerk is reminded and the supervisors' digest goes out, what makes
//! a message unique, and how a failed delivery is retried. Pure: the outbox
//! is `db::outbox`, the texts and the worker `service::mail`.

use super::calendar::Calendar;
use super::deadline::DUE_SOON_WORKING_DAYS;
use super::letters::LetterKind;
use chrono::{NaiveDate, NaiveDateTime, TimeDelta, Timelike};

vocabulary! {
    /// What a message is; the admin page shows `mail-kind-{code}`.
    Kind {
        Letter => "letter",
        ExtensionRequested => "extension_requested",
        SignOffAwaited => "sign_off_awaited",
        DraftReturned => "draft_returned",
        Reminder => "reminder",
        Digest => "digest",
        Acknowledgement => "acknowledgement",
        Confirmation => "confirmation",
        Rejection => "rejection",
        Forwarded => "forwarded",
    }
}

vocabulary! {
    /// How a message goes: as an e-mail or as an SMS (`domain::sms`); the admin page shows
    /// `mail-channel-{code}`.
    Channel {
        Mail => "mail",
        Sms => "sms",
    }
}

vocabulary! {
    /// Where a message stands; the admin page shows `mail-status-{code}`.
    Status {
        Queued => "queued",
        Sent => "sent",
        Failed => "failed",
    }
}

/// The letters the applicant also receives by e-mail when they gave an address (or is told
/// of by SMS when they gave only a mobile number): the ones that ask something of them or
/// answer them.
pub fn mailed_to_applicant(kind: LetterKind) -> bool {
    matches!(
        kind,
        LetterKind::CorrectionNotice
            | LetterKind::ExtensionNotice
            | LetterKind::FeeNotice
            | LetterKind::Answer
    )
}

/// An address worth handing to the mail server: one `@` with something on each side and no
/// blanks. The server has the last word; this only keeps typing slips out of the queue.
pub fn plausible_address(s: &str) -> bool {
    let s = s.trim();
    match s.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.is_empty()
                && !domain.contains('@')
                && !s.chars().any(|c| c.is_whitespace() || c.is_control())
        }
        None => false,
    }
}

/// Whether the clerk should be reminded today of a deadline on `due`: from
/// `DUE_SOON_WORKING_DAYS` working days before it up to the day itself. Past it the
/// supervisors' digest reports the case as overdue instead.
pub fn remind(today: NaiveDate, due: NaiveDate, calendar: &Calendar) -> bool {
    today <= due && due <= calendar.add_working_days(today, DUE_SOON_WORKING_DAYS)
}

/// The hour (China time) the digest goes out when the office sets none.
pub const DEFAULT_DIGEST_HOUR: u32 = 8;

/// Whether today's digest is due at this moment (China time): from the set hour on. Once a
/// day is guaranteed by its key (`digest_key`), not by catching the hour exactly, so a
/// process started later in the day still sends it.
pub fn digest_due(now_china: NaiveDateTime, hour: u32) -> bool {
    now_china.hour() >= hour
}

/// Waits after the 1st, 2nd, ... failed attempt, in minutes: 1 min, 5 min, 30 min, 2 h, 12 h.
pub const RETRY_MINUTES: [i64; 5] = [1, 5, 30, 120, 720];

/// Attempts in all before a message is given up: the first and one per wait.
pub const MAX_ATTEMPTS: i32 = RETRY_MINUTES.len() as i32 + 1;

/// What becomes of a message whose delivery failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AfterFailure {
    RetryAt(NaiveDateTime),
    /// Failed for good: an administrator may send it again.
    GiveUp,
}

/// After the `attempts`-th attempt failed at `now`: a server's permanent refusal (a 5xx
/// reply, a malformed address) is final at once; anything else waits longer each time
/// until `MAX_ATTEMPTS` have been made.
pub fn after_failure(attempts: i32, permanent: bool, now: NaiveDateTime) -> AfterFailure {
    if permanent || attempts >= MAX_ATTEMPTS {
        return AfterFailure::GiveUp;
    }
    let i = (attempts.max(1) - 1) as usize;
    AfterFailure::RetryAt(now + TimeDelta::minutes(RETRY_MINUTES[i]))
}

// The keys that make a message unique (outbox.dedupe_key): whatever causes a
// message twice (a second process, a scan repeated) finds the key taken.

/// A letter to one address.
/// An online application's acknowledgement, and its confirmation or rejection: one each.
pub fn application_key(what: Kind, application_id: i64) -> String {
    format!("{}:{application_id}", what.code())
}

/// The applicant told of one forwarding of their application.
pub fn forward_key(forward_id: i64) -> String {
    format!("forwarded:{forward_id}")
}

pub fn letter_key(letter_id: i64, to: &str) -> String {
    format!("letter:{letter_id}:{}", to.trim().to_lowercase())
}

/// The `nth` extension request of a case, to one supervisor.
pub fn extension_key(case_id: i64, nth: usize, user_id: i64) -> String {
    format!("extension:{case_id}:{nth}:{user_id}")
}

/// A case's `round`-th draft waiting for sign-off, to one supervisor.
pub fn sign_off_key(case_id: i64, round: usize, user_id: i64) -> String {
    format!("sign_off:{case_id}:{round}:{user_id}")
}

/// A case's `round`-th draft sent back, to the one who drafted it.
pub fn returned_key(case_id: i64, round: usize, user_id: i64) -> String {
    format!("returned:{case_id}:{round}:{user_id}")
}

/// One reminder per case, deadline and clerk: a new deadline (an extension) is reminded
/// of again.
pub fn reminder_key(case_id: i64, due: NaiveDate, user_id: i64) -> String {
    format!("reminder:{case_id}:{due}:{user_id}")
}

/// One digest per supervisor and day.
pub fn digest_key(user_id: i64, day: NaiveDate) -> String {
    format!("digest:{user_id}:{day}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    #[test]
    fn retries_wait_longer_each_time_then_give_up() {
        let now = at("2024-10-01 08:00");
        let waits: Vec<AfterFailure> = (1..=MAX_ATTEMPTS)
            .map(|n| after_failure(n, false, now))
            .collect();
        assert_eq!(
            waits,
            vec![
                AfterFailure::RetryAt(at("2024-10-01 08:01")),
                AfterFailure::RetryAt(at("2024-10-01 08:05")),
                AfterFailure::RetryAt(at("2024-10-01 08:30")),
                AfterFailure::RetryAt(at("2024-10-01 10:00")),
                AfterFailure::RetryAt(at("2024-10-01 20:00")),
                AfterFailure::GiveUp,
            ]
        );
        assert_eq!(MAX_ATTEMPTS, 6);
        // A permanent refusal is final at the first attempt.
        assert_eq!(after_failure(1, true, now), AfterFailure::GiveUp);
        // Past the schedule (an administrator's resend counts afresh, but be safe).
        assert_eq!(after_failure(9, false, now), AfterFailure::GiveUp);
    }

    #[test]
    fn the_clerk_is_reminded_from_three_working_days_before() {
        // 2024-10-30 is a Wednesday after the National Day week; with the official
        // calendar, three working days before it is Friday 25 October.
        let cal = Calendar::from_csv_str(include_str!("../../data/holidays-cn.csv")).unwrap();
        let due = d("2024-10-30");
        assert!(!remind(d("2024-10-24"), due, &cal));
        assert!(remind(d("2024-10-25"), due, &cal));
        // Saturday and Sunday: still within three working days.
        assert!(remind(d("2024-10-26"), due, &cal));
        assert!(remind(d("2024-10-30"), due, &cal));
        assert!(!remind(d("2024-10-31"), due, &cal), "overdue: the digest's");
        // Over the National Day holiday working days are few: from Monday 30 September
        // the third is 10 October; from Sunday 29 September (a make-up working day) the
        // third is 9 October.
        assert!(remind(d("2024-09-30"), d("2024-10-10"), &cal));
        assert!(!remind(d("2024-09-29"), d("2024-10-10"), &cal));
    }

    #[test]
    fn the_digest_goes_from_its_hour_on() {
        assert!(!digest_due(at("2024-10-08 07:59"), 8));
        assert!(digest_due(at("2024-10-08 08:00"), 8));
        assert!(digest_due(at("2024-10-08 23:10"), 8));
        assert!(digest_due(at("2024-10-08 00:00"), 0));
    }

    #[test]
    fn letters_mailed_and_addresses() {
        let mailed: Vec<&str> = LetterKind::ALL
            .into_iter()
            .filter(|k| mailed_to_applicant(*k))
            .map(LetterKind::code)
            .collect();
        assert_eq!(
            mailed,
            [
                "correction_notice",
                "extension_notice",
                "fee_notice",
                "answer"
            ]
        );
        assert!(plausible_address("zhang.san@example.com"));
        assert!(!plausible_address("zhang san@example.com"));
        assert!(!plausible_address("@example.com"));
        assert!(!plausible_address("zhang@"));
        assert!(!plausible_address("zhang@a@b"));
        assert!(!plausible_address("13800000000"));
    }

    #[test]
    fn keys_name_what_makes_a_message_unique() {
        assert_eq!(
            letter_key(7, " Zhang@Example.com "),
            "letter:7:zhang@example.com"
        );
        assert_eq!(
            reminder_key(3, d("2024-10-30"), 5),
            "reminder:3:2024-10-30:5"
        );
        assert_eq!(digest_key(5, d("2024-10-08")), "digest:5:2024-10-08");
        assert_eq!(extension_key(3, 1, 5), "extension:3:1:5");
        assert_eq!(sign_off_key(3, 2, 5), "sign_off:3:2:5");
        assert_eq!(returned_key(3, 2, 7), "returned:3:2:7");
        for k in Kind::ALL {
            assert_eq!(Kind::parse(k.code()), Some(*k));
        }
        for s in Status::ALL {
            assert_eq!(Status::parse(s.code()), Some(*s));
        }
        for c in Channel::ALL {
            assert_eq!(Channel::parse(c.code()), Some(*c));
        }
    }
}
