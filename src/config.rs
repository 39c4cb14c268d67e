//! Settings from flags and GONGKAI_* environment variables.

use clap::Args;

pub const DEFAULT_DATABASE_URL: &str = "sqlite://gongkai.db";
pub const DEFAULT_BIND: &str = "127.0.0.1:8080";

#[derive(Args, Clone, Debug)]
pub struct DbArgs {
    /// Database URL: sqlite://PATH or postgres://USER:PASSWORD@HOST/DB
    #[arg(long, env = "GONGKAI_DATABASE_URL", default_value = DEFAULT_DATABASE_URL, global = true)]
    pub database_url: String,
}

#[derive(Clone, Debug)]
pub struct WebConfig {
    pub bind: String,
    /// Master key for session cookies; when absent one is generated and kept in the database.
    pub secret_key: Option<String>,
    /// Mark cookies Secure (set when served over HTTPS).
    pub cookie_secure: bool,
    pub workers: usize,
}

impl WebConfig {
    pub fn from_env(bind: Option<String>) -> WebConfig {
        WebConfig {
            bind: bind
                .or_else(|| std::env::var("GONGKAI_BIND").ok())
                .unwrap_or_else(|| DEFAULT_BIND.to_string()),
            secret_key: std::env::var("GONGKAI_SECRET_KEY")
                .ok()
                .filter(|s| !s.is_empty()),
            cookie_secure: env_bool("GONGKAI_COOKIE_SECURE"),
            workers: std::env::var("GONGKAI_WORKERS")
                .ok()
                .and_then(|s| s.parse().ok())
                .unwrap_or(0),
        }
    }
}

pub fn env_bool(name: &str) -> bool {
    matches!(
        std::env::var(name).as_deref(),
        Ok("1") | Ok("true") | Ok("yes") | Ok("on")
    )
}

/// Pool size: GONGKAI_POOL_SIZE, else 10 (SQLite serialises writes anyway).
pub fn pool_size() -> u32 {
    std::env::var("GONGKAI_POOL_SIZE")
        .ok()
        .and_then(|s| s.parse().ok())
        .filter(|n| *n > 0)
        .unwrap_or(10)
}
