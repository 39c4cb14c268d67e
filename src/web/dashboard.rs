//! The supervisor's dashboard: what is overdue, due soon, awaiting approval or
//! waiting on someone else, by agency and by clerk, and a year of weekly flow.

use super::AppState;
use super::appeals::AppealRow;
use super::cases::{Env, env};
use super::chart;
use super::page::{Ctx, html};
use super::session::CurrentUser;
use crate::db::{self, DbConn, cases as q};
use crate::domain::scope::Role;
use crate::error::AppError;
use crate::service;
use actix_web::{HttpResponse, web};
use askama::Template;
use chrono::{Duration, NaiveDate};
use std::collections::BTreeMap;

use crate::domain::workload::OpenCase;
pub use crate::domain::workload::{Counts, SOON};

fn open_case(r: &q::OpenRow) -> OpenCase<'_> {
    OpenCase {
        due_on: r.due_on,
        extension_pending: r.extension_pending,
        clock: &r.clock,
    }
}

pub struct Line {
    pub name: String,
    /// The query string that narrows the case list to this line.
    pub filter: String,
    pub counts: Counts,
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    ctx: Ctx,
    total: Counts,
    sections: Vec<(String, Vec<Line>)>,
    chart: String,
    soon: u32,
    summary: String,
    /// Fees unpaid past their time: (case, last day to pay).
    lapsed_fees: Vec<(q::Case, NaiveDate)>,
    /// Reconsiderations and lawsuits without an outcome.
    appeals_pending: usize,
    /// Those the office still owes an answer to, soonest first.
    answers_owed: Vec<AppealRow>,
    /// Drafting units past their internal deadline: (task, case number, unit).
    units_overdue: Vec<(db::units::Task, String, String)>,
    /// Answers drafted and waiting for a review step or sign-off, due first first.
    reviews: Vec<ReviewRow>,
}

/// A draft answer waiting for review, with the working days its case has left.
#[derive(Clone)]
pub struct ReviewRow {
    pub case_id: i64,
    pub tracking_no: String,
    pub agency: String,
    pub requester_name: String,
    pub step: String,
    pub since: NaiveDate,
    pub drafted_by: String,
    pub due_on: Option<NaiveDate>,
    pub days_left: Option<i64>,
}

/// What the dashboard shows for one scope on one day. Kept (`service::cache`)
/// until a case or the reference data change: the same view for every
/// supervisor of the scope costs one small read.
struct Board {
    total: Counts,
    by_agency: BTreeMap<i64, Counts>,
    /// Open cases by clerk; None: nobody's yet.
    by_clerk: BTreeMap<Option<i64>, Counts>,
    received: Vec<(NaiveDate, i64)>,
    closed: Vec<(Option<NaiveDate>, bool, i64)>,
    lapsed_fees: Vec<(q::Case, NaiveDate)>,
    appeals_pending: usize,
    answers_owed: Vec<AppealRow>,
    units_overdue: Vec<(db::units::Task, String, String)>,
    reviews: Vec<ReviewRow>,
}

fn board(c: &mut DbConn, env: &Env) -> Result<Board, AppError> {
    let today = env.today;
    let calendar = &env.reference.calendar;
    let ids = env.staff.scope.ids();
    let soon_date = calendar.add_working_days(today, SOON);
    let mut total = Counts::default();
    let mut by_agency: BTreeMap<i64, Counts> = BTreeMap::new();
    let mut by_clerk: BTreeMap<Option<i64>, Counts> = BTreeMap::new();
    for r in &q::open_rows(c, ids)? {
        total.add(&open_case(r), today, soon_date);
        by_agency
            .entry(r.agency_id)
            .or_default()
            .add(&open_case(r), today, soon_date);
        by_clerk
            .entry(r.assigned_to)
            .or_default()
            .add(&open_case(r), today, soon_date);
    }
    let from = chart::week_start(today) - Duration::weeks(51);
    let received = q::received_per_day(c, ids, from)?;
    let closed = q::closed_per_day(c, ids, from)?;
    let lapsed_fees = service::cases::lapsed_fees(c, ids, today)?;
    let filter = db::appeals::Filter {
        agencies: ids.map(<[i64]>::to_vec),
        result: Some("pending".into()),
        ..Default::default()
    };
    let (pending, appeals_pending) = db::appeals::list(c, &filter, 0, i64::MAX)?;
    let names: BTreeMap<i64, String> = env
        .reference
        .agencies
        .iter()
        .map(|a| (a.id, a.short_name.clone()))
        .collect();
    let mut answers_owed: Vec<AppealRow> = pending
        .into_iter()
        .map(|l| AppealRow::new(l, &names, calendar, today))
        .filter(|r| r.response_due.is_some())
        .collect();
    answers_owed.sort_by_key(|r| r.response_due);
    let units_overdue = db::units::overdue(c, ids, today)?
        .into_iter()
        .map(|(t, no)| {
            let unit = names.get(&t.unit_id).cloned().unwrap_or_default();
            (t, no, unit)
        })
        .collect();
    let reviews = db::review::waiting(c, ids)?
        .into_iter()
        .map(|w| ReviewRow {
            days_left: crate::domain::workload::days_left(
                true, &w.clock, w.due_on, today, calendar,
            ),
            case_id: w.case_id,
            agency: names.get(&w.agency_id).cloned().unwrap_or_default(),
            drafted_by: w
                .drafted_by
                .and_then(|u| env.reference.user(u))
                .map(|u| u.display_name.clone())
                .unwrap_or_default(),
            tracking_no: w.tracking_no,
            requester_name: w.requester_name,
            step: w.step,
            since: w.since,
            due_on: w.due_on,
        })
        .collect();
    Ok(Board {
        total,
        by_agency,
        by_clerk,
        received,
        closed,
        lapsed_fees,
        appeals_pending: appeals_pending as usize,
        answers_owed,
        units_overdue,
        reviews,
    })
}

pub async fn show(
    ctx: Ctx,
    user: CurrentUser,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    if user.role == Role::Clerk {
        return Err(AppError::Forbidden);
    }
    let today = state.today();
    let u = user.clone();
    let cache = state.cache.clone();
    let (b, reference) = state
        .db(move |c| {
            let env = env(c, &u, today)?;
            // Names and the calendar come from the reference data: its generation is
            // part of what the board depends on.
            let key = format!(
                "dashboard {:?} {today} {}",
                env.staff.scope.ids(),
                env.generations.reference
            );
            let b = cache.derived(env.generations.cases, key, || board(c, &env))?;
            Ok((b, env.reference))
        })
        .await?;
    let by_agency: Vec<Line> = b
        .by_agency
        .iter()
        .map(|(&id, counts)| Line {
            name: reference
                .agency(id)
                .map(|a| a.name.clone())
                .unwrap_or_default(),
            // The row counts the agency's own cases, so it links to them alone.
            filter: format!("agency={id}&only=1&"),
            counts: counts.clone(),
        })
        .collect();
    let unassigned = ctx.tr.t("case-unassigned");
    // Named clerks first, then the cases nobody is assigned to.
    let by_clerk: Vec<Line> = b
        .by_clerk
        .iter()
        .filter_map(|(id, counts)| {
            let id = (*id)?;
            Some(Line {
                name: reference
                    .user(id)
                    .map(|u| u.display_name.clone())
                    .unwrap_or_default(),
                filter: format!("assigned={id}&"),
                counts: counts.clone(),
            })
        })
        .chain(b.by_clerk.get(&None).map(|counts| Line {
            name: unassigned.clone(),
            filter: "assigned=none&".into(),
            counts: counts.clone(),
        }))
        .collect();
    let weeks = chart::weeks(today, 52, &b.received, &b.closed);
    let labels = [
        ctx.tr.t("chart-received"),
        ctx.tr.t("chart-answered"),
        ctx.tr.t("chart-late"),
    ];
    let chart = chart::svg(
        &weeks,
        [&labels[0], &labels[1], &labels[2]],
        &ctx.tr.t("chart-title"),
    );
    let sum = |f: fn(&chart::Week) -> i64| weeks.iter().map(f).sum::<i64>().to_string();
    let summary = ctx.tr.ta(
        "dash-year-summary",
        &[
            ("received", &sum(|w| w.received)),
            ("answered", &sum(|w| w.answered)),
            ("late", &sum(|w| w.late)),
        ],
    );
    let sections = vec![
        (ctx.tr.t("dash-by-agency"), by_agency),
        (ctx.tr.t("dash-by-clerk"), by_clerk),
    ];
    html(&DashboardPage {
        ctx,
        total: b.total.clone(),
        sections,
        chart,
        soon: SOON,
        summary,
        lapsed_fees: b.lapsed_fees.clone(),
        appeals_pending: b.appeals_pending,
        answers_owed: b.answers_owed.clone(),
        units_overdue: b.units_overdue.clone(),
        reviews: b.reviews.clone(),
    })
}
