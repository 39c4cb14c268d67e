//! Figures of years before gongkai, entered by the office so that a first
//! report can state the change on the previous year.

use crate::db::{self, agencies::Agency, report::Baseline};
use crate::domain::scope::Role;
use crate::error::AppError;
use crate::service::{self, Fail, report::BaselineInput};
use crate::web::AppState;
use crate::web::csrf::CsrfForm;
use crate::web::page::{Ctx, FieldErrors, flash, html_status, redirect};
use crate::web::session::CurrentUser;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

#[derive(Template)]
#[template(path = "admin/baselines.html")]
struct BaselinesPage {
    ctx: Ctx,
    baselines: Vec<(Baseline, String)>,
    agencies: Vec<Agency>,
    input: BaselineInput,
    errors: FieldErrors,
}

async fn page(
    ctx: Ctx,
    state: &AppState,
    input: BaselineInput,
    errors: FieldErrors,
) -> Result<HttpResponse, AppError> {
    let (baselines, agencies) = state
        .db(|c| {
            let agencies: Vec<Agency> = super::agencies::tree_order(db::agencies::all(c)?)
                .into_iter()
                .map(|(a, _)| a)
                .collect();
            let baselines = db::report::baselines(c)?
                .into_iter()
                .map(|b| {
                    let name = agencies
                        .iter()
                        .find(|a| a.id == b.agency_id)
                        .map(|a| a.name.clone())
                        .unwrap_or_default();
                    (b, name)
                })
                .collect();
            Ok((baselines, agencies))
        })
        .await?;
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    html_status(
        status,
        &BaselinesPage {
            ctx,
            baselines,
            agencies,
            input,
            errors,
        },
    )
}

pub async fn show(
    ctx: Ctx,
    user: CurrentUser,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    user.require(Role::Admin)?;
    page(
        ctx,
        &state,
        BaselineInput::default(),
        FieldErrors::default(),
    )
    .await
}

pub async fn save(
    req: HttpRequest,
    user: CurrentUser,
    state: web::Data<AppState>,
    CsrfForm(input): CsrfForm<BaselineInput>,
) -> Result<HttpResponse, AppError> {
    user.require(Role::Admin)?;
    let actor = user.actor();
    let today = state.today();
    let to_save = input.clone();
    let result = state
        .db(move |c| Fail::for_form(service::report::save_baseline(c, &actor, &to_save, today)))
        .await?;
    let ctx = Ctx::from_req(&req);
    match result {
        Ok(()) => {
            flash(&req, ctx.tr.t("report-baseline-saved"));
            Ok(redirect("/admin/baselines"))
        }
        Err(fields) => {
            let errors = FieldErrors::from_fails(&ctx.tr, &fields);
            page(ctx, &state, input, errors).await
        }
    }
}
