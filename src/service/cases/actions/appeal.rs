//! Reconsideration and lawsuits over the case: recorded when filed, brought up
//! to date as the matter goes on, and, when the outcome corrects the office, the
//! case reopened for a new answer with the first one kept in the history. The
//! checks are `domain::appeal`'s.

use super::{Cx, Form};
use crate::db::DbConn;
use crate::db::appeals as q;
use crate::domain::appeal::{self, Filing, Grounds, Kind, PriorReview, Progress};
use crate::domain::case::{AppealFact, Event};
use crate::domain::deadline::rule_set_for;
use crate::domain::outcome::AppealResult;
use crate::service::Fail;
use crate::service::cases::{MAX_NAME, MAX_TEXT, MAX_TRACKING};
use chrono::NaiveDate;

/// Document numbers of decisions and judgments, several separated by commas.
pub const MAX_DOC_NUMBERS: usize = 500;

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct Record {
    kind: String,
    grounds: String,
    review_id: String,
    filed_on: String,
    body: String,
    body_case_no: String,
    served_on: String,
    notes: String,
}

impl Form for Record {
    fn build(&self, cx: &mut Cx) -> Result<Vec<Event>, Fail> {
        let kind = choice(cx, "kind", Kind::parse(&self.kind));
        let grounds = choice(cx, "grounds", Grounds::parse(&self.grounds));
        let review_id = match kind {
            Some(Kind::LawsuitAfterReview) => self.review_id.trim().parse().ok(),
            _ => None,
        };
        let filing = Filing {
            kind,
            grounds,
            review_id,
            filed_on: cx.date("filed_on", &self.filed_on, true),
            served_on: cx.date("served_on", &self.served_on, false),
        };
        let reviews: Vec<PriorReview> = cx
            .facts
            .appeals
            .iter()
            .filter(|a| a.kind == Kind::Review)
            .map(|a| PriorReview {
                id: a.id,
                filed_on: a.filed_on,
                decided_on: a.decided_on,
            })
            .collect();
        let decided = cx.facts.decision.is_some();
        let (received, today) = (cx.case.received_on, cx.today());
        cx.errors.extend(appeal::check_filing(
            &filing, decided, received, &reviews, today,
        ));
        Ok(vec![Event::AppealFiled {
            // Set when the record is written (`effect`).
            appeal_id: 0,
            appeal_kind: kind.unwrap_or(Kind::Review),
            grounds: grounds.unwrap_or(Grounds::Decision),
            review_id,
            filed_on: filing.filed_on.unwrap_or(today),
            body: cx.text("body", &self.body, MAX_NAME, true),
            body_case_no: cx.text("body_case_no", &self.body_case_no, MAX_TRACKING, false),
            served_on: filing.served_on,
            notes: cx.text("notes", &self.notes, MAX_TEXT, false),
        }])
    }
}

fn choice<T>(cx: &mut Cx, field: &'static str, parsed: Option<T>) -> Option<T> {
    if parsed.is_none() {
        cx.refuse(field, "field-invalid-choice");
    }
    parsed
}

/// The appeal of this case a form names, or a message beside the field.
fn on_case(cx: &mut Cx, value: &str, among: &[AppealFact]) -> Option<AppealFact> {
    let found = value
        .trim()
        .parse::<i64>()
        .ok()
        .and_then(|id| among.iter().find(|a| a.id == id).copied());
    if found.is_none() {
        cx.refuse("appeal_id", "field-invalid-choice");
    }
    found
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct Update {
    appeal_id: String,
    served_on: String,
    answered_on: String,
    result: String,
    decided_on: String,
    doc_numbers: String,
    notes: String,
}

impl Form for Update {
    fn build(&self, cx: &mut Cx) -> Result<Vec<Event>, Fail> {
        let appeals = cx.facts.appeals.clone();
        let fact = on_case(cx, &self.appeal_id, &appeals);
        let result = match self.result.trim() {
            "" => None,
            r => choice(cx, "result", AppealResult::parse(r)),
        };
        let progress = Progress {
            served_on: cx.date("served_on", &self.served_on, false),
            answered_on: cx.date("answered_on", &self.answered_on, false),
            result,
            decided_on: cx.date("decided_on", &self.decided_on, false),
        };
        if let Some(f) = fact {
            let today = cx.today();
            cx.errors
                .extend(appeal::check_progress(&progress, f.filed_on, today));
        }
        Ok(vec![Event::AppealUpdated {
            appeal_id: fact.map_or(0, |f| f.id),
            appeal_kind: fact.map_or(Kind::Review, |f| f.kind),
            served_on: progress.served_on,
            answered_on: progress.answered_on,
            result: progress.result,
            decided_on: progress.decided_on,
            doc_numbers: cx.text("doc_numbers", &self.doc_numbers, MAX_DOC_NUMBERS, false),
            notes: cx.text("notes", &self.notes, MAX_TEXT, false),
        }])
    }
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct Reanswer {
    appeal_id: String,
    on: String,
    due: String,
    reason: String,
}

impl Form for Reanswer {
    fn build(&self, cx: &mut Cx) -> Result<Vec<Event>, Fail> {
        let owed = cx.facts.reanswer_owed();
        let fact = on_case(cx, &self.appeal_id, &owed);
        let today = cx.today();
        let on = cx.date("on", &self.on, true);
        if let Some(on) = on {
            if on > today {
                cx.refuse("on", "field-date-future");
            } else if fact.and_then(|f| f.decided_on).is_some_and(|d| on < d) {
                cx.refuse("on", "appeal-reanswer-before-decision");
            }
        }
        let due = match cx.date("due", &self.due, false) {
            Some(due) => Some(due),
            // Without a time set in the decision, the statutory period runs again.
            None => on.map(|on| {
                let days = rule_set_for(cx.case.received_on).answer_days;
                cx.clock.calendar.add_working_days(on, days)
            }),
        };
        if let (Some(on), Some(due)) = (on, due)
            && due <= on
        {
            cx.refuse("due", "case-deadline-not-later");
        }
        Ok(vec![Event::Reopened {
            on: on.unwrap_or(today),
            reason: cx.text("reason", &self.reason, MAX_TEXT, false),
            appeal_id: fact.map(|f| f.id),
            due,
        }])
    }
}

/// Writes what an appeal event changes in the `appeals` table; a new record's id
/// goes into the event before it joins the history.
pub fn apply(conn: &mut DbConn, case_id: i64, e: &mut Event) -> Result<(), Fail> {
    match e {
        Event::AppealFiled {
            appeal_id,
            appeal_kind,
            grounds,
            review_id,
            filed_on,
            body,
            body_case_no,
            served_on,
            notes,
        } => {
            *appeal_id = q::insert(
                conn,
                &q::NewAppeal {
                    case_id,
                    kind: appeal_kind.code(),
                    grounds: grounds.code(),
                    review_id: *review_id,
                    filed_on: *filed_on,
                    body,
                    body_case_no,
                    served_on: *served_on,
                    notes,
                },
            )?;
        }
        Event::AppealUpdated {
            appeal_id,
            served_on,
            answered_on,
            result,
            decided_on,
            doc_numbers,
            notes,
            ..
        } => q::update(
            conn,
            *appeal_id,
            &q::Progress {
                served_on: *served_on,
                answered_on: *answered_on,
                result: result.map(AppealResult::code),
                decided_on: *decided_on,
                doc_numbers,
                notes,
            },
        )?,
        _ => {}
    }
    Ok(())
}

/// The last day of the office's answer to the body or court, once the copy arrived
/// and while no answer is recorded.
pub fn response_due(a: &q::Appeal, cal: &crate::domain::calendar::Calendar) -> Option<NaiveDate> {
    let kind = Kind::parse(&a.kind)?;
    match (a.served_on, a.answered_on, &a.result) {
        (Some(served), None, None) => Some(appeal::response_due(kind, served, cal)),
        _ => None,
    }
}
