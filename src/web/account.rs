//! Signing in and out, changing one's own password, choosing the language.

use super::AppState;
use super::csrf::{CsrfForm, NoFields};
use super::page::{Ctx, FieldErrors, LANG_COOKIE, html, html_status, redirect};
use super::session::{self, CurrentUser};
use crate::auth;
use crate::db::{
    self,
    audit::{self, Actor},
};
use crate::error::AppError;
use crate::i18n::Lang;
use crate::service::{self, Fail};
use actix_session::Session;
use actix_web::cookie::{Cookie, SameSite};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    ctx: Ctx,
    username: String,
    error: Option<String>,
}

pub async fn login_form(ctx: Ctx, session: Session) -> Result<HttpResponse, AppError> {
    if session.get::<i64>("uid").ok().flatten().is_some() {
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
    let address = req
        .peer_addr()
        .map(|a| a.ip().to_string())
        .unwrap_or_default();
    let account_key = format!("u:{username}");
    let address_key = format!("a:{address}");
    let locked = state
        .login_accounts
        .locked(&account_key)
        .or_else(|| state.login_addresses.locked(&address_key));
    if let Some(wait) = locked {
        let name = username.clone();
        state
            .db(move |c| {
                let actor = Actor {
                    user_id: None,
                    username: name,
                };
                Ok(audit::record(c, &actor, "login.locked", "", "")?)
            })
            .await?;
        let ctx = Ctx::from_req(&req);
        let minutes = wait.as_secs().div_ceil(60).to_string();
        let error = Some(ctx.tr.ta("login-locked", &[("minutes", &minutes)]));
        return html_status(
            StatusCode::TOO_MANY_REQUESTS,
            &LoginPage {
                ctx,
                username,
                error,
            },
        );
    }
    let name = username.clone();
    let password = form.password;
    let user = state
        .db(move |c| {
            let user = db::users::find_by_username(c, &name)?;
            let ok =
                auth::verify_password(&password, user.as_ref().map(|u| u.password_hash.as_str()));
            let user = user.filter(|u| ok && u.active);
            let actor = Actor {
                user_id: user.as_ref().map(|u| u.id),
                username: name.clone(),
            };
            let action = if user.is_some() {
                "login.success"
            } else {
                "login.failure"
            };
            audit::record(c, &actor, action, "", "")?;
            Ok(user)
        })
        .await?;
    let Some(user) = user else {
        state.login_accounts.fail(&account_key);
        state.login_addresses.fail(&address_key);
        let ctx = Ctx::from_req(&req);
        let error = Some(ctx.tr.t("login-failed"));
        return html_status(
            StatusCode::UNAUTHORIZED,
            &LoginPage {
                ctx,
                username,
                error,
            },
        );
    };
    state.login_accounts.clear(&account_key);
    session::begin(&session, &user)?;
    Ok(redirect(if user.must_change_password {
        "/account/password"
    } else {
        "/"
    }))
}

pub async fn logout(
    session: Session,
    state: web::Data<AppState>,
    user: Option<CurrentUser>,
    _form: CsrfForm<NoFields>,
) -> Result<HttpResponse, AppError> {
    if let Some(u) = user {
        state
            .db(move |c| Ok(audit::record(c, &u.actor(), "logout", "", "")?))
            .await?;
    }
    session.purge();
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
            // The epoch moved on: start a new session for this browser only.
            session::begin(&session, &fresh)?;
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

#[derive(serde::Deserialize)]
pub struct LangQuery {
    next: Option<String>,
}

/// Remembers the language in a cookie and returns to the page the user was on.
pub async fn set_language(path: web::Path<String>, q: web::Query<LangQuery>) -> HttpResponse {
    let lang = Lang::parse(&path).unwrap_or_default();
    let next = q
        .next
        .as_deref()
        .filter(|n| n.starts_with('/') && !n.starts_with("//") && !n.contains('\\'))
        .unwrap_or("/");
    let cookie = Cookie::build(LANG_COOKIE, lang.code())
        .path("/")
        .same_site(SameSite::Lax)
        .http_only(true)
        .max_age(actix_web::cookie::time::Duration::days(365))
        .finish();
    HttpResponse::SeeOther()
        .cookie(cookie)
        .insert_header(("Location", next.to_string()))
        .finish()
}
