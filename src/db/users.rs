//! Account queries. Usernames are stored lower-case so that uniqueness and
//! login ignore case on both backends.

use super::schema::users;
use super::{DbConn, now};
use chrono::NaiveDateTime;
use diesel::prelude::*;

#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = users)]
pub struct User {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub email: String,
    pub password_hash: String,
    pub role: String,
    pub agency_id: Option<i64>,
    pub active: bool,
    pub must_change_password: bool,
    pub session_epoch: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// Reminders and the daily digest by e-mail (the user's own choice).
    pub mail_reminders: bool,
    /// A mobile number (11 digits) for SMS, or empty.
    pub phone: String,
}

pub struct NewUser<'a> {
    pub username: &'a str,
    pub display_name: &'a str,
    pub email: &'a str,
    pub password_hash: &'a str,
    pub role: &'a str,
    pub agency_id: Option<i64>,
    pub must_change_password: bool,
}

pub fn insert(conn: &mut DbConn, u: &NewUser) -> QueryResult<User> {
    let t = now();
    diesel::insert_into(users::table)
        .values((
            users::username.eq(u.username.to_lowercase()),
            users::display_name.eq(u.display_name),
            users::email.eq(u.email),
            users::password_hash.eq(u.password_hash),
            users::role.eq(u.role),
            users::agency_id.eq(u.agency_id),
            users::active.eq(true),
            users::must_change_password.eq(u.must_change_password),
            users::session_epoch.eq(0),
            users::created_at.eq(t),
            users::updated_at.eq(t),
        ))
        .get_result::<User>(conn)
}

pub fn find(conn: &mut DbConn, id: i64) -> QueryResult<Option<User>> {
    users::table
        .find(id)
        .select(User::as_select())
        .first(conn)
        .optional()
}

pub fn find_by_username(conn: &mut DbConn, username: &str) -> QueryResult<Option<User>> {
    users::table
        .filter(users::username.eq(username.trim().to_lowercase()))
        .select(User::as_select())
        .first(conn)
        .optional()
}

pub fn all(conn: &mut DbConn) -> QueryResult<Vec<User>> {
    users::table
        .select(User::as_select())
        .order(users::username)
        .load(conn)
}

pub fn in_agencies(conn: &mut DbConn, agency_ids: &[i64]) -> QueryResult<Vec<User>> {
    users::table
        .filter(users::agency_id.eq_any(agency_ids))
        .select(User::as_select())
        .order(users::username)
        .load(conn)
}

pub fn count(conn: &mut DbConn) -> QueryResult<i64> {
    users::table.count().get_result(conn)
}

pub fn count_active_admins(conn: &mut DbConn) -> QueryResult<i64> {
    users::table
        .filter(users::role.eq("admin"))
        .filter(users::active.eq(true))
        .count()
        .get_result(conn)
}

/// Profile fields an administrator edits.
pub fn update_profile(
    conn: &mut DbConn,
    id: i64,
    display_name: &str,
    email: &str,
    role: &str,
    agency_id: Option<i64>,
) -> QueryResult<usize> {
    super::sessions::delete_for_user(conn, id)?;
    diesel::update(users::table.find(id))
        .set((
            users::display_name.eq(display_name),
            users::email.eq(email),
            users::role.eq(role),
            users::agency_id.eq(agency_id),
            users::session_epoch.eq(users::session_epoch + 1),
            users::updated_at.eq(now()),
        ))
        .execute(conn)
}

/// Sets a new password hash. Every session of the account ends (epoch bump).
pub fn set_password(
    conn: &mut DbConn,
    id: i64,
    hash: &str,
    must_change: bool,
) -> QueryResult<usize> {
    super::sessions::delete_for_user(conn, id)?;
    diesel::update(users::table.find(id))
        .set((
            users::password_hash.eq(hash),
            users::must_change_password.eq(must_change),
            users::session_epoch.eq(users::session_epoch + 1),
            users::updated_at.eq(now()),
        ))
        .execute(conn)
}

pub fn set_active(conn: &mut DbConn, id: i64, active: bool) -> QueryResult<usize> {
    super::sessions::delete_for_user(conn, id)?;
    diesel::update(users::table.find(id))
        .set((
            users::active.eq(active),
            users::session_epoch.eq(users::session_epoch + 1),
            users::updated_at.eq(now()),
        ))
        .execute(conn)
}

/// The mobile number SMS go to (11 digits, or empty for none).
pub fn set_phone(conn: &mut DbConn, id: i64, phone: &str) -> QueryResult<usize> {
    diesel::update(users::table.find(id))
        .set((users::phone.eq(phone), users::updated_at.eq(now())))
        .execute(conn)
}

/// The user's own choice about reminders and the daily digest.
pub fn set_mail_reminders(conn: &mut DbConn, id: i64, on: bool) -> QueryResult<usize> {
    diesel::update(users::table.find(id))
        .set((users::mail_reminders.eq(on), users::updated_at.eq(now())))
        .execute(conn)
}

/// Active supervisors of these agencies (any order).
pub fn supervisors_of(conn: &mut DbConn, agency_ids: &[i64]) -> QueryResult<Vec<User>> {
    users::table
        .filter(users::agency_id.eq_any(agency_ids))
        .filter(users::role.eq("supervisor"))
        .filter(users::active.eq(true))
        .select(User::as_select())
        .order(users::id)
        .load(conn)
}

/// Active supervisors with an e-mail address who want the daily digest.
pub fn digest_readers(conn: &mut DbConn) -> QueryResult<Vec<User>> {
    users::table
        .filter(users::role.eq("supervisor"))
        .filter(users::active.eq(true))
        .filter(users::mail_reminders.eq(true))
        .filter(users::email.ne(""))
        .select(User::as_select())
        .order(users::id)
        .load(conn)
}
