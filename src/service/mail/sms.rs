//! The texts of the SMS gongkai sends, one per message, in Simplified
//! Chinese and short enough for one SMS (`domain::sms::ONE_SMS` characters)
//! with an office name of ordinary length. Each opens with the office's name
//! in 【】, as SMS from an office in China do, and names the case by its
//! number; none holds more than the recipient already gave or is given (no
//! names of applicants to staff, no subject).

use super::messages::Office;
use crate::domain::letters::{LetterKind, format_date_zh};
use chrono::NaiveDate;

/// Where the applicant looks an online application up.
const TRACK: &str = "可凭申请编号和查询码在“申请查询”页面查看";

/// A letter's name as an SMS gives it: the short form applicants know.
fn letter_name(kind: LetterKind) -> &'static str {
    match kind {
        LetterKind::CorrectionNotice => "补正告知书",
        LetterKind::Answer => "答复书",
        LetterKind::ReasonsRequest => "说明理由通知书",
        other => other.title_zh(),
    }
}

/// To the applicant, at once: the online application arrived; its number and access code.
pub fn acknowledgement(office: &Office, number: &str, code: &str) -> String {
    format!(
        "【{}】您的政府信息公开申请已提交，申请编号{number}，查询码{code}，请妥善保管。",
        office.name
    )
}

/// To the applicant: the office confirmed the application; the clock runs from that day.
pub fn confirmation(
    office: &Office,
    number: &str,
    received_on: NaiveDate,
    due_on: Option<NaiveDate>,
) -> String {
    let due = due_on
        .map(|d| format!("，答复期限至{}", format_date_zh(d)))
        .unwrap_or_default();
    format!(
        "【{}】您的申请{number}已确认，收到申请之日为{}{due}。",
        office.name,
        format_date_zh(received_on)
    )
}

/// To the applicant: the submission was not taken as an application; the reason is on the
/// tracking page (it may be long).
pub fn rejection(office: &Office, number: &str) -> String {
    format!(
        "【{}】您网上提交的申请{number}未予受理，理由{TRACK}。",
        office.name
    )
}

/// To the applicant: their online application went on to the agency it was meant
/// for, under a new number (the access code stays).
pub fn forwarded(office: &Office, old_no: &str, new_no: &str) -> String {
    format!(
        "【{}】您的申请{old_no}已转送有权机关办理，新编号{new_no}，查询码不变。",
        office.name
    )
}

/// To the applicant: a letter on their application is ready. An online application is
/// read on the tracking page; any other is served as the law says, and the office's
/// telephone number is given when it has one.
pub fn letter_ready(office: &Office, number: &str, kind: LetterKind, online: bool) -> String {
    let name = letter_name(kind);
    if online {
        return format!("【{}】您的申请{number}已出具{name}，{TRACK}。", office.name);
    }
    let phone = office.phone.trim();
    let ask = if phone.is_empty() {
        String::new()
    } else {
        format!("咨询电话{phone}。")
    };
    format!(
        "【{}】您的申请{number}已出具{name}，本机关将依法送达。{ask}",
        office.name
    )
}

/// To the clerk in charge: the deadline is near.
pub fn reminder(agency: &str, number: &str, due: NaiveDate, working_days_left: i64) -> String {
    let left = if working_days_left <= 0 {
        "今天是最后一天".to_string()
    } else {
        format!("还剩{working_days_left}个工作日")
    };
    format!(
        "【{agency}】办理提醒：申请{number}答复期限为{}，{left}。",
        format_date_zh(due)
    )
}

/// To a supervisor: a clerk asks for more time, to be approved or refused before the
/// deadline.
pub fn extension_requested(agency: &str, number: &str, by: &str, due: Option<NaiveDate>) -> String {
    let due = due
        .map(|d| format!("（现期限{}）", format_date_zh(d)))
        .unwrap_or_default();
    format!("【{agency}】待审批：{by}为申请{number}申请延长答复期限{due}，请登录系统审批。")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::mail::mailed_to_applicant;
    use crate::domain::sms::ONE_SMS;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    const NO: &str = "CZ-GTJ-2024-0001";

    fn office() -> Office<'static> {
        Office {
            name: "常州市国土资源局",
            phone: "0519-85681234",
        }
    }

    #[test]
    fn each_text_fits_one_sms_and_names_the_case() {
        let o = office();
        let texts = [
            acknowledgement(&o, NO, "ABCDEFGH23"),
            confirmation(&o, NO, d("2024-09-27"), Some(d("2024-10-30"))),
            confirmation(&o, NO, d("2024-09-27"), None),
            rejection(&o, NO),
            reminder(o.name, NO, d("2024-10-30"), 3),
            reminder(o.name, NO, d("2024-10-30"), 0),
            extension_requested(o.name, NO, "王五", Some(d("2024-10-30"))),
        ]
        .into_iter()
        .chain(
            LetterKind::ALL
                .into_iter()
                .filter(|k| mailed_to_applicant(*k))
                .flat_map(|k| {
                    [
                        letter_ready(&o, NO, k, true),
                        letter_ready(&o, NO, k, false),
                    ]
                }),
        );
        for t in texts {
            let n = t.chars().count();
            assert!(n <= ONE_SMS, "{n} characters: {t}");
            assert!(t.starts_with("【常州市国土资源局】"), "{t}");
            assert!(t.contains(NO), "{t}");
        }
    }

    #[test]
    fn what_each_says() {
        let o = office();
        assert_eq!(
            acknowledgement(&o, NO, "ABCDEFGH23"),
            "【常州市国土资源局】您的政府信息公开申请已提交，申请编号CZ-GTJ-2024-0001，查询码ABCDEFGH23，请妥善保管。"
        );
        assert_eq!(
            confirmation(&o, NO, d("2024-09-27"), Some(d("2024-10-30"))),
            "【常州市国土资源局】您的申请CZ-GTJ-2024-0001已确认，收到申请之日为2024年9月27日，答复期限至2024年10月30日。"
        );
        assert_eq!(
            letter_ready(&o, NO, LetterKind::Answer, true),
            "【常州市国土资源局】您的申请CZ-GTJ-2024-0001已出具答复书，可凭申请编号和查询码在“申请查询”页面查看。"
        );
        assert_eq!(
            letter_ready(&o, NO, LetterKind::FeeNotice, false),
            "【常州市国土资源局】您的申请CZ-GTJ-2024-0001已出具收费通知书，本机关将依法送达。咨询电话0519-85681234。"
        );
        let no_phone = Office { phone: "", ..o };
        assert!(
            letter_ready(&no_phone, NO, LetterKind::Answer, false).ends_with("本机关将依法送达。")
        );
        assert_eq!(
            reminder("常州市国土资源局", NO, d("2024-10-30"), 3),
            "【常州市国土资源局】办理提醒：申请CZ-GTJ-2024-0001答复期限为2024年10月30日，还剩3个工作日。"
        );
        assert_eq!(
            extension_requested("常州市国土资源局", NO, "王五", Some(d("2024-10-30"))),
            "【常州市国土资源局】待审批：王五为申请CZ-GTJ-2024-0001申请延长答复期限（现期限2024年10月30日），请登录系统审批。"
        );
    }
}
