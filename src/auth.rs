//! Passwords (argon2id), what makes a new password acceptable, and the
//! login throttle's limits.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use chrono::{Duration, NaiveDateTime};
use rand::Rng;
use std::sync::OnceLock;

/// Minimum length of a password a person chooses.
pub const MIN_PASSWORD_LEN: usize = 10;

fn hasher() -> Argon2<'static> {
    // OWASP's argon2id baseline: 19 MiB, 2 passes, 1 lane.
    Argon2::new(
        Algorithm::Argon2id,
        Version::V0x13,
        Params::new(19 * 1024, 2, 1, None).expect("valid argon2 parameters"),
    )
}

pub fn hash_password(password: &str) -> String {
    let salt = SaltString::encode_b64(&rand::rng().random::<[u8; 16]>())
        .expect("16 bytes make a valid salt");
    hasher()
        .hash_password(password.as_bytes(), &salt)
        .expect("argon2 hashing does not fail on valid parameters")
        .to_string()
}

/// A hash of a password nobody knows, verified for unknown usernames so a
/// login costs the same time whether the account exists or not.
fn decoy_hash() -> &'static str {
    static DECOY: OnceLock<String> = OnceLock::new();
    DECOY.get_or_init(|| hash_password("decoy password that matches nothing"))
}

pub fn verify_password(password: &str, hash: Option<&str>) -> bool {
    let (hash, real) = match hash {
        Some(h) => (h, true),
        None => (decoy_hash(), false),
    };
    let Ok(parsed) = PasswordHash::new(hash) else {
        return false;
    };
    let ok = hasher()
        .verify_password(password.as_bytes(), &parsed)
        .is_ok();
    ok && real
}

/// A readable one-time password: 16 characters without look-alikes.
pub fn one_time_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzACDEFGHJKLMNPQRTUVWXY346789";
    let mut rng = rand::rng();
    (0..16)
        .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
        .collect()
}

/// Why a new password is refused.
#[derive(Debug, PartialEq, Eq)]
pub enum PasswordProblem {
    TooShort,
    SameAsUsername,
    /// Common, or easily guessed from the account's own names.
    Guessable,
}

/// A new password must be long enough, not the username, and not guessable:
/// zxcvbn's estimate (a maintained estimator with lists of common passwords,
/// names and keyboard patterns) must reach 3 of 4, with the account's own
/// names counted as known to an attacker.
pub fn check_new_password(
    username: &str,
    display_name: &str,
    password: &str,
) -> Result<(), PasswordProblem> {
    if password.chars().count() < MIN_PASSWORD_LEN {
        return Err(PasswordProblem::TooShort);
    }
    if password.trim().eq_ignore_ascii_case(username.trim()) {
        return Err(PasswordProblem::SameAsUsername);
    }
    let known = [username, display_name, "gongkai", "zhengfu", "xinxigongkai"];
    if zxcvbn::zxcvbn(password, &known).score() < zxcvbn::Score::Three {
        return Err(PasswordProblem::Guessable);
    }
    Ok(())
}

/// The login throttle: an account is locked after this many attempts in a
/// window, an address after `ADDRESS_LIMIT` (higher: an office may share one
/// address). Counted in the database (`db::login_attempts`).
pub const ACCOUNT_LIMIT: u32 = 5;
pub const ADDRESS_LIMIT: u32 = 20;
pub const WINDOW_MINUTES: i64 = 15;

/// The throttle's key for an account (usernames ignore case).
pub fn account_key(username: &str) -> String {
    format!("u:{}", username.to_lowercase())
}

/// Until when an account is locked, given the attempts counted in its
/// current window; None when it is not. The login counts an attempt before
/// checking it and refuses it once the count passes `ACCOUNT_LIMIT`, so
/// with `ACCOUNT_LIMIT` attempts counted the next one is already refused:
/// the account is locked from then until its window ends.
pub fn account_locked_until(
    attempts: u32,
    window_start: NaiveDateTime,
    now: NaiveDateTime,
) -> Option<NaiveDateTime> {
    let ends = window_start + Duration::minutes(WINDOW_MINUTES);
    (attempts >= ACCOUNT_LIMIT && ends > now).then_some(ends)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_argon2id_and_verify() {
        let h = hash_password("correct horse battery");
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery", Some(&h)));
        assert!(!verify_password("wrong", Some(&h)));
        assert!(!verify_password("anything", None));
    }

    #[test]
    fn an_account_is_locked_until_its_window_ends() {
        let start = chrono::NaiveDate::from_ymd_opt(2024, 10, 8)
            .unwrap()
            .and_hms_opt(9, 0, 0)
            .unwrap();
        let ends = start + Duration::minutes(WINDOW_MINUTES);
        let later = |m| start + Duration::minutes(m);
        assert_eq!(
            account_locked_until(ACCOUNT_LIMIT - 1, start, later(1)),
            None
        );
        assert_eq!(
            account_locked_until(ACCOUNT_LIMIT, start, later(1)),
            Some(ends)
        );
        assert_eq!(
            account_locked_until(ACCOUNT_LIMIT + 3, start, later(14)),
            Some(ends)
        );
        // The window has ended: the next attempt starts a new one.
        assert_eq!(account_locked_until(ACCOUNT_LIMIT + 3, start, ends), None);
        // The same rule as the login's: refused when this attempt passes the limit.
        for counted in 0..10 {
            let refused = counted + 1 > ACCOUNT_LIMIT;
            assert_eq!(
                account_locked_until(counted, start, later(1)).is_some(),
                refused
            );
        }
        assert_eq!(account_key("Wang"), "u:wang");
    }

    #[test]
    fn password_rules() {
        assert_eq!(
            check_new_password("a", "", "short"),
            Err(PasswordProblem::TooShort)
        );
        assert_eq!(
            check_new_password("administrator", "", "Administrator"),
            Err(PasswordProblem::SameAsUsername)
        );
        // Ten characters from the lists of the commonest passwords, and ones
        // built from the account's own names.
        for weak in [
            "1234567890",
            "qwertyuiop",
            "password123",
            "wangxiaoming1",
            "iloveyou12",
        ] {
            assert_eq!(
                check_new_password("wangxiaoming", "王小明", weak),
                Err(PasswordProblem::Guessable),
                "{weak}"
            );
        }
        assert!(check_new_password("a", "", "violet harbour lantern").is_ok());
        assert!(check_new_password("li", "", "correct horse battery").is_ok());
        assert_eq!(one_time_password().len(), 16);
    }
}
