//! Outcome codes and the other closed vocabularies of a case, with what each one means for
//! the annual report and the answer letter, plus the legal receipt date of an application.
//!
//! Codes are the stable identifiers stored in the database and used in URLs; labels are for
//! display only and may change.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The decision that closes a case. Exactly one per closed case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    DisclosedAlreadyPublic,
    Disclosed,
    Partial,
    WithheldStateSecret,
    WithheldProhibitedByLaw,
    WithheldSecurityStability,
    WithheldThirdParty,
    WithheldInternalAffairs,
    WithheldProcessInfo,
    WithheldEnforcementFile,
    WithheldAdminQuery,
    NotHeldOtherAgency,
    NotHeldNonexistent,
    NeedsCompilation,
    UnclearAfterCorrection,
    NotProcessedPetition,
    NotProcessedRepeat,
    NotProcessedPublication,
    NotProcessedExcessive,
    NotProcessedConfirmation,
    OtherCorrectionOverdue,
    OtherFeeUnpaid,
    Other,
}

/// Which remedies paragraph an answer letter carries (Administrative Reconsideration Law as
/// revised in 2024).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Remedy {
    /// Variant A: refusals under art. 14, 15 or 16, including the withheld part of a partial
    /// disclosure. Reconsideration must come first; a suit only after it.
    ReviewFirst,
    /// Variant B: reconsideration within 60 days or a suit within 6 months.
    ReviewOrSuit,
}

/// The statute cited in answer letters, for callers composing their own citations.
pub const REGULATION_ZH: &str = "《中华人民共和国政府信息公开条例》";

/// Prefixes provisions with the statute at compile time (`concat!` needs a literal).
macro_rules! regulation {
    ($articles:literal) => {
        concat!("《中华人民共和国政府信息公开条例》", $articles)
    };
}

impl Outcome {
    /// In the order of the rules, which is also the order of the report rows.
    pub const ALL: [Outcome; 23] = [
        Outcome::DisclosedAlreadyPublic,
        Outcome::Disclosed,
        Outcome::Partial,
        Outcome::WithheldStateSecret,
        Outcome::WithheldProhibitedByLaw,
        Outcome::WithheldSecurityStability,
        Outcome::WithheldThirdParty,
        Outcome::WithheldInternalAffairs,
        Outcome::WithheldProcessInfo,
        Outcome::WithheldEnforcementFile,
        Outcome::WithheldAdminQuery,
        Outcome::NotHeldOtherAgency,
        Outcome::NotHeldNonexistent,
        Outcome::NeedsCompilation,
        Outcome::UnclearAfterCorrection,
        Outcome::NotProcessedPetition,
        Outcome::NotProcessedRepeat,
        Outcome::NotProcessedPublication,
        Outcome::NotProcessedExcessive,
        Outcome::NotProcessedConfirmation,
        Outcome::OtherCorrectionOverdue,
        Outcome::OtherFeeUnpaid,
        Outcome::Other,
    ];

    pub fn code(self) -> &'static str {
        use Outcome::*;
        match self {
            DisclosedAlreadyPublic => "disclosed_already_public",
            Disclosed => "disclosed",
            Partial => "partial",
            WithheldStateSecret => "withheld_state_secret",
            WithheldProhibitedByLaw => "withheld_prohibited_by_law",
            WithheldSecurityStability => "withheld_security_stability",
            WithheldThirdParty => "withheld_third_party",
            WithheldInternalAffairs => "withheld_internal_affairs",
            WithheldProcessInfo => "withheld_process_info",
            WithheldEnforcementFile => "withheld_enforcement_file",
            WithheldAdminQuery => "withheld_admin_query",
            NotHeldOtherAgency => "not_held_other_agency",
            NotHeldNonexistent => "not_held_nonexistent",
            NeedsCompilation => "needs_compilation",
            UnclearAfterCorrection => "unclear_after_correction",
            NotProcessedPetition => "not_processed_petition",
            NotProcessedRepeat => "not_processed_repeat",
            NotProcessedPublication => "not_processed_publication",
            NotProcessedExcessive => "not_processed_excessive",
            NotProcessedConfirmation => "not_processed_confirmation",
            OtherCorrectionOverdue => "other_correction_overdue",
            OtherFeeUnpaid => "other_fee_unpaid",
            Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Outcome::ALL.into_iter().find(|o| o.code() == s)
    }

    /// The code or the Chinese label (`label_zh`), for imported spreadsheets.
    pub fn parse_or_label(s: &str) -> Option<Self> {
        let s = s.trim();
        Outcome::ALL
            .into_iter()
            .find(|o| o.code() == s || o.label_zh() == s)
    }

    /// Short label in the wording of the 2021 report table, prefixed by its group.
    pub fn label_zh(self) -> &'static str {
        use Outcome::*;
        match self {
            DisclosedAlreadyPublic => "予以公开：已主动公开",
            Disclosed => "予以公开",
            Partial => "部分公开",
            WithheldStateSecret => "不予公开：属于国家秘密",
            WithheldProhibitedByLaw => "不予公开：其他法律行政法规禁止公开",
            WithheldSecurityStability => "不予公开：危及“三安全一稳定”",
            WithheldThirdParty => "不予公开：保护第三方合法权益",
            WithheldInternalAffairs => "不予公开：属于三类内部事务信息",
            WithheldProcessInfo => "不予公开：属于四类过程性信息",
            WithheldEnforcementFile => "不予公开：属于行政执法案卷",
            WithheldAdminQuery => "不予公开：属于行政查询事项",
            NotHeldOtherAgency => "无法提供：不属于本机关负责公开",
            NotHeldNonexistent => "无法提供：信息不存在",
            NeedsCompilation => "无法提供：没有现成信息需要另行制作",
            UnclearAfterCorrection => "无法提供：补正后申请内容仍不明确",
            NotProcessedPetition => "不予处理：信访举报投诉类申请",
            NotProcessedRepeat => "不予处理：重复申请",
            NotProcessedPublication => "不予处理：要求提供公开出版物",
            NotProcessedExcessive => "不予处理：无正当理由大量反复申请",
            NotProcessedConfirmation => "不予处理：要求确认或重新出具已获取信息",
            OtherCorrectionOverdue => "其他处理：逾期不补正",
            OtherFeeUnpaid => "其他处理：逾期未缴纳信息处理费",
            Other => "其他处理：其他",
        }
    }

    /// Only refusals resting on art. 14-16 need reconsideration first. An administrative
    /// query (art. 36(7)) is reported under 不予公开 but is not such a refusal, so it keeps
    /// variant B.
    pub fn remedy(self) -> Remedy {
        use Outcome::*;
        match self {
            Partial
            | WithheldStateSecret
            | WithheldProhibitedByLaw
            | WithheldSecurityStability
            | WithheldThirdParty
            | WithheldInternalAffairs
            | WithheldProcessInfo
            | WithheldEnforcementFile => Remedy::ReviewFirst,
            _ => Remedy::ReviewOrSuit,
        }
    }

    /// The provisions the answer letter cites, down to paragraph and item: courts treat a
    /// decision that names no specific provision as having no legal basis. For `Partial` the
    /// letter must add the ground (art. 14, 15 or 16) of each withheld part. Empty where no
    /// provision fits (`Other`, and `NotProcessedConfirmation`, which only the report format
    /// names): the letter's author must supply one.
    pub fn legal_basis_zh(self) -> &'static str {
        use Outcome::*;
        match self {
            DisclosedAlreadyPublic => regulation!("第三十六条第（一）项"),
            Disclosed => regulation!("第三十六条第（二）项、第四十条"),
            Partial => regulation!("第三十七条、第三十六条第（二）项、第（三）项"),
            WithheldStateSecret | WithheldProhibitedByLaw | WithheldSecurityStability => {
                regulation!("第三十六条第（三）项、第十四条")
            }
            WithheldThirdParty => regulation!("第三十六条第（三）项、第十五条"),
            WithheldInternalAffairs => regulation!("第三十六条第（三）项、第十六条第一款"),
            WithheldProcessInfo | WithheldEnforcementFile => {
                regulation!("第三十六条第（三）项、第十六条第二款")
            }
            WithheldAdminQuery => regulation!("第三十六条第（七）项"),
            NotHeldNonexistent => regulation!("第三十六条第（四）项"),
            NotHeldOtherAgency => regulation!("第三十六条第（五）项、第十条"),
            NeedsCompilation => regulation!("第三十八条"),
            UnclearAfterCorrection | OtherCorrectionOverdue => regulation!("第三十条"),
            NotProcessedRepeat => regulation!("第三十六条第（六）项"),
            NotProcessedPetition => regulation!("第三十九条第一款"),
            NotProcessedPublication => regulation!("第三十九条第二款"),
            NotProcessedExcessive => regulation!("第三十五条"),
            OtherFeeUnpaid => {
                "《中华人民共和国政府信息公开条例》第四十二条、《政府信息公开信息处理费管理办法》"
            }
            NotProcessedConfirmation | Other => "",
        }
    }

    /// Counted as 不予公开 in every report profile: all `withheld_*` codes. A partial
    /// disclosure is not, since the reports count it only as partial.
    /// Refusals and partial disclosures must give their reasons (art. 36(3), 37).
    pub fn needs_reasons(self) -> bool {
        self.is_refusal() || self == Outcome::Partial
    }

    pub fn is_refusal(self) -> bool {
        self.code().starts_with("withheld_")
    }

    /// The grounds a decision with this outcome may name; it must name one when the list
    /// is not empty (partial disclosures and every refusal).
    pub fn grounds(self) -> &'static [Ground] {
        use Outcome::*;
        match self {
            Partial => &Ground::ALL,
            WithheldStateSecret | WithheldSecurityStability => &[Ground::Art14],
            WithheldProhibitedByLaw | WithheldAdminQuery => &[Ground::OtherLaw],
            WithheldThirdParty => &[Ground::Art15],
            WithheldInternalAffairs => &[Ground::Art16Para1],
            WithheldProcessInfo | WithheldEnforcementFile => &[Ground::Art16Para2],
            _ => &[],
        }
    }

    /// The fields of the decision form this outcome uses (besides the outcome, the date and
    /// the delivery method), following what its answer letter must contain (letters.md).
    pub fn form_fields(self) -> Vec<&'static str> {
        use Outcome::*;
        let mut f = vec!["findings", "extra_basis"];
        if self.needs_reasons()
            || matches!(
                self,
                NotHeldOtherAgency
                    | UnclearAfterCorrection
                    | NotProcessedExcessive
                    | NotProcessedConfirmation
                    | Other
            )
        {
            f.push("reasons");
        }
        if matches!(
            self,
            DisclosedAlreadyPublic
                | Disclosed
                | Partial
                | WithheldAdminQuery
                | NotProcessedPetition
                | NotProcessedPublication
        ) {
            f.push("how_provided");
        }
        if self == NotHeldOtherAgency {
            f.push("other_agency");
        }
        if self == NotProcessedRepeat {
            f.push("earlier_answer");
        }
        if !self.grounds().is_empty() {
            f.push("ground");
        }
        if self.grounds().contains(&Ground::OtherLaw) {
            f.push("ground_law");
        }
        if self.discloses() {
            f.push("public_interest");
        }
        f
    }

    /// Whether the information is (at least partly) given out: over a third party's
    /// objection that needs the letter of art. 32 to the third party.
    pub fn discloses(self) -> bool {
        matches!(self, Outcome::Disclosed | Outcome::Partial)
    }
}

/// The specific provision a refusal or a partial disclosure rests on (art. 36(3), 37):
/// naming only "art. 14-16" is no basis. Chosen from this list on the decision form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Ground {
    /// State secrets, disclosure forbidden by law, security and stability.
    Art14,
    /// Trade secrets, privacy and other third-party rights.
    Art15,
    /// Internal affairs (personnel, logistics, internal workflow).
    Art16Para1,
    /// Process information and administrative enforcement files.
    Art16Para2,
    /// Another law or administrative regulation, named with its article.
    OtherLaw,
}

impl Ground {
    pub const ALL: [Ground; 5] = [
        Ground::Art14,
        Ground::Art15,
        Ground::Art16Para1,
        Ground::Art16Para2,
        Ground::OtherLaw,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Ground::Art14 => "art14",
            Ground::Art15 => "art15",
            Ground::Art16Para1 => "art16_1",
            Ground::Art16Para2 => "art16_2",
            Ground::OtherLaw => "other_law",
        }
    }

    pub fn parse(s: &str) -> Option<Ground> {
        Self::ALL.into_iter().find(|g| g.code() == s)
    }

    /// The citation as an answer letter prints it; `law` is the other law with its article.
    pub fn citation_zh(self, law: &str) -> String {
        match self {
            Ground::Art14 => regulation!("第十四条").into(),
            Ground::Art15 => regulation!("第十五条").into(),
            Ground::Art16Para1 => regulation!("第十六条第一款").into(),
            Ground::Art16Para2 => regulation!("第十六条第二款").into(),
            Ground::OtherLaw => law.trim().into(),
        }
    }
}

/// Why a ground given on a decision is refused (message-catalogue keys).
pub fn check_ground(
    outcome: Outcome,
    ground: Option<Ground>,
    law: &str,
) -> Result<(), (&'static str, &'static str)> {
    let allowed = outcome.grounds();
    match ground {
        None if allowed.is_empty() => Ok(()),
        None => Err(("ground", "decision-ground-required")),
        Some(g) if !allowed.contains(&g) => Err(("ground", "decision-ground-not-for-outcome")),
        // Another law counts only with its name and article, e.g. 《…法》第二十条.
        Some(Ground::OtherLaw)
            if !(law.contains('《') && law.contains('第') && law.contains('条')) =>
        {
            Err(("ground_law", "decision-ground-law-required"))
        }
        Some(_) => Ok(()),
    }
}

/// The citation a ground adds to the outcome's own basis, or nothing when the outcome's
/// basis already names it (a state secret cites art. 14 by itself).
pub fn ground_basis(outcome: Outcome, ground: Option<Ground>, law: &str) -> String {
    let Some(g) = ground else {
        return String::new();
    };
    let own = outcome.legal_basis_zh();
    let cited = g.citation_zh(law);
    let article = cited.trim_start_matches(regulation!(""));
    if g != Ground::OtherLaw && own.contains(article) {
        String::new()
    } else {
        cited
    }
}

/// The requester columns of the annual report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RequesterType {
    NaturalPerson,
    Enterprise,
    ResearchInstitution,
    PublicInterestOrg,
    LegalServices,
    OtherOrg,
}

impl RequesterType {
    pub const ALL: [RequesterType; 6] = [
        RequesterType::NaturalPerson,
        RequesterType::Enterprise,
        RequesterType::ResearchInstitution,
        RequesterType::PublicInterestOrg,
        RequesterType::LegalServices,
        RequesterType::OtherOrg,
    ];

    pub fn code(self) -> &'static str {
        match self {
            RequesterType::NaturalPerson => "natural_person",
            RequesterType::Enterprise => "enterprise",
            RequesterType::ResearchInstitution => "research_institution",
            RequesterType::PublicInterestOrg => "public_interest_org",
            RequesterType::LegalServices => "legal_services",
            RequesterType::OtherOrg => "other_org",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            RequesterType::NaturalPerson => "自然人",
            RequesterType::Enterprise => "商业企业",
            RequesterType::ResearchInstitution => "科研机构",
            RequesterType::PublicInterestOrg => "社会公益组织",
            RequesterType::LegalServices => "法律服务机构",
            RequesterType::OtherOrg => "其他",
        }
    }

    /// Accepts the code or the Chinese label, so imported spreadsheets need no mapping.
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim();
        Self::ALL
            .into_iter()
            .find(|t| t.code() == s || t.label_zh() == s)
    }
}

/// How an application arrived; it decides the legal receipt date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// Handed in at the office, including oral applications written down by the office.
    InPerson,
    Fax,
    /// Web portal or e-mail.
    Online,
    Letter,
    Other,
}

impl Channel {
    /// In the order the reports list channels.
    pub const ALL: [Channel; 5] = [
        Channel::InPerson,
        Channel::Fax,
        Channel::Online,
        Channel::Letter,
        Channel::Other,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Channel::InPerson => "in_person",
            Channel::Fax => "fax",
            Channel::Online => "online",
            Channel::Letter => "letter",
            Channel::Other => "other",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Channel::InPerson => "当面",
            Channel::Fax => "传真",
            Channel::Online => "网络",
            Channel::Letter => "信函",
            Channel::Other => "其他",
        }
    }

    /// Accepts the code or the Chinese label.
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim();
        Self::ALL
            .into_iter()
            .find(|c| c.code() == s || c.label_zh() == s)
    }
}

/// How a reconsideration or lawsuit ended; pending cases have none yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AppealResult {
    /// 维持, including claims dismissed on the merits.
    Upheld,
    /// 纠正: revoked, changed, ordered to act again, or confirmed unlawful.
    Corrected,
    /// Withdrawn, dismissed on procedure, mediated, terminated.
    Other,
}

impl AppealResult {
    pub const ALL: [AppealResult; 3] = [
        AppealResult::Upheld,
        AppealResult::Corrected,
        AppealResult::Other,
    ];

    pub fn code(self) -> &'static str {
        match self {
            AppealResult::Upheld => "upheld",
            AppealResult::Corrected => "corrected",
            AppealResult::Other => "other",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            AppealResult::Upheld => "维持",
            AppealResult::Corrected => "纠正",
            AppealResult::Other => "其他",
        }
    }

    /// Accepts the code or the Chinese label.
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim();
        Self::ALL
            .into_iter()
            .find(|r| r.code() == s || r.label_zh() == s)
    }
}

/// Why a legal receipt date cannot be determined from what was entered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReceiptError {
    /// Ordinary post, online and fax count from the day both sides confirm.
    ConfirmationRequired,
    /// Confirmation cannot precede the application's arrival.
    ConfirmationBeforeArrival,
}

impl std::fmt::Display for ReceiptError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            ReceiptError::ConfirmationRequired => {
                "this channel needs the date the receipt was confirmed with the applicant"
            }
            ReceiptError::ConfirmationBeforeArrival => {
                "the confirmation date is before the application arrived"
            }
        })
    }
}

impl std::error::Error for ReceiptError {}

/// The date the answer period runs from (art. 31), kept apart from the physical arrival.
///
/// - in person: the day it is handed in;
/// - signed-for letter: the day the agency signs for it, which is its arrival;
/// - ordinary letter, online, fax: the day receipt is confirmed with the applicant, which
///   must be given and cannot be before arrival;
/// - other: the day the office records, i.e. arrival unless a confirmation date is given.
pub fn legal_receipt_date(
    channel: Channel,
    letter_signed_for: bool,
    arrived_on: NaiveDate,
    confirmed_on: Option<NaiveDate>,
) -> Result<NaiveDate, ReceiptError> {
    let confirmed = |required: bool| match confirmed_on {
        Some(c) if c < arrived_on => Err(ReceiptError::ConfirmationBeforeArrival),
        Some(c) => Ok(c),
        None if required => Err(ReceiptError::ConfirmationRequired),
        None => Ok(arrived_on),
    };
    match channel {
        Channel::InPerson => Ok(arrived_on),
        Channel::Letter if letter_signed_for => Ok(arrived_on),
        Channel::Letter | Channel::Online | Channel::Fax => confirmed(true),
        Channel::Other => confirmed(false),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn outcome_codes_round_trip_and_are_unique() {
        for o in Outcome::ALL {
            assert_eq!(Outcome::parse(o.code()), Some(o));
            assert!(!o.label_zh().is_empty());
        }
        let mut codes: Vec<_> = Outcome::ALL.iter().map(|o| o.code()).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), 23);
        assert_eq!(Outcome::parse("withheld"), None);
        assert_eq!(Outcome::ALL[0], Outcome::DisclosedAlreadyPublic);
        assert_eq!(Outcome::ALL[22], Outcome::Other);
    }

    #[test]
    fn remedy_variants_follow_the_letters_table() {
        use Outcome::*;
        let review_first = [
            Partial,
            WithheldStateSecret,
            WithheldProhibitedByLaw,
            WithheldSecurityStability,
            WithheldThirdParty,
            WithheldInternalAffairs,
            WithheldProcessInfo,
            WithheldEnforcementFile,
        ];
        for o in Outcome::ALL {
            let expected = if review_first.contains(&o) {
                Remedy::ReviewFirst
            } else {
                Remedy::ReviewOrSuit
            };
            assert_eq!(o.remedy(), expected, "{}", o.code());
        }
        // An administrative query is reported as withheld but rests on art. 36(7).
        assert!(WithheldAdminQuery.is_refusal());
        assert_eq!(WithheldAdminQuery.remedy(), Remedy::ReviewOrSuit);
    }

    #[test]
    fn legal_basis_and_refusals() {
        use Outcome::*;
        assert_eq!(
            Disclosed.legal_basis_zh(),
            "《中华人民共和国政府信息公开条例》第三十六条第（二）项、第四十条"
        );
        assert_eq!(
            WithheldStateSecret.legal_basis_zh(),
            "《中华人民共和国政府信息公开条例》第三十六条第（三）项、第十四条"
        );
        assert!(
            WithheldProcessInfo
                .legal_basis_zh()
                .ends_with("第十六条第二款")
        );
        assert!(Partial.legal_basis_zh().contains("第三十七条"));
        for o in Outcome::ALL {
            let basis = o.legal_basis_zh();
            if !matches!(o, NotProcessedConfirmation | Other) {
                assert!(basis.starts_with(REGULATION_ZH), "{}", o.code());
            }
            assert_eq!(o.is_refusal(), o.code().starts_with("withheld_"));
        }
        assert!(!Partial.is_refusal());
        assert_eq!(Outcome::ALL.iter().filter(|o| o.is_refusal()).count(), 8);
    }

    #[test]
    fn vocabularies_parse_codes_and_labels() {
        for t in RequesterType::ALL {
            assert_eq!(RequesterType::parse(t.code()), Some(t));
            assert_eq!(RequesterType::parse(t.label_zh()), Some(t));
        }
        assert_eq!(
            RequesterType::parse(" 法律服务机构 "),
            Some(RequesterType::LegalServices)
        );
        assert_eq!(RequesterType::parse("个人"), None);
        for c in Channel::ALL {
            assert_eq!(Channel::parse(c.code()), Some(c));
            assert_eq!(Channel::parse(c.label_zh()), Some(c));
        }
        assert_eq!(Channel::parse("email"), None);
        for r in AppealResult::ALL {
            assert_eq!(AppealResult::parse(r.code()), Some(r));
            assert_eq!(AppealResult::parse(r.label_zh()), Some(r));
        }
        assert_eq!(AppealResult::parse("pending"), None);
    }

    #[test]
    fn receipt_date_per_channel() {
        let arrived = d("2024-09-27");
        let confirmed = d("2024-09-30");
        let early = d("2024-09-26");
        use Channel::*;
        use ReceiptError::*;

        assert_eq!(
            legal_receipt_date(InPerson, false, arrived, None),
            Ok(arrived)
        );
        assert_eq!(
            legal_receipt_date(InPerson, false, arrived, Some(confirmed)),
            Ok(arrived)
        );
        assert_eq!(legal_receipt_date(Letter, true, arrived, None), Ok(arrived));
        assert_eq!(
            legal_receipt_date(Letter, true, arrived, Some(confirmed)),
            Ok(arrived)
        );
        for channel in [Letter, Online, Fax] {
            assert_eq!(
                legal_receipt_date(channel, false, arrived, None),
                Err(ConfirmationRequired)
            );
            assert_eq!(
                legal_receipt_date(channel, false, arrived, Some(confirmed)),
                Ok(confirmed)
            );
            assert_eq!(
                legal_receipt_date(channel, false, arrived, Some(arrived)),
                Ok(arrived)
            );
            assert_eq!(
                legal_receipt_date(channel, false, arrived, Some(early)),
                Err(ConfirmationBeforeArrival)
            );
        }
        // Signed-for only matters for letters.
        assert_eq!(
            legal_receipt_date(Online, true, arrived, None),
            Err(ConfirmationRequired)
        );
        assert_eq!(legal_receipt_date(Other, false, arrived, None), Ok(arrived));
        assert_eq!(
            legal_receipt_date(Other, false, arrived, Some(confirmed)),
            Ok(confirmed)
        );
        assert_eq!(
            legal_receipt_date(Other, false, arrived, Some(early)),
            Err(ConfirmationBeforeArrival)
        );
    }

    #[test]
    fn refusals_and_partial_disclosures_name_their_ground() {
        use Outcome::*;
        for o in Outcome::ALL {
            let needs = o.is_refusal() || o == Partial;
            assert_eq!(!o.grounds().is_empty(), needs, "{}", o.code());
            if needs {
                assert_eq!(
                    check_ground(o, None, ""),
                    Err(("ground", "decision-ground-required"))
                );
            } else {
                assert_eq!(check_ground(o, None, ""), Ok(()));
            }
        }
        assert!(check_ground(WithheldThirdParty, Some(Ground::Art15), "").is_ok());
        assert_eq!(
            check_ground(WithheldThirdParty, Some(Ground::Art16Para1), ""),
            Err(("ground", "decision-ground-not-for-outcome"))
        );
        assert_eq!(
            check_ground(WithheldProhibitedByLaw, Some(Ground::OtherLaw), "保密法"),
            Err(("ground_law", "decision-ground-law-required"))
        );
        let law = "《中华人民共和国统计法》第三十九条";
        assert!(check_ground(WithheldProhibitedByLaw, Some(Ground::OtherLaw), law).is_ok());
        assert!(check_ground(Partial, Some(Ground::Art16Para2), "").is_ok());
        // The letter's citation: added where the outcome's own basis lacks it.
        assert_eq!(
            ground_basis(Partial, Some(Ground::Art16Para2), ""),
            "《中华人民共和国政府信息公开条例》第十六条第二款"
        );
        assert_eq!(
            ground_basis(WithheldStateSecret, Some(Ground::Art14), ""),
            ""
        );
        assert_eq!(
            ground_basis(WithheldProhibitedByLaw, Some(Ground::OtherLaw), law),
            law
        );
        for g in Ground::ALL {
            assert_eq!(Ground::parse(g.code()), Some(g));
        }
    }

    #[test]
    fn the_decision_form_shows_what_the_answer_needs() {
        use Outcome::*;
        assert!(Partial.form_fields().contains(&"ground"));
        assert!(Partial.form_fields().contains(&"how_provided"));
        assert!(!Disclosed.form_fields().contains(&"ground"));
        assert!(
            WithheldProhibitedByLaw
                .form_fields()
                .contains(&"ground_law")
        );
        assert!(!WithheldThirdParty.form_fields().contains(&"ground_law"));
        assert_eq!(
            NotHeldOtherAgency.form_fields(),
            ["findings", "extra_basis", "reasons", "other_agency"]
        );
        assert!(NotProcessedRepeat.form_fields().contains(&"earlier_answer"));
        for o in Outcome::ALL {
            if o.needs_reasons() {
                assert!(o.form_fields().contains(&"reasons"), "{}", o.code());
            }
        }
    }
}
