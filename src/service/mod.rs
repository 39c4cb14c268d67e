//! Operations shared by the web pages and the command line: each checks its
//! input with the domain rules, then writes in one transaction with its
//! audit entry.

pub mod agencies;
pub mod attachments;
pub mod bootstrap;
pub mod cache;
pub mod calendar;
pub mod cases;
pub mod demo;
pub mod dossier;
pub mod ledger;
pub mod letters;
pub mod mail;
pub mod public;
pub mod report;
pub mod review;
pub mod rules;
pub mod units;
pub mod users;

use crate::files::{ImportError, ImportErrors};

/// Why an operation was refused. Messages are catalogue keys so the web
/// shows them beside the field in the user's language and the CLI in English.
#[derive(Debug, thiserror::Error)]
pub enum Fail {
    #[error("{field}: {key}")]
    Field {
        field: &'static str,
        key: &'static str,
    },
    #[error("{0}")]
    Import(#[from] ImportError),
    /// Every error of a file (the ledger import reports them all).
    #[error("{0}")]
    Imports(#[from] ImportErrors),
    /// Several fields at once: (field, catalogue key).
    #[error("invalid input: {0:?}")]
    Fields(Vec<(&'static str, &'static str)>),
    /// The action is not allowed in the case's state; the key says why.
    #[error("refused: {0}")]
    Refused(&'static str),
    /// Someone changed the record since the form was opened.
    #[error("changed meanwhile")]
    Conflict {
        by: Option<i64>,
        at: chrono::NaiveDateTime,
    },
    /// The same requester and subject were recorded at this agency a moment ago: most
    /// likely the intake form saved again after Back. (case id, case number)
    #[error("looks like a case just recorded")]
    Duplicate(i64, String),
    #[error("forbidden")]
    Forbidden,
    #[error("not found")]
    NotFound,
    #[error("{0}")]
    Db(#[from] diesel::result::Error),
    /// Writing a file or standard output failed (an export).
    #[error("cannot write: {0}")]
    Io(#[from] std::io::Error),
}

/// Messages a form shows beside its fields: (field, catalogue key).
pub type FieldFails = Vec<(&'static str, &'static str)>;

impl Fail {
    pub fn field(field: &'static str, key: &'static str) -> Fail {
        Fail::Field { field, key }
    }

    /// Separates what a form shows again beside its fields from the errors
    /// that get an error page.
    pub fn for_form<T>(
        r: Result<T, Fail>,
    ) -> Result<Result<T, FieldFails>, crate::error::AppError> {
        match r {
            Ok(v) => Ok(Ok(v)),
            Err(Fail::Field { field, key }) => Ok(Err(vec![(field, key)])),
            Err(Fail::Fields(f)) => Ok(Err(f)),
            Err(e) => Err(e.into()),
        }
    }
}

impl From<Fail> for crate::error::AppError {
    fn from(f: Fail) -> Self {
        match f {
            Fail::Db(e) => crate::error::AppError::Db(e),
            Fail::NotFound => crate::error::AppError::NotFound,
            Fail::Forbidden => crate::error::AppError::Forbidden,
            Fail::Refused(key) => crate::error::AppError::BadRequest(key),
            Fail::Fields(v) => crate::error::AppError::BadRequest(
                v.first().map(|f| f.1).unwrap_or("error-bad-form"),
            ),
            Fail::Conflict { .. } => crate::error::AppError::BadRequest("case-conflict"),
            Fail::Field { key, .. } => crate::error::AppError::BadRequest(key),
            Fail::Import(e) => crate::error::AppError::Internal(e.to_string()),
            Fail::Imports(e) => crate::error::AppError::Internal(e.to_string()),
            Fail::Io(e) => crate::error::AppError::Internal(e.to_string()),
            Fail::Duplicate(..) => crate::error::AppError::BadRequest("intake-duplicate"),
        }
    }
}

/// Trimmed text, or a field error when empty or longer than `max` characters.
pub fn required(value: &str, field: &'static str, max: usize) -> Result<String, Fail> {
    let v = value.trim();
    if v.is_empty() {
        return Err(Fail::field(field, "field-required"));
    }
    if v.chars().count() > max {
        return Err(Fail::field(field, "field-too-long"));
    }
    Ok(v.to_string())
}

/// Trimmed optional text, refused when longer than `max` characters.
pub fn optional(value: &str, field: &'static str, max: usize) -> Result<String, Fail> {
    let v = value.trim();
    if v.chars().count() > max {
        return Err(Fail::field(field, "field-too-long"));
    }
    Ok(v.to_string())
}
