//! The outbox: messages waiting for the mail server or the SMS gateway, sent,
//! or given up. Rows are written inside the transaction of whatever causes
//! them and claimed by a worker with a lease, so several processes on one
//! database never send a message twice; a row's channel (`mail`, `sms`) says
//! which transport delivers it.

use super::schema::outbox;
use super::{DbConn, now};
use chrono::{NaiveDateTime, TimeDelta};
use diesel::prelude::*;

#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = outbox)]
pub struct Message {
    pub id: i64,
    pub kind: String,
    pub recipient: String,
    pub user_id: Option<i64>,
    pub case_id: Option<i64>,
    pub subject: String,
    pub body_text: String,
    pub body_html: String,
    pub dedupe_key: String,
    pub status: String,
    pub attempts: i32,
    pub next_attempt_at: NaiveDateTime,
    pub lease_until: Option<NaiveDateTime>,
    pub leased_by: Option<String>,
    pub last_error: String,
    pub created_at: NaiveDateTime,
    pub sent_at: Option<NaiveDateTime>,
    pub channel: String,
}

pub struct NewMessage<'a> {
    pub channel: &'a str,
    pub kind: &'a str,
    pub recipient: &'a str,
    pub user_id: Option<i64>,
    pub case_id: Option<i64>,
    pub subject: &'a str,
    pub body_text: &'a str,
    pub body_html: &'a str,
    pub dedupe_key: &'a str,
}

/// Runs the same statement on whichever backend the connection is; for the
/// statements the multi-backend connection lacks (`ON CONFLICT`, row locks).
macro_rules! on_backend {
    ($conn:expr, $c:ident => $body:expr) => {
        match $conn {
            DbConn::Pg($c) => $body,
            DbConn::Sqlite($c) => $body,
        }
    };
}

/// Queues a message, due at once. False when a message with its key exists:
/// `ON CONFLICT DO NOTHING`, so a duplicate neither fails nor aborts the
/// caller's transaction on PostgreSQL.
pub fn enqueue(conn: &mut DbConn, m: &NewMessage) -> QueryResult<bool> {
    let t = now();
    let values = (
        outbox::channel.eq(m.channel),
        outbox::kind.eq(m.kind),
        outbox::recipient.eq(m.recipient),
        outbox::user_id.eq(m.user_id),
        outbox::case_id.eq(m.case_id),
        outbox::subject.eq(m.subject),
        outbox::body_text.eq(m.body_text),
        outbox::body_html.eq(m.body_html),
        outbox::dedupe_key.eq(m.dedupe_key),
        outbox::status.eq("queued"),
        outbox::attempts.eq(0),
        outbox::next_attempt_at.eq(t),
        outbox::last_error.eq(""),
        outbox::created_at.eq(t),
    );
    let n = on_backend!(conn, c => diesel::insert_into(outbox::table)
        .values(values)
        .on_conflict(outbox::dedupe_key)
        .do_nothing()
        .execute(c))?;
    Ok(n == 1)
}

/// Whether a message with this key was ever queued.
pub fn exists(conn: &mut DbConn, key: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        outbox::table.filter(outbox::dedupe_key.eq(key)),
    ))
    .get_result(conn)
}

/// Claims the oldest queued message on one of `channels` that is due and not
/// leased by a live worker, other than those in `except` (ones this round put
/// back): leases it to `worker` for `lease` and counts the attempt. On
/// PostgreSQL the candidate is locked with `FOR UPDATE SKIP LOCKED`, so two
/// workers take different rows instead of waiting on each other; on SQLite a
/// conditional update takes it only if it is still free (a second worker's
/// update then changes nothing).
pub fn claim(
    conn: &mut DbConn,
    worker: &str,
    lease: TimeDelta,
    channels: &[&str],
    except: &[i64],
) -> QueryResult<Option<Message>> {
    let t = now();
    let until = t + lease;
    macro_rules! due {
        () => {
            outbox::table
                .filter(outbox::status.eq("queued"))
                .filter(outbox::channel.eq_any(channels))
                .filter(outbox::id.ne_all(except))
                .filter(outbox::next_attempt_at.le(t))
                .filter(outbox::lease_until.is_null().or(outbox::lease_until.lt(t)))
                .order((outbox::next_attempt_at, outbox::id))
                .select(outbox::id)
        };
    }
    macro_rules! take {
        ($c:expr, $id:expr) => {
            diesel::update(
                outbox::table
                    .filter(outbox::id.eq($id))
                    .filter(outbox::status.eq("queued"))
                    .filter(outbox::lease_until.is_null().or(outbox::lease_until.lt(t))),
            )
            .set((
                outbox::leased_by.eq(worker),
                outbox::lease_until.eq(until),
                outbox::attempts.eq(outbox::attempts + 1),
            ))
            .execute($c)
        };
    }
    let claimed = match conn {
        DbConn::Pg(c) => c.transaction::<_, diesel::result::Error, _>(|c| {
            let id: Option<i64> = due!().for_update().skip_locked().first(c).optional()?;
            match id {
                Some(id) => Ok((take!(c, id)? == 1).then_some(id)),
                None => Ok(None),
            }
        })?,
        DbConn::Sqlite(_) => {
            // Another worker may take a candidate between the read and the
            // update: then try the next.
            let ids: Vec<i64> = due!().limit(5).load(conn)?;
            let mut got = None;
            for id in ids {
                if take!(conn, id)? == 1 {
                    got = Some(id);
                    break;
                }
            }
            got
        }
    };
    match claimed {
        Some(id) => find(conn, id),
        None => Ok(None),
    }
}

/// Delivered. Only the worker holding the lease records it.
pub fn mark_sent(conn: &mut DbConn, id: i64, worker: &str) -> QueryResult<bool> {
    let n = diesel::update(
        outbox::table
            .filter(outbox::id.eq(id))
            .filter(outbox::leased_by.eq(worker)),
    )
    .set((
        outbox::status.eq("sent"),
        outbox::sent_at.eq(now()),
        outbox::lease_until.eq(None::<NaiveDateTime>),
        outbox::last_error.eq(""),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// Not delivered: tried again at `retry_at`, or given up (`None`).
pub fn mark_failed(
    conn: &mut DbConn,
    id: i64,
    worker: &str,
    retry_at: Option<NaiveDateTime>,
    error: &str,
) -> QueryResult<bool> {
    let q = outbox::table
        .filter(outbox::id.eq(id))
        .filter(outbox::leased_by.eq(worker));
    let n = match retry_at {
        Some(at) => diesel::update(q)
            .set((
                outbox::next_attempt_at.eq(at),
                outbox::lease_until.eq(None::<NaiveDateTime>),
                outbox::last_error.eq(error),
            ))
            .execute(conn)?,
        None => diesel::update(q)
            .set((
                outbox::status.eq("failed"),
                outbox::lease_until.eq(None::<NaiveDateTime>),
                outbox::last_error.eq(error),
            ))
            .execute(conn)?,
    };
    Ok(n == 1)
}

/// Not attempted after all (staff's quiet hours): back in the queue until `at`, the
/// claim's count of attempts taken back. Only the worker holding the lease does it.
pub fn defer(conn: &mut DbConn, id: i64, worker: &str, at: NaiveDateTime) -> QueryResult<bool> {
    let n = diesel::update(
        outbox::table
            .filter(outbox::id.eq(id))
            .filter(outbox::leased_by.eq(worker)),
    )
    .set((
        outbox::next_attempt_at.eq(at),
        outbox::lease_until.eq(None::<NaiveDateTime>),
        outbox::attempts.eq(outbox::attempts - 1),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// A failed message queued again, due now, with a fresh count of attempts.
/// False when the message is not failed (sent meanwhile, or already queued).
pub fn requeue(conn: &mut DbConn, id: i64) -> QueryResult<bool> {
    let n = diesel::update(
        outbox::table
            .filter(outbox::id.eq(id))
            .filter(outbox::status.eq("failed")),
    )
    .set((
        outbox::status.eq("queued"),
        outbox::attempts.eq(0),
        outbox::next_attempt_at.eq(now()),
        outbox::lease_until.eq(None::<NaiveDateTime>),
        outbox::leased_by.eq(None::<String>),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

pub fn find(conn: &mut DbConn, id: i64) -> QueryResult<Option<Message>> {
    outbox::table
        .find(id)
        .select(Message::as_select())
        .first(conn)
        .optional()
}

/// How many messages stand in each status.
pub fn counts(conn: &mut DbConn) -> QueryResult<Vec<(String, i64)>> {
    outbox::table
        .group_by(outbox::status)
        .select((outbox::status, diesel::dsl::count_star()))
        .order(outbox::status)
        .load(conn)
}

/// Messages in a status, newest first.
pub fn with_status(conn: &mut DbConn, status: &str, limit: i64) -> QueryResult<Vec<Message>> {
    outbox::table
        .filter(outbox::status.eq(status))
        .order(outbox::id.desc())
        .limit(limit)
        .select(Message::as_select())
        .load(conn)
}

/// The latest messages, whatever their status.
pub fn recent(conn: &mut DbConn, limit: i64) -> QueryResult<Vec<Message>> {
    outbox::table
        .order(outbox::id.desc())
        .limit(limit)
        .select(Message::as_select())
        .load(conn)
}

/// Messages about a case, oldest first.
pub fn of_case(conn: &mut DbConn, case_id: i64) -> QueryResult<Vec<Message>> {
    outbox::table
        .filter(outbox::case_id.eq(case_id))
        .order(outbox::id)
        .select(Message::as_select())
        .load(conn)
}
