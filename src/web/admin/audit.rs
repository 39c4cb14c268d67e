//! The audit log, filterable by action, user and date, newest first. Times
//! and dates are China time; actions and details are shown in the reader's
//! language (entries store codes).

use crate::db::{
    self,
    audit::{Action, COMMAND_LINE, Detail, Entry, Field, Filter, SYSTEM},
};
use crate::domain::calendar::{china_day_start, china_time};
use crate::domain::scope::Role;
use crate::error::AppError;
use crate::i18n::Tr;
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

/// An entry as the page shows it.
pub struct Row {
    pub at: String,
    pub username: String,
    /// The stored code, kept as the label's tooltip.
    pub code: String,
    pub action: String,
    pub target: String,
    pub detail: String,
}

/// An action's name; a code gongkai no longer records is shown as stored.
fn action_label(tr: &Tr, code: &str) -> String {
    match Action::parse(code) {
        Some(a) => tr.code("audit-action", a.code()),
        None => code.to_string(),
    }
}

/// A recorded value in the reader's language: codes (roles, kinds, yes or
/// no) through the catalogue, names and numbers as they are.
fn value(tr: &Tr, field: Field, v: &str) -> String {
    let prefix = match (field, v) {
        (_, "") => return tr.t("audit-empty"),
        (Field::FeeStopsClock, "true") => return tr.t("yes"),
        (Field::FeeStopsClock, "false") => return tr.t("no"),
        (Field::ReviewSteps, _) => {
            let names: Vec<String> = crate::domain::review::parse_codes(v)
                .into_iter()
                .map(|s| tr.code("review-step", s.code()))
                .collect();
            return tr.names(&names);
        }
        (Field::Role, _) => "role",
        (Field::Kind, _) => "agency-kind",
        (Field::DayKind, _) => "calendar-kind",
        (Field::MailKind, _) => "mail-kind",
        _ => return v.to_string(),
    };
    tr.code_or_raw(prefix, v)
}

/// The details of an entry; text written before details were structured
/// is shown as written.
fn detail_text(tr: &Tr, stored: &str) -> String {
    let Some(Detail(items)) = Detail::decode(stored) else {
        return stored.to_string();
    };
    let shown: Vec<String> = items
        .iter()
        .map(|(field, values)| {
            let label = tr.code("audit-field", field.code());
            match values.as_slice() {
                [] => tr.ta("audit-changed", &[("label", &label)]),
                [one] => tr.ta(
                    "label-value",
                    &[("label", &label), ("value", &value(tr, *field, one))],
                ),
                [from, to, ..] => tr.ta(
                    "label-change",
                    &[
                        ("label", &label),
                        ("from", &value(tr, *field, from)),
                        ("to", &value(tr, *field, to)),
                    ],
                ),
            }
        })
        .collect();
    tr.list(&shown)
}

fn row(tr: &Tr, e: Entry) -> Row {
    let username = match e.username.as_str() {
        SYSTEM => tr.t("audit-actor-system"),
        COMMAND_LINE => tr.t("audit-actor-command-line"),
        _ => e.username,
    };
    Row {
        at: china_time(e.at).format("%Y-%m-%d %H:%M:%S").to_string(),
        action: action_label(tr, &e.action),
        detail: detail_text(tr, &e.detail),
        code: e.action,
        username,
        target: e.target,
    }
}

#[derive(Template)]
#[template(path = "admin/audit.html")]
struct AuditPage {
    ctx: Ctx,
    q: AuditQuery,
    /// (code, name) for the filter.
    actions: Vec<(String, String)>,
    rows: Vec<Row>,
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
        // The dates typed are days in China.
        from: from.ok().flatten().map(china_day_start),
        until: to
            .ok()
            .flatten()
            .and_then(|d| d.succ_opt())
            .map(china_day_start),
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
    let tr = ctx.tr;
    let actions = actions
        .into_iter()
        .map(|code| {
            let name = action_label(&tr, &code);
            (code, name)
        })
        .collect();
    let rows = entries.into_iter().map(|e| row(&tr, e)).collect();
    html(&AuditPage {
        ctx,
        q,
        actions,
        rows,
        total,
        page,
        pages,
        bad_dates,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    #[test]
    fn details_read_in_the_reader_language() {
        let d = Detail::none()
            .change(Field::Role, "clerk", "admin")
            .change(Field::Agency, "", "常州市人民政府")
            .changed(Field::Email)
            .with(Field::FeeStopsClock, "true")
            .encode();
        assert_eq!(
            detail_text(&Tr::new(Lang::En), &d),
            "Role: Clerk → Administrator; Agency: (none) → 常州市人民政府; E-mail changed; \
             Fee period not counted: yes"
        );
        assert_eq!(
            detail_text(&Tr::new(Lang::Zh), &d),
            "角色：经办人 → 管理员；所属机关：（无） → 常州市人民政府；电子邮箱已修改；收费期间不计入期限：是"
        );
        // Free text from before is shown as it was written.
        assert_eq!(
            detail_text(&Tr::new(Lang::En), "3 added, 0 replaced"),
            "3 added, 0 replaced"
        );
        assert_eq!(action_label(&Tr::new(Lang::En), "no.such"), "no.such");
    }
}
