//! Files kept with a case: the scanned application letter, its envelope, a copy
//! of the applicant's identity document, a signed proof of delivery, or the
//! applicant's own files sent with an online application. Only PDF, JPEG and PNG
//! are kept, judged by what the bytes are, never by the name or the type the
//! browser claims. Pure.

/// The largest file kept: a 20-page colour scan at 300 dpi fits.
pub const MAX_BYTES: usize = 20 << 20;
/// Files one online application may carry.
pub const MAX_PER_APPLICATION: usize = 5;
/// Characters of a file name kept (longer ones are shortened, keeping the extension).
pub const MAX_NAME_CHARS: usize = 120;

vocabulary! {
    /// What a file is, as the case page lists it; labelled `attachment-kind-{code}`.
    Kind {
        ApplicationLetter => "application_letter",
        Envelope => "envelope",
        IdentityCopy => "identity_copy",
        DeliveryProof => "delivery_proof",
        ApplicantFile => "applicant_file",
        UnitReply => "unit_reply",
        Other => "other",
    }
}

vocabulary! {
    /// The three formats kept.
    MediaType {
        Pdf => "application/pdf",
        Jpeg => "image/jpeg",
        Png => "image/png",
    }
}

impl MediaType {
    /// The short name shown beside a file.
    pub fn label(self) -> &'static str {
        match self {
            MediaType::Pdf => "PDF",
            MediaType::Jpeg => "JPEG",
            MediaType::Png => "PNG",
        }
    }
}

/// Why a file is not kept; each is a message `attachment-refused-{code}`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    Empty,
    TooLarge,
    /// Not one of the three; `what` names what it is when that can be told (e.g.
    /// "docx", "zip"), so the message can say so.
    NotAllowed {
        what: Option<String>,
    },
    /// Starts as one of the three but is cut short or damaged (an interrupted scan).
    Damaged(MediaType),
}

impl Refusal {
    pub fn code(&self) -> &'static str {
        match self {
            Refusal::Empty => "empty",
            Refusal::TooLarge => "too-large",
            Refusal::NotAllowed { what: Some(_) } => "not-allowed-named",
            Refusal::NotAllowed { what: None } => "not-allowed",
            Refusal::Damaged(_) => "damaged",
        }
    }
}

/// A file fit to keep: only `accept` makes one.
#[derive(Clone, Debug)]
pub struct File {
    name: String,
    media: MediaType,
    bytes: Vec<u8>,
}

impl File {
    pub fn name(&self) -> &str {
        &self.name
    }
    pub fn media(&self) -> MediaType {
        self.media
    }
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }
}

/// Takes a file sent under `sent_name` if it is a whole PDF, JPEG or PNG within
/// the size limit; its name is cleaned for showing.
pub fn accept(sent_name: &str, bytes: Vec<u8>) -> Result<File, Refusal> {
    let media = check(&bytes)?;
    Ok(File {
        name: file_name(sent_name, media),
        media,
        bytes,
    })
}

/// What the bytes are, if they are a whole PDF, JPEG or PNG file.
pub fn check(bytes: &[u8]) -> Result<MediaType, Refusal> {
    if bytes.is_empty() {
        return Err(Refusal::Empty);
    }
    if bytes.len() > MAX_BYTES {
        return Err(Refusal::TooLarge);
    }
    let media = match infer::get(bytes).map(|t| t.mime_type()) {
        Some("application/pdf") => MediaType::Pdf,
        Some("image/jpeg") => MediaType::Jpeg,
        Some("image/png") => MediaType::Png,
        _ => {
            let what = infer::get(bytes).map(|t| t.extension().to_string());
            return Err(Refusal::NotAllowed { what });
        }
    };
    if whole(media, bytes) {
        Ok(media)
    } else {
        Err(Refusal::Damaged(media))
    }
}

/// Whether a file that starts right also ends right: a PDF has its end-of-file
/// marker near the end, a JPEG ends with its end-of-image marker (scanners may pad
/// after it), a PNG starts with its header chunk and ends with IEND.
fn whole(media: MediaType, bytes: &[u8]) -> bool {
    let tail = &bytes[bytes.len().saturating_sub(1024)..];
    match media {
        MediaType::Pdf => contains(tail, b"%%EOF"),
        MediaType::Jpeg => bytes.len() > 4 && contains(tail, &[0xFF, 0xD9]),
        MediaType::Png => {
            bytes.len() >= 8 + 25 + 12
                && &bytes[12..16] == b"IHDR"
                && bytes.ends_with(&[0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82])
        }
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// A file name as kept and shown: the last part of whatever path the browser
/// sent, without control characters, at most `MAX_NAME_CHARS` (keeping the
/// extension); a name left empty becomes "file" with the format's extension.
pub fn file_name(sent: &str, media: MediaType) -> String {
    let last = sent.rsplit(['/', '\\']).next().unwrap_or_default();
    let clean: String = last
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '"' | '<' | '>'))
        .collect();
    let clean = clean.trim().trim_start_matches('.').to_string();
    let extension = match media {
        MediaType::Pdf => "pdf",
        MediaType::Jpeg => "jpg",
        MediaType::Png => "png",
    };
    if clean.is_empty() {
        return format!("file.{extension}");
    }
    if clean.chars().count() <= MAX_NAME_CHARS {
        return clean;
    }
    let (stem, ext) = match clean.rsplit_once('.') {
        Some((s, e)) if e.chars().count() <= 5 => (s.to_string(), format!(".{e}")),
        _ => (clean.clone(), String::new()),
    };
    let keep = MAX_NAME_CHARS - ext.chars().count();
    format!("{}{ext}", stem.chars().take(keep).collect::<String>())
}

/// A size as people read it: "820 KB", "3.4 MB".
pub fn size_label(bytes: i64) -> String {
    let kib = (bytes as f64) / 1024.0;
    if kib < 1024.0 {
        format!("{} KB", kib.ceil() as i64)
    } else {
        format!("{:.1} MB", kib / 1024.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pdf() -> Vec<u8> {
        b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n".to_vec()
    }

    fn jpeg() -> Vec<u8> {
        let mut b = vec![0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10];
        b.extend_from_slice(b"JFIF\0");
        b.extend_from_slice(&[0u8; 32]);
        b.extend_from_slice(&[0xFF, 0xD9]);
        b
    }

    fn png() -> Vec<u8> {
        let mut b = vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
        b.extend_from_slice(&[0, 0, 0, 13]);
        b.extend_from_slice(b"IHDR");
        b.extend_from_slice(&[0u8; 17]);
        b.extend_from_slice(&[0, 0, 0, 0]);
        b.extend_from_slice(b"IEND");
        b.extend_from_slice(&[0xAE, 0x42, 0x60, 0x82]);
        b
    }

    #[test]
    fn the_three_formats_are_told_by_their_bytes() {
        assert_eq!(check(&pdf()), Ok(MediaType::Pdf));
        assert_eq!(check(&jpeg()), Ok(MediaType::Jpeg));
        assert_eq!(check(&png()), Ok(MediaType::Png));
    }

    #[test]
    fn anything_else_is_refused_and_named_when_it_can_be() {
        assert_eq!(check(b""), Err(Refusal::Empty));
        assert_eq!(
            check(b"<html><script>alert(1)</script></html>"),
            Err(Refusal::NotAllowed {
                what: Some("html".into())
            })
        );
        assert_eq!(
            check("申请书正文".as_bytes()),
            Err(Refusal::NotAllowed { what: None })
        );
        // A Word document is a ZIP inside; either way it is named.
        let zip = b"PK\x03\x04\x14\x00\x00\x00\x08\x00rest of a zip file".to_vec();
        assert!(matches!(
            check(&zip),
            Err(Refusal::NotAllowed { what: Some(_) })
        ));
        let gif = b"GIF89a\x01\x00\x01\x00\x00\x00\x00;".to_vec();
        assert_eq!(
            check(&gif),
            Err(Refusal::NotAllowed {
                what: Some("gif".into())
            })
        );
    }

    #[test]
    fn a_file_cut_short_is_refused_as_damaged() {
        let p = pdf();
        assert_eq!(
            check(&p[..p.len() - 8]),
            Err(Refusal::Damaged(MediaType::Pdf))
        );
        let j = jpeg();
        assert_eq!(
            check(&j[..j.len() - 2]),
            Err(Refusal::Damaged(MediaType::Jpeg))
        );
        let g = png();
        assert_eq!(
            check(&g[..g.len() - 4]),
            Err(Refusal::Damaged(MediaType::Png))
        );
    }

    #[test]
    fn the_size_limit_is_twenty_mebibytes() {
        let mut big = pdf();
        big.resize(MAX_BYTES - 6, b' ');
        big.extend_from_slice(b"%%EOF\n");
        assert_eq!(big.len(), MAX_BYTES);
        assert_eq!(check(&big), Ok(MediaType::Pdf));
        big.push(b'\n');
        assert_eq!(check(&big), Err(Refusal::TooLarge));
    }

    #[test]
    fn names_lose_paths_and_control_characters_and_keep_their_extension() {
        assert_eq!(file_name("C:\\扫描\\信封.jpg", MediaType::Jpeg), "信封.jpg");
        assert_eq!(file_name("../../etc/passwd", MediaType::Pdf), "passwd");
        assert_eq!(file_name("a\u{7}b\".pdf", MediaType::Pdf), "ab.pdf");
        assert_eq!(file_name("   ", MediaType::Png), "file.png");
        let long = format!("{}.pdf", "申".repeat(300));
        let kept = file_name(&long, MediaType::Pdf);
        assert_eq!(kept.chars().count(), MAX_NAME_CHARS);
        assert!(kept.ends_with(".pdf"));
    }

    #[test]
    fn an_accepted_file_keeps_a_clean_name() {
        let f = accept("D:\\scans\\申请书.PDF", pdf()).unwrap();
        assert_eq!((f.name(), f.media()), ("申请书.PDF", MediaType::Pdf));
        assert!(accept("x.pdf", b"not a pdf".to_vec()).is_err());
    }

    #[test]
    fn sizes_read_as_people_read_them() {
        assert_eq!(size_label(1), "1 KB");
        assert_eq!(size_label(840_000), "821 KB");
        assert_eq!(size_label(3_565_158), "3.4 MB");
    }
}
