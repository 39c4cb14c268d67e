//! Consultation of a third party (art. 32) or another agency (art. 34).

use super::{Cx, Form};
use crate::domain::case::Event;
use crate::domain::deadline::{self, ConsultationKind};
use crate::service::Fail;
use crate::service::cases::{MAX_NAME, MAX_TEXT};

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct Start {
    on: String,
    consultation: String,
    receipt_on: String,
    party: String,
    matter: String,
    why: String,
}

impl Form for Start {
    fn build(&self, cx: &mut Cx) -> Result<Vec<Event>, Fail> {
        let on = cx.event_date("on", &self.on).unwrap_or(cx.today());
        let kind = ConsultationKind::parse(self.consultation.trim()).unwrap_or_else(|| {
            cx.refuse("consultation", "field-invalid-choice");
            ConsultationKind::ThirdParty
        });
        let third_party = kind == ConsultationKind::ThirdParty;
        let why = cx.text("why", &self.why, MAX_TEXT, third_party);
        // The party's period runs from its receipt of the letter: the day it is
        // handed over by default, a later day when it goes by post.
        let receipt_on = cx.date("receipt_on", &self.receipt_on, false).unwrap_or(on);
        if receipt_on < on {
            cx.refuse("receipt_on", "case-receipt-before-sending");
        }
        let answer_due =
            deadline::consultation_answer_due(receipt_on, cx.clock.calendar, cx.clock.settings);
        Ok(vec![Event::ConsultationStarted {
            on,
            consultation: kind,
            party: cx.text("party", &self.party, MAX_NAME, true),
            matter: cx.text("matter", &self.matter, MAX_TEXT, true),
            why,
            receipt_on: Some(receipt_on),
            answer_due,
        }])
    }
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct End {
    on: String,
    reply: String,
    note: String,
}

impl Form for End {
    fn build(&self, cx: &mut Cx) -> Result<Vec<Event>, Fail> {
        let on = cx.event_date("on", &self.on).unwrap_or(cx.today());
        let reply = self.reply.trim().to_string();
        if !["consent", "objection", "none"].contains(&reply.as_str()) {
            cx.refuse("reply", "field-invalid-choice");
        }
        Ok(vec![Event::ConsultationEnded {
            on,
            reply,
            note: cx.text("note", &self.note, MAX_TEXT, false),
        }])
    }
}
