//! The login throttle's counters, kept in the database so that every
//! process sharing it counts together. An attempt is claimed (counted)
//! before the password is verified, in one atomic statement, so concurrent
//! guesses cannot all slip through before the first failure is recorded.

use super::schema::login_attempts;
use super::{DbConn, now};
use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use diesel::sql_types::{Integer, Text, Timestamp};

#[derive(QueryableByName)]
struct Counted {
    #[diesel(sql_type = Integer)]
    attempts: i32,
    #[diesel(sql_type = Timestamp)]
    window_start: NaiveDateTime,
}

/// One upsert on both backends: a new window when the old one has passed,
/// otherwise one more attempt in the current window.
const CLAIM: &str = "INSERT INTO login_attempts (key, attempts, window_start) VALUES ($1, 1, $2) \
     ON CONFLICT (key) DO UPDATE SET \
     attempts = CASE WHEN login_attempts.window_start < $3 THEN 1 ELSE login_attempts.attempts + 1 END, \
     window_start = CASE WHEN login_attempts.window_start < $3 THEN $2 ELSE login_attempts.window_start END \
     RETURNING attempts, window_start";

/// Counts one attempt for `key` and returns how many the current window
/// holds, with the moment the window ends.
pub fn claim(conn: &mut DbConn, key: &str, window: Duration) -> QueryResult<(u32, NaiveDateTime)> {
    let t = now();
    let cutoff = t - window;
    let row: Counted = match conn {
        DbConn::Pg(c) => diesel::sql_query(CLAIM)
            .bind::<Text, _>(key)
            .bind::<Timestamp, _>(t)
            .bind::<Timestamp, _>(cutoff)
            .get_result(c)?,
        // SQLite numbers its parameters ?1, ?2 where PostgreSQL writes $1, $2.
        DbConn::Sqlite(c) => diesel::sql_query(CLAIM.replace('$', "?"))
            .bind::<Text, _>(key)
            .bind::<Timestamp, _>(t)
            .bind::<Timestamp, _>(cutoff)
            .get_result(c)?,
    };
    Ok((row.attempts.max(0) as u32, row.window_start + window))
}

/// Gives back an attempt that turned out to be a successful login, so an
/// office sharing one address is not locked out by its own colleagues.
pub fn give_back(conn: &mut DbConn, key: &str) -> QueryResult<usize> {
    diesel::update(
        login_attempts::table
            .filter(login_attempts::key.eq(key))
            .filter(login_attempts::attempts.gt(0)),
    )
    .set(login_attempts::attempts.eq(login_attempts::attempts - 1))
    .execute(conn)
}

/// Forgets the count for a key (a successful login for the account, or an
/// administrator unlocking it).
pub fn clear(conn: &mut DbConn, key: &str) -> QueryResult<usize> {
    diesel::delete(login_attempts::table.filter(login_attempts::key.eq(key))).execute(conn)
}

/// The counts of account keys (`u:...`): (key, attempts, window start).
pub fn accounts(conn: &mut DbConn) -> QueryResult<Vec<(String, i32, NaiveDateTime)>> {
    login_attempts::table
        .filter(login_attempts::key.like("u:%"))
        .select((
            login_attempts::key,
            login_attempts::attempts,
            login_attempts::window_start,
        ))
        .load(conn)
}

/// Removes windows that ended long ago.
pub fn purge(conn: &mut DbConn, window: Duration) -> QueryResult<usize> {
    diesel::delete(login_attempts::table.filter(login_attempts::window_start.lt(now() - window)))
        .execute(conn)
}
