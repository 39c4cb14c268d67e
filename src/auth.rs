//! Passwords (argon2id) and the login throttle.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use rand::Rng;
use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

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
}

pub fn check_new_password(username: &str, password: &str) -> Result<(), PasswordProblem> {
    if password.chars().count() < MIN_PASSWORD_LEN {
        return Err(PasswordProblem::TooShort);
    }
    if password.trim().eq_ignore_ascii_case(username.trim()) {
        return Err(PasswordProblem::SameAsUsername);
    }
    Ok(())
}

/// Counts failed logins per account and per address; after `max_failures`
/// within `window` the key is locked for `lockout`. Kept in memory: a restart
/// forgives, which is acceptable for a throttle.
pub struct Throttle {
    max_failures: u32,
    window: Duration,
    lockout: Duration,
    state: Mutex<HashMap<String, Failures>>,
}

struct Failures {
    count: u32,
    first: Instant,
    locked_until: Option<Instant>,
}

impl Throttle {
    pub fn new(max_failures: u32, window: Duration, lockout: Duration) -> Self {
        Throttle {
            max_failures,
            window,
            lockout,
            state: Mutex::new(HashMap::new()),
        }
    }

    /// How long the key stays locked, if it is.
    pub fn locked(&self, key: &str) -> Option<Duration> {
        let now = Instant::now();
        let state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        state
            .get(key)
            .and_then(|f| f.locked_until)
            .filter(|until| *until > now)
            .map(|until| until - now)
    }

    pub fn fail(&self, key: &str) {
        let now = Instant::now();
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if state.len() > 100_000 {
            state.retain(|_, f| now.duration_since(f.first) < self.window);
        }
        let f = state.entry(key.to_string()).or_insert(Failures {
            count: 0,
            first: now,
            locked_until: None,
        });
        if now.duration_since(f.first) > self.window {
            *f = Failures {
                count: 0,
                first: now,
                locked_until: None,
            };
        }
        f.count += 1;
        if f.count >= self.max_failures {
            f.locked_until = Some(now + self.lockout);
        }
    }

    pub fn clear(&self, key: &str) {
        self.state
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(key);
    }
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
    fn throttle_locks_after_failures() {
        let t = Throttle::new(3, Duration::from_secs(60), Duration::from_secs(60));
        t.fail("u:alice");
        t.fail("u:alice");
        assert!(t.locked("u:alice").is_none());
        t.fail("u:alice");
        assert!(t.locked("u:alice").is_some());
        assert!(t.locked("u:bob").is_none());
        t.clear("u:alice");
        assert!(t.locked("u:alice").is_none());
    }

    #[test]
    fn password_rules() {
        assert_eq!(
            check_new_password("a", "short"),
            Err(PasswordProblem::TooShort)
        );
        assert_eq!(
            check_new_password("administrator", "Administrator"),
            Err(PasswordProblem::SameAsUsername)
        );
        assert!(check_new_password("a", "long enough pass").is_ok());
        assert_eq!(one_time_password().len(), 16);
    }
}
