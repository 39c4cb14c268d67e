//! Forms with files (multipart/form-data): the ledger on the admin page, a
//! case's attachments, and the public application form. One reader checks the
//! CSRF token and the text fields as `CsrfForm` does, and keeps each file's
//! bytes up to a limit: a larger file is marked, its rest read and dropped, so
//! the form can say which file was too large.

use super::csrf;
use crate::error::AppError;
use actix_multipart::Multipart;
use actix_session::SessionExt;
use actix_web::HttpRequest;
use futures_util::StreamExt;

/// A file as the browser sent it.
pub struct Sent {
    /// The form field it came in.
    pub field: String,
    /// The name the browser gave (a path on some systems).
    pub name: String,
    pub bytes: Vec<u8>,
    /// Over the limit: `bytes` holds nothing.
    pub too_large: bool,
}

/// A form's text fields and files.
pub struct Upload {
    pub fields: Vec<(String, String)>,
    pub files: Vec<Sent>,
}

impl Upload {
    pub fn field(&self, name: &str) -> &str {
        self.fields
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    }

    /// The text fields read into a form struct, as `CsrfForm` would.
    pub fn form<T: serde::de::DeserializeOwned>(&self) -> Result<T, AppError> {
        let encoded = serde_urlencoded::to_string(&self.fields)
            .map_err(|_| AppError::BadRequest("error-bad-form"))?;
        serde_urlencoded::from_str(&encoded).map_err(|_| AppError::BadRequest("error-bad-form"))
    }
}

/// The most text a form with files may carry besides them.
const MAX_TEXT: usize = 1 << 20;

/// Reads a multipart form: files up to `max_file` bytes each, at most `max_files`
/// of them (more is a bad form). Inputs left empty (no file chosen) are skipped.
pub async fn read(
    req: &HttpRequest,
    mut form: Multipart,
    max_file: usize,
    max_files: usize,
) -> Result<Upload, AppError> {
    let bad = |_| AppError::BadRequest("error-bad-form");
    let mut fields = Vec::new();
    let mut files = Vec::new();
    let mut text = 0usize;
    // All a form may carry: its files, one more (to be refused by name) and its text.
    // Past that the post is refused outright rather than read on.
    let most = (max_files + 1) * max_file + MAX_TEXT;
    let mut read = 0usize;
    while let Some(field) = form.next().await {
        let mut field = field.map_err(bad)?;
        let name = field.name().unwrap_or_default().to_string();
        let file_name = field
            .content_disposition()
            .and_then(|d| d.get_filename().map(str::to_string));
        let limit = if file_name.is_some() {
            max_file
        } else {
            MAX_TEXT
        };
        let mut bytes = Vec::new();
        let mut too_large = false;
        while let Some(chunk) = field.next().await {
            let chunk = chunk.map_err(bad)?;
            read += chunk.len();
            if read > most {
                return Err(AppError::BadRequest("error-too-large"));
            }
            if too_large || bytes.len() + chunk.len() > limit {
                too_large = true;
                bytes = Vec::new();
                continue;
            }
            bytes.extend_from_slice(&chunk);
        }
        match file_name {
            Some(file_name) => {
                if file_name.is_empty() && bytes.is_empty() && !too_large {
                    continue;
                }
                if files.len() == max_files {
                    return Err(AppError::BadRequest("upload-too-many"));
                }
                files.push(Sent {
                    field: name,
                    name: file_name,
                    bytes,
                    too_large,
                });
            }
            None => {
                text += bytes.len();
                if too_large || text > MAX_TEXT {
                    return Err(AppError::BadRequest("error-too-large"));
                }
                let value =
                    String::from_utf8(bytes).map_err(|_| AppError::BadRequest("error-bad-form"))?;
                fields.push((name, value));
            }
        }
    }
    let token = fields
        .iter()
        .find(|(k, _)| k == "csrf_token")
        .map_or("", |(_, v)| v.as_str());
    if !csrf::matches(&req.get_session(), token) {
        return Err(AppError::Csrf);
    }
    if fields
        .iter()
        .any(|(k, v)| super::input::refused(k, v) || k.chars().any(char::is_control))
    {
        return Err(AppError::BadRequest("error-control-chars"));
    }
    Ok(Upload { fields, files })
}

/// Whether a request carries a form with files.
pub fn is_multipart(req: &HttpRequest) -> bool {
    req.headers()
        .get(actix_web::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.trim_start()
                .to_ascii_lowercase()
                .starts_with("multipart/form-data")
        })
}
