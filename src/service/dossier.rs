//! Case dossiers (案卷) for the archive: everything a case produced, loaded in
//! one place for the page and the yearly export. Opening a dossier shows the
//! requester's identity and every file, so each opening and each export is
//! written to the audit log. What goes in and in which order is
//! `domain::dossier`.

use super::Fail;
use super::cases::{Staff, history, load_in_scope};
use crate::db::agencies::Agency;
use crate::db::attachments::Listed;
use crate::db::audit::{self, Action, Actor, Detail, Field};
use crate::db::cases::{self as q, Case, EventRow, LetterRow, Requester};
use crate::db::{self, DbConn};
use crate::domain::case::Event;
use std::collections::BTreeMap;

/// A case and everything it produced.
pub struct Dossier {
    pub case: Case,
    pub agency: Agency,
    pub requester: Requester,
    pub letters: Vec<LetterRow>,
    /// Kept files with their bytes (images are shown in the dossier, PDFs go beside it).
    pub files: Vec<(Listed, Vec<u8>)>,
    pub history: Vec<(EventRow, Event)>,
    /// Names of the staff the history and files mention.
    pub names: BTreeMap<i64, String>,
    /// The record of each submission for review, with the day of its last step.
    pub reviews: Vec<(crate::domain::review::Record, chrono::NaiveDate)>,
}

/// Loads a case's dossier; out of scope answers as missing. Not audited: the
/// caller says why it was opened (`opened` or `exported`).
pub fn load(conn: &mut DbConn, staff: &Staff, case_id: i64) -> Result<Dossier, Fail> {
    let case = load_in_scope(conn, staff, case_id)?;
    let agency = db::agencies::find(conn, case.agency_id)?.ok_or(Fail::NotFound)?;
    let requester = q::find_requester(conn, case.requester_id)?.ok_or(Fail::NotFound)?;
    let letters = q::letters(conn, case_id)?;
    let mut files = Vec::new();
    for a in db::attachments::of_case(conn, case_id)? {
        if let Some(f) = db::attachments::find(conn, a.id)? {
            files.push(f);
        }
    }
    let history = history(conn, case_id)?;
    let plain: Vec<Event> = history.iter().map(|(_, e)| e.clone()).collect();
    let mut reviews = Vec::new();
    for round in crate::domain::review::rounds(&plain) {
        let last = round.entries.iter().map(|e| e.on).max().unwrap_or(round.on);
        reviews.push((super::review::record(conn, &case, &history, &round)?, last));
    }
    let mut ids: Vec<i64> = history.iter().filter_map(|(r, _)| r.user_id).collect();
    ids.extend(files.iter().filter_map(|(a, _)| a.uploaded_by));
    ids.extend(letters.iter().filter_map(|l| l.issued_by));
    let names = q::user_names(conn, &ids)?.into_iter().collect();
    Ok(Dossier {
        case,
        agency,
        requester,
        letters,
        files,
        history,
        names,
        reviews,
    })
}

/// Records that a member of staff opened a case's dossier.
pub fn opened(conn: &mut DbConn, actor: &Actor, d: &Dossier) -> Result<(), Fail> {
    audit::record(
        conn,
        actor,
        Action::CaseDossier,
        &d.case.tracking_no,
        &Detail::none(),
    )?;
    Ok(())
}

/// The cases of a year (by their number) in the member of staff's scope, or in
/// one agency's subtree of it, that are closed or void; and how many are still
/// open (left out: a dossier is filed when the case is over).
pub fn of_year(
    conn: &mut DbConn,
    staff: &Staff,
    agency: Option<i64>,
    year: i32,
) -> Result<(Vec<i64>, i64), Fail> {
    let tree = super::agencies::tree(conn)?;
    let ids = crate::domain::scope::narrow(&staff.scope, &tree, agency, false);
    Ok(q::concluded_in_year(conn, ids.as_deref(), year)?)
}

/// Records a yearly export: the year, the agency (or all) and how many dossiers.
pub fn exported(
    conn: &mut DbConn,
    actor: &Actor,
    year: i32,
    agency: &str,
    count: usize,
) -> Result<(), Fail> {
    audit::record(
        conn,
        actor,
        Action::DossierExport,
        agency,
        &Detail::none()
            .with(Field::Year, year)
            .with(Field::Cases, count),
    )?;
    Ok(())
}
