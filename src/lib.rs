//! gongkai: case management for government-information disclosure requests
//! (依申请公开) under the PRC Regulations on Open Government Information.

pub mod auth;
pub mod cli;
pub mod config;
pub mod db;
pub mod domain;
pub mod error;
pub mod files;
pub mod i18n;
pub mod service;
pub mod web;
