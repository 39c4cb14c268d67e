//! Accounts: creation, profile edits, password changes and resets,
//! deactivation (accounts are never deleted: the history names them).

use super::{Fail, optional, required};
use crate::auth::{self, PasswordProblem};
use crate::db::audit::{self, Action, Actor, Detail, Field};
use crate::db::{self, DbConn, users::NewUser};
use crate::domain::scope::Role;

#[derive(Clone, Debug, Default, serde::Deserialize)]
pub struct UserInput {
    #[serde(default)]
    pub username: String,
    #[serde(default)]
    pub display_name: String,
    #[serde(default)]
    pub email: String,
    /// A mobile number for SMS reminders and requests for approval; may be empty.
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub role: String,
    #[serde(default)]
    pub agency_id: String,
}

/// Lengths of an account's fields in characters; the form states the
/// maxima beside the fields and enforces them (`maxlength`).
pub const MIN_USERNAME: usize = 2;
pub const MAX_USERNAME: usize = 32;
pub const MAX_DISPLAY_NAME: usize = 50;
pub const MAX_EMAIL: usize = 100;
/// A mobile number as typed (with blanks, dashes or +86).
pub const MAX_PHONE: usize = 20;

/// A member of staff's mobile number as stored: 11 digits, or empty for none.
fn staff_phone(typed: &str) -> Result<String, Fail> {
    let typed = optional(typed, "phone", MAX_PHONE)?;
    if typed.is_empty() {
        return Ok(typed);
    }
    crate::domain::sms::mobile(&typed).ok_or(Fail::field("phone", "user-phone-mobile"))
}

pub fn valid_username(u: &str) -> bool {
    let n = u.chars().count();
    (MIN_USERNAME..=MAX_USERNAME).contains(&n)
        && u.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
}

fn password_fail(p: PasswordProblem) -> Fail {
    match p {
        PasswordProblem::TooShort => Fail::field("password", "password-too-short"),
        PasswordProblem::SameAsUsername => Fail::field("password", "password-same-as-username"),
        PasswordProblem::Guessable => Fail::field("password", "password-guessable"),
    }
}

fn role_and_agency(
    conn: &mut DbConn,
    role: &str,
    agency_id: &str,
) -> Result<(Role, Option<i64>), Fail> {
    let role = Role::parse(role).ok_or(Fail::field("role", "field-invalid-choice"))?;
    let agency = match agency_id.trim() {
        "" => None,
        a => {
            let id: i64 = a
                .parse()
                .map_err(|_| Fail::field("agency_id", "field-invalid-choice"))?;
            db::agencies::find(conn, id)?
                .ok_or(Fail::field("agency_id", "field-invalid-choice"))?;
            Some(id)
        }
    };
    if role.needs_agency() && agency.is_none() {
        return Err(Fail::field("agency_id", "user-agency-required"));
    }
    Ok((role, agency))
}

/// Creates an account with the given password (None: a one-time password is
/// generated, returned, and must be changed at first login).
pub fn create(
    conn: &mut DbConn,
    actor: &Actor,
    input: &UserInput,
    password: Option<&str>,
) -> Result<(i64, Option<String>), Fail> {
    let username = required(&input.username, "username", MAX_USERNAME)?.to_lowercase();
    if !valid_username(&username) {
        return Err(Fail::field("username", "user-username-invalid"));
    }
    let display_name = match optional(&input.display_name, "display_name", MAX_DISPLAY_NAME)? {
        d if d.is_empty() => username.clone(),
        d => d,
    };
    let email = optional(&input.email, "email", MAX_EMAIL)?;
    if !email.is_empty() && !email.contains('@') {
        return Err(Fail::field("email", "field-invalid-email"));
    }
    let phone = staff_phone(&input.phone)?;
    let (generated, must_change) = match password {
        Some(p) => {
            auth::check_new_password(&username, &input.display_name, p).map_err(password_fail)?;
            (None, false)
        }
        None => (Some(auth::one_time_password()), true),
    };
    let hash = auth::hash_password(password.or(generated.as_deref()).unwrap_or_default());
    db::write_tx(conn, |conn| {
        let (role, agency) = role_and_agency(conn, &input.role, &input.agency_id)?;
        if db::users::find_by_username(conn, &username)?.is_some() {
            return Err(Fail::field("username", "user-username-taken"));
        }
        let u = db::users::insert(
            conn,
            &NewUser {
                username: &username,
                display_name: &display_name,
                email: &email,
                password_hash: &hash,
                role: role.code(),
                agency_id: agency,
                must_change_password: must_change,
            },
        )
        .map_err(|e| {
            if db::is_unique_violation(&e) {
                Fail::field("username", "user-username-taken")
            } else {
                Fail::Db(e)
            }
        })?;
        if !phone.is_empty() {
            db::users::set_phone(conn, u.id, &phone)?;
        }
        audit::record(
            conn,
            actor,
            Action::UserCreate,
            &u.username,
            &Detail::none().with(Field::Role, role.code()),
        )?;
        Ok((u.id, generated.clone()))
    })
}

pub fn update(conn: &mut DbConn, actor: &Actor, id: i64, input: &UserInput) -> Result<(), Fail> {
    db::write_tx(conn, |conn| {
        let before = db::users::find(conn, id)?.ok_or(Fail::NotFound)?;
        let display_name = required(&input.display_name, "display_name", MAX_DISPLAY_NAME)?;
        let email = optional(&input.email, "email", MAX_EMAIL)?;
        if !email.is_empty() && !email.contains('@') {
            return Err(Fail::field("email", "field-invalid-email"));
        }
        let phone = staff_phone(&input.phone)?;
        let (role, agency) = role_and_agency(conn, &input.role, &input.agency_id)?;
        if before.role == "admin" && role != Role::Admin && before.active && last_admin(conn)? {
            return Err(Fail::field("role", "user-last-admin"));
        }
        db::users::update_profile(conn, id, &display_name, &email, role.code(), agency)?;
        db::users::set_phone(conn, id, &phone)?;
        let mut changes = Detail::none();
        if before.role != role.code() {
            changes = changes.change(Field::Role, &before.role, role.code());
        }
        if before.agency_id != agency {
            let from = db::agencies::name_of(conn, before.agency_id)?;
            let to = db::agencies::name_of(conn, agency)?;
            changes = changes.change(Field::Agency, from, to);
        }
        // Which personal details changed, not their values.
        if before.display_name != display_name {
            changes = changes.changed(Field::DisplayName);
        }
        if before.email != email {
            changes = changes.changed(Field::Email);
        }
        if before.phone != phone {
            changes = changes.changed(Field::Phone);
        }
        audit::record(conn, actor, Action::UserUpdate, &before.username, &changes)?;
        Ok(())
    })
}

fn last_admin(conn: &mut DbConn) -> Result<bool, Fail> {
    Ok(db::users::count_active_admins(conn)? <= 1)
}

/// The user changes their own password, proving the current one.
pub fn change_own_password(
    conn: &mut DbConn,
    id: i64,
    current: &str,
    new: &str,
    confirm: &str,
) -> Result<(), Fail> {
    let user = db::users::find(conn, id)?.ok_or(Fail::NotFound)?;
    if !auth::verify_password(current, Some(&user.password_hash)) {
        return Err(Fail::field("current", "password-current-wrong"));
    }
    if new != confirm {
        return Err(Fail::field("confirm", "password-mismatch"));
    }
    if new == current {
        return Err(Fail::field("password", "password-unchanged"));
    }
    auth::check_new_password(&user.username, &user.display_name, new).map_err(password_fail)?;
    let hash = auth::hash_password(new);
    db::write_tx(conn, |conn| {
        db::users::set_password(conn, id, &hash, false)?;
        let actor = Actor {
            user_id: Some(id),
            username: user.username.clone(),
        };
        audit::record(
            conn,
            &actor,
            Action::UserPasswordChange,
            &user.username,
            &Detail::none(),
        )?;
        Ok(())
    })
}

/// An administrator resets a password: a one-time password, changed at next login.
pub fn reset_password(conn: &mut DbConn, actor: &Actor, id: i64) -> Result<String, Fail> {
    let password = auth::one_time_password();
    let hash = auth::hash_password(&password);
    db::write_tx(conn, |conn| {
        let user = db::users::find(conn, id)?.ok_or(Fail::NotFound)?;
        db::users::set_password(conn, id, &hash, true)?;
        audit::record(
            conn,
            actor,
            Action::UserPasswordReset,
            &user.username,
            &Detail::none(),
        )?;
        Ok(password)
    })
}

pub fn set_active(conn: &mut DbConn, actor: &Actor, id: i64, active: bool) -> Result<(), Fail> {
    db::write_tx(conn, |conn| {
        let user = db::users::find(conn, id)?.ok_or(Fail::NotFound)?;
        if !active {
            if Some(id) == actor.user_id {
                return Err(Fail::field("active", "user-cannot-deactivate-self"));
            }
            if user.role == "admin" && user.active && last_admin(conn)? {
                return Err(Fail::field("active", "user-last-admin"));
            }
        }
        db::users::set_active(conn, id, active)?;
        let action = if active {
            Action::UserActivate
        } else {
            Action::UserDeactivate
        };
        audit::record(conn, actor, action, &user.username, &Detail::none())?;
        Ok(())
    })
}

/// An administrator lifts an account's login lock: the throttle forgets the
/// account's count (an address's count is left alone).
pub fn unlock(conn: &mut DbConn, actor: &Actor, id: i64) -> Result<(), Fail> {
    db::write_tx(conn, |conn| {
        let user = db::users::find(conn, id)?.ok_or(Fail::NotFound)?;
        db::login_attempts::clear(conn, &auth::account_key(&user.username))?;
        audit::record(
            conn,
            actor,
            Action::UserUnlock,
            &user.username,
            &Detail::none(),
        )?;
        Ok(())
    })
}
