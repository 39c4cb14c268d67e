//! Agencies: the tree, create, edit (including moving under another parent), CSV import.

use crate::db::{self, agencies::Agency};
use crate::domain::agency::Tree;
use crate::domain::scope::Role;
use crate::error::AppError;
use crate::service::{self, Fail, agencies::AgencyInput};
use crate::web::AppState;
use crate::web::csrf::{CsrfForm, CsvForm};
use crate::web::page::{Ctx, FieldErrors, flash, html_status, redirect};
use crate::web::session::CurrentUser;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

/// One line of the tree view.
pub struct TreeRow {
    pub agency: Agency,
    pub depth: usize,
    pub users: usize,
}

#[derive(Template)]
#[template(path = "admin/agencies.html")]
struct ListPage {
    ctx: Ctx,
    rows: Vec<TreeRow>,
    import_text: String,
    import_error: Option<String>,
}

/// Agencies in tree order (each followed by those below it).
pub fn tree_order(all: Vec<Agency>) -> Vec<(Agency, usize)> {
    let tree = Tree::new(all.iter().map(|a| (a.id, a.parent_id)));
    let mut by_id: std::collections::BTreeMap<i64, Agency> =
        all.into_iter().map(|a| (a.id, a)).collect();
    let mut roots = tree.roots();
    roots.sort_by(|a, b| by_id[a].code.cmp(&by_id[b].code));
    let mut out = Vec::new();
    for r in roots {
        for id in tree.subtree(&r) {
            if let Some(a) = by_id.remove(&id) {
                out.push((a, tree.depth(&id)));
            }
        }
    }
    out
}

async fn list_page(
    ctx: Ctx,
    state: &AppState,
    import_text: String,
    import_error: Option<String>,
) -> Result<HttpResponse, AppError> {
    let (all, users) = state
        .db(|c| Ok((db::agencies::all(c)?, db::users::all(c)?)))
        .await?;
    let rows = tree_order(all)
        .into_iter()
        .map(|(agency, depth)| TreeRow {
            users: users
                .iter()
                .filter(|u| u.agency_id == Some(agency.id))
                .count(),
            agency,
            depth,
        })
        .collect();
    let status = if import_error.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    html_status(
        status,
        &ListPage {
            ctx,
            rows,
            import_text,
            import_error,
        },
    )
}

pub async fn list(
    ctx: Ctx,
    user: CurrentUser,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    user.require(Role::Admin)?;
    list_page(ctx, &state, String::new(), None).await
}

#[derive(Template)]
#[template(path = "admin/agency_form.html")]
struct FormPage {
    ctx: Ctx,
    id: Option<i64>,
    input: AgencyInput,
    parents: Vec<(Agency, usize)>,
    errors: FieldErrors,
}

async fn form_page(
    ctx: Ctx,
    state: &AppState,
    id: Option<i64>,
    input: AgencyInput,
    errors: FieldErrors,
) -> Result<HttpResponse, AppError> {
    let all = state.db(|c| Ok(db::agencies::all(c)?)).await?;
    // An agency cannot move under itself or anything below it.
    let below: Vec<i64> = match id {
        Some(me) => Tree::new(all.iter().map(|a| (a.id, a.parent_id))).subtree(&me),
        None => Vec::new(),
    };
    let parents = tree_order(all)
        .into_iter()
        .filter(|(a, _)| !below.contains(&a.id))
        .collect();
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
            input,
            parents,
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
    let input = AgencyInput {
        kind: "department".into(),
        doc_pattern: service::agencies::DEFAULT_DOC_PATTERN.into(),
        ..Default::default()
    };
    form_page(ctx, &state, None, input, FieldErrors::default()).await
}

pub async fn edit_form(
    ctx: Ctx,
    user: CurrentUser,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    user.require(Role::Admin)?;
    let id = path.into_inner();
    let a = state
        .db(move |c| db::agencies::find(c, id)?.ok_or(AppError::NotFound))
        .await?;
    let input = AgencyInput {
        code: a.code,
        name: a.name,
        short_name: a.short_name,
        kind: a.kind,
        parent_id: a.parent_id.map(|p| p.to_string()).unwrap_or_default(),
        address: a.address,
        phone: a.phone,
        review_body: a.review_body,
        doc_prefix: a.doc_prefix,
        doc_pattern: a.doc_pattern,
    };
    form_page(ctx, &state, Some(id), input, FieldErrors::default()).await
}

async fn save(
    req: HttpRequest,
    user: CurrentUser,
    state: web::Data<AppState>,
    id: Option<i64>,
    input: AgencyInput,
) -> Result<HttpResponse, AppError> {
    user.require(Role::Admin)?;
    let actor = user.actor();
    let to_save = input.clone();
    let result = state
        .db(move |c| {
            let r = match id {
                Some(id) => service::agencies::update(c, &actor, id, &to_save).map(|_| id),
                None => service::agencies::create(c, &actor, &to_save),
            };
            Fail::for_form(r)
        })
        .await?;
    let ctx = Ctx::from_req(&req);
    match result {
        Ok(_) => {
            flash(
                &req,
                ctx.tr.ta("agency-saved", &[("name", input.name.trim())]),
            );
            Ok(redirect("/admin/agencies"))
        }
        Err(fails) => {
            let errors = FieldErrors::from_fails(&ctx.tr, &fails);
            form_page(ctx, &state, id, input, errors).await
        }
    }
}

pub async fn create(
    req: HttpRequest,
    user: CurrentUser,
    state: web::Data<AppState>,
    CsrfForm(input): CsrfForm<AgencyInput>,
) -> Result<HttpResponse, AppError> {
    save(req, user, state, None, input).await
}

pub async fn update(
    req: HttpRequest,
    user: CurrentUser,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    CsrfForm(input): CsrfForm<AgencyInput>,
) -> Result<HttpResponse, AppError> {
    save(req, user, state, Some(path.into_inner()), input).await
}

/// Imports agencies from CSV text pasted into the page (the same format as the CLI).
pub async fn import(
    req: HttpRequest,
    user: CurrentUser,
    state: web::Data<AppState>,
    CsrfForm(form): CsrfForm<CsvForm>,
) -> Result<HttpResponse, AppError> {
    user.require(Role::Admin)?;
    if let Some(e) = form.too_large(&Ctx::from_req(&req).tr) {
        return list_page(Ctx::from_req(&req), &state, String::new(), Some(e)).await;
    }
    let actor = user.actor();
    let text = form.csv.clone();
    let result = state
        .db(
            move |c| match service::agencies::import(c, &actor, "CSV", text.as_bytes()) {
                Ok(s) => Ok(Ok(s)),
                Err(Fail::Import(e)) => Ok(Err(e.to_string())),
                Err(e) => Err(e.into()),
            },
        )
        .await?;
    let ctx = Ctx::from_req(&req);
    match result {
        Ok(s) => {
            let (created, updated) = (s.created.to_string(), s.updated.to_string());
            flash(
                &req,
                ctx.tr.ta(
                    "agency-imported",
                    &[("created", &created), ("updated", &updated)],
                ),
            );
            Ok(redirect("/admin/agencies"))
        }
        Err(message) => list_page(ctx, &state, form.csv, Some(message)).await,
    }
}
