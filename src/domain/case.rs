//! A case is its history. This module holds the events a case can have, the
//! facts derived from them, which actions the law allows in each state, and
//! the clock events the deadline is computed from.

use super::appeal;
use super::deadline::{ClockEvent, ConsultationKind, Deadline};
use super::outcome::{AppealResult, Ground, Outcome};
use super::review::{self, Draft, Returned, Step};
use super::scope::Role;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// One entry of a case's history. Stored as JSON beside its kind and legal date.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Event {
    /// The case came from a case ledger (`gongkai ledger import`): the file and the
    /// row (as a spreadsheet numbers it) it was read from. First in such a history;
    /// the events after it are what the row says happened.
    Imported {
        source: String,
        row: u32,
    },
    Intake {
        received_on: NaiveDate,
        channel: String,
        #[serde(default)]
        on_the_spot: bool,
    },
    Assigned {
        to: Option<i64>,
        to_name: String,
    },
    CorrectionRequested {
        on: NaiveDate,
        due: NaiveDate,
        items: Vec<String>,
        late_notice: bool,
    },
    CorrectionReceived {
        on: NaiveDate,
        #[serde(default)]
        note: String,
    },
    ConsultationStarted {
        on: NaiveDate,
        consultation: ConsultationKind,
        party: String,
        matter: String,
        #[serde(default)]
        why: String,
        /// The day the party receives (or is expected to receive) the letter: the 15
        /// working days of arts. 32 and 34 run from it. Older records have none: their
        /// period ran from the sending day.
        #[serde(default)]
        receipt_on: Option<NaiveDate>,
        answer_due: NaiveDate,
    },
    ConsultationEnded {
        on: NaiveDate,
        /// `consent`, `objection` or `none` (no reply in time).
        reply: String,
        #[serde(default)]
        note: String,
    },
    ExtensionRequested {
        on: NaiveDate,
        reason: String,
        by: i64,
    },
    ExtensionApproved {
        on: NaiveDate,
        days: u32,
        /// The extended deadline as the deadline engine gave it on approval; `None` while
        /// the clock was stopped (the date then depends on when it runs again).
        new_due: Option<NaiveDate>,
        by: i64,
    },
    ExtensionRefused {
        on: NaiveDate,
        reason: String,
        by: i64,
    },
    /// An information-processing fee proposed by a clerk (fee measures; `domain::fees`).
    FeeProposed {
        on: NaiveDate,
        /// `per_request` or `per_volume`.
        method: String,
        /// The n-th application of the month, or the pages.
        units: u32,
        /// In fen, as `domain::fees` computes it.
        amount: i64,
        /// How and where to pay, as the notice states it.
        how_to_pay: String,
        by: i64,
    },
    /// A supervisor approved the fee: the notice goes out that day and the answer clock
    /// stops until payment.
    FeeApproved {
        on: NaiveDate,
        by: i64,
    },
    FeeRefused {
        on: NaiveDate,
        reason: String,
        by: i64,
    },
    /// The applicant received the fee notice: the time to pay runs from the next day.
    FeeNoticeReceived {
        on: NaiveDate,
        due: NaiveDate,
    },
    FeePaid {
        on: NaiveDate,
        amount: i64,
        receipt_no: String,
    },
    /// Cancelled or waived by a supervisor, with a reason: the clock runs again.
    FeeCancelled {
        on: NaiveDate,
        waived: bool,
        reason: String,
        by: i64,
    },
    /// Art. 35: the applicant was asked to state the reasons for an unusually large
    /// request.
    ReasonsRequested {
        on: NaiveDate,
        #[serde(default)]
        note: String,
    },
    DeadlineSet {
        on: NaiveDate,
        due: NaiveDate,
        reason: String,
        /// The reasons the applicant gave (art. 35), which the office accepted.
        #[serde(default)]
        applicant_reasons: String,
    },
    /// The answer drafted by the clerk (or the deemed withdrawal an action closes with),
    /// submitted for the review the agency requires before anything is disclosed (art. 17;
    /// `domain::review`). `steps` are the steps it must pass, as configured on submission.
    /// The case stays open and its clock runs; the answer is made when the last step passes.
    DraftSubmitted {
        on: NaiveDate,
        by: i64,
        steps: Vec<Step>,
        decision: Decision,
    },
    /// A review step (confidentiality, legality) passed, with the reviewer's opinion.
    ReviewPassed {
        on: NaiveDate,
        step: Step,
        #[serde(default)]
        opinion: String,
        by: i64,
    },
    /// The draft sent back to the clerk at `step`, with the reason; a new draft follows.
    DraftReturned {
        on: NaiveDate,
        step: Step,
        reason: String,
        by: i64,
    },
    /// Signed off (签发) by the head of the disclosure office: the answer may be issued,
    /// and its letter carries this date.
    SignedOff {
        on: NaiveDate,
        #[serde(default)]
        opinion: String,
        by: i64,
    },
    Decided(Decision),
    Delivered {
        on: NaiveDate,
        method: String,
        recipient: String,
        #[serde(default)]
        address: String,
        #[serde(default)]
        postal_tracking: String,
        #[serde(default)]
        letter_id: Option<i64>,
        #[serde(default)]
        note: String,
    },
    /// Opened again: by an administrator to correct a mistake, or for a new answer a
    /// reconsideration body or court ordered (`appeal_id`), due on `due`.
    Reopened {
        on: NaiveDate,
        reason: String,
        #[serde(default)]
        appeal_id: Option<i64>,
        #[serde(default)]
        due: Option<NaiveDate>,
    },
    /// The applicant applied for reconsideration or sued over the case; the record
    /// itself lives in the `appeals` table, the history keeps what happened when.
    AppealFiled {
        appeal_id: i64,
        appeal_kind: appeal::Kind,
        grounds: appeal::Grounds,
        /// The reconsideration a suit follows.
        review_id: Option<i64>,
        filed_on: NaiveDate,
        /// The reconsideration body or the court, and its case number.
        body: String,
        body_case_no: String,
        /// The day the office received the copy of the application or complaint.
        served_on: Option<NaiveDate>,
        notes: String,
    },
    /// The state of an appeal after a clerk's update (the answer sent, the outcome).
    AppealUpdated {
        appeal_id: i64,
        appeal_kind: appeal::Kind,
        served_on: Option<NaiveDate>,
        answered_on: Option<NaiveDate>,
        result: Option<AppealResult>,
        decided_on: Option<NaiveDate>,
        doc_numbers: String,
        notes: String,
    },
    Voided {
        on: NaiveDate,
        reason: String,
    },
    LetterIssued {
        letter_id: i64,
        letter: String,
        doc_number: Option<String>,
    },
    /// The case sent to drafting units (`domain::units`): (agency id, name) of each,
    /// and the internal deadline.
    UnitsAsked {
        on: NaiveDate,
        units: Vec<(i64, String)>,
        due: NaiveDate,
        note: String,
    },
    /// A unit signed for the request (签收).
    UnitSigned {
        unit: String,
    },
    /// A unit sent the request back, saying why.
    UnitReturned {
        unit: String,
        reason: String,
    },
    /// A unit's reply: the information found and the answer it proposes.
    UnitReplied {
        unit: String,
        answer: String,
        late: bool,
    },
    /// A file kept with the case (`domain::attachment`): by a member of staff, or
    /// sent by the applicant with an online application (no user then).
    AttachmentAdded {
        attachment: i64,
        /// `domain::attachment::Kind`'s code.
        file_kind: String,
        file_name: String,
    },
    /// A registered detail corrected (a typo in a phone number, the arrival date ...),
    /// with the old and new values. `received` is (before, after) when the legal receipt
    /// date moved, which moves the deadline.
    DetailsEdited {
        changes: Vec<Change>,
        #[serde(default)]
        received: Option<(NaiveDate, NaiveDate)>,
    },
}

/// One corrected field of a case or its requester.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    pub field: String,
    pub old: String,
    pub new: String,
}

/// The decision that closes a case, with what the answer letter needs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Decision {
    pub on: NaiveDate,
    pub outcome: Outcome,
    #[serde(default)]
    pub findings: String,
    #[serde(default)]
    pub reasons: String,
    #[serde(default)]
    pub extra_basis: String,
    #[serde(default)]
    pub how_provided: String,
    #[serde(default)]
    pub other_agency: String,
    #[serde(default)]
    pub earlier_answer: String,
    #[serde(default)]
    pub earlier_answer_on: Option<NaiveDate>,
    #[serde(default)]
    pub delivery_method: String,
    /// The specific provision of a refusal or partial disclosure.
    #[serde(default)]
    pub ground: Option<Ground>,
    /// The other law and its article, for `Ground::OtherLaw`.
    #[serde(default)]
    pub ground_law: String,
    /// Why the public interest outweighs a third party's objection (art. 32).
    #[serde(default)]
    pub public_interest: String,
}

impl Decision {
    /// A decision that needs nothing but what was found and how it is delivered: the
    /// outcomes the office reaches by itself (correction or fee not done in time, an
    /// answer on the spot). The other texts stay empty.
    pub fn plain(
        on: NaiveDate,
        outcome: Outcome,
        findings: String,
        delivery_method: String,
    ) -> Self {
        Decision {
            on,
            outcome,
            findings,
            reasons: String::new(),
            extra_basis: String::new(),
            how_provided: String::new(),
            other_agency: String::new(),
            earlier_answer: String::new(),
            earlier_answer_on: None,
            delivery_method,
            ground: None,
            ground_law: String::new(),
            public_interest: String::new(),
        }
    }
}

impl Event {
    /// The kind as stored in the `kind` column (the JSON tag).
    pub fn kind(&self) -> &'static str {
        match self {
            Event::Imported { .. } => "imported",
            Event::Intake { .. } => "intake",
            Event::Assigned { .. } => "assigned",
            Event::CorrectionRequested { .. } => "correction_requested",
            Event::CorrectionReceived { .. } => "correction_received",
            Event::ConsultationStarted { .. } => "consultation_started",
            Event::ConsultationEnded { .. } => "consultation_ended",
            Event::ExtensionRequested { .. } => "extension_requested",
            Event::ExtensionApproved { .. } => "extension_approved",
            Event::ExtensionRefused { .. } => "extension_refused",
            Event::FeeProposed { .. } => "fee_proposed",
            Event::FeeApproved { .. } => "fee_approved",
            Event::FeeRefused { .. } => "fee_refused",
            Event::FeeNoticeReceived { .. } => "fee_notice_received",
            Event::FeePaid { .. } => "fee_paid",
            Event::FeeCancelled { .. } => "fee_cancelled",
            Event::ReasonsRequested { .. } => "reasons_requested",
            Event::DeadlineSet { .. } => "deadline_set",
            Event::DraftSubmitted { .. } => "draft_submitted",
            Event::ReviewPassed { .. } => "review_passed",
            Event::DraftReturned { .. } => "draft_returned",
            Event::SignedOff { .. } => "signed_off",
            Event::Decided(_) => "decided",
            Event::Delivered { .. } => "delivered",
            Event::Reopened { .. } => "reopened",
            Event::AppealFiled { .. } => "appeal_filed",
            Event::AppealUpdated { .. } => "appeal_updated",
            Event::Voided { .. } => "voided",
            Event::LetterIssued { .. } => "letter_issued",
            Event::DetailsEdited { .. } => "details_edited",
            Event::AttachmentAdded { .. } => "attachment_added",
            Event::UnitsAsked { .. } => "units_asked",
            Event::UnitSigned { .. } => "unit_signed",
            Event::UnitReturned { .. } => "unit_returned",
            Event::UnitReplied { .. } => "unit_replied",
        }
    }

    /// The legal date of the event, where it has one.
    pub fn on(&self) -> Option<NaiveDate> {
        match self {
            Event::Intake { received_on, .. } => Some(*received_on),
            Event::CorrectionRequested { on, .. }
            | Event::CorrectionReceived { on, .. }
            | Event::ConsultationStarted { on, .. }
            | Event::ConsultationEnded { on, .. }
            | Event::ExtensionRequested { on, .. }
            | Event::ExtensionApproved { on, .. }
            | Event::ExtensionRefused { on, .. }
            | Event::ReasonsRequested { on, .. }
            | Event::FeeProposed { on, .. }
            | Event::FeeApproved { on, .. }
            | Event::FeeRefused { on, .. }
            | Event::FeeNoticeReceived { on, .. }
            | Event::FeePaid { on, .. }
            | Event::FeeCancelled { on, .. }
            | Event::DeadlineSet { on, .. }
            | Event::DraftSubmitted { on, .. }
            | Event::ReviewPassed { on, .. }
            | Event::DraftReturned { on, .. }
            | Event::SignedOff { on, .. }
            | Event::Delivered { on, .. }
            | Event::Reopened { on, .. }
            | Event::Voided { on, .. }
            | Event::UnitsAsked { on, .. } => Some(*on),
            Event::Decided(d) => Some(d.on),
            Event::AppealFiled { filed_on, .. } => Some(*filed_on),
            Event::AppealUpdated {
                decided_on,
                answered_on,
                served_on,
                ..
            } => decided_on.or(*answered_on).or(*served_on),
            Event::Imported { .. }
            | Event::Assigned { .. }
            | Event::LetterIssued { .. }
            | Event::AttachmentAdded { .. }
            | Event::UnitSigned { .. }
            | Event::UnitReturned { .. }
            | Event::UnitReplied { .. }
            | Event::DetailsEdited { .. } => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Open,
    Closed,
    Void,
}

impl Status {
    pub fn code(self) -> &'static str {
        match self {
            Status::Open => "open",
            Status::Closed => "closed",
            Status::Void => "void",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Correction {
    None,
    Pending {
        requested_on: NaiveDate,
        due: NaiveDate,
    },
    Received {
        on: NaiveDate,
    },
}

/// Where a case's fee stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fee {
    None,
    Proposed {
        amount: i64,
        by: i64,
    },
    /// Notice issued on `notice_on`; `due` is the last day to pay once the applicant's
    /// receipt is recorded.
    Unpaid {
        amount: i64,
        notice_on: NaiveDate,
        due: Option<NaiveDate>,
    },
    Paid,
    /// Refused, cancelled or waived: no fee is due.
    Dropped,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Extension {
    None,
    Requested { by: i64, on: NaiveDate },
    Approved { new_due: Option<NaiveDate> },
    Refused,
}

/// What the history says about a case now.
#[derive(Debug, Clone, PartialEq)]
pub struct Facts {
    pub status: Status,
    pub received_on: Option<NaiveDate>,
    pub correction: Correction,
    pub open_consultations: usize,
    /// The last day of each open consultation's answer period, oldest first.
    pub consultations_due: Vec<NaiveDate>,
    pub extension: Extension,
    pub deadline_set: bool,
    /// The applicant was asked for reasons (art. 35).
    pub reasons_requested: bool,
    pub fee: Fee,
    /// A third party consulted under art. 32 objected.
    pub objection: bool,
    pub decision: Option<Decision>,
    /// The answer draft under review (`domain::review`), if one waits.
    pub draft: Option<Draft>,
    /// The last draft sent back, until the clerk submits another.
    pub returned: Option<Returned>,
    /// Drafts submitted so far.
    pub drafts: usize,
    /// The decision was made by the last step of a review: its date is the sign-off's.
    pub reviewed: bool,
    pub delivered: bool,
    pub letters: Vec<String>,
    /// Reconsiderations and lawsuits over the case, in filing order.
    pub appeals: Vec<AppealFact>,
    /// Appeals whose corrected outcome the office has already reopened the case for.
    pub reanswered: Vec<i64>,
}

/// An appeal as the case's history knows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AppealFact {
    pub id: i64,
    pub kind: appeal::Kind,
    pub filed_on: NaiveDate,
    pub result: Option<AppealResult>,
    pub decided_on: Option<NaiveDate>,
}

impl Facts {
    /// Corrected appeals the office has not yet answered again.
    pub fn reanswer_owed(&self) -> Vec<AppealFact> {
        self.appeals
            .iter()
            .filter(|a| a.result == Some(AppealResult::Corrected))
            .filter(|a| !self.reanswered.contains(&a.id))
            .copied()
            .collect()
    }
}

pub fn facts(events: &[Event]) -> Facts {
    let mut f = Facts {
        status: Status::Open,
        received_on: None,
        correction: Correction::None,
        open_consultations: 0,
        consultations_due: Vec::new(),
        extension: Extension::None,
        deadline_set: false,
        reasons_requested: false,
        fee: Fee::None,
        objection: false,
        decision: None,
        draft: None,
        returned: None,
        drafts: 0,
        reviewed: false,
        delivered: false,
        letters: Vec::new(),
        appeals: Vec::new(),
        reanswered: Vec::new(),
    };
    // Whom each open consultation asks, oldest first, to know whose reply an end is.
    let mut asked: Vec<ConsultationKind> = Vec::new();
    for e in events {
        match e {
            Event::Intake { received_on, .. } => f.received_on = Some(*received_on),
            Event::CorrectionRequested { on, due, .. } => {
                f.correction = Correction::Pending {
                    requested_on: *on,
                    due: *due,
                }
            }
            Event::CorrectionReceived { on, .. } => f.correction = Correction::Received { on: *on },
            Event::ConsultationStarted {
                consultation,
                answer_due,
                ..
            } => {
                f.open_consultations += 1;
                asked.push(*consultation);
                f.consultations_due.push(*answer_due);
            }
            Event::ConsultationEnded { reply, .. } => {
                f.open_consultations = f.open_consultations.saturating_sub(1);
                if !f.consultations_due.is_empty() {
                    f.consultations_due.remove(0);
                }
                let whom = (!asked.is_empty()).then(|| asked.remove(0));
                if reply == "objection" && whom == Some(ConsultationKind::ThirdParty) {
                    f.objection = true;
                }
            }
            Event::ReasonsRequested { .. } => f.reasons_requested = true,
            Event::FeeProposed { amount, by, .. } => {
                f.fee = Fee::Proposed {
                    amount: *amount,
                    by: *by,
                }
            }
            Event::FeeApproved { on, .. } => {
                if let Fee::Proposed { amount, .. } = f.fee {
                    f.fee = Fee::Unpaid {
                        amount,
                        notice_on: *on,
                        due: None,
                    }
                }
            }
            Event::FeeNoticeReceived { due: d, .. } => {
                if let Fee::Unpaid { due, .. } = &mut f.fee {
                    *due = Some(*d);
                }
            }
            Event::FeePaid { .. } => f.fee = Fee::Paid,
            Event::FeeRefused { .. } | Event::FeeCancelled { .. } => f.fee = Fee::Dropped,
            Event::ExtensionRequested { by, on, .. } => {
                f.extension = Extension::Requested { by: *by, on: *on }
            }
            Event::ExtensionApproved { new_due, .. } => {
                f.extension = Extension::Approved { new_due: *new_due }
            }
            Event::ExtensionRefused { .. } => f.extension = Extension::Refused,
            Event::DeadlineSet { .. } => f.deadline_set = true,
            Event::DraftSubmitted {
                on,
                by,
                steps,
                decision,
            } => {
                f.drafts += 1;
                f.returned = None;
                f.draft = Some(Draft {
                    round: f.drafts,
                    on: *on,
                    by: *by,
                    steps: review::normalise(steps.clone()),
                    passed: Vec::new(),
                    since: *on,
                    decision: decision.clone(),
                });
            }
            Event::ReviewPassed { on, step, .. } => {
                if let Some(d) = f.draft.as_mut() {
                    d.passed.push(*step);
                    d.since = *on;
                }
            }
            Event::SignedOff { on, .. } => {
                if let Some(d) = f.draft.as_mut() {
                    d.passed.push(Step::SignOff);
                    d.since = *on;
                }
            }
            Event::DraftReturned {
                on,
                step,
                reason,
                by,
            } => {
                if let Some(d) = f.draft.take() {
                    f.returned = Some(Returned {
                        round: d.round,
                        step: *step,
                        on: *on,
                        reason: reason.clone(),
                        by: *by,
                    });
                }
            }
            Event::Decided(d) => {
                f.status = Status::Closed;
                f.decision = Some(d.clone());
                f.open_consultations = 0;
                f.consultations_due.clear();
                // Made by the review's last step, or otherwise: either way no draft waits.
                f.reviewed = f.draft.take().is_some();
                f.returned = None;
            }
            Event::Delivered { .. } => f.delivered = true,
            Event::Reopened { appeal_id, .. } => {
                f.status = Status::Open;
                f.decision = None;
                f.reviewed = false;
                f.draft = None;
                f.returned = None;
                f.delivered = false;
                f.reanswered.extend(*appeal_id);
            }
            Event::AppealFiled {
                appeal_id,
                appeal_kind,
                filed_on,
                ..
            } => f.appeals.push(AppealFact {
                id: *appeal_id,
                kind: *appeal_kind,
                filed_on: *filed_on,
                result: None,
                decided_on: None,
            }),
            Event::AppealUpdated {
                appeal_id,
                result,
                decided_on,
                ..
            } => {
                if let Some(a) = f.appeals.iter_mut().find(|a| a.id == *appeal_id) {
                    a.result = *result;
                    a.decided_on = *decided_on;
                }
            }
            Event::Voided { .. } => {
                f.status = Status::Void;
                f.draft = None;
            }
            Event::LetterIssued { letter, .. } => f.letters.push(letter.clone()),
            Event::DetailsEdited {
                received: Some((_, after)),
                ..
            } => f.received_on = Some(*after),
            Event::Imported { .. }
            | Event::Assigned { .. }
            | Event::DetailsEdited { .. }
            | Event::AttachmentAdded { .. }
            | Event::UnitsAsked { .. }
            | Event::UnitSigned { .. }
            | Event::UnitReturned { .. }
            | Event::UnitReplied { .. } => {}
        }
    }
    f
}

/// The events that move the clock, in order.
pub fn clock_events(events: &[Event]) -> Vec<ClockEvent> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::CorrectionRequested { on, due, .. } => Some(ClockEvent::CorrectionRequested {
                on: *on,
                due: Some(*due),
            }),
            Event::CorrectionReceived { on, .. } => {
                Some(ClockEvent::CorrectionReceived { on: *on })
            }
            Event::ConsultationStarted {
                on,
                consultation,
                receipt_on,
                ..
            } => Some(ClockEvent::ConsultationStarted {
                on: *on,
                kind: *consultation,
                receipt: receipt_on.unwrap_or(*on),
            }),
            Event::ConsultationEnded { on, .. } => Some(ClockEvent::ConsultationEnded { on: *on }),
            Event::ExtensionApproved { on, days, .. } => Some(ClockEvent::ExtensionApproved {
                on: *on,
                days: *days,
            }),
            Event::DeadlineSet { on, due, .. } => {
                Some(ClockEvent::DeadlineSet { on: *on, due: *due })
            }
            Event::FeeApproved { on, .. } => Some(ClockEvent::FeeNoticeIssued { on: *on }),
            // A cancelled or waived fee ends the stop like a payment does.
            Event::FeePaid { on, .. } | Event::FeeCancelled { on, .. } => {
                Some(ClockEvent::FeePaid { on: *on })
            }
            Event::Decided(d) => Some(ClockEvent::Decided { on: d.on }),
            Event::Reopened { on, due, .. } => Some(ClockEvent::Reopened { on: *on, due: *due }),
            _ => None,
        })
        .collect()
}

/// What a user can do to a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Assign,
    EditDetails,
    RequestCorrection,
    ReceiveCorrection,
    CorrectionOverdue,
    StartConsultation,
    EndConsultation,
    RequestExtension,
    ApproveExtension,
    RefuseExtension,
    RequestReasons,
    SetDeadline,
    ProposeFee,
    ApproveFee,
    RefuseFee,
    RecordFeeReceipt,
    RecordPayment,
    CancelFee,
    CloseFeeUnpaid,
    Decide,
    Deliver,
    Reopen,
    Void,
    RecordAppeal,
    UpdateAppeal,
    Reanswer,
    AskUnits,
    PassReview,
    ReturnDraft,
    SignOff,
}

impl Action {
    pub const ALL: [Action; 30] = [
        Action::Assign,
        Action::EditDetails,
        Action::RequestCorrection,
        Action::ReceiveCorrection,
        Action::CorrectionOverdue,
        Action::StartConsultation,
        Action::EndConsultation,
        Action::RequestExtension,
        Action::ApproveExtension,
        Action::RefuseExtension,
        Action::RequestReasons,
        Action::SetDeadline,
        Action::ProposeFee,
        Action::ApproveFee,
        Action::RefuseFee,
        Action::RecordFeeReceipt,
        Action::RecordPayment,
        Action::CancelFee,
        Action::CloseFeeUnpaid,
        Action::Decide,
        Action::Deliver,
        Action::Reopen,
        Action::Void,
        Action::RecordAppeal,
        Action::UpdateAppeal,
        Action::Reanswer,
        Action::AskUnits,
        Action::PassReview,
        Action::ReturnDraft,
        Action::SignOff,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Action::Assign => "assign",
            Action::EditDetails => "edit_details",
            Action::RequestCorrection => "request_correction",
            Action::ReceiveCorrection => "receive_correction",
            Action::CorrectionOverdue => "correction_overdue",
            Action::StartConsultation => "start_consultation",
            Action::EndConsultation => "end_consultation",
            Action::RequestExtension => "request_extension",
            Action::ApproveExtension => "approve_extension",
            Action::RefuseExtension => "refuse_extension",
            Action::RequestReasons => "request_reasons",
            Action::ProposeFee => "propose_fee",
            Action::ApproveFee => "approve_fee",
            Action::RefuseFee => "refuse_fee",
            Action::RecordFeeReceipt => "record_fee_receipt",
            Action::RecordPayment => "record_payment",
            Action::CancelFee => "cancel_fee",
            Action::CloseFeeUnpaid => "close_fee_unpaid",
            Action::SetDeadline => "set_deadline",
            Action::Decide => "decide",
            Action::Deliver => "deliver",
            Action::Reopen => "reopen",
            Action::Void => "void",
            Action::RecordAppeal => "record_appeal",
            Action::UpdateAppeal => "update_appeal",
            Action::Reanswer => "reanswer",
            Action::AskUnits => "ask_units",
            Action::PassReview => "pass_review",
            Action::ReturnDraft => "return_draft",
            Action::SignOff => "sign_off",
        }
    }

    pub fn parse(s: &str) -> Option<Action> {
        Self::ALL.into_iter().find(|a| a.code() == s)
    }

    /// The form's date fields that the law counts in working days, so a day off
    /// there is worth pointing out: the last day to correct (art. 30) and a later
    /// deadline (art. 35).
    pub fn working_day_fields(self) -> &'static [&'static str] {
        match self {
            Action::RequestCorrection | Action::SetDeadline => &["due"],
            _ => &[],
        }
    }
}

/// Who is acting (already known to be in scope of the case's agency).
#[derive(Debug, Clone, Copy)]
pub struct Who {
    pub role: Role,
    pub user_id: i64,
}

/// Whether the law (and the office's roles) allow `action` now. The error is
/// a message-catalogue key explaining why not.
pub fn check(
    action: Action,
    f: &Facts,
    who: Who,
    deadline: &Deadline,
    today: NaiveDate,
) -> Result<(), &'static str> {
    if f.status == Status::Void {
        return Err("refuse-void");
    }
    let open = f.status == Status::Open;
    let need_open = || if open { Ok(()) } else { Err("refuse-closed") };
    let pending = matches!(f.correction, Correction::Pending { .. });
    // While an answer is under review, what it rests on stays as the reviewers read it:
    // they send it back for anything to change.
    let settled = || match f.draft {
        Some(_) => Err("refuse-under-review"),
        None => Ok(()),
    };
    match action {
        Action::Assign => {
            need_open()?;
            if who.role == Role::Clerk {
                return Err("refuse-supervisor-only");
            }
        }
        // Contact details may be corrected on a closed case too; what moves the deadline
        // is checked with the input.
        Action::EditDetails => {}
        Action::RequestCorrection => {
            need_open()?;
            settled()?;
            if f.correction != Correction::None {
                return Err("refuse-correction-once");
            }
        }
        Action::ReceiveCorrection => {
            need_open()?;
            settled()?;
            if !pending {
                return Err("refuse-no-correction-pending");
            }
        }
        Action::CorrectionOverdue => {
            need_open()?;
            settled()?;
            match f.correction {
                Correction::Pending { due, .. } if today > due => {}
                Correction::Pending { .. } => return Err("refuse-correction-not-overdue"),
                _ => return Err("refuse-no-correction-pending"),
            }
        }
        Action::StartConsultation => {
            need_open()?;
            settled()?;
            if pending {
                return Err("refuse-correction-pending");
            }
        }
        Action::EndConsultation => {
            need_open()?;
            if f.open_consultations == 0 {
                return Err("refuse-no-consultation");
            }
        }
        Action::RequestExtension => {
            need_open()?;
            if pending {
                return Err("refuse-correction-pending");
            }
            match f.extension {
                Extension::Requested { .. } => return Err("refuse-extension-pending"),
                Extension::Approved { .. } => return Err("refuse-extension-once"),
                Extension::None | Extension::Refused => {}
            }
            if f.deadline_set {
                return Err("refuse-deadline-set");
            }
            if deadline.due_on.is_some_and(|d| today > d) {
                return Err("refuse-extension-too-late");
            }
        }
        Action::ApproveExtension | Action::RefuseExtension => {
            need_open()?;
            if who.role != Role::Supervisor {
                return Err("refuse-supervisor-only");
            }
            let Extension::Requested { by, .. } = f.extension else {
                return Err("refuse-no-extension-request");
            };
            if by == who.user_id {
                return Err("refuse-own-extension");
            }
            if action == Action::ApproveExtension && deadline.due_on.is_some_and(|d| today > d) {
                return Err("refuse-extension-too-late");
            }
        }
        Action::ProposeFee => {
            need_open()?;
            settled()?;
            if !matches!(f.fee, Fee::None | Fee::Dropped) {
                return Err("refuse-fee-exists");
            }
            if pending {
                return Err("refuse-correction-pending");
            }
        }
        Action::ApproveFee | Action::RefuseFee => {
            need_open()?;
            if who.role != Role::Supervisor {
                return Err("refuse-supervisor-only");
            }
            let Fee::Proposed { by, .. } = f.fee else {
                return Err("refuse-no-fee-proposed");
            };
            if by == who.user_id {
                return Err("refuse-own-fee");
            }
        }
        Action::RecordFeeReceipt => {
            need_open()?;
            if !matches!(f.fee, Fee::Unpaid { due: None, .. }) {
                return Err("refuse-no-fee-notice-out");
            }
        }
        Action::RecordPayment => {
            need_open()?;
            if !matches!(f.fee, Fee::Unpaid { .. }) {
                return Err("refuse-no-fee-notice-out");
            }
        }
        Action::CancelFee => {
            need_open()?;
            if who.role == Role::Clerk {
                return Err("refuse-supervisor-only");
            }
            if !matches!(f.fee, Fee::Unpaid { .. }) {
                return Err("refuse-no-fee-notice-out");
            }
        }
        Action::CloseFeeUnpaid => {
            need_open()?;
            settled()?;
            match f.fee {
                Fee::Unpaid { due: Some(due), .. } if today > due => {}
                Fee::Unpaid { due: Some(_), .. } => return Err("refuse-fee-not-lapsed"),
                _ => return Err("refuse-no-fee-receipt"),
            }
        }
        Action::RequestReasons => {
            need_open()?;
            settled()?;
            if f.reasons_requested {
                return Err("refuse-reasons-requested");
            }
        }
        Action::SetDeadline => {
            need_open()?;
            settled()?;
            if who.role == Role::Clerk {
                return Err("refuse-supervisor-only");
            }
            if f.deadline_set {
                return Err("refuse-deadline-set");
            }
            // Art. 35 sets a later deadline on the applicant's reasons: asked for first,
            // and only while the statutory deadline still stands.
            if !f.reasons_requested {
                return Err("refuse-reasons-not-requested");
            }
            if deadline.due_on.is_some_and(|d| today > d) {
                return Err("refuse-deadline-passed");
            }
        }
        Action::Decide => {
            need_open()?;
            settled()?;
            // The fee is for processing: no answer while it is proposed or unpaid;
            // the office cancels or waives it first, or closes the case when unpaid.
            if matches!(f.fee, Fee::Proposed { .. } | Fee::Unpaid { .. }) {
                return Err("refuse-fee-outstanding");
            }
            // Art. 32: the consulted party's period runs first, unless it has answered.
            if f.consultations_due.iter().any(|due| today <= *due) {
                return Err("refuse-consultation-open");
            }
        }
        Action::Deliver => {
            if f.letters.is_empty() {
                return Err("refuse-nothing-to-deliver");
            }
        }
        Action::Reopen => {
            if who.role != Role::Admin {
                return Err("refuse-admin-only");
            }
            if open {
                return Err("refuse-not-closed");
            }
        }
        Action::Void => {
            if who.role != Role::Admin {
                return Err("refuse-admin-only");
            }
        }
        // A reconsideration or suit may follow an answer or the lack of one.
        Action::RecordAppeal => {}
        Action::UpdateAppeal => {
            if f.appeals.is_empty() {
                return Err("refuse-no-appeal");
            }
        }
        // The units help find the information while the answer is owed.
        Action::AskUnits => need_open()?,
        Action::Reanswer => {
            if open {
                return Err("refuse-not-closed");
            }
            if f.reanswer_owed().is_empty() {
                return Err("refuse-no-corrected-appeal");
            }
        }
        // A review step, passed or sent back by someone who may act on it.
        Action::PassReview | Action::ReturnDraft | Action::SignOff => {
            need_open()?;
            let Some(draft) = &f.draft else {
                return Err("refuse-no-draft");
            };
            match (action, draft.next()) {
                (Action::SignOff, Some(Step::SignOff)) => {}
                (Action::SignOff, _) => return Err("refuse-review-first"),
                (Action::PassReview, Some(Step::SignOff)) => {
                    return Err("refuse-awaiting-sign-off");
                }
                _ => {}
            }
            draft.may_act(who.role, who.user_id)?;
        }
    }
    Ok(())
}

/// A correction notice dated after the answer deadline cannot stop a clock that has run
/// out (art. 30 asks for it within days of receipt; later than that is flagged, later
/// than the deadline is refused).
pub fn check_correction_date(on: NaiveDate, deadline: &Deadline) -> Result<(), &'static str> {
    match deadline.due_on {
        Some(due) if on > due => Err("case-correction-after-deadline"),
        _ => Ok(()),
    }
}

/// Outcomes that only a particular history allows.
pub fn check_outcome(outcome: Outcome, f: &Facts) -> Result<(), &'static str> {
    let pending = matches!(f.correction, Correction::Pending { .. });
    match outcome {
        Outcome::OtherCorrectionOverdue => Err("refuse-use-correction-overdue"),
        Outcome::UnclearAfterCorrection if !matches!(f.correction, Correction::Received { .. }) => {
            Err("refuse-no-correction-received")
        }
        // Only the close action decides this, once the time to pay has run out.
        Outcome::OtherFeeUnpaid => Err("refuse-use-close-fee-unpaid"),
        // While a correction is awaited only a withdrawal can close the case.
        o if pending && o != Outcome::Other => Err("refuse-correction-pending"),
        _ => Ok(()),
    }
}

/// A case number as gongkai gives them: `{agency code}-{year}-{sequence of 4 digits}`
/// (historical numbers imported from a ledger are kept as they were).
pub fn case_number(agency_code: &str, year: i32, seq: i32) -> String {
    format!("{agency_code}-{year}-{seq:04}")
}

/// Masks an identity number for lists: the first three and last four characters stay.
pub fn mask_id(number: &str) -> String {
    let chars: Vec<char> = number.chars().collect();
    if chars.len() <= 7 {
        return "*".repeat(chars.len());
    }
    let head: String = chars[..3].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}{}{tail}", "*".repeat(chars.len() - 7))
}

/// Checks a resident identity number (GB 11643: 17 digits and a check character).
pub fn valid_resident_id(number: &str) -> bool {
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const CHECK: &[u8; 11] = b"10X98765432";
    let bytes = number.as_bytes();
    if bytes.len() != 18 || !bytes[..17].iter().all(u8::is_ascii_digit) {
        return false;
    }
    let sum: u32 = bytes[..17]
        .iter()
        .zip(WEIGHTS)
        .map(|(b, w)| u32::from(b - b'0') * w)
        .sum();
    bytes[17].to_ascii_uppercase() == CHECK[(sum % 11) as usize]
}

#[cfg(test)]
mod tests {
    use super::super::calendar::Calendar;
    use super::super::deadline::{self, Settings};
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn intake(on: &str) -> Event {
        Event::Intake {
            received_on: d(on),
            channel: "in_person".into(),
            on_the_spot: false,
        }
    }

    fn dl(events: &[Event], today: &str) -> Deadline {
        let cal = Calendar::from_csv_str(include_str!("../../data/holidays-cn.csv")).unwrap();
        deadline::compute(
            d("2024-09-27"),
            &clock_events(events),
            &cal,
            &Settings::default(),
            d(today),
        )
    }

    const CLERK: Who = Who {
        role: Role::Clerk,
        user_id: 1,
    };
    const SUPERVISOR: Who = Who {
        role: Role::Supervisor,
        user_id: 2,
    };
    const ADMIN: Who = Who {
        role: Role::Admin,
        user_id: 3,
    };

    #[test]
    fn correction_once_and_restart() {
        let mut ev = vec![intake("2024-09-27")];
        let t = "2024-10-08";
        assert!(
            check(
                Action::RequestCorrection,
                &facts(&ev),
                CLERK,
                &dl(&ev, t),
                d(t)
            )
            .is_ok()
        );
        assert_eq!(
            check(
                Action::ReceiveCorrection,
                &facts(&ev),
                CLERK,
                &dl(&ev, t),
                d(t)
            ),
            Err("refuse-no-correction-pending")
        );
        ev.push(Event::CorrectionRequested {
            on: d("2024-09-30"),
            due: d("2024-10-22"),
            items: vec!["x".into()],
            late_notice: false,
        });
        let f = facts(&ev);
        assert_eq!(
            check(Action::RequestCorrection, &f, CLERK, &dl(&ev, t), d(t)),
            Err("refuse-correction-once")
        );
        assert_eq!(
            check(Action::CorrectionOverdue, &f, CLERK, &dl(&ev, t), d(t)),
            Err("refuse-correction-not-overdue")
        );
        assert!(
            check(
                Action::CorrectionOverdue,
                &f,
                CLERK,
                &dl(&ev, "2024-10-23"),
                d("2024-10-23")
            )
            .is_ok()
        );
        assert_eq!(
            check_outcome(Outcome::Disclosed, &f),
            Err("refuse-correction-pending")
        );
        assert!(check_outcome(Outcome::Other, &f).is_ok());
        ev.push(Event::CorrectionReceived {
            on: d("2024-10-10"),
            note: String::new(),
        });
        let f = facts(&ev);
        assert_eq!(
            f.correction,
            Correction::Received {
                on: d("2024-10-10")
            }
        );
        assert!(check_outcome(Outcome::UnclearAfterCorrection, &f).is_ok());
        assert_eq!(
            check(Action::RequestCorrection, &f, CLERK, &dl(&ev, t), d(t)),
            Err("refuse-correction-once")
        );
    }

    #[test]
    fn extension_rules() {
        let mut ev = vec![intake("2024-09-27")];
        let t = "2024-10-20";
        assert_eq!(
            check(
                Action::ApproveExtension,
                &facts(&ev),
                SUPERVISOR,
                &dl(&ev, t),
                d(t)
            ),
            Err("refuse-no-extension-request")
        );
        ev.push(Event::ExtensionRequested {
            on: d(t),
            reason: "量大".into(),
            by: 2,
        });
        let f = facts(&ev);
        assert_eq!(
            check(Action::ApproveExtension, &f, CLERK, &dl(&ev, t), d(t)),
            Err("refuse-supervisor-only")
        );
        assert_eq!(
            check(Action::ApproveExtension, &f, ADMIN, &dl(&ev, t), d(t)),
            Err("refuse-supervisor-only")
        );
        // The supervisor who asked cannot approve their own request.
        assert_eq!(
            check(Action::ApproveExtension, &f, SUPERVISOR, &dl(&ev, t), d(t)),
            Err("refuse-own-extension")
        );
        let other = Who {
            role: Role::Supervisor,
            user_id: 9,
        };
        assert!(check(Action::ApproveExtension, &f, other, &dl(&ev, t), d(t)).is_ok());
        // Past the deadline (2024-10-30) an extension can no longer be granted.
        assert_eq!(
            check(
                Action::ApproveExtension,
                &f,
                other,
                &dl(&ev, "2024-10-31"),
                d("2024-10-31")
            ),
            Err("refuse-extension-too-late")
        );
        ev.push(Event::ExtensionApproved {
            on: d(t),
            days: 20,
            new_due: Some(d("2024-11-27")),
            by: 9,
        });
        let f = facts(&ev);
        assert_eq!(
            check(Action::RequestExtension, &f, CLERK, &dl(&ev, t), d(t)),
            Err("refuse-extension-once")
        );
        assert_eq!(dl(&ev, t).due_on, Some(d("2024-11-27")));
    }

    #[test]
    fn closed_and_void_cases() {
        let mut ev = vec![intake("2024-09-27")];
        ev.push(Event::Decided(Decision::plain(
            d("2024-10-10"),
            Outcome::Disclosed,
            String::new(),
            "paper".into(),
        )));
        let t = "2024-10-11";
        let f = facts(&ev);
        assert_eq!(f.status, Status::Closed);
        assert_eq!(
            check(Action::Decide, &f, CLERK, &dl(&ev, t), d(t)),
            Err("refuse-closed")
        );
        assert_eq!(
            check(Action::Reopen, &f, SUPERVISOR, &dl(&ev, t), d(t)),
            Err("refuse-admin-only")
        );
        assert!(check(Action::Reopen, &f, ADMIN, &dl(&ev, t), d(t)).is_ok());
        ev.push(Event::Reopened {
            on: d(t),
            reason: "登记错误".into(),
            appeal_id: None,
            due: None,
        });
        assert_eq!(facts(&ev).status, Status::Open);
        ev.push(Event::Voided {
            on: d(t),
            reason: "录入错误".into(),
        });
        let f = facts(&ev);
        assert_eq!(f.status, Status::Void);
        assert_eq!(
            check(Action::Decide, &f, ADMIN, &dl(&ev, t), d(t)),
            Err("refuse-void")
        );
    }

    #[test]
    fn no_answer_while_a_fee_is_outstanding() {
        let mut ev = vec![intake("2024-09-27")];
        let t = "2024-10-08";
        ev.push(Event::FeeProposed {
            on: d(t),
            method: "per_volume".into(),
            units: 120,
            amount: 110_000,
            how_to_pay: "到财务室缴纳".into(),
            by: 1,
        });
        let refused = Err("refuse-fee-outstanding");
        assert_eq!(
            check(Action::Decide, &facts(&ev), CLERK, &dl(&ev, t), d(t)),
            refused
        );
        ev.push(Event::FeeApproved { on: d(t), by: 2 });
        assert_eq!(
            check(Action::Decide, &facts(&ev), CLERK, &dl(&ev, t), d(t)),
            refused
        );
        ev.push(Event::FeeCancelled {
            on: d(t),
            waived: true,
            reason: "申请人经济困难".into(),
            by: 2,
        });
        assert!(check(Action::Decide, &facts(&ev), CLERK, &dl(&ev, t), d(t)).is_ok());
    }

    #[test]
    fn a_corrected_appeal_lets_the_clerk_answer_again_once() {
        let mut ev = vec![intake("2024-09-27")];
        let t = "2024-12-02";
        let f = facts(&ev);
        assert_eq!(
            check(Action::UpdateAppeal, &f, CLERK, &dl(&ev, t), d(t)),
            Err("refuse-no-appeal")
        );
        // A suit against the failure to answer may come while the case is open.
        assert!(check(Action::RecordAppeal, &f, CLERK, &dl(&ev, t), d(t)).is_ok());
        ev.push(Event::Decided(Decision::plain(
            d("2024-10-10"),
            Outcome::WithheldThirdParty,
            String::new(),
            "paper".into(),
        )));
        ev.push(Event::AppealFiled {
            appeal_id: 4,
            appeal_kind: appeal::Kind::Review,
            grounds: appeal::Grounds::Decision,
            review_id: None,
            filed_on: d("2024-10-20"),
            body: "某市人民政府".into(),
            body_case_no: String::new(),
            served_on: None,
            notes: String::new(),
        });
        let f = facts(&ev);
        assert!(check(Action::UpdateAppeal, &f, CLERK, &dl(&ev, t), d(t)).is_ok());
        assert_eq!(
            check(Action::Reanswer, &f, CLERK, &dl(&ev, t), d(t)),
            Err("refuse-no-corrected-appeal")
        );
        ev.push(Event::AppealUpdated {
            appeal_id: 4,
            appeal_kind: appeal::Kind::Review,
            served_on: Some(d("2024-10-22")),
            answered_on: Some(d("2024-10-30")),
            result: Some(AppealResult::Corrected),
            decided_on: Some(d("2024-11-28")),
            doc_numbers: String::new(),
            notes: String::new(),
        });
        let f = facts(&ev);
        assert_eq!(f.reanswer_owed().len(), 1);
        assert!(check(Action::Reanswer, &f, CLERK, &dl(&ev, t), d(t)).is_ok());
        ev.push(Event::Reopened {
            on: d(t),
            reason: String::new(),
            appeal_id: Some(4),
            due: Some(d("2024-12-30")),
        });
        let f = facts(&ev);
        assert_eq!(f.status, Status::Open);
        assert!(f.reanswer_owed().is_empty());
        assert_eq!(dl(&ev, t).due_on, Some(d("2024-12-30")));
        assert_eq!(
            check(Action::Reanswer, &f, CLERK, &dl(&ev, t), d(t)),
            Err("refuse-not-closed")
        );
    }

    fn consultation(on: &str, kind: ConsultationKind, receipt: &str) -> Event {
        let cal = Calendar::from_csv_str(include_str!("../../data/holidays-cn.csv")).unwrap();
        Event::ConsultationStarted {
            on: d(on),
            consultation: kind,
            party: "某公司".into(),
            matter: "合同".into(),
            why: "商业秘密".into(),
            receipt_on: Some(d(receipt)),
            answer_due: deadline::consultation_answer_due(d(receipt), &cal, &Settings::default()),
        }
    }

    fn ended(on: &str, reply: &str) -> Event {
        Event::ConsultationEnded {
            on: d(on),
            reply: reply.into(),
            note: String::new(),
        }
    }

    #[test]
    fn nothing_after_the_deadline_hides_that_it_was_missed() {
        // Received 2024-09-27, due 2024-10-30 (rules.md section 4).
        let ev = vec![intake("2024-09-27")];
        let late = dl(&ev, "2024-11-05");
        assert_eq!(late.due_on, Some(d("2024-10-30")));
        assert!(late.overdue);
        // A correction notice after the deadline is refused; before it, allowed.
        assert_eq!(
            check_correction_date(d("2024-10-31"), &late),
            Err("case-correction-after-deadline")
        );
        assert_eq!(check_correction_date(d("2024-10-30"), &late), Ok(()));
        // Art. 35: no later deadline once the statutory one has passed, and not without
        // having asked for reasons.
        let mut asked = ev.clone();
        asked.push(Event::ReasonsRequested {
            on: d("2024-10-08"),
            note: String::new(),
        });
        let f = facts(&asked);
        assert_eq!(
            check(
                Action::SetDeadline,
                &facts(&ev),
                SUPERVISOR,
                &dl(&ev, "2024-10-10"),
                d("2024-10-10")
            ),
            Err("refuse-reasons-not-requested")
        );
        assert_eq!(
            check(
                Action::SetDeadline,
                &f,
                SUPERVISOR,
                &dl(&asked, "2024-10-10"),
                d("2024-10-10")
            ),
            Ok(())
        );
        assert_eq!(
            check(
                Action::SetDeadline,
                &f,
                SUPERVISOR,
                &dl(&asked, "2024-10-31"),
                d("2024-10-31")
            ),
            Err("refuse-deadline-passed")
        );
        // Events dated after the deadline do not move it, whatever got recorded: the case
        // stays overdue and the answer counts as late.
        for moving in [
            Event::CorrectionRequested {
                on: d("2024-11-01"),
                due: d("2024-11-22"),
                items: vec!["x".into()],
                late_notice: true,
            },
            consultation("2024-11-01", ConsultationKind::ThirdParty, "2024-11-01"),
            Event::DeadlineSet {
                on: d("2024-11-01"),
                due: d("2024-12-31"),
                reason: "量大".into(),
                applicant_reasons: "研究".into(),
            },
            Event::ExtensionApproved {
                on: d("2024-11-01"),
                days: 20,
                new_due: None,
                by: 2,
            },
        ] {
            let mut h = ev.clone();
            h.push(moving.clone());
            let after = dl(&h, "2024-11-05");
            assert_eq!(after.due_on, Some(d("2024-10-30")), "{moving:?}");
            assert!(after.overdue, "{moving:?}");
            assert!(after.steps.contains(&deadline::Step::TooLate {
                on: d("2024-11-01")
            }));
        }
        // The same correction before the deadline does stop the clock.
        let mut h = ev.clone();
        h.push(Event::CorrectionRequested {
            on: d("2024-10-29"),
            due: d("2024-11-19"),
            items: vec!["x".into()],
            late_notice: true,
        });
        assert_eq!(dl(&h, "2024-11-05").due_on, None);
    }

    #[test]
    fn no_decision_while_a_consultation_runs() {
        let mut ev = vec![intake("2024-09-27")];
        ev.push(consultation(
            "2024-10-08",
            ConsultationKind::ThirdParty,
            "2024-10-10",
        ));
        let t = "2024-10-15";
        assert_eq!(
            check(Action::Decide, &facts(&ev), CLERK, &dl(&ev, t), d(t)),
            Err("refuse-consultation-open")
        );
        // Its period runs 15 working days from the party's receipt (2024-10-10; Saturday
        // 2024-10-12 is a make-up workday): open on 2024-10-30, lapsed after it.
        assert!(
            check(
                Action::Decide,
                &facts(&ev),
                CLERK,
                &dl(&ev, "2024-10-30"),
                d("2024-10-30")
            )
            .is_err()
        );
        assert_eq!(
            check(
                Action::Decide,
                &facts(&ev),
                CLERK,
                &dl(&ev, "2024-10-31"),
                d("2024-10-31")
            ),
            Ok(())
        );
        // A recorded reply ends it; an objection by the third party is remembered.
        ev.push(ended("2024-10-16", "objection"));
        let f = facts(&ev);
        assert!(f.objection);
        assert_eq!(
            check(
                Action::Decide,
                &f,
                CLERK,
                &dl(&ev, "2024-10-17"),
                d("2024-10-17")
            ),
            Ok(())
        );
        // An agency that disagrees is not a third party's objection.
        let mut ev = vec![intake("2024-09-27")];
        ev.push(consultation(
            "2024-10-08",
            ConsultationKind::Agency,
            "2024-10-08",
        ));
        ev.push(ended("2024-10-16", "objection"));
        assert!(!facts(&ev).objection);
    }

    #[test]
    fn an_answer_under_review_waits_for_its_steps() {
        let mut ev = vec![intake("2024-09-27")];
        let t = "2024-10-08";
        let drafted = Decision::plain(d(t), Outcome::Disclosed, "经查".into(), "post".into());
        // CLERK (1) drafts; the agency reviews confidentiality, then its head signs off.
        ev.push(review::answer(
            drafted,
            &[Step::SignOff, Step::Confidentiality],
            CLERK.user_id,
            d(t),
        ));
        let f = facts(&ev);
        assert_eq!(f.status, Status::Open);
        assert_eq!(
            f.draft.as_ref().unwrap().next(),
            Some(Step::Confidentiality)
        );
        // Nothing here moves the clock: the deadline of the plain intake serves throughout.
        let before = dl(&ev[..1], t);
        let can = |a: Action, f: &Facts, who: Who| check(a, f, who, &before, d(t));
        // What the answer rests on stays as the reviewers read it; time may still be asked for.
        for a in [
            Action::Decide,
            Action::StartConsultation,
            Action::RequestCorrection,
            Action::ProposeFee,
            Action::RequestReasons,
        ] {
            assert_eq!(can(a, &f, CLERK), Err("refuse-under-review"), "{a:?}");
        }
        assert!(can(Action::RequestExtension, &f, CLERK).is_ok());
        let reviewer = Who {
            role: Role::Clerk,
            user_id: 5,
        };
        assert_eq!(can(Action::PassReview, &f, CLERK), Err("refuse-own-draft"));
        assert_eq!(
            can(Action::PassReview, &f, ADMIN),
            Err("refuse-reviewer-role")
        );
        assert!(can(Action::PassReview, &f, reviewer).is_ok());
        assert!(can(Action::ReturnDraft, &f, reviewer).is_ok());
        assert_eq!(
            can(Action::SignOff, &f, SUPERVISOR),
            Err("refuse-review-first")
        );
        ev.extend(review::pass(
            f.draft.as_ref().unwrap(),
            reviewer.user_id,
            d("2024-10-09"),
            String::new(),
        ));
        let f = facts(&ev);
        assert_eq!(f.status, Status::Open);
        assert_eq!(
            can(Action::PassReview, &f, reviewer),
            Err("refuse-awaiting-sign-off")
        );
        // Sign-off and sending back at that step are the head's.
        assert_eq!(
            can(Action::SignOff, &f, reviewer),
            Err("refuse-supervisor-only")
        );
        assert_eq!(
            can(Action::ReturnDraft, &f, reviewer),
            Err("refuse-supervisor-only")
        );
        assert!(can(Action::SignOff, &f, SUPERVISOR).is_ok());
        // Signed off a day after the deadline (2024-10-30): the answer is made that day, late.
        ev.extend(review::pass(
            f.draft.as_ref().unwrap(),
            SUPERVISOR.user_id,
            d("2024-10-31"),
            "同意".into(),
        ));
        let f = facts(&ev);
        assert_eq!(f.status, Status::Closed);
        assert!(f.reviewed && f.draft.is_none());
        assert_eq!(f.decision.as_ref().unwrap().on, d("2024-10-31"));
        let after = dl(&ev, "2024-11-01");
        assert_eq!(after.closed_on, Some(d("2024-10-31")));
        assert!(after.overdue);
    }

    #[test]
    fn a_draft_sent_back_is_drafted_again() {
        let mut ev = vec![intake("2024-09-27")];
        let t = "2024-10-08";
        let drafted = Decision::plain(d(t), Outcome::Disclosed, "经查".into(), "post".into());
        ev.push(review::answer(
            drafted.clone(),
            &[Step::SignOff],
            CLERK.user_id,
            d(t),
        ));
        ev.push(Event::DraftReturned {
            on: d(t),
            step: Step::SignOff,
            reason: "请补充检索情况".into(),
            by: SUPERVISOR.user_id,
        });
        let f = facts(&ev);
        assert!(f.draft.is_none());
        assert_eq!(f.returned.as_ref().unwrap().reason, "请补充检索情况");
        assert_eq!(
            check(Action::SignOff, &f, SUPERVISOR, &dl(&ev, t), d(t)),
            Err("refuse-no-draft")
        );
        assert!(check(Action::Decide, &f, CLERK, &dl(&ev, t), d(t)).is_ok());
        ev.push(review::answer(
            drafted,
            &[Step::SignOff],
            CLERK.user_id,
            d(t),
        ));
        let f = facts(&ev);
        assert_eq!(f.draft.as_ref().unwrap().round, 2);
        assert!(f.returned.is_none());
        // Without steps the answer is made at once, as always.
        let made = review::answer(
            Decision::plain(d(t), Outcome::Disclosed, String::new(), "post".into()),
            &[],
            CLERK.user_id,
            d(t),
        );
        assert_eq!(made.kind(), "decided");
    }

    #[test]
    fn events_round_trip_as_json() {
        let e = Event::ConsultationStarted {
            on: d("2024-10-08"),
            consultation: ConsultationKind::ThirdParty,
            party: "某公司".into(),
            matter: "合同".into(),
            why: "商业秘密".into(),
            receipt_on: Some(d("2024-10-09")),
            answer_due: d("2024-10-29"),
        };
        let json = serde_json::to_string(&e).unwrap();
        assert!(json.contains("\"kind\":\"consultation_started\""));
        assert_eq!(serde_json::from_str::<Event>(&json).unwrap(), e);
        assert_eq!(e.kind(), "consultation_started");
    }

    #[test]
    fn identity_numbers() {
        assert!(valid_resident_id("11010519491231002X"));
        assert!(!valid_resident_id("110105194912310021"));
        assert!(!valid_resident_id("12345"));
        assert_eq!(mask_id("11010519491231002X"), "110***********002X");
        assert_eq!(mask_id("E1234"), "*****");
    }
}
