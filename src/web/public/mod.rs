//! The public area: the application form (`/apply`) and the status lookup
//! (`/track`), for people without an account. Its own layout, without the
//! staff navigation. Both forms carry the session's CSRF token (anonymous
//! visitors have a session too) and are rate-limited per address in the
//! database, so every instance counts together.

use super::AppState;
use super::attachments;
use super::csrf::CsrfForm;
use super::page::{Ctx, FieldErrors, html, html_status};
use super::upload::{self, Sent};
use crate::db;
use crate::db::agencies::Agency;
use crate::domain::attachment::{MAX_BYTES, MAX_PER_APPLICATION};
use crate::domain::calendar::china_time;
use crate::domain::outcome::RequesterType;
use crate::domain::public::{APPLY_LIMIT, APPLY_WINDOW, TRACK_LIMIT, TRACK_WINDOW};
use crate::error::AppError;
use crate::service::Fail;
use crate::service::cases::{DELIVERY_FORMS, ID_TYPES, MAX_SUBJECT};
use crate::service::public::{self as svc, Applied, ApplyInput, Tracked};
use actix_multipart::Multipart;
use actix_session::SessionExt;
use actix_web::http::StatusCode;
use actix_web::{FromRequest, HttpRequest, HttpResponse, web};
use askama::Template;
use rand::Rng;

/// The session keys: the application last verified on `/track` (its letters may be
/// opened), and the last application shown as stored (a form posted again shows its
/// code once more).
const TRACKED: &str = "tracked_application";
const APPLIED: &str = "applied";

#[derive(Template)]
#[template(path = "public/apply.html")]
struct ApplyPage {
    ctx: Ctx,
    input: ApplyInput,
    agencies: Vec<Agency>,
    errors: FieldErrors,
    alert: Option<String>,
    max_subject: usize,
}

impl ApplyPage {
    fn max_files(&self) -> usize {
        MAX_PER_APPLICATION
    }
    fn max_mib(&self) -> usize {
        MAX_BYTES >> 20
    }
}

impl ApplyPage {
    fn requester_types(&self) -> &'static [RequesterType] {
        &RequesterType::ALL
    }
    fn id_types(&self) -> &'static [&'static str] {
        &ID_TYPES
    }
    fn delivery_forms(&self) -> &'static [&'static str] {
        &DELIVERY_FORMS
    }
}

#[derive(Template)]
#[template(path = "public/applied.html")]
struct AppliedPage {
    ctx: Ctx,
    tracking_no: String,
    code: Option<String>,
}

/// Counts one attempt of `key`; true when it is over `limit`.
async fn over_limit(
    state: &AppState,
    key: String,
    limit: u32,
    window: chrono::Duration,
) -> Result<bool, AppError> {
    let (n, _) = state
        .db(move |c| Ok(db::login_attempts::claim(c, &key, window)?))
        .await?;
    Ok(n > limit)
}

async fn apply_page(
    ctx: Ctx,
    state: &AppState,
    input: ApplyInput,
    errors: FieldErrors,
    alert: Option<String>,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let agencies = state.db(|c| Ok(db::agencies::all(c)?)).await?;
    let input = match agencies.as_slice() {
        [only] if input.agency_code.is_empty() => ApplyInput {
            agency_code: only.code.clone(),
            ..input
        },
        _ => input,
    };
    html_status(
        status,
        &ApplyPage {
            ctx,
            input,
            agencies,
            errors,
            alert,
            max_subject: MAX_SUBJECT,
        },
    )
}

/// An empty form, with its one-time token.
fn blank() -> ApplyInput {
    ApplyInput {
        form_token: uuid::Uuid::new_v4().to_string(),
        requester_type: "natural_person".into(),
        id_type: "resident_id".into(),
        delivery_method: "email".into(),
        ..Default::default()
    }
}

pub async fn apply_form(ctx: Ctx, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let (errors, status) = (FieldErrors::default(), StatusCode::OK);
    apply_page(ctx, &state, blank(), errors, None, status).await
}

/// The posted form: url-encoded as other systems post it, or with files as the
/// page posts it.
async fn read_application(
    req: &HttpRequest,
    payload: web::Payload,
) -> Result<(ApplyInput, Vec<Sent>), AppError> {
    if upload::is_multipart(req) {
        let form = Multipart::new(req.headers(), payload);
        // One file more than allowed is read, to be refused beside the field.
        let form = upload::read(req, form, MAX_BYTES, MAX_PER_APPLICATION + 1).await?;
        let input = form.form()?;
        Ok((input, form.files))
    } else {
        let mut payload = payload.into_inner();
        let CsrfForm(input) = CsrfForm::<ApplyInput>::from_request(req, &mut payload).await?;
        Ok((input, Vec::new()))
    }
}

pub async fn apply(
    req: HttpRequest,
    state: web::Data<AppState>,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    let ctx = Ctx::from_req(&req);
    let tr = ctx.tr;
    // The limit first: an address past it does not get to send files (up to 100 MiB a
    // post) to be read into memory.
    if over_limit(
        &state,
        format!("apply:{}", super::client::of(&req)),
        APPLY_LIMIT,
        APPLY_WINDOW,
    )
    .await?
    {
        let alert = Some(tr.t("apply-too-many"));
        let status = StatusCode::TOO_MANY_REQUESTS;
        return apply_page(ctx, &state, blank(), FieldErrors::default(), alert, status).await;
    }
    let (input, sent) = read_application(&req, payload).await?;
    if !input.website.trim().is_empty() {
        // A robot filled the hidden field: it is shown what a person would be, and
        // nothing is stored.
        let year = chrono::Datelike::year(&state.today());
        let seq = rand::rng().random_range(1..10000);
        let tracking_no = crate::domain::case::case_number(input.agency_code.trim(), year, seq);
        let code = svc::access_code();
        return html(&AppliedPage {
            ctx,
            tracking_no,
            code: Some(code),
        });
    }
    let sent_any = !sent.is_empty();
    let files = if sent.len() > MAX_PER_APPLICATION {
        Err(tr.ta1("attachment-too-many", "max", MAX_PER_APPLICATION))
    } else {
        attachments::accept(&tr, sent)
    };
    let files = match files {
        Ok(files) => files,
        Err(refused) => {
            // The other fields' messages too, so the form is put right at once.
            let to_check = input.clone();
            let others = state
                .db(move |c| Fail::for_form(svc::validate(c, &to_check)))
                .await?;
            let mut errors = FieldErrors::one("files", refused);
            if let Err(fails) = others {
                for (field, key) in fails {
                    errors.add(field, tr.t(key));
                }
            }
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            return apply_page(ctx, &state, input, errors, None, status).await;
        }
    };
    let now = china_time(db::now()).time();
    let arrived_at = state.today().and_time(now);
    let to_store = input.clone();
    let stored = state
        .db(move |c| Fail::for_form(svc::apply(c, &to_store, &files, arrived_at)))
        .await?;
    match stored {
        Ok(applied) => {
            let session = req.get_session();
            let Applied {
                tracking_no, code, ..
            } = applied;
            // Shown again if the same form comes back (Back and send again).
            let code = match code {
                Some(code) => {
                    let _ = session.insert(APPLIED, (&input.form_token, &tracking_no, &code));
                    Some(code)
                }
                None => session
                    .get::<(String, String, String)>(APPLIED)
                    .ok()
                    .flatten()
                    .filter(|(t, n, _)| *t == input.form_token && *n == tracking_no)
                    .map(|(_, _, c)| c),
            };
            html(&AppliedPage {
                ctx,
                tracking_no,
                code,
            })
        }
        Err(fails) => {
            let mut errors = FieldErrors::from_fails(&tr, &fails);
            if sent_any {
                errors.add("files", tr.t("apply-files-again"));
            }
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            apply_page(ctx, &state, input, errors, None, status).await
        }
    }
}

#[derive(Template)]
#[template(path = "public/track.html")]
struct TrackPage {
    ctx: Ctx,
    number: String,
    alert: Option<String>,
    found: Option<Tracked>,
}

impl TrackPage {
    fn letter_title(&self, l: &db::cases::LetterRow) -> String {
        match &l.doc_number {
            Some(n) => format!("{}（{n}）", l.title),
            None => l.title.clone(),
        }
    }
}

#[derive(serde::Deserialize)]
pub struct TrackForm {
    #[serde(default)]
    number: String,
    #[serde(default)]
    code: String,
}

pub async fn track_form(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let ctx = Ctx::from_req(&req);
    // Back from a letter: the application verified in this session, shown again.
    let verified = req.get_session().get::<i64>(TRACKED).ok().flatten();
    let found = match verified {
        Some(id) => state.db(move |c| Ok(svc::tracked_by_id(c, id)?)).await?,
        None => None,
    };
    html(&TrackPage {
        ctx,
        number: found
            .as_ref()
            .map(|f| f.application.tracking_no.clone())
            .unwrap_or_default(),
        alert: None,
        found,
    })
}

pub async fn track(
    req: HttpRequest,
    state: web::Data<AppState>,
    CsrfForm(form): CsrfForm<TrackForm>,
) -> Result<HttpResponse, AppError> {
    let ctx = Ctx::from_req(&req);
    let session = req.get_session();
    session.remove(TRACKED);
    let number: String = form.number.trim().chars().take(50).collect();
    if over_limit(
        &state,
        format!("track:{}", super::client::of(&req)),
        TRACK_LIMIT,
        TRACK_WINDOW,
    )
    .await?
    {
        let alert = Some(ctx.tr.t("track-too-many"));
        return html_status(
            StatusCode::TOO_MANY_REQUESTS,
            &TrackPage {
                ctx,
                number,
                alert,
                found: None,
            },
        );
    }
    let (n, code) = (number.clone(), form.code);
    let found = state.db(move |c| Ok(svc::track(c, &n, &code)?)).await?;
    let alert = match &found {
        Some(f) => {
            let _ = session.insert(TRACKED, f.application.id);
            None
        }
        None => Some(ctx.tr.t("track-not-found")),
    };
    html(&TrackPage {
        ctx,
        number,
        alert,
        found,
    })
}

#[derive(Template)]
#[template(path = "public/letter.html")]
struct LetterPage {
    ctx: Ctx,
    title: String,
    html: String,
}

/// A released letter of the application verified in this session; anything else
/// is not found.
pub async fn letter(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let ctx = Ctx::from_req(&req);
    let letter_id = path.into_inner();
    let verified = req
        .get_session()
        .get::<i64>(TRACKED)
        .ok()
        .flatten()
        .ok_or(AppError::NotFound)?;
    let found = state
        .db(move |c| Ok(svc::tracked_by_id(c, verified)?))
        .await?
        .ok_or(AppError::NotFound)?;
    let letter = found
        .letters
        .into_iter()
        .find(|l| l.id == letter_id)
        .ok_or(AppError::NotFound)?;
    let html_body = super::letters::stored_html(&letter.body)?;
    html(&LetterPage {
        ctx,
        title: letter.title,
        html: html_body,
    })
}
