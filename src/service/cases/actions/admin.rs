//! Assignment, and the administrator's reopen and void.

use super::{Cx, Form};
use crate::domain::case::Event;
use crate::service::Fail;
use crate::service::cases::{MAX_TEXT, assignee};

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct Assign {
    assigned_to: String,
}

impl Form for Assign {
    fn build(&self, cx: &mut Cx) -> Result<Vec<Event>, Fail> {
        let to = assignee(
            cx.conn,
            &mut cx.errors,
            cx.case.agency_id,
            &self.assigned_to,
        )?;
        Ok(vec![Event::Assigned {
            to: to.as_ref().map(|u| u.id),
            to_name: to.map(|u| u.display_name).unwrap_or_default(),
        }])
    }
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct Reopen {
    reason: String,
}

impl Form for Reopen {
    fn build(&self, cx: &mut Cx) -> Result<Vec<Event>, Fail> {
        Ok(vec![Event::Reopened {
            on: cx.today(),
            reason: cx.text("reason", &self.reason, MAX_TEXT, true),
            appeal_id: None,
            due: None,
        }])
    }
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct Void {
    reason: String,
}

impl Form for Void {
    fn build(&self, cx: &mut Cx) -> Result<Vec<Event>, Fail> {
        Ok(vec![Event::Voided {
            on: cx.today(),
            reason: cx.text("reason", &self.reason, MAX_TEXT, true),
        }])
    }
}
