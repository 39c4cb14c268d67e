//! The file formats promised to operators (contracts/cli-and-files.md):
//! parsing and validation, with errors that name file, row and column.
//! Row numbers are the file's line numbers as a spreadsheet shows them
//! (the header is row 1).

pub mod agencies;
pub mod calendar;
pub mod ledger;
pub mod report_xlsx;

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportError {
    pub file: String,
    pub row: Option<u64>,
    pub column: Option<String>,
    pub message: String,
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(r) = self.row {
            write!(f, " row {r}")?;
        }
        if let Some(c) = &self.column {
            write!(f, ", column {c}")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for ImportError {}

/// Every error found in a file, in row order: an import reports them all at
/// once, one per line, so the file can be fixed in one pass.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportErrors(pub Vec<ImportError>);

impl fmt::Display for ImportErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ImportErrors {}

/// A CSV file read into rows of named cells, with the header checked.
pub(crate) struct Table {
    pub file: String,
    pub rows: Vec<Row>,
}

pub(crate) struct Row {
    pub line: u64,
    cells: Vec<(String, String)>,
}

impl Row {
    pub fn get(&self, column: &str) -> &str {
        self.cells
            .iter()
            .find(|(c, _)| c == column)
            .map(|(_, v)| v.trim())
            .unwrap_or("")
    }
}

/// A character no imported cell may hold: control characters other than
/// tab, and line breaks outside the columns that hold several lines.
pub fn bad_char(value: &str, multi_line: bool) -> Option<char> {
    value
        .chars()
        .find(|&c| c.is_control() && c != '\t' && !(multi_line && (c == '\n' || c == '\r')))
}

impl Table {
    /// Reads UTF-8 CSV (a leading byte-order mark is accepted). Unknown
    /// columns and missing required columns are errors, and so is a control
    /// character in any cell (line breaks are allowed in `multi_line` columns).
    pub fn read(
        file: &str,
        bytes: &[u8],
        known: &[&str],
        required: &[&str],
        multi_line: &[&str],
    ) -> Result<Table, ImportError> {
        let err = |row: Option<u64>, column: Option<&str>, message: String| ImportError {
            file: file.to_string(),
            row,
            column: column.map(str::to_string),
            message,
        };
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .flexible(false)
            .from_reader(bytes);
        let header = reader
            .headers()
            .map_err(|e| err(Some(1), None, csv_message(&e)))?
            .clone();
        let headers: Vec<String> = header.iter().map(|h| h.trim().to_string()).collect();
        for h in &headers {
            if !known.contains(&h.as_str()) {
                return Err(err(
                    Some(1),
                    Some(h),
                    format!("unknown column; expected columns: {}", known.join(", ")),
                ));
            }
        }
        for r in required {
            if !headers.iter().any(|h| h == r) {
                return Err(err(Some(1), Some(r), "required column is missing".into()));
            }
        }
        // A spreadsheet shows a quoted cell with line breaks as one row, so
        // the row number is the record's first line less the line breaks
        // inside the quoted cells before it.
        let breaks = |record: &csv::StringRecord| -> u64 {
            record.iter().map(|c| c.matches('\n').count() as u64).sum()
        };
        let mut lines = LineCounter::new(bytes);
        let mut hidden = breaks(&header);
        let mut rows = Vec::new();
        for record in reader.records() {
            let record = match record {
                Ok(r) => r,
                Err(e) => {
                    let line = lines.at(e.position()).saturating_sub(hidden);
                    return Err(err(Some(line), None, csv_message(&e)));
                }
            };
            let line = lines.at(record.position()) - hidden;
            hidden += breaks(&record);
            if record.iter().all(|c| c.trim().is_empty()) {
                continue;
            }
            for (h, cell) in headers.iter().zip(record.iter()) {
                if let Some(c) = bad_char(cell, multi_line.contains(&h.as_str())) {
                    return Err(err(
                        Some(line),
                        Some(h),
                        format!(
                            "contains the control character U+{:04X}; remove it and import again",
                            c as u32
                        ),
                    ));
                }
            }
            let cells = headers
                .iter()
                .cloned()
                .zip(record.iter().map(str::to_string))
                .collect();
            rows.push(Row { line, cells });
        }
        Ok(Table {
            file: file.to_string(),
            rows,
        })
    }

    pub fn error(&self, row: &Row, column: &str, message: impl Into<String>) -> ImportError {
        ImportError {
            file: self.file.clone(),
            row: Some(row.line),
            column: Some(column.to_string()),
            message: message.into(),
        }
    }

    /// The cell, refused when longer than the web form allows.
    pub fn text<'r>(&self, row: &'r Row, column: &str, max: usize) -> Result<&'r str, ImportError> {
        let v = row.get(column);
        let n = v.chars().count();
        if n > max {
            return Err(self.error(
                row,
                column,
                format!("is {n} characters long; at most {max} are allowed"),
            ));
        }
        Ok(v)
    }
}

/// The physical line of a position, from its byte offset: the reader's own
/// line count skips blank lines, which a spreadsheet shows as rows. Counts
/// forward from the last position asked, as records come in order.
struct LineCounter<'a> {
    bytes: &'a [u8],
    offset: usize,
    line: u64,
}

impl<'a> LineCounter<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        LineCounter {
            bytes,
            offset: 0,
            line: 1,
        }
    }

    fn at(&mut self, pos: Option<&csv::Position>) -> u64 {
        // A record's position is where the reader began, before blank lines.
        let mut start = pos.map_or(0, |p| p.byte() as usize).min(self.bytes.len());
        while start < self.bytes.len() && matches!(self.bytes[start], b'\n' | b'\r') {
            start += 1;
        }
        if start < self.offset {
            self.offset = 0;
            self.line = 1;
        }
        self.line += self.bytes[self.offset..start]
            .iter()
            .filter(|&&b| b == b'\n')
            .count() as u64;
        self.offset = start;
        self.line
    }
}

fn csv_message(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::Utf8 { .. } => "the file is not UTF-8 text".into(),
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!("{len} fields where the header has {expected_len}"),
        _ => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_numbered_as_a_spreadsheet_shows_them() {
        // Row 2 holds a quoted cell over three lines; row 3 is blank; row 4 is wrong.
        let csv = "a,b\n\"x\ny\nz\",1\n\nbad,2,3\n";
        let e = Table::read("t.csv", csv.as_bytes(), &["a", "b"], &[], &["a"])
            .err()
            .unwrap();
        assert_eq!(e.row, Some(4), "{e}");
        let csv = "a,b\n\"x\ny\",1\nok,2\n";
        let t = Table::read("t.csv", csv.as_bytes(), &["a", "b"], &[], &["a"]).unwrap();
        assert_eq!(t.rows.iter().map(|r| r.line).collect::<Vec<_>>(), [2, 3]);
    }

    #[test]
    fn control_characters_are_named_by_row_and_column() {
        let csv = "a,b\nfine,1\nbad\u{0},2\n";
        let e = Table::read("t.csv", csv.as_bytes(), &["a", "b"], &[], &[])
            .err()
            .unwrap();
        assert_eq!((e.row, e.column.as_deref()), (Some(3), Some("a")));
        assert!(e.message.contains("U+0000"), "{e}");
        // A line break is refused in a one-line column, kept in a multi-line one.
        let csv = "a,b\n\"one\ntwo\",1\n";
        assert!(Table::read("t.csv", csv.as_bytes(), &["a", "b"], &[], &[]).is_err());
        assert!(Table::read("t.csv", csv.as_bytes(), &["a", "b"], &[], &["a"]).is_ok());
        assert_eq!(bad_char("tab\there", false), None);
    }
}
