//! The case ledger on the admin page: upload a ledger CSV, see every error by
//! row and column or what the import will add, then import all rows or none;
//! and download a year's ledger. The same files as `gongkai ledger`.

use crate::db::{self, agencies::Agency};
use crate::domain::ledger::Entry;
use crate::domain::scope::Role;
use crate::error::AppError;
use crate::files::ImportError;
use crate::service::{self, Fail, ledger::Preview};
use crate::web::AppState;
use crate::web::csrf::CsrfForm;
use crate::web::page::{Ctx, flash, html_status, redirect};
use crate::web::session::CurrentUser;
use crate::web::upload;
use actix_multipart::Multipart;
use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

/// The largest ledger the page accepts; larger ones go through `gongkai ledger import`.
pub const MAX_UPLOAD: usize = 64 << 20;

#[derive(Template)]
#[template(path = "admin/ledger.html")]
struct LedgerPage {
    ctx: Ctx,
    agencies: Vec<Agency>,
    year: i32,
    /// The upload waiting for its import, with what it would do.
    preview: Option<(i64, String, Preview)>,
    error: Option<String>,
}

impl LedgerPage {
    fn error_text(&self, e: &ImportError) -> String {
        match (&e.row, &e.column) {
            (Some(r), Some(c)) => self.ctx.tr.ta(
                "ledger-error-at",
                &[
                    ("row", &r.to_string()),
                    ("column", c),
                    ("message", &e.message),
                ],
            ),
            (Some(r), None) => self.ctx.tr.ta(
                "ledger-error-row",
                &[("row", &r.to_string()), ("message", &e.message)],
            ),
            _ => e.message.clone(),
        }
    }
    fn outcome(&self, e: &Entry) -> String {
        match e.outcome {
            Some(o) => self.ctx.tr.code("outcome", o.code()),
            None => self.ctx.tr.code("status", "open"),
        }
    }
}

async fn page(
    ctx: Ctx,
    state: &AppState,
    preview: Option<(i64, String, Preview)>,
    error: Option<String>,
) -> Result<HttpResponse, AppError> {
    let agencies = state
        .db(|c| {
            Ok(super::agencies::tree_order(db::agencies::all(c)?)
                .into_iter()
                .map(|(a, _)| a)
                .collect())
        })
        .await?;
    let status = match (&error, &preview) {
        (Some(_), _) => StatusCode::BAD_REQUEST,
        (_, Some((_, _, p))) if !p.errors.is_empty() => StatusCode::BAD_REQUEST,
        _ => StatusCode::OK,
    };
    let year = chrono::Datelike::year(&state.today()) - 1;
    html_status(
        status,
        &LedgerPage {
            ctx,
            agencies,
            year,
            preview,
            error,
        },
    )
}

pub async fn show(
    ctx: Ctx,
    user: CurrentUser,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    user.require(Role::Admin)?;
    page(ctx, &state, None, None).await
}

/// Reads the upload form: its CSRF token, checked against the session, and the file.
async fn read_upload(req: &HttpRequest, form: Multipart) -> Result<(String, Vec<u8>), AppError> {
    let upload = upload::read(req, form, MAX_UPLOAD, 1).await?;
    match upload.files.into_iter().find(|f| f.field == "file") {
        Some(f) if f.too_large => Err(AppError::BadRequest("error-too-large")),
        Some(f) if !f.bytes.is_empty() => {
            let name = if f.name.is_empty() {
                "ledger.csv".to_string()
            } else {
                f.name
            };
            Ok((name, f.bytes))
        }
        _ => Err(AppError::BadRequest("ledger-no-file")),
    }
}

/// Checks an uploaded ledger and keeps it for the import.
pub async fn preview(
    req: HttpRequest,
    user: CurrentUser,
    state: web::Data<AppState>,
    form: Multipart,
) -> Result<HttpResponse, AppError> {
    user.require(Role::Admin)?;
    let ctx = Ctx::from_req(&req);
    let (file_name, bytes) = match read_upload(&req, form).await {
        Ok(f) => f,
        Err(AppError::BadRequest(key)) => {
            let text = ctx.tr.t(key);
            return page(ctx, &state, None, Some(text)).await;
        }
        Err(e) => return Err(e),
    };
    let today = state.today();
    let uid = user.id;
    let name = file_name.clone();
    let (id, p) = state
        .db(move |c| {
            let p = service::ledger::preview(c, &name, bytes.as_slice(), today)?;
            db::uploads::purge_before(c, db::now() - chrono::Duration::days(1))?;
            let id = if p.errors.is_empty() {
                db::uploads::insert(c, uid, &name, &bytes)?
            } else {
                0
            };
            Ok((id, p))
        })
        .await?;
    page(ctx, &state, Some((id, file_name, p)), None).await
}

#[derive(serde::Deserialize)]
pub struct ImportForm {
    upload: i64,
}

/// Imports a previewed ledger: all rows or none.
pub async fn import(
    req: HttpRequest,
    user: CurrentUser,
    state: web::Data<AppState>,
    CsrfForm(form): CsrfForm<ImportForm>,
) -> Result<HttpResponse, AppError> {
    user.require(Role::Admin)?;
    let today = state.today();
    let (uid, actor) = (user.id, user.actor());
    let result = state
        .db(move |c| {
            let upload = db::uploads::find(c, form.upload, uid)?.ok_or(AppError::NotFound)?;
            let r = service::ledger::import(
                c,
                &actor,
                &upload.file_name,
                upload.content.as_slice(),
                today,
            );
            if r.is_ok() {
                db::uploads::delete(c, upload.id)?;
            }
            match r {
                Ok(s) => Ok(Ok(s)),
                Err(Fail::Imports(e)) => Ok(Err(e.to_string())),
                Err(e) => Err(e.into()),
            }
        })
        .await?;
    let ctx = Ctx::from_req(&req);
    match result {
        Ok(s) => {
            flash(&req, ctx.tr.ta1("ledger-imported", "count", s.cases));
            Ok(redirect("/admin/ledger"))
        }
        // Something changed since the preview (a number taken meanwhile).
        Err(text) => page(ctx, &state, None, Some(text)).await,
    }
}

#[derive(serde::Deserialize)]
pub struct ExportQuery {
    year: i32,
    #[serde(default)]
    agency: String,
}

/// A year's ledger as CSV, with the computed columns.
pub async fn export(
    user: CurrentUser,
    state: web::Data<AppState>,
    q: web::Query<ExportQuery>,
) -> Result<HttpResponse, AppError> {
    user.require(Role::Admin)?;
    let q = q.into_inner();
    if !(crate::domain::report::FIRST_YEAR..=9999).contains(&q.year) {
        return Err(AppError::BadRequest("report-baseline-year"));
    }
    let today = state.today();
    let agency = Some(q.agency.trim().to_string()).filter(|a| !a.is_empty());
    let name = format!(
        "ledger-{}{}.csv",
        q.year,
        agency
            .as_deref()
            .map(|a| format!("-{a}"))
            .unwrap_or_default()
    );
    let body = state
        .db(move |c| {
            let mut out = Vec::new();
            service::ledger::export(c, q.year, agency.as_deref(), today, &mut out)?;
            Ok(out)
        })
        .await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "text/csv; charset=utf-8"))
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{name}\""),
        ))
        .body(body))
}
