//! A drafting unit's view: the requests sent to it, and on each one signing for
//! it, returning it with a reason, or replying (with a file if one helps). Its
//! staff see of the case only what the unit needs: the number, the request, the
//! dates and what the office asks.

use super::AppState;
use super::attachments;
use super::cases::env;
use super::csrf::{CsrfForm, NoFields};
use super::page::{Ctx, FieldErrors, flash, html_status, redirect};
use super::session::CurrentUser;
use crate::db::units::Task;
use crate::error::AppError;
use crate::service::units::Assigned;
use crate::service::{self, Fail};
use actix_multipart::Multipart;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

#[derive(Template)]
#[template(path = "tasks/list.html")]
struct ListPage {
    ctx: Ctx,
    tasks: Vec<(Task, String)>,
}

pub async fn list(
    ctx: Ctx,
    user: CurrentUser,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let today = state.today();
    let tasks = state
        .db(move |c| {
            let env = env(c, &user, today)?;
            Ok(service::units::mine(c, &env.staff)?)
        })
        .await?;
    html_status(StatusCode::OK, &ListPage { ctx, tasks })
}

#[derive(Template)]
#[template(path = "tasks/show.html")]
struct ShowPage {
    ctx: Ctx,
    a: Assigned,
    errors: FieldErrors,
    alert: Option<String>,
}

impl ShowPage {
    fn pending(&self) -> bool {
        crate::domain::units::Status::parse(&self.a.task.status).is_some_and(|s| s.pending())
    }
    fn can_sign(&self) -> bool {
        crate::domain::units::Status::parse(&self.a.task.status).is_some_and(|s| s.can_sign())
    }
}

async fn page(
    ctx: Ctx,
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    errors: FieldErrors,
    alert: Option<String>,
) -> Result<HttpResponse, AppError> {
    let u = user.clone();
    let today = state.today();
    let a = state
        .db(move |c| {
            let env = env(c, &u, today)?;
            Ok(service::units::load(c, &env.staff, id)?)
        })
        .await?;
    let status = if errors.is_empty() && alert.is_none() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    html_status(
        status,
        &ShowPage {
            ctx,
            a,
            errors,
            alert,
        },
    )
}

pub async fn show(
    ctx: Ctx,
    user: CurrentUser,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    page(
        ctx,
        &state,
        &user,
        path.into_inner(),
        FieldErrors::default(),
        None,
    )
    .await
}

/// What a step came to: done (with its message), or the page again with why not.
async fn after(
    req: HttpRequest,
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    done: Result<(), Fail>,
    message: &'static str,
) -> Result<HttpResponse, AppError> {
    let ctx = Ctx::from_req(&req);
    let tr = ctx.tr;
    match done {
        Ok(()) => {
            flash(&req, tr.t(message));
            Ok(redirect(&format!("/tasks/{id}")))
        }
        Err(Fail::Fields(f)) => {
            let errors = FieldErrors::from_fails(&tr, &f);
            page(ctx, state, user, id, errors, None).await
        }
        Err(Fail::Field { field, key }) => {
            let errors = FieldErrors::one(field, tr.t(key));
            page(ctx, state, user, id, errors, None).await
        }
        Err(Fail::Refused(key)) => {
            page(
                ctx,
                state,
                user,
                id,
                FieldErrors::default(),
                Some(tr.t(key)),
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn sign(
    req: HttpRequest,
    user: CurrentUser,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    _form: CsrfForm<NoFields>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let (u, today) = (user.clone(), state.today());
    let done = state
        .db(move |c| {
            let env = env(c, &u, today)?;
            Ok(service::units::sign(c, &env.staff, id, today))
        })
        .await?;
    after(req, &state, &user, id, done, "task-signed").await
}

#[derive(serde::Deserialize)]
pub struct ReturnForm {
    #[serde(default)]
    reason: String,
}

pub async fn send_back(
    req: HttpRequest,
    user: CurrentUser,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    CsrfForm(form): CsrfForm<ReturnForm>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let (u, today) = (user.clone(), state.today());
    let done = state
        .db(move |c| {
            let env = env(c, &u, today)?;
            Ok(service::units::send_back(
                c,
                &env.staff,
                id,
                &form.reason,
                today,
            ))
        })
        .await?;
    after(req, &state, &user, id, done, "task-returned").await
}

/// The reply: its text, and a file if one was chosen (a form with files).
pub async fn reply(
    req: HttpRequest,
    user: CurrentUser,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    form: Multipart,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let tr = Ctx::from_req(&req).tr;
    let form = attachments::read(&req, form).await?;
    let answer = form.field("answer").to_string();
    let mut files = match attachments::accept(&tr, form.files) {
        Ok(f) if f.len() <= 1 => f,
        Ok(_) => {
            let errors = FieldErrors::one("file", tr.t("attachment-choose-one"));
            return page(Ctx::from_req(&req), &state, &user, id, errors, None).await;
        }
        Err(text) => {
            let errors = FieldErrors::one("file", text);
            return page(Ctx::from_req(&req), &state, &user, id, errors, None).await;
        }
    };
    let file = files.pop();
    let (u, today) = (user.clone(), state.today());
    let done = state
        .db(move |c| {
            let env = env(c, &u, today)?;
            Ok(service::units::reply(
                c,
                &env.staff,
                id,
                &answer,
                file.as_ref(),
                today,
            ))
        })
        .await?;
    after(req, &state, &user, id, done, "task-replied").await
}
