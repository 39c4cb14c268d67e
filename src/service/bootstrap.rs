//! What a fresh database needs before anyone can work: the official
//! calendar, and a first administrator with a one-time password.

use super::Fail;
use crate::db::audit::{self, Action, Actor, Detail, Field};
use crate::db::{self, DbConn, users::NewUser};
use crate::{auth, files};

pub const FIRST_ADMIN: &str = "admin";

#[derive(Debug, Default)]
pub struct Bootstrap {
    /// Set when the first administrator was created now: (username, one-time password).
    pub admin: Option<(String, String)>,
    pub calendar_days_loaded: usize,
}

/// Loads the bundled official calendar into a database that has none; how many
/// days it added. Whatever derives deadlines in bulk (demo data, a ledger import)
/// calls it first, so no deadline is counted without the holidays.
pub fn calendar(conn: &mut DbConn) -> Result<usize, Fail> {
    if db::calendar::count(conn)? > 0 {
        return Ok(0);
    }
    let s = super::calendar::import(
        conn,
        &Actor::system(),
        "holidays-cn.csv (bundled)",
        files::calendar::BUNDLED.as_bytes(),
    )?;
    Ok(s.added)
}

pub fn ensure(conn: &mut DbConn) -> Result<Bootstrap, Fail> {
    let mut out = Bootstrap {
        calendar_days_loaded: calendar(conn)?,
        ..Default::default()
    };
    if db::users::count(conn)? == 0 {
        let password = auth::one_time_password();
        let hash = auth::hash_password(&password);
        db::write_tx(conn, |conn| {
            // Re-checked inside the transaction: two processes starting at
            // once create one administrator.
            if db::users::count(conn)? > 0 {
                return Ok::<_, Fail>(());
            }
            db::users::insert(
                conn,
                &NewUser {
                    username: FIRST_ADMIN,
                    display_name: "Administrator",
                    email: "",
                    password_hash: &hash,
                    role: "admin",
                    agency_id: None,
                    must_change_password: true,
                },
            )?;
            audit::record(
                conn,
                &Actor::system(),
                Action::UserCreate,
                FIRST_ADMIN,
                &Detail::none().with(Field::Role, "admin"),
            )?;
            out.admin = Some((FIRST_ADMIN.to_string(), password.clone()));
            Ok(())
        })?;
    }
    Ok(out)
}
