//! Case lists: "my cases" for a clerk and the filtered list for everyone.

use super::AppState;
use super::cases::env;
use super::page::{Ctx, html, page_count};
use super::session::CurrentUser;
use crate::db::{DbConn, agencies::Agency, cases as q};
use crate::domain::outcome::{Channel, Outcome};
use crate::domain::scope::narrow;
use crate::error::AppError;
use actix_web::{HttpResponse, web};
use askama::Template;
use chrono::NaiveDate;
use std::sync::Arc;

pub const PAGE_SIZE: i64 = 50;

#[derive(serde::Deserialize, Default, Clone, Debug)]
#[serde(default)]
pub struct ListQuery {
    pub agency: String,
    pub status: String,
    pub channel: String,
    pub outcome: String,
    pub topic: String,
    pub from: String,
    pub to: String,
    pub overdue: String,
    pub due_within: String,
    pub clock: String,
    pub extension: String,
    pub late: String,
    pub assigned: String,
    /// "1": a draft waits for review; a step's code: waits for that step.
    pub review: String,
    /// "1": the agency filter means that agency alone, not its subtree.
    pub only: String,
    pub q: String,
    pub page: String,
}

impl ListQuery {
    pub fn link(&self, page: i64) -> String {
        let mut me = self.clone();
        me.page = page.to_string();
        serde_urlencoded::to_string(Pairs(&me)).unwrap_or_default()
    }
    pub fn page_number(&self) -> i64 {
        super::page::page_number(&self.page)
    }
}

struct Pairs<'a>(&'a ListQuery);

impl serde::Serialize for Pairs<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let q = self.0;
        let page = q.page_number().to_string();
        let all = [
            ("agency", &q.agency),
            ("status", &q.status),
            ("channel", &q.channel),
            ("outcome", &q.outcome),
            ("topic", &q.topic),
            ("from", &q.from),
            ("to", &q.to),
            ("overdue", &q.overdue),
            ("due_within", &q.due_within),
            ("clock", &q.clock),
            ("extension", &q.extension),
            ("late", &q.late),
            ("assigned", &q.assigned),
            ("review", &q.review),
            ("only", &q.only),
            ("q", &q.q),
            ("page", &page),
        ];
        let mut seq = s.serialize_seq(None)?;
        for (k, v) in all.iter().filter(|(_, v)| !v.is_empty()) {
            seq.serialize_element(&(k, v))?;
        }
        seq.end()
    }
}

pub struct Row {
    pub case: q::Case,
    pub agency: String,
    pub assignee: String,
    /// Working days left (negative: overdue), for open cases with a running clock.
    pub days_left: Option<i64>,
}

#[derive(Template)]
#[template(path = "cases/list.html")]
struct ListPage {
    ctx: Ctx,
    title: String,
    q: ListQuery,
    rows: Vec<Row>,
    total: i64,
    page: i64,
    pages: i64,
    agencies: Vec<Agency>,
    topics: Vec<String>,
    bad_input: bool,
    mine: bool,
}

impl ListPage {
    fn channels(&self) -> [Channel; 5] {
        Channel::ALL
    }
    fn outcomes(&self) -> [Outcome; 23] {
        Outcome::ALL
    }
}

/// A filter's date, or nothing; a malformed one sets `bad` so the page says so.
pub(crate) fn parse_date(s: &str, bad: &mut bool) -> Option<NaiveDate> {
    match s.trim() {
        "" => None,
        t => NaiveDate::parse_from_str(t, "%Y-%m-%d")
            .map_err(|_| *bad = true)
            .ok(),
    }
}

async fn render(
    ctx: Ctx,
    user: CurrentUser,
    state: web::Data<AppState>,
    query: ListQuery,
    mine: bool,
) -> Result<HttpResponse, AppError> {
    let today = state.today();
    let u = user.clone();
    let qq = query.clone();
    let cache = state.cache.clone();
    let (rows, total, page, agencies, topics, bad_input) = state
        .db(move |c| {
            let env = env(c, &u, today)?;
            let reference = env.reference.clone();
            let mut bad = false;
            let chosen = qq.agency.trim().parse::<i64>().ok();
            let agencies = narrow(&env.staff.scope, &reference.tree, chosen, qq.only == "1");
            let due_within = qq
                .due_within
                .trim()
                .parse::<u32>()
                .ok()
                .filter(|n| *n <= 60);
            if !qq.due_within.trim().is_empty() && due_within.is_none() {
                bad = true;
            }
            let f = q::Filter {
                agencies,
                assigned_to: if mine {
                    Some(u.id)
                } else {
                    qq.assigned.trim().parse().ok()
                },
                unassigned: !mine && qq.assigned == "none",
                status: match qq.status.as_str() {
                    s @ ("open" | "closed" | "void") => Some(s.to_string()),
                    _ if mine => Some("open".into()),
                    _ => None,
                },
                channel: Some(qq.channel.clone()).filter(|s| !s.is_empty()),
                outcome: Some(qq.outcome.clone()).filter(|s| !s.is_empty()),
                topic: Some(qq.topic.clone()).filter(|s| !s.is_empty()),
                received_from: parse_date(&qq.from, &mut bad),
                received_to: parse_date(&qq.to, &mut bad),
                overdue_on: (qq.overdue == "1").then_some(today),
                due_between: due_within
                    .map(|n| (today, env.reference.calendar.add_working_days(today, n))),
                clock: Some(qq.clock.clone()).filter(|s| !s.is_empty()),
                extension_pending: qq.extension == "1",
                late: qq.late == "1",
                text: Some(qq.q.trim().to_string()).filter(|s| !s.is_empty()),
                review: match qq.review.trim() {
                    "" => None,
                    "1" => Some("any".into()),
                    s => match crate::domain::review::Step::parse(s) {
                        Some(step) => Some(step.code().to_string()),
                        None => {
                            bad = true;
                            None
                        }
                    },
                },
            };
            // A page of a list is kept until the cases change; a text search is not
            // (its searches rarely repeat), the index makes it quick.
            let generation = env.generations.cases;
            let list =
                |c: &mut DbConn, offset: i64| -> Result<Arc<(Vec<q::Case>, i64)>, AppError> {
                    if f.text.is_some() {
                        return Ok(Arc::new(q::list(c, &f, offset, PAGE_SIZE)?));
                    }
                    cache.derived(generation, format!("list {f:?} {offset}"), || {
                        Ok(q::list(c, &f, offset, PAGE_SIZE)?)
                    })
                };
            let mut page = qq.page_number();
            let mut found = list(c, (page - 1) * PAGE_SIZE)?;
            let total = found.1;
            // A page past the end shows the last page.
            let last = page_count(total, PAGE_SIZE);
            if page > last {
                page = last;
                found = list(c, (page - 1) * PAGE_SIZE)?;
            }
            let rows = found
                .0
                .iter()
                .cloned()
                .map(|case| Row {
                    agency: reference
                        .agency(case.agency_id)
                        .map(|a| a.short_name.clone())
                        .unwrap_or_default(),
                    assignee: case
                        .assigned_to
                        .and_then(|a| reference.user(a))
                        .map(|u| u.display_name.clone())
                        .unwrap_or_default(),
                    days_left: crate::domain::workload::days_left(
                        case.status == "open",
                        &case.clock,
                        case.due_on,
                        today,
                        &env.reference.calendar,
                    ),
                    case,
                })
                .collect();
            let visible: Vec<Agency> =
                crate::web::admin::agencies::tree_order(reference.agencies.clone())
                    .into_iter()
                    .map(|(a, _)| a)
                    .filter(|a| env.staff.scope.contains(a.id))
                    .collect();
            Ok((rows, total, page, visible, reference.topics.clone(), bad))
        })
        .await?;
    let pages = page_count(total, PAGE_SIZE);
    let title = ctx.tr.t(if mine { "nav-my-cases" } else { "nav-cases" });
    html(&ListPage {
        ctx,
        title,
        q: query,
        rows,
        total,
        page,
        pages,
        agencies,
        topics,
        bad_input,
        mine,
    })
}

pub async fn list(
    ctx: Ctx,
    user: CurrentUser,
    state: web::Data<AppState>,
    q: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    render(ctx, user, state, q.into_inner(), false).await
}

pub async fn mine(
    ctx: Ctx,
    user: CurrentUser,
    state: web::Data<AppState>,
    q: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    render(ctx, user, state, q.into_inner(), true).await
}
