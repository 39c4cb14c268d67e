//! Reconsiderations and lawsuits: the list across the user's scope, and one
//! appeal's page. They are recorded and updated from their case's page (case
//! actions), so the history and the version check stay in one place.

use super::AppState;
use super::cases::{env, timeline_time};
use super::lists::parse_date;
use super::page::{Ctx, html, page_count, page_number};
use super::session::CurrentUser;
use crate::db::{self, agencies::Agency, appeals as q};
use crate::domain::appeal::Kind;
use crate::domain::calendar::Calendar;
use crate::domain::case::Event;
use crate::domain::outcome::AppealResult;
use crate::domain::scope::narrow;
use crate::error::AppError;
use crate::service;
use crate::service::cases::actions::appeal::response_due;
use actix_web::{HttpResponse, web};
use askama::Template;
use chrono::NaiveDate;
use std::collections::BTreeMap;

const PAGE_SIZE: i64 = 50;

/// An appeal as lists show it: with its case and the office's answer deadline.
#[derive(Clone)]
pub struct AppealRow {
    pub appeal: q::Appeal,
    pub tracking_no: String,
    pub agency: String,
    pub requester_name: String,
    /// The last day for the office's answer to the body or court, while owed.
    pub response_due: Option<NaiveDate>,
    /// Working days from today to `response_due` (negative: late).
    pub days_left: Option<i64>,
}

impl AppealRow {
    pub fn new(
        l: q::Listed,
        names: &BTreeMap<i64, String>,
        cal: &Calendar,
        today: NaiveDate,
    ) -> AppealRow {
        let due = response_due(&l.appeal, cal);
        AppealRow {
            response_due: due,
            days_left: due.map(|d| cal.working_days_between(today, d)),
            agency: names.get(&l.agency_id).cloned().unwrap_or_default(),
            tracking_no: l.tracking_no,
            requester_name: l.requester_name,
            appeal: l.appeal,
        }
    }
}

#[derive(serde::Deserialize, Default, Clone, Debug)]
#[serde(default)]
pub struct ListQuery {
    pub agency: String,
    pub kind: String,
    /// A result code or "pending".
    pub result: String,
    pub from: String,
    pub to: String,
    pub page: String,
}

impl ListQuery {
    pub fn link(&self, page: i64) -> String {
        let pairs = [
            ("agency", self.agency.as_str()),
            ("kind", &self.kind),
            ("result", &self.result),
            ("from", &self.from),
            ("to", &self.to),
        ];
        let mut kept: Vec<(&str, String)> = pairs
            .into_iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| (k, v.to_string()))
            .collect();
        kept.push(("page", page.to_string()));
        serde_urlencoded::to_string(kept).unwrap_or_default()
    }
}

#[derive(Template)]
#[template(path = "appeals/list.html")]
struct ListPage {
    ctx: Ctx,
    q: ListQuery,
    rows: Vec<AppealRow>,
    total: i64,
    page: i64,
    pages: i64,
    agencies: Vec<Agency>,
    bad_input: bool,
}

impl ListPage {
    fn kinds(&self) -> [Kind; 3] {
        Kind::ALL
    }
    fn results(&self) -> [&'static str; 4] {
        let [a, b, c] = AppealResult::ALL.map(AppealResult::code);
        [a, b, c, "pending"]
    }
}

pub async fn list(
    ctx: Ctx,
    user: CurrentUser,
    state: web::Data<AppState>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    let query = query.into_inner();
    let today = state.today();
    let qq = query.clone();
    let (rows, total, page, agencies, bad_input) = state
        .db(move |c| {
            let env = env(c, &user, today)?;
            let tree = service::agencies::tree(c)?;
            let mut bad = false;
            let chosen = qq.agency.trim().parse::<i64>().ok();
            let agencies = narrow(&env.staff.scope, &tree, chosen, false);
            let kind = match qq.kind.trim() {
                "" => None,
                k => {
                    bad |= Kind::parse(k).is_none();
                    Kind::parse(k).map(|k| k.code().to_string())
                }
            };
            let result = match qq.result.trim() {
                "" => None,
                "pending" => Some("pending".to_string()),
                r => {
                    bad |= AppealResult::parse(r).is_none();
                    AppealResult::parse(r).map(|r| r.code().to_string())
                }
            };
            let f = q::Filter {
                agencies,
                kind,
                result,
                filed_from: parse_date(&qq.from, &mut bad),
                filed_to: parse_date(&qq.to, &mut bad),
            };
            let mut page = page_number(&qq.page);
            let (mut found, total) = q::list(c, &f, (page - 1) * PAGE_SIZE, PAGE_SIZE)?;
            let last = page_count(total, PAGE_SIZE);
            if page > last {
                page = last;
                found = q::list(c, &f, (page - 1) * PAGE_SIZE, PAGE_SIZE)?.0;
            }
            let all = db::agencies::all(c)?;
            let names: BTreeMap<i64, String> =
                all.iter().map(|a| (a.id, a.short_name.clone())).collect();
            let rows = found
                .into_iter()
                .map(|l| AppealRow::new(l, &names, &env.reference.calendar, today))
                .collect();
            let visible: Vec<Agency> = super::admin::agencies::tree_order(all)
                .into_iter()
                .map(|(a, _)| a)
                .filter(|a| env.staff.scope.contains(a.id))
                .collect();
            Ok((rows, total, page, visible, bad))
        })
        .await?;
    html(&ListPage {
        ctx,
        q: query,
        rows,
        total,
        page,
        pages: page_count(total, PAGE_SIZE),
        agencies,
        bad_input,
    })
}

#[derive(Template)]
#[template(path = "appeals/show.html")]
struct ShowPage {
    ctx: Ctx,
    row: AppealRow,
    /// The reconsideration this suit follows, or the suits that followed this one.
    related: Vec<q::Appeal>,
    /// This appeal's entries in the case history: (recorded at, what, details).
    history: Vec<(String, String, Vec<String>)>,
    /// The case was reopened for a new answer after this appeal.
    reanswered: bool,
}

pub async fn show(
    ctx: Ctx,
    user: CurrentUser,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let today = state.today();
    let (row, related, events) = state
        .db(move |c| {
            let env = env(c, &user, today)?;
            let appeal = q::find(c, id)?.ok_or(AppError::NotFound)?;
            // Out of scope answers as missing, like its case does.
            let case = service::cases::load_in_scope(c, &env.staff, appeal.case_id)?;
            let related: Vec<q::Appeal> = q::of_case(c, case.id)?
                .into_iter()
                .filter(|a| a.review_id == Some(id) || appeal.review_id == Some(a.id))
                .collect();
            let events = service::cases::history(c, case.id)?;
            let names: BTreeMap<i64, String> = db::agencies::all(c)?
                .into_iter()
                .map(|a| (a.id, a.short_name))
                .collect();
            let listed = q::Listed {
                appeal,
                tracking_no: case.tracking_no,
                agency_id: case.agency_id,
                requester_name: case.requester_name,
            };
            Ok((
                AppealRow::new(listed, &names, &env.reference.calendar, today),
                related,
                events,
            ))
        })
        .await?;
    let mine = |e: &Event| match e {
        Event::AppealFiled { appeal_id, .. }
        | Event::AppealUpdated { appeal_id, .. }
        | Event::Reopened {
            appeal_id: Some(appeal_id),
            ..
        } => *appeal_id == id,
        _ => false,
    };
    let reanswered = events
        .iter()
        .any(|(_, e)| matches!(e, Event::Reopened { .. }) && mine(e));
    let history = events
        .iter()
        .filter(|(_, e)| mine(e))
        .map(|(r, e)| {
            (
                timeline_time(r.at),
                ctx.tr.code("event", e.kind()),
                super::cases::describe(&ctx.tr, e),
            )
        })
        .collect();
    html(&ShowPage {
        ctx,
        row,
        related,
        history,
        reanswered,
    })
}
