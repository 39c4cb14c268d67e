//! The case dossier as a page that prints on A4 (a cover with the table of
//! contents, then each item on pages of its own), and a year's dossiers as a
//! ZIP for the archive transfer: one self-contained HTML file per case (its
//! styles inlined, its images embedded) with its PDF files beside it.

use super::AppState;
use super::cases::{describe, staff, timeline_time};
use super::page::Ctx;
use super::session::CurrentUser;
use crate::db;
use crate::domain::attachment::MediaType;
use crate::domain::dossier::{self as rules, FileIn, Item, LetterIn, Part, Source};
use crate::error::AppError;
use crate::i18n::Tr;
use crate::service::dossier::Dossier;
use crate::service::{self, cases::Staff};
use actix_web::http::header;
use actix_web::{HttpResponse, web};
use askama::Template;
use base64::Engine;
use std::io::Write;

/// Where the dossier is read: on gongkai's page (styles and files from the server)
/// or in an exported file (everything inside it or beside it).
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Page,
    Export,
}

/// One item as laid out.
pub struct Shown {
    pub item: Item,
    /// "sheet", "letter", "image", "pdf" or "history".
    pub layout: &'static str,
    /// A letter's HTML, or an image as a data URL.
    pub content: String,
    /// Where a PDF is: its address on the page, its file name in an export.
    pub link: String,
}

#[derive(Template)]
#[template(path = "cases/dossier.html")]
struct Page<'a> {
    tr: Tr,
    d: &'a Dossier,
    items: Vec<Shown>,
    /// The styles, inlined in an export.
    css: Option<&'static str>,
    timeline: Vec<(String, String, String, Vec<String>)>,
}

impl Page<'_> {
    fn void(&self) -> bool {
        self.d.case.status == "void"
    }
    fn files_beside(&self) -> usize {
        self.items.iter().filter(|i| i.layout == "pdf").count()
    }
}

/// A kept PDF's name in an export: numbered as the item it is.
fn export_name(number: usize, file_name: &str) -> String {
    format!("{number:02}-{file_name}")
}

/// A file to put beside an exported dossier: its name there and its bytes.
pub type Beside<'a> = (String, &'a [u8]);

/// The dossier's HTML, and in an export the PDF files to put beside it.
pub fn render(tr: Tr, d: &Dossier, mode: Mode) -> Result<(String, Vec<Beside<'_>>), AppError> {
    let letters: Vec<LetterIn> = d
        .letters
        .iter()
        .map(|l| LetterIn {
            id: l.id,
            kind: &l.kind,
            title: &l.title,
            doc_number: l.doc_number.as_deref(),
            issued_on: l.issued_on,
        })
        .collect();
    let files: Vec<FileIn> = d
        .files
        .iter()
        .map(|(a, _)| FileIn {
            id: a.id,
            kind: &a.kind,
            title: format!("{}：{}", tr.code("attachment-kind", &a.kind), a.file_name),
            added_on: crate::domain::calendar::china_time(a.uploaded_at).date(),
        })
        .collect();
    let last_event_on = d.history.iter().filter_map(|(_, e)| e.on()).max();
    let reviews: Vec<(String, chrono::NaiveDate)> = d
        .reviews
        .iter()
        .map(|(r, on)| (r.title.clone(), *on))
        .collect();
    let items = rules::contents(
        &tr.t("dossier-sheet"),
        d.case.received_on,
        &letters,
        &files,
        &reviews,
        &tr.t("case-timeline"),
        last_event_on,
    );
    let mut beside = Vec::new();
    let mut shown = Vec::with_capacity(items.len());
    for item in items {
        let (layout, content, link) = match (item.part, item.source) {
            (Part::History, _) => ("history", String::new(), String::new()),
            (_, Source::Review(i)) => {
                let Some((record, _)) = d.reviews.get(i) else {
                    continue;
                };
                let html = super::cases::ReviewRecordHtml { r: record }
                    .render()
                    .map_err(|e| AppError::Internal(e.to_string()))?;
                ("letter", html, String::new())
            }
            (_, Source::Records) => ("sheet", String::new(), String::new()),
            (_, Source::Letter(id)) => {
                let Some(l) = d.letters.iter().find(|l| l.id == id) else {
                    continue;
                };
                (
                    "letter",
                    super::letters::stored_html(&l.body)?,
                    String::new(),
                )
            }
            (_, Source::File(id)) => {
                let Some((a, bytes)) = d.files.iter().find(|(a, _)| a.id == id) else {
                    continue;
                };
                match MediaType::parse(&a.media_type) {
                    Some(MediaType::Pdf) | None => {
                        let link = match mode {
                            Mode::Page => format!("/cases/{}/attachments/{}", d.case.id, a.id),
                            Mode::Export => {
                                let name = export_name(item.number, &a.file_name);
                                beside.push((name.clone(), bytes.as_slice()));
                                name
                            }
                        };
                        ("pdf", String::new(), link)
                    }
                    Some(m) => {
                        let b64 = base64::engine::general_purpose::STANDARD.encode(bytes);
                        (
                            "image",
                            format!("data:{};base64,{b64}", m.code()),
                            String::new(),
                        )
                    }
                }
            }
        };
        shown.push(Shown {
            item,
            layout,
            content,
            link,
        });
    }
    let timeline = d
        .history
        .iter()
        .map(|(row, e)| {
            (
                timeline_time(row.at),
                row.user_id
                    .and_then(|u| d.names.get(&u).cloned())
                    .unwrap_or_default(),
                tr.code("event", e.kind()),
                describe(&tr, e),
            )
        })
        .collect();
    let page = Page {
        tr,
        d,
        items: shown,
        css: (mode == Mode::Export).then_some(include_str!("../../static/style.css")),
        timeline,
    };
    let html = page
        .render()
        .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok((html, beside))
}

/// A case's dossier, to read and print.
pub async fn show(
    ctx: Ctx,
    user: CurrentUser,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let tr = ctx.tr;
    let html = state
        .db(move |c| {
            let staff = staff(c, &user)?;
            let d = service::dossier::load(c, &staff, id)?;
            service::dossier::opened(c, &user.actor(), &d)?;
            Ok(render(tr, &d, Mode::Page)?.0)
        })
        .await?;
    Ok(HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(html))
}

#[derive(serde::Deserialize)]
pub struct ExportQuery {
    /// Last year when not given.
    #[serde(default)]
    year: Option<i32>,
    #[serde(default)]
    agency: Option<i64>,
}

#[derive(Template)]
#[template(path = "dossiers.html")]
struct ExportPage {
    ctx: Ctx,
    years: Vec<i32>,
    year: i32,
    agencies: Vec<db::agencies::Agency>,
}

/// The page that exports a year's dossiers: the year and the agency.
pub async fn page(
    ctx: Ctx,
    user: CurrentUser,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    use chrono::Datelike;
    let today = state.today();
    let agencies = state
        .db(move |c| {
            let staff = staff(c, &user)?;
            Ok(super::admin::agencies::tree_order(db::agencies::all(c)?)
                .into_iter()
                .map(|(a, _)| a)
                .filter(|a| staff.scope.contains(a.id))
                .collect())
        })
        .await?;
    // Last year's cases are the ones usually filed in the new year.
    let year = today.year() - 1;
    super::page::html(&ExportPage {
        ctx,
        years: (crate::domain::report::FIRST_YEAR..=today.year())
            .rev()
            .collect(),
        year,
        agencies,
    })
}

/// A year's dossiers in a ZIP (see `zip_of_year`).
pub async fn export(
    ctx: Ctx,
    user: CurrentUser,
    state: web::Data<AppState>,
    query: web::Query<ExportQuery>,
) -> Result<HttpResponse, AppError> {
    let ExportQuery { year, agency } = query.into_inner();
    let year = year.unwrap_or_else(|| chrono::Datelike::year(&state.today()) - 1);
    let tr = ctx.tr;
    let (name, bytes) = state
        .db(move |c| {
            let staff = staff(c, &user)?;
            let label = match agency {
                Some(a) if staff.scope.contains(a) => {
                    db::agencies::find(c, a)?.ok_or(AppError::NotFound)?.code
                }
                Some(_) => return Err(AppError::NotFound),
                None => "all".to_string(),
            };
            let mut out = std::io::Cursor::new(Vec::new());
            let n = zip_of_year(c, tr, &staff, agency, year, &mut out)?;
            service::dossier::exported(c, &user.actor(), year, &label, n)?;
            let stem = rules::file_stem(&format!("dossiers-{label}-{year}"));
            Ok((format!("{stem}.zip"), out.into_inner()))
        })
        .await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "application/zip"))
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{name}\""),
        ))
        .body(bytes))
}

/// Writes a year's dossiers (closed and void cases of that year in scope, or in an
/// agency's subtree) as a ZIP: `{case number}/案卷.html` with its PDFs beside it, and
/// `目录.csv` listing the cases. Returns how many.
pub fn zip_of_year<W: Write + std::io::Seek>(
    conn: &mut db::DbConn,
    tr: Tr,
    staff: &Staff,
    agency: Option<i64>,
    year: i32,
    out: W,
) -> Result<usize, AppError> {
    let (ids, _open) = service::dossier::of_year(conn, staff, agency, year)?;
    let mut zip = zip::ZipWriter::new(out);
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    let io = |e: zip::result::ZipError| AppError::Internal(e.to_string());
    let write = |e: std::io::Error| AppError::Internal(e.to_string());
    let mut index = csv::Writer::from_writer(Vec::new());
    let head = [
        "tracking_no",
        "agency",
        "requester",
        "received_on",
        "closed_on",
        "status",
        "items",
    ];
    index
        .write_record(head)
        .map_err(|e| AppError::Internal(e.to_string()))?;
    for id in &ids {
        let d = service::dossier::load(conn, staff, *id)?;
        let (html, beside) = render(tr, &d, Mode::Export)?;
        let dir = rules::file_stem(&d.case.tracking_no);
        zip.start_file(format!("{dir}/案卷.html"), options)
            .map_err(io)?;
        zip.write_all(html.as_bytes()).map_err(write)?;
        for (name, bytes) in &beside {
            zip.start_file(format!("{dir}/{name}"), options)
                .map_err(io)?;
            zip.write_all(bytes).map_err(write)?;
        }
        let closed = d.case.closed_on.map(|c| c.to_string()).unwrap_or_default();
        index
            .write_record([
                d.case.tracking_no.as_str(),
                d.agency.name.as_str(),
                d.case.requester_name.as_str(),
                &d.case.received_on.to_string(),
                &closed,
                d.case.status.as_str(),
                &(d.letters.len() + d.files.len() + 2).to_string(),
            ])
            .map_err(|e| AppError::Internal(e.to_string()))?;
    }
    let index = index
        .into_inner()
        .map_err(|e| AppError::Internal(e.to_string()))?;
    zip.start_file("目录.csv", options).map_err(io)?;
    // A byte-order mark, so spreadsheet programs read it as UTF-8.
    zip.write_all(b"\xEF\xBB\xBF").map_err(write)?;
    zip.write_all(&index).map_err(write)?;
    zip.finish().map_err(io)?;
    Ok(ids.len())
}
