//! Generated case ledgers (contracts/cli-and-files.md, "Case ledger CSV"):
//! random but valid lines from a fixed seed, for the round-trip test and the
//! import benchmark. Every line is one the import must accept.

use chrono::{Days, NaiveDate};
use gongkai::domain::ledger::FeeMethod;
use gongkai::domain::outcome::{AppealResult, Channel, Outcome, RequesterType};
use gongkai::files::ledger::COLUMNS;

/// SplitMix64: small and the same everywhere, so a seed gives the same file.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    pub fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
    pub fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }
    fn days(&mut self, lo: u64, hi: u64) -> Days {
        Days::new(lo + self.next() % (hi - lo + 1))
    }
}

/// A generated ledger: the file as written (columns shuffled, labels and codes
/// mixed, amounts as people type them) and the same lines in the contract's
/// column order with codes, as an export gives them back (`tracking_no` empty
/// where the import numbers the case).
pub struct Ledger {
    pub csv: String,
    pub canonical: Vec<Vec<String>>,
}

const SURNAMES: [&str; 12] = [
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙",
];
const GIVEN: [&str; 12] = [
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳",
];
const TOPICS: [&str; 5] = ["征地拆迁", "规划建设", "环境保护", "社会保障", ""];

/// `rows` lines for agencies `codes`, received in `year`, nothing after `today`.
pub fn generate(seed: u64, rows: usize, codes: &[&str], year: i32, today: NaiveDate) -> Ledger {
    let mut rng = Rng(seed);
    let mut order: Vec<usize> = (0..COLUMNS.len()).collect();
    for i in (1..order.len()).rev() {
        order.swap(i, rng.below(i + 1));
    }
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record(order.iter().map(|&i| COLUMNS[i])).unwrap();
    let start = NaiveDate::from_ymd_opt(year, 1, 1).unwrap();
    let cap = |d: NaiveDate| d.min(today);
    let names = (rows / 3).max(1);
    let mut canonical = Vec::with_capacity(rows);
    for i in 0..rows {
        let mut typed = vec![String::new(); COLUMNS.len()];
        let mut canon = vec![String::new(); COLUMNS.len()];
        let mut set = |col: &str, typed_value: String, canon_value: String| {
            let c = COLUMNS.iter().position(|x| *x == col).unwrap();
            typed[c] = typed_value;
            canon[c] = canon_value;
        };
        let same = |v: String| (v.clone(), v);
        let code = *rng.pick(codes);
        if rng.chance(20) {
            let t = format!("{code}〔{year}〕{}号", i + 1);
            let (a, b) = same(t);
            set("tracking_no", a, b);
        }
        let (a, b) = same(code.to_string());
        set("agency_code", a, b);
        let received = cap(start + rng.days(0, 364));
        let (a, b) = same(received.to_string());
        set("received_on", a, b);
        let channel = *rng.pick(&Channel::ALL);
        let typed_channel = if rng.chance(30) {
            channel.label_zh()
        } else {
            channel.code()
        };
        set("channel", typed_channel.into(), channel.code().into());
        let kind = *rng.pick(&RequesterType::ALL);
        let typed_kind = if rng.chance(30) {
            kind.label_zh()
        } else {
            kind.code()
        };
        set("requester_type", typed_kind.into(), kind.code().into());
        // A pool of names, so requesters recur as they do in real ledgers.
        let n = rng.below(names);
        let name = format!(
            "{}{}{}",
            SURNAMES[n % SURNAMES.len()],
            GIVEN[(n / SURNAMES.len()) % GIVEN.len()],
            n / (SURNAMES.len() * GIVEN.len())
        );
        let (a, b) = same(name);
        set("requester_name", a, b);
        let subject = match rng.below(4) {
            0 => format!("{year}年某地块征地补偿安置方案（第{i}号）"),
            1 => format!("关于\"{i}号\"道路工程的批复, 含附件"),
            2 => format!("某小区规划许可证\n及附图 {i}"),
            _ => format!("{year}年度财政预算 {i}"),
        };
        let (a, b) = same(subject);
        set("subject", a, b);
        let (a, b) = same(rng.pick(&TOPICS).to_string());
        set("topic", a, b);
        let extended = rng.chance(15);
        set(
            "extended",
            if extended || rng.chance(50) {
                extended.to_string()
            } else {
                String::new()
            },
            extended.to_string(),
        );
        // The fee comes first in time: notice, payment, then the answer.
        let mut last = received;
        let fee = rng.chance(6).then(|| {
            let notice = cap(received + rng.days(1, 10));
            let paid = rng.chance(70).then(|| cap(notice + rng.days(0, 12)));
            last = paid.unwrap_or(notice);
            (notice, paid)
        });
        let closed = rng.chance(85);
        let outcome = closed.then(|| {
            let unpaid = matches!(fee, Some((_, None)));
            if unpaid && rng.chance(50) {
                Outcome::OtherFeeUnpaid
            } else {
                loop {
                    let o = *rng.pick(&Outcome::ALL);
                    if o != Outcome::OtherFeeUnpaid {
                        break o;
                    }
                }
            }
        });
        let closed_on = outcome.map(|_| cap(last + rng.days(0, 50)));
        if let (Some(o), Some(c)) = (outcome, closed_on) {
            let typed_outcome = if rng.chance(20) {
                o.label_zh()
            } else {
                o.code()
            };
            set("outcome", typed_outcome.into(), o.code().into());
            let (a, b) = same(c.to_string());
            set("closed_on", a, b);
        }
        if let Some((notice, paid)) = fee {
            let method = *rng.pick(&FeeMethod::ALL);
            let typed_method = if rng.chance(30) {
                method.label_zh()
            } else {
                method.code()
            };
            set("fee_method", typed_method.into(), method.code().into());
            let (a, b) = same(notice.to_string());
            set("fee_notice_on", a, b);
            let yuan = 100 * (1 + rng.below(30));
            let (typed, canon) = match rng.below(3) {
                0 => (format!("{yuan}"), format!("{yuan}.00")),
                1 => (format!("{yuan}.5"), format!("{yuan}.50")),
                _ => (format!("{yuan}.25"), format!("{yuan}.25")),
            };
            set("fee_amount_yuan", typed, canon);
            if let Some(p) = paid {
                let (a, b) = same(p.to_string());
                set("fee_paid_on", a, b);
            }
        }
        // Reconsideration and suits: after the answer, or over its absence.
        let after = closed_on.unwrap_or(received);
        let mut appeal = |rng: &mut Rng, prefix: &str, from: NaiveDate| -> NaiveDate {
            let filed = cap(from + rng.days(1, 40));
            let (a, b) = same(filed.to_string());
            set(&format!("{prefix}_filed_on"), a, b);
            if rng.chance(60) {
                let r = *rng.pick(&AppealResult::ALL);
                let typed_r = if rng.chance(30) {
                    r.label_zh()
                } else {
                    r.code()
                };
                set(&format!("{prefix}_result"), typed_r.into(), r.code().into());
                let decided = cap(filed + rng.days(10, 90));
                let (a, b) = same(decided.to_string());
                set(&format!("{prefix}_decided_on"), a, b);
            }
            filed
        };
        let review = rng
            .chance(if closed { 6 } else { 2 })
            .then(|| appeal(&mut rng, "review", after));
        if rng.chance(if review.is_some() { 50 } else { 3 }) {
            let after_review = review.is_some() && rng.chance(70);
            appeal(
                &mut rng,
                "lawsuit",
                review.filter(|_| after_review).unwrap_or(after),
            );
            set(
                "lawsuit_after_review",
                if after_review || rng.chance(50) {
                    after_review.to_string()
                } else {
                    String::new()
                },
                after_review.to_string(),
            );
        }
        out.write_record(order.iter().map(|&c| typed[c].as_str()))
            .unwrap();
        canonical.push(canon);
    }
    Ledger {
        csv: String::from_utf8(out.into_inner().unwrap()).unwrap(),
        canonical,
    }
}
