//! Art. 35: requests beyond a reasonable range. The applicant is asked for
//! reasons; when they hold, the office sets a later, reasonable deadline.

use super::{Cx, Form};
use crate::domain::case::Event;
use crate::service::Fail;
use crate::service::cases::MAX_TEXT;

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct RequestReasons {
    on: String,
    note: String,
}

impl Form for RequestReasons {
    fn build(&self, cx: &mut Cx) -> Result<Vec<Event>, Fail> {
        let on = cx.event_date("on", &self.on).unwrap_or(cx.today());
        Ok(vec![Event::ReasonsRequested {
            on,
            note: cx.text("note", &self.note, MAX_TEXT, false),
        }])
    }
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct SetDeadline {
    due: String,
    reason: String,
    applicant_reasons: String,
}

impl Form for SetDeadline {
    fn build(&self, cx: &mut Cx) -> Result<Vec<Event>, Fail> {
        let due = cx.date("due", &self.due, true);
        if let (Some(due), Some(current)) = (due, cx.dl.due_on)
            && due <= current
        {
            cx.refuse("due", "case-deadline-not-later");
        }
        Ok(vec![Event::DeadlineSet {
            on: cx.today(),
            due: due.unwrap_or(cx.today()),
            reason: cx.text("reason", &self.reason, MAX_TEXT, true),
            applicant_reasons: cx.text(
                "applicant_reasons",
                &self.applicant_reasons,
                MAX_TEXT,
                true,
            ),
        }])
    }
}
