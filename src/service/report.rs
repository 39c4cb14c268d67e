//! The annual report's statistics section for one year and one agency
//! subtree: the counts from `db::report` gathered into a `Tally`, then the
//! profile's tables, checks and prose from `domain::report`.

use super::Fail;
use crate::db::agencies::Agency;
use crate::db::audit::{Action, Actor, Detail, Field};
use crate::db::{self, DbConn, report as q};
use crate::domain::agency::{AgencyKind, Tree};
use crate::domain::case::Event;
use crate::domain::report::{self, AgencyRef, Previous, Profile, Report, Subordinate, Tally};
use crate::domain::scope::Role;

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
    let previous = previous(conn, root, &scope, year - 1)?;
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

/// The year before, as the report compares with it: figures an administrator
/// entered win for a year gongkai holds only part of; the carried-out is the
/// published one once that year is finalised, else the live count.
fn previous(
    conn: &mut DbConn,
    root: &Agency,
    scope: &[i64],
    year: i32,
) -> Result<Option<Previous>, Fail> {
    let baseline = q::baseline(conn, root.id, year)?;
    if !q::any_by(conn, scope, year)? {
        return Ok(baseline.map(|b| Previous {
            received: b.received as u64,
            carried_out: None,
            reviews: b.reviews as u64,
            lawsuits: b.lawsuits as u64,
        }));
    }
    let appeals = q::appeals(conn, scope, year)?;
    let filed = |g: [u64; 4]| g.iter().sum::<u64>();
    let published = q::snapshot(conn, root.id, year)?.and_then(|s| published_carried_out(&s.body));
    let carried_out = match published {
        Some(p) => p,
        None => q::open_at_end(conn, scope, year)?,
    };
    Ok(Some(match baseline {
        Some(b) => Previous {
            received: b.received as u64,
            carried_out: Some(carried_out),
            reviews: b.reviews as u64,
            lawsuits: b.lawsuits as u64,
        },
        None => Previous {
            received: q::new_cases(conn, scope, year)?.by_col.iter().sum(),
            carried_out: Some(carried_out),
            reviews: filed(appeals.review),
            lawsuits: filed(appeals.lawsuit_direct) + filed(appeals.lawsuit_after_review),
        },
    }))
}

/// The carried-out row of a published national table.
fn published_carried_out(body: &str) -> Option<[u64; report::COLS]> {
    let v: serde_json::Value = serde_json::from_str(body).ok()?;
    let row = v["table3"]["rows"]
        .as_array()?
        .iter()
        .find(|r| r["key"] == "carried_out")?;
    let values: Vec<u64> = row["values"]
        .as_array()?
        .iter()
        .filter_map(|n| n.as_u64())
        .collect();
    values.get(..report::COLS)?.try_into().ok()
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

/// Finalises `root`'s report for `year`: the figures as generated now are kept
/// as published. Finalising again replaces them, which only an administrator
/// may do, with a reason; both are in the audit log.
#[allow(clippy::too_many_arguments)]
pub fn finalise(
    conn: &mut DbConn,
    actor: &Actor,
    role: Role,
    root: &Agency,
    year: i32,
    profile: Profile,
    reason: &str,
    today: chrono::NaiveDate,
) -> Result<(), Fail> {
    use chrono::Datelike;
    if year >= today.year() {
        return Err(Fail::Refused("report-year-not-over"));
    }
    let reason = reason.trim();
    db::write_tx(conn, |conn| {
        if q::snapshot(conn, root.id, year)?.is_some() {
            if role != Role::Admin {
                return Err(Fail::Refused("report-refinalise-admin"));
            }
            if reason.is_empty() {
                return Err(Fail::Field {
                    field: "reason",
                    key: "field-required",
                });
            }
        }
        let report = generate(conn, root, year, profile)?;
        let body = serde_json::to_string(&report)
            .map_err(|e| Fail::Db(diesel::result::Error::SerializationError(Box::new(e))))?;
        q::save_snapshot(
            conn,
            root.id,
            year,
            profile.code(),
            &body,
            reason,
            actor.user_id,
        )?;
        let mut detail = Detail::none()
            .with(Field::Year, year)
            .with(Field::Profile, profile.code());
        if !reason.is_empty() {
            detail = detail.with(Field::Reason, reason);
        }
        db::audit::record(conn, actor, Action::ReportFinalise, &root.code, &detail)?;
        Ok(())
    })
}

/// The published report of a year, and where today's figures differ from it.
pub fn published(
    conn: &mut DbConn,
    root: &Agency,
    year: i32,
    live: &Report,
) -> Result<Option<(q::Snapshot, Vec<String>)>, Fail> {
    let Some(s) = q::snapshot(conn, root.id, year)? else {
        return Ok(None);
    };
    let then: serde_json::Value = serde_json::from_str(&s.body).unwrap_or_default();
    let now = serde_json::to_value(live).unwrap_or_default();
    // A different profile is compared with today's report in the published one's profile.
    let now = match Profile::parse(&s.profile) {
        Some(p) if p != live.profile => {
            serde_json::to_value(generate(conn, root, year, p)?).unwrap_or_default()
        }
        _ => now,
    };
    let d = report::differences(&then, &now);
    Ok(Some((s, d)))
}

/// An earlier year's figures as typed on the form.
#[derive(serde::Deserialize, Default, Clone, Debug)]
#[serde(default)]
pub struct BaselineInput {
    pub agency_id: String,
    pub year: String,
    pub received: String,
    pub reviews: String,
    pub lawsuits: String,
}

/// Records an earlier year's figures for an agency, for a first report's
/// comparison: a year that is over, counts that are whole numbers.
pub fn save_baseline(
    conn: &mut DbConn,
    actor: &Actor,
    input: &BaselineInput,
    today: chrono::NaiveDate,
) -> Result<(), Fail> {
    use chrono::Datelike;
    let mut errors = Vec::new();
    let agency = match input.agency_id.trim().parse::<i64>() {
        Ok(id) => db::agencies::find(conn, id)?,
        Err(_) => None,
    };
    if agency.is_none() {
        errors.push(("agency_id", "field-invalid-choice"));
    }
    let year = input.year.trim().parse::<i32>().ok();
    if !year.is_some_and(|y| (report::FIRST_YEAR..today.year()).contains(&y)) {
        errors.push(("year", "report-baseline-year"));
    }
    let mut count = |field: &'static str, v: &str| match v.trim().parse::<i64>() {
        Ok(n) if (0..=10_000_000).contains(&n) => n,
        _ => {
            errors.push((field, "report-baseline-count"));
            0
        }
    };
    let b = q::Baseline {
        agency_id: agency.map_or(0, |a| a.id),
        year: year.unwrap_or(0),
        received: count("received", &input.received),
        reviews: count("reviews", &input.reviews),
        lawsuits: count("lawsuits", &input.lawsuits),
    };
    if !errors.is_empty() {
        return Err(Fail::Fields(errors));
    }
    let b = &b;
    db::write_tx(conn, |conn| {
        q::save_baseline(conn, b)?;
        let detail = Detail::none()
            .with(Field::Year, b.year)
            .with(Field::Received, b.received)
            .with(Field::Reviews, b.reviews)
            .with(Field::Lawsuits, b.lawsuits);
        let code = db::agencies::find(conn, b.agency_id)?
            .map(|a| a.code)
            .unwrap_or_default();
        db::audit::record(conn, actor, Action::ReportBaseline, &code, &detail)?;
        Ok(())
    })
}

/// Received, carried over and the answers by outcome family for the five years
/// up to `year`, for the picture beside the table.
pub fn five_years(
    conn: &mut DbConn,
    root: &Agency,
    year: i32,
) -> Result<Vec<report::YearBar>, Fail> {
    let mut out = Vec::new();
    for y in (year - 4).max(report::FIRST_YEAR)..=year {
        let t = tally(conn, root, y)?;
        let mut families = [0u64; 6];
        for (outcome, cols) in &t.results {
            families[report::family(*outcome)] += cols.iter().sum::<u64>();
        }
        out.push(report::YearBar {
            year: y,
            received: t.new.iter().sum(),
            carried_out: t.carried_out.iter().sum(),
            families,
        });
    }
    Ok(out)
}
