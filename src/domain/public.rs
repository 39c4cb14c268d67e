//! The public channel's rules: how often one address may apply or look a case
//! up, what an applicant is told of where their application stands, and which
//! letters they may read on the public pages. Pure.

use super::letters::LetterKind;
use chrono::Duration;

/// Applications one address may post in `APPLY_WINDOW` (counted in the database,
/// so every instance counts together): enough for a family or a small office,
/// too few for a script to flood the clerks' list.
pub const APPLY_LIMIT: u32 = 5;
pub const APPLY_WINDOW: Duration = Duration::hours(1);
/// Look-ups one address may make in `TRACK_WINDOW`: access codes cannot be guessed.
pub const TRACK_LIMIT: u32 = 10;
pub const TRACK_WINDOW: Duration = Duration::minutes(15);

/// Characters of an access code: no 0/O or 1/I/L, which are misread.
pub const CODE_ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";
pub const CODE_LEN: usize = 10;

/// An access code as typed: case, blanks and dashes do not matter.
pub fn normalise_code(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .flat_map(char::to_uppercase)
        .collect()
}

vocabulary! {
    /// Where an application stands for the applicant; shown as `track-status-{code}`.
    Stage {
        Awaiting => "awaiting",
        Rejected => "rejected",
        Open => "open",
        Answered => "answered",
    }
}

/// The stage from the application's status and, once confirmed, its case's.
pub fn stage(application_status: &str, case_status: Option<&str>) -> Stage {
    match (application_status, case_status) {
        ("rejected", _) => Stage::Rejected,
        ("confirmed", Some("closed")) => Stage::Answered,
        ("confirmed", Some(_)) => Stage::Open,
        _ => Stage::Awaiting,
    }
}

/// The letters released to the applicant on the public pages: the ones
/// addressed to them (consultations of third parties and agencies, and the
/// proof of delivery, are not).
pub fn released(kind: LetterKind) -> bool {
    matches!(
        kind,
        LetterKind::Receipt
            | LetterKind::CorrectionNotice
            | LetterKind::ExtensionNotice
            | LetterKind::ConsultationApplicantNotice
            | LetterKind::ReasonsRequest
            | LetterKind::LaterDeadlineNotice
            | LetterKind::FeeNotice
            | LetterKind::Answer
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_read_loosely_and_stages_follow_the_case() {
        assert_eq!(normalise_code(" ab3d-efgh k2 "), "AB3DEFGHK2");
        assert!(!CODE_ALPHABET.iter().any(|c| b"01OIL".contains(c)));
        assert_eq!(stage("pending", None), Stage::Awaiting);
        assert_eq!(stage("rejected", None), Stage::Rejected);
        assert_eq!(stage("confirmed", Some("open")), Stage::Open);
        assert_eq!(stage("confirmed", Some("closed")), Stage::Answered);
    }
}
