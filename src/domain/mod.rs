//! The rules gongkai implements: pure, synchronous, no database, no HTTP.

pub mod agency;
pub mod calendar;
pub mod deadline;
pub mod outcome;
pub mod scope;
