//! A weekly bar chart drawn on the server as SVG: no script needed, prints well.

use crate::domain::report::YearBar;
use chrono::{Datelike, Duration, NaiveDate};
use std::fmt::Write;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Week {
    pub start: NaiveDate,
    pub received: i64,
    pub answered: i64,
    pub late: i64,
}

/// The Monday of the week containing `d`.
pub fn week_start(d: NaiveDate) -> NaiveDate {
    d - Duration::days(i64::from(d.weekday().num_days_from_monday()))
}

/// Buckets per-day counts into `n` weeks ending with the week of `today`.
pub fn weeks(
    today: NaiveDate,
    n: usize,
    received: &[(NaiveDate, i64)],
    closed: &[(Option<NaiveDate>, bool, i64)],
) -> Vec<Week> {
    let last = week_start(today);
    let first = last - Duration::weeks(n as i64 - 1);
    let mut out: Vec<Week> = (0..n)
        .map(|i| Week {
            start: first + Duration::weeks(i as i64),
            ..Default::default()
        })
        .collect();
    let index = |d: NaiveDate| -> Option<usize> {
        let i = (week_start(d) - first).num_weeks();
        (0..n as i64).contains(&i).then_some(i as usize)
    };
    for (d, count) in received {
        if let Some(i) = index(*d) {
            out[i].received += count;
        }
    }
    for (d, late, count) in closed {
        if let Some(i) = d.and_then(index) {
            out[i].answered += count;
            if *late {
                out[i].late += count;
            }
        }
    }
    out
}

use crate::service::mail::messages::escape as esc;

/// Received and answered bars per week; the late part of "answered" in red.
pub fn svg(weeks: &[Week], labels: [&str; 3], title: &str) -> String {
    let (w, h, left, bottom, top) = (860.0_f64, 240.0_f64, 36.0, 28.0, 24.0);
    let max = weeks
        .iter()
        .map(|w| w.received.max(w.answered))
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let plot_h = h - bottom - top;
    let step = (w - left - 8.0) / weeks.len().max(1) as f64;
    let bar = (step / 2.0 - 1.0).max(1.0);
    let y = |v: f64| top + plot_h - v / max * plot_h;
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" class="chart" role="img" aria-label="{}">"#,
        esc(title)
    );
    let _ = write!(s, "<title>{}</title>", esc(title));
    for frac in [0.0, 0.5, 1.0] {
        let v = (max * frac).round();
        let yy = y(v);
        let _ = write!(
            s,
            r##"<line x1="{left}" x2="{}" y1="{yy:.1}" y2="{yy:.1}" stroke="#d6dae2"/><text x="{}" y="{:.1}" font-size="10" text-anchor="end" fill="#5b6475">{v}</text>"##,
            w - 4.0,
            left - 4.0,
            yy + 3.0
        );
    }
    for (i, wk) in weeks.iter().enumerate() {
        let x = left + i as f64 * step;
        let tip = format!(
            "{}: {} {}, {} {}, {} {}",
            wk.start, labels[0], wk.received, labels[1], wk.answered, labels[2], wk.late
        );
        let _ = write!(s, "<g><title>{}</title>", esc(&tip));
        let r = wk.received as f64;
        let a = (wk.answered - wk.late) as f64;
        let l = wk.late as f64;
        let _ = write!(
            s,
            r##"<rect x="{x:.1}" y="{:.1}" width="{bar:.1}" height="{:.1}" fill="#9aa3b2"/>"##,
            y(r),
            top + plot_h - y(r)
        );
        let _ = write!(
            s,
            r##"<rect x="{:.1}" y="{:.1}" width="{bar:.1}" height="{:.1}" fill="#1f4fa3"/>"##,
            x + bar,
            y(a),
            top + plot_h - y(a)
        );
        let _ = write!(
            s,
            r##"<rect x="{:.1}" y="{:.1}" width="{bar:.1}" height="{:.1}" fill="#b00020"/>"##,
            x + bar,
            y(a + l),
            y(a) - y(a + l)
        );
        s.push_str("</g>");
        if wk.start.day() <= 7 {
            let _ = write!(
                s,
                r##"<text x="{x:.1}" y="{:.1}" font-size="10" fill="#5b6475">{}</text>"##,
                h - 10.0,
                wk.start.format("%Y-%m")
            );
        }
    }
    for (i, (label, colour)) in labels
        .iter()
        .zip(["#9aa3b2", "#1f4fa3", "#b00020"])
        .enumerate()
    {
        let x = left + 10.0 + i as f64 * 120.0;
        let _ = write!(
            s,
            r#"<rect x="{x}" y="4" width="10" height="10" fill="{colour}"/><text x="{}" y="13" font-size="11">{}</text>"#,
            x + 14.0,
            esc(label)
        );
    }
    s.push_str("</svg>");
    s
}

/// The outcome families of table 三 (its groups （一）…（六）) with their colours.
pub const FAMILIES: [(&str, &str); 6] = [
    ("予以公开", "#1f4fa3"),
    ("部分公开", "#4f7fd0"),
    ("不予公开", "#b00020"),
    ("无法提供", "#d98c1f"),
    ("不予处理", "#7a4fa3"),
    ("其他处理", "#5b6475"),
];

/// Years side by side: received and carried over as plain bars, the year's
/// answers stacked by outcome family. Labels are the report's own (Chinese).
pub fn years_svg(years: &[YearBar], title: &str) -> String {
    let (w, h, left, bottom, top) = (640.0_f64, 260.0_f64, 44.0, 26.0, 44.0);
    let max = years
        .iter()
        .map(|y| y.received.max(y.carried_out).max(y.families.iter().sum()))
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let plot_h = h - bottom - top;
    let step = (w - left - 8.0) / years.len().max(1) as f64;
    let bar = (step / 4.0).min(36.0);
    let y = |v: f64| top + plot_h - v / max * plot_h;
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" class="chart years" role="img" aria-label="{0}"><title>{0}</title>"#,
        esc(title)
    );
    for frac in [0.0, 0.5, 1.0] {
        let v = (max * frac).round();
        let yy = y(v);
        let _ = write!(
            s,
            r##"<line x1="{left}" x2="{}" y1="{yy:.1}" y2="{yy:.1}" stroke="#d6dae2"/><text x="{}" y="{:.1}" font-size="10" text-anchor="end" fill="#5b6475">{v}</text>"##,
            w - 4.0,
            left - 4.0,
            yy + 3.0
        );
    }
    let rect = |s: &mut String, x: f64, from: f64, to: f64, colour: &str| {
        let _ = write!(
            s,
            r##"<rect x="{x:.1}" y="{:.1}" width="{bar:.1}" height="{:.1}" fill="{colour}"/>"##,
            y(to),
            y(from) - y(to)
        );
    };
    for (i, yr) in years.iter().enumerate() {
        let x = left + 8.0 + i as f64 * step;
        let closed: u64 = yr.families.iter().sum();
        let tip = format!(
            "{}年：收到{}件，办结{}件，结转{}件",
            yr.year, yr.received, closed, yr.carried_out
        );
        let _ = write!(s, "<g><title>{}</title>", esc(&tip));
        rect(&mut s, x, 0.0, yr.received as f64, "#9aa3b2");
        let mut base = 0.0;
        for (n, (_, colour)) in yr.families.iter().zip(FAMILIES) {
            rect(&mut s, x + bar + 2.0, base, base + *n as f64, colour);
            base += *n as f64;
        }
        rect(
            &mut s,
            x + 2.0 * (bar + 2.0),
            0.0,
            yr.carried_out as f64,
            "#c9cfd9",
        );
        s.push_str("</g>");
        let _ = write!(
            s,
            r##"<text x="{:.1}" y="{:.1}" font-size="11" text-anchor="middle" fill="#333">{}</text>"##,
            x + 1.5 * bar + 2.0,
            h - 8.0,
            yr.year
        );
    }
    let legend = [("收到申请", "#9aa3b2"), ("结转下年", "#c9cfd9")]
        .into_iter()
        .chain(FAMILIES);
    for (i, (label, colour)) in legend.enumerate() {
        let x = left + (i % 4) as f64 * 140.0;
        let yy = 6.0 + (i / 4) as f64 * 16.0;
        let _ = write!(
            s,
            r#"<rect x="{x}" y="{yy}" width="10" height="10" fill="{colour}"/><text x="{}" y="{}" font-size="11">{label}</text>"#,
            x + 14.0,
            yy + 9.0
        );
    }
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn buckets_by_monday_weeks() {
        let today = d("2026-11-27"); // a Friday
        let w = weeks(
            today,
            3,
            &[
                (d("2026-11-23"), 2),
                (d("2026-11-27"), 1),
                (d("2026-11-10"), 5),
                (d("2025-01-01"), 9),
            ],
            &[
                (Some(d("2026-11-24")), false, 1),
                (Some(d("2026-11-24")), true, 2),
                (None, false, 4),
            ],
        );
        assert_eq!(w.len(), 3);
        assert_eq!(w[2].start, d("2026-11-23"));
        assert_eq!((w[2].received, w[2].answered, w[2].late), (3, 3, 2));
        assert_eq!(w[0].start, d("2026-11-09"));
        assert_eq!(w[0].received, 5);
    }

    #[test]
    fn svg_escapes_labels_and_has_a_bar_per_week() {
        let w = vec![
            Week {
                start: d("2026-11-02"),
                received: 4,
                answered: 3,
                late: 1
            };
            4
        ];
        let s = svg(&w, ["收到", "答复", "<逾期>"], "chart");
        assert!(s.starts_with("<svg") && s.ends_with("</svg>"));
        assert!(s.contains("&lt;逾期&gt;"));
        assert_eq!(s.matches("<g>").count(), 4);
    }
}
