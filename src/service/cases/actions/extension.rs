//! Extension (art. 33(2)): asked for by the clerk, decided by a supervisor.

use super::{Cx, Form};
use crate::domain::case::{self, Event};
use crate::domain::deadline;
use crate::service::Fail;
use crate::service::cases::MAX_TEXT;

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct Request {
    reason: String,
}

impl Form for Request {
    fn build(&self, cx: &mut Cx) -> Result<Vec<Event>, Fail> {
        Ok(vec![Event::ExtensionRequested {
            on: cx.today(),
            reason: cx.text("reason", &self.reason, MAX_TEXT, true),
            by: cx.staff.id,
        }])
    }
}

#[derive(serde::Deserialize, Default)]
pub struct Approve {}

impl Form for Approve {
    fn build(&self, cx: &mut Cx) -> Result<Vec<Event>, Fail> {
        // The date recorded (and printed) is the deadline engine's with the extension
        // in the history; none while the clock stands still.
        let (today, by, days) = (cx.today(), cx.staff.id, cx.dl.rule_set.extension_days);
        let approved = |new_due| Event::ExtensionApproved {
            on: today,
            days,
            new_due,
            by,
        };
        let mut with = cx.events.to_vec();
        with.push(approved(None));
        let after = deadline::compute(
            cx.case.received_on,
            &case::clock_events(&with),
            cx.clock.calendar,
            cx.clock.settings,
            today,
        );
        Ok(vec![approved(after.due_on)])
    }
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct Refuse {
    reason: String,
}

impl Form for Refuse {
    fn build(&self, cx: &mut Cx) -> Result<Vec<Event>, Fail> {
        Ok(vec![Event::ExtensionRefused {
            on: cx.today(),
            reason: cx.text("reason", &self.reason, MAX_TEXT, true),
            by: cx.staff.id,
        }])
    }
}
