//! The annual report's statistics section for one year and one agency
//! subtree: the counts from `db::report` gathered into a `Tally`, then the
//! profile's tables, checks and prose from `domain::report`.

use super::Fail;
use crate::db::agencies::Agency;
use crate::db::{self, DbConn, report as q};
use crate::domain::agency::{AgencyKind, Tree};
use crate::domain::case::Event;
use crate::domain::report::{self, AgencyRef, Previous, Profile, Report, Subordinate, Tally};

/// The agency a report is for when none is named: the root of the hierarchy
/// (the first, if there are several), as the command line promises.
pub fn default_root(agencies: &[Agency]) -> Option<&Agency> {
    agencies
        .iter()
        .filter(|a| a.parent_id.is_none())
        .min_by_key(|a| a.id)
}

fn agency_ref(a: &Agency) -> AgencyRef {
    AgencyRef {
        code: a.code.clone(),
        name: a.name.clone(),
        short_name: a.short_name.clone(),
    }
}

/// Counts everything the report needs for `root`'s subtree in `year`.
pub fn tally(conn: &mut DbConn, root: &Agency, year: i32) -> Result<Tally, Fail> {
    let all = db::agencies::all(conn)?;
    let tree: Tree<i64> = crate::service::agencies::tree(conn)?;
    let scope = tree.subtree(&root.id);
    let new = q::new_cases(conn, &scope, year)?;
    let subordinates = tree
        .children_of(&root.id)
        .iter()
        .filter_map(|child| all.iter().find(|a| a.id == *child))
        .map(|a| Subordinate {
            code: a.code.clone(),
            name: a.name.clone(),
            short_name: a.short_name.clone(),
            kind: AgencyKind::parse(&a.kind).unwrap_or(AgencyKind::Other),
            received: tree
                .subtree(&a.id)
                .iter()
                .map(|id| new.by_agency.get(id).copied().unwrap_or(0))
                .sum(),
        })
        .collect();
    let mut histories: Vec<Vec<Event>> = Vec::new();
    for id in q::fee_case_ids(conn, &scope, year)? {
        histories.push(
            super::cases::history(conn, id)?
                .into_iter()
                .map(|(_, e)| e)
                .collect(),
        );
    }
    let previous = if q::any_by(conn, &scope, year - 1)? {
        let appeals = q::appeals(conn, &scope, year - 1)?;
        let filed = |g: [u64; 4]| g.iter().sum::<u64>();
        Some(Previous {
            received: q::new_cases(conn, &scope, year - 1)?.by_col.iter().sum(),
            carried_out: q::open_at_end(conn, &scope, year - 1)?,
            reviews: filed(appeals.review),
            lawsuits: filed(appeals.lawsuit_direct) + filed(appeals.lawsuit_after_review),
        })
    } else {
        None
    };
    Ok(Tally {
        year,
        agency: agency_ref(root),
        new: new.by_col,
        carried_in: q::open_at_end(conn, &scope, year - 1)?,
        results: q::results(conn, &scope, year)?,
        carried_out: q::open_at_end(conn, &scope, year)?,
        channels: new.by_channel,
        topics: q::topics(conn, &scope, year)?,
        subordinates,
        appeals: q::appeals(conn, &scope, year)?,
        fees: report::fee_totals(histories.iter().map(Vec::as_slice), year),
        previous,
    })
}

/// The report of `root`'s subtree for `year` in `profile`.
pub fn generate(
    conn: &mut DbConn,
    root: &Agency,
    year: i32,
    profile: Profile,
) -> Result<Report, Fail> {
    Ok(report::tabulate(profile, &tally(conn, root, year)?))
}
