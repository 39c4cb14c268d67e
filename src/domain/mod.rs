//! The rules gongkai implements: pure, synchronous, no database, no HTTP.

pub mod agency;
pub mod appeal;
pub mod calendar;
pub mod case;
pub mod deadline;
pub mod fees;
pub mod letters;
pub mod mail;
pub mod outcome;
pub mod report;
pub mod scope;
