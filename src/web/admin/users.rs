//! Accounts: list, create (with a one-time password), edit role and agency,
//! reset a password and deactivate (each confirmed on a page of its own
//! first), reactivate, lift a login lock. Accounts are never deleted.

use super::agencies::tree_order;
use crate::auth;
use crate::db::{self, agencies::Agency, users::User};
use crate::domain::calendar::china_time;
use crate::domain::scope::Role;
use crate::error::AppError;
use crate::service::{self, Fail, users::UserInput};
use crate::web::AppState;
use crate::web::csrf::{CsrfForm, NoFields};
use crate::web::page::{Ctx, FieldErrors, flash, html, html_status, redirect};
use crate::web::session::CurrentUser;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

pub struct UserRow {
    pub user: User,
    pub agency: String,
    /// When the account's login lock ends (China time), if it is locked.
    pub locked_until: Option<String>,
}

#[derive(Template)]
#[template(path = "admin/users.html")]
struct ListPage {
    ctx: Ctx,
    rows: Vec<UserRow>,
}

pub async fn list(
    ctx: Ctx,
    user: CurrentUser,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    user.require(Role::Admin)?;
    let (users, agencies, attempts) = state
        .db(|c| {
            Ok((
                db::users::all(c)?,
                db::agencies::all(c)?,
                db::login_attempts::accounts(c)?,
            ))
        })
        .await?;
    let now = db::now();
    let rows = users
        .into_iter()
        .map(|u| {
            let key = auth::account_key(&u.username);
            let locked_until = attempts
                .iter()
                .find(|(k, _, _)| *k == key)
                .and_then(|(_, n, start)| {
                    auth::account_locked_until(u32::try_from(*n).unwrap_or(0), *start, now)
                })
                .map(|t| china_time(t).format("%Y-%m-%d %H:%M").to_string());
            UserRow {
                agency: agencies
                    .iter()
                    .find(|a| Some(a.id) == u.agency_id)
                    .map(|a| a.name.clone())
                    .unwrap_or_default(),
                user: u,
                locked_until,
            }
        })
        .collect();
    html(&ListPage { ctx, rows })
}

#[derive(Template)]
#[template(path = "admin/user_form.html")]
struct FormPage {
    ctx: Ctx,
    id: Option<i64>,
    active: bool,
    input: UserInput,
    agencies: Vec<(Agency, usize)>,
    roles: [Role; 3],
    errors: FieldErrors,
}

async fn form_page(
    ctx: Ctx,
    state: &AppState,
    id: Option<i64>,
    active: bool,
    input: UserInput,
    errors: FieldErrors,
) -> Result<HttpResponse, AppError> {
    let agencies = tree_order(state.db(|c| Ok(db::agencies::all(c)?)).await?);
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    html_status(
        status,
        &FormPage {
            ctx,
            id,
            active,
            input,
            agencies,
            roles: Role::ALL,
            errors,
        },
    )
}

pub async fn new_form(
    ctx: Ctx,
    user: CurrentUser,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    user.require(Role::Admin)?;
    let input = UserInput {
        role: "clerk".into(),
        ..Default::default()
    };
    form_page(ctx, &state, None, true, input, FieldErrors::default()).await
}

async fn load(state: &AppState, id: i64) -> Result<User, AppError> {
    state
        .db(move |c| db::users::find(c, id)?.ok_or(AppError::NotFound))
        .await
}

pub async fn edit_form(
    ctx: Ctx,
    user: CurrentUser,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    user.require(Role::Admin)?;
    let u = load(&state, path.into_inner()).await?;
    let input = UserInput {
        username: u.username,
        display_name: u.display_name,
        email: u.email,
        phone: u.phone,
        role: u.role,
        agency_id: u.agency_id.map(|a| a.to_string()).unwrap_or_default(),
    };
    form_page(
        ctx,
        &state,
        Some(u.id),
        u.active,
        input,
        FieldErrors::default(),
    )
    .await
}

#[derive(Template)]
#[template(path = "admin/user_password.html")]
struct PasswordShown {
    ctx: Ctx,
    username: String,
    password: String,
    created: bool,
}

pub async fn create(
    req: HttpRequest,
    user: CurrentUser,
    state: web::Data<AppState>,
    CsrfForm(input): CsrfForm<UserInput>,
) -> Result<HttpResponse, AppError> {
    user.require(Role::Admin)?;
    let actor = user.actor();
    let to_save = input.clone();
    let result = state
        .db(move |c| Fail::for_form(service::users::create(c, &actor, &to_save, None)))
        .await?;
    let ctx = Ctx::from_req(&req);
    match result {
        Ok((_, password)) => html(&PasswordShown {
            ctx,
            username: input.username.trim().to_lowercase(),
            password: password.unwrap_or_default(),
            created: true,
        }),
        Err(fails) => {
            let errors = FieldErrors::from_fails(&ctx.tr, &fails);
            form_page(ctx, &state, None, true, input, errors).await
        }
    }
}

pub async fn update(
    req: HttpRequest,
    user: CurrentUser,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    CsrfForm(input): CsrfForm<UserInput>,
) -> Result<HttpResponse, AppError> {
    user.require(Role::Admin)?;
    let id = path.into_inner();
    let before = load(&state, id).await?;
    let actor = user.actor();
    let to_save = input.clone();
    let result = state
        .db(move |c| Fail::for_form(service::users::update(c, &actor, id, &to_save)))
        .await?;
    let ctx = Ctx::from_req(&req);
    match result {
        Ok(()) => {
            flash(
                &req,
                ctx.tr.ta("user-saved", &[("username", &before.username)]),
            );
            Ok(redirect("/admin/users"))
        }
        Err(fails) => {
            let errors = FieldErrors::from_fails(&ctx.tr, &fails);
            let input = UserInput {
                username: before.username,
                ..input
            };
            form_page(ctx, &state, Some(id), before.active, input, errors).await
        }
    }
}

/// What a confirmation page asks about.
#[derive(Clone, Copy)]
enum Ask {
    Reset,
    Deactivate,
}

/// The value of the `confirm` field a confirmation page's form sends.
const CONFIRMED: &str = "yes";

/// The page that names the account and says what will happen, whose form
/// does it. Pages work without JavaScript, so confirming is a page, not a
/// dialog.
#[derive(Template)]
#[template(path = "admin/user_confirm.html")]
struct ConfirmPage {
    ctx: Ctx,
    id: i64,
    title: String,
    body: String,
    /// Where the form posts, and its button.
    action: String,
    button: String,
    deactivate: bool,
    /// The action was posted without the confirmation: say nothing was done.
    refused: bool,
}

fn confirm_page(
    ctx: Ctx,
    target: &User,
    ask: Ask,
    refused: bool,
) -> Result<HttpResponse, AppError> {
    let who: [(&'static str, &str); 2] = [
        ("username", &target.username),
        ("name", &target.display_name),
    ];
    let id = target.id;
    let (title, body, action, button) = match ask {
        Ask::Reset => (
            ctx.tr.ta("user-reset-confirm-title", &who),
            ctx.tr.ta("user-reset-confirm-body", &who),
            format!("/admin/users/{id}/reset"),
            ctx.tr.t("user-reset-confirm"),
        ),
        Ask::Deactivate => (
            ctx.tr.ta("user-deactivate-confirm-title", &who),
            ctx.tr.ta("user-deactivate-confirm-body", &who),
            format!("/admin/users/{id}/active"),
            ctx.tr.t("user-deactivate-confirm"),
        ),
    };
    let status = if refused {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    html_status(
        status,
        &ConfirmPage {
            ctx,
            id,
            title,
            body,
            action,
            button,
            deactivate: matches!(ask, Ask::Deactivate),
            refused,
        },
    )
}

pub async fn confirm_reset(
    ctx: Ctx,
    user: CurrentUser,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    user.require(Role::Admin)?;
    let target = load(&state, path.into_inner()).await?;
    confirm_page(ctx, &target, Ask::Reset, false)
}

pub async fn confirm_deactivate(
    ctx: Ctx,
    user: CurrentUser,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    user.require(Role::Admin)?;
    let target = load(&state, path.into_inner()).await?;
    confirm_page(ctx, &target, Ask::Deactivate, false)
}

#[derive(serde::Deserialize)]
pub struct ConfirmForm {
    #[serde(default)]
    confirm: String,
}

pub async fn reset_password(
    req: HttpRequest,
    user: CurrentUser,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    CsrfForm(form): CsrfForm<ConfirmForm>,
) -> Result<HttpResponse, AppError> {
    user.require(Role::Admin)?;
    let id = path.into_inner();
    let target = load(&state, id).await?;
    if form.confirm != CONFIRMED {
        return confirm_page(Ctx::from_req(&req), &target, Ask::Reset, true);
    }
    let actor = user.actor();
    let password = state
        .db(move |c| Ok(service::users::reset_password(c, &actor, id)?))
        .await?;
    html(&PasswordShown {
        ctx: Ctx::from_req(&req),
        username: target.username,
        password,
        created: false,
    })
}

/// Reactivating is harmless and happens at once; deactivating must carry
/// the confirmation of its page.
#[derive(serde::Deserialize)]
pub struct SetActiveForm {
    active: String,
    #[serde(default)]
    confirm: String,
}

pub async fn set_active(
    req: HttpRequest,
    user: CurrentUser,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    CsrfForm(form): CsrfForm<SetActiveForm>,
) -> Result<HttpResponse, AppError> {
    user.require(Role::Admin)?;
    let id = path.into_inner();
    let target = load(&state, id).await?;
    let active = form.active == "true";
    if !active && form.confirm != CONFIRMED {
        return confirm_page(Ctx::from_req(&req), &target, Ask::Deactivate, true);
    }
    let actor = user.actor();
    let result = state
        .db(move |c| Fail::for_form(service::users::set_active(c, &actor, id, active)))
        .await?;
    let ctx = Ctx::from_req(&req);
    let message = match result {
        Ok(()) if active => ctx
            .tr
            .ta("user-activated", &[("username", &target.username)]),
        Ok(()) => ctx
            .tr
            .ta("user-deactivated", &[("username", &target.username)]),
        Err(fails) => fails
            .first()
            .map(|(_, key)| ctx.tr.t(key))
            .unwrap_or_default(),
    };
    flash(&req, message);
    Ok(redirect(&format!("/admin/users/{id}")))
}

pub async fn unlock(
    req: HttpRequest,
    user: CurrentUser,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    _form: CsrfForm<NoFields>,
) -> Result<HttpResponse, AppError> {
    user.require(Role::Admin)?;
    let id = path.into_inner();
    let target = load(&state, id).await?;
    let actor = user.actor();
    state
        .db(move |c| Ok(service::users::unlock(c, &actor, id)?))
        .await?;
    let ctx = Ctx::from_req(&req);
    flash(
        &req,
        ctx.tr
            .ta("user-unlocked", &[("username", &target.username)]),
    );
    Ok(redirect("/admin/users"))
}
