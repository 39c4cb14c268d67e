//! Review before disclosure (art. 17; `domain::review`): a reviewer passes the step the
//! draft waits for, or sends the draft back with the reason; the head of the office signs
//! it off. Who may act on which step is `domain::case::check`.

use super::{Cx, Form};
use crate::domain::case::Event;
use crate::domain::review;
use crate::service::Fail;
use crate::service::cases::MAX_TEXT;

/// Passes the step the draft waits for (a review step, or the sign-off), with an opinion;
/// after the last step the answer is made, dated today.
#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct Pass {
    opinion: String,
}

impl Form for Pass {
    fn build(&self, cx: &mut Cx) -> Result<Vec<Event>, Fail> {
        let opinion = cx.text("opinion", &self.opinion, MAX_TEXT, false);
        let draft = cx
            .facts
            .draft
            .as_ref()
            .ok_or(Fail::Refused("refuse-no-draft"))?;
        Ok(review::pass(draft, cx.staff.id, cx.today(), opinion))
    }
}

/// Sends the draft back to the clerk, saying why.
#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct Return {
    reason: String,
}

impl Form for Return {
    fn build(&self, cx: &mut Cx) -> Result<Vec<Event>, Fail> {
        let reason = cx.text("reason", &self.reason, MAX_TEXT, true);
        let draft = cx
            .facts
            .draft
            .as_ref()
            .ok_or(Fail::Refused("refuse-no-draft"))?;
        let step = draft.next().ok_or(Fail::Refused("refuse-no-draft"))?;
        Ok(vec![Event::DraftReturned {
            on: cx.today(),
            step,
            reason,
            by: cx.staff.id,
        }])
    }
}
