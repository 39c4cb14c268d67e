//! The office's administration pages: agencies, users, the calendar, the
//! settings and topics, the audit log.
//! Every handler here requires the admin role.

pub mod agencies;
pub mod audit;
pub mod baselines;
pub mod calendar;
pub mod settings;
pub mod users;
