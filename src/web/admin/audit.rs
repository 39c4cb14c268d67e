//! The audit log, filterable by action, user and date, newest first.

use crate::db::{
    self,
    audit::{Entry, Filter},
};
use crate::domain::scope::Role;
use crate::error::AppError;
use crate::web::AppState;
use crate::web::page::{Ctx, html, page_count, page_number};
use crate::web::session::CurrentUser;
use actix_web::{HttpResponse, web};
use askama::Template;
use chrono::NaiveDate;

pub const PAGE_SIZE: i64 = 50;

#[derive(serde::Deserialize, Default, Clone)]
pub struct AuditQuery {
    #[serde(default)]
    pub action: String,
    #[serde(default)]
    pub user: String,
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
    #[serde(default)]
    pub page: String,
}

impl AuditQuery {
    /// The query string for another page of the same filter.
    pub fn page_link(&self, page: i64) -> String {
        let q = [
            ("action", self.action.as_str()),
            ("user", self.user.as_str()),
            ("from", self.from.as_str()),
            ("to", self.to.as_str()),
        ];
        let mut s = serde_urlencoded::to_string(q).unwrap_or_default();
        s.push_str(&format!("&page={page}"));
        s
    }
}

#[derive(Template)]
#[template(path = "admin/audit.html")]
struct AuditPage {
    ctx: Ctx,
    q: AuditQuery,
    actions: Vec<String>,
    entries: Vec<Entry>,
    total: i64,
    page: i64,
    pages: i64,
    bad_dates: bool,
}

fn date(s: &str) -> Result<Option<NaiveDate>, ()> {
    match s.trim() {
        "" => Ok(None),
        s => NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| ()),
    }
}

pub async fn list(
    ctx: Ctx,
    user: CurrentUser,
    state: web::Data<AppState>,
    q: web::Query<AuditQuery>,
) -> Result<HttpResponse, AppError> {
    user.require(Role::Admin)?;
    let q = q.into_inner();
    let (from, to) = (date(&q.from), date(&q.to));
    let bad_dates = from.is_err() || to.is_err();
    let filter = Filter {
        action: Some(q.action.trim().to_string()).filter(|s| !s.is_empty()),
        username: Some(q.user.trim().to_string()).filter(|s| !s.is_empty()),
        from: from.ok().flatten().and_then(|d| d.and_hms_opt(0, 0, 0)),
        until: to
            .ok()
            .flatten()
            .and_then(|d| d.succ_opt())
            .and_then(|d| d.and_hms_opt(0, 0, 0)),
    };
    let asked = page_number(&q.page);
    let (actions, (entries, total), page) = state
        .db(move |c| {
            let mut page = asked;
            let mut found = db::audit::list(c, &filter, (page - 1) * PAGE_SIZE, PAGE_SIZE)?;
            // A page past the end shows the last page.
            let last = page_count(found.1, PAGE_SIZE);
            if page > last {
                page = last;
                found = db::audit::list(c, &filter, (page - 1) * PAGE_SIZE, PAGE_SIZE)?;
            }
            Ok((db::audit::actions(c)?, found, page))
        })
        .await?;
    let pages = page_count(total, PAGE_SIZE);
    html(&AuditPage {
        ctx,
        q,
        actions,
        entries,
        total,
        page,
        pages,
        bad_dates,
    })
}
