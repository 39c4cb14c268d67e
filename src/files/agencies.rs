//! The agencies CSV: `code,name,kind,parent_code,short_name`.

use super::{ImportError, Table};
use crate::domain::agency::{AgencyKind, Tree};
use std::collections::BTreeMap;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AgencyRow {
    pub line: u64,
    pub code: String,
    pub name: String,
    pub kind: AgencyKind,
    pub parent_code: Option<String>,
    pub short_name: String,
}

pub const COLUMNS: [&str; 5] = ["code", "name", "kind", "parent_code", "short_name"];
pub const MAX_CODE_LEN: usize = 32;
/// The web form's limits, which imported rows meet too.
pub const MAX_NAME_LEN: usize = 100;
pub const MAX_SHORT_NAME_LEN: usize = 50;

/// Parses and checks the file against the agencies that already exist
/// (`existing`: code -> parent code). Parents may come after their children;
/// a cycle or an unknown parent is an error.
pub fn parse(
    file: &str,
    bytes: &[u8],
    existing: &BTreeMap<String, Option<String>>,
) -> Result<Vec<AgencyRow>, ImportError> {
    let table = Table::read(file, bytes, &COLUMNS, &["code", "name", "kind"], &[])?;
    let mut rows = Vec::new();
    let mut seen: BTreeMap<String, u64> = BTreeMap::new();
    for row in &table.rows {
        let code = row.get("code");
        if code.is_empty() {
            return Err(table.error(row, "code", "is empty; every agency needs a code"));
        }
        if code.chars().count() > MAX_CODE_LEN || code.chars().any(char::is_whitespace) {
            return Err(table.error(
                row,
                "code",
                format!("\"{code}\" must be at most {MAX_CODE_LEN} characters without spaces"),
            ));
        }
        if let Some(first) = seen.insert(code.to_string(), row.line) {
            return Err(table.error(
                row,
                "code",
                format!("\"{code}\" already appears in row {first}"),
            ));
        }
        let name = table.text(row, "name", MAX_NAME_LEN)?;
        if name.is_empty() {
            return Err(table.error(row, "name", "is empty; every agency needs a name"));
        }
        let kind_text = row.get("kind");
        let Some(kind) = AgencyKind::parse(kind_text) else {
            return Err(table.error(
                row,
                "kind",
                format!("\"{kind_text}\" is not one of government, department, other"),
            ));
        };
        let parent = row.get("parent_code");
        let short = table.text(row, "short_name", MAX_SHORT_NAME_LEN)?;
        rows.push(AgencyRow {
            line: row.line,
            code: code.to_string(),
            name: name.to_string(),
            kind,
            parent_code: (!parent.is_empty()).then(|| parent.to_string()),
            short_name: if short.is_empty() { name } else { short }.to_string(),
        });
    }
    for (row, r) in table.rows.iter().zip(&rows) {
        if let Some(p) = &r.parent_code
            && !seen.contains_key(p)
            && !existing.contains_key(p)
        {
            return Err(table.error(
                row,
                "parent_code",
                format!("\"{p}\" is not an agency in this file or in the database"),
            ));
        }
    }
    let mut links = existing.clone();
    for r in &rows {
        links.insert(r.code.clone(), r.parent_code.clone());
    }
    if let Some(cycle) = Tree::new(links).find_cycle() {
        let on_file = rows
            .iter()
            .zip(&table.rows)
            .find(|(r, _)| cycle.contains(&r.code));
        let message = format!("the parents form a cycle: {}", cycle.join(" -> "));
        return Err(match on_file {
            Some((_, row)) => table.error(row, "parent_code", message),
            None => ImportError {
                file: file.to_string(),
                row: None,
                column: None,
                message,
            },
        });
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn none() -> BTreeMap<String, Option<String>> {
        BTreeMap::new()
    }

    #[test]
    fn parents_may_follow_children() {
        let csv = "code,name,kind,parent_code,short_name\n\
                   CZ-GTJ,常州市国土资源局,department,CZ,市国土局\n\
                   CZ,常州市人民政府,government,,\n";
        let rows = parse("a.csv", csv.as_bytes(), &none()).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].parent_code.as_deref(), Some("CZ"));
        assert_eq!(rows[1].short_name, "常州市人民政府");
    }

    #[test]
    fn errors_name_row_and_column() {
        let csv = "code,name,kind,parent_code\nA,甲,government,\nB,乙,ministry,A\n";
        let e = parse("a.csv", csv.as_bytes(), &none()).unwrap_err();
        assert_eq!(
            e.to_string(),
            "a.csv row 3, column kind: \"ministry\" is not one of government, department, other"
        );
        let csv = "code,name,kind,parent_code\nA,甲,government,ZZ\n";
        let e = parse("a.csv", csv.as_bytes(), &none()).unwrap_err();
        assert_eq!(e.row, Some(2));
        assert_eq!(e.column.as_deref(), Some("parent_code"));
        let csv = "code,name,kind,colour\n";
        let e = parse("a.csv", csv.as_bytes(), &none()).unwrap_err();
        assert_eq!(e.column.as_deref(), Some("colour"));
        let csv = "code,name\nA,甲\n";
        let e = parse("a.csv", csv.as_bytes(), &none()).unwrap_err();
        assert_eq!(e.column.as_deref(), Some("kind"));
    }

    #[test]
    fn cycles_are_refused_also_through_existing_agencies() {
        let csv = "code,name,kind,parent_code\nA,甲,government,B\nB,乙,government,A\n";
        let e = parse("a.csv", csv.as_bytes(), &none()).unwrap_err();
        assert!(e.message.contains("cycle"), "{e}");
        let mut existing = none();
        existing.insert("X".into(), Some("A".into()));
        let csv = "code,name,kind,parent_code\nA,甲,government,X\n";
        let e = parse("a.csv", csv.as_bytes(), &existing).unwrap_err();
        assert!(e.message.contains("cycle"), "{e}");
    }

    #[test]
    fn duplicates_and_bom() {
        let csv = "\u{feff}code,name,kind\nA,甲,government\nA,乙,government\n";
        let e = parse("a.csv", csv.as_bytes(), &none()).unwrap_err();
        assert_eq!(e.row, Some(3));
        assert!(e.message.contains("row 2"));
    }
}
