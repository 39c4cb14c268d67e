//! The answer deadline of a case, derived from its history.
//!
//! Nobody types a deadline in: it follows from the legal receipt date, the rule set in force on
//! that date, and the events that stop, restart or extend the clock. Recomputing it after the
//! calendar changes is therefore always safe.
//!
//! Conventions, used throughout:
//! - Day 1 is the first working day after the start (receipt, or the last correction
//!   received); the deadline is the N-th working day, N being the rule set's answer days plus
//!   any approved extension.
//! - A stop that begins on day S and ends on day E removes the working days `d` with
//!   `S < d <= E` from the count: the day it begins still counts, the day it ends does not
//!   (the clock runs again from the next working day).

use chrono::{Datelike, Days, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

use super::calendar::{Calendar, DayKind};

/// The deadlines of one version of the Regulation. Kept as data so that the next revision is
/// one more row in [`RULE_SETS`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleSet {
    pub code: &'static str,
    pub answer_days: u32,
    pub extension_days: u32,
    pub in_force_from: NaiveDate,
}

const fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    match NaiveDate::from_ymd_opt(y, m, d) {
        Some(date) => date,
        None => panic!("invalid constant date"),
    }
}

/// Every rule set, oldest first.
pub static RULE_SETS: [RuleSet; 2] = [
    RuleSet {
        code: "2008",
        answer_days: 15,
        extension_days: 15,
        in_force_from: ymd(2008, 5, 1),
    },
    RuleSet {
        code: "2019",
        answer_days: 20,
        extension_days: 20,
        in_force_from: ymd(2019, 5, 15),
    },
];

/// The rule set in force on the legal receipt date. A date before the oldest set gets the
/// oldest, rather than no answer at all.
pub fn rule_set_for(received_on: NaiveDate) -> &'static RuleSet {
    RULE_SETS
        .iter()
        .rev()
        .find(|r| r.in_force_from <= received_on)
        .unwrap_or(&RULE_SETS[0])
}

/// How a legal receipt date stands against the law and against today.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReceiptAge {
    Fine,
    /// Before the 2008 Regulation took effect (2008-05-01): no rule set applies.
    BeforeRegulation,
    /// More than a year ago: likely a typo, so the clerk confirms it.
    Old,
}

pub fn receipt_age(received_on: NaiveDate, today: NaiveDate) -> ReceiptAge {
    if received_on < RULE_SETS[0].in_force_from {
        ReceiptAge::BeforeRegulation
    } else if received_on < today - Days::new(365) {
        ReceiptAge::Old
    } else {
        ReceiptAge::Fine
    }
}

pub fn rule_set_by_code(code: &str) -> Option<&'static RuleSet> {
    RULE_SETS.iter().find(|r| r.code == code)
}

/// Periods the law leaves to the agency or that could not be verified; all in working days.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// Time given to the applicant to correct (the law only says "reasonable").
    pub correction_period_days: u32,
    /// Answer period of a consultation (art. 32 and 34).
    pub consultation_days: u32,
    /// Whether the time between fee notice and payment is left out of the count.
    pub fee_stops_clock: bool,
    /// Time to pay a fee notice.
    pub fee_payment_days: u32,
    /// Time after receipt within which the correction notice must go out (art. 30).
    pub correction_notice_days: u32,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            correction_period_days: 15,
            consultation_days: 15,
            fee_stops_clock: true,
            fee_payment_days: 20,
            correction_notice_days: 7,
        }
    }
}

/// Whom a consultation asks: the answer period is the same, silence means different things.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConsultationKind {
    /// Art. 32: silence leaves the decision to the agency.
    ThirdParty,
    /// Art. 34: silence counts as consent.
    Agency,
}

impl ConsultationKind {
    pub fn code(self) -> &'static str {
        match self {
            ConsultationKind::ThirdParty => "third_party",
            ConsultationKind::Agency => "agency",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "third_party" => Some(ConsultationKind::ThirdParty),
            "agency" => Some(ConsultationKind::Agency),
            _ => None,
        }
    }
}

/// Something in a case's history that moves the clock. `on` is always the legal date of the
/// event (e.g. the day a reply arrived), not the day it was entered. Events are given in the
/// order they happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClockEvent {
    /// Stops the clock until the correction arrives. `due` is the last day given to the
    /// applicant; `None` means the default period from [`Settings`].
    CorrectionRequested {
        on: NaiveDate,
        due: Option<NaiveDate>,
    },
    /// Restarts the clock from zero on that day (art. 30).
    CorrectionReceived {
        on: NaiveDate,
    },
    /// `receipt` is the day the consulted party receives the letter: its answer period
    /// runs from there (arts. 32, 34), while the clock stops from the sending day `on`.
    ConsultationStarted {
        on: NaiveDate,
        kind: ConsultationKind,
        receipt: NaiveDate,
    },
    /// Ends the earliest open consultation; a reply after its answer period counts only up to
    /// the end of that period.
    ConsultationEnded {
        on: NaiveDate,
    },
    /// Adds `days` working days; the web layer passes the rule set's `extension_days`.
    ExtensionApproved {
        on: NaiveDate,
        days: u32,
    },
    /// Art. 35: the office accepted the reasons for an unusually large request and fixed a
    /// later, reasonable deadline itself. That date replaces the counted one and later stops
    /// do not move it.
    DeadlineSet {
        on: NaiveDate,
        due: NaiveDate,
    },
    /// Stops the clock until payment, when [`Settings::fee_stops_clock`] is on.
    FeeNoticeIssued {
        on: NaiveDate,
    },
    FeePaid {
        on: NaiveDate,
    },
    /// Closes the case; any stop still open ends that day.
    Decided {
        on: NaiveDate,
    },
    /// Opens the case again. Without `due` (an administrator's correction) the deadline
    /// stays as computed, so it shows as overdue when the date is past. With `due` (a
    /// reconsideration body or court ordered a new answer) a new period runs from `on` to
    /// `due`; the first answer keeps the lateness it had.
    Reopened {
        on: NaiveDate,
        due: Option<NaiveDate>,
    },
}

impl ClockEvent {
    pub fn on(&self) -> NaiveDate {
        match *self {
            ClockEvent::CorrectionRequested { on, .. }
            | ClockEvent::CorrectionReceived { on }
            | ClockEvent::ConsultationStarted { on, .. }
            | ClockEvent::ConsultationEnded { on }
            | ClockEvent::ExtensionApproved { on, .. }
            | ClockEvent::DeadlineSet { on, .. }
            | ClockEvent::FeeNoticeIssued { on }
            | ClockEvent::FeePaid { on }
            | ClockEvent::Decided { on }
            | ClockEvent::Reopened { on, .. } => on,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StopReason {
    Correction,
    ThirdPartyConsultation,
    AgencyConsultation,
    FeeUnpaid,
}

impl StopReason {
    pub fn code(self) -> &'static str {
        match self {
            StopReason::Correction => "correction",
            StopReason::ThirdPartyConsultation => "third_party_consultation",
            StopReason::AgencyConsultation => "agency_consultation",
            StopReason::FeeUnpaid => "fee_unpaid",
        }
    }

    fn is_consultation(self) -> bool {
        matches!(
            self,
            StopReason::ThirdPartyConsultation | StopReason::AgencyConsultation
        )
    }
}

/// A stop still open on the day of computation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stop {
    pub reason: StopReason,
    /// The day it began; that day itself still counted.
    pub since: NaiveDate,
    /// The last day of the period the other side was given (correction, consultation answer,
    /// payment), so the UI can show what the case waits for and until when.
    pub until: Option<NaiveDate>,
}

/// One fact of the computation, for the UI to render in its own words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// No calendar is loaded for this year: Monday to Friday was assumed.
    Fallback {
        year: i32,
    },
    Received {
        on: NaiveDate,
        rule_set_code: &'static str,
        days: u32,
    },
    /// `notice_late` is true when the notice went out after the period of art. 30.
    CorrectionRequested {
        on: NaiveDate,
        due: NaiveDate,
        notice_late: bool,
    },
    /// The corrected application arrived; counting starts again from zero after this day.
    CorrectionRestart {
        on: NaiveDate,
    },
    /// The first counted working day of the current start.
    DayOne {
        on: NaiveDate,
    },
    /// Consecutive official holidays between the start and the deadline.
    HolidaysSkipped {
        from: NaiveDate,
        to: NaiveDate,
    },
    /// A weekend day that counts because it is an official make-up working day.
    MakeUpWorkday {
        on: NaiveDate,
    },
    /// The clock stood still: working days after `from` up to and including `to` were not
    /// counted (`from` itself counted). `to` is `None` while the stop is open; `lapsed` says
    /// it ended because its answer period ran out, not because an answer came.
    /// `working_days` is the number of working days left out, up to today when open.
    Stopped {
        reason: StopReason,
        from: NaiveDate,
        to: Option<NaiveDate>,
        lapsed: bool,
        working_days: u32,
    },
    Extended {
        on: NaiveDate,
        days: u32,
    },
    DeadlineSet {
        on: NaiveDate,
        due: NaiveDate,
    },
    Due {
        on: NaiveDate,
    },
    Decided {
        on: NaiveDate,
        late: bool,
    },
    Reopened {
        on: NaiveDate,
        /// The last day of a new answer ordered on review or by a court.
        due: Option<NaiveDate>,
    },
    /// Something that would have moved the deadline happened after it had passed, and so
    /// did not move it.
    TooLate {
        on: NaiveDate,
    },
}

impl Step {
    /// Chronological position; on the same day, causes come before their effects.
    fn sort_key(&self) -> (NaiveDate, u8) {
        match *self {
            Step::Fallback { .. } => (NaiveDate::MIN, 0),
            Step::Received { on, .. } => (on, 0),
            Step::CorrectionRestart { on } => (on, 1),
            Step::DayOne { on } | Step::MakeUpWorkday { on } => (on, 2),
            Step::HolidaysSkipped { from, .. } => (from, 2),
            Step::CorrectionRequested { on, .. } => (on, 3),
            Step::Stopped { from, .. } => (from, 3),
            Step::Extended { on, .. } | Step::DeadlineSet { on, .. } => (on, 4),
            Step::Due { on } => (on, 5),
            Step::Decided { on, .. } => (on, 6),
            Step::Reopened { on, .. } => (on, 7),
            Step::TooLate { on } => (on, 8),
        }
    }
}

/// The state of a case's answer deadline on a given day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deadline {
    pub rule_set: &'static RuleSet,
    /// The legal receipt date, or the day the last correction was received.
    pub start: NaiveDate,
    /// `None` while a stop that began before the deadline was reached is still open: the date
    /// depends on when it ends.
    pub due_on: Option<NaiveDate>,
    /// The open stop, if any (the earliest, should several overlap).
    pub stopped: Option<Stop>,
    /// Working days the office has: answer days plus extensions, or the span up to a date
    /// set under art. 35.
    pub days_allowed: u32,
    /// Counted working days from the start up to today, or up to the decision.
    pub days_used: u32,
    /// Working days from today to `due_on`, negative when overdue; `None` when stopped or
    /// closed.
    pub days_left: Option<i64>,
    pub extended: bool,
    pub closed_on: Option<NaiveDate>,
    /// Closed after `due_on`, or still open after it.
    pub overdue: bool,
    /// Years the computation touched that have no calendar loaded.
    pub unloaded_years: Vec<i32>,
    pub steps: Vec<Step>,
}

/// A stop as the computation tracks it; `end == None` means still open.
#[derive(Debug, Clone)]
struct Interval {
    reason: StopReason,
    since: NaiveDate,
    until: Option<NaiveDate>,
    end: Option<NaiveDate>,
    lapsed: bool,
}

impl Interval {
    /// A consultation cannot outlast its answer period.
    fn close(&mut self, on: NaiveDate) {
        let on = on.max(self.since);
        match self.until {
            Some(until) if self.reason.is_consultation() && on > until => {
                self.end = Some(until);
                self.lapsed = true;
            }
            _ => self.end = Some(on),
        }
    }

    fn excludes(&self, day: NaiveDate) -> bool {
        self.since < day && self.end.is_none_or(|end| day <= end)
    }
}

/// The last day for the applicant to correct, when the notice does not name one.
pub fn correction_due(requested_on: NaiveDate, cal: &Calendar, settings: &Settings) -> NaiveDate {
    cal.add_working_days(requested_on, settings.correction_period_days)
}

/// Art. 30 wants the correction notice within a few working days of receipt; later is a
/// procedural fault worth flagging, though the correction itself stays valid.
pub fn correction_notice_late(
    received_on: NaiveDate,
    requested_on: NaiveDate,
    cal: &Calendar,
    settings: &Settings,
) -> bool {
    requested_on > cal.add_working_days(received_on, settings.correction_notice_days)
}

/// The last day of a consultation's answer period, counted from the day the party
/// receives the letter; after it the clock runs again.
pub fn consultation_answer_due(
    received_by_party: NaiveDate,
    cal: &Calendar,
    settings: &Settings,
) -> NaiveDate {
    cal.add_working_days(received_by_party, settings.consultation_days)
}

/// Works out the deadline of a case received on `received_on` (the legal receipt date) with
/// the given history, as it stands on `today`. See the module documentation for the
/// counting conventions.
pub fn compute(
    received_on: NaiveDate,
    events: &[ClockEvent],
    cal: &Calendar,
    settings: &Settings,
    today: NaiveDate,
) -> Deadline {
    let rule_set = rule_set_for(received_on);
    let mut start = received_on;
    let mut stops: Vec<Interval> = Vec::new();
    let mut past_stops: Vec<Interval> = Vec::new();
    let mut extension = 0u32;
    let mut extended = false;
    let mut fixed_due: Option<NaiveDate> = None;
    let mut closed_on: Option<NaiveDate> = None;
    // Steps before this index already know whether their answer was late.
    let mut settled = 0;
    let mut steps = vec![Step::Received {
        on: received_on,
        rule_set_code: rule_set.code,
        days: rule_set.answer_days,
    }];

    for (i, event) in events.iter().enumerate() {
        // Nothing done after the deadline has passed may move it: a correction notice,
        // consultation, extension or fee notice dated later leaves the clock as it was, so
        // the case stays overdue and its answer counts as late.
        let moves_deadline = matches!(
            event,
            ClockEvent::CorrectionRequested { .. }
                | ClockEvent::ConsultationStarted { .. }
                | ClockEvent::ExtensionApproved { .. }
                | ClockEvent::DeadlineSet { .. }
                | ClockEvent::FeeNoticeIssued { .. }
        );
        if moves_deadline && closed_on.is_none() {
            let on = event.on();
            let before = compute(received_on, &events[..i], cal, settings, on);
            if before.due_on.is_some_and(|due| on > due) {
                steps.push(Step::TooLate { on });
                continue;
            }
        }
        match *event {
            ClockEvent::CorrectionRequested { on, due } => {
                let due = due.unwrap_or_else(|| correction_due(on, cal, settings));
                steps.push(Step::CorrectionRequested {
                    on,
                    due,
                    notice_late: correction_notice_late(start, on, cal, settings),
                });
                stops.push(Interval {
                    reason: StopReason::Correction,
                    since: on,
                    until: Some(due),
                    end: None,
                    lapsed: false,
                });
            }
            ClockEvent::CorrectionReceived { on } => {
                // Everything of the earlier period is void: counting starts from zero.
                for mut stop in stops.drain(..) {
                    if stop.end.is_none() {
                        stop.close(on);
                    }
                    past_stops.push(stop);
                }
                start = on;
                extension = 0;
                extended = false;
                fixed_due = None;
                steps.push(Step::CorrectionRestart { on });
            }
            ClockEvent::ConsultationStarted { on, kind, receipt } => {
                let reason = match kind {
                    ConsultationKind::ThirdParty => StopReason::ThirdPartyConsultation,
                    ConsultationKind::Agency => StopReason::AgencyConsultation,
                };
                stops.push(Interval {
                    reason,
                    since: on,
                    until: Some(consultation_answer_due(receipt.max(on), cal, settings)),
                    end: None,
                    lapsed: false,
                });
            }
            ClockEvent::ConsultationEnded { on } => {
                // Prefer a consultation still within its period on that day: one that has
                // already lapsed is over whether or not its reply is recorded.
                let open = |s: &&mut Interval| s.end.is_none() && s.reason.is_consultation();
                let mut candidates: Vec<&mut Interval> = stops.iter_mut().filter(open).collect();
                let pick = candidates
                    .iter()
                    .position(|s| s.until.is_none_or(|u| on <= u))
                    .unwrap_or(0);
                if let Some(stop) = candidates.get_mut(pick) {
                    stop.close(on);
                }
            }
            ClockEvent::FeeNoticeIssued { on } => {
                if settings.fee_stops_clock {
                    stops.push(Interval {
                        reason: StopReason::FeeUnpaid,
                        since: on,
                        until: Some(cal.add_working_days(on, settings.fee_payment_days)),
                        end: None,
                        lapsed: false,
                    });
                }
            }
            ClockEvent::FeePaid { on } => {
                if let Some(stop) = stops
                    .iter_mut()
                    .find(|s| s.end.is_none() && s.reason == StopReason::FeeUnpaid)
                {
                    stop.close(on);
                }
            }
            ClockEvent::ExtensionApproved { on, days } => {
                extension += days;
                extended = true;
                steps.push(Step::Extended { on, days });
            }
            ClockEvent::DeadlineSet { on, due } => {
                fixed_due = Some(due);
                steps.push(Step::DeadlineSet { on, due });
            }
            ClockEvent::Decided { on } => {
                for stop in stops.iter_mut().filter(|s| s.end.is_none()) {
                    stop.close(on);
                }
                closed_on = Some(on);
                steps.push(Step::Decided { on, late: false });
            }
            ClockEvent::Reopened { on, due } => {
                if let Some(due) = due {
                    // The earlier answers were on time or late against the first period.
                    let before = compute(received_on, &events[..i], cal, settings, on).due_on;
                    settle_lateness(&mut steps, before);
                    settled = steps.len();
                    start = on;
                    fixed_due = Some(due);
                }
                closed_on = None;
                steps.push(Step::Reopened { on, due });
            }
        }
    }

    // A consultation whose answer period is over has ended, reply or not.
    for stop in stops.iter_mut().filter(|s| s.end.is_none()) {
        if let Some(until) = stop.until
            && stop.reason.is_consultation()
            && until < today
        {
            stop.end = Some(until);
            stop.lapsed = true;
        }
    }

    let open_since = stops
        .iter()
        .filter(|s| s.end.is_none())
        .map(|s| s.since)
        .min();
    let counts = |day: NaiveDate| cal.is_working_day(day) && !stops.iter().any(|s| s.excludes(day));

    // Walk the counted days until the N-th, or until an open stop makes the rest unknowable.
    let answer_days = rule_set.answer_days + extension;
    let mut day_one = None;
    let mut counted_due = (answer_days == 0).then_some(start);
    let mut counted = 0;
    let mut day = start;
    while counted_due.is_none() {
        day = next_day(day);
        if open_since.is_some_and(|since| day > since) {
            break;
        }
        if counts(day) {
            counted += 1;
            day_one.get_or_insert(day);
            if counted == answer_days {
                counted_due = Some(day);
            }
        }
    }

    let count_between = |to: NaiveDate| -> u32 {
        start
            .iter_days()
            .skip(1)
            .take_while(|d| *d <= to)
            .filter(|d| counts(*d))
            .count() as u32
    };

    let due_on = fixed_due.or(counted_due);
    let days_allowed = match fixed_due {
        Some(due) => count_between(due),
        None => answer_days,
    };
    let days_used = count_between(closed_on.unwrap_or(today));
    let stopped = if closed_on.is_some() {
        None
    } else {
        stops.iter().find(|s| s.end.is_none()).map(|s| Stop {
            reason: s.reason,
            since: s.since,
            until: s.until,
        })
    };
    let days_left = match (closed_on, &stopped, due_on) {
        (None, None, Some(due)) => Some(cal.working_days_between(today, due)),
        _ => None,
    };
    let overdue = match (closed_on, due_on) {
        (Some(closed), Some(due)) => closed > due,
        (None, Some(due)) => today > due,
        _ => false,
    };

    settle_lateness(&mut steps[settled..], due_on);

    if let Some(on) = day_one {
        steps.push(Step::DayOne { on });
    }
    if let Some(end) = due_on.or(open_since) {
        push_calendar_steps(&mut steps, cal, start, end);
    }
    if let Some(on) = due_on {
        steps.push(Step::Due { on });
    }
    for stop in past_stops.iter().chain(stops.iter()) {
        let to = stop.end;
        let working_days = cal
            .working_days_between(stop.since, to.unwrap_or(today.max(stop.since)))
            .max(0) as u32;
        steps.push(Step::Stopped {
            reason: stop.reason,
            from: stop.since,
            to,
            lapsed: stop.lapsed,
            working_days,
        });
    }

    let mut range_end = closed_on.unwrap_or(today);
    range_end = range_end.max(due_on.unwrap_or(range_end));
    if let Some(until) = stopped.as_ref().and_then(|s| s.until) {
        range_end = range_end.max(until);
    }
    let unloaded_years = cal.unloaded_years_between(received_on, range_end.max(received_on));
    steps.extend(unloaded_years.iter().map(|&year| Step::Fallback { year }));
    steps.sort_by_key(Step::sort_key);

    Deadline {
        rule_set,
        start,
        due_on,
        stopped,
        days_allowed,
        days_used,
        days_left,
        extended,
        closed_on,
        overdue,
        unloaded_years,
        steps,
    }
}

fn settle_lateness(steps: &mut [Step], due_on: Option<NaiveDate>) {
    for step in steps {
        if let Step::Decided { on, late } = step {
            *late = due_on.is_some_and(|due| *on > due);
        }
    }
}

/// Holiday runs and make-up weekend days in `(start, end]`, so the UI can explain why the
/// deadline is later (or earlier) than a plain count of weekdays would give.
fn push_calendar_steps(steps: &mut Vec<Step>, cal: &Calendar, start: NaiveDate, end: NaiveDate) {
    let mut run: Option<(NaiveDate, NaiveDate)> = None;
    for day in start.iter_days().skip(1).take_while(|d| *d <= end) {
        match cal.override_on(day) {
            Some(DayKind::Holiday) => {
                run = match run {
                    Some((from, _)) => Some((from, day)),
                    None => Some((day, day)),
                };
                continue;
            }
            Some(DayKind::Workday) if matches!(day.weekday(), Weekday::Sat | Weekday::Sun) => {
                steps.push(Step::MakeUpWorkday { on: day });
            }
            _ => {}
        }
        if let Some((from, to)) = run.take() {
            steps.push(Step::HolidaysSkipped { from, to });
        }
    }
    if let Some((from, to)) = run {
        steps.push(Step::HolidaysSkipped { from, to });
    }
}

fn next_day(day: NaiveDate) -> NaiveDate {
    day.checked_add_days(Days::new(1))
        .expect("date arithmetic stays far inside chrono's range")
}

/// Working days ahead that count as "due soon": the dashboard, the clerk's
/// reminder and the supervisors' digest all use this one number.
pub const DUE_SOON_WORKING_DAYS: u32 = 3;

/// How pressing an open case's stored deadline is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Urgency {
    Overdue,
    DueSoon,
}

/// Past the deadline, or due by `soon` (`DUE_SOON_WORKING_DAYS` after today); None
/// otherwise, or without a deadline.
pub fn urgency(due_on: Option<NaiveDate>, today: NaiveDate, soon: NaiveDate) -> Option<Urgency> {
    match due_on {
        Some(d) if d < today => Some(Urgency::Overdue),
        Some(d) if d <= soon => Some(Urgency::DueSoon),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cal() -> Calendar {
        Calendar::from_csv_str(include_str!("../../data/holidays-cn.csv")).unwrap()
    }

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn run(received: &str, events: &[ClockEvent], today: &str) -> Deadline {
        compute(d(received), events, &cal(), &Settings::default(), d(today))
    }

    #[test]
    fn rule_sets_by_receipt_date_and_code() {
        assert_eq!(rule_set_for(d("2019-05-14")).code, "2008");
        assert_eq!(rule_set_for(d("2019-05-15")).code, "2019");
        assert_eq!(rule_set_for(d("2008-05-01")).code, "2008");
        assert_eq!(rule_set_for(d("2001-01-01")).code, "2008");
        assert_eq!(rule_set_by_code("2019").unwrap().answer_days, 20);
        assert_eq!(rule_set_by_code("2008").unwrap().extension_days, 15);
        assert!(rule_set_by_code("2024").is_none());
        assert!(
            RULE_SETS
                .windows(2)
                .all(|w| w[0].in_force_from < w[1].in_force_from)
        );
        for kind in [ConsultationKind::ThirdParty, ConsultationKind::Agency] {
            assert_eq!(ConsultationKind::parse(kind.code()), Some(kind));
        }
    }

    #[test]
    fn worked_examples_with_and_without_extension() {
        let cases = [
            ("2024-09-27", "2024-10-30", "2024-11-27"),
            ("2025-01-20", "2025-02-21", "2025-03-21"),
            ("2026-02-09", "2026-03-13", "2026-04-13"),
            ("2019-12-31", "2020-02-05", "2020-03-04"),
        ];
        for (received, due, extended_due) in cases {
            let plain = run(received, &[], received);
            assert_eq!(plain.due_on, Some(d(due)), "{received}");
            assert_eq!(plain.days_left, Some(20));
            assert_eq!(plain.days_used, 0);
            assert!(!plain.extended && !plain.overdue);
            assert!(plain.unloaded_years.is_empty());

            let ext = [ClockEvent::ExtensionApproved {
                on: d(due),
                days: 20,
            }];
            let longer = run(received, &ext, due);
            assert_eq!(longer.due_on, Some(d(extended_due)), "{received}");
            assert_eq!(longer.days_allowed, 40);
            assert_eq!(longer.days_used, 20);
            assert_eq!(longer.days_left, Some(20));
            assert!(longer.extended);
            assert!(longer.steps.contains(&Step::Extended {
                on: d(due),
                days: 20
            }));
        }
    }

    #[test]
    fn steps_explain_the_national_day_example() {
        let dl = run("2024-09-27", &[], "2024-09-27");
        assert_eq!(
            dl.steps,
            vec![
                Step::Received {
                    on: d("2024-09-27"),
                    rule_set_code: "2019",
                    days: 20
                },
                // Sunday 09-29 is a make-up working day, so it is day 1.
                Step::DayOne {
                    on: d("2024-09-29")
                },
                Step::MakeUpWorkday {
                    on: d("2024-09-29")
                },
                Step::HolidaysSkipped {
                    from: d("2024-10-01"),
                    to: d("2024-10-07")
                },
                Step::MakeUpWorkday {
                    on: d("2024-10-12")
                },
                Step::Due {
                    on: d("2024-10-30")
                },
            ]
        );
    }

    #[test]
    fn across_the_new_year_into_the_spring_festival() {
        let dl = run("2019-12-31", &[], "2020-01-02");
        assert_eq!(dl.due_on, Some(d("2020-02-05")));
        assert_eq!(dl.days_used, 1);
        assert!(dl.steps.contains(&Step::HolidaysSkipped {
            from: d("2020-01-01"),
            to: d("2020-01-01")
        }));
        // The extended Spring Festival break of 2020 is one run.
        assert!(dl.steps.contains(&Step::HolidaysSkipped {
            from: d("2020-01-24"),
            to: d("2020-02-02")
        }));
        assert!(dl.steps.contains(&Step::MakeUpWorkday {
            on: d("2020-01-19")
        }));
    }

    #[test]
    fn correction_restarts_from_zero() {
        let events = [
            ClockEvent::CorrectionRequested {
                on: d("2024-03-06"),
                due: None,
            },
            ClockEvent::CorrectionReceived {
                on: d("2024-03-20"),
            },
        ];
        let dl = run("2024-03-04", &events, "2024-03-22");
        assert_eq!(dl.start, d("2024-03-20"));
        // 03-21 is day 1; 04-04/05 are Qingming, Sunday 04-07 is worked; day 20 is 04-18.
        assert_eq!(dl.due_on, Some(d("2024-04-18")));
        assert_eq!(dl.days_used, 2);
        assert_eq!(dl.days_left, Some(18));
        assert!(dl.stopped.is_none());
        assert!(dl.steps.contains(&Step::CorrectionRequested {
            on: d("2024-03-06"),
            due: d("2024-03-27"),
            notice_late: false
        }));
        assert!(dl.steps.contains(&Step::CorrectionRestart {
            on: d("2024-03-20")
        }));
        assert!(dl.steps.contains(&Step::DayOne {
            on: d("2024-03-21")
        }));
        assert!(dl.steps.contains(&Step::MakeUpWorkday {
            on: d("2024-04-07")
        }));

        // Before the correction arrives the clock stands still after two counted days.
        let waiting = run("2024-03-04", &events[..1], "2024-03-15");
        assert_eq!(waiting.due_on, None);
        assert_eq!(waiting.days_used, 2);
        assert_eq!(waiting.days_left, None);
        assert_eq!(
            waiting.stopped,
            Some(Stop {
                reason: StopReason::Correction,
                since: d("2024-03-06"),
                until: Some(d("2024-03-27"))
            })
        );
        assert!(!waiting.overdue);
    }

    #[test]
    fn correction_periods() {
        let (c, s) = (cal(), Settings::default());
        assert_eq!(correction_due(d("2024-09-27"), &c, &s), d("2024-10-23"));
        // Seven working days after 09-27 end on the make-up Saturday 10-12.
        assert!(!correction_notice_late(
            d("2024-09-27"),
            d("2024-10-12"),
            &c,
            &s
        ));
        assert!(correction_notice_late(
            d("2024-09-27"),
            d("2024-10-14"),
            &c,
            &s
        ));
        assert_eq!(
            consultation_answer_due(d("2024-09-25"), &c, &s),
            d("2024-10-21")
        );
    }

    #[test]
    fn consultation_across_national_day() {
        let events = [
            ClockEvent::ConsultationStarted {
                on: d("2024-09-25"),
                kind: ConsultationKind::ThirdParty,
                receipt: d("2024-09-25"),
            },
            ClockEvent::ConsultationEnded {
                on: d("2024-10-10"),
            },
        ];
        let dl = run("2024-09-23", &events, "2024-10-11");
        // Counted: 09-24, 09-25 (start day counts), then from 10-11 on; the reply day 10-10
        // does not count. Day 20 is 11-04.
        assert_eq!(dl.due_on, Some(d("2024-11-04")));
        assert_eq!(dl.days_used, 3);
        assert!(dl.stopped.is_none());
        assert!(dl.steps.contains(&Step::Stopped {
            reason: StopReason::ThirdPartyConsultation,
            from: d("2024-09-25"),
            to: Some(d("2024-10-10")),
            lapsed: false,
            // 09-26, 09-27, 09-29, 09-30, 10-08, 10-09, 10-10
            working_days: 7
        }));
    }

    #[test]
    fn open_consultation_stops_the_clock() {
        let events = [ClockEvent::ConsultationStarted {
            on: d("2024-09-25"),
            kind: ConsultationKind::ThirdParty,
            receipt: d("2024-09-25"),
        }];
        let dl = run("2024-09-23", &events, "2024-10-10");
        assert_eq!(dl.due_on, None);
        assert_eq!(dl.days_used, 2);
        assert_eq!(dl.days_left, None);
        assert!(!dl.overdue);
        assert_eq!(
            dl.stopped,
            Some(Stop {
                reason: StopReason::ThirdPartyConsultation,
                since: d("2024-09-25"),
                until: Some(d("2024-10-21"))
            })
        );
        // Still open on the last day of the answer period.
        assert!(run("2024-09-23", &events, "2024-10-21").stopped.is_some());
    }

    #[test]
    fn consultation_outliving_its_period_ends_with_the_period() {
        let started = ClockEvent::ConsultationStarted {
            on: d("2024-09-25"),
            kind: ConsultationKind::Agency,
            receipt: d("2024-09-25"),
        };
        // No reply at all: the stop ends on 10-21, the clock runs from 10-22; day 20 is 11-14.
        let silent = run("2024-09-23", std::slice::from_ref(&started), "2024-11-20");
        assert_eq!(silent.due_on, Some(d("2024-11-14")));
        assert!(silent.stopped.is_none());
        assert!(silent.overdue);
        // 11-15, 11-18, 11-19, 11-20 past the deadline.
        assert_eq!(silent.days_left, Some(-4));
        assert!(silent.steps.contains(&Step::Stopped {
            reason: StopReason::AgencyConsultation,
            from: d("2024-09-25"),
            to: Some(d("2024-10-21")),
            lapsed: true,
            working_days: 15
        }));

        // A late reply does not stretch the stop.
        let late_reply = [
            started,
            ClockEvent::ConsultationEnded {
                on: d("2024-10-31"),
            },
        ];
        let dl = run("2024-09-23", &late_reply, "2024-11-01");
        assert_eq!(dl.due_on, Some(d("2024-11-14")));
        assert_eq!(dl.days_left, Some(9));
    }

    #[test]
    fn pre_2019_applications_get_fifteen_days() {
        let old = run("2019-05-14", &[], "2019-05-14");
        assert_eq!(old.rule_set.code, "2008");
        assert_eq!(old.due_on, Some(d("2019-06-04")));
        assert_eq!(old.days_allowed, 15);
        let ext = [ClockEvent::ExtensionApproved {
            on: d("2019-06-03"),
            days: 15,
        }];
        assert_eq!(
            run("2019-05-14", &ext, "2019-06-03").due_on,
            Some(d("2019-06-26"))
        );

        // One day later the 2019 Regulation applies; 06-07 is the Dragon Boat Festival.
        let new = run("2019-05-15", &[], "2019-05-15");
        assert_eq!(new.rule_set.code, "2019");
        assert_eq!(new.due_on, Some(d("2019-06-13")));
    }

    #[test]
    fn deadline_set_under_article_35_replaces_the_count() {
        let events = [ClockEvent::DeadlineSet {
            on: d("2025-02-10"),
            due: d("2025-04-30"),
        }];
        let c = cal();
        let dl = compute(
            d("2025-01-20"),
            &events,
            &c,
            &Settings::default(),
            d("2025-04-29"),
        );
        assert_eq!(dl.due_on, Some(d("2025-04-30")));
        assert_eq!(dl.days_left, Some(1));
        assert!(!dl.overdue);
        let span = c.working_days_between(d("2025-01-20"), d("2025-04-30"));
        assert_eq!(i64::from(dl.days_allowed), span);
        assert!(dl.steps.contains(&Step::DeadlineSet {
            on: d("2025-02-10"),
            due: d("2025-04-30")
        }));
    }

    #[test]
    fn fee_notice_stops_the_clock_until_payment() {
        let events = [
            ClockEvent::FeeNoticeIssued {
                on: d("2024-03-11"),
            },
            ClockEvent::FeePaid {
                on: d("2024-03-18"),
            },
        ];
        // Counted: 03-05..03-08, 03-11 (5), then from 03-19; Qingming 04-04/05 off,
        // Sunday 04-07 worked: day 20 is 04-09.
        let dl = run("2024-03-04", &events, "2024-03-19");
        assert_eq!(dl.due_on, Some(d("2024-04-09")));
        assert_eq!(dl.days_used, 6);

        let unpaid = run("2024-03-04", &events[..1], "2024-03-19");
        assert_eq!(unpaid.due_on, None);
        assert_eq!(
            unpaid.stopped.as_ref().unwrap().reason,
            StopReason::FeeUnpaid
        );
        // 20 working days to pay: 03-12 .. 04-03 is 17, then 04-07, 04-08, 04-09.
        assert_eq!(unpaid.stopped.unwrap().until, Some(d("2024-04-09")));

        let settings = Settings {
            fee_stops_clock: false,
            ..Settings::default()
        };
        let running = compute(d("2024-03-04"), &events, &cal(), &settings, d("2024-03-19"));
        assert_eq!(running.due_on, Some(d("2024-04-01")));
        assert!(running.stopped.is_none());
    }

    #[test]
    fn late_and_timely_decisions() {
        let late = run(
            "2024-09-27",
            &[ClockEvent::Decided {
                on: d("2024-10-31"),
            }],
            "2024-12-01",
        );
        assert_eq!(late.closed_on, Some(d("2024-10-31")));
        assert!(late.overdue);
        assert_eq!(late.days_left, None);
        assert_eq!(late.days_used, 21);
        assert!(late.steps.contains(&Step::Decided {
            on: d("2024-10-31"),
            late: true
        }));

        let timely = run(
            "2024-09-27",
            &[ClockEvent::Decided {
                on: d("2024-10-30"),
            }],
            "2024-12-01",
        );
        assert!(!timely.overdue);
        assert_eq!(
            timely.steps.last(),
            Some(&Step::Decided {
                on: d("2024-10-30"),
                late: false
            })
        );

        let open = run("2024-09-27", &[], "2024-11-01");
        assert!(open.overdue);
        assert_eq!(open.days_left, Some(-2));

        // Decided on the day of receipt (当场答复).
        let on_the_spot = run(
            "2024-09-27",
            &[ClockEvent::Decided {
                on: d("2024-09-27"),
            }],
            "2024-09-27",
        );
        assert_eq!(on_the_spot.days_used, 0);
        assert!(!on_the_spot.overdue);
    }

    #[test]
    fn reopening_makes_the_case_open_and_overdue_again() {
        let events = [
            ClockEvent::Decided {
                on: d("2024-10-25"),
            },
            ClockEvent::Reopened {
                on: d("2025-01-06"),
                due: None,
            },
        ];
        let dl = run("2024-09-27", &events, "2025-01-07");
        assert_eq!(dl.closed_on, None);
        assert_eq!(dl.due_on, Some(d("2024-10-30")));
        assert!(dl.overdue);
        assert!(dl.steps.contains(&Step::Decided {
            on: d("2024-10-25"),
            late: false
        }));
        assert_eq!(
            dl.steps.last(),
            Some(&Step::Reopened {
                on: d("2025-01-06"),
                due: None,
            })
        );
    }

    #[test]
    fn a_new_answer_ordered_on_review_runs_to_its_own_date() {
        // Answered late on 4 November 2024 (due 30 October); a reconsideration body
        // corrected it, and the office reopened on 6 January 2025 with an answer due on
        // 27 January.
        let mut events = vec![
            ClockEvent::Decided {
                on: d("2024-11-04"),
            },
            ClockEvent::Reopened {
                on: d("2025-01-06"),
                due: Some(d("2025-01-27")),
            },
        ];
        let dl = run("2024-09-27", &events, "2025-01-10");
        assert_eq!(dl.closed_on, None);
        assert_eq!(dl.due_on, Some(d("2025-01-27")));
        assert!(!dl.overdue);
        assert_eq!(dl.start, d("2025-01-06"));
        assert_eq!(dl.days_used, 4);
        events.push(ClockEvent::Decided {
            on: d("2025-01-20"),
        });
        let dl = run("2024-09-27", &events, "2025-02-01");
        assert!(!dl.overdue, "the new answer is on time");
        assert!(dl.steps.contains(&Step::Decided {
            on: d("2024-11-04"),
            late: true
        }));
        assert!(dl.steps.contains(&Step::Decided {
            on: d("2025-01-20"),
            late: false
        }));
    }

    #[test]
    fn receipt_dates_before_the_regulation_or_long_ago() {
        let today = d("2026-11-27");
        assert_eq!(
            receipt_age(d("2008-04-30"), today),
            ReceiptAge::BeforeRegulation
        );
        assert_eq!(receipt_age(d("2008-05-01"), today), ReceiptAge::Old);
        assert_eq!(receipt_age(d("2025-11-26"), today), ReceiptAge::Old);
        assert_eq!(receipt_age(d("2025-11-27"), today), ReceiptAge::Fine);
        assert_eq!(rule_set_for(d("2019-05-14")).code, "2008");
        assert_eq!(rule_set_for(d("2019-05-15")).code, "2019");
    }

    #[test]
    fn a_stop_after_the_deadline_does_not_hide_it() {
        let events = [ClockEvent::ConsultationStarted {
            on: d("2024-11-04"),
            kind: ConsultationKind::ThirdParty,
            receipt: d("2024-11-04"),
        }];
        let dl = run("2024-09-27", &events, "2024-11-05");
        assert_eq!(dl.due_on, Some(d("2024-10-30")));
        // The consultation may go on, but it stops no clock that has already run out.
        assert!(dl.stopped.is_none());
        assert!(dl.steps.contains(&Step::TooLate {
            on: d("2024-11-04")
        }));
        assert_eq!(dl.days_left, Some(-4));
        assert!(dl.overdue);
    }

    #[test]
    fn reply_closes_the_consultation_still_running() {
        let events = [
            ClockEvent::ConsultationStarted {
                on: d("2024-09-02"),
                kind: ConsultationKind::Agency,
                receipt: d("2024-09-02"),
            },
            ClockEvent::ConsultationStarted {
                on: d("2024-09-25"),
                kind: ConsultationKind::ThirdParty,
                receipt: d("2024-09-25"),
            },
            // The agency's period ended 09-24 (Saturday 09-14 worked, Mid-Autumn 09-16/17
            // off), so this reply belongs to the third party.
            ClockEvent::ConsultationEnded {
                on: d("2024-10-10"),
            },
        ];
        let dl = run("2024-08-30", &events, "2024-10-11");
        assert!(dl.stopped.is_none());
        assert!(dl.steps.contains(&Step::Stopped {
            reason: StopReason::AgencyConsultation,
            from: d("2024-09-02"),
            to: Some(d("2024-09-24")),
            lapsed: true,
            working_days: 15
        }));
        assert!(dl.steps.contains(&Step::Stopped {
            reason: StopReason::ThirdPartyConsultation,
            from: d("2024-09-25"),
            to: Some(d("2024-10-10")),
            lapsed: false,
            working_days: 7
        }));
        // Counted: 09-02, then 09-25 (its stop's first day), then 10-11.
        assert_eq!(dl.days_used, 3);
    }

    #[test]
    fn no_calendar_loaded_falls_back_to_weekdays() {
        let empty = Calendar::empty();
        let dl = compute(
            d("2030-01-04"),
            &[],
            &empty,
            &Settings::default(),
            d("2030-01-04"),
        );
        // Four plain weeks from Monday 01-07.
        assert_eq!(dl.due_on, Some(d("2030-02-01")));
        assert_eq!(dl.unloaded_years, vec![2030]);
        assert_eq!(dl.steps[0], Step::Fallback { year: 2030 });

        // The real calendar ends with 2026: a deadline running into 2027 says so.
        let dl = run("2026-12-21", &[], "2026-12-21");
        // 12-22 .. 12-31 is 8 days, then 01-01 (a Friday, no notice loaded) .. 01-18.
        assert_eq!(dl.due_on, Some(d("2027-01-18")));
        assert_eq!(dl.unloaded_years, vec![2027]);
        assert!(dl.steps.contains(&Step::Fallback { year: 2027 }));
    }
}
