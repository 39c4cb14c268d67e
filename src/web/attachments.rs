//! Files kept with a case: adding one on the case page, and opening one (of a
//! case, or sent with an online application still to confirm). Every opening
//! is written to the audit log; the bytes are served as the type they were
//! checked to be, never sniffed.

use super::AppState;
use super::cases::{Shown, case_page, conflict, staff};
use super::page::{Ctx, FieldErrors, flash, redirect};
use super::session::CurrentUser;
use super::upload::{self, Sent};
use crate::db::attachments::Listed;
use crate::domain::attachment::{self as rules, File, MAX_BYTES, MAX_PER_APPLICATION, Refusal};
use crate::error::AppError;
use crate::i18n::Tr;
use crate::service::{self, Fail};
use actix_multipart::Multipart;
use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};

/// A file as the case page and the applications list show it.
pub struct AttachmentRow {
    pub id: i64,
    pub kind: String,
    pub file_name: String,
    pub format: &'static str,
    pub size: String,
    /// Who added it: a member of staff, or the applicant.
    pub by: String,
    pub at: String,
}

impl AttachmentRow {
    pub fn new(tr: &Tr, a: Listed, by: Option<&String>) -> AttachmentRow {
        AttachmentRow {
            id: a.id,
            kind: tr.code("attachment-kind", &a.kind),
            format: rules::MediaType::parse(&a.media_type).map_or("", |m| m.label()),
            size: rules::size_label(a.size),
            by: by
                .cloned()
                .unwrap_or_else(|| tr.t("attachment-by-applicant")),
            at: super::cases::timeline_time(a.uploaded_at),
            file_name: a.file_name,
        }
    }
}

/// The files of a form checked, or the message for the first that is refused
/// (naming the file).
pub fn accept(tr: &Tr, sent: Vec<Sent>) -> Result<Vec<File>, String> {
    sent.into_iter()
        .map(|s| {
            let result = if s.too_large {
                Err(Refusal::TooLarge)
            } else {
                rules::accept(&s.name, s.bytes)
            };
            result.map_err(|r| refusal(tr, &s.name, &r))
        })
        .collect()
}

fn refusal(tr: &Tr, name: &str, r: &Refusal) -> String {
    let what = match r {
        Refusal::NotAllowed { what: Some(w) } => w.to_uppercase(),
        Refusal::Damaged(m) => m.label().to_string(),
        _ => String::new(),
    };
    let mib = (MAX_BYTES >> 20).to_string();
    tr.ta(
        &format!("attachment-refused-{}", r.code()),
        &[("name", name), ("what", &what), ("mib", &mib)],
    )
}

/// Reads a form with files: up to `MAX_PER_APPLICATION` files of at most the size
/// kept (a larger one is marked, not kept).
pub async fn read(req: &HttpRequest, form: Multipart) -> Result<upload::Upload, AppError> {
    upload::read(req, form, MAX_BYTES, MAX_PER_APPLICATION).await
}

/// Adds a file to a case: its kind and the file, with the case's version.
pub async fn add(
    req: HttpRequest,
    user: CurrentUser,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    form: Multipart,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let ctx = Ctx::from_req(&req);
    let tr = ctx.tr;
    let form = read(&req, form).await?;
    let (version, kind) = (
        form.field("version").to_string(),
        form.field("kind").to_string(),
    );
    let files = match accept(&tr, form.files) {
        Ok(files) if files.len() == 1 => Ok(files),
        Ok(_) => Err(tr.t("attachment-choose-one")),
        Err(text) => Err(text),
    };
    let file = match files {
        Ok(mut files) => files.remove(0),
        Err(text) => {
            let shown = refused(&tr, &kind, "file", text);
            return case_page(ctx, &state, &user, id, shown).await;
        }
    };
    let u = user.clone();
    let to_keep = kind.clone();
    let result = state
        .db(move |c| {
            let staff = staff(c, &u)?;
            match service::attachments::add_to_case(c, &staff, id, &version, &to_keep, &file) {
                Ok(_) => Ok(Ok(())),
                Err(Fail::Conflict { by, at }) => {
                    let who = match by {
                        Some(by) => crate::db::users::find(c, by)?.map(|u| u.display_name),
                        None => None,
                    };
                    Ok(Err(Shown::alert(conflict(&tr, who, at))))
                }
                Err(Fail::Field { field, key }) => {
                    Ok(Err(refused(&tr, &to_keep, field, tr.t(key))))
                }
                Err(Fail::Refused(key)) => Ok(Err(Shown::alert(tr.t(key)))),
                Err(e) => Err(e.into()),
            }
        })
        .await?;
    match result {
        Ok(()) => {
            flash(&req, tr.t("attachment-added"));
            Ok(redirect(&format!("/cases/{id}#attachments")))
        }
        Err(shown) => case_page(ctx, &state, &user, id, shown).await,
    }
}

/// The case page with the file form open and its message beside the field.
fn refused(tr: &Tr, kind: &str, field: &'static str, text: String) -> Shown {
    Shown {
        open_form: "attachments".into(),
        errors: FieldErrors::one(field, text),
        alert: Some(tr.t("form-has-errors")),
        status: StatusCode::BAD_REQUEST,
        submitted: [("kind".to_string(), kind.to_string())].into(),
        ..Shown::plain()
    }
}

/// A file's bytes, as the type it was checked to be; shown in the browser.
fn serve(a: Listed, bytes: Vec<u8>) -> HttpResponse {
    let disposition = header::ContentDisposition {
        disposition: header::DispositionType::Inline,
        parameters: vec![header::DispositionParam::FilenameExt(
            header::ExtendedValue {
                charset: header::Charset::Ext("UTF-8".into()),
                language_tag: None,
                value: a.file_name.into_bytes(),
            },
        )],
    };
    HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, a.media_type))
        .insert_header(disposition)
        .insert_header((header::CACHE_CONTROL, "private, no-store"))
        // Nothing in it may load or run anything else (no `sandbox`: browsers refuse
        // to show a PDF in a sandboxed page).
        .insert_header((
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'",
        ))
        .body(bytes)
}

/// Opens a file of a case.
pub async fn open(
    user: CurrentUser,
    state: web::Data<AppState>,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, AppError> {
    let (case_id, attachment_id) = path.into_inner();
    let (a, bytes) = state
        .db(move |c| {
            let staff = staff(c, &user)?;
            let actor = user.actor();
            Ok(service::attachments::open_of_case(
                c,
                &staff,
                &actor,
                case_id,
                attachment_id,
            )?)
        })
        .await?;
    Ok(serve(a, bytes))
}

/// Opens a file sent with an online application.
pub async fn open_sent(
    user: CurrentUser,
    state: web::Data<AppState>,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, AppError> {
    let (application_id, attachment_id) = path.into_inner();
    let (a, bytes) = state
        .db(move |c| {
            let staff = staff(c, &user)?;
            let actor = user.actor();
            Ok(service::attachments::open_of_application(
                c,
                &staff,
                &actor,
                application_id,
                attachment_id,
            )?)
        })
        .await?;
    Ok(serve(a, bytes))
}
