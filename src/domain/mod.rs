//! The rules gongkai implements: pure, synchronous, no database, no HTTP.

/// Declares a vocabulary once: the enum, each variant's stored code, and
/// the list of all, so a new variant cannot be forgotten in `ALL` (the
/// catalogue test walks `ALL`).
macro_rules! vocabulary {
    ($(#[$doc:meta])* $name:ident { $($variant:ident => $code:literal,)* }) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum $name { $($variant),* }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),*];

            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),* }
            }

            pub fn parse(code: &str) -> Option<$name> {
                Self::ALL.iter().copied().find(|v| v.code() == code)
            }
        }
    };
}
pub(crate) use vocabulary;

pub mod agency;
pub mod appeal;
pub mod attachment;
pub mod calendar;
pub mod case;
pub mod deadline;
pub mod dossier;
pub mod fees;
pub mod ledger;
pub mod letters;
pub mod mail;
pub mod outcome;
pub mod public;
pub mod report;
pub mod review;
pub mod scope;
pub mod sms;
pub mod units;
pub mod workload;
