//! Writing many cases at once: ledger imports and generated data (the list
//! benchmark). The cases come fully prepared, derived columns included
//! (`service::cases::derive_from`), and go in with COPY on PostgreSQL and
//! multi-row INSERTs on SQLite, in chunks under its limit on bind parameters.
//!
//! Ids are reserved before anything is written (PostgreSQL: from the tables'
//! sequences; SQLite: after the largest id, under the write lock), so events
//! can name their appeals and a history keeps its order without a round trip
//! per row.

use super::DbConn;
use super::cases::{Derived, RequesterFields};
use super::schema::{agencies, appeals, case_events, case_grams, cases, counters, requesters};
use crate::domain::appeal::{Grounds, Kind};
use crate::domain::case::Event;
use crate::domain::outcome::AppealResult;
use chrono::{Datelike, NaiveDate, NaiveDateTime};
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::result::Error;
use std::collections::{HashMap, HashSet};

/// Bind parameters per statement: SQLite's limit (SQLITE_MAX_VARIABLE_NUMBER,
/// 32766 in the bundled library); PostgreSQL's (65535) is higher.
const MAX_BINDS: usize = 32_766;

/// A case ready to be stored, with its requester, history and appeals.
#[derive(Clone, Debug)]
pub struct BulkCase {
    /// A historical number, kept as it is (it must be unique), or None to
    /// number the case as intake does: `{CODE}-{YEAR}-{SEQ}`, year of receipt.
    pub tracking_no: Option<String>,
    pub agency_id: i64,
    /// Matched by kind and name with the batch's other requesters and the
    /// stored ones; the first of a kind and name is stored with these details.
    pub requester: RequesterFields,
    pub channel: String,
    pub letter_signed: bool,
    pub arrived_at: NaiveDateTime,
    pub confirmed_on: Option<NaiveDate>,
    pub received_on: NaiveDate,
    pub subject: String,
    pub delivery_form: String,
    pub topic: String,
    pub assigned_to: Option<i64>,
    /// As `service::cases::derive_from` computes it from `events`.
    pub derived: Derived,
    pub public_code: String,
    pub intake_token: Option<String>,
    pub version: i32,
    pub updated_by: Option<i64>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// The history, in order. Appeal ids in `AppealFiled`, `AppealUpdated` and
    /// `Reopened` are positions in `appeals`; they are replaced by the stored ids.
    pub events: Vec<BulkEvent>,
    pub appeals: Vec<BulkAppeal>,
}

#[derive(Clone, Debug)]
pub struct BulkEvent {
    pub at: NaiveDateTime,
    pub user_id: Option<i64>,
    pub event: Event,
}

/// A reconsideration or lawsuit; stored with the case's timestamps.
#[derive(Clone, Debug)]
pub struct BulkAppeal {
    pub kind: Kind,
    pub grounds: Grounds,
    /// Position in the case's `appeals` of the reconsideration a suit follows.
    pub review: Option<usize>,
    pub filed_on: NaiveDate,
    pub body: String,
    pub body_case_no: String,
    pub served_on: Option<NaiveDate>,
    pub answered_on: Option<NaiveDate>,
    pub result: Option<AppealResult>,
    pub decided_on: Option<NaiveDate>,
    pub doc_numbers: String,
    pub notes: String,
}

/// What was stored, in the order of the batch.
#[derive(Clone, Debug, Default)]
pub struct Written {
    pub ids: Vec<i64>,
    pub tracking_nos: Vec<String>,
    /// Requesters created (the others were found stored or earlier in the batch).
    pub requesters_created: usize,
}

// None is NULL, never DEFAULT: a batch then goes in as one statement (SQLite)
// or one COPY (PostgreSQL) instead of row by row.
#[derive(Insertable)]
#[diesel(table_name = requesters, treat_none_as_default_value = false)]
struct RequesterRow<'a> {
    id: i64,
    kind: &'a str,
    name: &'a str,
    id_type: &'a str,
    id_number: &'a str,
    credit_code: &'a str,
    phone: &'a str,
    email: &'a str,
    address: &'a str,
    name_lower: String,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = cases, treat_none_as_default_value = false)]
struct CaseRow<'a> {
    id: i64,
    tracking_no: &'a str,
    agency_id: i64,
    year: i32,
    seq: i32,
    requester_id: i64,
    requester_kind: &'a str,
    requester_name: &'a str,
    channel: &'a str,
    letter_signed: bool,
    arrived_at: NaiveDateTime,
    confirmed_on: Option<NaiveDate>,
    received_on: NaiveDate,
    subject: &'a str,
    delivery_form: &'a str,
    topic: &'a str,
    assigned_to: Option<i64>,
    status: &'a str,
    clock: &'a str,
    due_on: Option<NaiveDate>,
    extended: bool,
    extension_pending: bool,
    outcome: Option<&'a str>,
    closed_on: Option<NaiveDate>,
    late: bool,
    search: String,
    public_code: &'a str,
    intake_token: Option<&'a str>,
    version: i32,
    updated_by: Option<i64>,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = case_events, treat_none_as_default_value = false)]
struct EventRow<'a> {
    id: i64,
    case_id: i64,
    at: NaiveDateTime,
    user_id: Option<i64>,
    kind: &'a str,
    on_date: Option<NaiveDate>,
    data: String,
}

#[derive(Insertable)]
#[diesel(table_name = appeals, treat_none_as_default_value = false)]
struct AppealRow<'a> {
    id: i64,
    case_id: i64,
    kind: &'a str,
    grounds: &'a str,
    review_id: Option<i64>,
    filed_on: NaiveDate,
    body: &'a str,
    body_case_no: &'a str,
    served_on: Option<NaiveDate>,
    answered_on: Option<NaiveDate>,
    result: Option<&'a str>,
    decided_on: Option<NaiveDate>,
    doc_numbers: &'a str,
    notes: &'a str,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = case_grams, treat_none_as_default_value = false)]
struct GramRow {
    gram: i64,
    case_id: i64,
}

/// Writes rows of a table with `columns` columns, on the connection's own
/// backend (diesel's batch insert goes through neither generically over the
/// multi-backend connection). PostgreSQL: one COPY, which has no parameter
/// limit and no VALUES list to plan. SQLite: multi-row INSERTs within its
/// parameter limit.
macro_rules! write_rows {
    ($conn:expr, $table:expr, $rows:expr, $columns:expr) => {{
        let rows = $rows;
        match $conn {
            DbConn::Pg(c) => diesel::copy_from($table)
                .from_insertable(rows)
                .execute(c)
                .map(|_| ()),
            DbConn::Sqlite(c) => rows.chunks(chunk($columns)).try_for_each(|part| {
                diesel::insert_into($table)
                    .values(part)
                    .execute(c)
                    .map(|_| ())
            }),
        }
    }};
}

/// Rows per statement for a table of `columns` columns.
fn chunk(columns: usize) -> usize {
    MAX_BINDS / columns
}

#[derive(QueryableByName)]
struct Id {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    id: i64,
}

/// `n` fresh ids for a table (one of ours, named in the code).
fn reserve_ids(conn: &mut DbConn, table: &'static str, n: usize) -> QueryResult<Vec<i64>> {
    if n == 0 {
        return Ok(Vec::new());
    }
    match conn {
        // The sequence hands out each id once, whoever else is writing.
        DbConn::Pg(c) => Ok(diesel::sql_query(format!(
            "SELECT nextval(pg_get_serial_sequence('{table}', 'id')) AS id \
             FROM generate_series(1, $1)"
        ))
        .bind::<diesel::sql_types::BigInt, _>(n as i64)
        .load::<Id>(c)?
        .into_iter()
        .map(|r| r.id)
        .collect()),
        // A rowid table takes the next id after the largest; the write
        // transaction keeps other writers out until this one commits.
        DbConn::Sqlite(c) => {
            let max = diesel::sql_query(format!("SELECT COALESCE(MAX(id), 0) AS id FROM {table}"))
                .get_result::<Id>(c)?
                .id;
            Ok((max + 1..=max + n as i64).collect())
        }
    }
}

/// The tracking numbers among `numbers` that stored cases already have.
pub fn taken_tracking_nos(conn: &mut DbConn, numbers: &[&str]) -> QueryResult<HashSet<String>> {
    let mut taken = HashSet::new();
    for part in numbers.chunks(chunk(1)) {
        taken.extend(
            cases::table
                .filter(cases::tracking_no.eq_any(part))
                .select(cases::tracking_no)
                .load::<String>(conn)?,
        );
    }
    Ok(taken)
}

/// Stores the cases, their requesters (deduplicated), histories and appeals,
/// and moves the case counters past every number used. All or nothing: run it
/// inside `db::write_tx` (on its own it opens a transaction of its own, in
/// which SQLite may refuse a concurrent writer with "database is locked").
pub fn insert_many(conn: &mut DbConn, batch: &[BulkCase]) -> QueryResult<Written> {
    // SQLite's page cache (2 MB by default) cannot hold the dozen indexes of
    // `cases` that every new row goes into; for the load it may use more, and
    // the connection keeps its usual size afterwards.
    let cache = match conn {
        DbConn::Sqlite(c) => {
            let before = diesel::sql_query("PRAGMA cache_size")
                .get_result::<CacheSize>(c)?
                .cache_size;
            c.batch_execute(&format!("PRAGMA cache_size = {BULK_CACHE_KIB}"))?;
            Some(before)
        }
        DbConn::Pg(_) => None,
    };
    let written = conn.transaction(|conn| write(conn, batch));
    if let (Some(before), DbConn::Sqlite(c)) = (cache, &mut *conn) {
        c.batch_execute(&format!("PRAGMA cache_size = {before}"))?;
    }
    written
}

/// SQLite's page cache during a bulk write, in KiB (negative: a size, not pages).
const BULK_CACHE_KIB: i64 = -256 * 1024;

#[derive(QueryableByName)]
struct CacheSize {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    cache_size: i64,
}

fn write(conn: &mut DbConn, batch: &[BulkCase]) -> QueryResult<Written> {
    if batch.is_empty() {
        return Ok(Written::default());
    }
    let t = std::time::Instant::now();
    let (requester_ids, requesters_created) = requesters(conn, batch)?;
    log::debug!("bulk: requesters in {:?}", t.elapsed());
    let numbers = numbers(conn, batch)?;
    log::debug!("bulk: numbers in {:?}", t.elapsed());

    let case_ids = reserve_ids(conn, "cases", batch.len())?;
    let rows: Vec<CaseRow> = batch
        .iter()
        .zip(&case_ids)
        .zip(&requester_ids)
        .zip(&numbers)
        .map(|(((c, &id), &requester_id), (tracking_no, seq))| CaseRow {
            id,
            tracking_no,
            agency_id: c.agency_id,
            year: c.received_on.year(),
            seq: *seq,
            requester_id,
            requester_kind: &c.requester.kind,
            requester_name: &c.requester.name,
            channel: &c.channel,
            letter_signed: c.letter_signed,
            arrived_at: c.arrived_at,
            confirmed_on: c.confirmed_on,
            received_on: c.received_on,
            subject: &c.subject,
            delivery_form: &c.delivery_form,
            topic: &c.topic,
            assigned_to: c.assigned_to,
            status: &c.derived.status,
            clock: &c.derived.clock,
            due_on: c.derived.due_on,
            extended: c.derived.extended,
            extension_pending: c.derived.extension_pending,
            outcome: c.derived.outcome.as_deref(),
            closed_on: c.derived.closed_on,
            late: c.derived.late,
            // As intake fills it (db::cases::insert_case).
            search: super::search::text(tracking_no, &c.requester.name, &c.subject),
            public_code: &c.public_code,
            intake_token: c.intake_token.as_deref(),
            version: c.version,
            updated_by: c.updated_by,
            created_at: c.created_at,
            updated_at: c.updated_at,
        })
        .collect();
    write_rows!(conn, cases::table, &rows[..], 32)?;
    let mut grams = Vec::new();
    for row in &rows {
        for gram in super::search::grams(&row.search) {
            grams.push(GramRow {
                gram,
                case_id: row.id,
            });
        }
        if grams.len() >= 200_000 {
            write_rows!(conn, case_grams::table, &grams[..], 2)?;
            grams.clear();
        }
    }
    if !grams.is_empty() {
        write_rows!(conn, case_grams::table, &grams[..], 2)?;
    }
    drop(rows);

    log::debug!("bulk: cases in {:?}", t.elapsed());
    // Appeals: each case's positions become stored ids.
    let appeal_ids = reserve_ids(conn, "appeals", batch.iter().map(|c| c.appeals.len()).sum())?;
    let mut next = appeal_ids.iter();
    let ids_of: Vec<Vec<i64>> = batch
        .iter()
        .map(|c| {
            c.appeals
                .iter()
                .map(|_| *next.next().expect("reserved"))
                .collect()
        })
        .collect();
    let mut rows = Vec::with_capacity(appeal_ids.len());
    for ((c, &case_id), ids) in batch.iter().zip(&case_ids).zip(&ids_of) {
        for (a, &id) in c.appeals.iter().zip(ids) {
            rows.push(AppealRow {
                id,
                case_id,
                kind: a.kind.code(),
                grounds: a.grounds.code(),
                review_id: a.review.and_then(|r| ids.get(r).copied()),
                filed_on: a.filed_on,
                body: &a.body,
                body_case_no: &a.body_case_no,
                served_on: a.served_on,
                answered_on: a.answered_on,
                result: a.result.map(AppealResult::code),
                decided_on: a.decided_on,
                doc_numbers: &a.doc_numbers,
                notes: &a.notes,
                created_at: c.created_at,
                updated_at: c.updated_at,
            });
        }
    }
    // A suit's reconsideration comes before it in the batch, so in an earlier
    // statement or earlier in the same one.
    write_rows!(conn, appeals::table, &rows[..], 16)?;
    drop(rows);

    log::debug!("bulk: appeals in {:?}", t.elapsed());
    let event_ids = reserve_ids(
        conn,
        "case_events",
        batch.iter().map(|c| c.events.len()).sum(),
    )?;
    let mut next = event_ids.iter();
    let mut rows = Vec::with_capacity(event_ids.len());
    for ((c, &case_id), ids) in batch.iter().zip(&case_ids).zip(&ids_of) {
        for e in &c.events {
            let event = with_stored_appeals(&e.event, ids);
            let data = serde_json::to_string(&event)
                .map_err(|err| Error::SerializationError(Box::new(err)))?;
            rows.push(EventRow {
                id: *next.next().expect("reserved"),
                case_id,
                at: e.at,
                user_id: e.user_id,
                kind: e.event.kind(),
                on_date: e.event.on(),
                data,
            });
            if rows.len() == chunk(7) {
                write_rows!(conn, case_events::table, &rows[..], 7)?;
                rows.clear();
            }
        }
    }
    if !rows.is_empty() {
        write_rows!(conn, case_events::table, &rows[..], 7)?;
    }

    log::debug!("bulk: events in {:?}", t.elapsed());
    Ok(Written {
        ids: case_ids,
        tracking_nos: numbers.into_iter().map(|(t, _)| t).collect(),
        requesters_created,
    })
}

/// The event with its appeal positions replaced by the stored ids.
fn with_stored_appeals(e: &Event, ids: &[i64]) -> Event {
    let stored = |pos: i64| usize::try_from(pos).ok().and_then(|p| ids.get(p)).copied();
    let mut e = e.clone();
    match &mut e {
        Event::AppealFiled {
            appeal_id,
            review_id,
            ..
        } => {
            *appeal_id = stored(*appeal_id).unwrap_or(*appeal_id);
            *review_id = review_id.and_then(stored);
        }
        Event::AppealUpdated { appeal_id, .. } => {
            *appeal_id = stored(*appeal_id).unwrap_or(*appeal_id);
        }
        Event::Reopened {
            appeal_id: Some(id),
            ..
        } => *id = stored(*id).unwrap_or(*id),
        _ => {}
    }
    e
}

/// The requester id of each case: one requester per kind and name, found
/// among the stored ones or created with the details of its first case.
fn requesters(conn: &mut DbConn, batch: &[BulkCase]) -> QueryResult<(Vec<i64>, usize)> {
    let mut lower: Vec<String> = batch
        .iter()
        .map(|c| c.requester.name.to_lowercase())
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    lower.sort();
    let mut known: HashMap<(String, String), i64> = HashMap::new();
    for part in lower.chunks(chunk(1)) {
        let found: Vec<(i64, String, String)> = requesters::table
            .filter(requesters::name_lower.eq_any(part))
            .select((requesters::id, requesters::kind, requesters::name))
            .order(requesters::id)
            .load(conn)?;
        for (id, kind, name) in found {
            known.entry((kind, name)).or_insert(id);
        }
    }
    // New requesters, in the order of their first case.
    let mut first: HashMap<(&str, &str), usize> = HashMap::new();
    let mut new: Vec<&RequesterFields> = Vec::new();
    for c in batch {
        let key = (c.requester.kind.as_str(), c.requester.name.as_str());
        if !known.contains_key(&(key.0.to_string(), key.1.to_string())) && !first.contains_key(&key)
        {
            first.insert(key, new.len());
            new.push(&c.requester);
        }
    }
    let ids = reserve_ids(conn, "requesters", new.len())?;
    let at = batch.iter().map(|c| c.created_at).min().expect("a case");
    let rows: Vec<RequesterRow> = new
        .iter()
        .zip(&ids)
        .map(|(f, &id)| RequesterRow {
            id,
            kind: &f.kind,
            name: &f.name,
            id_type: &f.id_type,
            id_number: &f.id_number,
            credit_code: &f.credit_code,
            phone: &f.phone,
            email: &f.email,
            address: &f.address,
            name_lower: f.name.to_lowercase(),
            created_at: at,
            updated_at: at,
        })
        .collect();
    write_rows!(conn, requesters::table, &rows[..], 12)?;
    let of_case = batch
        .iter()
        .map(|c| {
            let key = (c.requester.kind.as_str(), c.requester.name.as_str());
            match first.get(&key) {
                Some(&i) => ids[i],
                None => known[&(key.0.to_string(), key.1.to_string())],
            }
        })
        .collect();
    Ok((of_case, new.len()))
}

/// Each case's tracking number and its place in the agency's sequence for the
/// year of receipt (`cases.seq`, unique with agency and year). A historical
/// number keeps its text; when it reads like one intake makes for that agency
/// and year, past the counter, it keeps its sequence number too, so numbers
/// exported and imported again stay what they were. Every other case takes the
/// next free number (generated ones first), and the counters end past every
/// number used.
fn numbers(conn: &mut DbConn, batch: &[BulkCase]) -> QueryResult<Vec<(String, i32)>> {
    let agency_ids: Vec<i64> = batch
        .iter()
        .map(|c| c.agency_id)
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let codes: HashMap<i64, String> = agencies::table
        .filter(agencies::id.eq_any(&agency_ids))
        .select((agencies::id, agencies::code))
        .load::<(i64, String)>(conn)?
        .into_iter()
        .collect();
    let stored: HashMap<(i64, i32), i32> = counters::table
        .filter(counters::name.eq("case"))
        .filter(counters::agency_id.eq_any(&agency_ids))
        .select((counters::agency_id, counters::year, counters::value))
        .load::<(i64, i32, i32)>(conn)?
        .into_iter()
        .map(|(a, y, v)| ((a, y), v))
        .collect();
    let code_of = |c: &BulkCase| codes.get(&c.agency_id).ok_or(Error::NotFound);
    let explicit: HashSet<&str> = batch
        .iter()
        .filter_map(|c| c.tracking_no.as_deref())
        .collect();

    // Historical numbers in intake's form keep their sequence number.
    let mut used: HashMap<(i64, i32), HashSet<i32>> = HashMap::new();
    let mut seqs: Vec<Option<i32>> = Vec::with_capacity(batch.len());
    for c in batch {
        let year = c.received_on.year();
        let key = (c.agency_id, year);
        let floor = stored.get(&key).copied().unwrap_or(0);
        let seq = c
            .tracking_no
            .as_deref()
            .and_then(|t| intake_seq(t, code_of(c).ok()?, year))
            .filter(|s| *s > floor && !used.get(&key).is_some_and(|u| u.contains(s)));
        if let Some(s) = seq {
            used.entry(key).or_default().insert(s);
        }
        seqs.push(seq);
    }
    // The others continue after the largest number used.
    let mut last: HashMap<(i64, i32), i32> = HashMap::new();
    for c in batch {
        let key = (c.agency_id, c.received_on.year());
        let top = used
            .get(&key)
            .and_then(|u| u.iter().max().copied())
            .unwrap_or(0);
        let floor = stored.get(&key).copied().unwrap_or(0);
        last.insert(key, top.max(floor));
    }
    // Numbers the batch generates come next, in its order, so they run on
    // without gaps; other historical numbers take the ones after them, which an
    // export imported again into an empty database reproduces.
    let mut out: Vec<Option<(String, i32)>> = batch
        .iter()
        .zip(seqs)
        .map(|(c, seq)| seq.map(|s| (c.tracking_no.clone().unwrap_or_default(), s)))
        .collect();
    for generated in [true, false] {
        for (c, slot) in batch.iter().zip(out.iter_mut()) {
            if slot.is_some() || c.tracking_no.is_none() != generated {
                continue;
            }
            let year = c.received_on.year();
            let code = code_of(c)?;
            let n = last.get_mut(&(c.agency_id, year)).expect("every key");
            *slot = Some(loop {
                *n += 1;
                let number = format!("{code}-{year}-{n:04}");
                match &c.tracking_no {
                    Some(t) => break (t.clone(), *n),
                    // A historical number of the batch may read like this one.
                    None if !explicit.contains(number.as_str()) => break (number, *n),
                    None => {}
                }
            });
        }
    }
    let out: Vec<(String, i32)> = out.into_iter().map(|o| o.expect("numbered")).collect();
    // The counters, past every number used.
    for ((agency_id, year), value) in last {
        match stored.get(&(agency_id, year)) {
            Some(v) if *v >= value => {}
            Some(_) => {
                diesel::update(counters::table.find((agency_id, year, "case")))
                    .set(counters::value.eq(value))
                    .execute(conn)?;
            }
            None => {
                diesel::insert_into(counters::table)
                    .values((
                        counters::agency_id.eq(agency_id),
                        counters::year.eq(year),
                        counters::name.eq("case"),
                        counters::value.eq(value),
                    ))
                    .execute(conn)?;
            }
        }
    }
    Ok(out)
}

/// The sequence number of a tracking number in intake's form for this agency
/// and year (`CZ-2024-0017` is 17); None for any other text.
fn intake_seq(tracking_no: &str, code: &str, year: i32) -> Option<i32> {
    let rest = tracking_no.strip_prefix(code)?.strip_prefix('-')?;
    let digits = rest.strip_prefix(&year.to_string())?.strip_prefix('-')?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let seq: i32 = digits.parse().ok()?;
    (seq >= 1 && format!("{seq:04}") == digits).then_some(seq)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intake_numbers_are_recognised_exactly() {
        assert_eq!(intake_seq("CZ-2024-0017", "CZ", 2024), Some(17));
        assert_eq!(intake_seq("CZ-2024-12345", "CZ", 2024), Some(12345));
        assert_eq!(intake_seq("CZ-GTJ-2024-0001", "CZ-GTJ", 2024), Some(1));
        // Another agency, year or form is a historical number like any other.
        assert_eq!(intake_seq("CZ-GTJ-2024-0001", "CZ", 2024), None);
        assert_eq!(intake_seq("CZ-2023-0017", "CZ", 2024), None);
        assert_eq!(intake_seq("CZ-2024-17", "CZ", 2024), None);
        assert_eq!(intake_seq("CZ-2024-0000", "CZ", 2024), None);
        assert_eq!(intake_seq("CZ-2024-00a1", "CZ", 2024), None);
    }
}
