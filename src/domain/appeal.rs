//! Administrative reconsideration (行政复议) and lawsuits (行政诉讼) brought over a
//! request (rules.md section 6): their kinds, the checks on what a clerk records,
//! and the time the office has to answer the body or court.

use super::calendar::Calendar;
use super::outcome::AppealResult;
use chrono::{Days, NaiveDate};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// 行政复议.
    Review,
    /// 行政诉讼, 未经复议直接起诉.
    LawsuitDirect,
    /// 行政诉讼, 复议后起诉: linked to the reconsideration it follows.
    LawsuitAfterReview,
}

impl Kind {
    pub const ALL: [Kind; 3] = [Kind::Review, Kind::LawsuitDirect, Kind::LawsuitAfterReview];

    pub fn code(self) -> &'static str {
        match self {
            Kind::Review => "review",
            Kind::LawsuitDirect => "lawsuit_direct",
            Kind::LawsuitAfterReview => "lawsuit_after_review",
        }
    }

    pub fn parse(s: &str) -> Option<Kind> {
        Self::ALL.into_iter().find(|k| k.code() == s.trim())
    }

    pub fn is_lawsuit(self) -> bool {
        self != Kind::Review
    }
}

/// What the applicant challenges: the answer, or the failure to answer in time
/// (a record made while the case has no decision).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Grounds {
    Decision,
    Inaction,
}

impl Grounds {
    pub const ALL: [Grounds; 2] = [Grounds::Decision, Grounds::Inaction];

    pub fn code(self) -> &'static str {
        match self {
            Grounds::Decision => "decision",
            Grounds::Inaction => "inaction",
        }
    }

    pub fn parse(s: &str) -> Option<Grounds> {
        Self::ALL.into_iter().find(|g| g.code() == s.trim())
    }
}

/// The day the revised Administrative Reconsideration Law (2023) took effect; from
/// then its "ten days" are working days (art. 88).
pub const REVIEW_LAW_2023: NaiveDate = match NaiveDate::from_ymd_opt(2024, 1, 1) {
    Some(d) => d,
    None => panic!(),
};

/// The last day for the office's written answer, counted from the day it received the
/// copy of the application or complaint (`served_on`; the period starts the next day).
///
/// - Reconsideration: 10 days (行政复议法 2023 art. 48; 1999 art. 23). Under the 2023 law
///   they are working days (art. 88). Before 2024 they were calendar days, and a period
///   ending on a day off ended on the next working day (1999 art. 40, applying the civil
///   procedure rules on periods).
/// - Lawsuit: 15 days to submit the evidence and the defence (行政诉讼法 art. 67), calendar
///   days under the civil procedure rules on periods (行政诉讼法 art. 101, 民事诉讼法
///   art. 85): a period ending on a day off ends on the next working day.
pub fn response_due(kind: Kind, served_on: NaiveDate, cal: &Calendar) -> NaiveDate {
    match kind {
        Kind::Review if served_on >= REVIEW_LAW_2023 => cal.add_working_days(served_on, 10),
        Kind::Review => calendar_days(served_on, 10, cal),
        Kind::LawsuitDirect | Kind::LawsuitAfterReview => calendar_days(served_on, 15, cal),
    }
}

fn calendar_days(from: NaiveDate, days: u64, cal: &Calendar) -> NaiveDate {
    let mut last = from + Days::new(days);
    while !cal.is_working_day(last) {
        last = last + Days::new(1);
    }
    last
}

/// A reconsideration already on the case, as a later lawsuit may cite it.
#[derive(Debug, Clone, Copy)]
pub struct PriorReview {
    pub id: i64,
    pub filed_on: NaiveDate,
    pub decided_on: Option<NaiveDate>,
}

/// What a clerk records when the applicant files.
#[derive(Debug, Clone)]
pub struct Filing {
    pub kind: Option<Kind>,
    pub grounds: Option<Grounds>,
    pub review_id: Option<i64>,
    pub filed_on: Option<NaiveDate>,
    pub served_on: Option<NaiveDate>,
}

pub type Problems = Vec<(&'static str, &'static str)>;

/// Checks a filing against the case. `decided` says whether the case has an answer;
/// `received_on` is the case's legal receipt date. Messages are catalogue keys per field.
pub fn check_filing(
    f: &Filing,
    decided: bool,
    received_on: NaiveDate,
    reviews: &[PriorReview],
    today: NaiveDate,
) -> Problems {
    let mut p = Problems::new();
    if f.grounds == Some(Grounds::Decision) && !decided {
        p.push(("grounds", "appeal-no-decision"));
    }
    if let Some(filed) = f.filed_on {
        if filed > today {
            p.push(("filed_on", "field-date-future"));
        } else if filed < received_on {
            p.push(("filed_on", "field-date-before-receipt"));
        }
        if let Some(served) = f.served_on
            && served < filed
        {
            p.push(("served_on", "appeal-served-before-filing"));
        }
    }
    if let Some(served) = f.served_on
        && served > today
    {
        p.push(("served_on", "field-date-future"));
    }
    match (f.kind, f.review_id) {
        (Some(Kind::LawsuitAfterReview), None) => p.push(("review_id", "appeal-review-required")),
        (Some(Kind::LawsuitAfterReview), Some(id)) => match reviews.iter().find(|r| r.id == id) {
            None => p.push(("review_id", "appeal-review-required")),
            Some(r) if f.filed_on.is_some_and(|filed| filed < r.filed_on) => {
                p.push(("filed_on", "appeal-suit-before-review"))
            }
            Some(_) => {}
        },
        _ => {}
    }
    p
}

/// What a clerk records as the matter goes on: the answer sent, the outcome.
#[derive(Debug, Clone, Default)]
pub struct Progress {
    pub served_on: Option<NaiveDate>,
    pub answered_on: Option<NaiveDate>,
    pub result: Option<AppealResult>,
    pub decided_on: Option<NaiveDate>,
}

/// Checks progress against the filing date: nothing before filing, an answer not
/// before the copy arrived, an outcome and its date together.
pub fn check_progress(p: &Progress, filed_on: NaiveDate, today: NaiveDate) -> Problems {
    let mut out = Problems::new();
    for (field, date) in [
        ("served_on", p.served_on),
        ("answered_on", p.answered_on),
        ("decided_on", p.decided_on),
    ] {
        let Some(d) = date else { continue };
        if d > today {
            out.push((field, "field-date-future"));
        } else if d < filed_on {
            out.push((field, "appeal-before-filing"));
        }
    }
    if let (Some(served), Some(answered)) = (p.served_on, p.answered_on)
        && answered < served
    {
        out.push(("answered_on", "appeal-answer-before-service"));
    }
    match (p.result, p.decided_on) {
        (Some(_), None) => out.push(("decided_on", "appeal-outcome-needs-date")),
        (None, Some(_)) => out.push(("result", "appeal-date-needs-outcome")),
        _ => {}
    }
    out
}

/// The outcome as it stood on `day`: a decision made later is still pending then
/// (the annual report counts outcomes as of 31 December).
pub fn result_on(
    result: Option<AppealResult>,
    decided_on: Option<NaiveDate>,
    day: NaiveDate,
) -> Option<AppealResult> {
    match decided_on {
        Some(d) if d <= day => result,
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::calendar::DayKind;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn cal() -> Calendar {
        // National Day 2024: 1-7 October off, Sunday 29 September and Saturday 12 October worked.
        let mut days = vec![(d("2024-09-29"), DayKind::Workday)];
        days.extend((1..=7).map(|n| (d(&format!("2024-10-0{n}")), DayKind::Holiday)));
        days.push((d("2024-10-12"), DayKind::Workday));
        // Spring Festival 2023: 21-27 January off, 28-29 January worked.
        days.extend((21..=27).map(|n| (d(&format!("2023-01-{n}")), DayKind::Holiday)));
        days.push((d("2023-01-28"), DayKind::Workday));
        days.push((d("2023-01-29"), DayKind::Workday));
        Calendar::new(days)
    }

    #[test]
    fn a_review_answer_is_due_in_ten_working_days_under_the_2023_law() {
        // Served Friday 27 September 2024: working days 29 Sep (make-up), 30 Sep, then
        // 8-11 Oct, 12 Oct (make-up), 14-16 Oct.
        assert_eq!(
            response_due(Kind::Review, d("2024-09-27"), &cal()),
            d("2024-10-16")
        );
    }

    #[test]
    fn a_review_answer_before_2024_counts_calendar_days() {
        // Served 12 January 2023: day ten is Sunday 22 January, inside the Spring
        // Festival; the period ends on the next working day, Saturday 28 January.
        assert_eq!(
            response_due(Kind::Review, d("2023-01-12"), &cal()),
            d("2023-01-28")
        );
        assert_eq!(
            response_due(Kind::Review, d("2023-03-01"), &cal()),
            d("2023-03-13"),
            "11 March is a Saturday: Monday 13th"
        );
    }

    #[test]
    fn a_defence_is_due_in_fifteen_calendar_days() {
        assert_eq!(
            response_due(Kind::LawsuitDirect, d("2024-03-01"), &cal()),
            d("2024-03-18"),
            "16 March is a Saturday"
        );
        // Served 20 September 2024: day 15 is 5 October, in the holiday: 8 October.
        assert_eq!(
            response_due(Kind::LawsuitAfterReview, d("2024-09-20"), &cal()),
            d("2024-10-08")
        );
    }

    fn filing(kind: Kind) -> Filing {
        Filing {
            kind: Some(kind),
            grounds: Some(Grounds::Decision),
            review_id: None,
            filed_on: Some(d("2024-05-10")),
            served_on: None,
        }
    }

    #[test]
    fn filings_are_checked_against_the_case() {
        let today = d("2024-06-01");
        let received = d("2024-03-01");
        assert!(check_filing(&filing(Kind::Review), true, received, &[], today).is_empty());
        assert_eq!(
            check_filing(&filing(Kind::Review), false, received, &[], today),
            vec![("grounds", "appeal-no-decision")]
        );
        let inaction = Filing {
            grounds: Some(Grounds::Inaction),
            ..filing(Kind::LawsuitDirect)
        };
        assert!(check_filing(&inaction, false, received, &[], today).is_empty());
        let future = Filing {
            filed_on: Some(d("2024-06-02")),
            ..filing(Kind::Review)
        };
        assert_eq!(
            check_filing(&future, true, received, &[], today),
            vec![("filed_on", "field-date-future")]
        );
        let early = Filing {
            filed_on: Some(d("2024-02-01")),
            ..filing(Kind::Review)
        };
        assert_eq!(
            check_filing(&early, true, received, &[], today),
            vec![("filed_on", "field-date-before-receipt")]
        );
        let served_early = Filing {
            served_on: Some(d("2024-05-09")),
            ..filing(Kind::Review)
        };
        assert_eq!(
            check_filing(&served_early, true, received, &[], today),
            vec![("served_on", "appeal-served-before-filing")]
        );
    }

    #[test]
    fn a_suit_after_review_names_an_earlier_review_on_the_case() {
        let today = d("2024-06-01");
        let received = d("2024-03-01");
        let review = PriorReview {
            id: 7,
            filed_on: d("2024-04-01"),
            decided_on: Some(d("2024-05-01")),
        };
        let suit = filing(Kind::LawsuitAfterReview);
        assert_eq!(
            check_filing(&suit, true, received, &[review], today),
            vec![("review_id", "appeal-review-required")]
        );
        let linked = Filing {
            review_id: Some(7),
            ..suit.clone()
        };
        assert!(check_filing(&linked, true, received, &[review], today).is_empty());
        let elsewhere = Filing {
            review_id: Some(8),
            ..suit.clone()
        };
        assert_eq!(
            check_filing(&elsewhere, true, received, &[review], today),
            vec![("review_id", "appeal-review-required")]
        );
        let before = Filing {
            review_id: Some(7),
            filed_on: Some(d("2024-03-15")),
            ..suit
        };
        assert_eq!(
            check_filing(&before, true, received, &[review], today),
            vec![("filed_on", "appeal-suit-before-review")]
        );
    }

    #[test]
    fn progress_needs_an_outcome_and_its_date_together() {
        let filed = d("2024-05-10");
        let today = d("2024-08-01");
        let ok = Progress {
            served_on: Some(d("2024-05-15")),
            answered_on: Some(d("2024-05-20")),
            result: Some(AppealResult::Upheld),
            decided_on: Some(d("2024-07-01")),
        };
        assert!(check_progress(&ok, filed, today).is_empty());
        let no_date = Progress {
            decided_on: None,
            ..ok.clone()
        };
        assert_eq!(
            check_progress(&no_date, filed, today),
            vec![("decided_on", "appeal-outcome-needs-date")]
        );
        let no_result = Progress {
            result: None,
            ..ok.clone()
        };
        assert_eq!(
            check_progress(&no_result, filed, today),
            vec![("result", "appeal-date-needs-outcome")]
        );
        let before = Progress {
            decided_on: Some(d("2024-05-01")),
            ..ok.clone()
        };
        assert_eq!(
            check_progress(&before, filed, today),
            vec![("decided_on", "appeal-before-filing")]
        );
        let answered_first = Progress {
            answered_on: Some(d("2024-05-12")),
            ..ok
        };
        assert_eq!(
            check_progress(&answered_first, filed, today),
            vec![("answered_on", "appeal-answer-before-service")]
        );
    }

    #[test]
    fn the_report_sees_the_outcome_as_of_its_day() {
        let r = Some(AppealResult::Corrected);
        let end = d("2024-12-31");
        assert_eq!(result_on(r, Some(d("2024-12-31")), end), r);
        assert_eq!(result_on(r, Some(d("2025-01-02")), end), None);
        assert_eq!(result_on(None, None, end), None);
    }
}
