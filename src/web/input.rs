//! Hostile input stopped at the edge, before any handler or query sees it:
//! control characters in a query string or a form. PostgreSQL refuses a NUL
//! in text outright, and no field of gongkai has a use for the others.

use crate::error::AppError;
use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;

/// Form fields that are multi-line text (textareas): line breaks are allowed
/// there. A unit test keeps this list in step with the templates.
pub const MULTI_LINE: [&str; 15] = [
    "answer",
    "applicant_reasons",
    "csv",
    "findings",
    "how_provided",
    "items",
    "matter",
    "note",
    "notes",
    "opinion",
    "public_interest",
    "reason",
    "reasons",
    "subject",
    "why",
];

/// Whether a field's value holds a character no field may: any control
/// character but tab, and line breaks outside multi-line fields. A pasted CSV
/// is left to its parser, which names the row and column of a bad cell.
pub fn refused(field: &str, value: &str) -> bool {
    if field == "csv" {
        return false;
    }
    let multi = MULTI_LINE.contains(&field);
    value
        .chars()
        .any(|c| c.is_control() && c != '\t' && !(multi && (c == '\n' || c == '\r')))
}

/// The first field of url-encoded pairs that holds a refused character.
pub fn first_refused(encoded: &[u8]) -> Option<String> {
    url::form_urlencoded::parse(encoded)
        .find(|(k, v)| refused(k, v) || k.chars().any(char::is_control))
        .map(|(k, _)| k.into_owned())
}

/// Middleware: a query string with a control character is refused with a
/// clear message (every search, filter and page number passes here).
pub async fn reject_control_chars<B: MessageBody>(
    req: ServiceRequest,
    next: Next<B>,
) -> Result<ServiceResponse<EitherBody<B>>, actix_web::Error> {
    let query = req.query_string().as_bytes();
    // A query never holds line breaks: every search and filter is one line.
    let bad = url::form_urlencoded::parse(query).any(|(k, v)| {
        k.chars()
            .chain(v.chars())
            .any(|c| c.is_control() && c != '\t')
    });
    if bad {
        // A response, not an error, so the error page is rendered around it.
        let refused = req.error_response(AppError::BadRequest("error-control-chars"));
        return Ok(refused.map_into_right_body());
    }
    Ok(next.call(req).await?.map_into_left_body())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_refused_but_tabs_and_paragraphs_kept() {
        assert!(refused("r_name", "张\u{0}三"));
        assert!(refused("r_name", "张\n三"));
        assert!(refused("subject", "a\u{7}b"));
        assert!(refused("subject", "a\u{85}b"));
        assert!(!refused("subject", "第一段\r\n第二段\t完"));
        assert!(!refused("r_name", "张\t三"));
        assert_eq!(
            first_refused(b"csrf_token=x&r_name=a%00b").as_deref(),
            Some("r_name")
        );
        assert_eq!(first_refused(b"subject=a%0D%0Ab"), None);
    }

    #[test]
    fn every_textarea_is_listed_as_multi_line() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/templates");
        let mut stack = vec![std::path::PathBuf::from(dir)];
        while let Some(p) = stack.pop() {
            if p.is_dir() {
                stack.extend(std::fs::read_dir(&p).unwrap().map(|e| e.unwrap().path()));
                continue;
            }
            let text = std::fs::read_to_string(&p).unwrap();
            for part in text.split("<textarea").skip(1) {
                let tag = &part[..part.find('>').unwrap()];
                let name = tag
                    .split("name=\"")
                    .nth(1)
                    .map(|r| &r[..r.find('"').unwrap()]);
                if let Some(name) = name {
                    assert!(
                        MULTI_LINE.contains(&name),
                        "{} has a textarea {name} missing from MULTI_LINE",
                        p.display()
                    );
                }
            }
        }
    }
}
