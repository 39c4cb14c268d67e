//! Key-value settings kept in the database (the session key, rule settings).

use super::DbConn;
use super::schema::settings;
use diesel::prelude::*;

pub fn get(conn: &mut DbConn, key: &str) -> QueryResult<Option<String>> {
    settings::table
        .find(key)
        .select(settings::value)
        .first(conn)
        .optional()
}

/// Sets a value (insert or update; no upsert on the multi-backend connection).
pub fn set(conn: &mut DbConn, key: &str, value: &str) -> QueryResult<()> {
    let n = diesel::update(settings::table.find(key))
        .set(settings::value.eq(value))
        .execute(conn)?;
    if n == 0 {
        diesel::insert_into(settings::table)
            .values((settings::key.eq(key), settings::value.eq(value)))
            .execute(conn)?;
    }
    Ok(())
}
