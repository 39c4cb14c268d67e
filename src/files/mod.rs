//! The file formats promised to operators (contracts/cli-and-files.md):
//! parsing and validation, with errors that name file, row and column.
//! Row numbers are the file's line numbers as a spreadsheet shows them
//! (the header is row 1).

pub mod agencies;
pub mod calendar;

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

impl Table {
    /// Reads UTF-8 CSV (a leading byte-order mark is accepted). Unknown
    /// columns and missing required columns are errors.
    pub fn read(
        file: &str,
        bytes: &[u8],
        known: &[&str],
        required: &[&str],
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
        let headers: Vec<String> = reader
            .headers()
            .map_err(|e| err(Some(1), None, csv_message(&e)))?
            .iter()
            .map(|h| h.trim().to_string())
            .collect();
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
        let mut rows = Vec::new();
        for record in reader.records() {
            let record = record.map_err(|e| {
                let line = e.position().map(|p| p.line());
                err(line, None, csv_message(&e))
            })?;
            let line = record.position().map(|p| p.line()).unwrap_or(0);
            if record.iter().all(|c| c.trim().is_empty()) {
                continue;
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
