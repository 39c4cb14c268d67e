//! The case ledger CSV (contracts/cli-and-files.md, "Case ledger CSV"): read
//! as a stream, every row checked and every error collected, so an operator
//! fixes a file in one pass; and the lines `ledger export` writes.

use super::{ImportError, bad_char};
use crate::domain::deadline::{self, ReceiptAge};
use crate::domain::fees;
use crate::domain::ledger::{Appeal, Entry, Fee, FeeMethod};
use crate::domain::outcome::{AppealResult, Channel, Outcome, RequesterType};
use crate::service::cases::{MAX_REQUESTER_NAME, MAX_SUBJECT, MAX_TRACKING};
use crate::service::rules::MAX_TOPIC;
use chrono::NaiveDate;
use std::collections::HashMap;
use std::io::Read;

/// The columns of the contract, in its order (the export's order too).
pub const COLUMNS: [&str; 22] = [
    "tracking_no",
    "agency_code",
    "received_on",
    "channel",
    "requester_type",
    "requester_name",
    "subject",
    "topic",
    "extended",
    "outcome",
    "closed_on",
    "fee_method",
    "fee_notice_on",
    "fee_amount_yuan",
    "fee_paid_on",
    "review_filed_on",
    "review_result",
    "review_decided_on",
    "lawsuit_filed_on",
    "lawsuit_after_review",
    "lawsuit_result",
    "lawsuit_decided_on",
];

/// What the export adds after them. An import accepts and ignores these, so an
/// exported file imports as it is: they are computed again from the history.
pub const COMPUTED: [&str; 3] = ["due_on", "status", "overdue"];

pub const REQUIRED: [&str; 6] = [
    "agency_code",
    "received_on",
    "channel",
    "requester_type",
    "requester_name",
    "subject",
];

// Positions in COLUMNS.
const TRACKING_NO: usize = 0;
const AGENCY_CODE: usize = 1;
const RECEIVED_ON: usize = 2;
const CHANNEL: usize = 3;
const REQUESTER_TYPE: usize = 4;
const REQUESTER_NAME: usize = 5;
const SUBJECT: usize = 6;
const TOPIC: usize = 7;
const EXTENDED: usize = 8;
const OUTCOME: usize = 9;
const CLOSED_ON: usize = 10;
const FEE_METHOD: usize = 11;
const FEE_NOTICE_ON: usize = 12;
const FEE_AMOUNT: usize = 13;
const FEE_PAID_ON: usize = 14;
const REVIEW_FILED_ON: usize = 15;
const REVIEW_RESULT: usize = 16;
const REVIEW_DECIDED_ON: usize = 17;
const LAWSUIT_FILED_ON: usize = 18;
const LAWSUIT_AFTER_REVIEW: usize = 19;
const LAWSUIT_RESULT: usize = 20;
const LAWSUIT_DECIDED_ON: usize = 21;

/// A checked line and the row it came from (the header is row 1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub row: u64,
    pub entry: Entry,
}

/// The good lines and every error found. Nothing may be written unless
/// `errors` is empty.
#[derive(Debug, Default)]
pub struct Parsed {
    pub lines: Vec<Line>,
    pub errors: Vec<ImportError>,
}

/// Remembers the last byte read, to tell whether the file's last record ends
/// with a line break (the reader's line count cannot say).
struct Tail<R> {
    inner: R,
    last: Option<u8>,
}

impl<R: Read> Read for Tail<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n > 0 {
            self.last = Some(buf[n - 1]);
        }
        Ok(n)
    }
}

/// Reads and checks a ledger. `agency_exists` answers for an agency code;
/// `today` bounds the dates (nothing recorded can have happened later).
pub fn parse<R: Read>(
    file: &str,
    input: R,
    agency_exists: impl Fn(&str) -> bool,
    today: NaiveDate,
) -> Parsed {
    let mut out = Parsed::default();
    let err = |row: Option<u64>, column: Option<&str>, message: String| ImportError {
        file: file.to_string(),
        row,
        column: column.map(str::to_string),
        message,
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        // Field counts are checked here, to name the row as a spreadsheet does.
        .flexible(true)
        .from_reader(Tail {
            inner: input,
            last: None,
        });
    let header = match reader.byte_headers() {
        Ok(h) => h.clone(),
        Err(e) => {
            out.errors.push(err(Some(1), None, read_error(&e)));
            return out;
        }
    };
    // Where each contract column is in the file.
    let mut at: [Option<usize>; COLUMNS.len()] = [None; COLUMNS.len()];
    let known = || {
        COLUMNS
            .iter()
            .chain(COMPUTED.iter())
            .copied()
            .collect::<Vec<_>>()
            .join(", ")
    };
    for (i, raw) in header.iter().enumerate() {
        let raw = if i == 0 {
            raw.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(raw)
        } else {
            raw
        };
        let Ok(name) = std::str::from_utf8(raw) else {
            out.errors.push(err(
                Some(1),
                Some(&(i + 1).to_string()),
                "the column name is not UTF-8 text; save the file as UTF-8".into(),
            ));
            continue;
        };
        let name = name.trim();
        if let Some(c) = COLUMNS.iter().position(|c| *c == name) {
            if at[c].is_some() {
                out.errors.push(err(
                    Some(1),
                    Some(name),
                    "appears twice in the header".into(),
                ));
            }
            at[c] = Some(i);
        } else if !COMPUTED.contains(&name) {
            out.errors.push(err(
                Some(1),
                Some(name),
                format!("unknown column; expected columns: {}", known()),
            ));
        }
    }
    let mut missing = [false; COLUMNS.len()];
    for r in REQUIRED {
        let c = COLUMNS.iter().position(|c| *c == r).expect("a column");
        if at[c].is_none() {
            missing[c] = true;
            out.errors
                .push(err(Some(1), Some(r), "required column is missing".into()));
        }
    }

    // A spreadsheet shows a quoted cell with line breaks as one row, and blank
    // lines as rows: a record's row is its first physical line less the line
    // breaks inside the cells before it. The reader's position after a record
    // is the line after its last one.
    let newlines = |r: &csv::ByteRecord| -> u64 {
        r.iter()
            .map(|f| f.iter().filter(|&&b| b == b'\n').count() as u64)
            .sum()
    };
    let mut hidden = newlines(&header);
    let mut last_row = 1;
    let mut seen: HashMap<String, u64> = HashMap::new();
    let mut cur = csv::ByteRecord::new();
    let mut next = csv::ByteRecord::new();
    let mut have = match reader.read_byte_record(&mut cur) {
        Ok(h) => h,
        Err(e) => {
            out.errors.push(err(None, None, read_error(&e)));
            return out;
        }
    };
    while have {
        let end_line = reader.position().line();
        let more = match reader.read_byte_record(&mut next) {
            Ok(m) => m,
            Err(e) => {
                out.errors.push(err(None, None, read_error(&e)));
                return out;
            }
        };
        // The last record may end without a line break, and then ends on the
        // line the reader stands on.
        let terminated = more || reader.get_ref().last == Some(b'\n');
        let inner = newlines(&cur);
        let row = end_line
            .saturating_sub(inner + u64::from(terminated))
            .saturating_sub(hidden)
            // Lines ended by a bare carriage return are not counted by the
            // reader: such a file's rows follow one another.
            .max(last_row + 1);
        last_row = row;
        hidden += inner;
        check_record(
            file,
            row,
            &cur,
            header.len(),
            &at,
            &missing,
            &agency_exists,
            today,
            &mut seen,
            &mut out,
        );
        std::mem::swap(&mut cur, &mut next);
        have = more;
    }
    out
}

fn read_error(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::Io(io) => format!("cannot be read: {io}"),
        _ => e.to_string(),
    }
}

/// A cell as read: text (trimmed), or refused already (not UTF-8, a control
/// character, a required column missing from the header).
#[derive(Clone, Copy)]
enum Cell<'a> {
    Text(&'a str),
    Refused,
}

/// The checks of one row, collecting their errors.
struct Row<'a> {
    file: &'a str,
    row: u64,
    cells: [Cell<'a>; COLUMNS.len()],
    errors: Vec<ImportError>,
}

/// A value read from a cell: Err when the cell was refused (its error is
/// recorded), Ok(None) when empty.
type Val<T> = Result<Option<T>, ()>;

impl<'a> Row<'a> {
    fn error(&mut self, col: usize, message: impl Into<String>) {
        self.errors.push(ImportError {
            file: self.file.to_string(),
            row: Some(self.row),
            column: Some(COLUMNS[col].to_string()),
            message: message.into(),
        });
    }

    fn text(&self, col: usize) -> Val<&'a str> {
        match self.cells[col] {
            Cell::Refused => Err(()),
            Cell::Text("") => Ok(None),
            Cell::Text(t) => Ok(Some(t)),
        }
    }

    fn required(&mut self, col: usize, max: usize) -> Val<&'a str> {
        let v = self.text(col)?;
        match v {
            None => {
                self.error(col, "is empty; the column is required");
                Err(())
            }
            Some(t) => self.within(col, t, max).map(Some),
        }
    }

    fn within(&mut self, col: usize, t: &'a str, max: usize) -> Result<&'a str, ()> {
        let n = t.chars().count();
        if n > max {
            self.error(
                col,
                format!("is {n} characters long; at most {max} are allowed"),
            );
            return Err(());
        }
        Ok(t)
    }

    fn date(&mut self, col: usize, today: NaiveDate) -> Val<NaiveDate> {
        let Some(t) = self.text(col)? else {
            return Ok(None);
        };
        match NaiveDate::parse_from_str(t, "%Y-%m-%d") {
            Ok(d) if t.len() == 10 && d <= today => Ok(Some(d)),
            Ok(_) if t.len() == 10 => {
                self.error(col, format!("\"{t}\" is in the future"));
                Err(())
            }
            _ => {
                self.error(col, format!("\"{t}\" is not a date (YYYY-MM-DD)"));
                Err(())
            }
        }
    }

    /// A coded value; `expected` lists the accepted ones, built only for the message.
    fn choice<T>(
        &mut self,
        col: usize,
        parse: impl Fn(&str) -> Option<T>,
        expected: impl Fn() -> String,
    ) -> Val<T> {
        let Some(t) = self.text(col)? else {
            return Ok(None);
        };
        match parse(t) {
            Some(v) => Ok(Some(v)),
            None => {
                self.error(col, format!("\"{t}\" is not one of {}", expected()));
                Err(())
            }
        }
    }

    fn boolean(&mut self, col: usize) -> Result<bool, ()> {
        // Spreadsheets save booleans as TRUE and FALSE.
        match self.text(col)? {
            None => Ok(false),
            Some(t) if t.eq_ignore_ascii_case("false") => Ok(false),
            Some(t) if t.eq_ignore_ascii_case("true") => Ok(true),
            Some(t) => {
                self.error(
                    col,
                    format!("\"{t}\" is not true or false (empty is false)"),
                );
                Err(())
            }
        }
    }

    /// `later` may not be before `earlier` (both given).
    fn not_before(
        &mut self,
        col: usize,
        later: Val<NaiveDate>,
        earlier: Val<NaiveDate>,
        what: usize,
    ) {
        if let (Ok(Some(l)), Ok(Some(e))) = (later, earlier)
            && l < e
        {
            self.error(col, format!("{l} is before {} ({e})", COLUMNS[what]));
        }
    }
}

/// The accepted values of a coded column, e.g. `letter (信函), other (其他)`.
fn expected<T: Copy>(
    all: &[T],
    code: impl Fn(T) -> &'static str,
    label: impl Fn(T) -> &'static str,
) -> String {
    all.iter()
        .map(|v| format!("{} ({})", code(*v), label(*v)))
        .collect::<Vec<_>>()
        .join(", ")
}

#[allow(clippy::too_many_arguments)]
fn check_record(
    file: &str,
    row: u64,
    record: &csv::ByteRecord,
    width: usize,
    at: &[Option<usize>; COLUMNS.len()],
    missing: &[bool; COLUMNS.len()],
    agency_exists: &impl Fn(&str) -> bool,
    today: NaiveDate,
    seen: &mut HashMap<String, u64>,
    out: &mut Parsed,
) {
    let line_error = |message: String| ImportError {
        file: file.to_string(),
        row: Some(row),
        column: None,
        message,
    };
    if record.len() != width {
        // A spreadsheet's trailing empty line may come out as a bare line break.
        if record.len() == 1 && record[0].is_empty() {
            return;
        }
        out.errors.push(line_error(format!(
            "{} fields where the header has {width}",
            record.len()
        )));
        return;
    }
    if record.iter().all(|c| c.trim_ascii().is_empty()) {
        return;
    }
    let mut r = Row {
        file,
        row,
        cells: [Cell::Text(""); COLUMNS.len()],
        errors: Vec::new(),
    };
    for (c, pos) in at.iter().enumerate() {
        if missing[c] {
            r.cells[c] = Cell::Refused;
            continue;
        }
        let Some(i) = *pos else { continue };
        let raw = &record[i];
        match std::str::from_utf8(raw) {
            Ok(text) => match bad_char(text, c == SUBJECT) {
                Some(ch) => {
                    r.cells[c] = Cell::Refused;
                    r.error(
                        c,
                        format!(
                            "contains the control character U+{:04X}; remove it and import again",
                            ch as u32
                        ),
                    );
                }
                None => r.cells[c] = Cell::Text(text.trim()),
            },
            Err(e) => {
                r.cells[c] = Cell::Refused;
                r.error(
                    c,
                    format!(
                        "is not UTF-8 text (byte {} of the cell, 0x{:02X}); save the file as UTF-8",
                        e.valid_up_to() + 1,
                        raw[e.valid_up_to()]
                    ),
                );
            }
        }
    }
    if let Some(entry) = check_row(&mut r, agency_exists, today, seen)
        && r.errors.is_empty()
    {
        out.lines.push(Line { row, entry });
    }
    out.errors.append(&mut r.errors);
}

/// The checks of rules.md and the contract on one row; None when any failed.
fn check_row(
    r: &mut Row,
    agency_exists: &impl Fn(&str) -> bool,
    today: NaiveDate,
    seen: &mut HashMap<String, u64>,
) -> Option<Entry> {
    let tracking_no = match r.text(TRACKING_NO) {
        Ok(Some(t)) => match r.within(TRACKING_NO, t, MAX_TRACKING) {
            Ok(t) => match seen.get(t) {
                Some(first) => {
                    r.error(
                        TRACKING_NO,
                        format!("\"{t}\" already appears in row {first}"),
                    );
                    Err(())
                }
                None => {
                    seen.insert(t.to_string(), r.row);
                    Ok(Some(t.to_string()))
                }
            },
            Err(()) => Err(()),
        },
        Ok(None) => Ok(None),
        Err(()) => Err(()),
    };
    let agency = match r.required(AGENCY_CODE, usize::MAX) {
        Ok(Some(code)) if !agency_exists(code) => {
            r.error(
                AGENCY_CODE,
                format!("\"{code}\" is not the code of an agency in the database"),
            );
            Err(())
        }
        v => v,
    };
    let received = match r.date(RECEIVED_ON, today) {
        Ok(None) => {
            r.error(RECEIVED_ON, "is empty; the column is required");
            Err(())
        }
        Ok(Some(d)) if deadline::receipt_age(d, today) == ReceiptAge::BeforeRegulation => {
            r.error(
                RECEIVED_ON,
                format!(
                    "{d} is before {}, when the Regulation took effect",
                    deadline::RULE_SETS[0].in_force_from
                ),
            );
            Err(())
        }
        v => v,
    };
    let channel = required_choice(r, CHANNEL, Channel::parse, || {
        expected(&Channel::ALL, Channel::code, Channel::label_zh)
    });
    let requester_type = required_choice(r, REQUESTER_TYPE, RequesterType::parse, || {
        expected(
            &RequesterType::ALL,
            RequesterType::code,
            RequesterType::label_zh,
        )
    });
    let requester_name = r.required(REQUESTER_NAME, MAX_REQUESTER_NAME);
    let subject = r.required(SUBJECT, MAX_SUBJECT);
    let topic = match r.text(TOPIC) {
        Ok(Some(t)) => r.within(TOPIC, t, MAX_TOPIC).map(Some),
        v => v,
    };
    let extended = r.boolean(EXTENDED);
    let outcome = match r.text(OUTCOME) {
        Ok(Some(t)) => match Outcome::parse_or_label(t) {
            Some(o) => Ok(Some(o)),
            None => {
                r.error(
                    OUTCOME,
                    format!(
                        "\"{t}\" is not an outcome code (rules.md section 3, e.g. disclosed, partial, not_held_nonexistent) or its Chinese label (e.g. 予以公开)"
                    ),
                );
                Err(())
            }
        },
        v => v.map(|_| None),
    };
    let closed_on = r.date(CLOSED_ON, today);
    match (outcome, closed_on) {
        (Ok(Some(_)), Ok(None)) => r.error(
            CLOSED_ON,
            "is empty; a case with an outcome needs the day it was answered",
        ),
        (Ok(None), Ok(Some(_))) => r.error(
            OUTCOME,
            "is empty but closed_on is given; a closed case needs its outcome",
        ),
        _ => {}
    }
    r.not_before(CLOSED_ON, closed_on, received, RECEIVED_ON);

    // The fee: method, notice and amount together; a payment only with them.
    let method = r.choice(FEE_METHOD, FeeMethod::parse, || {
        expected(&FeeMethod::ALL, FeeMethod::code, FeeMethod::label_zh)
    });
    let notice_on = r.date(FEE_NOTICE_ON, today);
    let amount = match r.text(FEE_AMOUNT) {
        Ok(Some(t)) => match fees::parse_yuan(t) {
            Some(0) => {
                r.error(FEE_AMOUNT, "is 0; a fee notice charges more than nothing");
                Err(())
            }
            Some(fen) => Ok(Some(fen)),
            None => {
                r.error(
                    FEE_AMOUNT,
                    format!("\"{t}\" is not an amount in yuan (e.g. 880 or 880.50)"),
                );
                Err(())
            }
        },
        v => v.map(|_| None),
    };
    let paid_on = r.date(FEE_PAID_ON, today);
    let fee_given = [
        method.map(|m| m.is_some()),
        notice_on.map(|d| d.is_some()),
        amount.map(|a| a.is_some()),
    ];
    let any_fee = fee_given.iter().any(|g| *g != Ok(false));
    if any_fee {
        for (col, given) in [FEE_METHOD, FEE_NOTICE_ON, FEE_AMOUNT]
            .into_iter()
            .zip(fee_given)
        {
            if given == Ok(false) {
                r.error(
                    col,
                    "is empty; fee_method, fee_notice_on and fee_amount_yuan go together",
                );
            }
        }
    } else if let Ok(Some(_)) = paid_on {
        r.error(
            FEE_PAID_ON,
            "is given but there is no fee notice (fee_method, fee_notice_on, fee_amount_yuan)",
        );
    }
    r.not_before(FEE_NOTICE_ON, notice_on, received, RECEIVED_ON);
    r.not_before(FEE_PAID_ON, paid_on, notice_on, FEE_NOTICE_ON);
    // The fee is for processing: its notice and payment come before the answer.
    r.not_before(CLOSED_ON, closed_on, notice_on, FEE_NOTICE_ON);
    r.not_before(CLOSED_ON, closed_on, paid_on, FEE_PAID_ON);
    if let Ok(Some(Outcome::OtherFeeUnpaid)) = outcome
        && !(matches!(notice_on, Ok(Some(_))) && paid_on == Ok(None))
    {
        r.error(
            OUTCOME,
            "other_fee_unpaid needs a fee notice (fee_notice_on) and no payment (fee_paid_on empty)",
        );
    }

    let review = appeal(
        r,
        [REVIEW_FILED_ON, REVIEW_RESULT, REVIEW_DECIDED_ON],
        received,
        today,
    );
    let lawsuit = appeal(
        r,
        [LAWSUIT_FILED_ON, LAWSUIT_RESULT, LAWSUIT_DECIDED_ON],
        received,
        today,
    );
    let after_review = r.boolean(LAWSUIT_AFTER_REVIEW);
    if let Ok(true) = after_review {
        if let Ok(None) = review {
            r.error(
                LAWSUIT_AFTER_REVIEW,
                "is true but review_filed_on is empty on this row",
            );
        }
        if let Ok(None) = lawsuit {
            r.error(
                LAWSUIT_AFTER_REVIEW,
                "is true but lawsuit_filed_on is empty on this row",
            );
        }
        let filed = |a: &Val<Appeal>| {
            a.as_ref()
                .map(|a| a.as_ref().map(|a| a.filed_on))
                .map_err(|_| ())
        };
        let (l, rv) = (filed(&lawsuit), filed(&review));
        r.not_before(LAWSUIT_FILED_ON, l, rv, REVIEW_FILED_ON);
    }

    if !r.errors.is_empty() {
        return None;
    }
    let fee = match (method, notice_on, amount) {
        (Ok(Some(method)), Ok(Some(notice_on)), Ok(Some(amount))) => Some(Fee {
            method,
            notice_on,
            amount,
            paid_on: paid_on.ok()?,
        }),
        _ => None,
    };
    Some(Entry {
        tracking_no: tracking_no.ok()?,
        agency_code: agency.ok()??.to_string(),
        received_on: received.ok()??,
        channel: channel.ok()?,
        requester_type: requester_type.ok()?,
        requester_name: requester_name.ok()??.to_string(),
        subject: subject.ok()??.to_string(),
        topic: topic.ok()?.unwrap_or_default().to_string(),
        extended: extended.ok()?,
        outcome: outcome.ok()?,
        closed_on: closed_on.ok()?,
        fee,
        review: review.ok()?,
        lawsuit: lawsuit.ok()?,
        lawsuit_after_review: after_review.ok()?,
    })
}

fn required_choice<T>(
    r: &mut Row,
    col: usize,
    parse: impl Fn(&str) -> Option<T>,
    expected: impl Fn() -> String,
) -> Result<T, ()> {
    match r.choice(col, parse, expected)? {
        Some(v) => Ok(v),
        None => {
            r.error(col, "is empty; the column is required");
            Err(())
        }
    }
}

/// A reconsideration's or a lawsuit's three columns: filed, result, decided.
fn appeal(
    r: &mut Row,
    [filed_col, result_col, decided_col]: [usize; 3],
    received: Val<NaiveDate>,
    today: NaiveDate,
) -> Val<Appeal> {
    let filed = r.date(filed_col, today);
    let result = r.choice(result_col, AppealResult::parse, || {
        expected(
            &AppealResult::ALL,
            AppealResult::code,
            AppealResult::label_zh,
        )
    });
    let decided = r.date(decided_col, today);
    let before = r.errors.len();
    if filed == Ok(None) && (matches!(result, Ok(Some(_))) || matches!(decided, Ok(Some(_)))) {
        let given = if matches!(result, Ok(Some(_))) {
            result_col
        } else {
            decided_col
        };
        r.error(
            filed_col,
            format!("is empty but {} is given", COLUMNS[given]),
        );
    }
    match (result, decided) {
        (Ok(Some(_)), Ok(None)) => r.error(
            decided_col,
            "is empty; a result needs the day of the decision",
        ),
        (Ok(None), Ok(Some(_))) => r.error(
            result_col,
            format!(
                "is empty but {} is given; give the result",
                COLUMNS[decided_col]
            ),
        ),
        _ => {}
    }
    r.not_before(filed_col, filed, received, RECEIVED_ON);
    r.not_before(decided_col, decided, filed, filed_col);
    if r.errors.len() > before {
        return Err(());
    }
    Ok(filed?.map(|filed_on| Appeal {
        filed_on,
        result: result.ok().flatten(),
        decided_on: decided.ok().flatten(),
    }))
}

/// What the export adds to a line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Computed {
    pub due_on: Option<NaiveDate>,
    pub status: &'static str,
    pub overdue: bool,
}

/// The export's header: the contract's columns, then the computed ones.
pub fn header() -> Vec<&'static str> {
    COLUMNS.iter().chain(COMPUTED.iter()).copied().collect()
}

/// A line of the export, in the order of `header`; codes, not labels, so it
/// imports again as it is.
pub fn record(e: &Entry, c: &Computed) -> Vec<String> {
    let date = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    let bool_text = |b: bool| if b { "true" } else { "false" }.to_string();
    let result = |a: &Option<Appeal>| {
        a.as_ref()
            .and_then(|a| a.result)
            .map(|r| r.code().to_string())
            .unwrap_or_default()
    };
    let decided = |a: &Option<Appeal>| date(a.as_ref().and_then(|a| a.decided_on));
    let filed = |a: &Option<Appeal>| date(a.as_ref().map(|a| a.filed_on));
    let fee = e.fee.as_ref();
    vec![
        e.tracking_no.clone().unwrap_or_default(),
        e.agency_code.clone(),
        e.received_on.to_string(),
        e.channel.code().into(),
        e.requester_type.code().into(),
        e.requester_name.clone(),
        e.subject.clone(),
        e.topic.clone(),
        bool_text(e.extended),
        e.outcome.map(|o| o.code().to_string()).unwrap_or_default(),
        date(e.closed_on),
        fee.map(|f| f.method.code().to_string()).unwrap_or_default(),
        date(fee.map(|f| f.notice_on)),
        fee.map(|f| fees::yuan(f.amount)).unwrap_or_default(),
        date(fee.and_then(|f| f.paid_on)),
        filed(&e.review),
        result(&e.review),
        decided(&e.review),
        filed(&e.lawsuit),
        if e.lawsuit.is_some() {
            bool_text(e.lawsuit_after_review)
        } else {
            String::new()
        },
        result(&e.lawsuit),
        decided(&e.lawsuit),
        date(c.due_on),
        c.status.to_string(),
        bool_text(c.overdue),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    const TODAY: &str = "2025-06-30";
    const HEAD: &str = "tracking_no,agency_code,received_on,channel,requester_type,requester_name,subject,outcome,closed_on";

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn read(text: &[u8]) -> Parsed {
        parse("ledger.csv", text, |c| c == "CZ" || c == "CZ-GTJ", d(TODAY))
    }

    fn messages(p: &Parsed) -> Vec<String> {
        p.errors.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn a_good_ledger_with_bom_labels_and_any_column_order() {
        let csv = "\u{feff}subject,agency_code,received_on,channel,requester_type,requester_name,outcome,closed_on,extended,fee_method,fee_notice_on,fee_amount_yuan,fee_paid_on,tracking_no\n\
                   征地方案,CZ,2024-09-27,信函,自然人,张三,予以公开,2024-10-20,true,按量计收,2024-10-08,880.5,2024-10-09,旧-001\n\
                   \"两行\n的内容\",CZ-GTJ,2024-10-08,online,enterprise,某公司,,,,,,,,\n";
        let p = read(csv.as_bytes());
        assert!(p.errors.is_empty(), "{:?}", messages(&p));
        assert_eq!(p.lines.len(), 2);
        let e = &p.lines[0].entry;
        assert_eq!(p.lines[0].row, 2);
        assert_eq!(e.tracking_no.as_deref(), Some("旧-001"));
        assert_eq!(e.channel, Channel::Letter);
        assert_eq!(e.requester_type, RequesterType::NaturalPerson);
        assert_eq!(e.outcome, Some(Outcome::Disclosed));
        assert!(e.extended);
        assert_eq!(
            e.fee,
            Some(Fee {
                method: FeeMethod::PerVolume,
                notice_on: d("2024-10-08"),
                amount: 88_050,
                paid_on: Some(d("2024-10-09")),
            })
        );
        let open = &p.lines[1];
        assert_eq!((open.row, open.entry.tracking_no.as_ref()), (3, None));
        assert_eq!(open.entry.subject, "两行\n的内容");
        assert_eq!(open.entry.outcome, None);
    }

    #[test]
    fn every_error_is_reported_with_row_and_column() {
        let csv = format!(
            "{HEAD}\n\
             ,CZ,2024-13-01,letter,natural_person,张三,事项,,\n\
             ,ZZ,2024-09-27,pigeon,自然人,张三,事项,,\n\
             ,CZ,2024-09-27,letter,natural_person,,事项,revealed,2024-09-01\n\
             ,CZ,2024-09-27,letter,natural_person,李四,事项,disclosed,\n"
        );
        let p = read(csv.as_bytes());
        assert!(p.lines.is_empty());
        assert_eq!(
            messages(&p),
            [
                "ledger.csv row 2, column received_on: \"2024-13-01\" is not a date (YYYY-MM-DD)",
                "ledger.csv row 3, column agency_code: \"ZZ\" is not the code of an agency in the database",
                "ledger.csv row 3, column channel: \"pigeon\" is not one of in_person (当面), fax (传真), online (网络), letter (信函), other (其他)",
                "ledger.csv row 4, column requester_name: is empty; the column is required",
                "ledger.csv row 4, column outcome: \"revealed\" is not an outcome code (rules.md section 3, e.g. disclosed, partial, not_held_nonexistent) or its Chinese label (e.g. 予以公开)",
                "ledger.csv row 4, column closed_on: 2024-09-01 is before received_on (2024-09-27)",
                "ledger.csv row 5, column closed_on: is empty; a case with an outcome needs the day it was answered",
            ]
        );
    }

    #[test]
    fn rows_are_numbered_as_a_spreadsheet_shows_them() {
        // Row 2 spans three lines in a quoted cell, row 3 is blank, row 4 is wrong,
        // and the last row has no line break after it.
        let csv = format!(
            "{HEAD}\n,CZ,2024-09-27,letter,natural_person,张三,\"a\nb\nc\",,\n\n,CZ,2024-02-30,letter,natural_person,张三,x,,\n,CZ,2024-09-27,fax,natural_person,张三,x,,2024-10-01"
        );
        let p = read(csv.as_bytes());
        let rows: Vec<_> = p.errors.iter().map(|e| (e.row, e.column.clone())).collect();
        assert_eq!(
            rows,
            [
                (Some(4), Some("received_on".to_string())),
                (Some(5), Some("outcome".to_string()))
            ]
        );
        assert_eq!(p.lines.iter().map(|l| l.row).collect::<Vec<_>>(), [2]);
        // With a line break at the end, the same.
        let p = read(format!("{csv}\n").as_bytes());
        assert_eq!(p.errors.last().unwrap().row, Some(5));
    }

    #[test]
    fn windows_and_old_mac_line_ends() {
        for end in ["\r\n", "\r"] {
            let csv = [
                HEAD,
                ",CZ,2024-09-27,letter,natural_person,张三,\"a\r\nb\",,",
                ",CZ,2024-09-27,letter,natural_person,张三,x,,2024-10-01",
            ]
            .join(end);
            let p = read(csv.as_bytes());
            assert_eq!(p.errors.len(), 1, "{end:?}: {:?}", messages(&p));
            assert_eq!(p.errors[0].row, Some(3), "{end:?}");
            assert_eq!(p.lines[0].entry.subject, "a\r\nb");
        }
    }

    #[test]
    fn bad_bytes_and_nul_are_named_by_row_and_column() {
        let mut csv =
            format!("{HEAD}\n,CZ,2024-09-27,letter,natural_person,张三,事项,,\n").into_bytes();
        csv.extend_from_slice(b",CZ,2024-09-27,letter,natural_person,\xE5\xBC\xA0\xFF,x,,\n");
        csv.extend_from_slice(b",CZ,2024-09-27,letter,natural_person,x,a\x00b,,\n");
        let p = read(&csv);
        assert_eq!(
            messages(&p),
            [
                "ledger.csv row 3, column requester_name: is not UTF-8 text (byte 4 of the cell, 0xFF); save the file as UTF-8",
                "ledger.csv row 4, column subject: contains the control character U+0000; remove it and import again",
            ]
        );
        assert_eq!(p.lines.len(), 1);
    }

    #[test]
    fn header_problems_and_duplicates() {
        let p = read(b"agency_code,received_on,channel,requester_type,subject,colour\n");
        assert_eq!(
            messages(&p)[0],
            format!(
                "ledger.csv row 1, column colour: unknown column; expected columns: {}",
                header().join(", ")
            )
        );
        assert_eq!(
            messages(&p)[1],
            "ledger.csv row 1, column requester_name: required column is missing"
        );
        // The computed columns of an export are accepted.
        let csv = format!(
            "{HEAD},due_on,status,overdue\nA-1,CZ,2024-09-27,letter,natural_person,张三,x,,,2024-10-30,open,true\nA-1,CZ,2024-09-27,letter,natural_person,张三,x,,,,,\n"
        );
        let p = read(csv.as_bytes());
        assert_eq!(
            messages(&p),
            ["ledger.csv row 3, column tracking_no: \"A-1\" already appears in row 2"]
        );
    }

    #[test]
    fn fees_and_appeals_are_checked_together() {
        let head = "agency_code,received_on,channel,requester_type,requester_name,subject,outcome,closed_on,fee_method,fee_notice_on,fee_amount_yuan,fee_paid_on,review_filed_on,review_result,review_decided_on,lawsuit_filed_on,lawsuit_after_review,lawsuit_result,lawsuit_decided_on";
        let rows = [
            // 2: fee without its amount; paid before the notice
            "CZ,2024-09-27,letter,natural_person,张三,x,,,per_piece,2024-10-08,,2024-10-01,,,,,,,",
            // 3: a lawsuit result without its date; after a review the row lacks
            "CZ,2024-09-27,letter,natural_person,张三,x,,,,,,,,,,2024-11-01,true,upheld,",
            // 4: decided before filed; a payment without a fee; an amount that is not one
            "CZ,2024-09-27,letter,natural_person,张三,x,,,,,,2024-10-09,2024-10-10,维持,2024-10-01,,,,",
            "CZ,2024-09-27,letter,natural_person,张三,x,,,per_volume,2024-10-08,88o,,,,,,,,",
            // 6: fine, with a suit after the review
            "CZ,2024-09-27,letter,natural_person,张三,x,disclosed,2024-10-20,per_volume,2024-10-08,880,2024-10-09,2024-10-21,upheld,2024-12-01,2024-12-10,true,纠正,2025-03-01",
            // 7: withdrawn for an unpaid fee that was paid
            "CZ,2024-09-27,letter,natural_person,张三,x,other_fee_unpaid,2024-11-20,per_volume,2024-10-08,880,2024-10-09,,,,,,,",
        ];
        let p = read(format!("{head}\n{}\n", rows.join("\n")).as_bytes());
        assert_eq!(
            messages(&p),
            [
                "ledger.csv row 2, column fee_amount_yuan: is empty; fee_method, fee_notice_on and fee_amount_yuan go together",
                "ledger.csv row 2, column fee_paid_on: 2024-10-01 is before fee_notice_on (2024-10-08)",
                "ledger.csv row 3, column lawsuit_decided_on: is empty; a result needs the day of the decision",
                "ledger.csv row 3, column lawsuit_after_review: is true but review_filed_on is empty on this row",
                "ledger.csv row 4, column fee_paid_on: is given but there is no fee notice (fee_method, fee_notice_on, fee_amount_yuan)",
                "ledger.csv row 4, column review_decided_on: 2024-10-01 is before review_filed_on (2024-10-10)",
                "ledger.csv row 5, column fee_amount_yuan: \"88o\" is not an amount in yuan (e.g. 880 or 880.50)",
                "ledger.csv row 7, column outcome: other_fee_unpaid needs a fee notice (fee_notice_on) and no payment (fee_paid_on empty)",
            ]
        );
        let good = &p.lines[0];
        assert_eq!(good.row, 6);
        assert!(good.entry.lawsuit_after_review);
        assert_eq!(
            good.entry.lawsuit.as_ref().unwrap().result,
            Some(AppealResult::Corrected)
        );
    }

    #[test]
    fn dates_in_the_future_or_before_the_regulation() {
        let csv = format!(
            "{HEAD}\n,CZ,2025-07-01,letter,natural_person,张三,x,,\n,CZ,2008-04-30,letter,natural_person,张三,x,,\n"
        );
        assert_eq!(
            messages(&read(csv.as_bytes())),
            [
                "ledger.csv row 2, column received_on: \"2025-07-01\" is in the future",
                "ledger.csv row 3, column received_on: 2008-04-30 is before 2008-05-01, when the Regulation took effect",
            ]
        );
    }

    #[test]
    fn an_exported_line_reads_back_the_same() {
        let csv = "tracking_no,agency_code,received_on,channel,requester_type,requester_name,subject,topic,extended,outcome,closed_on,fee_method,fee_notice_on,fee_amount_yuan,fee_paid_on,review_filed_on,review_result,review_decided_on,lawsuit_filed_on,lawsuit_after_review,lawsuit_result,lawsuit_decided_on\n\
                   CZ-2024-0001,CZ,2024-09-27,letter,自然人,张三,x,征地拆迁,true,部分公开,2024-11-20,per_piece,2024-10-08,100,,2024-11-25,other,2025-01-10,2025-02-01,true,,\n";
        let p = read(csv.as_bytes());
        assert!(p.errors.is_empty(), "{:?}", messages(&p));
        let e = &p.lines[0].entry;
        let c = Computed {
            due_on: Some(d("2024-11-27")),
            status: "closed",
            overdue: false,
        };
        let line = record(e, &c);
        assert_eq!(line.len(), header().len());
        assert_eq!(line[4], "natural_person");
        assert_eq!(line[9], "partial");
        assert_eq!(line[13], "100.00");
        assert_eq!(&line[22..], ["2024-11-27", "closed", "false"]);
        let mut out = csv::Writer::from_writer(Vec::new());
        out.write_record(header()).unwrap();
        out.write_record(&line).unwrap();
        let again = read(&out.into_inner().unwrap());
        assert!(again.errors.is_empty(), "{:?}", messages(&again));
        assert_eq!(&again.lines[0].entry, e);
    }
}
