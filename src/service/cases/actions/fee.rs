//! The information-processing fee: proposed by a clerk with the amount the
//! fee measures give (`domain::fees`), approved by a supervisor (the notice
//! goes out and the clock stops), received, paid, cancelled or waived, or
//! left unpaid past its time, which closes the case as deemed withdrawn.

use super::{Cx, Form};
use crate::db::cases as q;
use crate::domain::case::{Decision, Event, Fee};
use crate::domain::fees::{self, Method};
use crate::domain::letters::{self, LetterKind};
use crate::domain::outcome::Outcome;
use crate::service::Fail;
use crate::service::cases::{MAX_CITATION, MAX_TEXT, MAX_TRACKING};

/// The largest count a form accepts: no month holds more applications, no answer
/// more pages, than this.
const MAX_UNITS: u32 = 100_000;

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct Propose {
    method: String,
    units: String,
    how_to_pay: String,
}

impl Propose {
    /// The method and count as typed, or the messages for the form.
    pub fn method(&self, cx: &mut Cx) -> Option<Method> {
        let units = match self.units.trim().parse::<u32>() {
            Ok(n) if (1..=MAX_UNITS).contains(&n) => n,
            _ => {
                cx.refuse("units", "fee-units-invalid");
                return None;
            }
        };
        match self.method.trim() {
            "per_request" => Some(Method::PerRequest { nth: units }),
            "per_volume" => Some(Method::PerVolume { pages: units }),
            _ => {
                cx.refuse("method", "field-invalid-choice");
                None
            }
        }
    }
}

impl Form for Propose {
    fn build(&self, cx: &mut Cx) -> Result<Vec<Event>, Fail> {
        let method = self.method(cx);
        let how_to_pay = cx.text("how_to_pay", &self.how_to_pay, MAX_CITATION, true);
        let amount = method.map(|m| fees::calculate(m).total).unwrap_or(0);
        if method.is_some() && amount == 0 {
            cx.refuse("units", "fee-nothing-to-charge");
        }
        let (code, units) = match method {
            Some(Method::PerRequest { nth }) => ("per_request", nth),
            Some(Method::PerVolume { pages }) => ("per_volume", pages),
            None => ("", 0),
        };
        Ok(vec![Event::FeeProposed {
            on: cx.today(),
            method: code.into(),
            units,
            amount,
            how_to_pay,
            by: cx.staff.id,
        }])
    }
}

#[derive(serde::Deserialize, Default)]
pub struct Approve {}

impl Form for Approve {
    fn build(&self, cx: &mut Cx) -> Result<Vec<Event>, Fail> {
        Ok(vec![Event::FeeApproved {
            on: cx.today(),
            by: cx.staff.id,
        }])
    }
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct Refuse {
    reason: String,
}

impl Form for Refuse {
    fn build(&self, cx: &mut Cx) -> Result<Vec<Event>, Fail> {
        Ok(vec![Event::FeeRefused {
            on: cx.today(),
            reason: cx.text("reason", &self.reason, MAX_TEXT, true),
            by: cx.staff.id,
        }])
    }
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct Receipt {
    on: String,
}

impl Form for Receipt {
    fn build(&self, cx: &mut Cx) -> Result<Vec<Event>, Fail> {
        let on = cx.event_date("on", &self.on).unwrap_or(cx.today());
        if let Fee::Unpaid { notice_on, .. } = cx.facts.fee
            && on < notice_on
        {
            cx.refuse("on", "fee-receipt-before-notice");
        }
        let days = cx.clock.settings.fee_payment_days;
        Ok(vec![Event::FeeNoticeReceived {
            on,
            due: fees::payment_due(on, days, cx.clock.calendar),
        }])
    }
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct Payment {
    on: String,
    amount: String,
    receipt_no: String,
}

impl Form for Payment {
    fn build(&self, cx: &mut Cx) -> Result<Vec<Event>, Fail> {
        let on = cx.event_date("on", &self.on).unwrap_or(cx.today());
        let due = match cx.facts.fee {
            Fee::Unpaid {
                amount, notice_on, ..
            } => {
                if on < notice_on {
                    cx.refuse("on", "fee-paid-before-notice");
                }
                amount
            }
            _ => 0,
        };
        // The amount in yuan as the receipt shows it; it must be the notice's.
        let paid = fees::parse_yuan(&self.amount);
        match paid {
            None => cx.refuse("amount", "fee-amount-invalid"),
            Some(p) if p != due => cx.refuse("amount", "fee-amount-wrong"),
            Some(_) => {}
        }
        Ok(vec![Event::FeePaid {
            on,
            amount: paid.unwrap_or(0),
            receipt_no: cx.text("receipt_no", &self.receipt_no, MAX_TRACKING, true),
        }])
    }
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct Cancel {
    waive: String,
    reason: String,
}

impl Form for Cancel {
    fn build(&self, cx: &mut Cx) -> Result<Vec<Event>, Fail> {
        Ok(vec![Event::FeeCancelled {
            on: cx.today(),
            waived: self.waive == "true",
            reason: cx.text("reason", &self.reason, MAX_TEXT, true),
            by: cx.staff.id,
        }])
    }
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct CloseUnpaid {
    delivery_method: String,
}

impl Form for CloseUnpaid {
    fn build(&self, cx: &mut Cx) -> Result<Vec<Event>, Fail> {
        // The answer names the notice, its date and the last day to pay (letters.md).
        let (notice_on, due) = match cx.facts.fee {
            Fee::Unpaid {
                notice_on,
                due: Some(due),
                ..
            } => (notice_on, due),
            _ => (cx.today(), cx.today()),
        };
        let number = q::letters(cx.conn, cx.case.id)?
            .into_iter()
            .rev()
            .find(|l| l.kind == LetterKind::FeeNotice.code())
            .and_then(|l| l.doc_number)
            .map(|n| format!("（{n}）"))
            .unwrap_or_default();
        let findings = format!(
            "本机关于{}向您发出《{}》{number}，缴费期限至{}届满，您未缴纳信息处理费",
            letters::format_date_zh(notice_on),
            LetterKind::FeeNotice.title_zh(),
            letters::format_date_zh(due),
        );
        let decision = Decision::plain(
            cx.today(),
            Outcome::OtherFeeUnpaid,
            findings,
            cx.delivery_method("delivery_method", &self.delivery_method),
        );
        Ok(vec![cx.answer(decision)])
    }
}
