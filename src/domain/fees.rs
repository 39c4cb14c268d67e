//! The information-processing fee (信息处理费, Regulation art. 42 and the fee
//! measures, 国办函〔2020〕109号; rules.md section 5). Answering is free; only
//! requests clearly beyond a reasonable range may be charged, by one of two
//! methods per application, both progressive: each tier's rate applies only to
//! the units inside the tier. Money is in fen, never floating point.

use chrono::NaiveDate;

use super::calendar::Calendar;

/// An amount of money in fen (1 yuan = 100 fen).
pub type Fen = i64;

const YUAN: Fen = 100;

/// How an application's fee is counted: one method per application.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// 按件计收: this application is the `nth` of the applicant to the agency in the
    /// calendar month (counting from 1).
    PerRequest { nth: u32 },
    /// 按量计收: the pages (A4) the answer provides.
    PerVolume { pages: u32 },
}

/// One tier of a calculation: units `from..=to` (of those charged) at `rate` each.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tier {
    pub from: u32,
    pub to: u32,
    pub rate: Fen,
    pub amount: Fen,
}

/// A fee as the notice shows it: the method, each charged tier, and the total.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Calculation {
    pub method: Method,
    pub tiers: Vec<Tier>,
    pub total: Fen,
}

/// The fee for the `nth` application of one applicant to one agency in a month:
/// the first 10 are free, the 11th to 30th cost 100 yuan each, the 31st to 40th
/// 200 yuan, the 41st to 50th 300 yuan, and each further band of 10 100 yuan more.
pub fn per_request(nth: u32) -> Fen {
    match nth {
        0..=10 => 0,
        11..=30 => 100 * YUAN,
        n => (200 + 100 * ((n - 31) / 10) as Fen) * YUAN,
    }
}

/// The per-volume rate of the `page`-th page: the first 30 free, then 10 yuan a page
/// up to 100, 20 yuan up to 200, and 40 yuan from the 201st.
fn page_rate(page: u32) -> Fen {
    match page {
        0..=30 => 0,
        31..=100 => 10 * YUAN,
        101..=200 => 20 * YUAN,
        _ => 40 * YUAN,
    }
}

/// Works a fee out, tier by tier.
pub fn calculate(method: Method) -> Calculation {
    let tiers = match method {
        Method::PerRequest { nth } => {
            let fee = per_request(nth);
            if fee == 0 {
                Vec::new()
            } else {
                vec![Tier {
                    from: nth,
                    to: nth,
                    rate: fee,
                    amount: fee,
                }]
            }
        }
        Method::PerVolume { pages } => {
            let mut tiers: Vec<Tier> = Vec::new();
            for page in 31..=pages {
                let rate = page_rate(page);
                match tiers.last_mut() {
                    Some(t) if t.rate == rate => {
                        t.to = page;
                        t.amount += rate;
                    }
                    _ => tiers.push(Tier {
                        from: page,
                        to: page,
                        rate,
                        amount: rate,
                    }),
                }
            }
            tiers
        }
    };
    let total = tiers.iter().map(|t| t.amount).sum();
    Calculation {
        method,
        tiers,
        total,
    }
}

/// What `count` applications of one applicant in one month cost in all.
pub fn month_total(count: u32) -> Fen {
    (1..=count).map(per_request).sum()
}

/// The last day to pay: `days` working days counted from the day after the applicant
/// received the notice (day 1 is the first working day after receipt).
pub fn payment_due(notice_received_on: NaiveDate, days: u32, cal: &Calendar) -> NaiveDate {
    cal.add_working_days(notice_received_on, days)
}

/// An amount in yuan with two decimals, as a notice prints it (e.g. "1100.00").
pub fn yuan(fen: Fen) -> String {
    format!("{}.{:02}", fen / 100, (fen % 100).abs())
}

/// Yuan as typed on a form or in a ledger ("1100", "1100.5", "1100.50") in fen;
/// anything else (a sign, a third decimal, thousands separators) is none.
pub fn parse_yuan(text: &str) -> Option<Fen> {
    let t = text.trim();
    let (whole, frac) = t.split_once('.').unwrap_or((t, ""));
    if whole.is_empty() || !whole.bytes().all(|b| b.is_ascii_digit()) || frac.len() > 2 {
        return None;
    }
    if !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let cents = format!("{frac:0<2}").parse::<i64>().ok()?;
    whole
        .parse::<i64>()
        .ok()?
        .checked_mul(YUAN)?
        .checked_add(cents)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn total(pages: u32) -> Fen {
        calculate(Method::PerVolume { pages }).total
    }

    #[test]
    fn the_checks_of_the_fee_measures() {
        // rules.md section 5: 35 applications in a month cost 3,000 yuan in all.
        assert_eq!(month_total(35), 3000 * YUAN);
        assert_eq!(month_total(10), 0);
        // 120 pages cost 1,100 yuan; 109, 119 and 57 pages 880, 1,080 and 270.
        assert_eq!(total(120), 1100 * YUAN);
        assert_eq!(total(109), 880 * YUAN);
        assert_eq!(total(119), 1080 * YUAN);
        assert_eq!(total(57), 270 * YUAN);
        assert_eq!(total(30), 0);
    }

    #[test]
    fn per_request_bands() {
        assert_eq!(per_request(10), 0);
        assert_eq!(per_request(11), 100 * YUAN);
        assert_eq!(per_request(30), 100 * YUAN);
        assert_eq!(per_request(31), 200 * YUAN);
        assert_eq!(per_request(40), 200 * YUAN);
        assert_eq!(per_request(41), 300 * YUAN);
        assert_eq!(per_request(50), 300 * YUAN);
        assert_eq!(per_request(51), 400 * YUAN);
        assert_eq!(per_request(61), 500 * YUAN);
        let c = calculate(Method::PerRequest { nth: 12 });
        assert_eq!(c.total, 100 * YUAN);
        assert!(calculate(Method::PerRequest { nth: 3 }).tiers.is_empty());
    }

    #[test]
    fn per_volume_tiers_are_shown() {
        let c = calculate(Method::PerVolume { pages: 250 });
        let shown: Vec<(u32, u32, Fen, Fen)> = c
            .tiers
            .iter()
            .map(|t| (t.from, t.to, t.rate, t.amount))
            .collect();
        assert_eq!(
            shown,
            [
                (31, 100, 10 * YUAN, 700 * YUAN),
                (101, 200, 20 * YUAN, 2000 * YUAN),
                (201, 250, 40 * YUAN, 2000 * YUAN),
            ]
        );
        assert_eq!(c.total, 4700 * YUAN);
        assert_eq!(yuan(c.total), "4700.00");
        assert_eq!(yuan(1050), "10.50");
    }

    #[test]
    fn amounts_in_yuan() {
        assert_eq!(parse_yuan("1100"), Some(110_000));
        assert_eq!(parse_yuan(" 1100.5 "), Some(110_050));
        assert_eq!(parse_yuan("1100.50"), Some(110_050));
        for bad in [
            "",
            "1.234",
            "-5",
            "1,100",
            "abc",
            "1.x",
            ".5",
            "8 80",
            "99999999999999999999",
        ] {
            assert_eq!(parse_yuan(bad), None, "{bad}");
        }
    }

    #[test]
    fn twenty_working_days_from_the_day_after_receipt() {
        let cal = Calendar::from_csv_str(include_str!("../../data/holidays-cn.csv")).unwrap();
        let d = |s| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        // Received Friday 2024-09-27: day 1 is Sunday 2024-09-29 (a make-up workday),
        // the National Day holiday is skipped; the 20th working day is 2024-10-30.
        assert_eq!(payment_due(d("2024-09-27"), 20, &cal), d("2024-10-30"));
    }
}
