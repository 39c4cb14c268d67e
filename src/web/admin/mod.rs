//! The office's administration pages: agencies, users, the calendar, the
//! settings and topics, the audit log, the outbox.
//! Every handler here requires the admin role.

pub mod agencies;
pub mod audit;
pub mod baselines;
pub mod calendar;
pub mod ledger;
pub mod mail;
pub mod settings;
pub mod users;
