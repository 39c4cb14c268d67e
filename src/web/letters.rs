//! Letters as a page shows and prints them: a composed letter (kept as data
//! when issued) laid out for A4, and letters issued before that, kept as HTML.

use crate::domain::letters::Letter;
use crate::error::AppError;
use askama::Template;

#[derive(Template)]
#[template(path = "letters/body.html")]
pub struct Body<'a> {
    letter: &'a Letter,
}

/// A line of a printed form (the reply slip, a cell of the proof of delivery), in pieces:
/// `(true, width)` is a blank to write on, drawn as a rule; `(false, text)` is printed.
/// The composed text marks blanks with runs of underscores and leaves room with runs of
/// spaces ("        年    月    日"); HTML would collapse the spaces and underscores are too
/// thin to write on, so each run becomes ideographic spaces (which do not collapse), one for
/// every two characters of the run.
struct FormLine {
    pieces: Vec<(bool, String)>,
    /// Nothing but a blank: a whole line to write on.
    write_line: bool,
    /// Nothing printed but blanks, spaces and 年月日: a cell the person served fills in.
    to_fill: bool,
}

impl FormLine {
    fn new(line: &str) -> FormLine {
        let mut pieces: Vec<(bool, String)> = Vec::new();
        let mut rest = line.trim_end();
        while let Some(c) = rest.chars().next() {
            let run = rest.len() - rest.trim_start_matches(c).len();
            let room = |n: usize| "\u{3000}".repeat(n.div_ceil(2));
            let (blank, text) = match c {
                '_' => (true, room(run)),
                ' ' if run >= 2 => (false, room(run)),
                _ => (false, rest[..run].to_string()),
            };
            match pieces.last_mut() {
                Some((false, t)) if !blank => t.push_str(&text),
                _ => pieces.push((blank, text)),
            }
            rest = &rest[run..];
        }
        FormLine {
            write_line: pieces.len() == 1 && pieces[0].0,
            to_fill: line
                .chars()
                .all(|c| c == '_' || c.is_whitespace() || "年月日".contains(c)),
            pieces,
        }
    }
}

impl Body<'_> {
    /// The paragraphs before the last, which is printed with the signature.
    fn body(&self) -> &[String] {
        match self.letter.paragraphs.split_last() {
            Some((_, body)) => body,
            None => &[],
        }
    }

    /// The last paragraph: the closing formula (特此告知。) or the receipt's last word. It is
    /// kept on the page of the signature, so the signature never stands on a page alone.
    fn closing(&self) -> Option<&String> {
        self.letter.paragraphs.last()
    }

    /// The reply slip's title (its first line) and its other lines.
    fn slip(&self) -> Option<(&str, Vec<FormLine>)> {
        let (title, lines) = self.letter.reply_slip.as_ref()?.split_first()?;
        Some((title, lines.iter().map(|l| FormLine::new(l)).collect()))
    }

    /// The proof of delivery's rows.
    fn rows(&self) -> Vec<(&str, FormLine)> {
        let rows = self.letter.table.iter().flatten();
        rows.map(|(k, v)| (k.as_str(), FormLine::new(v))).collect()
    }
}

/// The HTML of a stored letter: composed letters are rendered now; letters stored as HTML
/// by earlier versions are shown as they were.
pub fn stored_html(body: &str) -> Result<String, AppError> {
    match serde_json::from_str::<Letter>(body) {
        Ok(letter) => Body { letter: &letter }
            .render()
            .map_err(|e| AppError::Internal(e.to_string())),
        Err(_) => Ok(body.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::FormLine;

    fn pieces(line: &str) -> Vec<(bool, String)> {
        FormLine::new(line).pieces
    }

    #[test]
    fn form_lines_keep_their_blanks() {
        let ideographic = |n| "\u{3000}".repeat(n);
        assert_eq!(
            pieces("签名（盖章）：______    电话：___"),
            vec![
                (false, "签名（盖章）：".to_string()),
                (true, ideographic(3)),
                (false, format!("{}电话：", ideographic(2))),
                (true, ideographic(2)),
            ]
        );
        assert_eq!(
            pieces("日期：        年    月    日"),
            vec![(
                false,
                format!(
                    "日期：{}年{}月{}日",
                    ideographic(4),
                    ideographic(2),
                    ideographic(2)
                )
            )]
        );
        // Single spaces are text; trailing ones are dropped.
        assert_eq!(
            pieces("□ 同意公开。  "),
            vec![(false, "□ 同意公开。".to_string())]
        );
        let line = FormLine::new("__________");
        assert!(line.write_line && line.to_fill);
        let date = FormLine::new("        年    月    日");
        assert!(!date.write_line && date.to_fill);
        assert!(FormLine::new("").to_fill);
        assert!(!FormLine::new("张三").to_fill);
    }
}
