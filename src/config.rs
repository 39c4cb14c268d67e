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
    /// Reverse proxies whose `X-Forwarded-For` is believed (GONGKAI_TRUSTED_PROXIES):
    /// the login throttle and the public forms' limits count the address they name.
    pub trusted_proxies: Vec<ipnet::IpNet>,
}

impl WebConfig {
    pub fn from_env(bind: Option<String>) -> Result<WebConfig, String> {
        let proxies = std::env::var("GONGKAI_TRUSTED_PROXIES").unwrap_or_default();
        Ok(WebConfig {
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
            trusted_proxies: parse_proxies(&proxies)
                .map_err(|e| format!("GONGKAI_TRUSTED_PROXIES: {e}"))?,
        })
    }
}

/// Addresses and networks separated by commas or blanks: `127.0.0.1, 10.0.0.0/8, ::1`.
pub fn parse_proxies(s: &str) -> Result<Vec<ipnet::IpNet>, String> {
    s.split([',', ' ', '\t'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| {
            p.parse::<ipnet::IpNet>()
                .or_else(|_| p.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
                .map_err(|_| format!("{p:?} is not an IP address or network (e.g. 10.0.0.0/8)"))
        })
        .collect()
}

/// The sender when GONGKAI_MAIL_FROM is not set.
pub const DEFAULT_MAIL_FROM: &str = "gongkai@localhost";

/// Outgoing messages, mail and SMS (service::mail::worker).
#[derive(Clone, Debug)]
pub struct MailConfig {
    /// GONGKAI_SMTP_URL; without it messages wait in the outbox.
    pub smtp_url: Option<String>,
    /// GONGKAI_MAIL_FROM: an address, optionally with a name (`名称 <addr>`).
    pub from: String,
    /// How often the worker looks for messages to send.
    pub poll: std::time::Duration,
    /// How often it looks for reminders and digests to queue (first at start); None: never
    /// (a process that only delivers, as the tests run it).
    pub scan: Option<std::time::Duration>,
    /// The SMS gateway (GONGKAI_SMS_*); without its URL SMS wait in the outbox.
    pub sms: SmsConfig,
}

impl Default for MailConfig {
    fn default() -> MailConfig {
        MailConfig {
            smtp_url: None,
            from: DEFAULT_MAIL_FROM.to_string(),
            poll: std::time::Duration::from_secs(5),
            scan: Some(std::time::Duration::from_secs(600)),
            sms: SmsConfig::default(),
        }
    }
}

impl MailConfig {
    pub fn from_env() -> MailConfig {
        let var = |name| {
            std::env::var(name)
                .ok()
                .filter(|s: &String| !s.trim().is_empty())
        };
        MailConfig {
            smtp_url: var("GONGKAI_SMTP_URL"),
            from: var("GONGKAI_MAIL_FROM").unwrap_or_else(|| DEFAULT_MAIL_FROM.to_string()),
            sms: SmsConfig::from_env(),
            ..MailConfig::default()
        }
    }

    /// The SMTP URL with any password hidden, for pages and logs.
    pub fn shown_url(&self) -> Option<String> {
        self.smtp_url.as_deref().map(crate::db::redact)
    }
}

/// The SMS gateway's request when GONGKAI_SMS_BODY is not set: JSON with the number and
/// the text.
pub const DEFAULT_SMS_BODY: &str = r#"{"phone":"{phone}","text":"{text}"}"#;
pub const DEFAULT_SMS_CONTENT_TYPE: &str = "application/json";
pub const DEFAULT_SMS_AUTH_HEADER: &str = "Authorization";

/// An HTTP SMS gateway: one request per message, made from templates in which
/// `{phone}`, `{text}`, `{kind}` and `{id}` stand for the message's values
/// (service::mail::gateway). The credentials are a header's value, from the
/// environment only, never shown.
#[derive(Clone, PartialEq, Eq)]
pub struct SmsConfig {
    /// GONGKAI_SMS_URL; None: SMS wait in the outbox.
    pub url: Option<String>,
    /// GONGKAI_SMS_METHOD: POST (default), PUT or GET.
    pub method: String,
    /// GONGKAI_SMS_BODY: the request body (not sent with GET).
    pub body: String,
    /// GONGKAI_SMS_CONTENT_TYPE: the body's type, which also decides how values are
    /// escaped in it (JSON, form, or as they are).
    pub content_type: String,
    /// GONGKAI_SMS_AUTH_HEADER: the header the credentials go in.
    pub auth_header: String,
    /// GONGKAI_SMS_AUTH: its value, e.g. `Bearer …` or `APPCODE …`.
    pub auth: Option<String>,
}

/// Never prints the credentials.
impl std::fmt::Debug for SmsConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmsConfig")
            .field("url", &self.shown_url())
            .field("method", &self.method)
            .field("content_type", &self.content_type)
            .field("auth_header", &self.auth_header)
            .field("auth", &self.auth.as_ref().map(|_| "(hidden)"))
            .finish()
    }
}

impl Default for SmsConfig {
    fn default() -> SmsConfig {
        SmsConfig {
            url: None,
            method: "POST".into(),
            body: DEFAULT_SMS_BODY.into(),
            content_type: DEFAULT_SMS_CONTENT_TYPE.into(),
            auth_header: DEFAULT_SMS_AUTH_HEADER.into(),
            auth: None,
        }
    }
}

impl SmsConfig {
    pub fn from_env() -> SmsConfig {
        let var = |name| {
            std::env::var(name)
                .ok()
                .filter(|s: &String| !s.trim().is_empty())
        };
        let d = SmsConfig::default();
        SmsConfig {
            url: var("GONGKAI_SMS_URL").map(|s| s.trim().to_string()),
            method: var("GONGKAI_SMS_METHOD")
                .map(|s| s.trim().to_ascii_uppercase())
                .unwrap_or(d.method),
            body: var("GONGKAI_SMS_BODY").unwrap_or(d.body),
            content_type: var("GONGKAI_SMS_CONTENT_TYPE")
                .map(|s| s.trim().to_string())
                .unwrap_or(d.content_type),
            auth_header: var("GONGKAI_SMS_AUTH_HEADER")
                .map(|s| s.trim().to_string())
                .unwrap_or(d.auth_header),
            auth: var("GONGKAI_SMS_AUTH"),
        }
    }

    /// The gateway's address for pages and logs: scheme, host, port and path, without
    /// the user, password or query, which may hold credentials.
    pub fn shown_url(&self) -> Option<String> {
        let url = self.url.as_deref()?;
        Some(match url::Url::parse(url) {
            Ok(u) => format!(
                "{}://{}{}{}",
                u.scheme(),
                u.host_str().unwrap_or_default(),
                u.port().map(|p| format!(":{p}")).unwrap_or_default(),
                u.path()
            ),
            Err(_) => "(not a URL)".to_string(),
        })
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
