//! The actions of a case's history. Each action is one typed form, in the
//! module of its family, that checks its fields and builds the events it adds;
//! `forms!` below says which form an action reads. What the law allows when is
//! `domain::case::check`; which letters the events call for is
//! `domain::letters`.

mod admin;
pub mod appeal;
mod art35;
mod consultation;
mod correction;
mod decision;
mod delivery;
mod details;
mod extension;
mod fee;
mod review;
mod units;

use super::{
    Clock, Errors, Staff, append, date, derive, done, event_date, history, load_in_scope, refresh,
    text,
};
use crate::db::cases::{self as q, Case};
use crate::db::{self, DbConn};
use crate::domain::case::{self, Action, Decision, Event, Facts};
use crate::domain::deadline::Deadline;
use crate::domain::review::Step;
use crate::service::Fail;
use chrono::NaiveDate;
use serde::de::DeserializeOwned;

pub const DELIVERY_METHODS: [&str; 6] = ["in_person", "post", "email", "fax", "online", "other"];

/// What an action's form may read while it builds its events; messages for
/// the form's fields collect in `errors`.
pub struct Cx<'a, 'c> {
    pub conn: &'a mut DbConn,
    pub staff: &'a Staff,
    pub case: &'a Case,
    pub events: &'a [Event],
    pub facts: &'a Facts,
    pub dl: &'a Deadline,
    pub clock: &'a Clock<'c>,
    /// The review steps the case's agency uses (`domain::review`); none: answers at once.
    pub review: &'a [Step],
    pub errors: Errors,
    /// The form's fields as posted (for a field sent several times).
    pub fields: &'a [(String, String)],
}

impl Cx<'_, '_> {
    pub fn today(&self) -> NaiveDate {
        self.clock.today
    }
    pub fn text(&mut self, field: &'static str, value: &str, max: usize, required: bool) -> String {
        text(&mut self.errors, field, value, max, required)
    }
    pub fn date(&mut self, field: &'static str, value: &str, required: bool) -> Option<NaiveDate> {
        date(&mut self.errors, field, value, required)
    }
    /// The legal date of an event: required, not in the future, not before receipt.
    pub fn event_date(&mut self, field: &'static str, value: &str) -> Option<NaiveDate> {
        let (received, today) = (self.case.received_on, self.clock.today);
        event_date(&mut self.errors, field, value, received, today)
    }
    /// Every value of a field sent several times (checkboxes).
    pub fn all(&self, field: &str) -> Vec<String> {
        self.fields
            .iter()
            .filter(|(k, _)| k == field)
            .map(|(_, v)| v.clone())
            .collect()
    }
    pub fn refuse(&mut self, field: &'static str, key: &'static str) {
        self.errors.push((field, key));
    }
    pub fn delivery_method(&mut self, field: &'static str, value: &str) -> String {
        super::delivery_method(&mut self.errors, field, value)
    }
    /// The answer an action makes: the decision itself, or, where the agency reviews its
    /// answers, a draft for review (made when its last step passes).
    pub fn answer(&self, decision: Decision) -> Event {
        crate::domain::review::answer(decision, self.review, self.staff.id, self.today())
    }
}

/// An action's form: its fields, and the events it adds to the history.
pub trait Form: DeserializeOwned {
    fn build(&self, cx: &mut Cx) -> Result<Vec<Event>, Fail>;
}

/// Which form each action reads: the one place that ties an action to its input.
macro_rules! forms {
    ($($action:ident => $form:ty,)*) => {
        fn build(action: Action, fields: &str, cx: &mut Cx) -> Result<Vec<Event>, Fail> {
            match action {
                $(Action::$action => read::<$form>(fields)?.build(cx),)*
            }
        }
    };
}

forms! {
    Assign => admin::Assign,
    EditDetails => details::Edit,
    RequestCorrection => correction::Request,
    ReceiveCorrection => correction::Receive,
    CorrectionOverdue => correction::Overdue,
    StartConsultation => consultation::Start,
    EndConsultation => consultation::End,
    RequestExtension => extension::Request,
    ApproveExtension => extension::Approve,
    RefuseExtension => extension::Refuse,
    RequestReasons => art35::RequestReasons,
    SetDeadline => art35::SetDeadline,
    ProposeFee => fee::Propose,
    ApproveFee => fee::Approve,
    RefuseFee => fee::Refuse,
    RecordFeeReceipt => fee::Receipt,
    RecordPayment => fee::Payment,
    CancelFee => fee::Cancel,
    CloseFeeUnpaid => fee::CloseUnpaid,
    Decide => decision::Decide,
    Deliver => delivery::Deliver,
    Reopen => admin::Reopen,
    Void => admin::Void,
    RecordAppeal => appeal::Record,
    UpdateAppeal => appeal::Update,
    Reanswer => appeal::Reanswer,
    AskUnits => units::Ask,
    PassReview => review::Pass,
    ReturnDraft => review::Return,
    SignOff => review::Pass,
}

fn read<T: DeserializeOwned>(fields: &str) -> Result<T, Fail> {
    serde_urlencoded::from_str(fields).map_err(|_| Fail::Refused("error-bad-form"))
}

/// Performs one action on a case: checks scope, version, state and input,
/// appends the events and refreshes the derived columns, all in one
/// transaction. `fields` are the submitted form's fields, `version` among them.
pub fn act(
    conn: &mut DbConn,
    staff: &Staff,
    case_id: i64,
    action: Action,
    fields: &[(String, String)],
    clock: &Clock,
) -> Result<(), Fail> {
    let field = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    };
    let encoded =
        serde_urlencoded::to_string(fields).map_err(|_| Fail::Refused("error-bad-form"))?;
    db::write_tx(conn, |conn| {
        let case = load_in_scope(conn, staff, case_id)?;
        // The version first: someone who changed the case meanwhile explains
        // a refusal better than the refusal itself.
        let version: i32 = field("version")
            .trim()
            .parse()
            .map_err(|_| Fail::Refused("case-stale-form"))?;
        if !q::claim(conn, case_id, version, staff.id)? {
            return Err(Fail::Conflict {
                by: case.updated_by,
                at: case.updated_at,
            });
        }
        let events: Vec<Event> = history(conn, case_id)?
            .into_iter()
            .map(|(_, e)| e)
            .collect();
        let (facts, dl, _) = derive(&case, &events, clock);
        case::check(action, &facts, staff.who(), &dl, clock.today).map_err(Fail::Refused)?;
        let review = db::review::steps(conn, case.agency_id)?;
        let mut cx = Cx {
            conn,
            staff,
            case: &case,
            events: &events,
            facts: &facts,
            dl: &dl,
            clock,
            review: &review,
            errors: Errors::new(),
            fields,
        };
        let new_events = build(action, &encoded, &mut cx)?;
        let errors = std::mem::take(&mut cx.errors);
        let new_events = done(errors, new_events)?;
        let mut added = Vec::with_capacity(new_events.len());
        for mut e in new_events {
            effect(conn, &case, staff.id, &mut e)?;
            append(conn, case_id, Some(staff.id), &e)?;
            added.push(e);
        }
        // Messages the events call for, in this transaction: they exist exactly when the
        // events do.
        crate::service::mail::events_added(conn, &case, &events, &added, dl.due_on)?;
        refresh(conn, case_id, clock)
    })
}

/// What an event changes outside the history itself.
fn effect(conn: &mut DbConn, case: &Case, by: i64, e: &mut Event) -> Result<(), Fail> {
    match e {
        Event::Assigned { to, .. } => {
            q::set_assigned(conn, case.id, *to)?;
        }
        Event::DetailsEdited { changes, received } => {
            details::apply(conn, case, changes, *received)?;
        }
        Event::AppealFiled { .. } | Event::AppealUpdated { .. } => {
            appeal::apply(conn, case.id, e)?;
        }
        Event::UnitsAsked { .. } => units::apply(case.id, by, e, conn)?,
        _ => {}
    }
    Ok(())
}
