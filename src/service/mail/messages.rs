//! The texts of the messages gongkai sends, in Simplified Chinese (the
//! recipients are applicants and office staff in China; a message has no
//! reader's language to follow). Each is a subject, a plain text and an HTML
//! alternative made from the same pieces. Plain formatting, not templates:
//! a message is composed inside the transaction that queues it, from data in
//! hand, like a letter (`domain::letters::compose`).
//!
//! Messages to staff name the case by its number and what was asked, not the
//! applicant: the details are one sign-in away.

use crate::domain::letters::{Letter, format_date_zh};
use chrono::{Datelike, NaiveDate};

/// A message ready for the outbox.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mail {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// The office that writes, as the applicant's message signs off.
pub struct Office<'a> {
    pub name: &'a str,
    pub phone: &'a str,
}

/// A case as staff messages name it.
pub struct CaseRef<'a> {
    pub tracking_no: &'a str,
    pub agency: &'a str,
    pub subject: &'a str,
}

/// A case in the digest.
#[derive(Clone, Debug)]
pub struct DigestItem {
    pub tracking_no: String,
    pub agency: String,
    pub due_on: Option<NaiveDate>,
    /// The clerk in charge, or empty.
    pub assignee: String,
}

/// What the supervisor's digest reports.
pub struct Digest<'a> {
    pub day: NaiveDate,
    pub overdue: &'a [DigestItem],
    pub due_soon: &'a [DigestItem],
    pub awaiting_approval: &'a [DigestItem],
}

/// Cases listed per section of the digest; the rest are counted.
pub const DIGEST_LIST_MAX: usize = 30;

/// Characters of a request's subject quoted in staff messages.
const SUBJECT_QUOTED: usize = 60;

const AUTOMATIC: &str = "本邮件由政府信息公开申请办理系统自动发送，请勿直接回复。";
const TURN_OFF: &str = "不需要此类邮件的，可登录系统在“我的账户”页面关闭。";

/// Escapes text for HTML (element content and quoted attributes).
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// A long subject shortened to its first characters.
fn quote(s: &str) -> String {
    let s = s.trim();
    if s.chars().count() <= SUBJECT_QUOTED {
        s.to_string()
    } else {
        let head: String = s.chars().take(SUBJECT_QUOTED).collect();
        format!("{head}……")
    }
}

fn weekday_zh(d: NaiveDate) -> &'static str {
    [
        "星期一",
        "星期二",
        "星期三",
        "星期四",
        "星期五",
        "星期六",
        "星期日",
    ][d.weekday().num_days_from_monday() as usize]
}

/// "2024年10月30日（星期三）"
fn day(d: NaiveDate) -> String {
    format!("{}（{}）", format_date_zh(d), weekday_zh(d))
}

/// A name to address, or a neutral salutation.
fn dear(name: &str) -> String {
    let name = name.trim();
    if name.is_empty() {
        "您好：".to_string()
    } else {
        format!("{name}：")
    }
}

/// The HTML page around a message's paragraphs (mail clients ignore style sheets: inline).
fn page(body: &str) -> String {
    format!(
        "<!doctype html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\"></head>\
         <body style=\"font-family:sans-serif;font-size:15px;line-height:1.6;color:#222\">\n\
         {body}</body></html>\n"
    )
}

fn paras_html(paras: &[String]) -> String {
    paras
        .iter()
        .map(|p| format!("<p>{}</p>\n", escape(p)))
        .collect()
}

/// A letter as plain text: title, number, addressee, indented paragraphs, signature and
/// date, then the reply slip or the form's rows where the letter has them.
pub fn letter_text(l: &Letter) -> String {
    let mut out = format!("{}\n", l.title);
    if let Some(n) = &l.doc_number {
        out.push_str(&format!("{n}\n"));
    }
    out.push('\n');
    if !l.addressee.is_empty() {
        out.push_str(&format!("{}\n", l.addressee));
    }
    for (k, v) in l.table.iter().flatten() {
        out.push_str(&format!("{k}：{v}\n"));
    }
    for p in &l.paragraphs {
        out.push_str(&format!("\u{3000}\u{3000}{p}\n"));
    }
    out.push_str(&format!("\n{}\n{}\n", l.signature, l.date));
    if let Some(slip) = &l.reply_slip {
        out.push('\n');
        for line in slip {
            out.push_str(&format!("{line}\n"));
        }
    }
    out
}

/// A letter as HTML for a mail client: the layout of the printed letter, styled inline.
pub fn letter_html(l: &Letter) -> String {
    let mut out = String::from(
        "<div style=\"max-width:42em;margin:1em 0;padding:1.5em 2em;border:1px solid #ccc;\
         font-family:serif;font-size:16px;line-height:1.8\">\n",
    );
    out.push_str(&format!(
        "<h2 style=\"text-align:center;font-size:20px;margin:0 0 .5em\">{}</h2>\n",
        escape(&l.title)
    ));
    if let Some(n) = &l.doc_number {
        out.push_str(&format!(
            "<p style=\"text-align:center;margin:0 0 1em\">{}</p>\n",
            escape(n)
        ));
    }
    if !l.addressee.is_empty() {
        out.push_str(&format!(
            "<p style=\"margin:0\">{}</p>\n",
            escape(&l.addressee)
        ));
    }
    if let Some(rows) = &l.table {
        out.push_str("<table style=\"border-collapse:collapse\">\n");
        for (k, v) in rows {
            out.push_str(&format!(
                "<tr><th style=\"border:1px solid #999;padding:.3em .6em;text-align:left\">{}</th>\
                 <td style=\"border:1px solid #999;padding:.3em .6em\">{}</td></tr>\n",
                escape(k),
                escape(v)
            ));
        }
        out.push_str("</table>\n");
    }
    for p in &l.paragraphs {
        out.push_str(&format!(
            "<p style=\"text-indent:2em;margin:0\">{}</p>\n",
            escape(p)
        ));
    }
    out.push_str(&format!(
        "<p style=\"text-align:right;margin:1.5em 0 0\">{}<br>{}</p>\n",
        escape(&l.signature),
        escape(&l.date)
    ));
    if let Some(slip) = &l.reply_slip {
        out.push_str("<hr>\n");
        for line in slip {
            out.push_str(&format!("<p style=\"margin:0\">{}</p>\n", escape(line)));
        }
    }
    out.push_str("</div>\n");
    out
}

/// To the applicant: a letter issued on their application, in full.
pub fn letter(requester: &str, office: &Office, tracking_no: &str, l: &Letter) -> Mail {
    let numbered = match &l.doc_number {
        Some(n) => format!("《{}》（{n}）", l.title),
        None => format!("《{}》", l.title),
    };
    let intro = format!(
        "您向{}提出的政府信息公开申请（申请编号：{tracking_no}），本机关已出具{numbered}，全文如下。\
         本邮件仅供您及时知悉，正式文书以本机关依法送达的为准。",
        office.name
    );
    let contact = if office.phone.trim().is_empty() {
        format!("如有疑问，请与{}联系，联系时请提供申请编号。", office.name)
    } else {
        format!(
            "如有疑问，请致电{}（{}），联系时请提供申请编号。",
            office.name,
            office.phone.trim()
        )
    };
    let head = [dear(requester), intro];
    let foot = [contact, AUTOMATIC.to_string()];
    let text = format!(
        "{}\n\n{}\n\n{}\n{}\n\n{}\n",
        head[0],
        head[1],
        "—".repeat(20),
        letter_text(l),
        foot.join("\n")
    );
    let html = page(&format!(
        "{}{}{}",
        paras_html(&head),
        letter_html(l),
        paras_html(&foot)
    ));
    Mail {
        subject: format!("{}（申请编号：{tracking_no}）", l.title),
        text,
        html,
    }
}

/// To a supervisor: a clerk asks for more time (art. 33(2)), to be approved or refused.
pub fn extension_requested(
    to: &str,
    case: &CaseRef,
    by: &str,
    on: NaiveDate,
    reason: &str,
    due: Option<NaiveDate>,
) -> Mail {
    let mut paras = vec![
        dear(to),
        format!(
            "{by}于{}为{}的政府信息公开申请 {} 申请延长答复期限，等待您审批。",
            format_date_zh(on),
            case.agency,
            case.tracking_no
        ),
        format!("申请内容：{}", quote(case.subject)),
        format!("延期理由：{}", reason.trim()),
    ];
    if let Some(d) = due {
        paras.push(format!("现答复期限：{}", day(d)));
    }
    paras
        .push("请登录系统，在该案件页面批准或不批准延期；延期须在答复期限届满前决定。".to_string());
    paras.push(AUTOMATIC.to_string());
    Mail {
        subject: format!("待审批：{} 申请延长答复期限", case.tracking_no),
        text: paras.join("\n\n") + "\n",
        html: page(&paras_html(&paras)),
    }
}

/// To a supervisor: a draft answer has passed its review and waits for sign-off (art. 17).
pub fn sign_off_awaited(
    to: &str,
    case: &CaseRef,
    drafted_by: &str,
    outcome: &str,
    due: Option<NaiveDate>,
) -> Mail {
    let mut paras = vec![
        dear(to),
        format!(
            "{drafted_by}拟办的{}政府信息公开申请 {} 的答复（拟答复意见：{outcome}）已完成审查，等待您签发。",
            case.agency, case.tracking_no
        ),
        format!("申请内容：{}", quote(case.subject)),
    ];
    if let Some(d) = due {
        paras.push(format!(
            "答复期限：{}（审查、签发期间答复期限照常计算）",
            day(d)
        ));
    }
    paras.push("请登录系统，在该案件页面签发或退回修改；签发后方可出具答复书。".to_string());
    paras.push(AUTOMATIC.to_string());
    Mail {
        subject: format!("待签发：{} 的答复", case.tracking_no),
        text: paras.join("\n\n") + "\n",
        html: page(&paras_html(&paras)),
    }
}

/// To the clerk who drafted an answer: a reviewer sent it back, saying why.
pub fn draft_returned(
    to: &str,
    case: &CaseRef,
    step: &str,
    by: &str,
    reason: &str,
    due: Option<NaiveDate>,
) -> Mail {
    let mut paras = vec![
        dear(to),
        format!(
            "您拟办的政府信息公开申请 {}（{}）的答复，{by}在{step}环节退回修改。",
            case.tracking_no, case.agency
        ),
        format!("退回理由：{}", reason.trim()),
    ];
    if let Some(d) = due {
        paras.push(format!("答复期限：{}", day(d)));
    }
    paras.push("请登录系统修改后重新送审。".to_string());
    paras.push(AUTOMATIC.to_string());
    Mail {
        subject: format!("退回修改：{} 的答复", case.tracking_no),
        text: paras.join("\n\n") + "\n",
        html: page(&paras_html(&paras)),
    }
}

/// To the clerk in charge: the deadline is near.
pub fn reminder(to: &str, case: &CaseRef, due: NaiveDate, working_days_left: i64) -> Mail {
    let left = if working_days_left <= 0 {
        "今天是最后一天".to_string()
    } else {
        format!("还剩{working_days_left}个工作日")
    };
    let paras = [
        dear(to),
        format!(
            "您承办的政府信息公开申请 {}（{}）答复期限为{}，{left}。请及时办理；确需延期的，\
             应在期限届满前报经负责人同意。",
            case.tracking_no,
            case.agency,
            day(due)
        ),
        format!("申请内容：{}", quote(case.subject)),
        format!("{AUTOMATIC}{TURN_OFF}"),
    ];
    Mail {
        subject: format!(
            "办理提醒：{} 将于{}到期",
            case.tracking_no,
            format_date_zh(due)
        ),
        text: paras.join("\n\n") + "\n",
        html: page(&paras_html(&paras)),
    }
}

fn digest_line(i: &DigestItem) -> String {
    let mut s = format!("{}　{}", i.tracking_no, i.agency);
    if let Some(d) = i.due_on {
        s.push_str(&format!("　期限 {}", format_date_zh(d)));
    }
    s.push_str(&format!(
        "　承办人 {}",
        if i.assignee.is_empty() {
            "未指定"
        } else {
            &i.assignee
        }
    ));
    s
}

/// To a supervisor, once a day: what is overdue, due soon or waiting for them, in their
/// agency and below.
pub fn digest(to: &str, d: &Digest) -> Mail {
    let sections = [
        ("已逾期", d.overdue),
        ("三个工作日内到期", d.due_soon),
        ("延期待审批", d.awaiting_approval),
    ];
    let summary = format!(
        "截至{}，您所辖机关的政府信息公开申请中：已逾期{}件，三个工作日内到期{}件，延期待审批{}件。",
        format_date_zh(d.day),
        d.overdue.len(),
        d.due_soon.len(),
        d.awaiting_approval.len()
    );
    let mut text = format!("{}\n\n{summary}\n", dear(to));
    let mut html = paras_html(&[dear(to), summary.clone()]);
    for (title, items) in sections {
        if items.is_empty() {
            continue;
        }
        text.push_str(&format!("\n【{title}】{}件\n", items.len()));
        html.push_str(&format!(
            "<h3 style=\"font-size:16px;margin:1em 0 .3em\">{title}（{}件）</h3>\n<ul>\n",
            items.len()
        ));
        for i in items.iter().take(DIGEST_LIST_MAX) {
            let line = digest_line(i);
            text.push_str(&format!("  {line}\n"));
            html.push_str(&format!("<li>{}</li>\n", escape(&line)));
        }
        if items.len() > DIGEST_LIST_MAX {
            let more = format!("另有{}件，请登录系统查看。", items.len() - DIGEST_LIST_MAX);
            text.push_str(&format!("  {more}\n"));
            html.push_str(&format!("<li>{more}</li>\n"));
        }
        html.push_str("</ul>\n");
    }
    let foot = format!("{AUTOMATIC}{TURN_OFF}");
    text.push_str(&format!("\n{foot}\n"));
    html.push_str(&paras_html(&[foot]));
    Mail {
        subject: format!(
            "每日汇总（{}）：逾期{}件，即将到期{}件，待审批{}件",
            format_date_zh(d.day),
            d.overdue.len(),
            d.due_soon.len(),
            d.awaiting_approval.len()
        ),
        text,
        html: page(&html),
    }
}

fn mail(subject: String, paras: &[String]) -> Mail {
    Mail {
        subject,
        text: paras.join("\n\n") + "\n",
        html: page(&paras_html(paras)),
    }
}

/// To the applicant, at once: the online application arrived; its number and access code.
pub fn acknowledgement(to: &str, office: &Office, number: &str, code: &str) -> Mail {
    let paras = [
        dear(to),
        format!(
            "您通过网上申请渠道向{}提出的政府信息公开申请已提交，申请编号：{number}，查询码：{code}。",
            office.name
        ),
        "申请经工作人员确认后方视为收到，答复期限自确认之日起计算。\
         您可凭申请编号和查询码在本系统“申请查询”页面查看办理情况。查询码请妥善保管，不要告知他人。"
            .to_string(),
        AUTOMATIC.to_string(),
    ];
    mail(format!("申请已提交（申请编号：{number}）"), &paras)
}

/// To the applicant: the office confirmed the application; the clock runs from that day.
pub fn confirmation(
    to: &str,
    office: &Office,
    number: &str,
    received_on: NaiveDate,
    due_on: Option<NaiveDate>,
) -> Mail {
    let due = due_on
        .map(|d| format!("，答复期限为{}", day(d)))
        .unwrap_or_default();
    let paras = [
        dear(to),
        format!(
            "您的政府信息公开申请（申请编号：{number}）已经{}确认，收到申请之日为{}{due}。",
            office.name,
            format_date_zh(received_on)
        ),
        AUTOMATIC.to_string(),
    ];
    mail(format!("申请已确认（申请编号：{number}）"), &paras)
}

/// To the applicant: the office did not take the submission as an application, and why.
pub fn rejection(to: &str, office: &Office, number: &str, reason: &str) -> Mail {
    let paras = [
        dear(to),
        format!(
            "您通过网上申请渠道提交的材料（申请编号：{number}），经{}审查，不作为政府信息公开申请受理。",
            office.name
        ),
        format!("理由：{}", reason.trim()),
        AUTOMATIC.to_string(),
    ];
    mail(format!("申请未予受理（申请编号：{number}）"), &paras)
}

/// To the applicant: their application went to the agency it was meant for,
/// under a new number (the access code stays as it was).
pub fn forwarded(
    to: &str,
    from: &Office,
    to_agency: &str,
    old_no: &str,
    new_no: &str,
    reason: &str,
) -> Mail {
    let paras = [
        dear(to),
        format!(
            "您通过网上申请渠道向{}提交的申请（申请编号：{old_no}），经审查应由{to_agency}办理，已转送该机关。",
            from.name
        ),
        format!("理由：{}", reason.trim()),
        format!(
            "新的申请编号为：{new_no}。查询码不变，用原编号或新编号均可查询办理情况。答复期限自{to_agency}确认收到申请之日起计算。"
        ),
        AUTOMATIC.to_string(),
    ];
    mail(format!("申请已转送（新申请编号：{new_no}）"), &paras)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::letters::LetterKind;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn a_forwarded_application_names_both_numbers() {
        let office = Office {
            name: "常州市国土资源局",
            phone: "",
        };
        let m = forwarded(
            "张三",
            &office,
            "常州市环境保护局",
            "CZ-GTJ-2024-0001",
            "CZ-HB-2024-0001",
            "所申请信息由环保部门制作",
        );
        assert!(m.subject.contains("CZ-HB-2024-0001"));
        assert!(m.text.contains("CZ-GTJ-2024-0001") && m.text.contains("常州市环境保护局"));
        assert!(m.text.contains("查询码不变"));
    }

    #[test]
    fn the_applicant_is_told_the_number_code_and_dates() {
        let office = Office {
            name: "常州市国土资源局",
            phone: "",
        };
        let ack = acknowledgement("张三", &office, "CZ-2024-0001", "ABCDEFGH23");
        assert!(ack.subject.contains("CZ-2024-0001"));
        assert!(ack.text.contains("查询码：ABCDEFGH23") && ack.html.contains("ABCDEFGH23"));
        let ok = confirmation(
            "张三",
            &office,
            "CZ-2024-0001",
            d("2024-09-27"),
            Some(d("2024-10-30")),
        );
        assert!(ok.text.contains("2024年9月27日") && ok.text.contains("2024年10月30日"));
        let no = rejection("张三", &office, "CZ-2024-0001", "<信访事项>");
        assert!(no.text.contains("理由：<信访事项>") && no.html.contains("&lt;信访事项&gt;"));
    }

    fn answer() -> Letter {
        Letter {
            kind: LetterKind::Answer,
            title: "常州市国土资源局政府信息公开申请答复书".into(),
            doc_number: Some("常国土依复〔2024〕1号".into()),
            addressee: "张三：".into(),
            paragraphs: vec![
                "本机关于2024年9月27日收到您的申请。".into(),
                "经审查，<现予公开>。".into(),
                "特此告知。".into(),
            ],
            signature: "常州市国土资源局".into(),
            date: "2024年10月8日".into(),
            reply_slip: None,
            table: None,
        }
    }

    #[test]
    fn the_applicant_receives_the_letter_in_full() {
        let office = Office {
            name: "常州市国土资源局",
            phone: "0519-12345678",
        };
        let m = letter("张三", &office, "CZ-GTJ-2024-0001", &answer());
        assert_eq!(
            m.subject,
            "常州市国土资源局政府信息公开申请答复书（申请编号：CZ-GTJ-2024-0001）"
        );
        assert!(m.text.starts_with("张三：\n\n您向常州市国土资源局提出的政府信息公开申请（申请编号：CZ-GTJ-2024-0001），本机关已出具《常州市国土资源局政府信息公开申请答复书》（常国土依复〔2024〕1号）"));
        assert!(m.text.contains("正式文书以本机关依法送达的为准"));
        assert!(m.text.contains("\u{3000}\u{3000}经审查，<现予公开>。\n"));
        assert!(m.text.contains("常州市国土资源局\n2024年10月8日\n"));
        assert!(m.text.contains("请致电常州市国土资源局（0519-12345678）"));
        // The HTML has the same letter, escaped.
        assert!(m.html.contains("经审查，&lt;现予公开&gt;。"));
        assert!(!m.html.contains("<现予公开>"));
        assert!(m.html.contains("常国土依复〔2024〕1号"));
        assert!(m.html.starts_with("<!doctype html>"));
        // No name: a neutral greeting.
        let m = letter("", &office, "CZ-GTJ-2024-0001", &answer());
        assert!(m.text.starts_with("您好：\n"));
    }

    #[test]
    fn staff_messages_name_the_case_and_what_to_do() {
        let case = CaseRef {
            tracking_no: "CZ-GTJ-2024-0001",
            agency: "常州市国土资源局",
            subject: "2023年某地块征地补偿安置方案",
        };
        let m = extension_requested(
            "李四",
            &case,
            "王五",
            d("2024-10-21"),
            "需要进一步检索档案",
            Some(d("2024-10-30")),
        );
        assert_eq!(m.subject, "待审批：CZ-GTJ-2024-0001 申请延长答复期限");
        assert!(m.text.contains("王五于2024年10月21日为常州市国土资源局的政府信息公开申请 CZ-GTJ-2024-0001 申请延长答复期限，等待您审批。"));
        assert!(m.text.contains("延期理由：需要进一步检索档案"));
        assert!(m.text.contains("现答复期限：2024年10月30日（星期三）"));

        let m = reminder("王五", &case, d("2024-10-30"), 3);
        assert_eq!(
            m.subject,
            "办理提醒：CZ-GTJ-2024-0001 将于2024年10月30日到期"
        );
        assert!(
            m.text
                .contains("答复期限为2024年10月30日（星期三），还剩3个工作日。")
        );
        assert!(m.text.contains("我的账户"));
        let last = reminder("王五", &case, d("2024-10-30"), 0);
        assert!(last.text.contains("今天是最后一天"));

        // A long subject is quoted in part.
        let long = "征".repeat(100);
        let case = CaseRef {
            subject: &long,
            ..case
        };
        let m = reminder("王五", &case, d("2024-10-30"), 1);
        assert!(m.text.contains(&format!("申请内容：{}……", "征".repeat(60))));
    }

    #[test]
    fn the_digest_lists_each_section() {
        let item = |n: &str, due: Option<&str>, who: &str| DigestItem {
            tracking_no: n.into(),
            agency: "常州市国土资源局".into(),
            due_on: due.map(d),
            assignee: who.into(),
        };
        let overdue = [item("CZ-GTJ-2024-0001", Some("2024-10-08"), "王五")];
        let soon: Vec<DigestItem> = (0..DIGEST_LIST_MAX + 2)
            .map(|i| {
                item(
                    &format!("CZ-GTJ-2024-{:04}", i + 10),
                    Some("2024-10-11"),
                    "",
                )
            })
            .collect();
        let m = digest(
            "李四",
            &Digest {
                day: d("2024-10-09"),
                overdue: &overdue,
                due_soon: &soon,
                awaiting_approval: &[],
            },
        );
        assert_eq!(
            m.subject,
            "每日汇总（2024年10月9日）：逾期1件，即将到期32件，待审批0件"
        );
        assert!(m.text.contains(
            "【已逾期】1件\n  CZ-GTJ-2024-0001　常州市国土资源局　期限 2024年10月8日　承办人 王五\n"
        ));
        assert!(m.text.contains("承办人 未指定"));
        assert!(m.text.contains("另有2件，请登录系统查看。"));
        assert!(!m.text.contains("【延期待审批】"));
        assert_eq!(m.html.matches("<li>").count(), 1 + DIGEST_LIST_MAX + 1);
    }

    #[test]
    fn html_is_escaped() {
        assert_eq!(
            escape("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
    }
}
