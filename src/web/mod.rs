//! HTTP: handlers by feature, extractors (current user, CSRF), middleware.
//! Handlers translate requests into service/domain calls and render pages.

pub mod access;
pub mod account;
pub mod admin;
pub mod appeals;
pub mod applications;
pub mod assets;
pub mod attachments;
pub mod cases;
pub mod chart;
pub mod client;
pub mod csrf;
pub mod dashboard;
pub mod dossier;
pub mod errors;
pub mod home;
pub mod input;
pub mod letters;
pub mod lists;
pub mod page;
pub mod public;
pub mod report;
pub mod requesters;
pub mod session;
pub mod tasks;
pub mod upload;

use crate::config::WebConfig;
use crate::db::{self, DbConn, Pool};
use crate::error::AppError;
pub use access::Access;
use actix_session::SessionMiddleware;
use actix_session::config::{BrowserSession, CookieContentSecurity};
use actix_session::storage::CookieSessionStore;
use actix_web::cookie::{Key, SameSite};
use actix_web::dev::Server;
use actix_web::middleware::{Compress, DefaultHeaders, ErrorHandlers};
use actix_web::{App, HttpResponse, HttpServer, web};
use base64::Engine;
use std::net::TcpListener;

pub struct AppState {
    pub pool: Pool,
    /// A fixed "today" for tests; None in production (the date in China).
    pub today_override: std::sync::RwLock<Option<chrono::NaiveDate>>,
    /// Outgoing mail as this process is configured (the worker runs beside the server).
    pub mail: crate::config::MailConfig,
    /// What this process keeps between requests (`service::cache`).
    pub cache: std::sync::Arc<crate::service::cache::Cache>,
}

/// How cookies other than the session's are marked (the session cookie is
/// set up by its middleware with the same policy).
pub struct CookiePolicy {
    /// `Secure`: sent over HTTPS only (GONGKAI_COOKIE_SECURE).
    pub secure: bool,
}

impl AppState {
    pub fn new(pool: Pool) -> AppState {
        AppState {
            pool,
            today_override: std::sync::RwLock::new(None),
            mail: crate::config::MailConfig::default(),
            cache: Default::default(),
        }
    }

    pub fn with_mail(self, mail: crate::config::MailConfig) -> AppState {
        AppState { mail, ..self }
    }

    pub fn today(&self) -> chrono::NaiveDate {
        let fixed = *self
            .today_override
            .read()
            .unwrap_or_else(|e| e.into_inner());
        fixed.unwrap_or_else(crate::service::cases::today_in_china)
    }

    /// Runs database work on the blocking thread pool, with this process's cache.
    pub async fn db<T, F>(&self, f: F) -> Result<T, AppError>
    where
        F: FnOnce(&mut DbConn) -> Result<T, AppError> + Send + 'static,
        T: Send + 'static,
    {
        let pool = self.pool.clone();
        let cache = self.cache.clone();
        web::block(move || {
            let mut conn = pool.get()?;
            crate::service::cache::scoped(&cache, || f(&mut conn))
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

/// Declares every route once: the table of (method, path, access) and the
/// function that registers the handlers come from the same lines.
macro_rules! route_table {
    ($($method:ident $path:literal $access:ident => $handler:path;)*) => {
        /// Every route: method, path pattern, who may open it.
        pub const ROUTES: &[(&str, &str, Access)] =
            &[$((stringify!($method), $path, Access::$access)),*];

        pub fn routes(cfg: &mut web::ServiceConfig) {
            $(cfg.route($path, web::$method().to($handler));)*
            cfg.default_service(web::to(|| async {
                Err::<HttpResponse, _>(AppError::NotFound)
            }));
        }
    };
}

route_table! {
    get "/healthz" Public => home::healthz;
    get "/static/{file}" Public => assets::serve;
    get "/favicon.ico" Public => assets::favicon;
    get "/" Public => home::index;
    get "/lang/{code}" Public => account::set_language;
    get "/login" Public => account::login_form;
    post "/login" Public => account::login;
    post "/logout" Public => account::logout;
    get "/apply" Public => public::apply_form;
    post "/apply" Public => public::apply;
    get "/track" Public => public::track_form;
    post "/track" Public => public::track;
    get "/track/letters/{letter}" Public => public::letter;
    get "/account" Staff => account::show;
    post "/account/notifications" Staff => account::set_notifications;
    get "/account/password" Staff => account::password_form;
    post "/account/password" Staff => account::change_password;
    get "/cases" Staff => lists::list;
    get "/cases/mine" Staff => lists::mine;
    get "/cases/new" Staff => cases::new_form;
    post "/cases/new" Staff => cases::create;
    get "/cases/{id}" Staff => cases::show;
    post "/cases/{id}/identity" Staff => cases::reveal_identity;
    post "/cases/{id}/act/{action}" Staff => cases::act;
    post "/cases/{id}/letters" Staff => cases::issue_letter;
    get "/cases/{id}/letters/{letter}" Staff => cases::show_letter;
    post "/cases/{id}/attachments" Staff => attachments::add;
    get "/cases/{id}/dossier" Staff => dossier::show;
    get "/cases/{id}/attachments/{attachment}" Staff => attachments::open;
    get "/cases/{id}/review" Staff => cases::show_review;
    get "/applications" Staff => applications::list;
    post "/applications/{id}/confirm" Staff => applications::confirm;
    post "/applications/{id}/reject" Staff => applications::reject;
    post "/applications/{id}/forward" Staff => applications::forward;
    get "/applications/{id}/attachments/{attachment}" Staff => attachments::open_sent;
    get "/tasks" Staff => tasks::list;
    get "/tasks/{id}" Staff => tasks::show;
    post "/tasks/{id}/sign" Staff => tasks::sign;
    post "/tasks/{id}/return" Staff => tasks::send_back;
    post "/tasks/{id}/reply" Staff => tasks::reply;
    get "/requesters/{id}" Staff => requesters::show;
    get "/appeals" Staff => appeals::list;
    get "/appeals/{id}" Staff => appeals::show;
    get "/dashboard" Supervisor => dashboard::show;
    get "/report" Supervisor => report::show;
    get "/report/download" Supervisor => report::download;
    post "/report/finalise" Supervisor => report::finalise;
    get "/dossiers" Supervisor => dossier::page;
    get "/dossiers/export" Supervisor => dossier::export;
    get "/admin/agencies" Admin => admin::agencies::list;
    get "/admin/agencies/new" Admin => admin::agencies::new_form;
    post "/admin/agencies/new" Admin => admin::agencies::create;
    post "/admin/agencies/import" Admin => admin::agencies::import;
    get "/admin/agencies/{id}" Admin => admin::agencies::edit_form;
    post "/admin/agencies/{id}" Admin => admin::agencies::update;
    get "/admin/users" Admin => admin::users::list;
    get "/admin/users/new" Admin => admin::users::new_form;
    post "/admin/users/new" Admin => admin::users::create;
    get "/admin/users/{id}" Admin => admin::users::edit_form;
    post "/admin/users/{id}" Admin => admin::users::update;
    get "/admin/users/{id}/reset" Admin => admin::users::confirm_reset;
    post "/admin/users/{id}/reset" Admin => admin::users::reset_password;
    get "/admin/users/{id}/deactivate" Admin => admin::users::confirm_deactivate;
    post "/admin/users/{id}/active" Admin => admin::users::set_active;
    post "/admin/users/{id}/unlock" Admin => admin::users::unlock;
    get "/admin/calendar" Admin => admin::calendar::show;
    post "/admin/calendar/day" Admin => admin::calendar::set_day;
    post "/admin/calendar/import" Admin => admin::calendar::import;
    get "/admin/audit" Admin => admin::audit::list;
    get "/admin/ledger" Admin => admin::ledger::show;
    post "/admin/ledger/preview" Admin => admin::ledger::preview;
    post "/admin/ledger/import" Admin => admin::ledger::import;
    get "/admin/ledger/export" Admin => admin::ledger::export;
    get "/admin/baselines" Admin => admin::baselines::show;
    post "/admin/baselines" Admin => admin::baselines::save;
    get "/admin/mail" Admin => admin::mail::show;
    post "/admin/mail/{id}/resend" Admin => admin::mail::resend;
    get "/admin/settings" Admin => admin::settings::show;
    post "/admin/settings/mail" Admin => admin::settings::save_mail;
    post "/admin/settings/sms" Admin => admin::settings::save_sms;
    post "/admin/settings/rules" Admin => admin::settings::save_rules;
    post "/admin/settings/review" Admin => admin::settings::save_review;
    post "/admin/settings/topics" Admin => admin::settings::add_topic;
    post "/admin/settings/topics/{id}" Admin => admin::settings::set_topic;
}

pub fn build_server(
    listener: TcpListener,
    state: web::Data<AppState>,
    key: Key,
    config: &WebConfig,
) -> std::io::Result<Server> {
    let secure = config.cookie_secure;
    let policy = web::Data::new(CookiePolicy { secure });
    let proxies = web::Data::new(client::Proxies(config.trusted_proxies.clone()));
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
            .app_data(policy.clone())
            .app_data(proxies.clone())
            .app_data(web::PayloadConfig::new(csrf::MAX_BODY))
            .wrap(actix_web::middleware::from_fn(access::enforce))
            .wrap(actix_web::middleware::from_fn(input::reject_control_chars))
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
