//! Creating, editing, moving and importing agencies.

use super::{Fail, optional, required};
use crate::db::audit::{self, Action, Actor, Detail, Field};
use crate::db::{self, DbConn, agencies::AgencyFields};
use crate::domain::agency::{AgencyKind, Tree};
use crate::files;
use std::collections::BTreeMap;

/// Form input for an agency, as typed.
#[derive(Clone, Debug, Default, serde::Deserialize)]
pub struct AgencyInput {
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub short_name: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub parent_id: String,
    #[serde(default)]
    pub address: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub review_body: String,
    #[serde(default)]
    pub doc_prefix: String,
    #[serde(default)]
    pub doc_pattern: String,
}

/// Lengths of an agency's fields in characters, besides those the CSV
/// shares (`files::agencies`); the form states them beside the fields.
pub const MAX_ADDRESS: usize = 200;
pub const MAX_PHONE: usize = 50;
pub const MAX_REVIEW_BODY: usize = 100;
pub const MAX_DOC_PREFIX: usize = 30;
pub const MAX_DOC_PATTERN: usize = 100;

pub const DEFAULT_DOC_PATTERN: &str = "{prefix}{type}〔{year}〕{serial}号";

pub fn tree(conn: &mut DbConn) -> diesel::QueryResult<Tree<i64>> {
    Ok(Tree::new(
        db::agencies::all(conn)?
            .into_iter()
            .map(|a| (a.id, a.parent_id)),
    ))
}

fn validate(
    conn: &mut DbConn,
    input: &AgencyInput,
    editing: Option<i64>,
) -> Result<AgencyFields, Fail> {
    let code = required(&input.code, "code", files::agencies::MAX_CODE_LEN)?;
    if code.chars().any(char::is_whitespace) {
        return Err(Fail::field("code", "agency-code-invalid"));
    }
    if let Some(other) = db::agencies::find_by_code(conn, &code)?
        && Some(other.id) != editing
    {
        return Err(Fail::field("code", "agency-code-taken"));
    }
    let name = required(&input.name, "name", files::agencies::MAX_NAME_LEN)?;
    let short_name = optional(
        &input.short_name,
        "short_name",
        files::agencies::MAX_SHORT_NAME_LEN,
    )?;
    let kind = AgencyKind::parse(&input.kind).ok_or(Fail::field("kind", "field-invalid-choice"))?;
    let parent_id = match input.parent_id.trim() {
        "" => None,
        p => {
            let id: i64 = p
                .parse()
                .map_err(|_| Fail::field("parent_id", "field-invalid-choice"))?;
            if db::agencies::find(conn, id)?.is_none() {
                return Err(Fail::field("parent_id", "field-invalid-choice"));
            }
            if let Some(me) = editing
                && tree(conn)?.would_cycle(&me, &id)
            {
                return Err(Fail::field("parent_id", "agency-cycle"));
            }
            Some(id)
        }
    };
    let pattern = optional(&input.doc_pattern, "doc_pattern", MAX_DOC_PATTERN)?;
    if !pattern.is_empty() && !pattern.contains("{serial}") {
        return Err(Fail::field("doc_pattern", "agency-pattern-needs-serial"));
    }
    Ok(AgencyFields {
        short_name: if short_name.is_empty() {
            name.clone()
        } else {
            short_name
        },
        code,
        name,
        kind: kind.code().to_string(),
        parent_id,
        address: optional(&input.address, "address", MAX_ADDRESS)?,
        phone: optional(&input.phone, "phone", MAX_PHONE)?,
        review_body: optional(&input.review_body, "review_body", MAX_REVIEW_BODY)?,
        doc_prefix: optional(&input.doc_prefix, "doc_prefix", MAX_DOC_PREFIX)?,
        doc_pattern: if pattern.is_empty() {
            DEFAULT_DOC_PATTERN.to_string()
        } else {
            pattern
        },
    })
}

pub fn create(conn: &mut DbConn, actor: &Actor, input: &AgencyInput) -> Result<i64, Fail> {
    db::write_tx(conn, |conn| {
        let fields = validate(conn, input, None)?;
        let a = db::agencies::insert(conn, &fields)?;
        audit::record(
            conn,
            actor,
            Action::AgencyCreate,
            &a.code,
            &Detail::none().with(Field::Name, &a.name),
        )?;
        Ok(a.id)
    })
}

pub fn update(conn: &mut DbConn, actor: &Actor, id: i64, input: &AgencyInput) -> Result<(), Fail> {
    db::write_tx(conn, |conn| {
        let before = db::agencies::find(conn, id)?.ok_or(Fail::NotFound)?;
        let fields = validate(conn, input, Some(id))?;
        db::agencies::update(conn, id, &fields)?;
        let mut changes = Detail::none();
        if before.code != fields.code {
            changes = changes.change(Field::Code, &before.code, &fields.code);
        }
        if before.name != fields.name {
            changes = changes.change(Field::Name, &before.name, &fields.name);
        }
        if before.parent_id != fields.parent_id {
            let from = db::agencies::name_of(conn, before.parent_id)?;
            let to = db::agencies::name_of(conn, fields.parent_id)?;
            changes = changes.change(Field::Parent, from, to);
        }
        if before.kind != fields.kind {
            changes = changes.change(Field::Kind, &before.kind, &fields.kind);
        }
        audit::record(conn, actor, Action::AgencyUpdate, &fields.code, &changes)?;
        Ok(())
    })
}

#[derive(Debug, Default, PartialEq, Eq)]
pub struct ImportSummary {
    pub created: usize,
    pub updated: usize,
}

/// Creates or updates agencies from an agencies CSV, keyed by code: all rows or none.
pub fn import(
    conn: &mut DbConn,
    actor: &Actor,
    file: &str,
    bytes: &[u8],
) -> Result<ImportSummary, Fail> {
    db::write_tx(conn, |conn| {
        let existing = db::agencies::all(conn)?;
        let code_of: BTreeMap<i64, String> =
            existing.iter().map(|a| (a.id, a.code.clone())).collect();
        let links: BTreeMap<String, Option<String>> = existing
            .iter()
            .map(|a| {
                (
                    a.code.clone(),
                    a.parent_id.and_then(|p| code_of.get(&p).cloned()),
                )
            })
            .collect();
        let rows = files::agencies::parse(file, bytes, &links)?;
        let mut summary = ImportSummary::default();
        let mut ids = BTreeMap::new();
        for r in &rows {
            let id = match existing.iter().find(|a| a.code == r.code) {
                Some(a) => {
                    db::agencies::update_basic(conn, a.id, &r.name, &r.short_name, r.kind.code())?;
                    summary.updated += 1;
                    a.id
                }
                None => {
                    let a = db::agencies::insert(
                        conn,
                        &AgencyFields {
                            code: r.code.clone(),
                            name: r.name.clone(),
                            short_name: r.short_name.clone(),
                            kind: r.kind.code().to_string(),
                            doc_pattern: DEFAULT_DOC_PATTERN.to_string(),
                            ..Default::default()
                        },
                    )?;
                    summary.created += 1;
                    a.id
                }
            };
            ids.insert(r.code.clone(), id);
        }
        for r in &rows {
            let parent = match &r.parent_code {
                None => None,
                Some(p) => match ids.get(p) {
                    Some(id) => Some(*id),
                    None => existing.iter().find(|a| &a.code == p).map(|a| a.id),
                },
            };
            db::agencies::set_parent(conn, ids[&r.code], parent)?;
        }
        audit::record(
            conn,
            actor,
            Action::AgencyImport,
            file,
            &Detail::none()
                .with(Field::Created, summary.created)
                .with(Field::Updated, summary.updated),
        )?;
        Ok(summary)
    })
}
