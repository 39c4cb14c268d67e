//! The statistics section as an .xlsx workbook (`gongkai report --format xlsx`). The
//! national profiles follow the official template's layout, merged cells included, so an
//! office can paste the numbers into its report or file the sheet as it is; `jiangsu-2018`
//! had no table, so its figures are a plain two-column list.

use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError};

use crate::domain::outcome::{Channel, RequesterType};
use crate::domain::report::{
    Body, COLS, Figures, Place, RESULTS_HEADING, Report, TABLE4_LABELS, Table3, Table4,
    channel_label_zh,
};

pub const TABLE3_SHEET: &str = "收到和处理政府信息公开申请情况";
pub const TABLE4_SHEET: &str = "政府信息公开行政复议、行政诉讼情况";
pub const FIGURES_SHEET: &str = "依申请公开办理情况";

/// The note the template puts in the header's corner.
const TABLE3_CORNER: &str = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）";

/// Table 三 starts its rows below the title and the three header rows.
const TABLE3_FIRST_ROW: u32 = 4;
/// Three label columns (一、…; （一）…; 1.…) before the numbers.
const LABEL_COLS: u16 = 3;

pub fn write(report: &Report) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    match &report.body {
        Body::Tables(t) => {
            table3_sheet(wb.add_worksheet(), &t.table3)?;
            table4_sheet(wb.add_worksheet(), &t.table4)?;
        }
        Body::Figures(f) => figures_sheet(wb.add_worksheet(), report, f)?,
    }
    wb.save_to_buffer()
}

struct Formats {
    title: Format,
    text: Format,
    number: Format,
}

fn formats() -> Formats {
    let cell = Format::new()
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::VerticalCenter)
        .set_text_wrap();
    Formats {
        title: Format::new()
            .set_bold()
            .set_font_size(14)
            .set_align(FormatAlign::Center),
        text: cell.clone().set_align(FormatAlign::Left),
        number: cell.set_align(FormatAlign::Center),
    }
}

/// Writes `text` over the range, merging when it is more than one cell (the library refuses
/// to merge a single cell).
fn put(
    ws: &mut Worksheet,
    (r0, c0): (u32, u16),
    (r1, c1): (u32, u16),
    text: &str,
    format: &Format,
) -> Result<(), XlsxError> {
    if (r0, c0) == (r1, c1) {
        ws.write_string_with_format(r0, c0, text, format)?;
    } else {
        ws.merge_range(r0, c0, r1, c1, text, format)?;
    }
    Ok(())
}

fn table3_sheet(ws: &mut Worksheet, t: &Table3) -> Result<(), XlsxError> {
    let f = formats();
    let center = f.number.clone();
    let last_col = LABEL_COLS + COLS as u16;
    ws.set_name(TABLE3_SHEET)?;
    put(ws, (0, 0), (0, last_col), TABLE3_SHEET, &f.title)?;
    put(ws, (1, 0), (3, LABEL_COLS - 1), TABLE3_CORNER, &f.text)?;
    put(ws, (1, LABEL_COLS), (1, last_col), "申请人情况", &center)?;
    let types = RequesterType::ALL;
    put(
        ws,
        (2, LABEL_COLS),
        (3, LABEL_COLS),
        types[0].label_zh(),
        &center,
    )?;
    put(
        ws,
        (2, LABEL_COLS + 1),
        (2, LABEL_COLS + COLS as u16 - 1),
        "法人或其他组织",
        &center,
    )?;
    for (i, t) in types.iter().enumerate().skip(1) {
        ws.write_string_with_format(3, LABEL_COLS + i as u16, t.label_zh(), &center)?;
    }
    put(ws, (2, last_col), (3, last_col), "总计", &center)?;

    table3_labels(ws, t, &f.text)?;
    for (i, line) in t.rows.iter().enumerate() {
        for (c, v) in line.values.iter().enumerate() {
            let row = TABLE3_FIRST_ROW + i as u32;
            ws.write_number_with_format(row, LABEL_COLS + c as u16, *v as f64, &f.number)?;
        }
    }
    ws.set_column_width(0, 8)?;
    ws.set_column_width(1, 18)?;
    ws.set_column_width(2, 44)?;
    for c in LABEL_COLS..=last_col {
        ws.set_column_width(c, 10)?;
    }
    Ok(())
}

/// The label columns as the template draws them: 一、二、四 across all three; under
/// 三、本年度办理结果 (merged down) each group (merged down over its items, or across the
/// item column when it has none) and its numbered items.
fn table3_labels(ws: &mut Worksheet, t: &Table3, text: &Format) -> Result<(), XlsxError> {
    let row_of = |i: usize| TABLE3_FIRST_ROW + i as u32;
    let results: Vec<usize> = (0..t.rows.len())
        .filter(|&i| matches!(t.rows[i].row.place, Place::Result { .. }))
        .collect();
    if let (Some(&first), Some(&last)) = (results.first(), results.last()) {
        put(
            ws,
            (row_of(first), 0),
            (row_of(last), 0),
            RESULTS_HEADING,
            text,
        )?;
    }
    let mut i = 0;
    while i < t.rows.len() {
        let row = row_of(i);
        match t.rows[i].row.place {
            Place::Spanning => put(ws, (row, 0), (row, 2), t.rows[i].row.label, text)?,
            Place::Result { group, item: None } => put(ws, (row, 1), (row, 2), group, text)?,
            Place::Result {
                group,
                item: Some(_),
            } => {
                let run = group_run(t, i, group);
                put(ws, (row, 1), (row_of(i + run - 1), 1), group, text)?;
                for j in i..i + run {
                    if let Place::Result {
                        item: Some(item), ..
                    } = t.rows[j].row.place
                    {
                        ws.write_string_with_format(row_of(j), 2, item, text)?;
                    }
                }
                i += run;
                continue;
            }
        }
        i += 1;
    }
    Ok(())
}

/// How many rows from `start` belong to `group`.
fn group_run(t: &Table3, start: usize, group: &str) -> usize {
    t.rows[start..]
        .iter()
        .take_while(|l| matches!(l.row.place, Place::Result { group: g, .. } if g == group))
        .count()
}

fn table4_sheet(ws: &mut Worksheet, t: &Table4) -> Result<(), XlsxError> {
    let f = formats();
    ws.set_name(TABLE4_SHEET)?;
    put(ws, (0, 0), (0, 14), TABLE4_SHEET, &f.title)?;
    put(ws, (1, 0), (2, 4), "行政复议", &f.number)?;
    put(ws, (1, 5), (1, 14), "行政诉讼", &f.number)?;
    put(ws, (2, 5), (2, 9), "未经复议直接起诉", &f.number)?;
    put(ws, (2, 10), (2, 14), "复议后起诉", &f.number)?;
    let groups = [t.review, t.lawsuit_direct, t.lawsuit_after_review];
    for (g, values) in groups.iter().enumerate() {
        for (c, (label, v)) in TABLE4_LABELS.iter().zip(values).enumerate() {
            let col = (g * TABLE4_LABELS.len() + c) as u16;
            ws.write_string_with_format(3, col, *label, &f.number)?;
            ws.write_number_with_format(4, col, *v as f64, &f.number)?;
            ws.set_column_width(col, 10)?;
        }
    }
    Ok(())
}

/// A value in the Jiangsu list.
enum Value {
    Count(u64),
    Text(String),
    Fen(i64),
}

/// The figures behind the prose, in the order the prose gives them.
fn figure_items(r: &Report, f: &Figures) -> Vec<(String, Value)> {
    use Value::*;
    let mut items = vec![("本年受理申请".to_string(), Count(f.received))];
    if let Some(p) = f.previous_year_received {
        items.push(("上年受理申请".into(), Count(p)));
    }
    let ranked = |prefix: &str, list: &[crate::domain::report::Ranked]| {
        list.iter()
            .enumerate()
            .map(|(i, s)| {
                let name = if s.short_name.is_empty() {
                    &s.name
                } else {
                    &s.short_name
                };
                (format!("{prefix}第{}位：{name}", i + 1), Count(s.received))
            })
            .collect::<Vec<_>>()
    };
    items.extend(ranked("下辖政府", &f.top_governments));
    items.extend(ranked("所属部门", &f.top_departments));
    items.extend(
        Channel::ALL
            .iter()
            .zip(&r.channels)
            .map(|(c, n)| (channel_label_zh(*c), Count(*n))),
    );
    items.extend(f.topics.iter().enumerate().map(|(i, t)| {
        (
            format!("申请内容第{}位：{}", i + 1, t.topic),
            Count(t.count),
        )
    }));
    items.push(("上年结转".into(), Count(f.carried_in)));
    items.push(("本年办结".into(), Count(f.closed)));
    items.push(("结转下年度".into(), Count(f.carried_out)));
    items.extend(
        f.categories
            .iter()
            .map(|c| (c.label.to_string(), Count(c.count))),
    );
    if let Some(ratio) = &f.disclosure_ratio {
        items.push(("实际公开比例".into(), Text(format!("{ratio}%"))));
    }
    items.push(("收费通知（件）".into(), Count(r.fees.notices)));
    items.push(("收费通知金额（元）".into(), Fen(r.fees.notice_amount_fen)));
    items.push(("实际收费（元）".into(), Fen(r.fees.collected_fen)));
    for (name, a) in [("行政复议", &f.review), ("行政诉讼", &f.lawsuit)] {
        items.push((name.into(), Count(a.total)));
        if let Some(p) = a.previous_year {
            items.push((format!("上年{name}"), Count(p)));
        }
        let outcomes = [
            ("维持", a.upheld),
            ("纠错", a.corrected),
            ("其他结果", a.other),
            ("尚未审结", a.pending),
        ];
        items.extend(
            outcomes
                .into_iter()
                .map(|(o, n)| (format!("{name}：{o}"), Count(n))),
        );
    }
    items
}

fn figures_sheet(ws: &mut Worksheet, r: &Report, f: &Figures) -> Result<(), XlsxError> {
    let fm = formats();
    let money = fm.number.clone().set_num_format("0.00");
    ws.set_name(FIGURES_SHEET)?;
    let title = format!("{}{}年{}", r.agency.name, r.year, FIGURES_SHEET);
    put(ws, (0, 0), (0, 1), &title, &fm.title)?;
    ws.write_string_with_format(1, 0, "项目", &fm.number)?;
    ws.write_string_with_format(1, 1, "数量", &fm.number)?;
    for (i, (label, value)) in figure_items(r, f).into_iter().enumerate() {
        let row = 2 + i as u32;
        ws.write_string_with_format(row, 0, &label, &fm.text)?;
        match value {
            Value::Count(n) => ws.write_number_with_format(row, 1, n as f64, &fm.number)?,
            Value::Text(s) => ws.write_string_with_format(row, 1, &s, &fm.number)?,
            // Display only: the exact amounts are in the JSON, in fen.
            Value::Fen(fen) => ws.write_number_with_format(row, 1, fen as f64 / 100.0, &money)?,
        };
    }
    ws.set_column_width(0, 36)?;
    ws.set_column_width(1, 12)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::outcome::Outcome;
    use crate::domain::report::{AgencyRef, FeeTotals, Profile, Tally, tabulate};
    use calamine::{Data, Dimensions, Reader, Xlsx};
    use std::io::Cursor;

    fn tally() -> Tally {
        Tally {
            year: 2024,
            agency: AgencyRef {
                code: "SQ".into(),
                name: "宿迁市人民政府".into(),
                short_name: "宿迁市".into(),
            },
            new: [30, 5, 0, 1, 2, 1],
            results: vec![
                (Outcome::Disclosed, [20, 5, 0, 1, 2, 1]),
                (Outcome::WithheldThirdParty, [10, 0, 0, 0, 0, 0]),
            ],
            fees: FeeTotals {
                notices: 1,
                notice_amount_fen: 88_050,
                collected_fen: 0,
            },
            ..Tally::default()
        }
    }

    fn read(profile: Profile) -> Xlsx<Cursor<Vec<u8>>> {
        let bytes = write(&tabulate(profile, &tally())).expect("writes");
        Xlsx::new(Cursor::new(bytes)).expect("reads back")
    }

    fn string(s: &str) -> Option<Data> {
        Some(Data::String(s.into()))
    }

    #[test]
    fn table3_keeps_the_template_layout() {
        let mut wb = read(Profile::National2021);
        let r = wb.worksheet_range(TABLE3_SHEET).expect("table 三");
        let at = |row: u32, col: u32| r.get_value((row, col)).cloned();
        assert_eq!(at(0, 0), string("收到和处理政府信息公开申请情况"));
        assert_eq!(at(1, 3), string("申请人情况"));
        assert_eq!(at(2, 3), string("自然人"));
        assert_eq!(at(2, 4), string("法人或其他组织"));
        assert_eq!(at(3, 8), string("其他"));
        assert_eq!(at(2, 9), string("总计"));
        assert_eq!(at(4, 0), string("一、本年新收政府信息公开申请数量"));
        assert_eq!(at(4, 3), Some(Data::Float(30.0)));
        assert_eq!(at(4, 9), Some(Data::Float(39.0)));
        assert_eq!(at(6, 0), string("三、本年度办理结果"));
        assert_eq!(at(6, 1), string("（一）予以公开"));
        assert_eq!(at(8, 1), string("（三）不予公开"));
        assert_eq!(at(8, 2), string("1.属于国家秘密"));
        // 4.保护第三方合法权益, total column.
        assert_eq!(at(11, 2), string("4.保护第三方合法权益"));
        assert_eq!(at(11, 9), Some(Data::Float(10.0)));
        assert_eq!(at(27, 1), string("（七）总计"));
        assert_eq!(at(27, 9), Some(Data::Float(39.0)));
        assert_eq!(at(28, 0), string("四、结转下年度继续办理"));

        let merged = wb.merge_cells_by_sheet_name(TABLE3_SHEET).expect("merges");
        let dims = |s: (u32, u32), e: (u32, u32)| Dimensions { start: s, end: e };
        for m in [
            dims((1, 0), (3, 2)),
            dims((2, 4), (2, 8)),
            dims((2, 9), (3, 9)),
            dims((6, 0), (27, 0)),
            dims((8, 1), (15, 1)),
            dims((24, 1), (26, 1)),
            dims((4, 0), (4, 2)),
        ] {
            assert!(merged.contains(&m), "{m:?} in {merged:?}");
        }
    }

    #[test]
    fn the_2019_table_merges_its_single_other_row_across() {
        let mut wb = read(Profile::National2019);
        let r = wb.worksheet_range(TABLE3_SHEET).expect("table 三");
        assert_eq!(r.get_value((24, 1)).cloned(), string("（六）其他处理"));
        assert_eq!(r.get_value((25, 1)).cloned(), string("（七）总计"));
        let merged = wb.merge_cells_by_sheet_name(TABLE3_SHEET).expect("merges");
        assert!(merged.contains(&Dimensions {
            start: (24, 1),
            end: (24, 2)
        }));
    }

    #[test]
    fn table4_has_its_two_level_header() {
        let mut wb = read(Profile::National2021);
        let r = wb.worksheet_range(TABLE4_SHEET).expect("table 四");
        let at = |row: u32, col: u32| r.get_value((row, col)).cloned();
        assert_eq!(at(1, 0), string("行政复议"));
        assert_eq!(at(1, 5), string("行政诉讼"));
        assert_eq!(at(2, 10), string("复议后起诉"));
        assert_eq!(at(3, 14), string("总计"));
        assert_eq!(at(4, 14), Some(Data::Float(0.0)));
    }

    #[test]
    fn jiangsu_figures_are_a_two_column_list() {
        let mut wb = read(Profile::Jiangsu2018);
        let r = wb.worksheet_range(FIGURES_SHEET).expect("figures");
        let rows: Vec<(String, Data)> = r
            .rows()
            .skip(2)
            .map(|row| (row[0].to_string(), row[1].clone()))
            .collect();
        let get = |label: &str| {
            rows.iter()
                .find(|(l, _)| l == label)
                .map(|(_, v)| v.clone())
        };
        assert_eq!(get("本年受理申请"), Some(Data::Float(39.0)));
        assert_eq!(get("同意公开"), Some(Data::Float(29.0)));
        assert_eq!(get("实际公开比例"), Some(Data::String("74.36%".into())));
        assert_eq!(get("收费通知金额（元）"), Some(Data::Float(880.5)));
        assert_eq!(get("上年受理申请"), None);
    }
}
