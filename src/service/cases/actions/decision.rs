//! The decision (答复): the outcome, its ground, and what its letter needs.

use super::{Cx, Form};
use crate::domain::case::{self, Decision, Event};
use crate::domain::outcome::{self, Ground, Outcome};
use crate::service::Fail;
use crate::service::cases::{MAX_CITATION, MAX_NAME, MAX_TEXT};

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct Decide {
    on: String,
    outcome: String,
    findings: String,
    reasons: String,
    extra_basis: String,
    how_provided: String,
    other_agency: String,
    earlier_answer: String,
    earlier_answer_on: String,
    delivery_method: String,
    ground: String,
    ground_law: String,
    public_interest: String,
}

impl Form for Decide {
    fn build(&self, cx: &mut Cx) -> Result<Vec<Event>, Fail> {
        // Under review the answer is made, and dated, when its last step passes.
        let on = if cx.review.is_empty() {
            cx.event_date("on", &self.on).unwrap_or(cx.today())
        } else {
            cx.today()
        };
        let outcome = Outcome::parse(self.outcome.trim());
        match outcome {
            None => cx.refuse("outcome", "field-invalid-choice"),
            Some(o) => {
                if let Err(key) = case::check_outcome(o, cx.facts) {
                    cx.refuse("outcome", key);
                }
            }
        }
        let is = |o: Outcome| outcome == Some(o);
        let ground = match self.ground.trim() {
            "" => None,
            g => Ground::parse(g).or_else(|| {
                cx.refuse("ground", "field-invalid-choice");
                None
            }),
        };
        let ground_law = cx.text("ground_law", &self.ground_law, MAX_NAME, false);
        if let Some(o) = outcome
            && let Err(fail) = outcome::check_ground(o, ground, &ground_law)
        {
            cx.errors.push(fail);
        }
        // Disclosing over a third party's objection needs the public interest (art. 32).
        let over_objection = cx.facts.objection && outcome.is_some_and(Outcome::discloses);
        let repeat = is(Outcome::NotProcessedRepeat);
        let decision = Decision {
            on,
            outcome: outcome.unwrap_or(Outcome::Other),
            findings: cx.text("findings", &self.findings, MAX_TEXT, false),
            reasons: cx.text(
                "reasons",
                &self.reasons,
                MAX_TEXT,
                outcome.is_some_and(Outcome::needs_reasons),
            ),
            extra_basis: cx.text("extra_basis", &self.extra_basis, MAX_CITATION, false),
            how_provided: cx.text("how_provided", &self.how_provided, MAX_TEXT, false),
            other_agency: cx.text(
                "other_agency",
                &self.other_agency,
                MAX_CITATION,
                is(Outcome::NotHeldOtherAgency),
            ),
            earlier_answer: cx.text("earlier_answer", &self.earlier_answer, MAX_NAME, repeat),
            earlier_answer_on: cx.date("earlier_answer_on", &self.earlier_answer_on, repeat),
            delivery_method: cx.delivery_method("delivery_method", &self.delivery_method),
            ground,
            ground_law,
            public_interest: cx.text(
                "public_interest",
                &self.public_interest,
                MAX_TEXT,
                over_objection,
            ),
        };
        Ok(vec![cx.answer(decision)])
    }
}
