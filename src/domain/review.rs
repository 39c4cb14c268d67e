//! Review before disclosure (审查, Regulation art. 17; "先审查、后公开"): an answer is
//! drafted by the clerk, passes the review steps the agency uses (confidentiality, legality),
//! is signed off (签发) by the head of the disclosure office, and only then is it made and
//! its letter issued, dated the day it was signed off.
//!
//! The steps an agency uses are its setting; the steps a draft must pass are fixed when it
//! is submitted (kept in its event), so changing the setting never strands a draft under
//! review. With no step switched on, an answer is made as before, in one action.
//!
//! The history carries the review: `DraftSubmitted` (the clerk's proposed answer, with its
//! steps), `ReviewPassed` and `SignedOff` (who, when, their opinion), `DraftReturned` (back
//! to the clerk, with the reason). The last step passed adds the `Decided` event itself, so
//! the answer's legal date (deadline, lateness, the annual report) is the day review ended.
//! The deadline runs on throughout: a draft stops no clock.

use super::case::{Decision, Event};
use super::outcome::{Channel, Ground, Outcome, RequesterType};
use super::scope::Role;
use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

/// A step of the review, in the order a draft passes them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    /// 保密审查: nothing secret, nothing whose disclosure would harm security or stability.
    Confidentiality,
    /// 法制审核: the decision, its legal basis and its letter are lawful.
    Legality,
    /// 签发: the head of the disclosure office approves the answer for issue.
    SignOff,
}

impl Step {
    pub const ALL: [Step; 3] = [Step::Confidentiality, Step::Legality, Step::SignOff];

    pub fn code(self) -> &'static str {
        match self {
            Step::Confidentiality => "confidentiality",
            Step::Legality => "legality",
            Step::SignOff => "sign_off",
        }
    }

    pub fn parse(s: &str) -> Option<Step> {
        Self::ALL.into_iter().find(|x| x.code() == s.trim())
    }

    /// The step's name on the printed record.
    pub fn title_zh(self) -> &'static str {
        match self {
            Step::Confidentiality => "保密审查",
            Step::Legality => "法制审核",
            Step::SignOff => "签发",
        }
    }

    /// Who may act on the step: reviews by the agency's staff (clerks and supervisors; an
    /// administrator runs the system, not the office), sign-off by a supervisor, the head
    /// of the disclosure office. The error is a message-catalogue key.
    pub fn may_act(self, role: Role) -> Result<(), &'static str> {
        match (self, role) {
            (Step::SignOff, Role::Supervisor) => Ok(()),
            (Step::SignOff, _) => Err("refuse-supervisor-only"),
            (_, Role::Admin) => Err("refuse-reviewer-role"),
            _ => Ok(()),
        }
    }
}

/// Steps as stored ("confidentiality,sign_off"), and back; unknown codes are dropped.
pub fn codes(steps: &[Step]) -> String {
    steps.iter().map(|s| s.code()).collect::<Vec<_>>().join(",")
}

pub fn parse_codes(s: &str) -> Vec<Step> {
    normalise(s.split(',').filter_map(Step::parse).collect())
}

/// In the order a draft passes them, each once.
pub fn normalise(mut steps: Vec<Step>) -> Vec<Step> {
    steps.sort();
    steps.dedup();
    steps
}

/// The answer an action made, as the history records it: with review steps switched on,
/// a draft for review by `by` on `on`; without, the decision itself.
pub fn answer(decision: Decision, steps: &[Step], by: i64, on: NaiveDate) -> Event {
    if steps.is_empty() {
        Event::Decided(decision)
    } else {
        Event::DraftSubmitted {
            on,
            by,
            steps: normalise(steps.to_vec()),
            decision,
        }
    }
}

/// A draft under review, as the history knows it.
#[derive(Debug, Clone, PartialEq)]
pub struct Draft {
    /// Which submission of the case this is (1 for the first).
    pub round: usize,
    pub on: NaiveDate,
    /// Who drafted it: they review none of its steps.
    pub by: i64,
    pub steps: Vec<Step>,
    pub passed: Vec<Step>,
    /// The day it reached the step it waits for.
    pub since: NaiveDate,
    pub decision: Decision,
}

impl Draft {
    /// The step it waits for.
    pub fn next(&self) -> Option<Step> {
        self.steps
            .iter()
            .copied()
            .find(|s| !self.passed.contains(s))
    }

    /// Whether passing the step it waits for ends the review.
    pub fn at_last_step(&self) -> bool {
        self.steps
            .iter()
            .filter(|s| !self.passed.contains(s))
            .count()
            == 1
    }

    /// Whether `user` may act on the step it waits for: the right role, and not its author.
    pub fn may_act(&self, role: Role, user: i64) -> Result<Step, &'static str> {
        let step = self.next().ok_or("refuse-no-draft")?;
        step.may_act(role)?;
        if user == self.by {
            return Err("refuse-own-draft");
        }
        Ok(step)
    }
}

/// The last draft sent back, for the clerk to redraft.
#[derive(Debug, Clone, PartialEq)]
pub struct Returned {
    pub round: usize,
    pub step: Step,
    pub on: NaiveDate,
    pub reason: String,
    pub by: i64,
}

/// The events of the step a draft waits for, passed by `by` on `on` with `opinion`: the
/// step, and after the last one the answer itself, dated that day.
pub fn pass(draft: &Draft, by: i64, on: NaiveDate, opinion: String) -> Vec<Event> {
    let step = draft.next().unwrap_or(Step::SignOff);
    let mut events = vec![match step {
        Step::SignOff => Event::SignedOff { on, opinion, by },
        _ => Event::ReviewPassed {
            on,
            step,
            opinion,
            by,
        },
    }];
    if draft.at_last_step() {
        events.push(Event::Decided(Decision {
            on,
            ..draft.decision.clone()
        }));
    }
    events
}

// ---------------------------------------------------------------- the record

/// What happened at one step of a submission.
#[derive(Debug, Clone, PartialEq)]
pub struct StepEntry {
    pub step: Step,
    pub on: NaiveDate,
    pub by: i64,
    /// The event's position in the history: its row gives the time it was recorded.
    pub index: usize,
    /// The opinion; for a return, the reason.
    pub text: String,
    pub returned: bool,
}

/// How a submission ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    UnderReview,
    Returned,
    /// The review ended and the answer was made that day.
    Decided(NaiveDate),
    /// The case was closed otherwise, reopened or voided meanwhile.
    Lapsed,
}

/// One submission of a draft and its review, as the printed record shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct Round {
    pub number: usize,
    pub on: NaiveDate,
    pub by: i64,
    pub index: usize,
    pub steps: Vec<Step>,
    pub decision: Decision,
    pub entries: Vec<StepEntry>,
    pub ending: Ending,
    /// The answer letter issued after it: its document number, if it has one.
    pub letter: Option<Option<String>>,
}

/// Every submission in a case's history, in order.
pub fn rounds(events: &[Event]) -> Vec<Round> {
    let mut out: Vec<Round> = Vec::new();
    for (index, e) in events.iter().enumerate() {
        // The submission under review, if any: only the last one can be.
        let at = out.last_mut().filter(|r| r.ending == Ending::UnderReview);
        match e {
            Event::DraftSubmitted {
                on,
                by,
                steps,
                decision,
            } => {
                if let Some(r) = at {
                    r.ending = Ending::Lapsed;
                }
                out.push(Round {
                    number: out.len() + 1,
                    on: *on,
                    by: *by,
                    index,
                    steps: steps.clone(),
                    decision: decision.clone(),
                    entries: Vec::new(),
                    ending: Ending::UnderReview,
                    letter: None,
                });
            }
            Event::ReviewPassed {
                on,
                step,
                opinion,
                by,
            } => {
                if let Some(r) = at {
                    r.entries.push(StepEntry {
                        step: *step,
                        on: *on,
                        by: *by,
                        index,
                        text: opinion.clone(),
                        returned: false,
                    });
                }
            }
            Event::SignedOff { on, opinion, by } => {
                if let Some(r) = at {
                    r.entries.push(StepEntry {
                        step: Step::SignOff,
                        on: *on,
                        by: *by,
                        index,
                        text: opinion.clone(),
                        returned: false,
                    });
                }
            }
            Event::DraftReturned {
                on,
                step,
                reason,
                by,
            } => {
                if let Some(r) = at {
                    r.entries.push(StepEntry {
                        step: *step,
                        on: *on,
                        by: *by,
                        index,
                        text: reason.clone(),
                        returned: true,
                    });
                    r.ending = Ending::Returned;
                }
            }
            Event::Decided(d) => {
                if let Some(r) = at {
                    r.ending = Ending::Decided(d.on);
                }
            }
            Event::Reopened { .. } | Event::Voided { .. } => {
                if let Some(r) = at {
                    r.ending = Ending::Lapsed;
                }
            }
            Event::LetterIssued {
                letter, doc_number, ..
            } if letter == "answer" => {
                if let Some(r) = out
                    .last_mut()
                    .filter(|r| matches!(r.ending, Ending::Decided(_)) && r.letter.is_none())
                {
                    r.letter = Some(doc_number.clone());
                }
            }
            _ => {}
        }
    }
    out
}

/// "Scope" of the disclosure as the record states it: to whom the information goes. An
/// answer on request discloses to the applicant only; what is withheld is named below it.
pub fn scope_zh(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Disclosed => "全部公开，向申请人提供",
        Outcome::Partial => {
            "部分公开，向申请人提供可以公开的部分；不予公开的部分及其理由、依据见下栏"
        }
        Outcome::DisclosedAlreadyPublic => "已主动公开，告知申请人获取的方式和途径",
        o if o.is_refusal() => "不予公开",
        _ => "不涉及提供政府信息",
    }
}

/// The provisions the answer rests on: the outcome's own, the specific ground, further ones.
pub fn basis_zh(d: &Decision) -> String {
    let ground = super::outcome::ground_basis(d.outcome, d.ground, &d.ground_law);
    [
        d.outcome.legal_basis_zh().to_string(),
        ground,
        d.extra_basis.trim().to_string(),
    ]
    .into_iter()
    .filter(|b| !b.is_empty())
    .collect::<Vec<_>>()
    .join("、")
}

/// The specific ground as the record names it.
pub fn ground_zh(d: &Decision) -> String {
    match d.ground {
        Some(g @ Ground::OtherLaw) => g.citation_zh(&d.ground_law),
        Some(g) => g.citation_zh(""),
        None => String::new(),
    }
}

/// The case as the record names it.
#[derive(Debug, Clone)]
pub struct RecordCase<'a> {
    pub agency: &'a str,
    pub tracking_no: &'a str,
    pub requester_name: &'a str,
    pub requester_type: RequesterType,
    pub received_on: NaiveDate,
    pub channel: Channel,
    pub subject: &'a str,
    pub due_on: Option<NaiveDate>,
}

/// One row of the record: a label, its text, and who signed for it and when (or a blank
/// to sign by hand when the step is still to come).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordRow {
    pub label: String,
    pub text: Vec<String>,
    pub sign: Option<String>,
    /// Left open to be written in by hand.
    pub blank: bool,
}

/// The review record (政府信息公开审查单), printed on A4 and kept on file: what is to be
/// disclosed, how and to whom, what is withheld and why, and each step's opinion, who and
/// when. Composed in Chinese, as the letters are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    pub agency: String,
    pub title: String,
    /// "案件编号：…" and "第N次送审".
    pub meta: Vec<String>,
    /// The short facts, two to a row: (label, value), (label, value).
    pub head: Vec<[(String, String); 2]>,
    pub rows: Vec<RecordRow>,
    pub note: String,
}

pub const RECORD_TITLE: &str = "政府信息公开审查单";

/// Who signs for a step on the record.
fn signer_zh(step: Step) -> &'static str {
    match step {
        Step::Confidentiality => "审查人",
        Step::Legality => "审核人",
        Step::SignOff => "签发人",
    }
}

fn opinion_label_zh(step: Step) -> &'static str {
    match step {
        Step::Confidentiality => "保密审查意见",
        Step::Legality => "法制审核意见",
        Step::SignOff => "签发意见",
    }
}

/// Composes the record of submission `round`. `name` gives a member of staff's name,
/// `recorded` when an entry of the history was recorded (China time): a step is dated by
/// its event, with the time of day when it was recorded that same day.
pub fn record(
    case: &RecordCase,
    round: &Round,
    name: &dyn Fn(i64) -> String,
    recorded: &dyn Fn(usize) -> Option<NaiveDateTime>,
) -> Record {
    use super::letters::{delivery_method_zh, format_date_zh};
    let at = |index: usize, on: NaiveDate| match recorded(index) {
        Some(t) if t.date() == on => format!("{} {}", format_date_zh(on), t.format("%H:%M")),
        _ => format_date_zh(on),
    };
    let d = &round.decision;
    let row = |label: &str, text: Vec<String>| RecordRow {
        label: label.to_string(),
        text: text.into_iter().filter(|t| !t.trim().is_empty()).collect(),
        sign: None,
        blank: false,
    };
    let pair = |label: &str, value: String| (label.to_string(), value);
    let head = vec![
        [
            pair(
                "申请人",
                format!(
                    "{}（{}）",
                    case.requester_name.trim(),
                    case.requester_type.label_zh()
                ),
            ),
            pair(
                "收到日期",
                format!(
                    "{}（{}）",
                    format_date_zh(case.received_on),
                    case.channel.label_zh()
                ),
            ),
        ],
        [
            pair("拟答复意见", d.outcome.label_zh().to_string()),
            pair(
                "答复期限",
                case.due_on.map_or("—".to_string(), format_date_zh),
            ),
        ],
    ];
    let mut rows = vec![row("申请公开的信息", vec![case.subject.trim().to_string()])];
    if !d.findings.trim().is_empty() {
        rows.push(row("经查情况", vec![d.findings.trim().to_string()]));
    }
    rows.push(row(
        "公开方式",
        vec![
            d.how_provided.trim().to_string(),
            format!("送达方式：{}", delivery_method_zh(&d.delivery_method)),
        ],
    ));
    rows.push(row("公开范围", vec![scope_zh(d.outcome).to_string()]));
    let ground = ground_zh(d);
    if d.outcome.needs_reasons() {
        rows.push(row(
            "不予公开的内容、理由及依据",
            vec![
                d.reasons.trim().to_string(),
                if ground.is_empty() {
                    String::new()
                } else {
                    format!("依据：{ground}")
                },
            ],
        ));
    } else if !d.reasons.trim().is_empty() {
        rows.push(row("理由", vec![d.reasons.trim().to_string()]));
    }
    for (label, text) in [
        ("负责公开的机关", d.other_agency.trim().to_string()),
        (
            "前次答复",
            match d.earlier_answer_on {
                Some(on) => format!("{}（{}）", d.earlier_answer.trim(), format_date_zh(on)),
                None => d.earlier_answer.trim().to_string(),
            },
        ),
        ("公开的公共利益理由", d.public_interest.trim().to_string()),
    ] {
        if !text.is_empty() {
            rows.push(row(label, vec![text]));
        }
    }
    let basis = basis_zh(d);
    rows.push(row(
        "答复依据",
        vec![if basis.is_empty() {
            "—".into()
        } else {
            basis
        }],
    ));
    rows.push(RecordRow {
        sign: Some(format!(
            "拟办人：{}　　{}",
            name(round.by),
            at(round.index, round.on)
        )),
        ..row("承办人拟办", vec!["拟按上述意见答复，请审查。".into()])
    });
    let mut stopped = false;
    for step in &round.steps {
        let done = round.entries.iter().find(|e| e.step == *step);
        rows.push(match done {
            Some(e) => {
                stopped |= e.returned;
                let text = if e.returned {
                    format!("退回修改：{}", e.text.trim())
                } else {
                    e.text.trim().to_string()
                };
                let verdict = match (e.returned, step) {
                    (true, _) => "",
                    (false, Step::SignOff) => "同意签发。",
                    (false, _) => "审查通过。",
                };
                RecordRow {
                    sign: Some(format!(
                        "{}：{}　　{}",
                        signer_zh(*step),
                        name(e.by),
                        at(e.index, e.on)
                    )),
                    ..row(opinion_label_zh(*step), vec![verdict.to_string(), text])
                }
            }
            // Sent back before this step: nothing to write here.
            None if stopped => row(opinion_label_zh(*step), vec!["—".into()]),
            None => RecordRow {
                sign: Some(format!(
                    "{}：　　　　　　　　年　　月　　日",
                    signer_zh(*step)
                )),
                blank: true,
                ..row(opinion_label_zh(*step), Vec::new())
            },
        });
    }
    let issued = match (&round.ending, &round.letter) {
        (Ending::Decided(on), Some(number)) => vec![format!(
            "{}{}",
            number.as_deref().unwrap_or(""),
            if number.is_some() {
                format!("（{}）", format_date_zh(*on))
            } else {
                format_date_zh(*on)
            }
        )],
        (Ending::Decided(on), None) => {
            vec![format!("签发日期：{}，答复书尚未制发", format_date_zh(*on))]
        }
        _ => Vec::new(),
    };
    rows.push(row("答复书文号", issued));
    Record {
        agency: case.agency.trim().to_string(),
        title: RECORD_TITLE.to_string(),
        meta: vec![
            format!("案件编号：{}", case.tracking_no.trim()),
            format!("第{}次送审", round.number),
        ],
        head,
        rows,
        note: "注：根据《中华人民共和国政府信息公开条例》第十七条，政府信息公开前应当依照法律、\
               法规和国家有关规定进行审查，先审查、后公开。答复书经签发后方可制发，落款日期为签发日期。"
            .to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn decision() -> Decision {
        Decision::plain(
            d("2024-10-08"),
            Outcome::Disclosed,
            "经查".into(),
            "post".into(),
        )
    }

    #[test]
    fn steps_are_kept_in_order_once() {
        assert_eq!(
            parse_codes("sign_off,confidentiality,bogus,sign_off"),
            vec![Step::Confidentiality, Step::SignOff]
        );
        assert_eq!(
            codes(&[Step::Confidentiality, Step::SignOff]),
            "confidentiality,sign_off"
        );
        assert_eq!(parse_codes(""), Vec::<Step>::new());
    }

    #[test]
    fn without_steps_the_answer_is_made_at_once() {
        let e = answer(decision(), &[], 1, d("2024-10-08"));
        assert!(matches!(e, Event::Decided(_)));
        let e = answer(
            decision(),
            &[Step::SignOff, Step::Legality],
            1,
            d("2024-10-08"),
        );
        let Event::DraftSubmitted { steps, .. } = e else {
            panic!("a draft");
        };
        assert_eq!(steps, vec![Step::Legality, Step::SignOff]);
    }

    #[test]
    fn who_may_act_on_a_step() {
        assert_eq!(
            Step::SignOff.may_act(Role::Clerk),
            Err("refuse-supervisor-only")
        );
        assert_eq!(
            Step::SignOff.may_act(Role::Admin),
            Err("refuse-supervisor-only")
        );
        assert!(Step::SignOff.may_act(Role::Supervisor).is_ok());
        assert!(Step::Confidentiality.may_act(Role::Clerk).is_ok());
        assert!(Step::Legality.may_act(Role::Supervisor).is_ok());
        assert_eq!(
            Step::Legality.may_act(Role::Admin),
            Err("refuse-reviewer-role")
        );
        let draft = Draft {
            round: 1,
            on: d("2024-10-08"),
            by: 7,
            steps: vec![Step::Confidentiality, Step::SignOff],
            passed: vec![],
            since: d("2024-10-08"),
            decision: decision(),
        };
        assert_eq!(draft.may_act(Role::Clerk, 7), Err("refuse-own-draft"));
        assert_eq!(draft.may_act(Role::Clerk, 8), Ok(Step::Confidentiality));
    }

    #[test]
    fn the_last_step_makes_the_answer_that_day() {
        let mut draft = Draft {
            round: 1,
            on: d("2024-10-08"),
            by: 7,
            steps: vec![Step::Confidentiality, Step::SignOff],
            passed: vec![],
            since: d("2024-10-08"),
            decision: decision(),
        };
        let first = pass(&draft, 8, d("2024-10-09"), "无涉密内容".into());
        assert_eq!(first.len(), 1);
        assert!(matches!(
            first[0],
            Event::ReviewPassed {
                step: Step::Confidentiality,
                ..
            }
        ));
        draft.passed.push(Step::Confidentiality);
        let last = pass(&draft, 9, d("2024-10-10"), "同意".into());
        assert!(matches!(last[0], Event::SignedOff { by: 9, .. }));
        let Event::Decided(made) = &last[1] else {
            panic!("the answer");
        };
        assert_eq!(made.on, d("2024-10-10"));
        assert_eq!(made.findings, "经查");
    }

    #[test]
    fn rounds_follow_the_history() {
        let draft = |on: &str| Event::DraftSubmitted {
            on: d(on),
            by: 7,
            steps: vec![Step::Confidentiality, Step::SignOff],
            decision: decision(),
        };
        let events = vec![
            draft("2024-10-08"),
            Event::DraftReturned {
                on: d("2024-10-09"),
                step: Step::Confidentiality,
                reason: "第三页含个人信息".into(),
                by: 8,
            },
            draft("2024-10-10"),
            Event::ReviewPassed {
                on: d("2024-10-10"),
                step: Step::Confidentiality,
                opinion: "同意".into(),
                by: 8,
            },
            Event::SignedOff {
                on: d("2024-10-11"),
                opinion: "同意".into(),
                by: 9,
            },
            Event::Decided(Decision {
                on: d("2024-10-11"),
                ..decision()
            }),
            Event::LetterIssued {
                letter_id: 3,
                letter: "answer".into(),
                doc_number: Some("依复〔2024〕1号".into()),
            },
        ];
        let r = rounds(&events);
        assert_eq!(r.len(), 2);
        assert_eq!(r[0].ending, Ending::Returned);
        assert!(r[0].entries[0].returned);
        assert_eq!(r[0].letter, None);
        assert_eq!(r[1].number, 2);
        assert_eq!(r[1].ending, Ending::Decided(d("2024-10-11")));
        assert_eq!(r[1].entries.len(), 2);
        assert_eq!(r[1].letter, Some(Some("依复〔2024〕1号".into())));
    }

    #[test]
    fn the_record_names_each_step_and_leaves_the_rest_to_sign() {
        let mut decision = decision();
        decision.outcome = Outcome::Partial;
        decision.ground = Some(Ground::Art15);
        decision.reasons = "第二项含他人身份信息".into();
        decision.how_provided = "提供复印件".into();
        let round = Round {
            number: 2,
            on: d("2024-10-08"),
            by: 7,
            index: 4,
            steps: vec![Step::Confidentiality, Step::Legality, Step::SignOff],
            decision,
            entries: vec![StepEntry {
                step: Step::Confidentiality,
                on: d("2024-10-09"),
                by: 8,
                index: 5,
                text: "无涉密内容".into(),
                returned: false,
            }],
            ending: Ending::UnderReview,
            letter: None,
        };
        let case = RecordCase {
            agency: "常州市国土资源局",
            tracking_no: "CZ-GTJ-2024-0001",
            requester_name: "张三",
            requester_type: RequesterType::NaturalPerson,
            received_on: d("2024-09-27"),
            channel: Channel::InPerson,
            subject: "某地块征地补偿安置方案",
            due_on: Some(d("2024-10-30")),
        };
        let names = |id: i64| format!("员工{id}");
        // Entry 4 recorded on its day, entry 5 recorded later than the day it is dated.
        let at = |i: usize| {
            let day = if i == 4 { "2024-10-08" } else { "2024-10-10" };
            Some(d(day).and_hms_opt(10, 22, 0).unwrap())
        };
        let r = record(&case, &round, &names, &at);
        assert_eq!(r.title, RECORD_TITLE);
        assert_eq!(r.meta, vec!["案件编号：CZ-GTJ-2024-0001", "第2次送审"]);
        let get = |label: &str| r.rows.iter().find(|x| x.label == label).unwrap().clone();
        assert_eq!(
            r.head[1],
            [
                ("拟答复意见".to_string(), "部分公开".to_string()),
                ("答复期限".to_string(), "2024年10月30日".to_string())
            ]
        );
        assert_eq!(get("公开方式").text, vec!["提供复印件", "送达方式：邮寄"]);
        let withheld = get("不予公开的内容、理由及依据");
        assert_eq!(withheld.text[0], "第二项含他人身份信息");
        assert!(withheld.text[1].contains("第十五条"));
        assert_eq!(
            get("承办人拟办").sign.unwrap(),
            "拟办人：员工7　　2024年10月8日 10:22"
        );
        let secrecy = get("保密审查意见");
        assert_eq!(secrecy.text, vec!["审查通过。", "无涉密内容"]);
        assert_eq!(secrecy.sign.unwrap(), "审查人：员工8　　2024年10月9日");
        let legal = get("法制审核意见");
        assert!(legal.blank && legal.text.is_empty());
        assert!(get("签发意见").sign.unwrap().starts_with("签发人："));
        assert!(get("答复书文号").text.is_empty());
    }

    #[test]
    fn the_record_states_scope_and_basis() {
        assert_eq!(scope_zh(Outcome::Disclosed), "全部公开，向申请人提供");
        assert_eq!(scope_zh(Outcome::WithheldThirdParty), "不予公开");
        assert_eq!(scope_zh(Outcome::NotHeldNonexistent), "不涉及提供政府信息");
        let mut partial = decision();
        partial.outcome = Outcome::Partial;
        partial.ground = Some(Ground::Art15);
        let basis = basis_zh(&partial);
        assert!(
            basis.contains("第三十七条") && basis.contains("第十五条"),
            "{basis}"
        );
        assert_eq!(ground_zh(&partial), Ground::Art15.citation_zh(""));
    }
}
