//! The office's administration pages: agencies, users, the calendar, the
//! settings and topics, the audit log.
//! Every handler here requires the admin role.

pub mod agencies;
pub mod audit;
pub mod calendar;
pub mod settings;
pub mod users;

use actix_web::web;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/admin/agencies", web::get().to(agencies::list))
        .route("/admin/agencies/new", web::get().to(agencies::new_form))
        .route("/admin/agencies/new", web::post().to(agencies::create))
        .route("/admin/agencies/import", web::post().to(agencies::import))
        .route("/admin/agencies/{id}", web::get().to(agencies::edit_form))
        .route("/admin/agencies/{id}", web::post().to(agencies::update))
        .route("/admin/users", web::get().to(users::list))
        .route("/admin/users/new", web::get().to(users::new_form))
        .route("/admin/users/new", web::post().to(users::create))
        .route("/admin/users/{id}", web::get().to(users::edit_form))
        .route("/admin/users/{id}", web::post().to(users::update))
        .route(
            "/admin/users/{id}/reset",
            web::post().to(users::reset_password),
        )
        .route(
            "/admin/users/{id}/active",
            web::post().to(users::set_active),
        )
        .route("/admin/calendar", web::get().to(calendar::show))
        .route("/admin/calendar/day", web::post().to(calendar::set_day))
        .route("/admin/calendar/import", web::post().to(calendar::import))
        .route("/admin/audit", web::get().to(audit::list))
        .route("/admin/settings", web::get().to(settings::show))
        .route(
            "/admin/settings/rules",
            web::post().to(settings::save_rules),
        )
        .route(
            "/admin/settings/topics",
            web::post().to(settings::add_topic),
        )
        .route(
            "/admin/settings/topics/{id}",
            web::post().to(settings::set_topic),
        );
}
