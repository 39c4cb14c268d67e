//! The annual report's counts (report-formats.md, "Counting rules"): grouped
//! SQL over the cases of one agency subtree, gathered into a
//! `domain::report::Tally`. What the counts mean is the domain's; here is only
//! how to get them fast. Void cases count nowhere.

use super::DbConn;
use super::schema::{appeals, case_events, cases};
use crate::domain::outcome::{AppealResult, Channel, Outcome, RequesterType};
use crate::domain::report::{Appeals, COLS};
use chrono::NaiveDate;
use diesel::dsl::count_star;
use diesel::prelude::*;
use std::collections::BTreeMap;

/// The first and last day of a year.
pub fn bounds(year: i32) -> (NaiveDate, NaiveDate) {
    (
        NaiveDate::from_ymd_opt(year, 1, 1).expect("a year"),
        NaiveDate::from_ymd_opt(year, 12, 31).expect("a year"),
    )
}

/// The subtree's cases. Written as `agency_id + 0` so that SQLite reads the
/// date indexes the report's queries are built for rather than the agency
/// index (for a whole city that index reads every case); PostgreSQL plans the
/// same either way.
fn in_scope(
    agencies: &[i64],
) -> diesel::dsl::EqAny<
    diesel::dsl::Add<cases::agency_id, diesel::dsl::AsExprOf<i64, diesel::sql_types::BigInt>>,
    &[i64],
> {
    (cases::agency_id + 0i64).eq_any(agencies)
}

fn col(kind: &str) -> Option<usize> {
    RequesterType::ALL.iter().position(|t| t.code() == kind)
}

/// New cases of the year by agency, requester column and channel.
#[derive(Debug, Default)]
pub struct NewCases {
    pub by_col: [u64; COLS],
    pub by_channel: [u64; 5],
    pub by_agency: BTreeMap<i64, u64>,
}

pub fn new_cases(conn: &mut DbConn, agencies: &[i64], year: i32) -> QueryResult<NewCases> {
    let (first, last) = bounds(year);
    let rows: Vec<(i64, String, String, i64)> = cases::table
        .filter(cases::received_on.between(first, last))
        .filter(cases::status.ne("void"))
        .filter(in_scope(agencies))
        .group_by((cases::agency_id, cases::requester_kind, cases::channel))
        .select((
            cases::agency_id,
            cases::requester_kind,
            cases::channel,
            count_star(),
        ))
        .load(conn)?;
    let mut out = NewCases::default();
    for (agency, kind, channel, n) in rows {
        let n = n as u64;
        if let Some(c) = col(&kind) {
            out.by_col[c] += n;
        }
        if let Some(c) = Channel::ALL.iter().position(|x| x.code() == channel) {
            out.by_channel[c] += n;
        }
        *out.by_agency.entry(agency).or_default() += n;
    }
    Ok(out)
}

/// Topics of the year's new cases, with their counts (blank topics left out).
pub fn topics(conn: &mut DbConn, agencies: &[i64], year: i32) -> QueryResult<Vec<(String, u64)>> {
    let (first, last) = bounds(year);
    let rows: Vec<(String, i64)> = cases::table
        .filter(cases::received_on.between(first, last))
        .filter(cases::status.ne("void"))
        .filter(in_scope(agencies))
        .filter(cases::topic.ne(""))
        .group_by(cases::topic)
        .select((cases::topic, count_star()))
        .load(conn)?;
    Ok(rows.into_iter().map(|(t, n)| (t, n as u64)).collect())
}

/// Cases open at the end of the year, by requester column: received by
/// 31 December and not closed by then. The year's carried-out, and the next
/// year's carried-in, so the two always agree. Asked as two questions an
/// index answers (closed later; not closed at all) rather than one that reads
/// every case ever received.
pub fn open_at_end(conn: &mut DbConn, agencies: &[i64], year: i32) -> QueryResult<[u64; COLS]> {
    let (_, last) = bounds(year);
    let closed_later: Vec<(String, i64)> = cases::table
        .filter(cases::closed_on.gt(last))
        .filter(cases::status.ne("void"))
        .filter(in_scope(agencies))
        .filter(cases::received_on.le(last))
        .group_by(cases::requester_kind)
        .select((cases::requester_kind, count_star()))
        .load(conn)?;
    let still_open: Vec<(String, i64)> = cases::table
        .filter(cases::closed_on.is_null())
        .filter(cases::status.ne("void"))
        .filter(in_scope(agencies))
        .filter(cases::received_on.le(last))
        .group_by(cases::requester_kind)
        .select((cases::requester_kind, count_star()))
        .load(conn)?;
    let mut out = [0; COLS];
    for (kind, n) in closed_later.into_iter().chain(still_open) {
        if let Some(c) = col(&kind) {
            out[c] += n as u64;
        }
    }
    Ok(out)
}

/// Cases closed in the year, by outcome and requester column.
pub fn results(
    conn: &mut DbConn,
    agencies: &[i64],
    year: i32,
) -> QueryResult<Vec<(Outcome, [u64; COLS])>> {
    let (first, last) = bounds(year);
    let rows: Vec<(Option<String>, String, i64)> = cases::table
        .filter(cases::closed_on.between(first, last))
        // A case has a closing date only while closed; "not void" lets SQLite
        // read the closing-date index instead of the status one.
        .filter(cases::status.ne("void"))
        .filter(in_scope(agencies))
        .group_by((cases::outcome, cases::requester_kind))
        .select((cases::outcome, cases::requester_kind, count_star()))
        .load(conn)?;
    let mut by: BTreeMap<&'static str, (Outcome, [u64; COLS])> = BTreeMap::new();
    for (outcome, kind, n) in rows {
        let (Some(o), Some(c)) = (outcome.as_deref().and_then(Outcome::parse), col(&kind)) else {
            continue;
        };
        by.entry(o.code()).or_insert((o, [0; COLS])).1[c] += n as u64;
    }
    Ok(by.into_values().collect())
}

/// Reconsiderations and lawsuits filed in the year over the subtree's cases,
/// with the outcome known on 31 December.
pub fn appeals(conn: &mut DbConn, agencies: &[i64], year: i32) -> QueryResult<Appeals> {
    let (first, last) = bounds(year);
    let rows: Vec<(String, Option<String>, Option<NaiveDate>)> = appeals::table
        .inner_join(cases::table)
        .filter(appeals::filed_on.between(first, last))
        .filter(cases::status.ne("void"))
        .filter(in_scope(agencies))
        .select((appeals::kind, appeals::result, appeals::decided_on))
        .load(conn)?;
    let mut out = Appeals::default();
    for (kind, result, decided_on) in rows {
        let result = result.as_deref().and_then(AppealResult::parse);
        let slot = match crate::domain::appeal::result_on(result, decided_on, last) {
            Some(AppealResult::Upheld) => 0,
            Some(AppealResult::Corrected) => 1,
            Some(AppealResult::Other) => 2,
            None => 3,
        };
        let group = match kind.as_str() {
            "review" => &mut out.review,
            "lawsuit_direct" => &mut out.lawsuit_direct,
            "lawsuit_after_review" => &mut out.lawsuit_after_review,
            _ => continue,
        };
        group[slot] += 1;
    }
    Ok(out)
}

/// Ids of the subtree's cases with a fee notice or payment in the year: few,
/// so their histories are read whole to total the fees.
pub fn fee_case_ids(conn: &mut DbConn, agencies: &[i64], year: i32) -> QueryResult<Vec<i64>> {
    let (first, last) = bounds(year);
    case_events::table
        .inner_join(cases::table)
        .filter(case_events::kind.eq_any(["fee_approved", "fee_paid"]))
        .filter(case_events::on_date.between(first, last))
        .filter(cases::status.ne("void"))
        .filter(in_scope(agencies))
        .select(case_events::case_id)
        .distinct()
        .load(conn)
}

/// Whether the subtree holds any case received up to the end of the year.
pub fn any_by(conn: &mut DbConn, agencies: &[i64], year: i32) -> QueryResult<bool> {
    let (_, last) = bounds(year);
    let n: i64 = cases::table
        .filter(cases::received_on.le(last))
        .filter(cases::status.ne("void"))
        .filter(in_scope(agencies))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

// ---- published figures and baselines

use super::schema::{report_baselines, report_snapshots};

#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = report_snapshots)]
pub struct Snapshot {
    pub id: i64,
    pub agency_id: i64,
    pub year: i32,
    pub profile: String,
    /// The report as published, in the JSON of `gongkai report --format json`.
    pub body: String,
    pub reason: String,
    pub finalised_by: Option<i64>,
    pub finalised_at: chrono::NaiveDateTime,
}

pub fn snapshot(conn: &mut DbConn, agency_id: i64, year: i32) -> QueryResult<Option<Snapshot>> {
    report_snapshots::table
        .filter(report_snapshots::agency_id.eq(agency_id))
        .filter(report_snapshots::year.eq(year))
        .select(Snapshot::as_select())
        .first(conn)
        .optional()
}

/// Stores the published figures, replacing an earlier finalisation.
pub fn save_snapshot(
    conn: &mut DbConn,
    agency_id: i64,
    year: i32,
    profile: &str,
    body: &str,
    reason: &str,
    by: Option<i64>,
) -> QueryResult<()> {
    diesel::delete(
        report_snapshots::table
            .filter(report_snapshots::agency_id.eq(agency_id))
            .filter(report_snapshots::year.eq(year)),
    )
    .execute(conn)?;
    diesel::insert_into(report_snapshots::table)
        .values((
            report_snapshots::agency_id.eq(agency_id),
            report_snapshots::year.eq(year),
            report_snapshots::profile.eq(profile),
            report_snapshots::body.eq(body),
            report_snapshots::reason.eq(reason),
            report_snapshots::finalised_by.eq(by),
            report_snapshots::finalised_at.eq(super::now()),
        ))
        .execute(conn)?;
    Ok(())
}

/// Figures an administrator entered for a year before gongkai.
#[derive(Queryable, Selectable, Clone, Debug, PartialEq)]
#[diesel(table_name = report_baselines)]
pub struct Baseline {
    pub agency_id: i64,
    pub year: i32,
    pub received: i64,
    pub reviews: i64,
    pub lawsuits: i64,
}

pub fn baseline(conn: &mut DbConn, agency_id: i64, year: i32) -> QueryResult<Option<Baseline>> {
    report_baselines::table
        .find((agency_id, year))
        .select(Baseline::as_select())
        .first(conn)
        .optional()
}

pub fn baselines(conn: &mut DbConn) -> QueryResult<Vec<Baseline>> {
    report_baselines::table
        .order((report_baselines::year.desc(), report_baselines::agency_id))
        .select(Baseline::as_select())
        .load(conn)
}

pub fn save_baseline(conn: &mut DbConn, b: &Baseline) -> QueryResult<()> {
    diesel::delete(report_baselines::table.find((b.agency_id, b.year))).execute(conn)?;
    diesel::insert_into(report_baselines::table)
        .values((
            report_baselines::agency_id.eq(b.agency_id),
            report_baselines::year.eq(b.year),
            report_baselines::received.eq(b.received),
            report_baselines::reviews.eq(b.reviews),
            report_baselines::lawsuits.eq(b.lawsuits),
        ))
        .execute(conn)?;
    Ok(())
}
