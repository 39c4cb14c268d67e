//! What every page's layout needs: the translator, the signed-in user for the
//! navigation, the CSRF token for forms, and one-time flash messages.

use crate::domain::scope::Role;
use crate::i18n::{Lang, Tr};
use actix_session::{Session, SessionExt};
use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, HttpResponse};
use std::collections::BTreeMap;
use std::future::{Ready, ready};

pub const LANG_COOKIE: &str = "lang";
const FLASH: &str = "flash";

#[derive(Clone, Debug)]
pub struct NavUser {
    pub name: String,
    pub role: Role,
}

#[derive(Clone, Debug)]
pub struct Ctx {
    pub tr: Tr,
    pub user: Option<NavUser>,
    pub csrf: String,
    pub flash: Vec<String>,
    pub path: String,
}

impl Ctx {
    pub fn from_req(req: &HttpRequest) -> Ctx {
        let session = req.get_session();
        let flash: Vec<String> = session.get(FLASH).ok().flatten().unwrap_or_default();
        if !flash.is_empty() {
            session.remove(FLASH);
        }
        Ctx {
            tr: Tr::new(lang(req)),
            user: nav_user(&session),
            csrf: super::csrf::token(&session),
            flash,
            path: req.path().to_string(),
        }
    }
    pub fn is_admin(&self) -> bool {
        self.user.as_ref().is_some_and(|u| u.role == Role::Admin)
    }
    pub fn is_supervisor(&self) -> bool {
        self.user.as_ref().is_some_and(|u| u.role != Role::Clerk)
    }
    pub fn lang(&self) -> Lang {
        self.tr.lang
    }
    /// "active" when the navigation item for `prefix` is the current page.
    pub fn nav(&self, prefix: &str) -> &'static str {
        let on = if prefix == "/" {
            self.path == "/"
        } else {
            self.path.starts_with(prefix)
        };
        if on { "active" } else { "" }
    }
}

pub fn lang(req: &HttpRequest) -> Lang {
    req.cookie(LANG_COOKIE)
        .and_then(|c| Lang::parse(c.value()))
        .unwrap_or_default()
}

/// The name the header shows before the role: the display name, or the
/// username when the display name is only a role's name (the first
/// administrator is called "Administrator"), so the role is not said twice.
pub fn header_name(display_name: &str, username: &str) -> String {
    let name = display_name.trim();
    let is_a_role = Role::ALL.iter().any(|r| {
        [Lang::Zh, Lang::En]
            .iter()
            .map(|l| Tr::new(*l).code("role", r.code()))
            .chain([r.code().to_string()])
            .any(|label| label.eq_ignore_ascii_case(name))
    });
    if name.is_empty() || is_a_role {
        username.to_string()
    } else {
        name.to_string()
    }
}

fn nav_user(session: &Session) -> Option<NavUser> {
    let role = session.get::<String>(super::session::ROLE).ok().flatten()?;
    let name = session.get::<String>(super::session::NAME).ok().flatten()?;
    Some(NavUser {
        name,
        role: Role::parse(&role)?,
    })
}

impl FromRequest for Ctx {
    type Error = actix_web::Error;
    type Future = Ready<Result<Ctx, actix_web::Error>>;
    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Ok(Ctx::from_req(req)))
    }
}

/// Queues a message shown once on the next page.
pub fn flash(req: &HttpRequest, text: String) {
    let session = req.get_session();
    let mut list: Vec<String> = session.get(FLASH).ok().flatten().unwrap_or_default();
    list.push(text);
    let _ = session.insert(FLASH, list);
}

/// Messages beside form fields, keyed by field name.
#[derive(Clone, Debug, Default)]
pub struct FieldErrors(BTreeMap<&'static str, String>);

impl FieldErrors {
    pub fn one(field: &'static str, text: String) -> FieldErrors {
        let mut e = FieldErrors::default();
        e.0.insert(field, text);
        e
    }
    /// Adds a message; the first one for a field wins.
    pub fn add(&mut self, field: &'static str, text: String) {
        self.0.entry(field).or_insert(text);
    }
    /// The messages of a refused form, in the user's language.
    pub fn from_fails(tr: &crate::i18n::Tr, fails: &[(&'static str, &'static str)]) -> FieldErrors {
        let mut e = FieldErrors::default();
        for (field, key) in fails {
            e.add(field, tr.t(key));
        }
        e
    }
    pub fn get(&self, field: &str) -> Option<&String> {
        self.0.get(field)
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Renders an askama template into an HTML response.
pub fn html(t: &impl askama::Template) -> Result<HttpResponse, crate::error::AppError> {
    html_status(actix_web::http::StatusCode::OK, t)
}

pub fn html_status(
    status: actix_web::http::StatusCode,
    t: &impl askama::Template,
) -> Result<HttpResponse, crate::error::AppError> {
    let body = t
        .render()
        .map_err(|e| crate::error::AppError::Internal(e.to_string()))?;
    Ok(HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .insert_header(("Cache-Control", "no-store"))
        .body(body))
}

pub fn redirect(to: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header(("Location", to))
        .finish()
}

/// Page numbers beyond this are read as this (no list is that long).
const MAX_PAGE: i64 = 1_000_000;

/// The page a query asks for, between 1 and `MAX_PAGE`; anything that is
/// not a number is page 1.
pub fn page_number(text: &str) -> i64 {
    text.trim()
        .parse::<i64>()
        .map(|p| p.clamp(1, MAX_PAGE))
        .unwrap_or(1)
}

/// How many pages `total` rows fill (at least one, even when empty).
pub fn page_count(total: i64, size: i64) -> i64 {
    ((total + size - 1) / size).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_header_does_not_name_the_role_twice() {
        assert_eq!(header_name("Administrator", "admin"), "admin");
        assert_eq!(header_name("管理员", "admin"), "admin");
        assert_eq!(header_name(" supervisor ", "li"), "li");
        assert_eq!(header_name("", "li"), "li");
        assert_eq!(header_name("王小明", "wang"), "王小明");
    }
}
