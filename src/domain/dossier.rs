//! The case dossier (案卷): one file per case for the archive. What goes in it
//! and in which order is decided here; the page and the export lay it out.
//!
//! The order follows the case as it happened, the way disclosure offices file
//! a request: the registration sheet, what the applicant handed in (the
//! application, its envelope, identity copies, their own files), every letter
//! as issued in the order it was issued, the review record, the proofs of
//! delivery (the printed 送达回证 and the signed scans), any other file, and the
//! record of handling (the case history) last. Items are numbered from 1 as a
//! 卷内目录 numbers them. Pure.

use super::attachment::Kind;
use chrono::NaiveDate;

/// One item of the dossier, as its table of contents lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Item {
    /// From 1, in filing order.
    pub number: usize,
    pub part: Part,
    pub source: Source,
    pub title: String,
    /// The document number (文号), if it has one.
    pub doc_number: Option<String>,
    pub date: Option<NaiveDate>,
}

/// Where an item's content is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// Made from the case's records (the sheet, the review record, the history).
    Records,
    /// A letter as issued, by its id.
    Letter(i64),
    /// A kept file, by its id.
    File(i64),
    /// A review record, by its place among the case's submissions (from 0).
    Review(usize),
}

/// What an item is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Part {
    /// The registration sheet: the request and the requester as recorded.
    Sheet,
    /// What the applicant handed in or sent.
    Submitted,
    Letter,
    /// The record of review and sign-off, when the case has one.
    Review,
    /// A proof of delivery: the printed form or a signed scan.
    Delivery,
    Other,
    /// The case's history.
    History,
}

/// A letter as issued, for the contents.
pub struct LetterIn<'a> {
    pub id: i64,
    pub kind: &'a str,
    pub title: &'a str,
    pub doc_number: Option<&'a str>,
    pub issued_on: NaiveDate,
}

/// A kept file, for the contents.
pub struct FileIn<'a> {
    pub id: i64,
    pub kind: &'a str,
    pub title: String,
    pub added_on: NaiveDate,
}

/// The contents of a dossier, numbered. `sheet_title` and `history_title` are the
/// fixed items' titles in the reader's language; `reviews` are the review records
/// (title, day of their last step), one per submission for review.
pub fn contents(
    sheet_title: &str,
    received_on: NaiveDate,
    letters: &[LetterIn],
    files: &[FileIn],
    reviews: &[(String, NaiveDate)],
    history_title: &str,
    last_event_on: Option<NaiveDate>,
) -> Vec<Item> {
    let mut items: Vec<(Part, usize, Item)> = Vec::new();
    let mut push = |part: Part, order: usize, item: Item| items.push((part, order, item));
    push(
        Part::Sheet,
        0,
        item(
            Part::Sheet,
            Source::Records,
            sheet_title,
            None,
            Some(received_on),
        ),
    );
    for (i, f) in files.iter().enumerate() {
        let part = match Kind::parse(f.kind) {
            Some(
                Kind::ApplicationLetter | Kind::Envelope | Kind::IdentityCopy | Kind::ApplicantFile,
            ) => Part::Submitted,
            Some(Kind::DeliveryProof) => Part::Delivery,
            Some(Kind::UnitReply | Kind::Other) | None => Part::Other,
        };
        // A signed proof follows the printed forms.
        push(
            part,
            1000 + i,
            item(part, Source::File(f.id), &f.title, None, Some(f.added_on)),
        );
    }
    for (i, l) in letters.iter().enumerate() {
        let part = if l.kind == "delivery_proof" {
            Part::Delivery
        } else {
            Part::Letter
        };
        push(
            part,
            i,
            item(
                part,
                Source::Letter(l.id),
                l.title,
                l.doc_number,
                Some(l.issued_on),
            ),
        );
    }
    for (i, (title, on)) in reviews.iter().enumerate() {
        let source = Source::Review(i);
        push(
            Part::Review,
            i,
            item(Part::Review, source, title, None, Some(*on)),
        );
    }
    push(
        Part::History,
        0,
        item(
            Part::History,
            Source::Records,
            history_title,
            None,
            last_event_on,
        ),
    );
    items.sort_by_key(|(part, order, _)| (*part, *order));
    items
        .into_iter()
        .enumerate()
        .map(|(n, (_, _, mut item))| {
            item.number = n + 1;
            item
        })
        .collect()
}

fn item(
    part: Part,
    source: Source,
    title: &str,
    doc_number: Option<&str>,
    date: Option<NaiveDate>,
) -> Item {
    Item {
        number: 0,
        part,
        source,
        title: title.to_string(),
        doc_number: doc_number.map(str::to_string),
        date,
    }
}

/// The file name of a case's dossier in an export: the case number, with any
/// character a file system may refuse replaced.
pub fn file_stem(tracking_no: &str) -> String {
    tracking_no
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn a_full_case_is_filed_as_it_happened() {
        let letters = [
            LetterIn {
                id: 11,
                kind: "receipt",
                title: "政府信息公开申请登记回执",
                doc_number: Some("依接〔2024〕1号"),
                issued_on: d("2024-09-27"),
            },
            LetterIn {
                id: 12,
                kind: "answer",
                title: "政府信息公开申请答复书",
                doc_number: Some("依复〔2024〕1号"),
                issued_on: d("2024-10-20"),
            },
            LetterIn {
                id: 13,
                kind: "delivery_proof",
                title: "送达回证",
                doc_number: None,
                issued_on: d("2024-10-20"),
            },
        ];
        let files = [
            FileIn {
                id: 21,
                kind: "delivery_proof",
                title: "已签收的送达回证 回证.jpg".into(),
                added_on: d("2024-10-25"),
            },
            FileIn {
                id: 22,
                kind: "application_letter",
                title: "申请书 申请书.pdf".into(),
                added_on: d("2024-09-27"),
            },
            FileIn {
                id: 23,
                kind: "other",
                title: "其他 说明.pdf".into(),
                added_on: d("2024-09-30"),
            },
        ];
        let c = contents(
            "申请登记表",
            d("2024-09-27"),
            &letters,
            &files,
            &[("审查呈批单".to_string(), d("2024-10-18"))],
            "办理记录",
            Some(d("2024-10-25")),
        );
        let order: Vec<(usize, Part, Source)> =
            c.iter().map(|i| (i.number, i.part, i.source)).collect();
        use Source::*;
        assert_eq!(
            order,
            [
                (1, Part::Sheet, Records),
                (2, Part::Submitted, File(22)),
                (3, Part::Letter, Letter(11)),
                (4, Part::Letter, Letter(12)),
                (5, Part::Review, Review(0)),
                (6, Part::Delivery, Letter(13)),
                (7, Part::Delivery, File(21)),
                (8, Part::Other, File(23)),
                (9, Part::History, Records),
            ]
        );
        assert_eq!(c[2].doc_number.as_deref(), Some("依接〔2024〕1号"));
        assert_eq!(c[8].date, Some(d("2024-10-25")));
    }

    #[test]
    fn a_case_with_nothing_yet_has_its_sheet_and_history() {
        let c = contents("登记表", d("2024-09-27"), &[], &[], &[], "记录", None);
        assert_eq!(c.len(), 2);
        assert_eq!((c[0].part, c[1].part), (Part::Sheet, Part::History));
    }

    #[test]
    fn file_stems_are_safe_on_any_file_system() {
        assert_eq!(file_stem("CZ-GTJ-2024-0001"), "CZ-GTJ-2024-0001");
        assert_eq!(file_stem("常国土〔2017〕3号/旧"), "常国土_2017_3号_旧");
    }
}
