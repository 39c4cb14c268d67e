//! HTTP: handlers by feature, extractors (current user, CSRF), middleware.
//! Handlers translate requests into service/domain calls and render pages.

pub mod account;
pub mod admin;
pub mod assets;
pub mod cases;
pub mod chart;
pub mod csrf;
pub mod dashboard;
pub mod errors;
pub mod home;
pub mod lists;
pub mod page;
pub mod session;

use crate::auth::Throttle;
use crate::config::WebConfig;
use crate::db::{self, DbConn, Pool};
use crate::error::AppError;
use actix_session::SessionMiddleware;
use actix_session::config::{BrowserSession, CookieContentSecurity};
use actix_session::storage::CookieSessionStore;
use actix_web::cookie::{Key, SameSite};
use actix_web::dev::Server;
use actix_web::middleware::{Compress, DefaultHeaders, ErrorHandlers};
use actix_web::{App, HttpResponse, HttpServer, web};
use base64::Engine;
use std::net::TcpListener;
use std::time::Duration;

pub struct AppState {
    pub pool: Pool,
    /// A fixed "today" for tests; None in production (the date in China).
    pub today_override: std::sync::RwLock<Option<chrono::NaiveDate>>,
    /// Failed logins per account.
    pub login_accounts: Throttle,
    /// Failed logins per client address; higher, since an office may share one address.
    pub login_addresses: Throttle,
}

impl AppState {
    pub fn new(pool: Pool) -> AppState {
        AppState {
            pool,
            today_override: std::sync::RwLock::new(None),
            // Five failures in 15 minutes lock the account for 15 minutes;
            // twenty lock the address.
            login_accounts: Throttle::new(5, Duration::from_secs(900), Duration::from_secs(900)),
            login_addresses: Throttle::new(20, Duration::from_secs(900), Duration::from_secs(900)),
        }
    }

    pub fn today(&self) -> chrono::NaiveDate {
        let fixed = *self
            .today_override
            .read()
            .unwrap_or_else(|e| e.into_inner());
        fixed.unwrap_or_else(crate::service::cases::today_in_china)
    }

    /// Runs database work on the blocking thread pool.
    pub async fn db<T, F>(&self, f: F) -> Result<T, AppError>
    where
        F: FnOnce(&mut DbConn) -> Result<T, AppError> + Send + 'static,
        T: Send + 'static,
    {
        let pool = self.pool.clone();
        web::block(move || {
            let mut conn = pool.get()?;
            f(&mut conn)
        })
        .await?
    }
}

/// The session cookie key: from GONGKAI_SECRET_KEY, or generated once and
/// kept in the database so a restart logs nobody out.
pub fn session_key(conn: &mut DbConn, configured: Option<&str>) -> Result<Key, AppError> {
    if let Some(secret) = configured {
        if secret.len() < 32 {
            return Err(AppError::Internal(
                "GONGKAI_SECRET_KEY must be at least 32 characters".into(),
            ));
        }
        return Ok(Key::derive_from(secret.as_bytes()));
    }
    let b64 = base64::engine::general_purpose::STANDARD;
    if let Some(stored) = db::settings::get(conn, "session_key")?
        && let Ok(bytes) = b64.decode(stored)
        && bytes.len() >= 64
    {
        return Ok(Key::from(&bytes));
    }
    let key = Key::generate();
    db::write_tx(conn, |conn| {
        // Another instance may have stored one meanwhile: use that.
        if let Some(stored) = db::settings::get(conn, "session_key")?
            && let Ok(bytes) = b64.decode(stored)
            && bytes.len() >= 64
        {
            return Ok(Key::from(&bytes));
        }
        db::settings::set(conn, "session_key", &b64.encode(key.master()))?;
        Ok(key.clone())
    })
}

pub const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
     form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'";

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/healthz", web::get().to(home::healthz))
        .route("/static/{file}", web::get().to(assets::serve))
        .route("/favicon.ico", web::get().to(assets::favicon))
        .route("/", web::get().to(home::index))
        .route("/lang/{code}", web::get().to(account::set_language))
        .route("/login", web::get().to(account::login_form))
        .route("/login", web::post().to(account::login))
        .route("/logout", web::post().to(account::logout))
        .route("/account/password", web::get().to(account::password_form))
        .route(
            "/account/password",
            web::post().to(account::change_password),
        )
        .route("/cases", web::get().to(lists::list))
        .route("/cases/mine", web::get().to(lists::mine))
        .route("/cases/new", web::get().to(cases::new_form))
        .route("/cases/new", web::post().to(cases::create))
        .route("/cases/{id}", web::get().to(cases::show))
        .route("/cases/{id}/act/{action}", web::post().to(cases::act))
        .route("/cases/{id}/letters", web::post().to(cases::issue_letter))
        .route(
            "/cases/{id}/letters/{letter}",
            web::get().to(cases::show_letter),
        )
        .route("/dashboard", web::get().to(dashboard::show))
        .configure(admin::routes)
        .default_service(web::to(|| async {
            Err::<HttpResponse, _>(AppError::NotFound)
        }));
}

pub fn build_server(
    listener: TcpListener,
    state: web::Data<AppState>,
    key: Key,
    config: &WebConfig,
) -> std::io::Result<Server> {
    let secure = config.cookie_secure;
    let mut server = HttpServer::new(move || {
        let sessions = SessionMiddleware::builder(CookieSessionStore::default(), key.clone())
            .cookie_name("gongkai".into())
            .cookie_secure(secure)
            .cookie_http_only(true)
            .cookie_same_site(SameSite::Lax)
            .cookie_content_security(CookieContentSecurity::Private)
            .session_lifecycle(BrowserSession::default())
            .build();
        App::new()
            .app_data(state.clone())
            .app_data(web::FormConfig::default().limit(2 << 20))
            .wrap(ErrorHandlers::new().default_handler(errors::render))
            .wrap(sessions)
            .wrap(
                DefaultHeaders::new()
                    .add(("Content-Security-Policy", CSP))
                    .add(("X-Frame-Options", "DENY"))
                    .add(("X-Content-Type-Options", "nosniff"))
                    .add(("Referrer-Policy", "same-origin"))
                    .add((
                        "Permissions-Policy",
                        "camera=(), microphone=(), geolocation=()",
                    )),
            )
            .wrap(Compress::default())
            .configure(routes)
    })
    .listen(listener)?;
    if config.workers > 0 {
        server = server.workers(config.workers);
    }
    Ok(server.run())
}
