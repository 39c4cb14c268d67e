//! Delivery (送达) of a letter to the applicant.

use super::{Cx, Form};
use crate::db::cases as q;
use crate::domain::case::Event;
use crate::service::Fail;
use crate::service::cases::{MAX_REQUESTER_ADDRESS, MAX_REQUESTER_NAME, MAX_TEXT, MAX_TRACKING};

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct Deliver {
    on: String,
    method: String,
    recipient: String,
    address: String,
    postal_tracking: String,
    letter_id: String,
    note: String,
}

impl Form for Deliver {
    fn build(&self, cx: &mut Cx) -> Result<Vec<Event>, Fail> {
        let on = cx.event_date("on", &self.on).unwrap_or(cx.today());
        let letter_id = self.letter_id.trim().parse::<i64>().ok();
        if let Some(l) = letter_id
            && q::letter(cx.conn, cx.case.id, l)?.is_none()
        {
            cx.refuse("letter_id", "field-invalid-choice");
        }
        Ok(vec![Event::Delivered {
            on,
            method: cx.delivery_method("method", &self.method),
            recipient: cx.text("recipient", &self.recipient, MAX_REQUESTER_NAME, true),
            address: cx.text("address", &self.address, MAX_REQUESTER_ADDRESS, false),
            postal_tracking: cx.text(
                "postal_tracking",
                &self.postal_tracking,
                MAX_TRACKING,
                false,
            ),
            letter_id,
            note: cx.text("note", &self.note, MAX_TEXT, false),
        }])
    }
}
