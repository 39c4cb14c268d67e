//! The start page and the health check.

use super::AppState;
use super::page::{Ctx, html, redirect};
use super::session::CurrentUser;
use crate::db;
use crate::domain::scope::Role;
use crate::error::AppError;
use actix_web::{HttpResponse, web};
use askama::Template;
use chrono::Datelike;

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    ctx: Ctx,
    agency: Option<String>,
    agencies: i64,
    users: i64,
    years: Vec<(i32, i64)>,
    /// This year or next year without a calendar: deadlines fall back to Monday-Friday.
    missing_years: Vec<i32>,
}

/// Each role starts where its work is: clerks at their cases, supervisors at
/// the dashboard, administrators at this overview.
pub async fn index(
    ctx: Ctx,
    user: CurrentUser,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    match user.role {
        Role::Clerk => return Ok(redirect("/cases/mine")),
        Role::Supervisor => return Ok(redirect("/dashboard")),
        Role::Admin => {}
    }
    let agency_id = user.agency_id;
    let (agency, agencies, users, years) = state
        .db(move |c| {
            let agency = match agency_id {
                Some(id) => db::agencies::find(c, id)?.map(|a| a.name),
                None => None,
            };
            Ok((
                agency,
                db::agencies::count(c)?,
                db::users::count(c)?,
                db::calendar::loaded_years(c)?,
            ))
        })
        .await?;
    let this_year = chrono::Local::now().year();
    let missing_years = [this_year, this_year + 1]
        .into_iter()
        .filter(|y| !years.iter().any(|(l, _)| l == y))
        .collect();
    html(&HomePage {
        ctx,
        agency,
        agencies,
        users,
        years,
        missing_years,
    })
}

/// 200 `ok` when the database answers; 503 otherwise.
pub async fn healthz(state: web::Data<AppState>) -> HttpResponse {
    let pool = state.pool.clone();
    let ok = web::block(move || {
        pool.get_timeout(std::time::Duration::from_secs(2))
            .ok()
            .map(|mut c| db::ping(&mut c))
    })
    .await
    .ok()
    .flatten()
    .unwrap_or(false);
    if ok {
        HttpResponse::Ok().content_type("text/plain").body("ok")
    } else {
        HttpResponse::ServiceUnavailable()
            .content_type("text/plain")
            .body("database unavailable")
    }
}
