//! The statistics section of the annual report (report-formats.md): the three profiles as
//! data, the tables and figures computed from a [`Tally`] the database layer fills, the
//! checks they must pass, and their JSON and text forms. Pure: no database, no I/O.
//!
//! Every profile is computed from the same `Tally`, so profiles cannot disagree with each
//! other; the checks are those of the current national table whichever profile is shown.

use serde::Serialize;
use serde::ser::{SerializeStruct, Serializer};

use super::agency::AgencyKind;
use super::fees::yuan;
use super::outcome::{Channel, Outcome, RequesterType};

// ---------------------------------------------------------------------------------------
// The input, filled by the database layer (db::report).

/// The requester columns, in `RequesterType::ALL` order.
pub const COLS: usize = 6;

/// The first year a report can count: the Regulations took effect on 1 May 2008.
pub const FIRST_YEAR: i32 = 2008;

/// Counts for one report year and one agency subtree (report-formats.md, counting rules).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Tally {
    pub year: i32,
    /// The subtree's root.
    pub agency: AgencyRef,
    /// Legal receipt date in the year.
    pub new: [u64; COLS],
    /// Received before the year, not closed before 1 January.
    pub carried_in: [u64; COLS],
    /// Closed in the year, by outcome; any order, outcomes may be missing or repeated.
    pub results: Vec<(Outcome, [u64; COLS])>,
    /// Open on 31 December (received in or before the year, not closed by then).
    pub carried_out: [u64; COLS],
    /// Over new cases, in `Channel::ALL` order.
    pub channels: [u64; 5],
    /// Over new cases, any order; the database leaves out empty topics.
    pub topics: Vec<(String, u64)>,
    /// The root's direct children, each with the new cases of its whole subtree.
    pub subordinates: Vec<Subordinate>,
    /// Filed in the year, outcome as of 31 December.
    pub appeals: Appeals,
    pub fees: FeeTotals,
    /// The same scope a year earlier; `None` when there is no data for that year.
    pub previous: Option<Previous>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct AgencyRef {
    pub code: String,
    pub name: String,
    /// The name report sentences use, e.g. 常州市 for 常州市人民政府.
    pub short_name: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Subordinate {
    pub code: String,
    pub name: String,
    pub short_name: String,
    pub kind: AgencyKind,
    pub received: u64,
}

/// `[upheld, corrected, other, pending]` per kind.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Appeals {
    pub review: [u64; 4],
    pub lawsuit_direct: [u64; 4],
    pub lawsuit_after_review: [u64; 4],
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct FeeTotals {
    /// Fee notices issued in the year.
    pub notices: u64,
    pub notice_amount_fen: i64,
    /// Payments received in the year.
    pub collected_fen: i64,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Previous {
    pub received: u64,
    /// None when the year is known only from the figures an administrator entered.
    pub carried_out: Option<[u64; COLS]>,
    pub reviews: u64,
    pub lawsuits: u64,
}

// ---------------------------------------------------------------------------------------
// The profiles as data.

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Profile {
    /// 国办公开办函〔2021〕30号, the current format.
    National2021,
    /// 国办公开办函〔2019〕60号: as 2021 with one row for 其他处理.
    National2019,
    /// The prose of Jiangsu reports before 2019 (the Changzhou 2018 report is the model).
    Jiangsu2018,
}

impl Profile {
    pub const ALL: [Profile; 3] = [
        Profile::National2021,
        Profile::National2019,
        Profile::Jiangsu2018,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Profile::National2021 => "national-2021",
            Profile::National2019 => "national-2019",
            Profile::Jiangsu2018 => "jiangsu-2018",
        }
    }

    pub fn parse(s: &str) -> Option<Profile> {
        Self::ALL.into_iter().find(|p| p.code() == s.trim())
    }

    /// The profile a year's report was published in, when none is chosen: the
    /// national table from 2019 (国办公开办函〔2019〕60号), the narrative before.
    pub fn default_for(year: i32) -> Profile {
        if year < 2019 {
            Profile::Jiangsu2018
        } else {
            Profile::National2021
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Profile::National2021 => "全国统一格式（国办公开办函〔2021〕30号）",
            Profile::National2019 => "全国统一格式（国办公开办函〔2019〕60号）",
            Profile::Jiangsu2018 => "江苏省叙述格式（2018年）",
        }
    }

    /// The rows of table 三 in order; empty for `jiangsu-2018`, which has no table.
    pub fn rows(self) -> Vec<&'static Row> {
        let other: &'static [Row] = match self {
            Profile::National2021 => &OTHER_2021,
            Profile::National2019 => &OTHER_2019,
            Profile::Jiangsu2018 => return Vec::new(),
        };
        ROWS_HEAD.iter().chain(other).chain(&ROWS_TAIL).collect()
    }
}

/// What a row of table 三 counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Counts {
    New,
    CarriedIn,
    /// Cases closed in the year with one of these outcomes.
    Outcomes(&'static [Outcome]),
    /// All cases closed in the year.
    ResultsTotal,
    CarriedOut,
}

/// Where the official template puts a row's label: the rows 一、二、四 span the three label
/// columns; the others sit under 三、本年度办理结果 in a group cell (（一）…（七）), merged down
/// over its numbered items, or across the item column when the group has none.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    Spanning,
    Result {
        group: &'static str,
        item: Option<&'static str>,
    },
}

/// A row of table 三; `label` is verbatim from report-formats.md.
#[derive(Debug, PartialEq, Eq)]
pub struct Row {
    pub key: &'static str,
    pub label: &'static str,
    pub counts: Counts,
    pub place: Place,
}

/// The title of the results block in the template's first label column.
pub const RESULTS_HEADING: &str = "三、本年度办理结果";

const fn spanning(key: &'static str, label: &'static str, counts: Counts) -> Row {
    Row {
        key,
        label,
        counts,
        place: Place::Spanning,
    }
}

const fn result(
    key: &'static str,
    label: &'static str,
    outcomes: &'static [Outcome],
    group: &'static str,
    item: Option<&'static str>,
) -> Row {
    Row {
        key,
        label,
        counts: Counts::Outcomes(outcomes),
        place: Place::Result { group, item },
    }
}

const WITHHELD: &str = "（三）不予公开";
const UNAVAILABLE: &str = "（四）无法提供";
const NOT_PROCESSED: &str = "（五）不予处理";
const OTHER: &str = "（六）其他处理";

use Outcome as O;

/// The rows both national profiles share, up to （五）不予处理.
static ROWS_HEAD: [Row; 20] = [
    spanning("new", "一、本年新收政府信息公开申请数量", Counts::New),
    spanning(
        "carried_in",
        "二、上年结转政府信息公开申请数量",
        Counts::CarriedIn,
    ),
    result(
        "disclosed",
        "三、（一）予以公开",
        &[O::DisclosedAlreadyPublic, O::Disclosed],
        "（一）予以公开",
        None,
    ),
    result(
        "partial",
        "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
        &[O::Partial],
        "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
        None,
    ),
    result(
        "withheld.state_secret",
        "（三）不予公开 1.属于国家秘密",
        &[O::WithheldStateSecret],
        WITHHELD,
        Some("1.属于国家秘密"),
    ),
    result(
        "withheld.prohibited_by_law",
        "2.其他法律行政法规禁止公开",
        &[O::WithheldProhibitedByLaw],
        WITHHELD,
        Some("2.其他法律行政法规禁止公开"),
    ),
    result(
        "withheld.security_stability",
        "3.危及\"三安全一稳定\"",
        &[O::WithheldSecurityStability],
        WITHHELD,
        Some("3.危及\"三安全一稳定\""),
    ),
    result(
        "withheld.third_party",
        "4.保护第三方合法权益",
        &[O::WithheldThirdParty],
        WITHHELD,
        Some("4.保护第三方合法权益"),
    ),
    result(
        "withheld.internal_affairs",
        "5.属于三类内部事务信息",
        &[O::WithheldInternalAffairs],
        WITHHELD,
        Some("5.属于三类内部事务信息"),
    ),
    result(
        "withheld.process_info",
        "6.属于四类过程性信息",
        &[O::WithheldProcessInfo],
        WITHHELD,
        Some("6.属于四类过程性信息"),
    ),
    result(
        "withheld.enforcement_file",
        "7.属于行政执法案卷",
        &[O::WithheldEnforcementFile],
        WITHHELD,
        Some("7.属于行政执法案卷"),
    ),
    result(
        "withheld.admin_query",
        "8.属于行政查询事项",
        &[O::WithheldAdminQuery],
        WITHHELD,
        Some("8.属于行政查询事项"),
    ),
    result(
        "unavailable.not_held",
        "（四）无法提供 1.本机关不掌握相关政府信息",
        &[O::NotHeldOtherAgency, O::NotHeldNonexistent],
        UNAVAILABLE,
        Some("1.本机关不掌握相关政府信息"),
    ),
    result(
        "unavailable.needs_compilation",
        "2.没有现成信息需要另行制作",
        &[O::NeedsCompilation],
        UNAVAILABLE,
        Some("2.没有现成信息需要另行制作"),
    ),
    result(
        "unavailable.unclear",
        "3.补正后申请内容仍不明确",
        &[O::UnclearAfterCorrection],
        UNAVAILABLE,
        Some("3.补正后申请内容仍不明确"),
    ),
    result(
        "not_processed.petition",
        "（五）不予处理 1.信访举报投诉类申请",
        &[O::NotProcessedPetition],
        NOT_PROCESSED,
        Some("1.信访举报投诉类申请"),
    ),
    result(
        "not_processed.repeat",
        "2.重复申请",
        &[O::NotProcessedRepeat],
        NOT_PROCESSED,
        Some("2.重复申请"),
    ),
    result(
        "not_processed.publication",
        "3.要求提供公开出版物",
        &[O::NotProcessedPublication],
        NOT_PROCESSED,
        Some("3.要求提供公开出版物"),
    ),
    result(
        "not_processed.excessive",
        "4.无正当理由大量反复申请",
        &[O::NotProcessedExcessive],
        NOT_PROCESSED,
        Some("4.无正当理由大量反复申请"),
    ),
    result(
        "not_processed.confirmation",
        "5.要求行政机关确认或重新出具已获取信息",
        &[O::NotProcessedConfirmation],
        NOT_PROCESSED,
        Some("5.要求行政机关确认或重新出具已获取信息"),
    ),
];

/// （六）其他处理 of the 2021 format: three rows.
static OTHER_2021: [Row; 3] = [
    result(
        "other.correction_overdue",
        "（六）其他处理 1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        &[O::OtherCorrectionOverdue],
        OTHER,
        Some("1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
    ),
    result(
        "other.fee_unpaid",
        "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        &[O::OtherFeeUnpaid],
        OTHER,
        Some("2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
    ),
    result("other.other", "3.其他", &[O::Other], OTHER, Some("3.其他")),
];

/// （六）其他处理 of the 2019 format: one row for the same outcomes.
static OTHER_2019: [Row; 1] = [result(
    "other",
    OTHER,
    &[O::OtherCorrectionOverdue, O::OtherFeeUnpaid, O::Other],
    OTHER,
    None,
)];

static ROWS_TAIL: [Row; 2] = [
    Row {
        key: "results_total",
        label: "（七）总计",
        counts: Counts::ResultsTotal,
        place: Place::Result {
            group: "（七）总计",
            item: None,
        },
    },
    spanning("carried_out", "四、结转下年度继续办理", Counts::CarriedOut),
];

/// How a `jiangsu-2018` category enters section (二): the first four are the cases that
/// could be answered whether to disclose, of which the first three disclose; the others
/// are "其余N件".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    Disclosed,
    Withheld,
    Rest,
}

/// A category of the `jiangsu-2018` profile; `label` is verbatim from report-formats.md.
#[derive(Debug, PartialEq, Eq)]
pub struct Category {
    pub key: &'static str,
    pub label: &'static str,
    pub outcomes: &'static [Outcome],
    pub part: Part,
}

pub static JIANGSU_CATEGORIES: [Category; 8] = [
    Category {
        key: "already_public",
        label: "属于主动公开范围",
        outcomes: &[O::DisclosedAlreadyPublic],
        part: Part::Disclosed,
    },
    Category {
        key: "disclosed",
        label: "同意公开",
        outcomes: &[O::Disclosed],
        part: Part::Disclosed,
    },
    Category {
        key: "partial",
        label: "同意部分公开",
        outcomes: &[O::Partial],
        part: Part::Disclosed,
    },
    Category {
        key: "withheld",
        label: "不予公开",
        outcomes: &[
            O::WithheldStateSecret,
            O::WithheldProhibitedByLaw,
            O::WithheldSecurityStability,
            O::WithheldThirdParty,
            O::WithheldInternalAffairs,
            O::WithheldProcessInfo,
            O::WithheldEnforcementFile,
            O::WithheldAdminQuery,
        ],
        part: Part::Withheld,
    },
    Category {
        key: "not_this_agency",
        label: "不属于本机关公开",
        outcomes: &[O::NotHeldOtherAgency],
        part: Part::Rest,
    },
    Category {
        key: "nonexistent",
        label: "信息不存在",
        outcomes: &[O::NotHeldNonexistent, O::NeedsCompilation],
        part: Part::Rest,
    },
    Category {
        key: "unclear",
        label: "申请内容不明确",
        outcomes: &[O::UnclearAfterCorrection, O::OtherCorrectionOverdue],
        part: Part::Rest,
    },
    Category {
        key: "other_channels",
        label: "告知通过其他途径办理",
        outcomes: &[
            O::NotProcessedPetition,
            O::NotProcessedRepeat,
            O::NotProcessedPublication,
            O::NotProcessedExcessive,
            O::NotProcessedConfirmation,
            O::OtherFeeUnpaid,
            O::Other,
        ],
        part: Part::Rest,
    },
];

/// Column codes of table 三: the requester types, then the total.
pub fn column_codes() -> [&'static str; COLS + 1] {
    let mut codes = ["total"; COLS + 1];
    for (code, t) in codes.iter_mut().zip(RequesterType::ALL) {
        *code = t.code();
    }
    codes
}

/// Column codes of table 四, each group being `[upheld, corrected, other, pending, total]`.
pub const TABLE4_COLUMNS: [&str; 5] = ["upheld", "corrected", "other", "pending", "total"];
/// Their labels in the official template.
pub const TABLE4_LABELS: [&str; 5] = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"];

// ---------------------------------------------------------------------------------------
// The output.

#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub profile: Profile,
    pub year: i32,
    pub agency: AgencyRef,
    pub body: Body,
    pub fees: FeeTotals,
    /// Over new cases, in `Channel::ALL` order.
    pub channels: [u64; 5],
    pub checks: Vec<Check>,
}

/// What the profile shows: the national tables or the Jiangsu figures.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Body {
    Tables(Tables),
    Figures(Figures),
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Tables {
    pub table3: Table3,
    pub table4: Table4,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Table3 {
    pub rows: Vec<Line>,
}

/// A row of table 三 with its values: the six requester columns, then the total.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub row: &'static Row,
    pub values: [u64; COLS + 1],
}

/// Table 四, each group `[upheld, corrected, other, pending, total]`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Table4 {
    pub review: [u64; 5],
    pub lawsuit_direct: [u64; 5],
    pub lawsuit_after_review: [u64; 5],
}

/// The figures behind the `jiangsu-2018` prose.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Figures {
    /// New cases.
    pub received: u64,
    pub previous_year_received: Option<u64>,
    pub carried_in: u64,
    /// Closed in the year (the results total).
    pub closed: u64,
    pub carried_out: u64,
    pub categories: Vec<CategoryCount>,
    /// 实际公开比例 as a percentage to two decimals, e.g. "84.20"; `None` when no case could
    /// be answered whether to disclose.
    pub disclosure_ratio: Option<String>,
    pub top_governments: Vec<Ranked>,
    pub top_departments: Vec<Ranked>,
    pub topics: Vec<TopicCount>,
    pub review: AppealFigures,
    /// Both kinds of lawsuit together.
    pub lawsuit: AppealFigures,
    /// Whether the scope has agencies below its root, which the fee sentence names.
    #[serde(skip)]
    pub has_subordinates: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CategoryCount {
    pub key: &'static str,
    pub label: &'static str,
    pub count: u64,
    #[serde(skip)]
    pub part: Part,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Ranked {
    pub code: String,
    pub name: String,
    pub short_name: String,
    pub received: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TopicCount {
    pub topic: String,
    pub count: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct AppealFigures {
    pub total: u64,
    pub previous_year: Option<u64>,
    pub upheld: u64,
    pub corrected: u64,
    pub other: u64,
    pub pending: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Check {
    pub rule: String,
    pub ok: bool,
}

// ---------------------------------------------------------------------------------------
// Tabulation.

pub fn tabulate(profile: Profile, t: &Tally) -> Report {
    // Jiangsu has no table of its own; its checks are those of the current national table.
    let check_rows = match profile {
        Profile::Jiangsu2018 => Profile::National2021.rows(),
        p => p.rows(),
    };
    let table3 = table3(&check_rows, t);
    let checks = checks(&table3, t.previous.as_ref());
    let body = match profile {
        Profile::Jiangsu2018 => Body::Figures(figures(t)),
        _ => Body::Tables(Tables {
            table3,
            table4: table4(&t.appeals),
        }),
    };
    Report {
        profile,
        year: t.year,
        agency: t.agency.clone(),
        body,
        fees: t.fees.clone(),
        channels: t.channels,
        checks,
    }
}

fn with_total(cols: [u64; COLS]) -> [u64; COLS + 1] {
    let mut v = [0; COLS + 1];
    v[..COLS].copy_from_slice(&cols);
    v[COLS] = cols.iter().sum();
    v
}

/// Per column, the cases closed with any of `outcomes` (all outcomes when `None`).
fn closed_with(results: &[(Outcome, [u64; COLS])], outcomes: Option<&[Outcome]>) -> [u64; COLS] {
    let mut sum = [0; COLS];
    for (o, counts) in results {
        if outcomes.is_none_or(|os| os.contains(o)) {
            for (s, c) in sum.iter_mut().zip(counts) {
                *s += c;
            }
        }
    }
    sum
}

fn table3(rows: &[&'static Row], t: &Tally) -> Table3 {
    let line = |row: &'static Row| {
        let cols = match row.counts {
            Counts::New => t.new,
            Counts::CarriedIn => t.carried_in,
            Counts::Outcomes(os) => closed_with(&t.results, Some(os)),
            Counts::ResultsTotal => closed_with(&t.results, None),
            Counts::CarriedOut => t.carried_out,
        };
        Line {
            row,
            values: with_total(cols),
        }
    };
    Table3 {
        rows: rows.iter().copied().map(line).collect(),
    }
}

fn table4(a: &Appeals) -> Table4 {
    let group = |g: [u64; 4]| {
        let mut v = [0; 5];
        v[..4].copy_from_slice(&g);
        v[4] = g.iter().sum();
        v
    };
    Table4 {
        review: group(a.review),
        lawsuit_direct: group(a.lawsuit_direct),
        lawsuit_after_review: group(a.lawsuit_after_review),
    }
}

impl Table3 {
    /// The values of the row with this key (zeros when the profile has no such row).
    pub fn values(&self, key: &str) -> [u64; COLS + 1] {
        self.rows
            .iter()
            .find(|l| l.row.key == key)
            .map_or([0; COLS + 1], |l| l.values)
    }
}

/// The checks of report-formats.md, in its order, each per row or per column.
fn checks(t3: &Table3, previous: Option<&Previous>) -> Vec<Check> {
    let columns = column_codes();
    let check = |rule: String, ok: bool| Check { rule, ok };
    let mut out: Vec<Check> = t3
        .rows
        .iter()
        .map(|l| {
            check(
                format!("sum of requester columns = total ({})", l.row.key),
                l.values[..COLS].iter().sum::<u64>() == l.values[COLS],
            )
        })
        .collect();
    let [new, carried_in, total, carried_out] =
        ["new", "carried_in", "results_total", "carried_out"].map(|k| t3.values(k));
    let mut results = [0; COLS + 1];
    for l in t3
        .rows
        .iter()
        .filter(|l| matches!(l.row.counts, Counts::Outcomes(_)))
    {
        for (r, v) in results.iter_mut().zip(l.values) {
            *r += v;
        }
    }
    for (c, col) in columns.iter().enumerate() {
        out.push(check(
            format!("sum of result rows = results_total ({col})"),
            results[c] == total[c],
        ));
    }
    for (c, col) in columns.iter().enumerate() {
        out.push(check(
            format!("new + carried_in = results_total + carried_out ({col})"),
            new[c] + carried_in[c] == total[c] + carried_out[c],
        ));
    }
    if let Some(carried_out) = previous.and_then(|p| p.carried_out) {
        let before = with_total(carried_out);
        for (c, col) in columns.iter().enumerate() {
            out.push(check(
                format!("carried_in = previous year's carried_out ({col})"),
                carried_in[c] == before[c],
            ));
        }
    }
    out
}

fn figures(t: &Tally) -> Figures {
    let categories: Vec<CategoryCount> = JIANGSU_CATEGORIES
        .iter()
        .map(|c| CategoryCount {
            key: c.key,
            label: c.label,
            count: closed_with(&t.results, Some(c.outcomes)).iter().sum(),
            part: c.part,
        })
        .collect();
    let part = |p: Part| -> u64 {
        categories
            .iter()
            .filter(|c| c.part == p)
            .map(|c| c.count)
            .sum()
    };
    let disclosed = part(Part::Disclosed);
    let answerable = disclosed + part(Part::Withheld);
    let previous = t.previous.as_ref();
    let a = &t.appeals;
    let lawsuits: [u64; 4] =
        std::array::from_fn(|i| a.lawsuit_direct[i] + a.lawsuit_after_review[i]);
    Figures {
        received: t.new.iter().sum(),
        previous_year_received: previous.map(|p| p.received),
        carried_in: t.carried_in.iter().sum(),
        closed: closed_with(&t.results, None).iter().sum(),
        carried_out: t.carried_out.iter().sum(),
        categories,
        disclosure_ratio: (answerable > 0).then(|| percent(disclosed, answerable)),
        top_governments: top(&t.subordinates, AgencyKind::Government, 3),
        top_departments: top(&t.subordinates, AgencyKind::Department, 5),
        topics: top_topics(&t.topics, 3),
        review: appeal_figures(a.review, previous.map(|p| p.reviews)),
        lawsuit: appeal_figures(lawsuits, previous.map(|p| p.lawsuits)),
        has_subordinates: !t.subordinates.is_empty(),
    }
}

/// The subordinates of a kind with the most new cases; ties by code, none with zero.
fn top(subs: &[Subordinate], kind: AgencyKind, n: usize) -> Vec<Ranked> {
    let mut of_kind: Vec<&Subordinate> = subs
        .iter()
        .filter(|s| s.kind == kind && s.received > 0)
        .collect();
    of_kind.sort_by(|a, b| {
        b.received
            .cmp(&a.received)
            .then_with(|| a.code.cmp(&b.code))
    });
    of_kind
        .into_iter()
        .take(n)
        .map(|s| Ranked {
            code: s.code.clone(),
            name: s.name.clone(),
            short_name: s.short_name.clone(),
            received: s.received,
        })
        .collect()
}

fn top_topics(topics: &[(String, u64)], n: usize) -> Vec<TopicCount> {
    let mut sorted: Vec<&(String, u64)> = topics.iter().filter(|(_, c)| *c > 0).collect();
    sorted.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    sorted
        .into_iter()
        .take(n)
        .map(|(topic, count)| TopicCount {
            topic: topic.clone(),
            count: *count,
        })
        .collect()
}

fn appeal_figures(g: [u64; 4], previous_year: Option<u64>) -> AppealFigures {
    let [upheld, corrected, other, pending] = g;
    AppealFigures {
        total: g.iter().sum(),
        previous_year,
        upheld,
        corrected,
        other,
        pending,
    }
}

/// `num / den` as a percentage to two decimals, rounded half up, in integers so that no
/// binary fraction can tip a published figure: 1215 of 1443 is "84.20". `den` must not be
/// zero; callers leave the figure out instead.
pub fn percent(num: u64, den: u64) -> String {
    assert!(den > 0, "a percentage of nothing");
    let (num, den) = (u128::from(num), u128::from(den));
    let hundredths = (num * 20_000 + den) / (2 * den);
    format!("{}.{:02}", hundredths / 100, hundredths % 100)
}

/// "，较上年增长40.25%" and the like; empty without a previous year, or when it had none
/// (no percentage of zero exists).
fn change_on_previous(now: u64, before: Option<u64>) -> String {
    match before {
        Some(b) if b == now => "，与上年持平".into(),
        Some(b) if b > 0 && now > b => format!("，较上年增长{}%", percent(now - b, b)),
        Some(b) if b > 0 => format!("，较上年下降{}%", percent(b - now, b)),
        _ => String::new(),
    }
}

// ---------------------------------------------------------------------------------------
// JSON (contracts/cli-and-files.md, "Report JSON").

/// The contract's JSON. Serialising the `Report` directly (e.g. `to_string_pretty`) gives
/// the same document with its keys in the contract's order.
pub fn to_json(r: &Report) -> serde_json::Value {
    serde_json::to_value(r).expect("a report has only string keys and integers")
}

impl Serialize for Report {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Agency<'a> {
            code: &'a str,
            name: &'a str,
        }
        #[derive(Serialize)]
        struct Json<'a> {
            profile: &'static str,
            year: i32,
            agency: Agency<'a>,
            #[serde(flatten)]
            body: &'a Body,
            fees: &'a FeeTotals,
            channels: ByChannel<'a>,
            checks: &'a [Check],
        }
        Json {
            profile: self.profile.code(),
            year: self.year,
            agency: Agency {
                code: &self.agency.code,
                name: &self.agency.name,
            },
            body: &self.body,
            fees: &self.fees,
            channels: ByChannel(&self.channels),
            checks: &self.checks,
        }
        .serialize(s)
    }
}

/// Channel counts as an object keyed by channel code, in `Channel::ALL` order.
struct ByChannel<'a>(&'a [u64; 5]);

impl Serialize for ByChannel<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(Channel::ALL.iter().map(|c| c.code()).zip(self.0))
    }
}

impl Serialize for Table3 {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("Table3", 2)?;
        st.serialize_field("columns", &column_codes())?;
        st.serialize_field("rows", &self.rows)?;
        st.end()
    }
}

impl Serialize for Line {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("Line", 3)?;
        st.serialize_field("key", self.row.key)?;
        st.serialize_field("label", self.row.label)?;
        st.serialize_field("values", &self.values)?;
        st.end()
    }
}

impl Serialize for Table4 {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("Table4", 4)?;
        st.serialize_field("columns", &TABLE4_COLUMNS)?;
        st.serialize_field("review", &self.review)?;
        st.serialize_field("lawsuit_direct", &self.lawsuit_direct)?;
        st.serialize_field("lawsuit_after_review", &self.lawsuit_after_review)?;
        st.end()
    }
}

// ---------------------------------------------------------------------------------------
// Text.

/// The text form (`--format text`): for `jiangsu-2018` the four parts of section 三 as
/// prose; for the national profiles tables 三 and 四 aligned for a terminal, the channels,
/// the fee sentence and the checks.
pub fn narrative(r: &Report) -> String {
    match &r.body {
        Body::Figures(f) => jiangsu_prose(r, f),
        Body::Tables(t) => tables_text(r, t),
    }
}

/// The scope is named by the root's short name where the seed says 全市 / 我市: a report may
/// cover a city, a county or one department, and "全市" is right only for the first, while
/// the short name (defined as the name report sentences use) reads right for all of them.
fn scope_name(a: &AgencyRef) -> &str {
    if a.short_name.trim().is_empty() {
        &a.name
    } else {
        &a.short_name
    }
}

fn ranked_name(r: &Ranked) -> &str {
    if r.short_name.trim().is_empty() {
        &r.name
    } else {
        &r.short_name
    }
}

/// "溧阳市、金坛区、武进区"
fn joined<'a>(names: impl Iterator<Item = &'a str>) -> String {
    names.collect::<Vec<_>>().join("、")
}

/// "属于主动公开范围259件，同意公开728件"
fn counted<'a>(items: impl Iterator<Item = (&'a str, u64)>) -> String {
    items
        .map(|(label, n)| format!("{label}{n}件"))
        .collect::<Vec<_>>()
        .join("，")
}

fn jiangsu_prose(r: &Report, f: &Figures) -> String {
    let scope = scope_name(&r.agency);
    [
        (
            "（一）申请情况",
            applications(r.year, scope, f, &r.channels),
        ),
        ("（二）申请处理情况", handling(scope, f)),
        (
            "（三）收费及减免情况",
            fees_prose(r.year, scope, f, &r.fees),
        ),
        (
            "（四）行政复议和行政诉讼情况",
            appeals_prose(r.year, scope, f),
        ),
    ]
    .map(|(heading, body)| format!("{heading}\n{body}\n"))
    .join("\n")
}

fn applications(year: i32, scope: &str, f: &Figures, channels: &[u64; 5]) -> String {
    let mut s = format!(
        "{year}年{scope}共受理依申请公开{}件{}。",
        f.received,
        change_on_previous(f.received, f.previous_year_received)
    );
    s += &ranking(f);
    // The seed names the four usual channels even when few; 其他方式 only when used.
    let channels: Vec<(String, u64)> = Channel::ALL
        .iter()
        .zip(channels)
        .filter(|(c, n)| **c != Channel::Other || **n > 0)
        .map(|(c, n)| (channel_label_zh(*c), *n))
        .collect();
    s += &format!(
        "申请形式上，{}。",
        counted(channels.iter().map(|(l, n)| (l.as_str(), *n)))
    );
    if !f.topics.is_empty() {
        s += &format!(
            "申请内容上，主要涉及{}等方面。",
            joined(f.topics.iter().map(|t| t.topic.as_str()))
        );
    }
    s
}

/// How the seed names a channel: 当面申请 … 信函申请, and 其他方式.
pub fn channel_label_zh(c: Channel) -> String {
    match c {
        Channel::Other => "其他方式".into(),
        c => format!("{}申请", c.label_zh()),
    }
}

/// "申请量上，下辖政府中列前3位的是…，所属部门中列前5位的是…。" with what exists. The seed's
/// 辖市区政府 / 市级机关 fit a city only; these words fit any level.
fn ranking(f: &Figures) -> String {
    let clause = |who: &str, list: &[Ranked]| match list.len() {
        0 => None,
        1 => Some(format!("{who}中列第1位的是{}", ranked_name(&list[0]))),
        n => Some(format!(
            "{who}中列前{n}位的是{}",
            joined(list.iter().map(ranked_name))
        )),
    };
    let clauses: Vec<String> = [
        clause("下辖政府", &f.top_governments),
        clause("所属部门", &f.top_departments),
    ]
    .into_iter()
    .flatten()
    .collect();
    if clauses.is_empty() {
        String::new()
    } else {
        format!("申请量上，{}。", clauses.join("，"))
    }
}

fn handling(scope: &str, f: &Figures) -> String {
    if f.received + f.carried_in == 0 && f.closed == 0 {
        return format!("{scope}本年度没有需要办理的依申请公开申请。");
    }
    let carried_in = if f.carried_in > 0 {
        format!("及上年结转的{}件", f.carried_in)
    } else {
        String::new()
    };
    let done = if f.carried_out == 0 {
        "已全部办结，答复率100%".to_string()
    } else {
        format!(
            "已办结{}件，{}件结转下年度继续办理",
            f.closed, f.carried_out
        )
    };
    let mut s = format!(
        "{scope}受理的{}件依申请公开申请{carried_in}，{done}。",
        f.received
    );
    let of = |part: Part| {
        f.categories
            .iter()
            .filter(move |c| c.part == part)
            .map(|c| (c.label, c.count))
    };
    s += &format!(
        "其中，{}",
        counted(of(Part::Disclosed).chain(of(Part::Withheld)))
    );
    if let Some(ratio) = &f.disclosure_ratio {
        s += &format!("，在上述可以答复是否公开的情形中，实际公开比例为{ratio}%");
    }
    s += "。";
    let rest: u64 = of(Part::Rest).map(|(_, n)| n).sum();
    if rest > 0 {
        s += &format!("其余{rest}件中，{}。", counted(of(Part::Rest)));
    }
    s
}

fn fees_prose(year: i32, scope: &str, f: &Figures, fees: &FeeTotals) -> String {
    let who = if f.has_subordinates {
        format!("{scope}各级行政机关")
    } else {
        scope.to_string()
    };
    let lead = format!(
        "{year}年，{who}在履行政府信息公开工作职能过程中，对公民、法人和其他组织依申请事项提供政府信息"
    );
    if fees.notices == 0 && fees.collected_fen == 0 {
        format!("{lead}未收费。")
    } else {
        format!("{lead}，{}。", fee_figures(fees))
    }
}

/// "发出收费通知3件，金额880.00元，实际收取信息处理费880.00元"
fn fee_figures(fees: &FeeTotals) -> String {
    format!(
        "发出收费通知{}件，金额{}元，实际收取信息处理费{}元",
        fees.notices,
        yuan(fees.notice_amount_fen),
        yuan(fees.collected_fen)
    )
}

fn appeals_prose(year: i32, scope: &str, f: &Figures) -> String {
    let outcomes = |a: &AppealFigures, upheld: &str, corrected: &str| {
        if a.total == 0 {
            String::new()
        } else {
            format!(
                "其中，{upheld}{}件，{corrected}{}件，其他情况{}件。",
                a.upheld,
                a.corrected,
                a.other + a.pending
            )
        }
    };
    let r = &f.review;
    let l = &f.lawsuit;
    format!(
        "{year}年，{scope}共处理涉及政府信息公开事务的行政复议申请{}件{}。{}\n\
         {scope}共处理涉及政府信息公开事务的行政诉讼{}件{}。{}",
        r.total,
        change_on_previous(r.total, r.previous_year),
        outcomes(r, "作出维持行政机关作出的信息公开答复告知", "被行政纠错"),
        l.total,
        change_on_previous(l.total, l.previous_year),
        outcomes(l, "判决维持具体行政行为或驳回诉讼请求", "被依法纠错"),
    )
}

/// Columns a terminal gives a character: two for CJK and full-width forms.
fn display_width(s: &str) -> usize {
    s.chars()
        .map(|c| match c as u32 {
            0x1100..=0x115F
            | 0x2E80..=0x303E
            | 0x3041..=0x33FF
            | 0x3400..=0x4DBF
            | 0x4E00..=0x9FFF
            | 0xA000..=0xA4CF
            | 0xAC00..=0xD7A3
            | 0xF900..=0xFAFF
            | 0xFE30..=0xFE4F
            | 0xFF00..=0xFF60
            | 0xFFE0..=0xFFE6 => 2,
            _ => 1,
        })
        .sum()
}

fn pad_left(s: &str, width: usize) -> String {
    format!("{}{s}", " ".repeat(width.saturating_sub(display_width(s))))
}

fn pad_right(s: &str, width: usize) -> String {
    format!("{s}{}", " ".repeat(width.saturating_sub(display_width(s))))
}

/// Right-aligned number columns under their headers; `labels` follow or precede the numbers.
fn grid(headers: &[&str], rows: &[(&str, Vec<u64>)], labels_first: bool) -> String {
    let widths: Vec<usize> = headers
        .iter()
        .enumerate()
        .map(|(i, h)| {
            rows.iter()
                .map(|(_, v)| v[i].to_string().len())
                .chain([display_width(h)])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let label_width = rows
        .iter()
        .map(|(l, _)| display_width(l))
        .max()
        .unwrap_or(0);
    let cells = |cells: Vec<String>| -> String {
        cells
            .iter()
            .zip(&widths)
            .map(|(c, w)| pad_left(c, *w))
            .collect::<Vec<_>>()
            .join("  ")
    };
    let line = |label: &str, numbers: String| {
        if labels_first {
            format!("{}  {numbers}", pad_right(label, label_width))
        } else {
            format!("{numbers}  {label}")
        }
        .trim_end()
        .to_string()
    };
    let mut out = vec![line(
        "",
        cells(headers.iter().map(|h| h.to_string()).collect()),
    )];
    for (label, values) in rows {
        out.push(line(
            label,
            cells(values.iter().map(u64::to_string).collect()),
        ));
    }
    out.join("\n")
}

fn tables_text(r: &Report, t: &Tables) -> String {
    let mut headers: Vec<&str> = RequesterType::ALL.iter().map(|t| t.label_zh()).collect();
    headers.push("总计");
    // Labels go last: they are long and of uneven width, the numbers stay aligned.
    let rows3: Vec<(&str, Vec<u64>)> = t
        .table3
        .rows
        .iter()
        .map(|l| (l.row.label, l.values.to_vec()))
        .collect();
    let t4 = &t.table4;
    let rows4: Vec<(&str, Vec<u64>)> = [
        ("行政复议", t4.review),
        ("行政诉讼（未经复议直接起诉）", t4.lawsuit_direct),
        ("行政诉讼（复议后起诉）", t4.lawsuit_after_review),
    ]
    .iter()
    .map(|(l, v)| (*l, v.to_vec()))
    .collect();
    let channels = counted(
        Channel::ALL
            .iter()
            .zip(&r.channels)
            .map(|(c, n)| (c.label_zh(), *n)),
    );
    let fees = if r.fees.notices == 0 && r.fees.collected_fen == 0 {
        "本年度未收取信息处理费。".to_string()
    } else {
        format!("本年度{}。", fee_figures(&r.fees))
    };
    [
        format!(
            "{}（{}）{}年度 · {}",
            r.agency.name,
            r.agency.code,
            r.year,
            r.profile.label_zh()
        ),
        format!(
            "收到和处理政府信息公开申请情况（商业企业至其他：法人或其他组织）\n{}",
            grid(&headers, &rows3, false)
        ),
        format!(
            "政府信息公开行政复议、行政诉讼情况\n{}",
            grid(&TABLE4_LABELS, &rows4, true)
        ),
        format!("新收申请的渠道：{channels}。"),
        format!("收费：{fees}"),
        checks_text(&r.checks),
    ]
    .join("\n\n")
        + "\n"
}

fn checks_text(checks: &[Check]) -> String {
    let failed: Vec<&Check> = checks.iter().filter(|c| !c.ok).collect();
    if failed.is_empty() {
        format!("校验：{}项全部通过。", checks.len())
    } else {
        let list: Vec<String> = failed
            .iter()
            .map(|c| format!("  未通过：{}", c.rule))
            .collect();
        format!(
            "校验：{}项中{}项未通过。\n{}",
            checks.len(),
            failed.len(),
            list.join("\n")
        )
    }
}

/// The fee figures of a year from the histories of the cases that had a fee:
/// notices issued in the year with the amount each states, and payments
/// received in the year.
pub fn fee_totals<'a>(
    histories: impl IntoIterator<Item = &'a [super::case::Event]>,
    year: i32,
) -> FeeTotals {
    use super::case::Event;
    use chrono::Datelike;
    let mut t = FeeTotals::default();
    for events in histories {
        let mut proposed = 0;
        for e in events {
            match e {
                Event::FeeProposed { amount, .. } => proposed = *amount,
                Event::FeeApproved { on, .. } if on.year() == year => {
                    t.notices += 1;
                    t.notice_amount_fen += proposed;
                }
                Event::FeePaid { on, amount, .. } if on.year() == year => {
                    t.collected_fen += amount;
                }
                _ => {}
            }
        }
    }
    t
}

/// One year of the picture beside the table.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct YearBar {
    pub year: i32,
    pub received: u64,
    pub carried_out: u64,
    /// Closed in the year by outcome family (see `family`).
    pub families: [u64; 6],
}

/// The group of table 三 an outcome falls in: （一）予以公开 0, （二）部分公开 1,
/// （三）不予公开 2, （四）无法提供 3, （五）不予处理 4, （六）其他处理 5.
pub fn family(o: Outcome) -> usize {
    use Outcome as O;
    match o {
        O::DisclosedAlreadyPublic | O::Disclosed => 0,
        O::Partial => 1,
        O::NotHeldOtherAgency
        | O::NotHeldNonexistent
        | O::NeedsCompilation
        | O::UnclearAfterCorrection => 3,
        O::OtherCorrectionOverdue | O::OtherFeeUnpaid | O::Other => 5,
        o if o.code().starts_with("withheld_") => 2,
        _ => 4,
    }
}

/// Where the live figures now differ from a published report (both as the
/// report JSON), one line per figure: "where: published → now". Checks are
/// left out: they follow from the figures.
pub fn differences(published: &serde_json::Value, live: &serde_json::Value) -> Vec<String> {
    let mut out = Vec::new();
    diff("", published, live, &mut out);
    out
}

fn diff(path: &str, a: &serde_json::Value, b: &serde_json::Value, out: &mut Vec<String>) {
    use serde_json::Value;
    let join = |p: &str, k: &str| {
        if p.is_empty() {
            k.to_string()
        } else {
            format!("{p} · {k}")
        }
    };
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let keys: std::collections::BTreeSet<&String> = x.keys().chain(y.keys()).collect();
            for k in keys
                .into_iter()
                .filter(|k| *k != "checks" && *k != "columns")
            {
                let (va, vb) = (
                    &x.get(k).cloned().unwrap_or(Value::Null),
                    &y.get(k).cloned().unwrap_or(Value::Null),
                );
                diff(&join(path, k), va, vb, out);
            }
        }
        // Table rows are matched by their key and named by their label.
        (Value::Array(x), Value::Array(y)) if x.iter().chain(y).all(|v| v.get("key").is_some()) => {
            for row in x {
                let other = y
                    .iter()
                    .find(|r| r["key"] == row["key"])
                    .unwrap_or(&Value::Null);
                let label = row["label"].as_str().or(row["key"].as_str()).unwrap_or("");
                diff(&join(path, label), &row["values"], &other["values"], out);
            }
        }
        (Value::Array(x), Value::Array(y)) => {
            let names: &[&str] = if x.len() == COLS + 1 {
                &[
                    "自然人",
                    "商业企业",
                    "科研机构",
                    "社会公益组织",
                    "法律服务机构",
                    "其他",
                    "总计",
                ]
            } else if x.len() == TABLE4_LABELS.len() {
                &TABLE4_LABELS
            } else {
                &[]
            };
            for i in 0..x.len().max(y.len()) {
                let name = names
                    .get(i)
                    .map_or_else(|| (i + 1).to_string(), |n| n.to_string());
                diff(
                    &join(path, &name),
                    x.get(i).unwrap_or(&Value::Null),
                    y.get(i).unwrap_or(&Value::Null),
                    out,
                );
            }
        }
        _ if a != b => out.push(format!("{path}: {a} → {b}")),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Everything in the natural-person column, which is how the seed reports (no columns).
    fn person(n: u64) -> [u64; COLS] {
        [n, 0, 0, 0, 0, 0]
    }

    fn sub(code: &str, short: &str, kind: AgencyKind, received: u64) -> Subordinate {
        Subordinate {
            code: code.into(),
            name: format!("{short}（全称）"),
            short_name: short.into(),
            kind,
            received,
        }
    }

    /// The Changzhou 2018 seed (section 三), made consistent: the 10 applications its channel
    /// counts leave out are put under `other`.
    fn changzhou_2018() -> Tally {
        use AgencyKind::{Department, Government};
        let results = [
            (O::DisclosedAlreadyPublic, 259),
            (O::Disclosed, 728),
            (O::Partial, 228),
            (O::WithheldStateSecret, 20),
            (O::WithheldThirdParty, 100),
            (O::WithheldProcessInfo, 108),
            (O::NotHeldOtherAgency, 372),
            (O::NotHeldNonexistent, 400),
            (O::NeedsCompilation, 5),
            (O::UnclearAfterCorrection, 50),
            (O::OtherCorrectionOverdue, 9),
            (O::NotProcessedPetition, 100),
            (O::NotProcessedRepeat, 30),
            (O::OtherFeeUnpaid, 6),
            (O::Other, 10),
        ];
        Tally {
            year: 2018,
            agency: AgencyRef {
                code: "CZ".into(),
                name: "常州市人民政府".into(),
                short_name: "常州市".into(),
            },
            new: person(2425),
            results: results.iter().map(|&(o, n)| (o, person(n))).collect(),
            channels: [247, 50, 1035, 1083, 10],
            topics: vec![
                ("环境保护".into(), 300),
                ("征地拆迁".into(), 900),
                ("教育".into(), 50),
                ("规划建设".into(), 500),
            ],
            subordinates: vec![
                sub("CZ-WJ", "武进区", Government, 200),
                sub("CZ-LY", "溧阳市", Government, 300),
                sub("CZ-XB", "新北区", Government, 200),
                sub("CZ-JT", "金坛区", Government, 250),
                sub("CZ-TN", "天宁区", Government, 0),
                sub("CZ-GTJ", "市国土局", Department, 400),
                sub("CZ-GHJ", "市规划局", Department, 350),
                sub("CZ-BGS", "市政府办公室", Department, 200),
                sub("CZ-JSJ", "市建设局", Department, 150),
                sub("CZ-HBJ", "市环保局", Department, 120),
                sub("CZ-JYJ", "市教育局", Department, 50),
            ],
            appeals: Appeals {
                review: [70, 4, 20, 4],
                lawsuit_direct: [60, 5, 30, 4],
                lawsuit_after_review: [40, 2, 10, 0],
            },
            previous: Some(Previous {
                received: 1729,
                carried_out: Some([0; COLS]),
                reviews: 85,
                lawsuits: 93,
            }),
            ..Tally::default()
        }
    }

    /// A national-table tally spread over the columns, consistent, with a carried year.
    fn spread() -> Tally {
        Tally {
            year: 2024,
            agency: AgencyRef {
                code: "SQ".into(),
                name: "宿迁市人民政府".into(),
                short_name: "宿迁市".into(),
            },
            new: [30, 5, 0, 1, 2, 1],
            carried_in: [4, 1, 0, 0, 0, 0],
            results: vec![
                (O::Disclosed, [10, 2, 0, 0, 1, 0]),
                (O::DisclosedAlreadyPublic, [5, 0, 0, 0, 0, 0]),
                (O::OtherFeeUnpaid, [2, 0, 0, 0, 0, 0]),
                (O::Other, [1, 1, 0, 0, 0, 0]),
                (O::NotHeldNonexistent, [6, 1, 0, 1, 0, 1]),
                (O::OtherCorrectionOverdue, [3, 0, 0, 0, 0, 0]),
                (O::Disclosed, [2, 0, 0, 0, 0, 0]),
            ],
            carried_out: [5, 2, 0, 0, 1, 0],
            channels: [3, 1, 30, 5, 0],
            appeals: Appeals {
                review: [1, 1, 0, 2],
                lawsuit_direct: [0, 0, 1, 0],
                lawsuit_after_review: [1, 0, 0, 0],
            },
            fees: FeeTotals {
                notices: 2,
                notice_amount_fen: 88_050,
                collected_fen: 10_000,
            },
            previous: Some(Previous {
                received: 40,
                carried_out: Some([4, 1, 0, 0, 0, 0]),
                reviews: 3,
                lawsuits: 1,
            }),
            ..Tally::default()
        }
    }

    fn tables(r: &Report) -> &Tables {
        match &r.body {
            Body::Tables(t) => t,
            Body::Figures(_) => panic!("a national profile has tables"),
        }
    }

    fn figures_of(r: &Report) -> &Figures {
        match &r.body {
            Body::Figures(f) => f,
            Body::Tables(_) => panic!("jiangsu-2018 has figures"),
        }
    }

    fn failed(r: &Report) -> Vec<&str> {
        r.checks
            .iter()
            .filter(|c| !c.ok)
            .map(|c| c.rule.as_str())
            .collect()
    }

    #[test]
    fn percentages_round_half_up_in_integers() {
        assert_eq!(percent(2425 - 1729, 1729), "40.25");
        assert_eq!(percent(1215, 1443), "84.20");
        assert_eq!(percent(98 - 85, 85), "15.29");
        assert_eq!(percent(151 - 93, 93), "62.37");
        assert_eq!(percent(1, 8), "12.50");
        assert_eq!(percent(1, 16), "6.25");
        // 1/3200 = 0.03125%: the half rounds up.
        assert_eq!(percent(1, 3200), "0.03");
        assert_eq!(percent(1, 6400), "0.02");
        assert_eq!(percent(3, 3), "100.00");
        assert_eq!(percent(0, 7), "0.00");
        assert_eq!(change_on_previous(90, Some(100)), "，较上年下降10.00%");
        assert_eq!(change_on_previous(5, Some(5)), "，与上年持平");
        assert_eq!(change_on_previous(5, None), "");
        assert_eq!(change_on_previous(5, Some(0)), "");
    }

    #[test]
    fn profiles_round_trip() {
        for p in Profile::ALL {
            assert_eq!(Profile::parse(p.code()), Some(p));
            assert!(!p.label_zh().is_empty());
        }
        assert_eq!(Profile::parse("national"), None);
        assert!(Profile::Jiangsu2018.rows().is_empty());
    }

    #[test]
    fn the_2021_rows_in_order_with_their_labels_verbatim() {
        let expected = [
            ("new", "一、本年新收政府信息公开申请数量"),
            ("carried_in", "二、上年结转政府信息公开申请数量"),
            ("disclosed", "三、（一）予以公开"),
            (
                "partial",
                "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
            ),
            ("withheld.state_secret", "（三）不予公开 1.属于国家秘密"),
            ("withheld.prohibited_by_law", "2.其他法律行政法规禁止公开"),
            ("withheld.security_stability", "3.危及\"三安全一稳定\""),
            ("withheld.third_party", "4.保护第三方合法权益"),
            ("withheld.internal_affairs", "5.属于三类内部事务信息"),
            ("withheld.process_info", "6.属于四类过程性信息"),
            ("withheld.enforcement_file", "7.属于行政执法案卷"),
            ("withheld.admin_query", "8.属于行政查询事项"),
            (
                "unavailable.not_held",
                "（四）无法提供 1.本机关不掌握相关政府信息",
            ),
            (
                "unavailable.needs_compilation",
                "2.没有现成信息需要另行制作",
            ),
            ("unavailable.unclear", "3.补正后申请内容仍不明确"),
            (
                "not_processed.petition",
                "（五）不予处理 1.信访举报投诉类申请",
            ),
            ("not_processed.repeat", "2.重复申请"),
            ("not_processed.publication", "3.要求提供公开出版物"),
            ("not_processed.excessive", "4.无正当理由大量反复申请"),
            (
                "not_processed.confirmation",
                "5.要求行政机关确认或重新出具已获取信息",
            ),
            (
                "other.correction_overdue",
                "（六）其他处理 1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
            ),
            (
                "other.fee_unpaid",
                "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
            ),
            ("other.other", "3.其他"),
            ("results_total", "（七）总计"),
            ("carried_out", "四、结转下年度继续办理"),
        ];
        let rows: Vec<(&str, &str)> = Profile::National2021
            .rows()
            .iter()
            .map(|r| (r.key, r.label))
            .collect();
        assert_eq!(rows, expected);
    }

    #[test]
    fn every_outcome_is_counted_in_exactly_one_row_and_category() {
        for p in [Profile::National2021, Profile::National2019] {
            for o in Outcome::ALL {
                let n = p
                    .rows()
                    .iter()
                    .filter(|r| matches!(r.counts, Counts::Outcomes(os) if os.contains(&o)))
                    .count();
                assert_eq!(n, 1, "{} in {}", o.code(), p.code());
            }
        }
        for o in Outcome::ALL {
            let n = JIANGSU_CATEGORIES
                .iter()
                .filter(|c| c.outcomes.contains(&o))
                .count();
            assert_eq!(n, 1, "{}", o.code());
        }
        // 不予公开 is exactly the refusals.
        let withheld = JIANGSU_CATEGORIES.iter().find(|c| c.key == "withheld");
        let refusals: Vec<Outcome> = Outcome::ALL
            .into_iter()
            .filter(|o| o.is_refusal())
            .collect();
        assert_eq!(withheld.map(|c| c.outcomes.to_vec()), Some(refusals));
    }

    #[test]
    fn template_places_agree_with_the_labels() {
        for r in Profile::National2021
            .rows()
            .into_iter()
            .chain(Profile::National2019.rows())
        {
            match r.place {
                Place::Spanning => assert!(!matches!(r.counts, Counts::Outcomes(_))),
                Place::Result { group, item: None } => assert!(r.label.ends_with(group)),
                Place::Result {
                    group,
                    item: Some(item),
                } => {
                    assert!(r.label.ends_with(item), "{}", r.key);
                    // A group's first item carries the group's name, as the format prints it.
                    assert_eq!(
                        r.label.starts_with(group),
                        item.starts_with("1."),
                        "{}",
                        r.key
                    );
                }
            }
        }
    }

    #[test]
    fn the_2019_profile_has_one_other_row() {
        let r = tabulate(Profile::National2019, &spread());
        let t = tables(&r);
        assert_eq!(t.table3.rows.len(), 23);
        let other: Vec<&Line> = t
            .table3
            .rows
            .iter()
            .filter(|l| l.row.label.contains("其他处理"))
            .collect();
        assert_eq!(other.len(), 1);
        assert_eq!(other[0].row.key, "other");
        assert_eq!(other[0].row.label, "（六）其他处理");
        // correction overdue 3 + fee unpaid 2 + other 1, and the enterprise's other 1.
        assert_eq!(other[0].values, [6, 1, 0, 0, 0, 0, 7]);
        assert_eq!(t.table3.values("other.other"), [0; 7]);
        assert!(failed(&r).is_empty(), "{:?}", failed(&r));
    }

    #[test]
    fn the_2021_table_counts_per_column_and_passes_its_checks() {
        let r = tabulate(Profile::National2021, &spread());
        let t = tables(&r);
        assert_eq!(t.table3.rows.len(), 25);
        assert_eq!(t.table3.values("new"), [30, 5, 0, 1, 2, 1, 39]);
        // Both disclosure outcomes, and a repeated outcome, add up.
        assert_eq!(t.table3.values("disclosed"), [17, 2, 0, 0, 1, 0, 20]);
        assert_eq!(
            t.table3.values("unavailable.not_held"),
            [6, 1, 0, 1, 0, 1, 9]
        );
        assert_eq!(t.table3.values("results_total"), [29, 4, 0, 1, 1, 1, 36]);
        assert_eq!(t.table3.values("carried_out"), [5, 2, 0, 0, 1, 0, 8]);
        assert_eq!(t.table4.review, [1, 1, 0, 2, 4]);
        assert_eq!(t.table4.lawsuit_direct, [0, 0, 1, 0, 1]);
        assert!(failed(&r).is_empty(), "{:?}", failed(&r));
        // 25 rows, then three per-column rules over 7 columns.
        assert_eq!(r.checks.len(), 25 + 3 * 7);
        assert!(
            r.checks.iter().any(
                |c| c.rule == "new + carried_in = results_total + carried_out (natural_person)"
            )
        );
    }

    #[test]
    fn zero_rows_are_listed() {
        let r = tabulate(Profile::National2021, &Tally::default());
        let t = tables(&r);
        assert_eq!(t.table3.rows.len(), 25);
        assert!(t.table3.rows.iter().all(|l| l.values == [0; 7]));
        assert!(failed(&r).is_empty());
        // Without a previous year, there is nothing to compare the carried-in cases with.
        assert!(!r.checks.iter().any(|c| c.rule.contains("previous")));
    }

    #[test]
    fn inconsistent_tallies_fail_their_checks() {
        let mut t = spread();
        if let Some(p) = t.previous.as_mut() {
            p.carried_out.as_mut().unwrap()[1] = 3;
        }
        let r = tabulate(Profile::National2021, &t);
        assert_eq!(
            failed(&r),
            [
                "carried_in = previous year's carried_out (enterprise)",
                "carried_in = previous year's carried_out (total)",
            ]
        );

        let mut t = spread();
        t.carried_out[0] += 1;
        let r = tabulate(Profile::Jiangsu2018, &t);
        assert_eq!(
            failed(&r),
            [
                "new + carried_in = results_total + carried_out (natural_person)",
                "new + carried_in = results_total + carried_out (total)",
            ]
        );
    }

    #[test]
    fn national_json_has_the_contract_shape() {
        let r = tabulate(Profile::National2021, &spread());
        let j = to_json(&r);
        assert_eq!(j["profile"], "national-2021");
        assert_eq!(j["year"], 2024);
        assert_eq!(
            j["agency"],
            serde_json::json!({"code": "SQ", "name": "宿迁市人民政府"})
        );
        assert_eq!(
            j["table3"]["columns"],
            serde_json::json!([
                "natural_person",
                "enterprise",
                "research_institution",
                "public_interest_org",
                "legal_services",
                "other_org",
                "total"
            ])
        );
        assert_eq!(
            j["table3"]["rows"][0],
            serde_json::json!({"key": "new", "label": "一、本年新收政府信息公开申请数量",
                "values": [30, 5, 0, 1, 2, 1, 39]})
        );
        assert_eq!(j["table3"]["rows"].as_array().map(Vec::len), Some(25));
        assert_eq!(
            j["table4"]["columns"],
            serde_json::json!(["upheld", "corrected", "other", "pending", "total"])
        );
        assert_eq!(
            j["table4"]["lawsuit_after_review"],
            serde_json::json!([1, 0, 0, 0, 1])
        );
        assert_eq!(
            j["fees"],
            serde_json::json!({"notices": 2, "notice_amount_fen": 88050, "collected_fen": 10000})
        );
        assert_eq!(
            j["channels"],
            serde_json::json!({"in_person": 3, "fax": 1, "online": 30, "letter": 5, "other": 0})
        );
        assert_eq!(
            j["checks"][0],
            serde_json::json!({"rule": "sum of requester columns = total (new)", "ok": true})
        );
        let keys: Vec<&String> = j
            .as_object()
            .map(|o| o.keys().collect())
            .unwrap_or_default();
        assert_eq!(keys.len(), 8, "{keys:?}");
        // Written directly, the keys keep the contract's order.
        let text = serde_json::to_string(&r).unwrap_or_default();
        let at = |k: &str| text.find(&format!("\"{k}\":"));
        assert!(at("profile") < at("table3") && at("table3") < at("checks"));
        assert!(at("in_person") < at("fax") && at("fax") < at("online"));
    }

    #[test]
    fn jiangsu_figures_and_json() {
        let r = tabulate(Profile::Jiangsu2018, &changzhou_2018());
        assert!(failed(&r).is_empty(), "{:?}", failed(&r));
        let f = figures_of(&r);
        assert_eq!((f.received, f.previous_year_received), (2425, Some(1729)));
        let counts: Vec<u64> = f.categories.iter().map(|c| c.count).collect();
        assert_eq!(counts, [259, 728, 228, 228, 372, 405, 59, 146]);
        assert_eq!(f.disclosure_ratio.as_deref(), Some("84.20"));
        let names = |l: &[Ranked]| l.iter().map(|r| r.short_name.clone()).collect::<Vec<_>>();
        assert_eq!(names(&f.top_governments), ["溧阳市", "金坛区", "武进区"]);
        assert_eq!(
            names(&f.top_departments),
            [
                "市国土局",
                "市规划局",
                "市政府办公室",
                "市建设局",
                "市环保局"
            ]
        );
        let topics: Vec<&str> = f.topics.iter().map(|t| t.topic.as_str()).collect();
        assert_eq!(topics, ["征地拆迁", "规划建设", "环境保护"]);

        let j = to_json(&r);
        for key in [
            "received",
            "previous_year_received",
            "channels",
            "categories",
            "disclosure_ratio",
            "top_governments",
            "top_departments",
            "topics",
            "review",
            "lawsuit",
            "checks",
        ] {
            assert!(j.get(key).is_some(), "{key}");
        }
        assert!(j.get("table3").is_none());
        assert_eq!(j["disclosure_ratio"], "84.20");
        assert_eq!(
            j["categories"][0],
            serde_json::json!({"key": "already_public", "label": "属于主动公开范围", "count": 259})
        );
        assert_eq!(
            j["review"],
            serde_json::json!({"total": 98, "previous_year": 85, "upheld": 70, "corrected": 4,
                "other": 20, "pending": 4})
        );
        assert_eq!(j["lawsuit"]["total"], 151);
        assert_eq!(j["top_governments"][0]["code"], "CZ-LY");
    }

    #[test]
    fn ties_rank_by_code_and_zero_counts_are_left_out() {
        let subs = [
            sub("B", "乙区", AgencyKind::Government, 5),
            sub("A", "甲区", AgencyKind::Government, 5),
            sub("C", "丙区", AgencyKind::Government, 0),
            sub("D", "丁局", AgencyKind::Department, 9),
        ];
        let ranked = top(&subs, AgencyKind::Government, 3);
        let codes: Vec<&str> = ranked.iter().map(|r| r.code.as_str()).collect();
        assert_eq!(codes, ["A", "B"]);
        let topics = top_topics(&[("乙".into(), 2), ("甲".into(), 2), ("丙".into(), 0)], 3);
        let topics: Vec<&str> = topics.iter().map(|t| t.topic.as_str()).collect();
        // Ties by name, in code-point order (乙 U+4E59 before 甲 U+7532).
        assert_eq!(topics, ["乙", "甲"]);
    }

    #[test]
    fn jiangsu_prose_follows_the_seed() {
        let text = narrative(&tabulate(Profile::Jiangsu2018, &changzhou_2018()));
        let expected = [
            "（一）申请情况\n",
            "2018年常州市共受理依申请公开2425件，较上年增长40.25%。",
            "申请量上，下辖政府中列前3位的是溧阳市、金坛区、武进区，\
             所属部门中列前5位的是市国土局、市规划局、市政府办公室、市建设局、市环保局。",
            // The seed's four channels add up to 2415 of 2425; here the rest is named.
            "申请形式上，当面申请247件，传真申请50件，网络申请1035件，信函申请1083件，其他方式10件。",
            "申请内容上，主要涉及征地拆迁、规划建设、环境保护等方面。",
            "（二）申请处理情况\n",
            "常州市受理的2425件依申请公开申请，已全部办结，答复率100%。",
            "其中，属于主动公开范围259件，同意公开728件，同意部分公开228件，不予公开228件，\
             在上述可以答复是否公开的情形中，实际公开比例为84.20%。",
            "其余982件中，不属于本机关公开372件，信息不存在405件，申请内容不明确59件，\
             告知通过其他途径办理146件。",
            "（三）收费及减免情况\n",
            "2018年，常州市各级行政机关在履行政府信息公开工作职能过程中，\
             对公民、法人和其他组织依申请事项提供政府信息未收费。",
            "（四）行政复议和行政诉讼情况\n",
            "2018年，常州市共处理涉及政府信息公开事务的行政复议申请98件，较上年增长15.29%。\
             其中，作出维持行政机关作出的信息公开答复告知70件，被行政纠错4件，其他情况24件。",
            "常州市共处理涉及政府信息公开事务的行政诉讼151件，较上年增长62.37%。\
             其中，判决维持具体行政行为或驳回诉讼请求100件，被依法纠错7件，其他情况44件。",
        ];
        let mut from = 0;
        for sentence in expected {
            let at = text[from..].find(sentence);
            assert!(
                at.is_some(),
                "missing or out of order: {sentence}\n\n{text}"
            );
            from += at.unwrap_or(0) + sentence.len();
        }
    }

    #[test]
    fn jiangsu_prose_with_carried_cases_fees_and_no_previous_year() {
        let mut t = spread();
        let text = narrative(&tabulate(Profile::Jiangsu2018, &t));
        assert!(text.contains("2024年宿迁市共受理依申请公开39件，较上年下降2.50%。申请形式上"));
        assert!(text.contains(
            "宿迁市受理的39件依申请公开申请及上年结转的5件，已办结36件，8件结转下年度继续办理。"
        ));
        // No other channel used, no topics, no subordinates: those clauses are left out.
        assert!(!text.contains("其他方式") && !text.contains("申请内容上"));
        assert!(!text.contains("申请量上") && !text.contains("各级行政机关"));
        assert!(text.contains(
            "依申请事项提供政府信息，发出收费通知2件，金额880.50元，实际收取信息处理费100.00元。"
        ));
        assert!(text.contains("行政复议申请4件，较上年增长33.33%。其中，"));
        assert!(text.contains("行政诉讼2件，较上年增长100.00%。"));
        assert!(text.contains("其他情况2件。"));

        t.previous = None;
        t.results.clear();
        t.carried_out = t.new;
        let text = narrative(&tabulate(Profile::Jiangsu2018, &t));
        assert!(text.contains("共受理依申请公开39件。"));
        assert!(!text.contains("较上年") && !text.contains("持平"));
        assert!(!text.contains("实际公开比例") && !text.contains("其余"));
    }

    #[test]
    fn national_text_aligns_the_tables() {
        let text = narrative(&tabulate(Profile::National2021, &spread()));
        let label_column = |label: &str| {
            text.lines()
                .find_map(|l| l.find(label).map(|at| display_width(&l[..at])))
        };
        let first = label_column("一、本年新收政府信息公开申请数量");
        assert!(first.is_some());
        assert_eq!(label_column("（七）总计"), first);
        assert_eq!(label_column("3.其他"), first);
        let row = text
            .lines()
            .find(|l| l.ends_with("（七）总计"))
            .unwrap_or_default();
        let numbers: Vec<&str> = row.split_whitespace().collect();
        assert_eq!(numbers[..7], ["29", "4", "0", "1", "1", "1", "36"]);
        let review = text
            .lines()
            .find(|l| l.starts_with("行政复议"))
            .unwrap_or_default();
        assert!(review.ends_with("2     4"), "{review}");
        assert!(text.contains("本年度发出收费通知2件，金额880.50元，实际收取信息处理费100.00元。"));
        assert!(text.contains("新收申请的渠道：当面3件，传真1件，网络30件，信函5件，其他0件。"));
        assert!(text.contains("校验：46项全部通过。"));
    }

    #[test]
    fn fees_count_notices_and_payments_in_their_year() {
        use crate::domain::case::Event;
        let d = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let proposed = |amount| Event::FeeProposed {
            on: d("2024-12-20"),
            method: "per_volume".into(),
            units: 120,
            amount,
            how_to_pay: String::new(),
            by: 1,
        };
        let paid_next_year = vec![
            proposed(110_000),
            Event::FeeApproved {
                on: d("2024-12-23"),
                by: 2,
            },
            Event::FeePaid {
                on: d("2025-01-06"),
                amount: 110_000,
                receipt_no: "1".into(),
            },
        ];
        let refused_then_approved = vec![
            proposed(50_000),
            proposed(20_000),
            Event::FeeApproved {
                on: d("2024-03-01"),
                by: 2,
            },
            Event::FeePaid {
                on: d("2024-03-05"),
                amount: 20_000,
                receipt_no: "2".into(),
            },
        ];
        let all = [paid_next_year.as_slice(), refused_then_approved.as_slice()];
        let t = fee_totals(all, 2024);
        assert_eq!(
            (t.notices, t.notice_amount_fen, t.collected_fen),
            (2, 130_000, 20_000)
        );
        let t = fee_totals(all, 2025);
        assert_eq!(
            (t.notices, t.notice_amount_fen, t.collected_fen),
            (0, 0, 110_000)
        );
    }

    #[test]
    fn differences_name_the_row_and_column_that_moved() {
        let t = Tally {
            new: [3, 1, 0, 0, 0, 0],
            results: vec![(Outcome::Disclosed, [2, 1, 0, 0, 0, 0])],
            carried_out: [1, 0, 0, 0, 0, 0],
            ..Tally::default()
        };
        let published = serde_json::to_value(tabulate(Profile::National2021, &t)).unwrap();
        assert!(differences(&published, &published).is_empty());
        let later = Tally {
            new: [4, 1, 0, 0, 0, 0],
            carried_out: [2, 0, 0, 0, 0, 0],
            ..t
        };
        let live = serde_json::to_value(tabulate(Profile::National2021, &later)).unwrap();
        let d = differences(&published, &live);
        assert!(
            d.contains(
                &"table3 · rows · 一、本年新收政府信息公开申请数量 · 自然人: 3 → 4".to_string()
            ),
            "{d:?}"
        );
        assert!(
            d.contains(&"table3 · rows · 四、结转下年度继续办理 · 总计: 1 → 2".to_string()),
            "{d:?}"
        );
        assert_eq!(d.len(), 4, "{d:?}");
    }

    #[test]
    fn each_outcome_belongs_to_the_family_of_its_row() {
        let prefixes = [
            "disclosed",
            "partial",
            "withheld",
            "unavailable",
            "not_processed",
            "other",
        ];
        for o in Outcome::ALL {
            let row = Profile::National2021
                .rows()
                .into_iter()
                .find(|r| matches!(r.counts, Counts::Outcomes(list) if list.contains(&o)))
                .unwrap();
            let prefix = row.key.split('.').next().unwrap();
            assert_eq!(prefixes[family(o)], prefix, "{}", o.code());
        }
    }

    #[test]
    fn years_before_the_national_table_default_to_the_narrative() {
        assert_eq!(Profile::default_for(2018), Profile::Jiangsu2018);
        assert_eq!(Profile::default_for(2019), Profile::National2021);
    }
}
