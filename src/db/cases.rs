//! Case queries: requesters, cases, their events and letters, numbering
//! counters, topics, and the list and dashboard queries.

use super::schema::{case_events, cases, counters, letters, requesters, topics, users};
use super::{DbConn, now};
use chrono::{NaiveDate, NaiveDateTime};
use diesel::dsl;
use diesel::prelude::*;

#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = requesters)]
pub struct Requester {
    pub id: i64,
    pub kind: String,
    pub name: String,
    pub id_type: String,
    pub id_number: String,
    pub credit_code: String,
    pub phone: String,
    pub email: String,
    pub address: String,
}

#[derive(Clone, Debug, Default)]
pub struct RequesterFields {
    pub kind: String,
    pub name: String,
    pub id_type: String,
    pub id_number: String,
    pub credit_code: String,
    pub phone: String,
    pub email: String,
    pub address: String,
}

#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = cases)]
pub struct Case {
    pub id: i64,
    pub tracking_no: String,
    pub agency_id: i64,
    pub year: i32,
    pub seq: i32,
    pub requester_id: i64,
    pub requester_kind: String,
    pub requester_name: String,
    pub channel: String,
    pub letter_signed: bool,
    pub arrived_at: NaiveDateTime,
    pub confirmed_on: Option<NaiveDate>,
    pub received_on: NaiveDate,
    pub subject: String,
    pub delivery_form: String,
    pub topic: String,
    pub assigned_to: Option<i64>,
    pub status: String,
    pub clock: String,
    pub due_on: Option<NaiveDate>,
    pub extended: bool,
    pub extension_pending: bool,
    pub outcome: Option<String>,
    pub closed_on: Option<NaiveDate>,
    pub late: bool,
    pub public_code: String,
    pub version: i32,
    pub updated_by: Option<i64>,
    pub updated_at: NaiveDateTime,
}

pub struct NewCase<'a> {
    pub tracking_no: &'a str,
    pub agency_id: i64,
    pub year: i32,
    pub seq: i32,
    pub requester: &'a Requester,
    pub channel: &'a str,
    pub letter_signed: bool,
    pub arrived_at: NaiveDateTime,
    pub confirmed_on: Option<NaiveDate>,
    pub received_on: NaiveDate,
    pub subject: &'a str,
    pub delivery_form: &'a str,
    pub topic: &'a str,
    pub assigned_to: Option<i64>,
    pub public_code: &'a str,
    pub intake_token: Option<&'a str>,
    pub user_id: Option<i64>,
}

/// The columns derived from the history, stored so lists can filter and sort.
#[derive(Clone, Debug, PartialEq)]
pub struct Derived {
    pub status: String,
    pub clock: String,
    pub due_on: Option<NaiveDate>,
    pub extended: bool,
    pub extension_pending: bool,
    pub outcome: Option<String>,
    pub closed_on: Option<NaiveDate>,
    pub late: bool,
}

#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = case_events)]
pub struct EventRow {
    pub id: i64,
    pub case_id: i64,
    pub at: NaiveDateTime,
    pub user_id: Option<i64>,
    pub kind: String,
    pub on_date: Option<NaiveDate>,
    pub data: String,
}

#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = letters)]
pub struct LetterRow {
    pub id: i64,
    pub case_id: i64,
    pub kind: String,
    pub doc_number: Option<String>,
    pub year: i32,
    pub serial: Option<i32>,
    pub title: String,
    pub body: String,
    pub issued_on: NaiveDate,
    pub issued_at: NaiveDateTime,
    pub issued_by: Option<i64>,
}

// ---- requesters

pub fn insert_requester(conn: &mut DbConn, f: &RequesterFields) -> QueryResult<Requester> {
    let t = now();
    let id = diesel::insert_into(requesters::table)
        .values((
            requesters::kind.eq(&f.kind),
            requesters::name.eq(&f.name),
            requesters::id_type.eq(&f.id_type),
            requesters::id_number.eq(&f.id_number),
            requesters::credit_code.eq(&f.credit_code),
            requesters::phone.eq(&f.phone),
            requesters::email.eq(&f.email),
            requesters::address.eq(&f.address),
            requesters::name_lower.eq(f.name.to_lowercase()),
            requesters::created_at.eq(t),
            requesters::updated_at.eq(t),
        ))
        .returning(requesters::id)
        .get_result::<i64>(conn)?;
    requesters::table
        .find(id)
        .select(Requester::as_select())
        .first(conn)
}

pub fn find_requester(conn: &mut DbConn, id: i64) -> QueryResult<Option<Requester>> {
    requesters::table
        .find(id)
        .select(Requester::as_select())
        .first(conn)
        .optional()
}

/// Requesters whose name contains the text or whose document number or
/// credit code is exactly it.
/// Requesters with at least one case in these agencies (None: everywhere),
/// the rule of `domain::scope::requester_visible` as a query.
fn requesters_in_scope<'a>(
    agencies: Option<&[i64]>,
) -> requesters::BoxedQuery<'a, super::MultiBackend> {
    let q = requesters::table.into_boxed();
    match agencies {
        None => q,
        Some(ids) => q.filter(
            requesters::id.eq_any(
                cases::table
                    .filter(cases::agency_id.eq_any(ids.to_vec()))
                    .select(cases::requester_id),
            ),
        ),
    }
}

/// Requesters in scope whose name contains the text, or whose identity
/// number or credit code is exactly the text.
pub fn search_requesters(
    conn: &mut DbConn,
    text: &str,
    agencies: Option<&[i64]>,
    limit: i64,
) -> QueryResult<Vec<Requester>> {
    let t = text.trim();
    let pattern = format!("%{}%", escape_like(&t.to_lowercase()));
    requesters_in_scope(agencies)
        .filter(
            requesters::name_lower
                .like(pattern)
                .escape('\\')
                .or(requesters::id_number.eq(t.to_uppercase()))
                .or(requesters::credit_code.eq(t.to_uppercase())),
        )
        .select(Requester::as_select())
        .order(requesters::id.desc())
        .limit(limit)
        .load(conn)
}

/// Names under which requesters in scope hold this identity number.
pub fn names_holding_id(
    conn: &mut DbConn,
    id_number: &str,
    agencies: Option<&[i64]>,
) -> QueryResult<Vec<String>> {
    requesters_in_scope(agencies)
        .filter(requesters::id_number.eq(id_number.trim().to_uppercase()))
        .select(requesters::name)
        .distinct()
        .load(conn)
}

/// The latest case at an agency for the same requester name and subject recorded since
/// a moment: what a second Save of the intake form (after Back) would repeat.
pub fn recent_same(
    conn: &mut DbConn,
    agency_id: i64,
    requester_name: &str,
    subject: &str,
    since: NaiveDateTime,
) -> QueryResult<Option<(i64, String)>> {
    cases::table
        .filter(cases::agency_id.eq(agency_id))
        .filter(cases::requester_name.eq(requester_name))
        .filter(cases::subject.eq(subject))
        .filter(cases::created_at.ge(since))
        .filter(cases::status.ne("void"))
        .order(cases::id.desc())
        .select((cases::id, cases::tracking_no))
        .first(conn)
        .optional()
}

/// A requester's cases in these agencies (None: everywhere), newest first.
pub fn of_requester(
    conn: &mut DbConn,
    requester_id: i64,
    agencies: Option<&[i64]>,
) -> QueryResult<Vec<Case>> {
    let mut q = cases::table
        .filter(cases::requester_id.eq(requester_id))
        .filter(cases::status.ne("void"))
        .into_boxed();
    if let Some(ids) = agencies {
        q = q.filter(cases::agency_id.eq_any(ids.to_vec()));
    }
    q.order((cases::received_on.desc(), cases::id.desc()))
        .select(Case::as_select())
        .load(conn)
}

/// A requester, if they have a case in scope.
pub fn find_requester_in_scope(
    conn: &mut DbConn,
    id: i64,
    agencies: Option<&[i64]>,
) -> QueryResult<Option<Requester>> {
    requesters_in_scope(agencies)
        .filter(requesters::id.eq(id))
        .select(Requester::as_select())
        .first(conn)
        .optional()
}

pub fn escape_like(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

// ---- topics and counters

pub fn topics(conn: &mut DbConn) -> QueryResult<Vec<String>> {
    topics::table
        .filter(topics::active.eq(true))
        .order((topics::position, topics::name))
        .select(topics::name)
        .load(conn)
}

/// The next number of a per-agency, per-year sequence. Run inside the write
/// transaction that uses it, so a rollback leaves no gap and two writers never
/// get the same number (the row update locks on PostgreSQL; SQLite's write
/// transaction is exclusive).
pub fn next_number(conn: &mut DbConn, agency_id: i64, year: i32, name: &str) -> QueryResult<i32> {
    let key = counters::table.find((agency_id, year, name));
    let bump = |conn: &mut DbConn| {
        diesel::update(key)
            .set(counters::value.eq(counters::value + 1))
            .execute(conn)
    };
    if bump(conn)? == 0 {
        // First number of the year. Inside a savepoint: when another writer
        // inserted the row first (PostgreSQL), its unique violation only undoes
        // this insert, and the update then takes the next number after theirs.
        let inserted = conn.transaction(|conn| {
            diesel::insert_into(counters::table)
                .values((
                    counters::agency_id.eq(agency_id),
                    counters::year.eq(year),
                    counters::name.eq(name),
                    counters::value.eq(1),
                ))
                .execute(conn)
        });
        match inserted {
            Ok(_) => return Ok(1),
            Err(e) if super::is_unique_violation(&e) => {
                bump(conn)?;
            }
            Err(e) => return Err(e),
        }
    }
    key.select(counters::value).first(conn)
}

// ---- cases

pub fn insert_case(conn: &mut DbConn, c: &NewCase) -> QueryResult<i64> {
    let t = now();
    let search = super::search::text(c.tracking_no, &c.requester.name, c.subject);
    let id = diesel::insert_into(cases::table)
        .values((
            (
                cases::tracking_no.eq(c.tracking_no),
                cases::agency_id.eq(c.agency_id),
                cases::year.eq(c.year),
                cases::seq.eq(c.seq),
                cases::requester_id.eq(c.requester.id),
                cases::requester_kind.eq(&c.requester.kind),
                cases::requester_name.eq(&c.requester.name),
                cases::channel.eq(c.channel),
                cases::letter_signed.eq(c.letter_signed),
                cases::arrived_at.eq(c.arrived_at),
                cases::confirmed_on.eq(c.confirmed_on),
                cases::received_on.eq(c.received_on),
            ),
            (
                cases::subject.eq(c.subject),
                cases::delivery_form.eq(c.delivery_form),
                cases::topic.eq(c.topic),
                cases::assigned_to.eq(c.assigned_to),
                cases::status.eq("open"),
                cases::search.eq(&search),
                cases::public_code.eq(c.public_code),
                cases::intake_token.eq(c.intake_token),
                cases::version.eq(1),
                cases::updated_by.eq(c.user_id),
                cases::created_at.eq(t),
                cases::updated_at.eq(t),
            ),
        ))
        .returning(cases::id)
        .get_result(conn)?;
    super::search::index(conn, id, &search)?;
    Ok(id)
}

pub fn find(conn: &mut DbConn, id: i64) -> QueryResult<Option<Case>> {
    cases::table
        .find(id)
        .select(Case::as_select())
        .first(conn)
        .optional()
}

pub fn find_by_intake_token(conn: &mut DbConn, token: &str) -> QueryResult<Option<i64>> {
    cases::table
        .filter(cases::intake_token.eq(token))
        .select(cases::id)
        .first(conn)
        .optional()
}

/// Claims the case for a change: bumps its version only if it is still the
/// one the form was opened on. Returns false when someone changed it meanwhile.
pub fn claim(conn: &mut DbConn, id: i64, version: i32, user_id: i64) -> QueryResult<bool> {
    let n = diesel::update(
        cases::table
            .filter(cases::id.eq(id))
            .filter(cases::version.eq(version)),
    )
    .set((
        cases::version.eq(cases::version + 1),
        cases::updated_by.eq(Some(user_id)),
        cases::updated_at.eq(now()),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// The registered details a correction may change, as they stand after it.
pub struct Details<'a> {
    pub subject: &'a str,
    pub channel: &'a str,
    pub letter_signed: bool,
    pub arrived_at: NaiveDateTime,
    pub confirmed_on: Option<NaiveDate>,
    pub received_on: NaiveDate,
}

pub fn set_details(conn: &mut DbConn, id: i64, d: &Details) -> QueryResult<usize> {
    let case = find(conn, id)?.ok_or(diesel::result::Error::NotFound)?;
    let search = super::search::text(&case.tracking_no, &case.requester_name, d.subject);
    super::search::index(conn, id, &search)?;
    diesel::update(cases::table.find(id))
        .set((
            cases::subject.eq(d.subject),
            cases::channel.eq(d.channel),
            cases::letter_signed.eq(d.letter_signed),
            cases::arrived_at.eq(d.arrived_at),
            cases::confirmed_on.eq(d.confirmed_on),
            cases::received_on.eq(d.received_on),
            cases::search.eq(search),
        ))
        .execute(conn)
}

pub fn set_requester_contacts(
    conn: &mut DbConn,
    id: i64,
    phone: &str,
    email: &str,
    address: &str,
) -> QueryResult<usize> {
    diesel::update(requesters::table.find(id))
        .set((
            requesters::phone.eq(phone),
            requesters::email.eq(email),
            requesters::address.eq(address),
            requesters::updated_at.eq(super::now()),
        ))
        .execute(conn)
}

pub fn set_assigned(conn: &mut DbConn, id: i64, to: Option<i64>) -> QueryResult<usize> {
    diesel::update(cases::table.find(id))
        .set(cases::assigned_to.eq(to))
        .execute(conn)
}

pub fn store_derived(conn: &mut DbConn, id: i64, d: &Derived) -> QueryResult<usize> {
    diesel::update(cases::table.find(id))
        .set((
            cases::status.eq(&d.status),
            cases::clock.eq(&d.clock),
            cases::due_on.eq(d.due_on),
            cases::extended.eq(d.extended),
            cases::extension_pending.eq(d.extension_pending),
            cases::outcome.eq(&d.outcome),
            cases::closed_on.eq(d.closed_on),
            cases::late.eq(d.late),
        ))
        .execute(conn)
}

/// A page of the cases a year's ledger lists, by id after `after_id`: received
/// in the year, or received before it and open during it (still open, or closed
/// in the year or later); void cases are left out. `agencies` None: everywhere.
pub fn ledger_page(
    conn: &mut DbConn,
    year: i32,
    agencies: Option<&[i64]>,
    after_id: i64,
    limit: i64,
) -> QueryResult<Vec<Case>> {
    let first = NaiveDate::from_ymd_opt(year, 1, 1).ok_or(diesel::result::Error::NotFound)?;
    let last = NaiveDate::from_ymd_opt(year, 12, 31).ok_or(diesel::result::Error::NotFound)?;
    let mut q = cases::table
        .filter(cases::id.gt(after_id))
        .filter(cases::status.ne("void"))
        .filter(cases::received_on.le(last))
        .filter(
            cases::received_on
                .ge(first)
                .or(cases::status.eq("open"))
                .or(cases::closed_on.ge(first)),
        )
        .into_boxed();
    if let Some(ids) = agencies {
        q = q.filter(cases::agency_id.eq_any(ids.to_vec()));
    }
    q.order(cases::id)
        .limit(limit)
        .select(Case::as_select())
        .load(conn)
}

/// The events of these kinds of these cases, each case's in order.
pub fn events_of_kinds(
    conn: &mut DbConn,
    case_ids: &[i64],
    kinds: &[&str],
) -> QueryResult<Vec<EventRow>> {
    case_events::table
        .filter(case_events::case_id.eq_any(case_ids.to_vec()))
        .filter(case_events::kind.eq_any(kinds.to_vec()))
        .order((case_events::case_id, case_events::id))
        .select(EventRow::as_select())
        .load(conn)
}

/// Ids of cases whose stored deadline a calendar change may move.
pub fn ids_to_recompute(conn: &mut DbConn, changed_from: NaiveDate) -> QueryResult<Vec<i64>> {
    cases::table
        .filter(
            cases::status
                .eq("open")
                .or(cases::closed_on.ge(changed_from)),
        )
        .filter(cases::status.ne("void"))
        .select(cases::id)
        .load(conn)
}

/// Open cases whose clock is stopped: a consultation's answer period can
/// run out with no event, so their stored deadline is refreshed from time to time.
pub fn stopped_ids(conn: &mut DbConn) -> QueryResult<Vec<i64>> {
    cases::table
        .filter(cases::status.eq("open"))
        .filter(cases::clock.ne(""))
        .select(cases::id)
        .load(conn)
}

/// Open cases in scope that were sent a fee notice: the candidates for
/// closing when the time to pay has passed.
pub fn open_with_fee_notice(conn: &mut DbConn, agencies: Option<&[i64]>) -> QueryResult<Vec<Case>> {
    let noticed = case_events::table
        .filter(case_events::kind.eq("fee_approved"))
        .select(case_events::case_id);
    let mut q = cases::table
        .filter(cases::status.eq("open"))
        .filter(cases::id.eq_any(noticed))
        .select(Case::as_select())
        .into_boxed();
    if let Some(ids) = agencies {
        q = q.filter(cases::agency_id.eq_any(ids.to_vec()));
    }
    q.order(cases::id).load(conn)
}

// ---- events and letters

pub fn insert_event(
    conn: &mut DbConn,
    case_id: i64,
    user_id: Option<i64>,
    kind: &str,
    on_date: Option<NaiveDate>,
    data: &str,
) -> QueryResult<()> {
    diesel::insert_into(case_events::table)
        .values((
            case_events::case_id.eq(case_id),
            case_events::at.eq(now()),
            case_events::user_id.eq(user_id),
            case_events::kind.eq(kind),
            case_events::on_date.eq(on_date),
            case_events::data.eq(data),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn events(conn: &mut DbConn, case_id: i64) -> QueryResult<Vec<EventRow>> {
    case_events::table
        .filter(case_events::case_id.eq(case_id))
        .order(case_events::id)
        .select(EventRow::as_select())
        .load(conn)
}

pub struct NewLetter<'a> {
    pub case_id: i64,
    pub kind: &'a str,
    pub doc_number: Option<&'a str>,
    pub year: i32,
    pub serial: Option<i32>,
    pub title: &'a str,
    pub body: &'a str,
    pub issued_on: NaiveDate,
    pub issued_by: i64,
}

pub fn insert_letter(conn: &mut DbConn, l: &NewLetter) -> QueryResult<i64> {
    diesel::insert_into(letters::table)
        .values((
            letters::case_id.eq(l.case_id),
            letters::kind.eq(l.kind),
            letters::doc_number.eq(l.doc_number),
            letters::year.eq(l.year),
            letters::serial.eq(l.serial),
            letters::title.eq(l.title),
            letters::body.eq(l.body),
            letters::issued_on.eq(l.issued_on),
            letters::issued_at.eq(now()),
            letters::issued_by.eq(Some(l.issued_by)),
        ))
        .returning(letters::id)
        .get_result(conn)
}

pub fn letters(conn: &mut DbConn, case_id: i64) -> QueryResult<Vec<LetterRow>> {
    letters::table
        .filter(letters::case_id.eq(case_id))
        .order(letters::id)
        .select(LetterRow::as_select())
        .load(conn)
}

pub fn letter(conn: &mut DbConn, case_id: i64, id: i64) -> QueryResult<Option<LetterRow>> {
    letters::table
        .filter(letters::case_id.eq(case_id))
        .filter(letters::id.eq(id))
        .select(LetterRow::as_select())
        .first(conn)
        .optional()
}

// ---- lists

#[derive(Clone, Debug, Default)]
pub struct Filter {
    /// None: every agency (administrators).
    pub agencies: Option<Vec<i64>>,
    pub assigned_to: Option<i64>,
    /// Cases nobody is assigned to.
    pub unassigned: bool,
    pub status: Option<String>,
    pub channel: Option<String>,
    pub outcome: Option<String>,
    pub topic: Option<String>,
    pub received_from: Option<NaiveDate>,
    pub received_to: Option<NaiveDate>,
    /// Open and past the due date on this day.
    pub overdue_on: Option<NaiveDate>,
    /// Open and due between these two days.
    pub due_between: Option<(NaiveDate, NaiveDate)>,
    /// Clock stopped for this reason (or any reason when "any").
    pub clock: Option<String>,
    pub extension_pending: bool,
    pub late: bool,
    pub text: Option<String>,
    /// A draft waits for review: at this step (a `domain::review::Step` code), or any ("any").
    pub review: Option<String>,
}

type Boxed<'a> = cases::BoxedQuery<'a, super::MultiBackend>;

/// How a query reads the agency filter.
#[derive(Clone, Copy, PartialEq)]
enum Agencies {
    /// By the agency index: best for a count.
    Indexed,
    /// Row by row (`agency_id + 0`), so SQLite walks the list-order index and stops
    /// after a page; by the agency index it reads and sorts every case of a city.
    Checked,
}

/// The cases `f` asks for; `found`: the candidates of its text from the search index.
fn filtered<'a>(f: &'a Filter, agencies: Agencies, found: Option<&[i64]>) -> Boxed<'a> {
    let mut q = cases::table.into_boxed();
    if let Some(ids) = &f.agencies {
        q = match agencies {
            Agencies::Indexed => q.filter(cases::agency_id.eq_any(ids.clone())),
            Agencies::Checked => q.filter((cases::agency_id + 0i64).eq_any(ids.clone())),
        };
    }
    if let Some(u) = f.assigned_to {
        q = q.filter(cases::assigned_to.eq(u));
    }
    if f.unassigned {
        q = q.filter(cases::assigned_to.is_null());
    }
    match f.status.as_deref() {
        Some(s) => q = q.filter(cases::status.eq(s.to_string())),
        None => q = q.filter(cases::status.ne("void")),
    }
    if let Some(c) = &f.channel {
        q = q.filter(cases::channel.eq(c.clone()));
    }
    if let Some(o) = &f.outcome {
        q = q.filter(cases::outcome.eq(o.clone()));
    }
    if let Some(t) = &f.topic {
        q = q.filter(cases::topic.eq(t.clone()));
    }
    if let Some(d) = f.received_from {
        q = q.filter(cases::received_on.ge(d));
    }
    if let Some(d) = f.received_to {
        q = q.filter(cases::received_on.le(d));
    }
    if let Some(today) = f.overdue_on {
        q = q
            .filter(cases::status.eq("open"))
            .filter(cases::due_on.lt(today));
    }
    if let Some((from, to)) = f.due_between {
        q = q
            .filter(cases::status.eq("open"))
            .filter(cases::due_on.ge(from))
            .filter(cases::due_on.le(to));
    }
    match f.clock.as_deref() {
        Some("any") => {
            q = q
                .filter(cases::status.eq("open"))
                .filter(cases::clock.ne(""))
        }
        Some("consultation") => {
            q = q
                .filter(cases::status.eq("open"))
                .filter(cases::clock.eq_any(["third_party_consultation", "agency_consultation"]))
        }
        Some(c) => {
            q = q
                .filter(cases::status.eq("open"))
                .filter(cases::clock.eq(c.to_string()))
        }
        None => {}
    }
    if f.extension_pending {
        q = q.filter(cases::extension_pending.eq(true));
    }
    if f.late {
        q = q.filter(cases::late.eq(true));
    }
    if let Some(step) = &f.review {
        use super::schema::review_queue as w;
        q = q.filter(cases::status.eq("open"));
        q = match step.as_str() {
            "any" => q.filter(cases::id.eq_any(w::table.select(w::case_id))),
            s => q.filter(
                cases::id.eq_any(
                    w::table
                        .filter(w::step.eq(s.to_string()))
                        .select(w::case_id),
                ),
            ),
        };
    }
    if let Some(t) = &f.text {
        let t = t.trim();
        let pattern = format!("%{}%", escape_like(&t.to_lowercase()));
        // An identity number or credit code matches exactly, through the requester; the
        // agency filter above keeps it within the user's scope.
        let text = cases::search
            .like(pattern)
            .escape('\\')
            .or(cases::requester_id.eq_any(holders(t)));
        q = match found {
            // Only the cases the search index names can match.
            Some(ids) => q.filter(cases::id.eq_any(ids.to_vec())).filter(text),
            None => q.filter(text),
        };
    }
    q
}

/// The requesters whose identity number or credit code is `t`.
fn holders(t: &str) -> Holders {
    requesters::table
        .filter(
            requesters::id_number
                .eq(t.to_uppercase())
                .or(requesters::credit_code.eq(t.to_uppercase())),
        )
        .select(requesters::id)
}

type Holders = dsl::Select<
    dsl::Filter<
        requesters::table,
        dsl::Or<dsl::Eq<requesters::id_number, String>, dsl::Eq<requesters::credit_code, String>>,
    >,
    requesters::id,
>;

/// The cases a text can match, from the search index and the requesters holding
/// it as identity number or credit code; None when the index cannot narrow it.
fn candidates(conn: &mut DbConn, t: &str) -> QueryResult<Option<Vec<i64>>> {
    let Some(mut ids) = super::search::candidates(conn, &t.to_lowercase())? else {
        return Ok(None);
    };
    let theirs: Vec<i64> = cases::table
        .filter(cases::requester_id.eq_any(holders(t)))
        .select(cases::id)
        .load(conn)?;
    ids.extend(theirs);
    ids.sort_unstable();
    ids.dedup();
    Ok(Some(ids))
}

/// One page of cases: open ones first by due date, then the rest newest first.
pub fn list(
    conn: &mut DbConn,
    f: &Filter,
    offset: i64,
    limit: i64,
) -> QueryResult<(Vec<Case>, i64)> {
    let order = (
        cases::status.desc(),
        cases::due_on.is_null(),
        cases::due_on.asc(),
        cases::received_on.desc(),
        cases::id.desc(),
    );
    let found = match &f.text {
        Some(t) => candidates(conn, t.trim())?,
        None => None,
    };
    // A text search reads each candidate's text: count in the same pass.
    if f.text.is_some() {
        let rows: Vec<(Case, i64)> = filtered(f, Agencies::Indexed, found.as_deref())
            .select((
                Case::as_select(),
                diesel::dsl::sql::<diesel::sql_types::BigInt>("COUNT(*) OVER ()"),
            ))
            .order(order)
            .offset(offset)
            .limit(limit)
            .load(conn)?;
        if let Some(&(_, total)) = rows.first() {
            return Ok((rows.into_iter().map(|(c, _)| c).collect(), total));
        }
        if offset == 0 {
            return Ok((Vec::new(), 0));
        }
    }
    let total: i64 = filtered(f, Agencies::Indexed, found.as_deref())
        .count()
        .get_result(conn)?;
    // SQLite reads a few thousand cases by agency and sorts them faster than it
    // walks the list order past other agencies' cases; for more it is the reverse.
    let by = if matches!(conn, DbConn::Sqlite(_)) && total > 2000 {
        Agencies::Checked
    } else {
        Agencies::Indexed
    };
    let rows = filtered(f, by, found.as_deref())
        .select(Case::as_select())
        .order(order)
        .offset(offset)
        .limit(limit)
        .load(conn)?;
    Ok((rows, total))
}

/// What the dashboard counts, per open case in scope.
#[derive(Queryable, Clone, Debug)]
pub struct OpenRow {
    pub agency_id: i64,
    pub assigned_to: Option<i64>,
    pub clock: String,
    pub extension_pending: bool,
    pub due_on: Option<NaiveDate>,
}

pub fn open_rows(conn: &mut DbConn, agencies: Option<&[i64]>) -> QueryResult<Vec<OpenRow>> {
    let mut q = cases::table
        .filter(cases::status.eq("open"))
        .select((
            cases::agency_id,
            cases::assigned_to,
            cases::clock,
            cases::extension_pending,
            cases::due_on,
        ))
        .into_boxed();
    if let Some(ids) = agencies {
        q = q.filter(cases::agency_id.eq_any(ids.to_vec()));
    }
    q.load(conn)
}

/// An open case as the clerk's reminder and the supervisors' digest see it.
#[derive(Queryable, Clone, Debug)]
pub struct DueRow {
    pub id: i64,
    pub tracking_no: String,
    pub agency_id: i64,
    pub subject: String,
    pub assigned_to: Option<i64>,
    /// Empty while the clock runs; why it stands still otherwise.
    pub clock: String,
    pub due_on: Option<NaiveDate>,
    pub extension_pending: bool,
}

/// Open cases due by `until` (overdue included) or awaiting a supervisor's
/// approval, soonest first.
pub fn open_due_by(conn: &mut DbConn, until: NaiveDate) -> QueryResult<Vec<DueRow>> {
    cases::table
        .filter(cases::status.eq("open"))
        .filter(
            cases::due_on
                .le(until)
                .or(cases::extension_pending.eq(true)),
        )
        .order((cases::due_on, cases::id))
        .select((
            cases::id,
            cases::tracking_no,
            cases::agency_id,
            cases::subject,
            cases::assigned_to,
            cases::clock,
            cases::due_on,
            cases::extension_pending,
        ))
        .load(conn)
}

/// Cases received per day since `from`.
pub fn received_per_day(
    conn: &mut DbConn,
    agencies: Option<&[i64]>,
    from: NaiveDate,
) -> QueryResult<Vec<(NaiveDate, i64)>> {
    let mut q = cases::table
        .filter(cases::received_on.ge(from))
        .filter(cases::status.ne("void"))
        .group_by(cases::received_on)
        .select((cases::received_on, diesel::dsl::count_star()))
        .into_boxed();
    if let Some(ids) = agencies {
        q = q.filter(cases::agency_id.eq_any(ids.to_vec()));
    }
    q.load(conn)
}

/// Cases answered per day since `from`, split by whether they were late.
pub fn closed_per_day(
    conn: &mut DbConn,
    agencies: Option<&[i64]>,
    from: NaiveDate,
) -> QueryResult<Vec<(Option<NaiveDate>, bool, i64)>> {
    let mut q = cases::table
        .filter(cases::closed_on.ge(from))
        .filter(cases::status.eq("closed"))
        .group_by((cases::closed_on, cases::late))
        .select((cases::closed_on, cases::late, diesel::dsl::count_star()))
        .into_boxed();
    if let Some(ids) = agencies {
        q = q.filter(cases::agency_id.eq_any(ids.to_vec()));
    }
    q.load(conn)
}

/// Display names of users, for timelines and lists.
pub fn user_names(conn: &mut DbConn, ids: &[i64]) -> QueryResult<Vec<(i64, String)>> {
    users::table
        .filter(users::id.eq_any(ids.to_vec()))
        .select((users::id, users::display_name))
        .load(conn)
}

/// How many cases are stored, void ones included.
pub fn count_all(conn: &mut DbConn) -> QueryResult<i64> {
    cases::table.count().get_result(conn)
}

/// The cases of a year (by the year of their number) in these agencies (None:
/// all) that are closed or void, oldest number first, and how many are still open.
pub fn concluded_in_year(
    conn: &mut DbConn,
    agencies: Option<&[i64]>,
    year: i32,
) -> QueryResult<(Vec<i64>, i64)> {
    let scoped = || {
        let mut q = cases::table.filter(cases::year.eq(year)).into_boxed();
        if let Some(ids) = agencies {
            q = q.filter(cases::agency_id.eq_any(ids.to_vec()));
        }
        q
    };
    let ids = scoped()
        .filter(cases::status.ne("open"))
        .order((cases::agency_id, cases::seq, cases::id))
        .select(cases::id)
        .load(conn)?;
    let open = scoped()
        .filter(cases::status.eq("open"))
        .count()
        .get_result(conn)?;
    Ok((ids, open))
}
