//! Correction (补正, art. 30): the notice, the corrected application, and a
//! correction not made in time.

use super::{Cx, Form};
use crate::domain::case::{self, Correction, Decision, Event};
use crate::domain::deadline;
use crate::domain::outcome::Outcome;
use crate::service::Fail;
use crate::service::cases::MAX_TEXT;

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct Request {
    on: String,
    items: String,
    due: String,
}

impl Form for Request {
    fn build(&self, cx: &mut Cx) -> Result<Vec<Event>, Fail> {
        let on = cx.event_date("on", &self.on);
        let items: Vec<String> = self
            .items
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect();
        if items.is_empty() {
            cx.refuse("items", "field-required");
        }
        if self.items.chars().count() > MAX_TEXT {
            cx.refuse("items", "field-too-long");
        }
        if let Some(on) = on
            && let Err(key) = case::check_correction_date(on, cx.dl)
        {
            cx.refuse("on", key);
        }
        let due = cx.date("due", &self.due, false);
        let on = on.unwrap_or(cx.today());
        let (cal, settings) = (cx.clock.calendar, cx.clock.settings);
        let due = due.unwrap_or_else(|| deadline::correction_due(on, cal, settings));
        if due <= on {
            cx.refuse("due", "case-correction-due-after-notice");
        }
        Ok(vec![Event::CorrectionRequested {
            on,
            due,
            items,
            late_notice: deadline::correction_notice_late(cx.case.received_on, on, cal, settings),
        }])
    }
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct Receive {
    on: String,
    note: String,
}

impl Form for Receive {
    fn build(&self, cx: &mut Cx) -> Result<Vec<Event>, Fail> {
        let on = cx.event_date("on", &self.on).unwrap_or(cx.today());
        if let Correction::Pending { requested_on, .. } = cx.facts.correction
            && on < requested_on
        {
            cx.refuse("on", "case-date-before-request");
        }
        Ok(vec![Event::CorrectionReceived {
            on,
            note: cx.text("note", &self.note, MAX_TEXT, false),
        }])
    }
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct Overdue {
    on: String,
    findings: String,
    delivery_method: String,
}

impl Form for Overdue {
    fn build(&self, cx: &mut Cx) -> Result<Vec<Event>, Fail> {
        let on = if cx.review.is_empty() {
            cx.event_date("on", &self.on).unwrap_or(cx.today())
        } else {
            cx.today()
        };
        let decision = Decision::plain(
            on,
            Outcome::OtherCorrectionOverdue,
            cx.text("findings", &self.findings, MAX_TEXT, false),
            cx.delivery_method("delivery_method", &self.delivery_method),
        );
        Ok(vec![cx.answer(decision)])
    }
}
