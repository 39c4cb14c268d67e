//! Signing in and out, one's own account (password, mail reminders),
//! choosing the language.

use super::csrf::{CsrfForm, NoFields};
use super::page::{Ctx, FieldErrors, LANG_COOKIE, flash, html, html_status, redirect};
use super::session::{self, CurrentUser};
use super::{AppState, CookiePolicy};
use crate::auth;
use crate::db::{
    self,
    audit::{self, Action, Actor, Detail},
};
use crate::error::AppError;
use crate::i18n::Lang;
use crate::service::{self, Fail};
use actix_session::Session;
use actix_web::cookie::{Cookie, SameSite};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::Duration;

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    ctx: Ctx,
    username: String,
    error: Option<String>,
}

pub async fn login_form(ctx: Ctx, session: Session) -> Result<HttpResponse, AppError> {
    if session.get::<String>(session::SID).ok().flatten().is_some() {
        return Ok(redirect("/"));
    }
    html(&LoginPage {
        ctx,
        username: String::new(),
        error: None,
    })
}

#[derive(serde::Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
}

/// What a login attempt came to.
enum Attempt {
    Locked(i64),
    Failed,
    Success(db::users::User),
}

pub async fn login(
    req: HttpRequest,
    session: Session,
    state: web::Data<AppState>,
    CsrfForm(form): CsrfForm<LoginForm>,
) -> Result<HttpResponse, AppError> {
    let username: String = form
        .username
        .trim()
        .to_lowercase()
        .chars()
        .take(64)
        .collect();
    let address = super::client::of(&req);
    let name = username.clone();
    let password = form.password;
    let attempt = state
        .db(move |c| {
            let window = Duration::minutes(auth::WINDOW_MINUTES);
            let account_key = auth::account_key(&name);
            let address_key = format!("a:{address}");
            let actor = Actor {
                user_id: None,
                username: name.clone(),
            };
            // Claim the attempt before the password is checked: concurrent
            // guesses each take a number, and only the first few are checked.
            // Both counts in one transaction, so each attempt holds the same
            // place in the account's count and in the address's.
            let ((by_account, account_ends), (by_address, address_ends)) = db::write_tx(c, |c| {
                Ok::<_, diesel::result::Error>((
                    db::login_attempts::claim(c, &account_key, window)?,
                    db::login_attempts::claim(c, &address_key, window)?,
                ))
            })?;
            let now = db::now();
            let locked_until = [
                (by_account > auth::ACCOUNT_LIMIT).then_some(account_ends),
                (by_address > auth::ADDRESS_LIMIT).then_some(address_ends),
            ]
            .into_iter()
            .flatten()
            .max();
            if let Some(until) = locked_until {
                audit::record(c, &actor, Action::LoginLocked, "", &Detail::none())?;
                return Ok(Attempt::Locked((until - now).num_seconds().max(60)));
            }
            let user = db::users::find_by_username(c, &name)?;
            let ok =
                auth::verify_password(&password, user.as_ref().map(|u| u.password_hash.as_str()));
            match user.filter(|u| ok && u.active) {
                Some(user) => {
                    db::login_attempts::clear(c, &account_key)?;
                    db::login_attempts::give_back(c, &address_key)?;
                    db::login_attempts::purge(c, window)?;
                    let actor = Actor {
                        user_id: Some(user.id),
                        username: name,
                    };
                    audit::record(c, &actor, Action::LoginSuccess, "", &Detail::none())?;
                    Ok(Attempt::Success(user))
                }
                None => {
                    audit::record(c, &actor, Action::LoginFailure, "", &Detail::none())?;
                    Ok(Attempt::Failed)
                }
            }
        })
        .await?;
    let ctx = Ctx::from_req(&req);
    let (status, error) = match attempt {
        Attempt::Success(user) => {
            session::begin(&state, &session, &user).await?;
            return Ok(redirect(if user.must_change_password {
                "/account/password"
            } else {
                "/"
            }));
        }
        Attempt::Locked(seconds) => {
            let minutes = (seconds as u64).div_ceil(60).to_string();
            (
                StatusCode::TOO_MANY_REQUESTS,
                ctx.tr.ta("login-locked", &[("minutes", &minutes)]),
            )
        }
        Attempt::Failed => (StatusCode::UNAUTHORIZED, ctx.tr.t("login-failed")),
    };
    html_status(
        status,
        &LoginPage {
            ctx,
            username,
            error: Some(error),
        },
    )
}

pub async fn logout(
    session: Session,
    state: web::Data<AppState>,
    user: Option<CurrentUser>,
    _form: CsrfForm<NoFields>,
) -> Result<HttpResponse, AppError> {
    if let Some(u) = user {
        state
            .db(move |c| {
                Ok(audit::record(
                    c,
                    &u.actor(),
                    Action::Logout,
                    "",
                    &Detail::none(),
                )?)
            })
            .await?;
    }
    session::end(&state, &session).await?;
    Ok(redirect("/login"))
}

#[derive(Template)]
#[template(path = "password.html")]
struct PasswordPage {
    ctx: Ctx,
    forced: bool,
    errors: FieldErrors,
}

pub async fn password_form(
    ctx: Ctx,
    user: CurrentUser,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let id = user.id;
    let forced = state
        .db(move |c| Ok(db::users::find(c, id)?.is_some_and(|u| u.must_change_password)))
        .await?;
    html(&PasswordPage {
        ctx,
        forced,
        errors: FieldErrors::default(),
    })
}

#[derive(serde::Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    current: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    confirm: String,
}

pub async fn change_password(
    req: HttpRequest,
    session: Session,
    user: CurrentUser,
    state: web::Data<AppState>,
    CsrfForm(form): CsrfForm<PasswordForm>,
) -> Result<HttpResponse, AppError> {
    let id = user.id;
    let result = state
        .db(move |c| {
            match service::users::change_own_password(
                c,
                id,
                &form.current,
                &form.password,
                &form.confirm,
            ) {
                Ok(()) => Ok(Ok(db::users::find(c, id)?)),
                Err(e) => Fail::for_form(Err(e)),
            }
        })
        .await?;
    match result {
        Ok(Some(fresh)) => {
            // Every session of the account has ended: start a new one for this browser only.
            session::begin(&state, &session, &fresh).await?;
            let ctx = Ctx::from_req(&req);
            super::page::flash(&req, ctx.tr.t("password-changed"));
            Ok(redirect("/"))
        }
        Ok(None) => Err(AppError::LoginRequired),
        Err(fails) => {
            let ctx = Ctx::from_req(&req);
            let errors = FieldErrors::from_fails(&ctx.tr, &fails);
            let forced = false;
            html_status(
                StatusCode::BAD_REQUEST,
                &PasswordPage {
                    ctx,
                    forced,
                    errors,
                },
            )
        }
    }
}

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    ctx: Ctx,
    user: db::users::User,
    agency: String,
}

/// One's own account: name, address, and whether reminders and the digest come by e-mail.
pub async fn show(
    ctx: Ctx,
    user: CurrentUser,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let id = user.id;
    let (user, agency) = state
        .db(move |c| {
            let u = db::users::find(c, id)?.ok_or(AppError::LoginRequired)?;
            let agency = db::agencies::name_of(c, u.agency_id)?;
            Ok((u, agency))
        })
        .await?;
    html(&AccountPage { ctx, user, agency })
}

#[derive(serde::Deserialize)]
pub struct NotificationsForm {
    /// "true" when the box is ticked; absent when not.
    #[serde(default)]
    mail_reminders: String,
}

pub async fn set_notifications(
    req: HttpRequest,
    user: CurrentUser,
    state: web::Data<AppState>,
    CsrfForm(form): CsrfForm<NotificationsForm>,
) -> Result<HttpResponse, AppError> {
    let (id, on) = (user.id, form.mail_reminders == "true");
    state
        .db(move |c| Ok(service::mail::set_reminders(c, id, on)?))
        .await?;
    let ctx = Ctx::from_req(&req);
    flash(&req, ctx.tr.t("account-saved"));
    Ok(redirect("/account"))
}

#[derive(serde::Deserialize)]
pub struct LangQuery {
    next: Option<String>,
}

/// Where a redirect may go: a path on this site. A single leading `/`, no
/// second `/` or `\` after it (a browser reads `//host` and `/\host` as
/// another site), and no control characters (a browser drops a tab, which
/// turns `/\t/host` into `//host`; CR and LF would split the header).
pub fn local_path(next: &str) -> Option<&str> {
    let rest = next.strip_prefix('/')?;
    let safe =
        !rest.starts_with('/') && !next.contains('\\') && !next.chars().any(char::is_control);
    safe.then_some(next)
}

/// Remembers the language in a cookie and returns to the page the user was on.
pub async fn set_language(
    path: web::Path<String>,
    q: web::Query<LangQuery>,
    policy: web::Data<CookiePolicy>,
) -> HttpResponse {
    let lang = Lang::parse(&path).unwrap_or_default();
    let next = q.next.as_deref().and_then(local_path).unwrap_or("/");
    let cookie = Cookie::build(LANG_COOKIE, lang.code())
        .path("/")
        .same_site(SameSite::Lax)
        .http_only(true)
        .secure(policy.secure)
        .max_age(actix_web::cookie::time::Duration::days(365))
        .finish();
    HttpResponse::SeeOther()
        .cookie(cookie)
        .insert_header(("Location", next.to_string()))
        .finish()
}
