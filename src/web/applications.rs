//! Online applications waiting for a clerk: the list of the user's agencies,
//! and confirming (the case is recorded) or rejecting one.

use super::AppState;
use super::attachments::AttachmentRow;
use super::cases::env;
use super::csrf::CsrfForm;
use super::page::{Ctx, FieldErrors, flash, html_status, redirect};
use super::session::CurrentUser;
use crate::db::applications::Application;
use crate::error::AppError;
use crate::service::{self, Fail};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use std::collections::BTreeMap;

#[derive(Template)]
#[template(path = "applications/list.html")]
struct ListPage {
    ctx: Ctx,
    pending: Vec<Application>,
    /// The files each application came with.
    files: BTreeMap<i64, Vec<AttachmentRow>>,
    today: String,
    /// The application whose form was refused, and the messages.
    refused: Option<i64>,
    errors: FieldErrors,
    /// Agencies an application may be forwarded to.
    agencies: Vec<crate::db::agencies::Agency>,
}

impl ListPage {
    fn files_of(&self, id: &i64) -> &[AttachmentRow] {
        self.files.get(id).map_or(&[], Vec::as_slice)
    }
    fn refused_is(&self, id: &i64) -> bool {
        self.refused == Some(*id)
    }
}

async fn list_page(
    ctx: Ctx,
    state: &AppState,
    user: &CurrentUser,
    refused: Option<i64>,
    errors: FieldErrors,
) -> Result<HttpResponse, AppError> {
    let u = user.clone();
    let today = state.today();
    let (pending, sent, agencies) = state
        .db(move |c| {
            let env = env(c, &u, today)?;
            let pending = service::public::pending(c, &env.staff)?;
            let ids: Vec<i64> = pending.iter().map(|a| a.id).collect();
            let sent = crate::db::attachments::of_applications(c, &ids)?;
            let agencies = crate::db::agencies::all(c)?;
            Ok((pending, sent, agencies))
        })
        .await?;
    let mut files: BTreeMap<i64, Vec<AttachmentRow>> = BTreeMap::new();
    for a in sent {
        if let Some(id) = a.application_id {
            files
                .entry(id)
                .or_default()
                .push(AttachmentRow::new(&ctx.tr, a, None));
        }
    }
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    html_status(
        status,
        &ListPage {
            ctx,
            pending,
            files,
            agencies,
            today: today.to_string(),
            refused,
            errors,
        },
    )
}

pub async fn list(
    ctx: Ctx,
    user: CurrentUser,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    list_page(ctx, &state, &user, None, FieldErrors::default()).await
}

#[derive(serde::Deserialize)]
pub struct DecisionForm {
    #[serde(default)]
    confirmed_on: String,
    #[serde(default)]
    reason: String,
}

pub async fn confirm(
    req: HttpRequest,
    user: CurrentUser,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    CsrfForm(form): CsrfForm<DecisionForm>,
) -> Result<HttpResponse, AppError> {
    decide(req, user, state, path.into_inner(), form, true).await
}

pub async fn reject(
    req: HttpRequest,
    user: CurrentUser,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    CsrfForm(form): CsrfForm<DecisionForm>,
) -> Result<HttpResponse, AppError> {
    decide(req, user, state, path.into_inner(), form, false).await
}

async fn decide(
    req: HttpRequest,
    user: CurrentUser,
    state: web::Data<AppState>,
    id: i64,
    form: DecisionForm,
    confirming: bool,
) -> Result<HttpResponse, AppError> {
    let ctx = Ctx::from_req(&req);
    let tr = ctx.tr;
    let u = user.clone();
    let today = state.today();
    let done = state
        .db(move |c| {
            let env = env(c, &u, today)?;
            let r = if confirming {
                service::public::confirm(c, &env.staff, id, &form.confirmed_on, &env.clock())
                    .map(Some)
            } else {
                service::public::reject(c, &env.staff, id, &form.reason, today).map(|_| None)
            };
            Fail::for_form(r)
        })
        .await?;
    match done {
        Ok(Some(case_id)) => {
            flash(&req, tr.t("application-confirmed"));
            Ok(redirect(&format!("/cases/{case_id}")))
        }
        Ok(None) => {
            flash(&req, tr.t("application-rejected"));
            Ok(redirect("/applications"))
        }
        Err(fails) => {
            let errors = FieldErrors::from_fails(&tr, &fails);
            list_page(ctx, &state, &user, Some(id), errors).await
        }
    }
}

#[derive(serde::Deserialize)]
pub struct ForwardForm {
    #[serde(default)]
    to_agency: String,
    #[serde(default)]
    forward_reason: String,
}

/// Sends an application on to the agency it was meant for, before confirmation.
pub async fn forward(
    req: HttpRequest,
    user: CurrentUser,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    CsrfForm(form): CsrfForm<ForwardForm>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let ctx = Ctx::from_req(&req);
    let tr = ctx.tr;
    let u = user.clone();
    let today = state.today();
    let done = state
        .db(move |c| {
            let env = env(c, &u, today)?;
            Fail::for_form(service::public::forward(
                c,
                &env.staff,
                id,
                &form.to_agency,
                &form.forward_reason,
            ))
        })
        .await?;
    match done {
        Ok(number) => {
            flash(&req, tr.ta1("application-forwarded", "number", number));
            Ok(redirect("/applications"))
        }
        Err(fails) => {
            let errors = FieldErrors::from_fails(&tr, &fails);
            list_page(ctx, &state, &user, Some(id), errors).await
        }
    }
}
