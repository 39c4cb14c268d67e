//! The annual report page: pick the year, the agency and the profile; see the
//! statistics section laid out like the official table, the checks it passes
//! and the prose; download it as Excel, JSON or text.

use super::AppState;
use super::cases::env;
use super::csrf::CsrfForm;
use super::page::{Ctx, flash, html_status, redirect};
use super::session::CurrentUser;
use crate::db::{self, agencies::Agency};
use crate::domain::outcome::Channel;
use crate::domain::report::{
    self, Body, COLS, FIRST_YEAR, Place, Profile, RESULTS_HEADING, Report,
};
use crate::domain::scope::Role;
use crate::error::AppError;
use crate::service::{self, Fail};
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::Datelike;

#[derive(serde::Deserialize, Default, Clone, Debug)]
#[serde(default)]
pub struct ReportQuery {
    pub year: String,
    pub agency: String,
    pub profile: String,
    /// For downloads: xlsx, json or text.
    pub format: String,
}

/// One cell of the table's label columns.
pub struct Cell {
    pub text: &'static str,
    pub rowspan: usize,
    pub colspan: usize,
}

/// A row of table 三 as the template lays it out: its label cells (some rows
/// share a merged cell above them and bring none) and its seven figures.
pub struct TableRow {
    pub key: &'static str,
    pub cells: Vec<Cell>,
    pub values: [u64; COLS + 1],
}

/// Table 三's rows with the official template's merged label cells.
pub fn layout(report: &Report) -> Vec<TableRow> {
    let Body::Tables(t) = &report.body else {
        return Vec::new();
    };
    let lines = &t.table3.rows;
    let results = lines
        .iter()
        .filter(|l| matches!(l.row.place, Place::Result { .. }))
        .count();
    let mut out = Vec::new();
    let mut seen_results = false;
    for (i, line) in lines.iter().enumerate() {
        let mut cells = Vec::new();
        match line.row.place {
            Place::Spanning => cells.push(Cell {
                text: line.row.label,
                rowspan: 1,
                colspan: 3,
            }),
            Place::Result { group, item } => {
                if !seen_results {
                    seen_results = true;
                    cells.push(Cell {
                        text: RESULTS_HEADING,
                        rowspan: results,
                        colspan: 1,
                    });
                }
                let first_of_group = i == 0
                    || !matches!(lines[i - 1].row.place, Place::Result { group: g, .. } if g == group);
                if first_of_group {
                    let span = lines[i..]
                        .iter()
                        .take_while(
                            |l| matches!(l.row.place, Place::Result { group: g, .. } if g == group),
                        )
                        .count();
                    cells.push(Cell {
                        text: group,
                        rowspan: span,
                        colspan: if item.is_none() { 2 } else { 1 },
                    });
                }
                if let Some(item) = item {
                    cells.push(Cell {
                        text: item,
                        rowspan: 1,
                        colspan: 1,
                    });
                }
            }
        }
        out.push(TableRow {
            key: line.row.key,
            cells,
            values: line.values,
        });
    }
    out
}

/// The report as the official template lays it out, shared by the page and
/// the standalone HTML the command line writes.
pub struct Sheet {
    pub report: Report,
    pub rows: Vec<TableRow>,
    pub narrative: String,
}

impl Sheet {
    pub fn new(report: Report) -> Sheet {
        Sheet {
            rows: layout(&report),
            narrative: report::narrative(&report),
            report,
        }
    }
    fn table4(&self) -> Vec<(&'static str, [u64; 5])> {
        match &self.report.body {
            Body::Tables(t) => vec![
                ("review", t.table4.review),
                ("lawsuit_direct", t.table4.lawsuit_direct),
                ("lawsuit_after_review", t.table4.lawsuit_after_review),
            ],
            Body::Figures(_) => Vec::new(),
        }
    }
    fn is_table(&self) -> bool {
        matches!(self.report.body, Body::Tables(_))
    }
}

#[derive(Template)]
#[template(path = "report/standalone.html")]
struct Standalone {
    sheet: Sheet,
}

/// The statistics section as one self-contained HTML document (`--format html`).
pub fn standalone(report: &Report) -> Result<String, askama::Error> {
    Standalone {
        sheet: Sheet::new(report.clone()),
    }
    .render()
}

#[derive(Template)]
#[template(path = "report/show.html")]
struct ReportPage {
    ctx: Ctx,
    year: i32,
    years: Vec<i32>,
    agencies: Vec<Agency>,
    agency_id: i64,
    profile: Profile,
    sheet: Sheet,
    failed: usize,
    /// The published figures of this year, if finalised, and who finalised them.
    published: Option<(db::report::Snapshot, String)>,
    /// Where the live figures differ from the published ones.
    drift: Vec<String>,
    /// Why finalising was refused, shown beside its form.
    finalise_error: Option<String>,
    can_finalise: bool,
    is_admin: bool,
    /// The last five years as a picture (SVG, drawn here).
    picture: String,
}

impl ReportPage {
    fn profiles(&self) -> [Profile; 3] {
        Profile::ALL
    }
    fn channels(&self) -> Vec<(String, u64)> {
        Channel::ALL
            .iter()
            .zip(self.sheet.report.channels)
            .map(|(c, n)| (report::channel_label_zh(*c), n))
            .collect()
    }
    fn yuan(&self, fen: &i64) -> String {
        crate::domain::fees::yuan(*fen)
    }
}

/// What a request asks for, settled against what the user may see.
struct Chosen {
    year: i32,
    root: Agency,
    profile: Profile,
    visible: Vec<Agency>,
}

fn choose(
    c: &mut db::DbConn,
    user: &CurrentUser,
    q: &ReportQuery,
    today: chrono::NaiveDate,
) -> Result<Chosen, AppError> {
    let env = env(c, user, today)?;
    let all = db::agencies::all(c)?;
    let visible: Vec<Agency> = super::admin::agencies::tree_order(all)
        .into_iter()
        .map(|(a, _)| a)
        .filter(|a| env.staff.scope.contains(a.id))
        .collect();
    // The user's own agency first (a supervisor's subtree), else the root.
    let default = user
        .agency_id
        .and_then(|id| visible.iter().find(|a| a.id == id))
        .or_else(|| service::report::default_root(&visible))
        .or(visible.first())
        .cloned()
        .ok_or(AppError::NotFound)?;
    let root = match q.agency.trim().parse::<i64>() {
        Ok(id) => visible
            .iter()
            .find(|a| a.id == id)
            .cloned()
            .ok_or(AppError::NotFound)?,
        Err(_) => default,
    };
    let year = q
        .year
        .trim()
        .parse::<i32>()
        .ok()
        .filter(|y| (FIRST_YEAR..=today.year()).contains(y))
        .unwrap_or(today.year() - 1);
    let profile = Profile::parse(q.profile.trim()).unwrap_or(Profile::default_for(year));
    Ok(Chosen {
        year,
        root,
        profile,
        visible,
    })
}

pub async fn show(
    ctx: Ctx,
    user: CurrentUser,
    state: web::Data<AppState>,
    query: web::Query<ReportQuery>,
) -> Result<HttpResponse, AppError> {
    render(ctx, user, &state, query.into_inner(), None).await
}

async fn render(
    ctx: Ctx,
    user: CurrentUser,
    state: &AppState,
    q: ReportQuery,
    finalise_error: Option<String>,
) -> Result<HttpResponse, AppError> {
    let today = state.today();
    let is_admin = user.role == Role::Admin;
    let (chosen, report, published, years) = state
        .db(move |c| {
            let chosen = choose(c, &user, &q, today)?;
            let report = service::report::generate(c, &chosen.root, chosen.year, chosen.profile)?;
            let years = service::report::five_years(c, &chosen.root, chosen.year)?;
            let published = match service::report::published(c, &chosen.root, chosen.year, &report)?
            {
                Some((s, drift)) => {
                    let by = match s.finalised_by {
                        Some(id) => db::users::find(c, id)?.map(|u| u.display_name),
                        None => None,
                    };
                    Some((s, by.unwrap_or_default(), drift))
                }
                None => None,
            };
            Ok((chosen, report, published, years))
        })
        .await?;
    let picture = super::chart::years_svg(&years, &ctx.tr.t("report-picture"));
    let (published, drift) = match published {
        Some((s, by, drift)) => (Some((s, by)), drift),
        None => (None, Vec::new()),
    };
    let status = if finalise_error.is_some() {
        actix_web::http::StatusCode::BAD_REQUEST
    } else {
        actix_web::http::StatusCode::OK
    };
    html_status(
        status,
        &ReportPage {
            ctx,
            year: chosen.year,
            years: (FIRST_YEAR..=today.year()).rev().collect(),
            agency_id: chosen.root.id,
            agencies: chosen.visible,
            profile: chosen.profile,
            failed: report.checks.iter().filter(|c| !c.ok).count(),
            sheet: Sheet::new(report),
            can_finalise: chosen.year < today.year() && (published.is_none() || is_admin),
            published,
            drift,
            finalise_error,
            is_admin,
            picture,
        },
    )
}

#[derive(serde::Deserialize)]
pub struct FinaliseForm {
    year: String,
    agency: String,
    profile: String,
    #[serde(default)]
    reason: String,
}

/// Keeps this year's figures as published.
pub async fn finalise(
    req: HttpRequest,
    user: CurrentUser,
    state: web::Data<AppState>,
    CsrfForm(form): CsrfForm<FinaliseForm>,
) -> Result<HttpResponse, AppError> {
    let today = state.today();
    let q = ReportQuery {
        year: form.year.clone(),
        agency: form.agency.clone(),
        profile: form.profile.clone(),
        format: String::new(),
    };
    let (u, qq) = (user.clone(), q.clone());
    let result = state
        .db(move |c| {
            let chosen = choose(c, &u, &qq, today)?;
            let r = service::report::finalise(
                c,
                &u.actor(),
                u.role,
                &chosen.root,
                chosen.year,
                chosen.profile,
                &form.reason,
                today,
            );
            Ok((chosen.year, chosen.root.id, chosen.profile, r))
        })
        .await?;
    let ctx = Ctx::from_req(&req);
    match result {
        (year, agency, profile, Ok(())) => {
            flash(&req, ctx.tr.ta1("report-finalised", "year", year));
            Ok(redirect(&format!(
                "/report?year={year}&agency={agency}&profile={}",
                profile.code()
            )))
        }
        (_, _, _, Err(Fail::Refused(key) | Fail::Field { key, .. })) => {
            let text = ctx.tr.t(key);
            render(ctx, user, &state, q, Some(text)).await
        }
        (_, _, _, Err(e)) => Err(e.into()),
    }
}

/// The report as a file: Excel in the template's layout, JSON, or text.
pub async fn download(
    user: CurrentUser,
    state: web::Data<AppState>,
    query: web::Query<ReportQuery>,
) -> Result<HttpResponse, AppError> {
    let q = query.into_inner();
    let today = state.today();
    let qq = q.clone();
    let (chosen, report) = state
        .db(move |c| {
            let chosen = choose(c, &user, &qq, today)?;
            let report = service::report::generate(c, &chosen.root, chosen.year, chosen.profile)?;
            Ok((chosen, report))
        })
        .await?;
    let stem = format!(
        "{}-{}-{}",
        chosen.root.code,
        chosen.year,
        chosen.profile.code()
    );
    let (body, mime, ext) = match q.format.as_str() {
        // Excel is what offices download; it is the default.
        "" | "xlsx" => (
            crate::files::report_xlsx::write(&report)
                .map_err(|e| AppError::Internal(e.to_string()))?,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "xlsx",
        ),
        "json" => (
            serde_json::to_vec_pretty(&report).map_err(|e| AppError::Internal(e.to_string()))?,
            "application/json",
            "json",
        ),
        "text" => (
            report::narrative(&report).into_bytes(),
            "text/plain; charset=utf-8",
            "txt",
        ),
        _ => return Err(AppError::BadRequest("report-format-unknown")),
    };
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, mime))
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{stem}.{ext}\""),
        ))
        .body(body))
}
