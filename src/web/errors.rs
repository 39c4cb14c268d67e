//! Error pages in the layout, in the user's language, for every 4xx and 5xx.

use super::page::Ctx;
use crate::error::ErrorMessage;
use actix_web::Result;
use actix_web::dev::ServiceResponse;
use actix_web::http::header;
use actix_web::middleware::ErrorHandlerResponse;
use askama::Template;

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    ctx: Ctx,
    status: u16,
    message: String,
}

pub fn render<B>(res: ServiceResponse<B>) -> Result<ErrorHandlerResponse<B>> {
    // Pages that are already HTML (a form shown again with its errors) pass.
    let is_html = res
        .response()
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if is_html || res.request().path() == "/healthz" {
        return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
    }
    let status = res.status();
    let key = res
        .response()
        .extensions()
        .get::<ErrorMessage>()
        .map(|m| m.0)
        .unwrap_or(match status.as_u16() {
            403 => "error-forbidden",
            404 => "error-not-found",
            429 => "error-too-many",
            503 => "error-unavailable",
            400..=499 => "error-bad-form",
            _ => "error-internal",
        });
    let ctx = Ctx::from_req(res.request());
    let page = ErrorPage {
        message: ctx.tr.t(key),
        status: status.as_u16(),
        ctx,
    };
    let body = page.render().unwrap_or_else(|_| key.to_string());
    let (req, res) = res.into_parts();
    let mut res = res.set_body(body);
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static("text/html; charset=utf-8"),
    );
    let res = ServiceResponse::new(req, res)
        .map_into_boxed_body()
        .map_into_right_body();
    Ok(ErrorHandlerResponse::Response(res))
}
