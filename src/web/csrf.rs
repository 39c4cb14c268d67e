//! CSRF protection: every form carries the session's token in the hidden
//! field `csrf_token`; `CsrfForm<T>` refuses a POST whose token is missing
//! or wrong before the handler runs.

use crate::error::AppError;
use actix_session::{Session, SessionExt};
use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, web};
use base64::Engine;
use rand::Rng;
use serde::de::DeserializeOwned;
use std::future::Future;
use std::pin::Pin;

const KEY: &str = "csrf";
/// The largest form accepted: room for a 2 MiB CSV once percent-encoded
/// (Chinese text triples in size).
pub const MAX_BODY: usize = 7 << 20;
/// The largest CSV a page accepts, pasted or uploaded (the documented limit).
pub const MAX_CSV_BYTES: usize = 2 << 20;

/// The session's token, created on first use.
pub fn token(session: &Session) -> String {
    if let Ok(Some(t)) = session.get::<String>(KEY) {
        return t;
    }
    let t =
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(rand::rng().random::<[u8; 32]>());
    let _ = session.insert(KEY, &t);
    t
}

/// Whether a token sent by a form the extractor cannot read (a file upload)
/// is the session's.
pub fn matches(session: &Session, sent: &str) -> bool {
    match session.get::<String>(KEY) {
        Ok(Some(expected)) => !sent.is_empty() && same(sent.as_bytes(), expected.as_bytes()),
        _ => false,
    }
}

fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[derive(serde::Deserialize)]
struct TokenOnly {
    #[serde(default)]
    csrf_token: String,
}

/// A url-encoded form whose CSRF token has been checked.
pub struct CsrfForm<T>(pub T);

impl<T: DeserializeOwned + 'static> FromRequest for CsrfForm<T> {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let req = req.clone();
        let body = web::Bytes::from_request(&req, payload);
        Box::pin(async move {
            let body = body.await.map_err(|e| {
                if e.as_response_error().status_code().as_u16() == 413 {
                    AppError::BadRequest("error-too-large")
                } else {
                    AppError::BadRequest("error-bad-form")
                }
            })?;
            if body.len() > MAX_BODY {
                return Err(AppError::BadRequest("error-too-large"));
            }
            let sent: TokenOnly =
                serde_urlencoded::from_bytes(&body).map_err(|_| AppError::Csrf)?;
            let expected = req
                .get_session()
                .get::<String>(KEY)
                .ok()
                .flatten()
                .ok_or(AppError::Csrf)?;
            if sent.csrf_token.is_empty() || !same(sent.csrf_token.as_bytes(), expected.as_bytes())
            {
                return Err(AppError::Csrf);
            }
            if super::input::first_refused(&body).is_some() {
                return Err(AppError::BadRequest("error-control-chars"));
            }
            serde_urlencoded::from_bytes(&body)
                .map(CsrfForm)
                .map_err(|_| AppError::BadRequest("error-bad-form"))
        })
    }
}

/// A form with nothing but its token (logout, lifting a login lock).
#[derive(serde::Deserialize)]
pub struct NoFields {}

/// A switch between active and inactive (topics).
#[derive(serde::Deserialize)]
pub struct ActiveForm {
    pub active: String,
}

impl ActiveForm {
    pub fn active(&self) -> bool {
        self.active == "true"
    }
}

/// CSV text pasted into a page, in the format the command line imports.
#[derive(serde::Deserialize)]
pub struct CsvForm {
    #[serde(default)]
    pub csv: String,
}

impl CsvForm {
    /// The refusal of a CSV over the documented size, in the user's language.
    pub fn too_large(&self, tr: &crate::i18n::Tr) -> Option<String> {
        let size = self.csv.len();
        (size > MAX_CSV_BYTES).then(|| {
            let kib = size.div_ceil(1024).to_string();
            tr.ta1("import-too-large", "size", kib)
        })
    }
}
