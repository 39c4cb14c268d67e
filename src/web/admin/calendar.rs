//! The official calendar: a year as a month grid with holidays and make-up
//! workdays marked, corrections day by day, and CSV import.

use crate::db::{self, calendar::DayRow};
use crate::domain::calendar::DayKind;
use crate::domain::scope::Role;
use crate::error::AppError;
use crate::files::calendar::{MAX_FESTIVAL_LEN, MAX_NOTICE_LEN};
use crate::service::{self, Fail};
use crate::web::AppState;
use crate::web::csrf::{CsrfForm, CsvForm};
use crate::web::page::{Ctx, FieldErrors, flash, html_status, redirect};
use crate::web::session::CurrentUser;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::{Datelike, NaiveDate, Weekday};

pub struct Cell {
    pub day: NaiveDate,
    /// CSS class: work, weekend, holiday or makeup.
    pub class: &'static str,
    pub festival: String,
}

pub struct Month {
    pub number: u32,
    pub weeks: Vec<[Option<Cell>; 7]>,
}

#[derive(Template)]
#[template(path = "admin/calendar.html")]
struct CalendarPage {
    ctx: Ctx,
    year: i32,
    loaded: bool,
    years: Vec<(i32, i64)>,
    working_days: u32,
    months: Vec<Month>,
    form: DayForm,
    errors: FieldErrors,
    import_text: String,
    import_error: Option<String>,
}

#[derive(serde::Deserialize)]
pub struct YearQuery {
    year: Option<i32>,
}

#[derive(serde::Deserialize, Default, Clone)]
pub struct DayForm {
    #[serde(default)]
    pub date: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub festival: String,
    #[serde(default)]
    pub notice: String,
}

fn months(year: i32, days: &[db::calendar::Day]) -> Vec<Month> {
    (1..=12)
        .filter_map(|m| {
            let first = NaiveDate::from_ymd_opt(year, m, 1)?;
            let mut weeks: Vec<[Option<Cell>; 7]> = vec![Default::default()];
            let mut d = first;
            while d.month() == m {
                let col = d.weekday().num_days_from_monday() as usize;
                if col == 0 && d != first {
                    weeks.push(Default::default());
                }
                let over = days.iter().find(|x| x.day == d);
                let weekend = matches!(d.weekday(), Weekday::Sat | Weekday::Sun);
                let class = match over.and_then(|o| DayKind::parse(&o.kind)) {
                    Some(DayKind::Holiday) => "holiday",
                    Some(DayKind::Workday) => "makeup",
                    None if weekend => "weekend",
                    None => "work",
                };
                if let Some(week) = weeks.last_mut() {
                    week[col] = Some(Cell {
                        day: d,
                        class,
                        festival: over.map(|o| o.festival.clone()).unwrap_or_default(),
                    });
                }
                d = d.succ_opt()?;
            }
            Some(Month { number: m, weeks })
        })
        .collect()
}

async fn page(
    ctx: Ctx,
    state: &AppState,
    year: i32,
    form: DayForm,
    errors: FieldErrors,
    import_text: String,
    import_error: Option<String>,
) -> Result<HttpResponse, AppError> {
    let (days, years, cal) = state
        .db(move |c| {
            Ok((
                db::calendar::year(c, year)?,
                db::calendar::loaded_years(c)?,
                db::calendar::load(c)?,
            ))
        })
        .await?;
    let bad = !errors.is_empty() || import_error.is_some();
    let status = if bad {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    html_status(
        status,
        &CalendarPage {
            ctx,
            year,
            loaded: years.iter().any(|(y, _)| *y == year),
            working_days: cal.working_days_in_year(year),
            months: months(year, &days),
            years,
            form,
            errors,
            import_text,
            import_error,
        },
    )
}

pub async fn show(
    ctx: Ctx,
    user: CurrentUser,
    state: web::Data<AppState>,
    q: web::Query<YearQuery>,
) -> Result<HttpResponse, AppError> {
    user.require(Role::Admin)?;
    let year = q
        .year
        .filter(|y| (1990..=2100).contains(y))
        .unwrap_or_else(|| chrono::Local::now().year());
    page(
        ctx,
        &state,
        year,
        DayForm::default(),
        FieldErrors::default(),
        String::new(),
        None,
    )
    .await
}

pub async fn set_day(
    req: HttpRequest,
    user: CurrentUser,
    state: web::Data<AppState>,
    CsrfForm(form): CsrfForm<DayForm>,
) -> Result<HttpResponse, AppError> {
    user.require(Role::Admin)?;
    let ctx = Ctx::from_req(&req);
    let Ok(day) = NaiveDate::parse_from_str(form.date.trim(), "%Y-%m-%d") else {
        let errors = FieldErrors::one("date", ctx.tr.t("field-invalid-date"));
        let year = chrono::Local::now().year();
        return page(ctx, &state, year, form, errors, String::new(), None).await;
    };
    let kind = match form.kind.as_str() {
        "normal" => None,
        k => match DayKind::parse(k) {
            Some(k) => Some(k),
            None => {
                let errors = FieldErrors::one("kind", ctx.tr.t("field-invalid-choice"));
                return page(ctx, &state, day.year(), form, errors, String::new(), None).await;
            }
        },
    };
    let weekend = matches!(day.weekday(), Weekday::Sat | Weekday::Sun);
    if kind == Some(DayKind::Workday) && !weekend {
        let errors = FieldErrors::one("kind", ctx.tr.t("calendar-workday-weekday"));
        return page(ctx, &state, day.year(), form, errors, String::new(), None).await;
    }
    // Too long is refused with a message, as the CSV refuses it, rather
    // than cut short without a word.
    let texts = service::optional(&form.festival, "festival", MAX_FESTIVAL_LEN).and_then(|f| {
        Ok((
            f,
            service::optional(&form.notice, "notice", MAX_NOTICE_LEN)?,
        ))
    });
    let (festival, notice) = match texts {
        Ok(t) => t,
        Err(Fail::Field { field, key }) => {
            let errors = FieldErrors::one(field, ctx.tr.t(key));
            return page(ctx, &state, day.year(), form, errors, String::new(), None).await;
        }
        Err(e) => return Err(e.into()),
    };
    let actor = user.actor();
    let row = kind.map(|kind| DayRow {
        day,
        kind,
        festival,
        notice,
    });
    state
        .db(move |c| {
            let r = match &row {
                Some(row) => service::calendar::put_day(c, &actor, row),
                None => service::calendar::remove_day(c, &actor, day),
            };
            match r {
                Ok(()) | Err(Fail::NotFound) => Ok(()),
                Err(e) => Err(e.into()),
            }
        })
        .await?;
    flash(
        &req,
        ctx.tr.ta("calendar-saved", &[("date", &day.to_string())]),
    );
    Ok(redirect(&format!("/admin/calendar?year={}", day.year())))
}

pub async fn import(
    req: HttpRequest,
    user: CurrentUser,
    state: web::Data<AppState>,
    CsrfForm(form): CsrfForm<CsvForm>,
) -> Result<HttpResponse, AppError> {
    user.require(Role::Admin)?;
    if let Some(e) = form.too_large(&Ctx::from_req(&req).tr) {
        let year = chrono::Local::now().year();
        let (ctx, none) = (Ctx::from_req(&req), FieldErrors::default());
        return page(
            ctx,
            &state,
            year,
            DayForm::default(),
            none,
            String::new(),
            Some(e),
        )
        .await;
    }
    let actor = user.actor();
    let text = form.csv.clone();
    let result = state
        .db(
            move |c| match service::calendar::import(c, &actor, "CSV", text.as_bytes()) {
                Ok(s) => Ok(Ok(s)),
                Err(Fail::Import(e)) => Ok(Err(e.to_string())),
                Err(e) => Err(e.into()),
            },
        )
        .await?;
    let ctx = Ctx::from_req(&req);
    match result {
        Ok(s) => {
            let (added, replaced) = (s.added.to_string(), s.replaced.to_string());
            flash(
                &req,
                ctx.tr.ta(
                    "calendar-imported",
                    &[("added", &added), ("replaced", &replaced)],
                ),
            );
            Ok(redirect("/admin/calendar"))
        }
        Err(message) => {
            let year = chrono::Local::now().year();
            page(
                ctx,
                &state,
                year,
                DayForm::default(),
                FieldErrors::default(),
                form.csv,
                Some(message),
            )
            .await
        }
    }
}
