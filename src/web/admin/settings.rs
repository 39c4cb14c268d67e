//! The office's settings: the periods the law leaves to it, the review steps each
//! agency's answers pass (art. 17), the topic list, the hour of the supervisors' daily
//! digest, and the hours SMS may reach staff.

use crate::db::{self, agencies::Agency};
use crate::domain::review::Step;
use crate::domain::scope::Role;
use crate::error::AppError;
use crate::service::{
    self, Fail,
    mail::SmsHoursInput,
    rules::{RulesInput, Topic},
};
use crate::web::AppState;
use crate::web::admin::agencies::tree_order;
use crate::web::csrf::{ActiveForm, CsrfForm};
use crate::web::page::{Ctx, FieldErrors, flash, html_status, redirect};
use crate::web::session::CurrentUser;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

#[derive(Template)]
#[template(path = "admin/settings.html")]
struct SettingsPage {
    ctx: Ctx,
    rules: RulesInput,
    topics: Vec<Topic>,
    topic_name: String,
    /// The digest's hour as typed, or as stored.
    digest_hour: String,
    /// Every agency in tree order, with its depth and its review steps.
    review: Vec<(Agency, usize, Vec<Step>)>,
    /// Staff's SMS hours as typed, or as stored.
    sms: SmsHoursInput,
    errors: FieldErrors,
}

impl SettingsPage {
    fn steps(&self) -> [Step; 3] {
        Step::ALL
    }
}

/// What a refused form typed, shown again instead of what is stored.
#[derive(Default)]
struct Typed {
    digest_hour: Option<String>,
    sms: Option<SmsHoursInput>,
}

async fn page(
    ctx: Ctx,
    state: &AppState,
    rules: Option<RulesInput>,
    topic_name: String,
    errors: FieldErrors,
) -> Result<HttpResponse, AppError> {
    page_with(ctx, state, rules, topic_name, Typed::default(), errors).await
}

async fn page_with(
    ctx: Ctx,
    state: &AppState,
    rules: Option<RulesInput>,
    topic_name: String,
    typed: Typed,
    errors: FieldErrors,
) -> Result<HttpResponse, AppError> {
    let (stored, topics, hour, review, sms) = state
        .db(|c| {
            let mut steps = db::review::all_steps(c)?;
            let review = tree_order(db::agencies::all(c)?)
                .into_iter()
                .map(|(a, depth)| {
                    let s = steps.remove(&a.id).unwrap_or_default();
                    (a, depth, s)
                })
                .collect();
            Ok((
                service::rules::load(c)?,
                service::rules::topics(c)?,
                service::mail::digest_hour(c)?,
                review,
                service::mail::sms_hours(c)?,
            ))
        })
        .await?;
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    let rules = rules.unwrap_or_else(|| RulesInput::from(&stored));
    html_status(
        status,
        &SettingsPage {
            ctx,
            rules,
            topics,
            topic_name,
            digest_hour: typed.digest_hour.unwrap_or_else(|| hour.to_string()),
            review,
            sms: typed.sms.unwrap_or_else(|| SmsHoursInput::from(&sms)),
            errors,
        },
    )
}

pub async fn show(
    ctx: Ctx,
    user: CurrentUser,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    user.require(Role::Admin)?;
    page(ctx, &state, None, String::new(), FieldErrors::default()).await
}

pub async fn save_rules(
    req: HttpRequest,
    user: CurrentUser,
    state: web::Data<AppState>,
    CsrfForm(input): CsrfForm<RulesInput>,
) -> Result<HttpResponse, AppError> {
    user.require(Role::Admin)?;
    let actor = user.actor();
    let today = state.today();
    let to_save = input.clone();
    let result = state
        .db(move |c| Fail::for_form(service::rules::save(c, &actor, &to_save, today)))
        .await?;
    let ctx = Ctx::from_req(&req);
    match result {
        Ok(()) => {
            flash(&req, ctx.tr.t("settings-saved"));
            Ok(redirect("/admin/settings"))
        }
        Err(fields) => {
            let errors = FieldErrors::from_fails(&ctx.tr, &fields);
            page(ctx, &state, Some(input), String::new(), errors).await
        }
    }
}

#[derive(serde::Deserialize)]
pub struct TopicForm {
    #[serde(default)]
    name: String,
}

pub async fn add_topic(
    req: HttpRequest,
    user: CurrentUser,
    state: web::Data<AppState>,
    CsrfForm(form): CsrfForm<TopicForm>,
) -> Result<HttpResponse, AppError> {
    user.require(Role::Admin)?;
    let actor = user.actor();
    let name = form.name.clone();
    let result = state
        .db(move |c| Fail::for_form(service::rules::add_topic(c, &actor, &name)))
        .await?;
    let ctx = Ctx::from_req(&req);
    match result {
        Ok(()) => Ok(redirect("/admin/settings")),
        Err(fails) => {
            let key = fails.first().map(|f| f.1).unwrap_or("error-bad-form");
            let errors = FieldErrors::one("topic", ctx.tr.t(key));
            page(ctx, &state, None, form.name, errors).await
        }
    }
}

pub async fn set_topic(
    user: CurrentUser,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    CsrfForm(form): CsrfForm<ActiveForm>,
) -> Result<HttpResponse, AppError> {
    user.require(Role::Admin)?;
    let actor = user.actor();
    let id = path.into_inner();
    let active = form.active();
    state
        .db(move |c| Ok(service::rules::set_topic_active(c, &actor, id, active)?))
        .await?;
    Ok(redirect("/admin/settings"))
}

#[derive(serde::Deserialize)]
pub struct MailForm {
    #[serde(default)]
    digest_hour: String,
}

/// The hour the supervisors' daily digest goes out (China time).
pub async fn save_mail(
    req: HttpRequest,
    user: CurrentUser,
    state: web::Data<AppState>,
    CsrfForm(form): CsrfForm<MailForm>,
) -> Result<HttpResponse, AppError> {
    user.require(Role::Admin)?;
    let actor = user.actor();
    let typed = form.digest_hour.clone();
    let result = state
        .db(move |c| Fail::for_form(service::mail::save_digest_hour(c, &actor, &typed)))
        .await?;
    let ctx = Ctx::from_req(&req);
    match result {
        Ok(_) => {
            flash(&req, ctx.tr.t("settings-mail-saved"));
            Ok(redirect("/admin/settings"))
        }
        Err(fields) => {
            let errors = FieldErrors::from_fails(&ctx.tr, &fields);
            let typed = Typed {
                digest_hour: Some(form.digest_hour),
                ..Typed::default()
            };
            page_with(ctx, &state, None, String::new(), typed, errors).await
        }
    }
}

/// The hours SMS may reach staff (China time), and whether on working days only.
pub async fn save_sms(
    req: HttpRequest,
    user: CurrentUser,
    state: web::Data<AppState>,
    CsrfForm(form): CsrfForm<SmsHoursInput>,
) -> Result<HttpResponse, AppError> {
    user.require(Role::Admin)?;
    let actor = user.actor();
    let typed = form.clone();
    let result = state
        .db(move |c| Fail::for_form(service::mail::save_sms_hours(c, &actor, &typed)))
        .await?;
    let ctx = Ctx::from_req(&req);
    match result {
        Ok(_) => {
            flash(&req, ctx.tr.t("settings-sms-saved"));
            Ok(redirect("/admin/settings"))
        }
        Err(fields) => {
            let errors = FieldErrors::from_fails(&ctx.tr, &fields);
            let typed = Typed {
                sms: Some(form),
                ..Typed::default()
            };
            page_with(ctx, &state, None, String::new(), typed, errors).await
        }
    }
}

/// The review steps of every agency, as ticked (art. 17).
pub async fn save_review(
    req: HttpRequest,
    user: CurrentUser,
    state: web::Data<AppState>,
    CsrfForm(fields): CsrfForm<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    user.require(Role::Admin)?;
    let actor = user.actor();
    state
        .db(move |c| Ok(service::review::save(c, &actor, &fields)?))
        .await?;
    let ctx = Ctx::from_req(&req);
    flash(&req, ctx.tr.t("settings-review-saved"));
    Ok(redirect("/admin/settings#review"))
}
