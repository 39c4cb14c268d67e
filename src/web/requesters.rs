//! A requester's page: who they are (identity number masked) and every
//! application of theirs the user may see, with counts per year and month and
//! the outcomes, so a clerk sees repeated requests and volumes (arts. 35,
//! 36(6); the fee tiers).

use super::AppState;
use super::cases::env;
use super::page::{Ctx, html};
use super::session::CurrentUser;
use crate::db::cases as q;
use crate::domain::case;
use crate::error::AppError;
use actix_web::{HttpResponse, web};
use askama::Template;
use chrono::Datelike;
use std::collections::BTreeMap;

#[derive(Template)]
#[template(path = "requesters/show.html")]
struct RequesterPage {
    ctx: Ctx,
    requester: q::Requester,
    cases: Vec<q::Case>,
    /// (year, month) -> applications received, newest first.
    months: Vec<((i32, u32), usize)>,
    years: Vec<(i32, usize)>,
    /// Outcome code -> cases closed with it.
    outcomes: Vec<(String, usize)>,
}

impl RequesterPage {
    fn masked(&self) -> String {
        case::mask_id(&self.requester.id_number)
    }
}

pub async fn show(
    ctx: Ctx,
    user: CurrentUser,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let today = state.today();
    let (requester, cases) = state
        .db(move |c| {
            let env = env(c, &user, today)?;
            let ids = env.staff.scope.ids();
            // Out of scope answers as missing, like a case does.
            let requester = q::find_requester_in_scope(c, id, ids)?.ok_or(AppError::NotFound)?;
            let cases = q::of_requester(c, id, ids)?;
            Ok((requester, cases))
        })
        .await?;
    let mut months: BTreeMap<(i32, u32), usize> = BTreeMap::new();
    let mut years: BTreeMap<i32, usize> = BTreeMap::new();
    let mut outcomes: BTreeMap<String, usize> = BTreeMap::new();
    for c in &cases {
        let d = c.received_on;
        *months.entry((d.year(), d.month())).or_default() += 1;
        *years.entry(d.year()).or_default() += 1;
        if let Some(o) = &c.outcome {
            *outcomes.entry(o.clone()).or_default() += 1;
        }
    }
    html(&RequesterPage {
        ctx,
        requester,
        cases,
        months: months.into_iter().rev().collect(),
        years: years.into_iter().rev().collect(),
        outcomes: outcomes.into_iter().collect(),
    })
}
