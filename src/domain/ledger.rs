//! The case ledger (台账): one line per request, as offices keep them in
//! spreadsheets (contracts/cli-and-files.md, "Case ledger CSV"). Here, what a
//! line says about a case, the history that stands for it once imported, and
//! the line a stored history gives back for the export. The file format
//! itself is `files::ledger`'s.

use super::appeal::{Grounds, Kind};
use super::calendar::Calendar;
use super::case::{self, Decision, Event};
use super::deadline::{self, Settings};
use super::fees::Fen;
use super::outcome::{AppealResult, Channel, Outcome, RequesterType};
use chrono::NaiveDate;

/// How the fee was counted, as the ledger names it; the history keeps the fee
/// measures' codes (`per_request`, `per_volume`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeeMethod {
    /// 按件计收.
    PerPiece,
    /// 按量计收.
    PerVolume,
}

impl FeeMethod {
    pub const ALL: [FeeMethod; 2] = [FeeMethod::PerPiece, FeeMethod::PerVolume];

    pub fn code(self) -> &'static str {
        match self {
            FeeMethod::PerPiece => "per_piece",
            FeeMethod::PerVolume => "per_volume",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            FeeMethod::PerPiece => "按件计收",
            FeeMethod::PerVolume => "按量计收",
        }
    }

    /// The method's code in a `FeeProposed` event.
    pub fn event_code(self) -> &'static str {
        match self {
            FeeMethod::PerPiece => "per_request",
            FeeMethod::PerVolume => "per_volume",
        }
    }

    /// The ledger's code, the Chinese label, or the event's code.
    pub fn parse(s: &str) -> Option<FeeMethod> {
        let s = s.trim();
        Self::ALL
            .into_iter()
            .find(|m| m.code() == s || m.label_zh() == s || m.event_code() == s)
    }
}

/// The information-processing fee of a request: the notice, and its payment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fee {
    pub method: FeeMethod,
    pub notice_on: NaiveDate,
    pub amount: Fen,
    pub paid_on: Option<NaiveDate>,
}

/// A reconsideration or lawsuit as the ledger records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Appeal {
    pub filed_on: NaiveDate,
    pub result: Option<AppealResult>,
    pub decided_on: Option<NaiveDate>,
}

/// One request as a ledger line gives it, checked (`files::ledger`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// None: numbered as intake numbers cases.
    pub tracking_no: Option<String>,
    pub agency_code: String,
    pub received_on: NaiveDate,
    pub channel: Channel,
    pub requester_type: RequesterType,
    pub requester_name: String,
    pub subject: String,
    pub topic: String,
    pub extended: bool,
    pub outcome: Option<Outcome>,
    pub closed_on: Option<NaiveDate>,
    pub fee: Option<Fee>,
    pub review: Option<Appeal>,
    pub lawsuit: Option<Appeal>,
    /// The lawsuit followed the reconsideration on the same line.
    pub lawsuit_after_review: bool,
}

/// The body or court of an appeal, which a ledger does not name.
pub const UNNAMED_BODY: &str = "（台账导入）";

/// An appeal record to store with the case. Appeal ids in the history's events
/// and in `review` are positions in `History::appeals`, to be replaced by the
/// stored ids (`db::bulk`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppealRecord {
    pub kind: Kind,
    pub grounds: Grounds,
    pub review: Option<usize>,
    pub filed_on: NaiveDate,
    pub result: Option<AppealResult>,
    pub decided_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct History {
    pub events: Vec<Event>,
    pub appeals: Vec<AppealRecord>,
}

/// The history a ledger line stands for, so the case reads like any other: the
/// import first, then intake, and in date order what the line records: the
/// extension, the fee (proposed and approved on the notice day, paid), the
/// decision, reconsideration and lawsuit. Several things on one day keep that
/// order, so an appeal filed the day of the answer is against the answer.
///
/// A ledger gives no date for the extension. It is put on the last day of the
/// period it extends (or the day the answer was given, if earlier): an extension
/// dated later would not move the deadline (domain::deadline), and this is the
/// latest day one can be approved.
pub fn history(
    e: &Entry,
    source: &str,
    row: u32,
    cal: &Calendar,
    settings: &Settings,
    today: NaiveDate,
) -> History {
    // (day, order on the day, event)
    let mut dated: Vec<(NaiveDate, u8, Event)> = Vec::new();
    if let Some(f) = &e.fee {
        dated.push((
            f.notice_on,
            1,
            Event::FeeProposed {
                on: f.notice_on,
                method: f.method.event_code().into(),
                // The ledger gives the amount only, not the count behind it.
                units: 0,
                amount: f.amount,
                how_to_pay: String::new(),
                by: 0,
            },
        ));
        dated.push((
            f.notice_on,
            2,
            Event::FeeApproved {
                on: f.notice_on,
                by: 0,
            },
        ));
        if let Some(paid) = f.paid_on {
            dated.push((
                paid,
                4,
                Event::FeePaid {
                    on: paid,
                    amount: f.amount,
                    receipt_no: String::new(),
                },
            ));
        }
    }
    if let (Some(outcome), Some(on)) = (e.outcome, e.closed_on) {
        dated.push((
            on,
            5,
            Event::Decided(Decision::plain(on, outcome, String::new(), String::new())),
        ));
    }
    let mut appeals = Vec::new();
    let grounds = |filed: NaiveDate| match e.closed_on {
        Some(closed) if e.outcome.is_some() && closed <= filed => Grounds::Decision,
        _ => Grounds::Inaction,
    };
    let mut add = |kind: Kind, a: &Appeal, review: Option<usize>, dated: &mut Vec<_>| {
        let id = appeals.len();
        appeals.push(AppealRecord {
            kind,
            grounds: grounds(a.filed_on),
            review,
            filed_on: a.filed_on,
            result: a.result,
            decided_on: a.decided_on,
        });
        dated.push((
            a.filed_on,
            6,
            Event::AppealFiled {
                appeal_id: id as i64,
                appeal_kind: kind,
                grounds: grounds(a.filed_on),
                review_id: review.map(|r| r as i64),
                filed_on: a.filed_on,
                body: UNNAMED_BODY.into(),
                body_case_no: String::new(),
                served_on: None,
                notes: String::new(),
            },
        ));
        if let (Some(result), Some(on)) = (a.result, a.decided_on) {
            dated.push((
                on,
                7,
                Event::AppealUpdated {
                    appeal_id: id as i64,
                    appeal_kind: kind,
                    served_on: None,
                    answered_on: None,
                    result: Some(result),
                    decided_on: Some(on),
                    doc_numbers: String::new(),
                    notes: String::new(),
                },
            ));
        }
        id
    };
    let review = e
        .review
        .as_ref()
        .map(|r| add(Kind::Review, r, None, &mut dated));
    if let Some(l) = &e.lawsuit {
        match review.filter(|_| e.lawsuit_after_review) {
            Some(r) => add(Kind::LawsuitAfterReview, l, Some(r), &mut dated),
            None => add(Kind::LawsuitDirect, l, None, &mut dated),
        };
    }
    dated.sort_by_key(|(on, order, _)| (*on, *order));

    let head = [
        Event::Imported {
            source: source.to_string(),
            row,
        },
        Event::Intake {
            received_on: e.received_on,
            channel: e.channel.code().to_string(),
            on_the_spot: false,
        },
    ];
    let assemble = |dated: &[(NaiveDate, u8, Event)]| -> Vec<Event> {
        head.iter()
            .cloned()
            .chain(dated.iter().map(|(_, _, ev)| ev.clone()))
            .collect()
    };
    if e.extended {
        let before = assemble(&dated);
        let dl = deadline::compute(
            e.received_on,
            &case::clock_events(&before),
            cal,
            settings,
            today,
        );
        // Stopped with no date (a fee unpaid): the day the clock stopped, still
        // inside the period.
        let last_day = dl
            .due_on
            .or(e.fee.as_ref().map(|f| f.notice_on))
            .unwrap_or(e.received_on);
        let on = match e.closed_on {
            Some(c) => last_day.min(c),
            None => last_day,
        }
        .max(e.received_on);
        let days = deadline::rule_set_for(e.received_on).extension_days;
        let at = dated.partition_point(|(d, order, _)| (*d, *order) <= (on, 3));
        let mut upto = assemble(&dated[..at]);
        upto.push(Event::ExtensionApproved {
            on,
            days,
            new_due: None,
            by: 0,
        });
        // As the approval records it: the deadline the engine gives that day.
        let new_due =
            deadline::compute(e.received_on, &case::clock_events(&upto), cal, settings, on).due_on;
        dated.insert(
            at,
            (
                on,
                3,
                Event::ExtensionApproved {
                    on,
                    days,
                    new_due,
                    by: 0,
                },
            ),
        );
    }
    History {
        events: assemble(&dated),
        appeals,
    }
}

/// The fee a history shows, as the ledger records it: a notice that went out
/// (approved), and its payment. A fee refused, cancelled or waived no longer
/// stands and is left out.
pub fn fee_of(events: &[Event]) -> Option<Fee> {
    let mut proposed: Option<(&str, Fen)> = None;
    let mut notice_on = None;
    let mut paid_on = None;
    for e in events {
        match e {
            Event::FeeProposed { method, amount, .. } => {
                proposed = Some((method, *amount));
                notice_on = None;
                paid_on = None;
            }
            Event::FeeApproved { on, .. } => notice_on = Some(*on),
            Event::FeePaid { on, .. } => paid_on = Some(*on),
            _ => {}
        }
    }
    match case::facts(events).fee {
        case::Fee::Unpaid { .. } | case::Fee::Paid => {}
        _ => return None,
    }
    let (method, amount) = proposed?;
    Some(Fee {
        method: FeeMethod::parse(method)?,
        notice_on: notice_on?,
        amount,
        paid_on,
    })
}

/// An appeal on a case, as the export reads it from the stored records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StoredAppeal {
    pub kind: Kind,
    pub filed_on: NaiveDate,
    pub result: Option<AppealResult>,
    pub decided_on: Option<NaiveDate>,
}

/// The ledger's review and lawsuit columns from a case's appeals in filing
/// order: the first reconsideration and the first lawsuit (a line has room for
/// one of each), and whether that lawsuit followed a reconsideration.
pub fn appeals_of(appeals: &[StoredAppeal]) -> (Option<Appeal>, Option<Appeal>, bool) {
    let as_ledger = |a: &StoredAppeal| Appeal {
        filed_on: a.filed_on,
        result: a.result,
        decided_on: a.decided_on.filter(|_| a.result.is_some()),
    };
    let review = appeals.iter().find(|a| a.kind == Kind::Review);
    let lawsuit = appeals.iter().find(|a| a.kind.is_lawsuit());
    let after = lawsuit.is_some_and(|l| l.kind == Kind::LawsuitAfterReview) && review.is_some();
    (review.map(as_ledger), lawsuit.map(as_ledger), after)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::case::{Facts, Status};

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn cal() -> Calendar {
        Calendar::from_csv_str(include_str!("../../data/holidays-cn.csv")).unwrap()
    }

    fn entry() -> Entry {
        Entry {
            tracking_no: None,
            agency_code: "CZ".into(),
            received_on: d("2024-09-27"),
            channel: Channel::Letter,
            requester_type: RequesterType::NaturalPerson,
            requester_name: "张三".into(),
            subject: "某地块征地补偿方案".into(),
            topic: String::new(),
            extended: false,
            outcome: None,
            closed_on: None,
            fee: None,
            review: None,
            lawsuit: None,
            lawsuit_after_review: false,
        }
    }

    fn derived(h: &History, today: &str) -> (Facts, deadline::Deadline) {
        let dl = deadline::compute(
            d("2024-09-27"),
            &case::clock_events(&h.events),
            &cal(),
            &Settings::default(),
            d(today),
        );
        (case::facts(&h.events), dl)
    }

    #[test]
    fn a_plain_open_line_is_an_import_and_an_intake() {
        let h = history(
            &entry(),
            "l.csv",
            2,
            &cal(),
            &Settings::default(),
            d("2025-01-01"),
        );
        assert_eq!(h.events.len(), 2);
        assert_eq!(h.events[0].kind(), "imported");
        assert_eq!(h.events[1].kind(), "intake");
        let (f, dl) = derived(&h, "2025-01-01");
        assert_eq!(f.status, Status::Open);
        // rules.md section 4: received 2024-09-27, due 2024-10-30; open since: overdue.
        assert_eq!(dl.due_on, Some(d("2024-10-30")));
        assert!(dl.overdue);
    }

    #[test]
    fn the_extension_lands_on_the_last_day_and_moves_the_deadline() {
        let mut e = entry();
        e.extended = true;
        e.outcome = Some(Outcome::Disclosed);
        e.closed_on = Some(d("2024-11-20"));
        let h = history(
            &e,
            "l.csv",
            2,
            &cal(),
            &Settings::default(),
            d("2025-01-01"),
        );
        let kinds: Vec<_> = h.events.iter().map(Event::kind).collect();
        assert_eq!(
            kinds,
            ["imported", "intake", "extension_approved", "decided"]
        );
        assert!(matches!(
            h.events[2],
            Event::ExtensionApproved { on, days: 20, new_due: Some(due), .. }
                if on == d("2024-10-30") && due == d("2024-11-27")
        ));
        let (f, dl) = derived(&h, "2025-01-01");
        assert_eq!(f.status, Status::Closed);
        assert_eq!(dl.due_on, Some(d("2024-11-27")));
        assert!(dl.extended && !dl.overdue);
    }

    #[test]
    fn fees_and_appeals_in_date_order_with_their_links() {
        let mut e = entry();
        e.outcome = Some(Outcome::WithheldThirdParty);
        e.closed_on = Some(d("2024-11-05"));
        e.fee = Some(Fee {
            method: FeeMethod::PerVolume,
            notice_on: d("2024-10-08"),
            amount: 88_000,
            paid_on: Some(d("2024-10-15")),
        });
        e.review = Some(Appeal {
            filed_on: d("2024-11-05"),
            result: Some(AppealResult::Upheld),
            decided_on: Some(d("2024-12-20")),
        });
        e.lawsuit = Some(Appeal {
            filed_on: d("2024-12-30"),
            result: None,
            decided_on: None,
        });
        e.lawsuit_after_review = true;
        let h = history(
            &e,
            "l.csv",
            9,
            &cal(),
            &Settings::default(),
            d("2025-01-10"),
        );
        let kinds: Vec<_> = h.events.iter().map(Event::kind).collect();
        assert_eq!(
            kinds,
            [
                "imported",
                "intake",
                "fee_proposed",
                "fee_approved",
                "fee_paid",
                "decided",
                "appeal_filed",
                "appeal_updated",
                "appeal_filed"
            ]
        );
        assert_eq!(h.appeals.len(), 2);
        assert_eq!(h.appeals[0].grounds, Grounds::Decision);
        assert_eq!(
            (h.appeals[1].kind, h.appeals[1].review),
            (Kind::LawsuitAfterReview, Some(0))
        );
        // The fee stopped the clock from the notice to the payment (6 working days, Saturday 2024-10-12 worked).
        let (f, dl) = derived(&h, "2025-01-10");
        assert_eq!(f.appeals.len(), 2);
        assert_eq!(dl.due_on, Some(d("2024-11-07")));
        assert!(!dl.overdue);
        // And the export reads the same fee back.
        assert_eq!(fee_of(&h.events), e.fee);
        let stored: Vec<StoredAppeal> = h
            .appeals
            .iter()
            .map(|a| StoredAppeal {
                kind: a.kind,
                filed_on: a.filed_on,
                result: a.result,
                decided_on: a.decided_on,
            })
            .collect();
        assert_eq!(appeals_of(&stored), (e.review, e.lawsuit, true));
    }

    #[test]
    fn an_appeal_before_the_answer_is_against_inaction() {
        let mut e = entry();
        e.lawsuit = Some(Appeal {
            filed_on: d("2024-11-11"),
            result: None,
            decided_on: None,
        });
        e.outcome = Some(Outcome::Disclosed);
        e.closed_on = Some(d("2024-11-20"));
        let h = history(
            &e,
            "l.csv",
            2,
            &cal(),
            &Settings::default(),
            d("2025-01-01"),
        );
        assert_eq!(h.appeals[0].kind, Kind::LawsuitDirect);
        assert_eq!(h.appeals[0].grounds, Grounds::Inaction);
        let kinds: Vec<_> = h.events.iter().map(Event::kind).collect();
        assert_eq!(kinds, ["imported", "intake", "appeal_filed", "decided"]);
    }

    #[test]
    fn an_unpaid_fee_keeps_the_clock_stopped_and_the_extension_inside_it() {
        let mut e = entry();
        e.extended = true;
        e.fee = Some(Fee {
            method: FeeMethod::PerPiece,
            notice_on: d("2024-10-08"),
            amount: 10_000,
            paid_on: None,
        });
        let h = history(
            &e,
            "l.csv",
            2,
            &cal(),
            &Settings::default(),
            d("2024-10-20"),
        );
        let (_, dl) = derived(&h, "2024-10-20");
        assert_eq!(dl.due_on, None);
        assert!(dl.extended);
        assert_eq!(fee_of(&h.events).unwrap().method, FeeMethod::PerPiece);
    }

    #[test]
    fn fee_methods_by_code_label_or_event_code() {
        assert_eq!(FeeMethod::parse("per_piece"), Some(FeeMethod::PerPiece));
        assert_eq!(FeeMethod::parse("按量计收"), Some(FeeMethod::PerVolume));
        assert_eq!(FeeMethod::parse("per_request"), Some(FeeMethod::PerPiece));
        assert_eq!(FeeMethod::parse("by_weight"), None);
    }
}
