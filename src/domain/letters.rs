//! The documents a case produces (文书), composed as structured data.
//!
//! Composition is pure: the web layer renders a [`Letter`] (HTML, print stylesheet) and stores
//! it as issued, so a letter already sent never changes when these texts are revised later.
//! What each letter must say follows `letters.md`; the wording is this module's own.
//!
//! Free text typed by the clerk (findings, reasons, items to correct ...) is used as given,
//! trimmed, with closing punctuation added where missing: the clerk owns the facts, this module
//! owns the frame, the legal citations and the remedies.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use super::case::{Event, Facts};
use super::deadline::ConsultationKind;
use super::outcome::{Channel, Outcome, REGULATION_ZH, Remedy};

/// Which document a letter is. Codes are stored with issued letters and used in URLs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LetterKind {
    Receipt,
    CorrectionNotice,
    ExtensionNotice,
    ConsultationThirdParty,
    ConsultationAgency,
    ConsultationApplicantNotice,
    Answer,
    DeliveryProof,
    /// Art. 35: the applicant is asked to state the reasons for an unusually large request.
    ReasonsRequest,
    /// Art. 35: a later, reasonable deadline set by the office.
    LaterDeadlineNotice,
    /// Art. 32: to a third party who objected, the decision to disclose and why.
    ThirdPartyDisclosure,
    /// The information-processing fee (收费通知书): basis, rate, amount, how and when to pay.
    FeeNotice,
}

impl LetterKind {
    /// In the order a case usually produces them.
    pub const ALL: [LetterKind; 12] = [
        LetterKind::Receipt,
        LetterKind::CorrectionNotice,
        LetterKind::ExtensionNotice,
        LetterKind::ConsultationThirdParty,
        LetterKind::ConsultationAgency,
        LetterKind::ConsultationApplicantNotice,
        LetterKind::ReasonsRequest,
        LetterKind::LaterDeadlineNotice,
        LetterKind::FeeNotice,
        LetterKind::Answer,
        LetterKind::ThirdPartyDisclosure,
        LetterKind::DeliveryProof,
    ];

    pub fn code(self) -> &'static str {
        match self {
            LetterKind::Receipt => "receipt",
            LetterKind::CorrectionNotice => "correction_notice",
            LetterKind::ExtensionNotice => "extension_notice",
            LetterKind::ConsultationThirdParty => "consultation_third_party",
            LetterKind::ConsultationAgency => "consultation_agency",
            LetterKind::ConsultationApplicantNotice => "consultation_applicant_notice",
            LetterKind::Answer => "answer",
            LetterKind::DeliveryProof => "delivery_proof",
            LetterKind::ReasonsRequest => "reasons_request",
            LetterKind::LaterDeadlineNotice => "later_deadline_notice",
            LetterKind::ThirdPartyDisclosure => "third_party_disclosure",
            LetterKind::FeeNotice => "fee_notice",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim();
        Self::ALL.into_iter().find(|k| k.code() == s)
    }

    /// The document's own name. The answer's printed title also carries the agency's name
    /// (see [`Letter::title`]).
    pub fn title_zh(self) -> &'static str {
        match self {
            LetterKind::Receipt => "政府信息公开申请接收回执",
            LetterKind::CorrectionNotice => "政府信息公开申请补正告知书",
            LetterKind::ExtensionNotice => "延期答复告知书",
            LetterKind::ConsultationThirdParty => "征求第三方意见书",
            LetterKind::ConsultationAgency => "征求意见函",
            LetterKind::ConsultationApplicantNotice => "征求意见告知书",
            LetterKind::Answer => "政府信息公开申请答复书",
            LetterKind::DeliveryProof => "送达回证",
            LetterKind::ReasonsRequest => "政府信息公开申请说明理由通知书",
            LetterKind::LaterDeadlineNotice => "延迟答复告知书",
            LetterKind::ThirdPartyDisclosure => "决定公开告知书",
            LetterKind::FeeNotice => "收费通知书",
        }
    }

    /// The type code inside the document number; each type has its own series per agency and
    /// year. The receipt is numbered like the other letters and still carries the case number
    /// the applicant quotes. Its code is not 依收, which letters.md keeps for the fee notice
    /// (收费): the two would share a series. The proof of delivery is a form that cites the
    /// number of the letter it delivers.
    pub fn type_code(self) -> Option<&'static str> {
        match self {
            LetterKind::Receipt => Some("依接"),
            LetterKind::CorrectionNotice => Some("依补"),
            LetterKind::ExtensionNotice => Some("依延"),
            LetterKind::ConsultationThirdParty
            | LetterKind::ConsultationAgency
            | LetterKind::ConsultationApplicantNotice => Some("依征"),
            LetterKind::Answer => Some("依复"),
            LetterKind::ReasonsRequest | LetterKind::LaterDeadlineNotice => Some("依理"),
            LetterKind::ThirdPartyDisclosure => Some("依告"),
            LetterKind::FeeNotice => Some("依收"),
            LetterKind::DeliveryProof => None,
        }
    }
}

/// Fills an agency's pattern, e.g. "{prefix}{type}〔{year}〕{serial}号" -> 常新魏依复〔2025〕4号
///
/// The pattern is a per-agency setting because offices differ (with or without 第). Numbers
/// have no leading zeros (GB/T 9704). Placeholders are `{prefix}`, `{type}`, `{year}` and
/// `{serial}`; any other text, unknown braces included, is kept as is. Filled in one pass, so
/// a prefix that happens to contain a placeholder is not expanded again.
pub fn format_doc_number(
    pattern: &str,
    prefix: &str,
    type_code: &str,
    year: i32,
    serial: u32,
) -> String {
    let mut out = String::with_capacity(pattern.len() + prefix.len() + type_code.len() + 16);
    let mut rest = pattern;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let tail = &rest[open..];
        rest = if let Some(r) = tail.strip_prefix("{prefix}") {
            out.push_str(prefix);
            r
        } else if let Some(r) = tail.strip_prefix("{type}") {
            out.push_str(type_code);
            r
        } else if let Some(r) = tail.strip_prefix("{year}") {
            out.push_str(&year.to_string());
            r
        } else if let Some(r) = tail.strip_prefix("{serial}") {
            out.push_str(&serial.to_string());
            r
        } else {
            out.push('{');
            &tail[1..]
        };
    }
    out.push_str(rest);
    out
}

/// Dates in letters are written in Arabic numerals without leading zeros: "2025年3月4日".
pub fn format_date_zh(d: NaiveDate) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

/// The agency that issues the letter, as printed on it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgencyInfo {
    /// Full name: used in the answer's title and as the signature.
    pub name: String,
    /// Where corrections and replies can be sent; omitted from letters when empty.
    pub address: String,
    pub phone: String,
    /// The reconsideration body (行政复议机关) named in every answer. Since 2024 it is
    /// usually the government at the same level, so it is stored per agency.
    pub review_body: String,
}

/// The facts of the case that letters quote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseInfo {
    /// The case number, printed on the receipt and the proof of delivery.
    pub tracking_no: String,
    pub requester_name: String,
    /// The legal receipt date (art. 31), not the physical arrival.
    pub received_on: NaiveDate,
    pub channel: Channel,
    /// The information sought, in the applicant's words.
    pub subject: String,
    pub correction_received_on: Option<NaiveDate>,
    /// Number and date of the correction notice, if one was sent.
    pub correction_notice: Option<(String, NaiveDate)>,
    /// The rule set in force on the receipt date ("2008" or "2019"): a case received
    /// before 2019-05-15 is answered under the periods and articles of the 2008 Regulation.
    #[serde(default)]
    pub rules: String,
}

impl CaseInfo {
    fn under_2008(&self) -> bool {
        self.rules == "2008"
    }
}

/// The 2008 Regulation (Decree 492) by the same title, told apart by its decree.
const REGULATION_2008_ZH: &str =
    "《中华人民共和国政府信息公开条例》（2007年4月5日国务院令第492号公布）";

/// What only one kind of letter needs. Its variant must match [`LetterInput::kind`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Specific {
    Receipt,
    Correction {
        /// Each thing to fix, concretely; the notice may be sent only once (art. 30).
        items: Vec<String>,
        /// The last day to correct.
        due: NaiveDate,
    },
    Extension {
        /// The extended deadline as the deadline engine gives it; `None` while the clock
        /// is stopped, when the notice states the extension in working days only.
        new_due: Option<NaiveDate>,
        days: u32,
        reason: String,
    },
    /// The reply period runs from the day the party receives the letter (arts. 32, 34),
    /// which the office does not know when it writes: the letter states the period, no date.
    ConsultationThirdParty {
        party: String,
        /// The information concerned.
        matter: String,
        /// Why disclosure may harm the third party.
        why: String,
    },
    ConsultationAgency {
        party: String,
        matter: String,
    },
    ReasonsRequest {
        /// What the office points out about the requests, if anything.
        note: String,
    },
    LaterDeadline {
        due: NaiveDate,
        /// Why the statutory period cannot be kept.
        reason: String,
        /// The applicant's reasons, which the office accepted.
        applicant_reasons: String,
    },
    ThirdPartyDisclosure {
        party: String,
        matter: String,
        /// When the third party was asked.
        consulted_on: NaiveDate,
        public_interest: String,
    },
    FeeNotice {
        /// `per_request` or `per_volume`, with the n-th application or the pages.
        method: String,
        units: u32,
        how_to_pay: String,
        /// Working days to pay, from the day after the notice is received.
        days_to_pay: u32,
    },
    ConsultationApplicantNotice {
        party_kind: ConsultationKind,
    },
    Answer(AnswerInput),
    DeliveryProof {
        /// Name of the document delivered.
        document: String,
        doc_number: String,
        /// Pages of the delivered letter; 0 when not known, left blank to fill in by hand.
        pages: u32,
        method: String,
        address: String,
        /// The person served; the requester's name when empty.
        recipient: String,
        staff: String,
        /// Mandatory in practice for post, which must go through the postal service.
        postal_tracking: String,
    },
}

impl Specific {
    /// The letter kind this input belongs to.
    pub fn kind(&self) -> LetterKind {
        match self {
            Specific::Receipt => LetterKind::Receipt,
            Specific::Correction { .. } => LetterKind::CorrectionNotice,
            Specific::Extension { .. } => LetterKind::ExtensionNotice,
            Specific::ConsultationThirdParty { .. } => LetterKind::ConsultationThirdParty,
            Specific::ConsultationAgency { .. } => LetterKind::ConsultationAgency,
            Specific::ConsultationApplicantNotice { .. } => LetterKind::ConsultationApplicantNotice,
            Specific::Answer(_) => LetterKind::Answer,
            Specific::DeliveryProof { .. } => LetterKind::DeliveryProof,
            Specific::ReasonsRequest { .. } => LetterKind::ReasonsRequest,
            Specific::LaterDeadline { .. } => LetterKind::LaterDeadlineNotice,
            Specific::ThirdPartyDisclosure { .. } => LetterKind::ThirdPartyDisclosure,
            Specific::FeeNotice { .. } => LetterKind::FeeNotice,
        }
    }
}

/// The clerk's part of an answer. Which texts are required depends on the outcome, because
/// letters.md lists what each answer must contain; [`compose`] names a missing one in
/// [`LetterError::MissingAnswerText`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnswerInput {
    pub outcome: Outcome,
    /// What was found (经查 / 经检索), in the clerk's words. Required for
    /// `not_held_nonexistent` (how and where the search was made) and for `other_fee_unpaid`
    /// (the fee notice's number and date and the last day to pay).
    pub findings: String,
    /// The reasons. Required for `partial` (which parts are withheld and why, each),
    /// `withheld_*` under art. 14-16 (the facts that fit the ground), `not_held_other_agency`,
    /// `unclear_after_correction` (what is still missing), `not_processed_excessive` (the
    /// request for reasons and why they were not accepted), `not_processed_confirmation` and
    /// `other`.
    pub reasons: String,
    /// How the information is provided (form, attachments, where and when), or where it is
    /// published or can be obtained. Required for `disclosed_already_public`, `disclosed`,
    /// `partial`, `withheld_admin_query` (the statutory channel), `not_processed_petition`
    /// (the proper channel) and `not_processed_publication`.
    pub how_provided: String,
    /// Further provisions, appended to the outcome's own citation: the specific ground of
    /// art. 14/15/16, another statute. Required where the outcome has no citation of its own
    /// (`not_processed_confirmation`, `other`): an answer citing nothing has no legal basis.
    pub extra_basis: String,
    /// Number and date of the earlier answer; required for `not_processed_repeat`.
    pub earlier_answer: Option<(String, NaiveDate)>,
    /// The responsible agency and its contact details; required for `not_held_other_agency`.
    pub other_agency: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LetterInput {
    pub kind: LetterKind,
    /// Printed as given; ignored for the proof of delivery, which carries the case number and
    /// the delivered letter's number instead. `None` is allowed for drafts not yet numbered.
    pub doc_number: Option<String>,
    pub issued_on: NaiveDate,
    pub agency: AgencyInfo,
    pub case: CaseInfo,
    pub specific: Specific,
}

/// A composed letter, ready to render and to store as issued.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Letter {
    pub kind: LetterKind,
    /// "[agency]政府信息公开申请答复书" for the answer; the document's own name otherwise.
    pub title: String,
    pub doc_number: Option<String>,
    /// "张三：", or the consulted party; empty for the proof of delivery, which is a form.
    pub addressee: String,
    /// Body paragraphs in order, the closing formula ("特此告知。" ...) included.
    pub paragraphs: Vec<String>,
    /// The agency's name; the seal goes over it and the date.
    pub signature: String,
    pub date: String,
    /// Consultation letters: the reply slip (回执), one line per entry.
    pub reply_slip: Option<Vec<String>>,
    /// Proof of delivery: label/value rows; empty values are to be filled in by hand.
    pub table: Option<Vec<(String, String)>>,
}

/// Why a letter cannot be composed. Each is something the clerk must fix, never a bug.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LetterError {
    /// An answer without a reconsideration body: omitting it extends the applicant's time
    /// to sue to one year, so it is refused rather than printed blank.
    MissingReviewBody,
    /// [`LetterInput::kind`] and [`Specific`] disagree.
    KindMismatch,
    /// A text the letter must contain is empty; names the input field.
    MissingAnswerText(&'static str),
}

impl std::fmt::Display for LetterError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LetterError::MissingReviewBody => {
                f.write_str("the agency has no reconsideration body; every answer must name it")
            }
            LetterError::KindMismatch => {
                f.write_str("the letter kind does not match the letter-specific input")
            }
            LetterError::MissingAnswerText(field) => {
                write!(f, "this letter must state `{field}`, which is empty")
            }
        }
    }
}

impl std::error::Error for LetterError {}

/// The remedies paragraph (救济途径) of an answer, as revised for the Administrative
/// Reconsideration Law in force since 2024-01-01.
///
/// Variant A (refusals under art. 14-16) must not offer a direct suit: reconsideration comes
/// first, then a suit within 15 days of the decision (or of the reconsideration period
/// running out without one). Variant B offers either route.
pub fn remedies_paragraph(remedy: Remedy, review_body: &str) -> String {
    let body = review_body.trim();
    match remedy {
        Remedy::ReviewFirst => format!(
            "如对本答复不服，您应当先申请行政复议：可以自收到本答复书之日起60日内向{body}\
             申请行政复议；对行政复议决定不服的，可以自收到行政复议决定书之日起15日内依法向\
             人民法院提起行政诉讼；行政复议机关逾期不作决定的，可以自复议期满之日起15日内依法\
             向人民法院提起行政诉讼。"
        ),
        Remedy::ReviewOrSuit => format!(
            "如对本答复不服，您可以自收到本答复书之日起60日内向{body}申请行政复议，也可以自收到\
             本答复书之日起6个月内依法向人民法院提起行政诉讼。"
        ),
    }
}

/// Composes a letter, or says what is missing.
pub fn compose(input: &LetterInput) -> Result<Letter, LetterError> {
    if input.specific.kind() != input.kind {
        return Err(LetterError::KindMismatch);
    }
    let agency = &input.agency;
    let case = &input.case;
    let to_applicant = format!("{}：", case.requester_name.trim());
    let mut letter = Letter {
        kind: input.kind,
        title: input.kind.title_zh().to_string(),
        doc_number: input
            .kind
            .type_code()
            .and(input.doc_number.as_deref())
            .map(|n| n.trim().to_string()),
        addressee: to_applicant,
        paragraphs: Vec::new(),
        signature: agency.name.trim().to_string(),
        date: format_date_zh(input.issued_on),
        reply_slip: None,
        table: None,
    };
    match &input.specific {
        Specific::Receipt => letter.paragraphs = receipt(agency, case),
        Specific::Correction { items, due } => {
            letter.paragraphs = correction(agency, case, items, *due)?
        }
        Specific::Extension {
            new_due,
            days,
            reason,
        } => letter.paragraphs = extension(case, *new_due, *days, reason)?,
        Specific::ReasonsRequest { note } => letter.paragraphs = reasons_request(case, note),
        Specific::LaterDeadline {
            due,
            reason,
            applicant_reasons,
        } => letter.paragraphs = later_deadline(case, *due, reason, applicant_reasons)?,
        Specific::ThirdPartyDisclosure {
            party,
            matter,
            consulted_on,
            public_interest,
        } => {
            let party = required(party, "party")?;
            let matter = required(matter, "matter")?;
            let why = required(public_interest, "public_interest")?;
            let review_body = agency.review_body.trim();
            if review_body.is_empty() {
                return Err(LetterError::MissingReviewBody);
            }
            letter.addressee = format!("{party}：");
            letter.paragraphs = third_party_disclosure(matter, *consulted_on, why, review_body);
        }
        Specific::FeeNotice {
            method,
            units,
            how_to_pay,
            days_to_pay,
        } => {
            letter.paragraphs = fee_notice(case, method, *units, how_to_pay, *days_to_pay)?;
        }
        Specific::ConsultationThirdParty { party, matter, why } => {
            let party = required(party, "party")?;
            let matter = required(matter, "matter")?;
            let why = required(why, "why")?;
            letter.addressee = format!("{party}：");
            letter.paragraphs = consult_third_party(agency, case, matter, why);
            letter.reply_slip = Some(reply_slip(
                agency,
                ConsultationKind::ThirdParty,
                letter.doc_number.as_deref(),
                matter,
            ));
        }
        Specific::ConsultationAgency { party, matter } => {
            let party = required(party, "party")?;
            let matter = required(matter, "matter")?;
            letter.addressee = format!("{party}：");
            letter.paragraphs = consult_agency(agency, case, matter);
            letter.reply_slip = Some(reply_slip(
                agency,
                ConsultationKind::Agency,
                letter.doc_number.as_deref(),
                matter,
            ));
        }
        Specific::ConsultationApplicantNotice { party_kind } => {
            letter.paragraphs = consult_notice(case, *party_kind)
        }
        Specific::Answer(answer_input) => {
            let review_body = agency.review_body.trim();
            if review_body.is_empty() {
                return Err(LetterError::MissingReviewBody);
            }
            letter.title = format!("{}{}", agency.name.trim(), LetterKind::Answer.title_zh());
            letter.paragraphs = answer(case, answer_input, review_body)?;
        }
        Specific::DeliveryProof {
            document,
            doc_number,
            pages,
            method,
            address,
            recipient,
            staff,
            postal_tracking,
        } => {
            letter.addressee = String::new();
            let recipient = match recipient.trim() {
                "" => case.requester_name.trim(),
                r => r,
            };
            let blank = || String::new();
            let signed = "        年    月    日".to_string();
            letter.table = Some(vec![
                ("受送达人".into(), recipient.to_string()),
                ("案件编号".into(), case.tracking_no.trim().to_string()),
                ("送达文书名称".into(), document.trim().to_string()),
                ("文号".into(), doc_number.trim().to_string()),
                (
                    "页数".into(),
                    match pages {
                        0 => "共      页".to_string(),
                        n => format!("共{n}页"),
                    },
                ),
                ("送达地址".into(), address.trim().to_string()),
                ("送达方式".into(), method.trim().to_string()),
                ("受送达人签名（签收日期）".into(), signed.clone()),
                ("送达人".into(), staff.trim().to_string()),
                ("送达日期".into(), signed),
                ("邮件号码".into(), postal_tracking.trim().to_string()),
                ("备注".into(), blank()),
            ]);
            letter.paragraphs = vec![
                "受送达人本人签收的，以签收日期为送达日期。".into(),
                "由他人代为签收的，代收人应在备注栏签名，并注明与受送达人的关系及代收理由。".into(),
                "受送达人拒绝签收的，送达人应在备注栏注明拒收的事由和日期，并由见证人签名。".into(),
                "邮寄送达的，应交由邮政企业寄递，并填写邮件号码。".into(),
            ];
        }
    }
    Ok(letter)
}

/// Trimmed text, or the error naming the field when it is empty.
fn required<'a>(text: &'a str, field: &'static str) -> Result<&'a str, LetterError> {
    match text.trim() {
        "" => Err(LetterError::MissingAnswerText(field)),
        t => Ok(t),
    }
}

/// Text to embed inside a longer sentence: trimmed, closing punctuation removed.
fn clause(text: &str) -> &str {
    text.trim()
        .trim_end_matches(['。', '；', '，', '、', ';', ',', '.'])
        .trim_end()
}

/// Clerk's text as a full sentence: ends with 。 unless it already ends a sentence.
fn sentence(text: &str) -> String {
    let t = text.trim();
    if t.ends_with(['。', '！', '？', '!', '?']) {
        t.to_string()
    } else {
        format!("{}。", clause(t))
    }
}

/// 1 -> 一, 12 -> 十二, 40 -> 四十; enough for any list of items to correct.
fn chinese_number(n: usize) -> String {
    const DIGITS: [&str; 10] = ["〇", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    let ones = |r: usize| if r == 0 { "" } else { DIGITS[r] };
    match n {
        0..=9 => DIGITS[n].to_string(),
        10..=19 => format!("十{}", ones(n % 10)),
        20..=99 => format!("{}十{}", DIGITS[n / 10], ones(n % 10)),
        _ => n.to_string(),
    }
}

/// "（地址：…；联系电话：…）", or nothing when the agency has neither.
fn contact(agency: &AgencyInfo) -> String {
    let parts: Vec<String> = [
        ("地址", agency.address.trim()),
        ("联系电话", agency.phone.trim()),
    ]
    .into_iter()
    .filter(|(_, v)| !v.is_empty())
    .map(|(k, v)| format!("{k}：{v}"))
    .collect();
    if parts.is_empty() {
        String::new()
    } else {
        format!("（{}）", parts.join("；"))
    }
}

/// "本机关于…收到您以…方式提交的…申请（登记编号：…），申请获取“…”。" plus the correction
/// history: every letter to the applicant opens by identifying the request this way.
fn opening(case: &CaseInfo) -> String {
    let tracking = match case.tracking_no.trim() {
        "" => String::new(),
        t => format!("（登记编号：{t}）"),
    };
    let mut s = format!(
        "本机关于{}收到您以{}方式提交的政府信息公开申请{}，申请获取“{}”。",
        format_date_zh(case.received_on),
        case.channel.label_zh(),
        tracking,
        clause(&case.subject),
    );
    let notice_name = LetterKind::CorrectionNotice.title_zh();
    match (&case.correction_notice, case.correction_received_on) {
        (Some((no, sent)), received) => {
            let no = match no.trim() {
                "" => String::new(),
                n => format!("（{n}）"),
            };
            s.push_str(&format!(
                "本机关于{}向您发出《{notice_name}》{no}",
                format_date_zh(*sent)
            ));
            match received {
                Some(r) => s.push_str(&format!("，并于{}收到您补正后的申请。", format_date_zh(r))),
                None => s.push('。'),
            }
        }
        (None, Some(r)) => s.push_str(&format!(
            "本机关于{}收到您补正后的申请。",
            format_date_zh(r)
        )),
        (None, None) => {}
    }
    s
}

fn receipt(agency: &AgencyInfo, case: &CaseInfo) -> Vec<String> {
    let mut p = vec![
        format!(
            "本机关于{}收到您以{}方式提交的政府信息公开申请，申请获取“{}”。该申请的登记编号为{}，\
             查询办理情况时请提供此编号。",
            format_date_zh(case.received_on),
            case.channel.label_zh(),
            clause(&case.subject),
            case.tracking_no.trim(),
        ),
        "本回执仅证明本机关已于上述日期收到您的申请，不表示本机关已受理该申请，也不代表对申请\
         的处理结果作出任何承诺。"
            .to_string(),
        if case.under_2008() {
            format!(
                "根据{REGULATION_2008_ZH}第二十四条第二款的规定，本机关将自收到申请之日起15个工作日内\
                 作出答复；需要延长答复期限的，经本机关政府信息公开工作机构负责人同意，将告知您，\
                 延长答复的期限最长不超过15个工作日。申请公开的政府信息涉及第三方权益的，征求\
                 第三方意见所需时间不计算在答复期限内（第二十四条第三款）。"
            )
        } else {
            format!(
                "根据{REGULATION_ZH}第三十条、第三十三条的规定，本机关将自收到申请之日起20个工作日内作出答复；\
                 需要延长答复期限的，将书面告知您，延长的期限最长不超过20个工作日。申请内容需要补正\
                 的，答复期限自本机关收到补正后的申请之日起计算；征求第三方或者其他机关意见所需的\
                 时间，不计算在答复期限内。"
            )
        },
    ];
    let contact = contact(agency);
    if !contact.is_empty() {
        p.push(format!("如有疑问，请与本机关联系{contact}。"));
    }
    p
}

fn correction(
    agency: &AgencyInfo,
    case: &CaseInfo,
    items: &[String],
    due: NaiveDate,
) -> Result<Vec<String>, LetterError> {
    let items: Vec<&str> = items
        .iter()
        .map(|i| clause(i))
        .filter(|i| !i.is_empty())
        .collect();
    if items.is_empty() {
        return Err(LetterError::MissingAnswerText("items"));
    }
    let mut p = vec![
        opening(case),
        format!(
            "经审查，您的申请内容不够明确，本机关无法据此确定您所需要的政府信息。根据\
             {REGULATION_ZH}第三十条的规定，请您对以下事项作出补正："
        ),
    ];
    let last = items.len() - 1;
    for (i, item) in items.iter().enumerate() {
        let end = if i == last { '。' } else { '；' };
        p.push(format!("（{}）{item}{end}", chinese_number(i + 1)));
    }
    let contact = contact(agency);
    let submit = if contact.is_empty() {
        "补正后的申请可以通过原申请渠道提交。".to_string()
    } else {
        format!("补正后的申请可以通过原申请渠道提交，也可以邮寄或者当面递交本机关{contact}。")
    };
    p.push(format!(
        "请您于{}前（含当日）提交补正后的申请。{submit}",
        format_date_zh(due)
    ));
    p.push(
        "答复期限自本机关收到补正后的申请之日起重新计算。您无正当理由逾期不补正的，视为放弃申请，\
         本机关将不再处理该政府信息公开申请。"
            .to_string(),
    );
    p.push("特此告知。".to_string());
    Ok(p)
}

fn extension(
    case: &CaseInfo,
    new_due: Option<NaiveDate>,
    days: u32,
    reason: &str,
) -> Result<Vec<String>, LetterError> {
    let reason = clause(required(reason, "reason")?);
    let basis = if case.under_2008() {
        format!("{REGULATION_2008_ZH}第二十四条第二款")
    } else {
        format!("{REGULATION_ZH}第三十三条第二款")
    };
    // The date printed is the deadline engine's; while the clock stands still it is not
    // yet known, and the notice says so instead of guessing.
    let extended = match new_due {
        Some(due) => format!("答复期限延长{days}个工作日，至{}。", format_date_zh(due)),
        None => format!(
            "答复期限延长{days}个工作日。目前依法不计算在答复期限内的期间（如征求意见）尚未结束，\
             延长后的答复期限在该期间结束后继续计算，届满之日本机关将另行告知。"
        ),
    };
    Ok(vec![
        opening(case),
        format!(
            "因{reason}，本机关无法在法定期限内作出答复。经本机关政府信息公开工作机构负责人同意，\
             根据{basis}的规定，{extended}"
        ),
        "特此告知。".to_string(),
    ])
}

/// Art. 35: the office asks for the reasons before deciding what a large request deserves.
fn reasons_request(case: &CaseInfo, note: &str) -> Vec<String> {
    let mut p = vec![
        opening(case),
        format!(
            "经审查，您申请公开政府信息的数量、频次明显超过合理范围。根据{REGULATION_ZH}第三十五条\
             的规定，请您说明申请理由。"
        ),
    ];
    if !note.trim().is_empty() {
        p.push(sentence(note));
    }
    p.push(
        "本机关认为申请理由不合理的，将告知您不予处理；认为申请理由合理，但无法在法定期限内答复\
         的，将确定延迟答复的合理期限并告知您。"
            .to_string(),
    );
    p.push("特此告知。".to_string());
    p
}

/// Art. 35: the later, reasonable deadline and why.
fn later_deadline(
    case: &CaseInfo,
    due: NaiveDate,
    reason: &str,
    applicant_reasons: &str,
) -> Result<Vec<String>, LetterError> {
    let reason = clause(required(reason, "reason")?);
    let mut p = vec![opening(case)];
    let stated = match applicant_reasons.trim() {
        "" => String::new(),
        r => format!("您说明的理由是：{}", sentence(r)),
    };
    p.push(format!(
        "您申请公开政府信息的数量、频次明显超过合理范围，本机关已要求您说明理由。{stated}本机关\
         认为申请理由合理，但因{reason}，无法在{REGULATION_ZH}第三十三条规定的期限内答复。"
    ));
    p.push(format!(
        "根据{REGULATION_ZH}第三十五条的规定，本机关确定延迟答复的合理期限至{}，并将于该日前\
         作出答复。",
        format_date_zh(due)
    ));
    p.push("特此告知。".to_string());
    Ok(p)
}

/// The fee notice: the basis, the method and its tiers, the amount, how to pay and the
/// time to pay (the fee measures, 国办函〔2020〕109号; rules.md section 5).
fn fee_notice(
    case: &CaseInfo,
    method: &str,
    units: u32,
    how_to_pay: &str,
    days_to_pay: u32,
) -> Result<Vec<String>, LetterError> {
    use super::fees::{self, Method};
    let how = clause(required(how_to_pay, "how_to_pay")?);
    let (m, counted) = match method {
        "per_request" => (
            Method::PerRequest { nth: units },
            format!("按件计收：这是您本月向本机关提出的第{units}件政府信息公开申请"),
        ),
        _ => (
            Method::PerVolume { pages: units },
            format!("按量计收：本次提供的政府信息共{units}页"),
        ),
    };
    let c = fees::calculate(m);
    let tiers: Vec<String> = c
        .tiers
        .iter()
        .map(|t| {
            let range = if t.from == t.to {
                format!("第{}", t.from)
            } else {
                format!("第{}至{}", t.from, t.to)
            };
            let unit = if matches!(m, Method::PerRequest { .. }) {
                "件"
            } else {
                "页"
            };
            format!(
                "{range}{unit}，每{unit}{}元，计{}元",
                fees::yuan(t.rate),
                fees::yuan(t.amount)
            )
        })
        .collect();
    Ok(vec![
        opening(case),
        format!(
            "经审查，您申请公开政府信息的数量、频次明显超过合理范围。根据{REGULATION_ZH}第四十二条和\
             《政府信息公开信息处理费管理办法》的规定，本机关依法收取信息处理费。"
        ),
        format!("计收方式为{counted}。计费明细：{}。", tiers.join("；")),
        format!("应缴信息处理费合计{}元。", fees::yuan(c.total)),
        format!("缴费方式：{}", sentence(how)),
        format!(
            "请您自收到本通知书之日的次日起{days_to_pay}个工作日内缴纳。逾期未缴纳的，视为放弃申请，\
             本机关将不再处理该政府信息公开申请。自本通知书发出之日至缴费之日，不计算在答复期限内。"
        ),
        "特此通知。".to_string(),
    ])
}

/// Art. 32: a third party who objected is told what will be disclosed and why.
fn third_party_disclosure(
    matter: &str,
    consulted_on: NaiveDate,
    public_interest: &str,
    review_body: &str,
) -> Vec<String> {
    vec![
        format!(
            "本机关于{}就公开“{}”书面征求了您（贵单位）的意见，您（贵单位）不同意公开。",
            format_date_zh(consulted_on),
            clause(matter)
        ),
        format!(
            "经审查，本机关认为不公开可能对公共利益造成重大影响，理由是：{}",
            sentence(public_interest)
        ),
        format!(
            "根据{REGULATION_ZH}第三十二条的规定，本机关决定予以公开。决定公开的内容为：“{}”。",
            clause(matter)
        ),
        remedies_paragraph(Remedy::ReviewOrSuit, review_body)
            .replace("本答复书", "本告知书")
            .replace("如对本答复不服，您", "如对本决定不服，您（贵单位）"),
        "特此告知。".to_string(),
    ]
}

/// Letter to a third party (art. 32). It does not name the applicant: the third party needs
/// the information concerned, not who asked.
fn consult_third_party(
    agency: &AgencyInfo,
    case: &CaseInfo,
    matter: &str,
    why: &str,
) -> Vec<String> {
    vec![
        format!(
            "本机关于{}收到一份政府信息公开申请，申请公开的信息涉及您（贵单位），具体为：“{}”。",
            format_date_zh(case.received_on),
            clause(matter)
        ),
        format!(
            "本机关认为，公开该信息可能损害您（贵单位）的合法权益，理由是：{}",
            sentence(why)
        ),
        format!(
            "根据{REGULATION_ZH}第三十二条的规定，现书面征求您（贵单位）的意见。请您（贵单位）\
             自收到本意见书之日起15个工作日内，就是否同意公开上述信息提出书面意见；不同意公开的，\
             请说明理由。"
        ),
        format!(
            "您（贵单位）逾期未提出意见的，由本机关依照{REGULATION_ZH}的规定决定是否公开。\
             您（贵单位）不同意公开且有合理理由的，本机关不予公开；本机关认为不公开可能对公共利益造成重大影响的，可以决定\
         予以公开，并将决定公开的内容和理由书面告知您（贵单位）。"
        ),
        format!(
            "请填写所附回执，签名或者盖章后送交本机关{}。",
            contact(agency)
        ),
        "特此函询。".to_string(),
    ]
}

/// Letter to a co-author agency (art. 34), which alone has the rule that silence is consent.
fn consult_agency(agency: &AgencyInfo, case: &CaseInfo, matter: &str) -> Vec<String> {
    vec![
        format!(
            "本机关于{}收到一份政府信息公开申请，申请公开的信息由本机关与贵机关共同制作，\
             具体为：“{}”。",
            format_date_zh(case.received_on),
            clause(matter)
        ),
        format!(
            "根据{REGULATION_ZH}第三十四条的规定，现征求贵机关对公开上述信息的意见。请贵机关\
             自收到本函之日起15个工作日内提出书面意见；逾期未提出意见的，视为同意公开。"
        ),
        format!("请填写所附回执，盖章后送交本机关{}。", contact(agency)),
        "特此函询。".to_string(),
    ]
}

/// Tells the applicant why the clock stopped. The exclusion itself is art. 33(3); art. 32
/// or 34 is the reason a consultation was made.
fn consult_notice(case: &CaseInfo, kind: ConsultationKind) -> Vec<String> {
    let why = match kind {
        ConsultationKind::ThirdParty => format!(
            "经审查，公开您申请获取的信息可能损害第三方的合法权益。根据{REGULATION_ZH}第三十二条\
             的规定，本机关已书面征求第三方的意见。"
        ),
        ConsultationKind::Agency => format!(
            "经审查，您申请获取的信息由本机关与其他行政机关共同制作。根据{REGULATION_ZH}\
             第三十四条的规定，本机关已征求相关行政机关的意见。"
        ),
    };
    vec![
        opening(case),
        why,
        format!(
            "根据{REGULATION_ZH}第三十三条第三款的规定，征求意见所需的时间不计算在答复期限内。\
             本机关将在征求意见后依法作出答复。"
        ),
        "特此告知。".to_string(),
    ]
}

fn reply_slip(
    agency: &AgencyInfo,
    kind: ConsultationKind,
    doc_number: Option<&str>,
    matter: &str,
) -> Vec<String> {
    let letter_ref = |name: &str| match doc_number.map(str::trim) {
        Some(n) if !n.is_empty() => format!("《{name}》（{n}）"),
        _ => format!("《{name}》"),
    };
    // Lines to write the reasons on (the slip has a page of its own), and blanks for who
    // replies, one a line so that each is long enough to write in.
    let lines = vec!["______________________________________".to_string(); 5];
    let blank = "________________";
    match kind {
        ConsultationKind::ThirdParty => vec![
            "征求第三方意见回执".to_string(),
            format!("{}：", agency.name.trim()),
            format!(
                "本人（本单位）已收到贵机关{}，对公开“{}”的意见如下（请在相应方框内打“√”）：",
                letter_ref(LetterKind::ConsultationThirdParty.title_zh()),
                clause(matter)
            ),
            "□ 同意公开。".to_string(),
            "□ 不同意公开。理由（请具体说明公开将对哪些合法权益造成何种损害）：".to_string(),
        ]
        .into_iter()
        .chain(lines)
        .chain([
            format!("签名（盖章）：{blank}"),
            format!("联系电话：{blank}"),
            "日期：        年    月    日".to_string(),
        ])
        .collect(),
        ConsultationKind::Agency => vec![
            "征求意见回执".to_string(),
            format!("{}：", agency.name.trim()),
            format!(
                "本机关已收到贵机关{}，对公开“{}”的意见如下（请在相应方框内打“√”）：",
                letter_ref(LetterKind::ConsultationAgency.title_zh()),
                clause(matter)
            ),
            "□ 同意公开。".to_string(),
            "□ 不同意公开。理由及依据：".to_string(),
        ]
        .into_iter()
        .chain(lines)
        .chain([
            format!("联系人：{blank}"),
            format!("联系电话：{blank}"),
            "（盖章）        年    月    日".to_string(),
        ])
        .collect(),
    }
}

/// What a withheld answer says the information is, in the terms of art. 14-16.
fn withheld_ground(outcome: Outcome) -> Option<&'static str> {
    use Outcome::*;
    Some(match outcome {
        WithheldStateSecret => "国家秘密",
        WithheldProhibitedByLaw => "法律、行政法规禁止公开的政府信息",
        WithheldSecurityStability => {
            "公开后可能危及国家安全、公共安全、经济安全、社会稳定的政府信息"
        }
        WithheldThirdParty => "涉及商业秘密、个人隐私等，公开会对第三方合法权益造成损害的政府信息",
        WithheldInternalAffairs => "人事管理、后勤管理、内部工作流程等内部事务信息",
        WithheldProcessInfo => "行政机关在履行行政管理职能过程中形成的过程性信息",
        WithheldEnforcementFile => "行政执法案卷信息",
        _ => return None,
    })
}

fn answer(case: &CaseInfo, a: &AnswerInput, review_body: &str) -> Result<Vec<String>, LetterError> {
    use Outcome::*;
    let outcome = a.outcome;
    let findings = a.findings.trim();
    let reasons = a.reasons.trim();
    let how = a.how_provided.trim();
    let extra = clause(&a.extra_basis);
    let basis = match (outcome.legal_basis_zh(), extra) {
        ("", "") => return Err(LetterError::MissingAnswerText("extra_basis")),
        (own, "") => own.to_string(),
        ("", extra) => extra.to_string(),
        (own, extra) => format!("{own}、{extra}"),
    };
    let by_law = |decision: &str| format!("根据{basis}的规定，{decision}");

    let mut p = vec![opening(case)];
    if !findings.is_empty() {
        p.push(if findings.starts_with('经') {
            sentence(findings)
        } else {
            sentence(&format!("经查，{findings}"))
        });
    }
    // Each arm states the decision with its basis and records whether it used the optional
    // texts, so that text the clerk typed is never silently dropped.
    let mut used_reasons = false;
    let mut used_how = false;
    let mut push_reasons = |p: &mut Vec<String>, lead: &str| {
        if !reasons.is_empty() {
            p.push(sentence(&format!("{lead}{reasons}")));
        }
        used_reasons = true;
    };
    match outcome {
        DisclosedAlreadyPublic => {
            let how = required(how, "how_provided")?;
            used_how = true;
            p.push(sentence(&format!(
                "您申请获取的信息属于本机关已主动公开的政府信息。{}",
                by_law(&format!("现告知您获取该信息的方式和途径：{how}"))
            )));
        }
        Disclosed => {
            let how = required(how, "how_provided")?;
            used_how = true;
            push_reasons(&mut p, "");
            p.push(format!(
                "您申请获取的信息属于可以公开的政府信息。{}",
                by_law("本机关决定予以公开。")
            ));
            p.push(sentence(&format!("提供方式如下：{how}")));
        }
        Partial => {
            required(reasons, "reasons")?;
            let how = required(how, "how_provided")?;
            used_how = true;
            p.push(
                "经审查，您申请获取的信息中含有不应当公开或者不属于政府信息的内容，能够作区分处理。"
                    .to_string(),
            );
            push_reasons(&mut p, "不予公开的内容及理由如下：");
            p.push(by_law(
                "本机关决定向您提供可以公开的内容，对上述内容不予公开。",
            ));
            p.push(sentence(&format!("可以公开内容的提供方式如下：{how}")));
        }
        WithheldAdminQuery => {
            let how = required(how, "how_provided")?;
            used_how = true;
            push_reasons(&mut p, "");
            p.push(sentence(&format!(
                "您申请获取的信息属于有关法律、行政法规对信息获取有特别规定的信息。{}",
                by_law(&format!(
                    "请您依照有关法律、行政法规的规定办理，办理途径如下：{how}"
                ))
            )));
        }
        o @ (WithheldStateSecret
        | WithheldProhibitedByLaw
        | WithheldSecurityStability
        | WithheldThirdParty
        | WithheldInternalAffairs
        | WithheldProcessInfo
        | WithheldEnforcementFile) => {
            required(reasons, "reasons")?;
            push_reasons(&mut p, "");
            let ground = withheld_ground(o).unwrap_or_default();
            p.push(by_law(&format!(
                "您申请获取的信息属于{ground}，本机关决定不予公开。"
            )));
        }
        NotHeldNonexistent => {
            required(findings, "findings")?;
            push_reasons(&mut p, "");
            p.push(by_law("现告知您：您申请获取的政府信息不存在。"));
        }
        NotHeldOtherAgency => {
            required(reasons, "reasons")?;
            let other = clause(required(&a.other_agency, "other_agency")?);
            push_reasons(&mut p, "");
            p.push(format!(
                "{}负责公开该信息的行政机关为{other}，您可以向该机关提出申请。",
                by_law("您申请获取的信息不属于本机关负责公开的政府信息。")
            ));
        }
        NeedsCompilation => {
            push_reasons(&mut p, "");
            p.push(format!(
                "本机关没有您申请获取的现成信息，需要对现有政府信息进行加工、分析方能形成。{}",
                by_law("本机关不予提供。")
            ));
        }
        UnclearAfterCorrection => {
            notice_required(case)?;
            let reasons = clause(required(reasons, "reasons")?);
            used_reasons = true;
            p.push(format!(
                "经审查，您补正后的申请内容仍不明确：{reasons}。{}",
                by_law("本机关无法确定您所需要的政府信息，无法向您提供。")
            ));
        }
        OtherCorrectionOverdue => {
            notice_required(case)?;
            push_reasons(&mut p, "该告知书要求补正的事项为：");
            p.push(format!(
                "截至补正期限届满，本机关未收到您补正后的申请，您也未说明逾期的正当理由。{}",
                by_law("您的申请视为放弃，本机关不再处理该政府信息公开申请。")
            ));
        }
        NotProcessedPetition => {
            let how = required(how, "how_provided")?;
            used_how = true;
            push_reasons(&mut p, "");
            p.push(format!(
                "您提交的申请，实质是以政府信息公开申请的形式提出信访、投诉、举报等诉求。{}",
                by_law("本机关不将其作为政府信息公开申请处理。")
            ));
            p.push(sentence(&format!("您可以通过以下渠道提出：{how}")));
        }
        NotProcessedRepeat => {
            let (no, on) = a
                .earlier_answer
                .as_ref()
                .filter(|(no, _)| !no.trim().is_empty())
                .ok_or(LetterError::MissingAnswerText("earlier_answer"))?;
            push_reasons(&mut p, "");
            p.push(format!(
                "本机关已于{}对您申请获取相同政府信息的申请作出答复（{}），您本次申请获取的信息与该次\
                 申请相同。{}",
                format_date_zh(*on),
                no.trim(),
                by_law("本机关不予重复处理。")
            ));
        }
        NotProcessedPublication => {
            let how = required(how, "how_provided")?;
            used_how = true;
            push_reasons(&mut p, "");
            p.push(sentence(&format!(
                "您申请获取的是政府公报、报刊、书籍等公开出版物。{}",
                by_law(&format!(
                    "本机关不将其作为政府信息公开申请处理，现告知您获取途径：{how}"
                ))
            )));
        }
        NotProcessedExcessive => {
            required(reasons, "reasons")?;
            push_reasons(&mut p, "");
            p.push(by_law("本机关认为您的申请理由不合理，对您的申请不予处理。"));
        }
        NotProcessedConfirmation => {
            required(reasons, "reasons")?;
            p.push(
                "您的申请是要求本机关对您已获取的信息予以确认或者重新出具，不属于申请获取政府信息。"
                    .to_string(),
            );
            push_reasons(&mut p, "");
            p.push(by_law("本机关不将其作为政府信息公开申请处理。"));
        }
        OtherFeeUnpaid => {
            required(findings, "findings")?;
            push_reasons(&mut p, "");
            p.push(format!(
                "截至缴费期限届满，您未缴纳信息处理费。{}",
                by_law("您的申请视为放弃，本机关不再处理该政府信息公开申请。")
            ));
        }
        Other => {
            required(reasons, "reasons")?;
            push_reasons(&mut p, "");
            p.push(format!("本机关依据{basis}作出上述处理。"));
        }
    }
    if !used_reasons && !reasons.is_empty() {
        p.push(sentence(reasons));
    }
    if !used_how && !how.is_empty() {
        p.push(sentence(how));
    }
    p.push(remedies_paragraph(outcome.remedy(), review_body));
    p.push("特此告知。".to_string());
    Ok(p)
}

/// Answers that rest on the correction procedure must cite the notice (number and date),
/// which the opening prints from the case.
fn notice_required(case: &CaseInfo) -> Result<(), LetterError> {
    match &case.correction_notice {
        Some((no, _)) if !no.trim().is_empty() => Ok(()),
        _ => Err(LetterError::MissingAnswerText("correction_notice")),
    }
}

/// What of a case, besides the letter's kind, its specific part is taken from.
pub struct Source<'a> {
    pub facts: &'a Facts,
    pub events: &'a [Event],
    /// The deadline engine's date now; none while the clock stands still.
    pub due_on: Option<NaiveDate>,
    /// Letters already issued: id, title, document number.
    pub issued: &'a [(i64, String, Option<String>)],
    pub requester_address: &'a str,
    /// Working days to pay a fee (an office setting, 20 by the fee measures).
    pub fee_payment_days: u32,
}

/// The part of a letter of `kind` that comes from the case's history: which event
/// calls for it and what it says. The error is a message-catalogue key.
pub fn specific_for(kind: LetterKind, src: &Source) -> Result<Specific, &'static str> {
    let last = |f: &dyn Fn(&Event) -> bool| src.events.iter().rev().find(|e| f(e)).cloned();
    let specific = match kind {
        LetterKind::Receipt => Specific::Receipt,
        LetterKind::CorrectionNotice => {
            match last(&|e| matches!(e, Event::CorrectionRequested { .. })) {
                Some(Event::CorrectionRequested { items, due, .. }) => {
                    Specific::Correction { items, due }
                }
                _ => return Err("letter-not-called-for"),
            }
        }
        LetterKind::ExtensionNotice => {
            let reason = match last(&|e| matches!(e, Event::ExtensionRequested { .. })) {
                Some(Event::ExtensionRequested { reason, .. }) => reason,
                _ => String::new(),
            };
            match last(&|e| matches!(e, Event::ExtensionApproved { .. })) {
                // The engine's date now: none while the clock stands still.
                Some(Event::ExtensionApproved { days, .. }) => Specific::Extension {
                    new_due: src.due_on,
                    days,
                    reason,
                },
                _ => return Err("letter-not-called-for"),
            }
        }
        LetterKind::ConsultationThirdParty
        | LetterKind::ConsultationAgency
        | LetterKind::ConsultationApplicantNotice => {
            let want = match kind {
                LetterKind::ConsultationThirdParty => Some(ConsultationKind::ThirdParty),
                LetterKind::ConsultationAgency => Some(ConsultationKind::Agency),
                _ => None,
            };
            let found = last(
                &|e| matches!(e, Event::ConsultationStarted { consultation, .. } if want.is_none_or(|w| w == *consultation)),
            );
            let Some(Event::ConsultationStarted {
                consultation,
                party,
                matter,
                why,
                ..
            }) = found
            else {
                return Err("letter-not-called-for");
            };
            match kind {
                LetterKind::ConsultationThirdParty => {
                    Specific::ConsultationThirdParty { party, matter, why }
                }
                LetterKind::ConsultationAgency => Specific::ConsultationAgency { party, matter },
                _ => Specific::ConsultationApplicantNotice {
                    party_kind: consultation,
                },
            }
        }
        LetterKind::ReasonsRequest => {
            match last(&|e| matches!(e, Event::ReasonsRequested { .. })) {
                Some(Event::ReasonsRequested { note, .. }) => Specific::ReasonsRequest { note },
                _ => return Err("letter-not-called-for"),
            }
        }
        LetterKind::LaterDeadlineNotice => {
            match last(&|e| matches!(e, Event::DeadlineSet { .. })) {
                Some(Event::DeadlineSet {
                    due,
                    reason,
                    applicant_reasons,
                    ..
                }) => Specific::LaterDeadline {
                    due,
                    reason,
                    applicant_reasons,
                },
                _ => return Err("letter-not-called-for"),
            }
        }
        LetterKind::FeeNotice => match last(&|e| matches!(e, Event::FeeProposed { .. })) {
            Some(Event::FeeProposed {
                method,
                units,
                how_to_pay,
                ..
            }) => Specific::FeeNotice {
                method,
                units,
                how_to_pay,
                days_to_pay: src.fee_payment_days,
            },
            _ => return Err("letter-not-called-for"),
        },
        LetterKind::ThirdPartyDisclosure => {
            let objected = src.events.iter().rev().find_map(|e| match e {
                Event::ConsultationStarted {
                    consultation: ConsultationKind::ThirdParty,
                    party,
                    matter,
                    on,
                    ..
                } => Some((party.clone(), matter.clone(), *on)),
                _ => None,
            });
            match (objected, src.facts.decision.clone()) {
                (Some((party, matter, consulted_on)), Some(d)) => Specific::ThirdPartyDisclosure {
                    party,
                    matter,
                    consulted_on,
                    public_interest: d.public_interest,
                },
                _ => return Err("letter-not-called-for"),
            }
        }
        LetterKind::Answer => {
            let Some(d) = src.facts.decision.clone() else {
                return Err("letter-not-called-for");
            };
            // The specific ground (art. 14-16 or another law) before any further basis.
            let ground = super::outcome::ground_basis(d.outcome, d.ground, &d.ground_law);
            let extra_basis = [ground, d.extra_basis.trim().to_string()]
                .into_iter()
                .filter(|b| !b.is_empty())
                .collect::<Vec<_>>()
                .join("、");
            Specific::Answer(AnswerInput {
                outcome: d.outcome,
                findings: d.findings,
                reasons: d.reasons,
                how_provided: d.how_provided,
                extra_basis,
                earlier_answer: d.earlier_answer_on.map(|on| (d.earlier_answer.clone(), on)),
                other_agency: d.other_agency,
            })
        }
        LetterKind::DeliveryProof => {
            let Some(Event::Delivered {
                method,
                recipient,
                address,
                postal_tracking,
                letter_id,
                ..
            }) = last(&|e| matches!(e, Event::Delivered { .. }))
            else {
                return Err("letter-not-called-for");
            };
            let delivered = letter_id.and_then(|id| src.issued.iter().find(|l| l.0 == id));
            Specific::DeliveryProof {
                document: delivered.map(|l| l.1.clone()).unwrap_or_default(),
                doc_number: delivered.and_then(|l| l.2.clone()).unwrap_or_default(),
                // How many pages the letter printed on is known only once it is
                // printed (a long subject makes four): the clerk writes it in.
                pages: 0,
                method: delivery_method_zh(&method).to_string(),
                address: if address.is_empty() {
                    src.requester_address.to_string()
                } else {
                    address
                },
                recipient,
                staff: String::new(),
                postal_tracking,
            }
        }
    };
    Ok(specific)
}

/// How a letter was delivered, as the proof of delivery prints it.
pub fn delivery_method_zh(code: &str) -> &'static str {
    match code {
        "in_person" => "直接送达",
        "post" => "邮寄",
        "email" => "电子邮件",
        "fax" => "传真",
        "online" => "网上平台",
        _ => "其他",
    }
}

/// How many letters of a kind the history calls for: one per triggering event.
fn wanted(kind: LetterKind, events: &[Event]) -> usize {
    let count = |f: &dyn Fn(&Event) -> bool| events.iter().filter(|e| f(e)).count();
    match kind {
        LetterKind::Receipt => 1,
        LetterKind::CorrectionNotice => count(&|e| matches!(e, Event::CorrectionRequested { .. })),
        LetterKind::ExtensionNotice => count(&|e| matches!(e, Event::ExtensionApproved { .. })),
        LetterKind::ConsultationThirdParty => count(&|e| {
            matches!(
                e,
                Event::ConsultationStarted {
                    consultation: ConsultationKind::ThirdParty,
                    ..
                }
            )
        }),
        LetterKind::ConsultationAgency => count(&|e| {
            matches!(
                e,
                Event::ConsultationStarted {
                    consultation: ConsultationKind::Agency,
                    ..
                }
            )
        }),
        LetterKind::ConsultationApplicantNotice => {
            count(&|e| matches!(e, Event::ConsultationStarted { .. }))
        }
        LetterKind::Answer => count(&|e| matches!(e, Event::Decided(_))),
        LetterKind::ReasonsRequest => count(&|e| matches!(e, Event::ReasonsRequested { .. })),
        LetterKind::FeeNotice => count(&|e| matches!(e, Event::FeeApproved { .. })),
        LetterKind::LaterDeadlineNotice => count(&|e| matches!(e, Event::DeadlineSet { .. })),
        // Once per decision to disclose while a third party's objection stands (art. 32).
        LetterKind::ThirdPartyDisclosure => {
            let mut objection = false;
            let mut n = 0;
            for e in events {
                match e {
                    Event::ConsultationEnded { reply, .. } if reply == "objection" => {
                        objection = true
                    }
                    Event::Decided(d) if objection && d.outcome.discloses() => n += 1,
                    _ => {}
                }
            }
            n
        }
        LetterKind::DeliveryProof => count(&|e| matches!(e, Event::Delivered { .. })),
    }
}

/// Why a letter of `kind` that the case does not call for cannot be issued (a catalogue
/// key): an answer still under review is issued once it is signed off.
pub fn refusal(kind: LetterKind, facts: &Facts) -> &'static str {
    if kind == LetterKind::Answer && facts.draft.is_some() {
        "letter-under-review"
    } else {
        "letter-not-called-for"
    }
}

/// The date a letter of `kind` carries when it is not the day it is issued: an answer
/// that went through review is dated the day it was signed off (the review's last step),
/// which is the answer's legal date.
pub fn dated(kind: LetterKind, facts: &Facts) -> Option<NaiveDate> {
    match (&facts.decision, kind) {
        (Some(d), LetterKind::Answer) if facts.reviewed => Some(d.on),
        _ => None,
    }
}

/// The kinds of letter the case calls for now and has not had yet.
pub fn issuable(facts: &Facts, events: &[Event]) -> Vec<&'static str> {
    if facts.status == super::case::Status::Void {
        return Vec::new();
    }
    LetterKind::ALL
        .into_iter()
        .filter(|k| {
            let issued = facts.letters.iter().filter(|l| *l == k.code()).count();
            issued < wanted(*k, events)
        })
        .map(LetterKind::code)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    const REVIEW_BODY: &str = "常州市新北区人民政府";

    fn agency() -> AgencyInfo {
        AgencyInfo {
            name: "常州市新北区魏村街道办事处".into(),
            address: "常州市新北区魏村街道某路1号".into(),
            phone: "0519-12345678".into(),
            review_body: REVIEW_BODY.into(),
        }
    }

    fn case() -> CaseInfo {
        CaseInfo {
            tracking_no: "2025-0004".into(),
            requester_name: "张三".into(),
            received_on: d(2025, 3, 4),
            channel: Channel::Letter,
            subject: "2024年魏村街道某地块征收补偿方案".into(),
            rules: "2019".into(),
            correction_received_on: None,
            correction_notice: None,
        }
    }

    fn input(kind: LetterKind, specific: Specific) -> LetterInput {
        LetterInput {
            kind,
            doc_number: Some("常新魏依复〔2025〕4号".into()),
            issued_on: d(2025, 3, 28),
            agency: agency(),
            case: case(),
            specific,
        }
    }

    /// Every text filled, so that each outcome can compose.
    fn full_answer(outcome: Outcome) -> AnswerInput {
        AnswerInput {
            outcome,
            findings: "本机关在档案室和办公系统中以申请所述名称进行了检索".into(),
            reasons: "申请所涉补偿明细含有被征收人的身份证号码和银行账号".into(),
            how_provided: "以纸质形式邮寄，附件为补偿方案1份".into(),
            extra_basis: "《中华人民共和国个人信息保护法》第二十八条".into(),
            earlier_answer: Some(("常新魏依复〔2024〕9号".into(), d(2024, 11, 5))),
            other_agency: "常州市新北区住房和城乡建设局（电话：0519-87654321）".into(),
        }
    }

    fn answer_input(outcome: Outcome) -> LetterInput {
        let mut i = input(LetterKind::Answer, Specific::Answer(full_answer(outcome)));
        i.case.correction_notice = Some(("常新魏依补〔2025〕4号".into(), d(2025, 3, 6)));
        i.case.correction_received_on = Some(d(2025, 3, 12));
        i
    }

    fn text(l: &Letter) -> String {
        l.paragraphs.join("\n")
    }

    #[test]
    fn kinds_round_trip() {
        for k in LetterKind::ALL {
            assert_eq!(LetterKind::parse(k.code()), Some(k));
            assert!(!k.title_zh().is_empty());
        }
        assert_eq!(LetterKind::parse("fee_letter"), None);
        assert_eq!(LetterKind::FeeNotice.type_code(), Some("依收"));
        assert_eq!(LetterKind::Answer.type_code(), Some("依复"));
        assert_eq!(LetterKind::CorrectionNotice.type_code(), Some("依补"));
        assert_eq!(LetterKind::ExtensionNotice.type_code(), Some("依延"));
        assert_eq!(LetterKind::ConsultationAgency.type_code(), Some("依征"));
        assert_eq!(LetterKind::Receipt.type_code(), Some("依接"));
        assert_eq!(LetterKind::DeliveryProof.type_code(), None);
    }

    #[test]
    fn doc_numbers() {
        let p = "{prefix}{type}〔{year}〕{serial}号";
        assert_eq!(
            format_doc_number(p, "常新魏", "依复", 2025, 4),
            "常新魏依复〔2025〕4号"
        );
        assert_eq!(
            format_doc_number(p, "常新魏", "依补", 2025, 120),
            "常新魏依补〔2025〕120号"
        );
        assert_eq!(
            format_doc_number(
                "{prefix}{type}〔{year}〕第{serial}号",
                "常新魏",
                "依复",
                2025,
                4
            ),
            "常新魏依复〔2025〕第4号"
        );
        // Unknown placeholders and stray braces stay; values are not expanded again.
        assert_eq!(
            format_doc_number("{x}{prefix}-{serial}{", "{year}", "依复", 2025, 7),
            "{x}{year}-7{"
        );
    }

    #[test]
    fn dates_in_arabic_numerals() {
        assert_eq!(format_date_zh(d(2025, 3, 4)), "2025年3月4日");
        assert_eq!(format_date_zh(d(2024, 12, 31)), "2024年12月31日");
    }

    #[test]
    fn disclosed_answer_offers_review_or_suit() {
        let l = compose(&answer_input(Outcome::Disclosed)).unwrap();
        assert_eq!(l.title, "常州市新北区魏村街道办事处政府信息公开申请答复书");
        assert_eq!(l.addressee, "张三：");
        assert_eq!(l.doc_number.as_deref(), Some("常新魏依复〔2025〕4号"));
        assert_eq!(l.date, "2025年3月28日");
        assert_eq!(l.signature, "常州市新北区魏村街道办事处");
        assert!(
            l.paragraphs
                .contains(&remedies_paragraph(Remedy::ReviewOrSuit, REVIEW_BODY))
        );
        let t = text(&l);
        assert!(t.contains("6个月") && t.contains("60日") && t.contains(REVIEW_BODY));
        assert!(t.contains("以纸质形式邮寄"));
        assert_eq!(l.paragraphs.last().unwrap(), "特此告知。");
        // The opening identifies the request.
        assert!(l.paragraphs[0].starts_with("本机关于2025年3月4日收到您以信函方式提交"));
        assert!(l.paragraphs[0].contains("“2024年魏村街道某地块征收补偿方案”"));
        assert!(l.paragraphs[0].contains("常新魏依补〔2025〕4号"));
        assert!(l.paragraphs[0].contains("2025年3月12日收到您补正后的申请"));
    }

    #[test]
    fn refusals_require_review_first_and_never_offer_a_direct_suit() {
        for o in [Outcome::Partial, Outcome::WithheldThirdParty] {
            let l = compose(&answer_input(o)).unwrap();
            assert!(
                l.paragraphs
                    .contains(&remedies_paragraph(Remedy::ReviewFirst, REVIEW_BODY)),
                "{}",
                o.code()
            );
            let t = text(&l);
            assert!(
                !t.contains("6个月") && !t.contains("六个月"),
                "{}",
                o.code()
            );
            assert!(t.contains("15日内") && t.contains("60日内"));
            // The specific ground given by the clerk is cited with the outcome's own basis.
            assert!(t.contains("第二十八条"), "{}", o.code());
        }
        let t = text(&compose(&answer_input(Outcome::Partial)).unwrap());
        assert!(t.contains("不予公开的内容及理由如下：申请所涉补偿明细"));
    }

    #[test]
    fn admin_query_keeps_variant_b() {
        let l = compose(&answer_input(Outcome::WithheldAdminQuery)).unwrap();
        assert!(
            l.paragraphs
                .contains(&remedies_paragraph(Remedy::ReviewOrSuit, REVIEW_BODY))
        );
    }

    #[test]
    fn answers_need_a_review_body() {
        for body in ["", "  "] {
            let mut i = answer_input(Outcome::Disclosed);
            i.agency.review_body = body.into();
            assert_eq!(compose(&i), Err(LetterError::MissingReviewBody));
            // Other letters carry no remedies and do not need it.
            let mut r = input(LetterKind::Receipt, Specific::Receipt);
            r.agency.review_body = body.into();
            assert!(compose(&r).is_ok());
        }
    }

    #[test]
    fn every_outcome_composes_and_cites_its_basis() {
        for o in Outcome::ALL {
            let l = compose(&answer_input(o)).unwrap_or_else(|e| panic!("{}: {e}", o.code()));
            let t = text(&l);
            assert!(t.contains(o.legal_basis_zh()), "{}", o.code());
            assert!(t.contains("根据") || t.contains("依据"), "{}", o.code());
            assert!(t.contains(REVIEW_BODY), "{}", o.code());
            assert_eq!(
                t.contains("6个月"),
                o.remedy() == Remedy::ReviewOrSuit,
                "{}",
                o.code()
            );
        }
    }

    #[test]
    fn per_outcome_must_haves() {
        use Outcome::*;
        let t = |o| text(&compose(&answer_input(o)).unwrap());
        assert!(t(DisclosedAlreadyPublic).contains("以纸质形式邮寄"));
        assert!(t(NotHeldOtherAgency).contains("常州市新北区住房和城乡建设局"));
        let repeat = t(NotProcessedRepeat);
        assert!(repeat.contains("常新魏依复〔2024〕9号") && repeat.contains("2024年11月5日"));
        for o in [UnclearAfterCorrection, OtherCorrectionOverdue] {
            let s = t(o);
            assert!(s.contains("常新魏依补〔2025〕4号") && s.contains("2025年3月6日"));
        }
        assert!(t(OtherFeeUnpaid).contains("未缴纳信息处理费"));
        assert!(t(NotHeldNonexistent).contains("经查，本机关在档案室"));
        assert!(t(NotProcessedConfirmation).contains("第二十八条"));
    }

    #[test]
    fn missing_answer_texts_are_named() {
        use Outcome::*;
        let with = |o, f: fn(&mut AnswerInput)| {
            let mut a = full_answer(o);
            f(&mut a);
            let mut i = answer_input(o);
            i.specific = Specific::Answer(a);
            compose(&i)
        };
        let miss = LetterError::MissingAnswerText;
        assert_eq!(
            with(Disclosed, |a| a.how_provided.clear()),
            Err(miss("how_provided"))
        );
        assert_eq!(
            with(WithheldThirdParty, |a| a.reasons = " ".into()),
            Err(miss("reasons"))
        );
        assert_eq!(
            with(NotHeldOtherAgency, |a| a.other_agency.clear()),
            Err(miss("other_agency"))
        );
        assert_eq!(
            with(NotProcessedRepeat, |a| a.earlier_answer = None),
            Err(miss("earlier_answer"))
        );
        assert_eq!(
            with(NotHeldNonexistent, |a| a.findings.clear()),
            Err(miss("findings"))
        );
        assert_eq!(
            with(Other, |a| a.extra_basis.clear()),
            Err(miss("extra_basis"))
        );
        // Withheld grounds may stand on the outcome's own citation.
        assert!(with(WithheldStateSecret, |a| a.extra_basis.clear()).is_ok());
        let mut i = answer_input(OtherCorrectionOverdue);
        i.case.correction_notice = None;
        assert_eq!(compose(&i), Err(miss("correction_notice")));
    }

    #[test]
    fn correction_notice_lists_every_item_and_the_last_day() {
        let items = vec![
            "请写明所需信息的文件名称、文号或者其他特征描述".to_string(),
            "请说明所指地块的具体位置。".to_string(),
            "请提供申请人的联系电话".to_string(),
        ];
        let mut i = input(
            LetterKind::CorrectionNotice,
            Specific::Correction {
                items: items.clone(),
                due: d(2025, 3, 27),
            },
        );
        i.doc_number = Some("常新魏依补〔2025〕4号".into());
        let l = compose(&i).unwrap();
        assert_eq!(l.title, "政府信息公开申请补正告知书");
        assert_eq!(l.doc_number.as_deref(), Some("常新魏依补〔2025〕4号"));
        let t = text(&l);
        assert!(t.contains("（一）请写明所需信息的文件名称、文号或者其他特征描述；"));
        assert!(t.contains("（二）请说明所指地块的具体位置；"));
        assert!(t.contains("（三）请提供申请人的联系电话。"));
        assert!(t.contains("2025年3月27日"));
        assert!(t.contains("第三十条") && t.contains("视为放弃申请"));
        assert!(t.contains("重新计算") && t.contains("常州市新北区魏村街道某路1号"));
        assert_eq!(l.paragraphs.last().unwrap(), "特此告知。");

        i.specific = Specific::Correction {
            items: vec![" ".into()],
            due: d(2025, 3, 27),
        };
        assert_eq!(compose(&i), Err(LetterError::MissingAnswerText("items")));
    }

    #[test]
    fn kind_and_specific_must_agree() {
        let i = input(LetterKind::Answer, Specific::Receipt);
        assert_eq!(compose(&i), Err(LetterError::KindMismatch));
        let i = input(
            LetterKind::ConsultationAgency,
            Specific::ConsultationApplicantNotice {
                party_kind: ConsultationKind::Agency,
            },
        );
        assert_eq!(compose(&i), Err(LetterError::KindMismatch));
    }

    #[test]
    fn receipt_promises_nothing_and_carries_the_case_number() {
        let l = compose(&input(LetterKind::Receipt, Specific::Receipt)).unwrap();
        let t = text(&l);
        assert!(t.contains("2025年3月4日") && t.contains("2025-0004"));
        assert!(t.contains("不表示本机关已受理") && t.contains("20个工作日"));
    }

    #[test]
    fn receipt_is_numbered_in_its_own_series() {
        let code = LetterKind::Receipt.type_code().unwrap();
        let others: Vec<_> = LetterKind::ALL
            .into_iter()
            .filter(|k| *k != LetterKind::Receipt)
            .filter_map(LetterKind::type_code)
            .collect();
        assert!(!others.contains(&code), "shares a series with {others:?}");
        // Not the fee notice's code either (letters.md), for when that letter comes.
        assert_ne!(code, "依收");
        let n = format_doc_number(
            "{prefix}{type}〔{year}〕{serial}号",
            "常新魏",
            code,
            2025,
            4,
        );
        let mut i = input(LetterKind::Receipt, Specific::Receipt);
        i.doc_number = Some(format!(" {n} "));
        let l = compose(&i).unwrap();
        assert_eq!(l.doc_number.as_deref(), Some("常新魏依接〔2025〕4号"));
        // The number does not replace the case number, which the applicant quotes.
        assert!(text(&l).contains("登记编号为2025-0004"));
        // A draft not yet numbered prints without one.
        i.doc_number = None;
        assert_eq!(compose(&i).unwrap().doc_number, None);
    }

    #[test]
    fn extension_notice() {
        let l = compose(&input(
            LetterKind::ExtensionNotice,
            Specific::Extension {
                new_due: Some(d(2025, 4, 30)),
                days: 20,
                reason: "申请涉及的信息数量较多，需要调取历年档案。".into(),
            },
        ))
        .unwrap();
        let t = text(&l);
        assert!(t.contains("因申请涉及的信息数量较多，需要调取历年档案，"));
        assert!(t.contains("第三十三条第二款") && t.contains("2025年4月30日"));
    }

    #[test]
    fn extension_while_the_clock_stands_still_names_no_date() {
        let l = compose(&input(
            LetterKind::ExtensionNotice,
            Specific::Extension {
                new_due: None,
                days: 20,
                reason: "需征求第三方意见".into(),
            },
        ))
        .unwrap();
        let t = text(&l);
        assert!(t.contains("延长20个工作日"), "{t}");
        assert!(!t.contains("延长至") && !t.contains("，至"), "{t}");
    }

    #[test]
    fn cases_received_under_the_2008_regulation_get_its_periods() {
        let mut i = input(LetterKind::Receipt, Specific::Receipt);
        i.case.rules = "2008".into();
        let t = text(&compose(&i).unwrap());
        assert!(
            t.contains("国务院令第492号") && t.contains("第二十四条第二款"),
            "{t}"
        );
        assert!(t.contains("15个工作日") && !t.contains("20个工作日"), "{t}");
        let mut i = input(
            LetterKind::ExtensionNotice,
            Specific::Extension {
                new_due: Some(d(2019, 3, 29)),
                days: 15,
                reason: "数量较多".into(),
            },
        );
        i.case.rules = "2008".into();
        let t = text(&compose(&i).unwrap());
        assert!(
            t.contains("第二十四条第二款") && t.contains("延长15个工作日"),
            "{t}"
        );
        assert!(!t.contains("第三十三条"), "{t}");
    }

    #[test]
    fn article_35_letters() {
        let t = text(
            &compose(&input(
                LetterKind::ReasonsRequest,
                Specific::ReasonsRequest {
                    note: "您本月已提交申请52件".into(),
                },
            ))
            .unwrap(),
        );
        assert!(t.contains("第三十五条") && t.contains("说明申请理由") && t.contains("52件"));
        let l = compose(&input(
            LetterKind::LaterDeadlineNotice,
            Specific::LaterDeadline {
                due: d(2025, 6, 30),
                reason: "需调取十年档案".into(),
                applicant_reasons: "开展学术研究".into(),
            },
        ))
        .unwrap();
        let t = text(&l);
        assert!(
            t.contains("第三十五条") && t.contains("2025年6月30日") && t.contains("开展学术研究")
        );
        assert_eq!(LetterKind::LaterDeadlineNotice.type_code(), Some("依理"));
        assert!(l.doc_number.is_some());
    }

    #[test]
    fn the_third_party_is_told_of_a_disclosure_over_its_objection() {
        let l = compose(&input(
            LetterKind::ThirdPartyDisclosure,
            Specific::ThirdPartyDisclosure {
                party: "某某建材有限公司".into(),
                matter: "排污许可证载明的排放数据".into(),
                consulted_on: d(2025, 3, 10),
                public_interest: "排放数据关系周边居民健康".into(),
            },
        ))
        .unwrap();
        assert_eq!(l.addressee, "某某建材有限公司：");
        let t = text(&l);
        assert!(t.contains("第三十二条") && t.contains("决定予以公开") && t.contains("排放数据"));
        assert!(t.contains("周边居民健康") && t.contains(REVIEW_BODY), "{t}");
        assert!(!t.contains("张三"), "the third party is not told who asked");
    }

    #[test]
    fn the_history_says_what_each_letter_says() {
        use super::super::case::{self, Event};
        let intake = Event::Intake {
            received_on: d(2025, 3, 4),
            channel: "letter".into(),
            on_the_spot: false,
        };
        let asked = Event::ExtensionRequested {
            on: d(2025, 3, 20),
            reason: "数量较多".into(),
            by: 1,
        };
        let approved = Event::ExtensionApproved {
            on: d(2025, 3, 21),
            days: 20,
            new_due: None,
            by: 2,
        };
        let events = vec![intake, asked, approved];
        let facts = case::facts(&events);
        let src = |due_on| Source {
            facts: &facts,
            events: &events,
            due_on,
            issued: &[],
            requester_address: "某路1号",
            fee_payment_days: 20,
        };
        // The date printed is the engine's at issue: none while the clock stands still.
        assert_eq!(
            specific_for(LetterKind::ExtensionNotice, &src(None)),
            Ok(Specific::Extension {
                new_due: None,
                days: 20,
                reason: "数量较多".into()
            })
        );
        assert!(matches!(
            specific_for(LetterKind::ExtensionNotice, &src(Some(d(2025, 4, 30)))),
            Ok(Specific::Extension {
                new_due: Some(_),
                ..
            })
        ));
        // A letter its history does not call for is refused.
        assert_eq!(
            specific_for(LetterKind::CorrectionNotice, &src(None)),
            Err("letter-not-called-for")
        );
        assert_eq!(delivery_method_zh("post"), "邮寄");
    }

    #[test]
    fn the_fee_notice_states_basis_tiers_amount_and_time() {
        let t = text(
            &compose(&input(
                LetterKind::FeeNotice,
                Specific::FeeNotice {
                    method: "per_volume".into(),
                    units: 120,
                    how_to_pay: "凭本通知书到本机关财务室缴纳".into(),
                    days_to_pay: 20,
                },
            ))
            .unwrap(),
        );
        assert!(
            t.contains("第四十二条") && t.contains("信息处理费管理办法"),
            "{t}"
        );
        assert!(t.contains("第31至100页，每页10.00元，计700.00元"), "{t}");
        assert!(t.contains("第101至120页，每页20.00元，计400.00元"), "{t}");
        assert!(t.contains("合计1100.00元") && t.contains("财务室"), "{t}");
        assert!(
            t.contains("次日起20个工作日内") && t.contains("视为放弃申请"),
            "{t}"
        );
    }

    #[test]
    fn consultations() {
        let l = compose(&input(
            LetterKind::ConsultationThirdParty,
            Specific::ConsultationThirdParty {
                party: "某某建材有限公司".into(),
                matter: "贵公司报送的环境影响评价报告中的生产工艺参数".into(),
                why: "该部分可能涉及贵公司的商业秘密".into(),
            },
        ))
        .unwrap();
        assert_eq!(l.addressee, "某某建材有限公司：");
        let t = text(&l);
        assert!(t.contains("第三十二条") && t.contains("自收到本意见书之日起15个工作日内"));
        // The period runs from the party's receipt, which the office cannot date in advance.
        assert!(!t.contains("即于"), "{t}");
        assert!(t.contains("商业秘密") && t.contains("逾期未提出意见的，由本机关"));
        assert!(!t.contains("张三"), "the third party is not told who asked");
        let slip = l.reply_slip.unwrap();
        assert!(slip.iter().any(|s| s.contains("同意公开")));
        assert!(slip.iter().any(|s| s.contains("理由")));
        assert!(slip.iter().any(|s| s.contains("年    月    日")));

        let l = compose(&input(
            LetterKind::ConsultationAgency,
            Specific::ConsultationAgency {
                party: "常州市新北区财政局".into(),
                matter: "2024年联合印发的补助资金分配方案".into(),
            },
        ))
        .unwrap();
        let t = text(&l);
        assert!(t.contains("第三十四条") && t.contains("视为同意"));
        assert!(l.reply_slip.is_some());

        for (kind, article) in [
            (ConsultationKind::ThirdParty, "第三十二条"),
            (ConsultationKind::Agency, "第三十四条"),
        ] {
            let l = compose(&input(
                LetterKind::ConsultationApplicantNotice,
                Specific::ConsultationApplicantNotice { party_kind: kind },
            ))
            .unwrap();
            let t = text(&l);
            assert!(t.contains(article) && t.contains("不计算在答复期限内"));
            assert_eq!(l.addressee, "张三：");
        }
    }

    #[test]
    fn delivery_proof_is_a_table() {
        let l = compose(&input(
            LetterKind::DeliveryProof,
            Specific::DeliveryProof {
                document: "政府信息公开申请答复书".into(),
                doc_number: "常新魏依复〔2025〕4号".into(),
                pages: 3,
                method: "邮寄（EMS）".into(),
                address: "常州市某路2号".into(),
                recipient: String::new(),
                staff: "李四".into(),
                postal_tracking: "1234567890123".into(),
            },
        ))
        .unwrap();
        assert_eq!(l.doc_number, None);
        let table = l.table.unwrap();
        let get = |k: &str| table.iter().find(|(l, _)| l == k).map(|(_, v)| v.as_str());
        assert_eq!(get("受送达人"), Some("张三"));
        assert_eq!(get("文号"), Some("常新魏依复〔2025〕4号"));
        assert_eq!(get("页数"), Some("共3页"));
        assert_eq!(get("邮件号码"), Some("1234567890123"));
        assert_eq!(get("送达人"), Some("李四"));
        assert_eq!(get("备注"), Some(""));
    }

    #[test]
    fn delivery_proof_leaves_unknown_pages_blank() {
        let l = compose(&input(
            LetterKind::DeliveryProof,
            Specific::DeliveryProof {
                document: "政府信息公开申请答复书".into(),
                doc_number: String::new(),
                pages: 0,
                method: "直接送达".into(),
                address: String::new(),
                recipient: String::new(),
                staff: String::new(),
                postal_tracking: String::new(),
            },
        ))
        .unwrap();
        let table = l.table.unwrap();
        let pages = table.iter().find(|(k, _)| k == "页数").unwrap();
        assert_eq!(
            pages
                .1
                .trim_start_matches('共')
                .trim_end_matches('页')
                .trim(),
            ""
        );
    }

    #[test]
    fn chinese_numbers() {
        let n: Vec<_> = [1, 9, 10, 11, 20, 21, 99].map(chinese_number).into();
        assert_eq!(n, ["一", "九", "十", "十一", "二十", "二十一", "九十九"]);
    }

    #[test]
    fn letters_are_called_for_once_per_triggering_event() {
        use crate::domain::case::{self, Event};
        let on = d(2024, 9, 27);
        let mut events = vec![Event::Intake {
            received_on: on,
            channel: "in_person".into(),
            on_the_spot: false,
        }];
        let f = case::facts(&events);
        assert_eq!(issuable(&f, &events), vec!["receipt"]);
        events.push(Event::CorrectionRequested {
            on,
            due: d(2024, 10, 22),
            items: vec!["x".into()],
            late_notice: false,
        });
        events.push(Event::LetterIssued {
            letter_id: 1,
            letter: "receipt".into(),
            doc_number: None,
        });
        assert_eq!(
            issuable(&case::facts(&events), &events),
            vec!["correction_notice"]
        );
        events.push(Event::LetterIssued {
            letter_id: 2,
            letter: "correction_notice".into(),
            doc_number: Some("x".into()),
        });
        assert!(issuable(&case::facts(&events), &events).is_empty());
        events.push(Event::Voided {
            on,
            reason: "x".into(),
        });
        assert!(issuable(&case::facts(&events), &events).is_empty());
    }
}
