//! Server-side sessions. The cookie carries only a session id; the row here
//! is what makes it valid, so deleting the row (logout) makes every copy of
//! the cookie useless at once.

use super::schema::{sessions, users};
use super::users::User;
use super::{DbConn, now};
use base64::Engine;
use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use rand::Rng;

/// A session of a signed-in user, with the account it belongs to.
pub struct Live {
    pub user: User,
    pub seen_at: NaiveDateTime,
}

/// Starts a session for a user and returns its id. Sessions idle longer
/// than `idle` are removed on the way.
pub fn create(conn: &mut DbConn, user_id: i64, idle: Duration) -> QueryResult<String> {
    let t = now();
    diesel::delete(sessions::table.filter(sessions::seen_at.lt(t - idle))).execute(conn)?;
    let id =
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(rand::rng().random::<[u8; 32]>());
    diesel::insert_into(sessions::table)
        .values((
            sessions::id.eq(&id),
            sessions::user_id.eq(user_id),
            sessions::created_at.eq(t),
            sessions::seen_at.eq(t),
        ))
        .execute(conn)?;
    Ok(id)
}

/// The session and its account, if the session still exists.
pub fn find(conn: &mut DbConn, id: &str) -> QueryResult<Option<Live>> {
    sessions::table
        .inner_join(users::table)
        .filter(sessions::id.eq(id))
        .select((User::as_select(), sessions::seen_at))
        .first::<(User, NaiveDateTime)>(conn)
        .optional()
        .map(|r| r.map(|(user, seen_at)| Live { user, seen_at }))
}

pub fn touch(conn: &mut DbConn, id: &str) -> QueryResult<usize> {
    diesel::update(sessions::table.find(id))
        .set(sessions::seen_at.eq(now()))
        .execute(conn)
}

pub fn delete(conn: &mut DbConn, id: &str) -> QueryResult<usize> {
    diesel::delete(sessions::table.find(id)).execute(conn)
}

/// Ends every session of an account (password change or reset, deactivation).
pub fn delete_for_user(conn: &mut DbConn, user_id: i64) -> QueryResult<usize> {
    diesel::delete(sessions::table.filter(sessions::user_id.eq(user_id))).execute(conn)
}
