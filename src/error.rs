//! One error type for the application: maps to an HTTP status and an error
//! page (rendered in the layout by `web::errors`), and to CLI messages.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    #[error("forbidden")]
    Forbidden,
    #[error("login required")]
    LoginRequired,
    #[error("password change required")]
    PasswordChangeRequired,
    /// The form's CSRF token is missing or does not match the session.
    #[error("stale or forged form")]
    Csrf,
    /// A request that cannot be understood; the text is a message-catalogue key.
    #[error("bad request: {0}")]
    BadRequest(&'static str),
    #[error("too many requests")]
    TooManyRequests,
    #[error("database busy or unreachable: {0}")]
    Unavailable(String),
    #[error("database error: {0}")]
    Db(#[from] diesel::result::Error),
    #[error("internal error: {0}")]
    Internal(String),
}

/// The message-catalogue key of the explanation shown on an error page.
#[derive(Clone, Debug)]
pub struct ErrorMessage(pub &'static str);

impl From<crate::db::DbError> for AppError {
    fn from(e: crate::db::DbError) -> Self {
        match e {
            crate::db::DbError::Query(q) => AppError::Db(q),
            other => AppError::Unavailable(other.to_string()),
        }
    }
}

impl From<diesel::r2d2::PoolError> for AppError {
    fn from(e: diesel::r2d2::PoolError) -> Self {
        AppError::Unavailable(e.to_string())
    }
}

impl From<actix_web::error::BlockingError> for AppError {
    fn from(e: actix_web::error::BlockingError) -> Self {
        AppError::Internal(e.to_string())
    }
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Forbidden | AppError::Csrf => StatusCode::FORBIDDEN,
            AppError::LoginRequired | AppError::PasswordChangeRequired => StatusCode::SEE_OTHER,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
            AppError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Db(e) if is_busy(e) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Db(_) | AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        match self {
            AppError::LoginRequired => {
                return HttpResponse::SeeOther()
                    .insert_header(("Location", "/login"))
                    .finish();
            }
            AppError::PasswordChangeRequired => {
                return HttpResponse::SeeOther()
                    .insert_header(("Location", "/account/password"))
                    .finish();
            }
            _ => {}
        }
        let status = self.status_code();
        if status.is_server_error() {
            // The cause goes to the log, not to the page.
            log::error!("{self}");
        }
        let key = match self {
            AppError::NotFound => "error-not-found",
            AppError::Forbidden => "error-forbidden",
            AppError::Csrf => "error-csrf",
            AppError::BadRequest(k) => k,
            AppError::TooManyRequests => "error-too-many",
            AppError::Unavailable(_) => "error-unavailable",
            AppError::Db(e) if is_busy(e) => "error-unavailable",
            _ => "error-internal",
        };
        let mut res = HttpResponse::build(status)
            .content_type("text/plain; charset=utf-8")
            .body(key);
        res.extensions_mut().insert(ErrorMessage(key));
        res
    }
}

fn is_busy(e: &diesel::result::Error) -> bool {
    let text = e.to_string();
    text.contains("database is locked")
        || text.contains("database is busy")
        || text.contains("lock timeout")
}
