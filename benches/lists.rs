//! How fast the case lists and the supervisor dashboard answer with a large
//! database: 100,000 cases over 2023-2026 by default, timed end to end over
//! HTTP as signed-in users, on SQLite and (when GONGKAI_TEST_POSTGRES_URL is
//! set) on PostgreSQL. See bench/README.md.
//!
//! `cargo bench --bench lists [-- sqlite|postgres]`
//!
//! Environment: GONGKAI_BENCH_CASES (default 100000), GONGKAI_BENCH_RUNS
//! (timed requests per endpoint, default 30), GONGKAI_BENCH_KEEP=1 (keep the
//! databases afterwards and print where they are, for EXPLAIN), and
//! GONGKAI_BENCH_SQLITE_SQL / GONGKAI_BENCH_POSTGRES_SQL: statements run
//! after seeding, to time a proposed index or `PRAGMA optimize` before it
//! goes into a migration.

#[path = "../tests/common/mod.rs"]
mod common;

use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime};
use common::{Backend, Browser, Page, TestApp};
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use gongkai::db::bulk::{self, BulkCase, BulkEvent};
use gongkai::db::cases::RequesterFields;
use gongkai::db::{self, DbConn};
use gongkai::domain::calendar::Calendar;
use gongkai::domain::case::{Decision, Event};
use gongkai::domain::deadline::{self, ConsultationKind, Settings};
use gongkai::domain::outcome::{self, Channel, Ground, Outcome, RequesterType};
use gongkai::service::cases::{Clock, derive_from};
use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

/// The application's "today" during the timed requests; the data ends here.
const TODAY: &str = "2026-06-15";
/// The first day cases arrive on.
const START: &str = "2023-01-03";
/// Cases per write transaction while seeding.
const BATCH: usize = 5_000;
/// Untimed requests per endpoint before the timed ones.
const WARMUP: usize = 5;
/// The clerk whose "my cases" is timed (a busy department of the city).
const MINE_CLERK: &str = "clerk-cz-zrzy-1";
/// The department whose closed cases are paged through.
const PAGED_AGENCY: &str = "CZ-ZJJ";

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("a date")
}

// ------------------------------------------------------------------ config

struct Config {
    cases: usize,
    requesters: usize,
    runs: usize,
    keep: bool,
    backends: Vec<Backend>,
    /// Statements run after seeding, per backend.
    sqlite_sql: Option<String>,
    postgres_sql: Option<String>,
}

impl Config {
    fn from_env() -> Config {
        let num = |name: &str, default: usize| {
            std::env::var(name)
                .ok()
                .and_then(|v| v.trim().replace('_', "").parse().ok())
                .unwrap_or(default)
        };
        let cases = num("GONGKAI_BENCH_CASES", 100_000).max(1_000);
        // `cargo bench` passes `--bench`; a bare word picks a backend.
        let words: Vec<String> = std::env::args()
            .skip(1)
            .filter(|a| !a.starts_with('-'))
            .collect();
        let wants = |w: &str| words.is_empty() || words.iter().any(|a| a == w);
        let mut backends = Vec::new();
        if wants("sqlite") {
            backends.push(Backend::Sqlite);
        }
        if wants("postgres") {
            backends.push(Backend::Postgres);
        }
        Config {
            cases,
            requesters: cases * 2 / 5,
            runs: num("GONGKAI_BENCH_RUNS", 30).max(1),
            keep: std::env::var("GONGKAI_BENCH_KEEP").is_ok_and(|v| !v.is_empty() && v != "0"),
            backends,
            sqlite_sql: std::env::var("GONGKAI_BENCH_SQLITE_SQL").ok(),
            postgres_sql: std::env::var("GONGKAI_BENCH_POSTGRES_SQL").ok(),
        }
    }
}

// ------------------------------------------------------------------ random

/// SplitMix64: small, fast and the same on every machine, so every run seeds
/// the same data.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    /// Uniform in lo..=hi.
    fn range(&mut self, lo: u32, hi: u32) -> u32 {
        lo + (self.next() % u64::from(hi - lo + 1)) as u32
    }
    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }
    fn weighted<'a, T>(&mut self, xs: &'a [(T, u32)]) -> &'a T {
        let total: u32 = xs.iter().map(|(_, w)| w).sum();
        let mut r = self.range(0, total - 1);
        for (x, w) in xs {
            if r < *w {
                return x;
            }
            r -= w;
        }
        &xs[xs.len() - 1].0
    }
}

// ------------------------------------------------------------------ the organisation

/// City departments: code, name, relative share of the requests.
const CITY_DEPARTMENTS: [(&str, &str, u32); 20] = [
    ("FGW", "常州市发展和改革委员会", 3),
    ("JYJ", "常州市教育局", 4),
    ("KJJ", "常州市科学技术局", 1),
    ("GXJ", "常州市工业和信息化局", 2),
    ("GAJ", "常州市公安局", 6),
    ("MZJ", "常州市民政局", 3),
    ("SFJ", "常州市司法局", 2),
    ("CZJ", "常州市财政局", 4),
    ("RSJ", "常州市人力资源和社会保障局", 6),
    ("ZRZY", "常州市自然资源和规划局", 14),
    ("STHJ", "常州市生态环境局", 7),
    ("ZJJ", "常州市住房和城乡建设局", 12),
    ("JTJ", "常州市交通运输局", 3),
    ("SLJ", "常州市水利局", 2),
    ("NYJ", "常州市农业农村局", 2),
    ("SWJ", "常州市商务局", 1),
    ("WGLJ", "常州市文化广电和旅游局", 1),
    ("WJW", "常州市卫生健康委员会", 3),
    ("SJJ", "常州市市场监督管理局", 5),
    ("CGJ", "常州市城市管理局", 4),
];

const DISTRICTS: [(&str, &str); 4] = [
    ("TN", "天宁区"),
    ("ZL", "钟楼区"),
    ("XB", "新北区"),
    ("WJ", "武进区"),
];

const DISTRICT_DEPARTMENTS: [(&str, &str, u32); 6] = [
    ("ZJJ", "住房和城乡建设局", 4),
    ("MZJ", "民政局", 2),
    ("CZJ", "财政局", 2),
    ("RSJ", "人力资源和社会保障局", 2),
    ("SJJ", "市场监督管理局", 1),
    ("CGJ", "城市管理局", 2),
];

struct SeedAgency {
    id: i64,
    code: String,
    weight: u32,
    clerks: Vec<i64>,
    /// The supervisor who approves this agency's extensions.
    supervisor: i64,
}

struct Org {
    agencies: Vec<SeedAgency>,
    users: usize,
}

impl Org {
    fn by_code(&self, code: &str) -> &SeedAgency {
        self.agencies
            .iter()
            .find(|a| a.code == code)
            .expect("a seeded agency")
    }
}

/// The agency tree and the people, through the application's own services
/// (the same path as the admin pages): a city government with 20
/// departments, four districts with six departments each; two clerks per
/// department, a few in the governments' own offices, a supervisor per
/// government and one administrator.
fn build_org(app: &TestApp) -> Org {
    let mut agencies = Vec::new();
    let mut users = 0;
    let mut add = |code: String, name: &str, kind: &str, parent: Option<&str>, weight: u32| {
        let id = app.agency(&code, name, kind, parent);
        agencies.push((id, code, weight));
    };
    add("CZ".into(), "常州市人民政府", "government", None, 4);
    for (code, name, w) in CITY_DEPARTMENTS {
        add(format!("CZ-{code}"), name, "department", Some("CZ"), w);
    }
    for (d, dname) in DISTRICTS {
        let gov = format!("CZ-{d}");
        add(
            gov.clone(),
            &format!("常州市{dname}人民政府"),
            "government",
            Some("CZ"),
            2,
        );
        for (code, name, w) in DISTRICT_DEPARTMENTS {
            add(
                format!("{gov}-{code}"),
                &format!("常州市{dname}{name}"),
                "department",
                Some(&gov),
                w,
            );
        }
    }
    let root_sup = app.user("sup-cz", "supervisor", Some("CZ"));
    users += 1;
    let mut district_sup = HashMap::new();
    for (d, _) in DISTRICTS {
        let code = format!("CZ-{d}");
        let id = app.user(
            &format!("sup-{}", code.to_lowercase()),
            "supervisor",
            Some(&code),
        );
        district_sup.insert(code, id);
        users += 1;
    }
    app.user("root", "admin", None);
    users += 1;
    let mut seeded = Vec::new();
    for (id, code, weight) in agencies {
        let n = if code == "CZ" { 4 } else { 2 };
        let clerks = (1..=n)
            .map(|i| {
                users += 1;
                app.user(
                    &format!("clerk-{}-{i}", code.to_lowercase()),
                    "clerk",
                    Some(&code),
                )
            })
            .collect();
        // CZ-TN and CZ-TN-ZJJ belong to the district's supervisor, the rest
        // to the city's.
        let district: Vec<&str> = code.splitn(3, '-').take(2).collect();
        let supervisor = district_sup
            .get(&district.join("-"))
            .copied()
            .unwrap_or(root_sup);
        seeded.push(SeedAgency {
            id,
            code,
            weight,
            clerks,
            supervisor,
        });
    }
    Org {
        agencies: seeded,
        users,
    }
}

// ------------------------------------------------------------------ requesters

const SURNAMES: [&str; 40] = [
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭",
    "何", "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾",
    "肖", "田", "董", "袁", "潘", "于", "蒋", "蔡",
];
const GIVEN: [&str; 48] = [
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明",
    "超", "秀", "英", "华", "平", "刚", "桂", "兰", "建", "国", "志", "文", "辉", "红", "玉", "霞",
    "春", "梅", "海", "燕", "鹏", "飞", "斌", "宇", "浩", "凯", "俊", "晨", "欣", "婷", "雪", "琳",
];
const FIRMS: [&str; 16] = [
    "龙城", "天宁", "武进", "金坛", "溧阳", "恒通", "华盛", "新科", "中吴", "运河", "青枫", "东方",
    "嘉泰", "瑞丰", "长江", "太湖",
];
const TRADES: [&str; 8] = [
    "置业有限公司",
    "建设工程有限公司",
    "化工有限公司",
    "科技有限公司",
    "物业管理有限公司",
    "机械制造有限公司",
    "商贸有限公司",
    "环保科技有限公司",
];
const STREETS: [&str; 12] = [
    "天宁区青龙街道",
    "天宁区红梅街道",
    "钟楼区北港街道",
    "钟楼区五星街道",
    "新北区三井街道",
    "新北区罗溪镇",
    "武进区湖塘镇",
    "武进区牛塘镇",
    "金坛区儒林镇",
    "溧阳市天目湖镇",
    "经开区横山桥镇",
    "新北区孟河镇",
];

/// A requester as generated; stored with the first case of its kind and
/// name (`db::bulk` keeps one requester per kind and name, as imports do).
struct SeedRequester {
    fields: RequesterFields,
}

fn resident_id(rng: &mut Rng) -> String {
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const CHECK: &[u8; 11] = b"10X98765432";
    let region = rng.pick(&["320402", "320404", "320411", "320412", "320413", "320481"]);
    let born = date("1950-01-01") + chrono::Duration::days(rng.below(365 * 54) as i64);
    let body = format!("{region}{}{:03}", born.format("%Y%m%d"), rng.below(1000));
    let sum: u32 = body
        .bytes()
        .zip(WEIGHTS)
        .map(|(b, w)| u32::from(b - b'0') * w)
        .sum();
    format!("{body}{}", CHECK[(sum % 11) as usize] as char)
}

fn requester_name(rng: &mut Rng, kind: RequesterType) -> String {
    match kind {
        RequesterType::NaturalPerson => {
            let mut n = rng.pick(&SURNAMES).to_string();
            n.push_str(rng.pick::<&str>(&GIVEN));
            if rng.chance(0.7) {
                n.push_str(rng.pick::<&str>(&GIVEN));
            }
            n
        }
        RequesterType::Enterprise => {
            format!("常州市{}{}", rng.pick(&FIRMS), rng.pick(&TRADES))
        }
        RequesterType::ResearchInstitution => {
            format!("常州{}城市发展研究院", rng.pick(&FIRMS))
        }
        RequesterType::PublicInterestOrg => {
            format!("常州市{}环保志愿者协会", rng.pick(&FIRMS))
        }
        RequesterType::LegalServices => format!("江苏{}律师事务所", rng.pick(&FIRMS)),
        RequesterType::OtherOrg => format!("{}{}业主委员会", rng.pick(&STREETS), rng.pick(&FIRMS)),
    }
}

fn seed_requesters(rng: &mut Rng, n: usize) -> Vec<SeedRequester> {
    let kinds = [
        (RequesterType::NaturalPerson, 82),
        (RequesterType::Enterprise, 11),
        (RequesterType::ResearchInstitution, 1),
        (RequesterType::PublicInterestOrg, 1),
        (RequesterType::LegalServices, 3),
        (RequesterType::OtherOrg, 2),
    ];
    (0..n)
        .map(|_| {
            let kind = *rng.weighted(&kinds);
            let name = requester_name(rng, kind);
            let person = kind == RequesterType::NaturalPerson;
            let (id_type, id_number) = if person && rng.chance(0.95) {
                ("resident_id", resident_id(rng))
            } else {
                ("", String::new())
            };
            let credit_code = if person {
                String::new()
            } else {
                format!("91320400{:010X}", rng.next() & 0xFF_FFFF_FFFF)
            };
            let phone = format!("1{}{:09}", rng.range(3, 9), rng.below(1_000_000_000));
            let email = if rng.chance(0.4) {
                format!("user{}@example.cn", rng.below(10_000_000))
            } else {
                String::new()
            };
            let address = format!("{}某路{}号", rng.pick(&STREETS), rng.range(1, 300));
            SeedRequester {
                fields: RequesterFields {
                    kind: kind.code().to_string(),
                    name,
                    id_type: id_type.to_string(),
                    id_number,
                    credit_code,
                    phone,
                    email,
                    address,
                },
            }
        })
        .collect()
}

// ------------------------------------------------------------------ cases

const TOPICS: [(&str, u32); 7] = [
    ("征地拆迁", 22),
    ("规划建设", 20),
    ("环境保护", 12),
    ("社会保障", 14),
    ("财政资金", 10),
    ("其他", 12),
    ("", 10),
];

fn subject(rng: &mut Rng, topic: &str, year: i32) -> String {
    let p = rng.pick(&STREETS);
    let n = rng.range(1, 120);
    let y = year - rng.range(0, 3) as i32;
    match (topic, rng.below(3)) {
        ("征地拆迁", 0) => format!("{p}{n}号地块征地补偿安置方案"),
        ("征地拆迁", 1) => format!("{p}房屋征收决定及补偿标准"),
        ("征地拆迁", _) => format!("{p}集体土地征收批复文件（{y}年）"),
        ("规划建设", 0) => format!("{p}某小区建设工程规划许可证及附图"),
        ("规划建设", 1) => format!("{p}控制性详细规划调整批复"),
        ("规划建设", _) => format!("{p}道路拓宽工程立项批复（{y}年）"),
        ("环境保护", 0) => format!("{p}某化工企业环境影响评价报告及批复"),
        ("环境保护", 1) => format!("{p}{y}年河道水质监测数据"),
        ("环境保护", _) => format!("{p}垃圾焚烧项目环评公众参与材料"),
        ("社会保障", 0) => format!("{y}年度{p}最低生活保障资金发放情况"),
        ("社会保障", 1) => format!("{p}养老服务补贴发放名单"),
        ("社会保障", _) => format!("{y}年失业保险金发放标准及依据"),
        ("财政资金", 0) => format!("{y}年部门预算及“三公”经费明细"),
        ("财政资金", 1) => format!("{p}老旧小区改造财政补助资金拨付情况"),
        ("财政资金", _) => format!("{y}年政府采购合同（编号{n}）"),
        (_, 0) => format!("{p}某路段交通信号灯设置依据"),
        (_, 1) => format!("{y}年政府信息公开工作年度报告底稿"),
        _ => format!("{p}菜市场改造工程招投标文件"),
    }
}

const OUTCOMES: [(Outcome, u32); 18] = [
    (Outcome::DisclosedAlreadyPublic, 12),
    (Outcome::Disclosed, 33),
    (Outcome::Partial, 9),
    (Outcome::WithheldStateSecret, 1),
    (Outcome::WithheldThirdParty, 2),
    (Outcome::WithheldInternalAffairs, 2),
    (Outcome::WithheldProcessInfo, 3),
    (Outcome::WithheldEnforcementFile, 1),
    (Outcome::WithheldAdminQuery, 1),
    (Outcome::NotHeldOtherAgency, 8),
    (Outcome::NotHeldNonexistent, 15),
    (Outcome::NeedsCompilation, 3),
    (Outcome::NotProcessedPetition, 3),
    (Outcome::NotProcessedRepeat, 2),
    (Outcome::NotProcessedPublication, 1),
    (Outcome::NotProcessedExcessive, 1),
    (Outcome::NotProcessedConfirmation, 1),
    (Outcome::Other, 2),
];

const CHANNELS: [(Channel, u32); 5] = [
    (Channel::Online, 55),
    (Channel::Letter, 24),
    (Channel::InPerson, 13),
    (Channel::Fax, 2),
    (Channel::Other, 6),
];

/// A case before it is numbered: what arrives, and when.
struct Plan {
    agency: usize,
    requester: usize,
    channel: Channel,
    letter_signed: bool,
    arrived_at: NaiveDateTime,
    confirmed_on: Option<NaiveDate>,
    received_on: NaiveDate,
    seed: u64,
}

fn at(day: NaiveDate, rng: &mut Rng) -> NaiveDateTime {
    day.and_time(
        NaiveTime::from_hms_opt(rng.range(8, 17), rng.range(0, 59), rng.range(0, 59))
            .expect("a time"),
    )
}

/// Arrival dates grow over time (about 1.6 times as many requests in 2026 as
/// in 2023), confirmation of receipt a working day or so after arrival.
fn plan(
    rng: &mut Rng,
    weights: &[(usize, u32)],
    requester: usize,
    cal: &Calendar,
    start: NaiveDate,
    today: NaiveDate,
) -> Plan {
    let span = (today - start).num_days() as f64;
    let g = 0.6;
    let u = rng.unit();
    let t = ((1.0 + 2.0 * g * u * (1.0 + g / 2.0)).sqrt() - 1.0) / g;
    let mut arrived = start + chrono::Duration::days((t * span) as i64);
    let channel = *rng.weighted(&CHANNELS);
    let letter_signed = channel == Channel::Letter && rng.chance(0.7);
    if channel != Channel::Online {
        while !cal.is_working_day(arrived) {
            arrived = arrived.succ_opt().expect("a date");
        }
    }
    let arrived = arrived.min(today);
    let arrived_at = if channel == Channel::Online {
        arrived.and_time(
            NaiveTime::from_hms_opt(rng.range(0, 23), rng.range(0, 59), 0).expect("a time"),
        )
    } else {
        at(arrived, rng)
    };
    let needs_confirmation = match channel {
        Channel::Letter => !letter_signed,
        Channel::Online | Channel::Fax => true,
        Channel::InPerson => false,
        Channel::Other => rng.chance(0.3),
    };
    let confirmed_on = needs_confirmation.then(|| {
        let mut d = arrived;
        while !cal.is_working_day(d) {
            d = d.succ_opt().expect("a date");
        }
        if rng.chance(0.4) {
            d = cal.add_working_days(d, 1);
        }
        d.min(today)
    });
    let received_on = outcome::legal_receipt_date(channel, letter_signed, arrived, confirmed_on)
        .expect("a consistent receipt");
    Plan {
        agency: *rng.weighted(weights),
        requester,
        channel,
        letter_signed,
        arrived_at,
        confirmed_on,
        received_on,
        seed: rng.next(),
    }
}

/// The history of a case: intake, then what happened to it by `today`.
/// Recent cases are mostly still open (some waiting on an extension, a
/// correction or a consultation); older ones are answered, some late; a few
/// were voided, and a few old ones were never answered.
fn history(
    rng: &mut Rng,
    p: &Plan,
    clerk: i64,
    supervisor: i64,
    cal: &Calendar,
    settings: &Settings,
    today: NaiveDate,
) -> Vec<(Event, i64)> {
    let r = p.received_on;
    let wd = |n: u32| cal.add_working_days(r, n);
    let age = (today - r).num_days();
    let p_open = match age {
        ..=20 => 0.97,
        21..=30 => 0.75,
        31..=45 => 0.3,
        46..=90 => 0.04,
        _ => 0.003,
    };
    let open = rng.chance(p_open);
    let on_the_spot = !open && p.channel == Channel::InPerson && rng.chance(0.1);
    let mut ev = vec![(
        Event::Intake {
            received_on: r,
            channel: p.channel.code().to_string(),
            on_the_spot,
        },
        clerk,
    )];
    let decision = |rng: &mut Rng, on: NaiveDate, outcome: Outcome| {
        Event::Decided(Decision {
            on,
            outcome,
            findings: "经检索本机关档案，现答复如下。".into(),
            reasons: if outcome.is_refusal() || outcome == Outcome::Partial {
                "依据条例相关规定，部分信息不予公开。".into()
            } else {
                String::new()
            },
            extra_basis: String::new(),
            how_provided: if matches!(outcome, Outcome::Disclosed | Outcome::Partial) {
                "纸质复印件".into()
            } else {
                String::new()
            },
            other_agency: if outcome == Outcome::NotHeldOtherAgency {
                "常州市自然资源和规划局".into()
            } else {
                String::new()
            },
            earlier_answer: if outcome == Outcome::NotProcessedRepeat {
                "前次答复".into()
            } else {
                String::new()
            },
            earlier_answer_on: (outcome == Outcome::NotProcessedRepeat)
                .then(|| r - chrono::Duration::days(90)),
            delivery_method: rng
                .pick(&["post", "email", "online", "in_person"])
                .to_string(),
            ground: outcome.grounds().first().copied(),
            ground_law: if outcome.grounds().first() == Some(&Ground::OtherLaw) {
                "《中华人民共和国统计法》第三十九条".into()
            } else {
                String::new()
            },
            public_interest: String::new(),
        })
    };
    if on_the_spot {
        let o = *rng.pick(&[Outcome::DisclosedAlreadyPublic, Outcome::Disclosed]);
        ev.push((decision(rng, r, o), clerk));
        return ev;
    }
    if rng.chance(0.004) {
        ev.push((
            Event::Voided {
                on: wd(rng.range(1, 3)),
                reason: "重复登记".into(),
            },
            supervisor,
        ));
        return truncate(ev, today);
    }
    let extension = |ev: &mut Vec<(Event, i64)>, day: u32, approve: bool| {
        ev.push((
            Event::ExtensionRequested {
                on: wd(day),
                reason: "需调取多个部门档案，无法按期答复".into(),
                by: clerk,
            },
            clerk,
        ));
        if approve {
            let due = wd(20);
            ev.push((
                Event::ExtensionApproved {
                    on: wd(day + 1),
                    days: 20,
                    new_due: Some(cal.add_working_days(due, 20)),
                    by: supervisor,
                },
                supervisor,
            ));
        }
    };
    let correction = |ev: &mut Vec<(Event, i64)>, on: NaiveDate, received: Option<u32>| {
        let due = deadline::correction_due(on, cal, settings);
        ev.push((
            Event::CorrectionRequested {
                on,
                due,
                items: vec!["请补充所需政府信息的名称、文号或者便于查询的其他特征性描述".into()],
                late_notice: deadline::correction_notice_late(r, on, cal, settings),
            },
            clerk,
        ));
        if let Some(after) = received {
            ev.push((
                Event::CorrectionReceived {
                    on: cal.add_working_days(on, after),
                    note: "申请人已补正".into(),
                },
                clerk,
            ));
        }
    };
    let consultation = |ev: &mut Vec<(Event, i64)>, rng: &mut Rng, on: NaiveDate, ended: bool| {
        let kind = if rng.chance(0.7) {
            ConsultationKind::ThirdParty
        } else {
            ConsultationKind::Agency
        };
        ev.push((
            Event::ConsultationStarted {
                on,
                consultation: kind,
                party: "常州市某置业有限公司".into(),
                matter: "是否同意公开其提交的项目申报材料".into(),
                why: "可能涉及商业秘密".into(),
                receipt_on: Some(on),
                answer_due: deadline::consultation_answer_due(on, cal, settings),
            },
            clerk,
        ));
        if ended {
            ev.push((
                Event::ConsultationEnded {
                    on: cal.add_working_days(on, rng.range(3, 12)),
                    reply: rng.pick(&["consent", "objection", "none"]).to_string(),
                    note: String::new(),
                },
                clerk,
            ));
        }
    };
    let x = rng.unit();
    let outcome = *rng.weighted(&OUTCOMES);
    if open {
        if x < 0.08 {
            extension(&mut ev, rng.range(12, 17), false);
        } else if x < 0.13 {
            extension(&mut ev, rng.range(12, 17), true);
        } else if x < 0.19 {
            correction(&mut ev, wd(rng.range(1, 5)), None);
        } else if x < 0.24 {
            let on = wd(rng.range(2, 8));
            consultation(&mut ev, rng, on, false);
        } else if x < 0.26 {
            correction(&mut ev, wd(2), Some(rng.range(2, 6)));
        }
        let cut = truncate(ev.clone(), today);
        // A step that would lie in the future leaves the plain running clock.
        return if cut.len() == ev.len() {
            ev
        } else {
            ev.truncate(1);
            ev
        };
    }
    let decided_on = if x < 0.07 {
        extension(&mut ev, rng.range(12, 18), true);
        wd(if rng.chance(0.9) {
            rng.range(21, 40)
        } else {
            rng.range(41, 45)
        })
    } else if x < 0.12 {
        let on = wd(rng.range(1, 5));
        let after = rng.range(3, 12);
        correction(&mut ev, on, Some(after));
        cal.add_working_days(on, after + rng.range(5, 20))
    } else if x < 0.13 {
        let on = wd(2);
        correction(&mut ev, on, None);
        let due = deadline::correction_due(on, cal, settings);
        let d = cal.add_working_days(due, rng.range(1, 5));
        ev.push((decision(rng, d, Outcome::OtherCorrectionOverdue), clerk));
        return finish(ev, rng, cal, today, clerk);
    } else if x < 0.16 {
        let on = wd(rng.range(3, 8));
        consultation(&mut ev, rng, on, true);
        cal.add_working_days(on, rng.range(12, 25))
    } else {
        let y = rng.unit();
        wd(if y < 0.85 {
            rng.range(3, 18)
        } else if y < 0.94 {
            rng.range(19, 20)
        } else {
            rng.range(21, 30)
        })
    };
    let decided_on = decided_on.min(today);
    ev.push((decision(rng, decided_on, outcome), clerk));
    finish(ev, rng, cal, today, clerk)
}

/// Delivery of the answer, then nothing after `today`.
fn finish(
    mut ev: Vec<(Event, i64)>,
    rng: &mut Rng,
    cal: &Calendar,
    today: NaiveDate,
    clerk: i64,
) -> Vec<(Event, i64)> {
    if let Some((Event::Decided(d), _)) = ev.last()
        && rng.chance(0.85)
    {
        let on = cal.add_working_days(d.on, rng.range(0, 3));
        let method = d.delivery_method.clone();
        ev.push((
            Event::Delivered {
                on,
                method,
                recipient: "申请人".into(),
                address: String::new(),
                postal_tracking: String::new(),
                letter_id: None,
                note: String::new(),
            },
            clerk,
        ));
    }
    truncate(ev, today)
}

fn truncate(mut ev: Vec<(Event, i64)>, today: NaiveDate) -> Vec<(Event, i64)> {
    if let Some(i) = ev
        .iter()
        .position(|(e, _)| e.on().is_some_and(|d| d > today))
    {
        ev.truncate(i.max(1));
    }
    ev
}

/// Codes like the ones intake makes (12 characters, no look-alikes), unique.
fn public_code(rng: &mut Rng, taken: &mut HashSet<String>) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    loop {
        let mut x = rng.next();
        let code: String = (0..12)
            .map(|_| {
                let c = ALPHABET[(x & 31) as usize] as char;
                x >>= 5;
                c
            })
            .collect();
        if taken.insert(code.clone()) {
            return code;
        }
    }
}

fn uuid_like(rng: &mut Rng) -> String {
    let (a, b) = (rng.next(), rng.next());
    format!(
        "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xFFFF,
        a & 0xFFF,
        (b >> 48) | 0x8000,
        b & 0xFFFF_FFFF_FFFF
    )
}

/// What the seeded data holds, counted as the pages should count it.
#[derive(Default)]
struct Tally {
    cases: usize,
    events: usize,
    requesters: usize,
    not_void: i64,
    open: i64,
    overdue: i64,
    due_soon: i64,
    extension_pending: i64,
    stopped: i64,
    closed: i64,
    late: i64,
    void: i64,
    /// Closed cases of the paged department.
    paged_closed: i64,
    /// Open cases assigned to MINE_CLERK.
    mine_open: i64,
    /// The text searched for, and the cases (not void) that match it.
    fragment: String,
    fragment_hits: i64,
    /// The name of the most frequent requester, who matches the fragment.
    frequent: String,
}

fn seed(
    c: &mut DbConn,
    org: &Org,
    cfg: &Config,
    settings: &Settings,
    t0: Instant,
) -> QueryResult<Tally> {
    let today = date(TODAY);
    let start = date(START);
    let cal = db::calendar::load(c)?;
    let clock = Clock {
        calendar: &cal,
        settings,
        today,
    };
    let soon = cal.add_working_days(today, 3);
    let mut rng = Rng(0x6f6e_676b_6169);
    let mut tally = Tally::default();

    let people = seed_requesters(&mut rng, cfg.requesters);
    println!(
        "  requesters: {} generated in {:.1} s",
        people.len(),
        t0.elapsed().as_secs_f64()
    );
    // The most frequent requester's given name is the text searched for.
    let first = &people[0].fields.name;
    tally.frequent = first.clone();
    tally.fragment = if first.chars().count() >= 3 {
        first.chars().skip(1).collect()
    } else {
        first.clone()
    };

    // Every requester has at least one case; the rest go mostly to a few
    // frequent requesters.
    let weights: Vec<(usize, u32)> = org
        .agencies
        .iter()
        .enumerate()
        .map(|(i, a)| (i, a.weight))
        .collect();
    let mut plans: Vec<Plan> = (0..cfg.cases)
        .map(|i| {
            let who = if i < people.len() {
                i
            } else {
                ((people.len() as f64) * rng.unit().powf(1.5)) as usize
            };
            plan(&mut rng, &weights, who, &cal, start, today)
        })
        .collect();
    plans.sort_by_key(|p| (p.received_on, p.arrived_at));

    let paged = org.by_code(PAGED_AGENCY).id;
    let mine_user = org.by_code("CZ-ZRZY").clerks[0];
    // The numbers intake would give, to check the writer's numbering against.
    let mut seqs: HashMap<(i64, i32), i32> = HashMap::new();
    let mut codes = HashSet::with_capacity(cfg.cases);
    let fragment = tally.fragment.to_lowercase();
    for chunk in plans.chunks(BATCH) {
        let mut batch = Vec::with_capacity(chunk.len());
        let mut numbers = Vec::with_capacity(chunk.len());
        for p in chunk {
            let mut rng = Rng(p.seed);
            let agency = &org.agencies[p.agency];
            let person = &people[p.requester].fields;
            let year = p.received_on.year();
            let seq = {
                let s = seqs.entry((agency.id, year)).or_insert(0);
                *s += 1;
                *s
            };
            let tracking_no = format!("{}-{year}-{seq:04}", agency.code);
            let topic = *rng.weighted(&TOPICS);
            let subject = subject(&mut rng, topic, year);
            let handler = *rng.pick(&agency.clerks);
            let assigned_to = rng.chance(0.96).then_some(handler);
            let events = history(
                &mut rng,
                p,
                handler,
                agency.supervisor,
                &cal,
                settings,
                today,
            );
            let created = if p.arrived_at.date() == p.received_on {
                p.arrived_at
            } else {
                at(p.received_on, &mut rng)
            };
            let times: Vec<NaiveDateTime> = events
                .iter()
                .map(|(e, _)| match e.on() {
                    Some(d) if d > p.received_on => at(d, &mut rng),
                    _ => created,
                })
                .collect();
            let updated_at = *times.last().expect("an intake");
            let updated_by = events.last().map(|(_, u)| *u);
            let delivery_form = rng
                .weighted(&[("email", 45), ("paper", 40), ("pickup", 10), ("other", 5)])
                .to_string();
            let public_code = public_code(&mut rng, &mut codes);
            // One claim per action after intake.
            let version = events.len() as i32 - i32::from(events.len() > 1 && on_spot(&events));
            let history: Vec<Event> = events.iter().map(|(e, _)| e.clone()).collect();
            let (_, _, d) = derive_from(p.received_on, &history, &clock);
            let search = format!("{} {} {}", tracking_no, person.name, subject).to_lowercase();

            tally.cases += 1;
            tally.events += events.len();
            match d.status.as_str() {
                "void" => tally.void += 1,
                "open" => {
                    tally.open += 1;
                    match d.due_on {
                        Some(due) if due < today => tally.overdue += 1,
                        Some(due) if due <= soon => tally.due_soon += 1,
                        _ => {}
                    }
                    tally.extension_pending += i64::from(d.extension_pending);
                    tally.stopped += i64::from(!d.clock.is_empty());
                    tally.mine_open += i64::from(assigned_to == Some(mine_user));
                }
                _ => {
                    tally.closed += 1;
                    tally.late += i64::from(d.late);
                    tally.paged_closed += i64::from(agency.id == paged);
                }
            }
            if d.status != "void" {
                tally.not_void += 1;
                tally.fragment_hits += i64::from(search.contains(&fragment));
            }

            numbers.push(tracking_no);
            batch.push(BulkCase {
                // Numbered by the writer, as intake numbers: checked below.
                tracking_no: None,
                agency_id: agency.id,
                requester: person.clone(),
                channel: p.channel.code().to_string(),
                letter_signed: p.letter_signed,
                arrived_at: p.arrived_at,
                confirmed_on: p.confirmed_on,
                received_on: p.received_on,
                subject,
                delivery_form,
                topic: topic.to_string(),
                assigned_to,
                derived: d,
                public_code,
                intake_token: Some(uuid_like(&mut rng)),
                version,
                updated_by,
                created_at: created,
                updated_at,
                events: events
                    .into_iter()
                    .zip(times)
                    .map(|((event, user), at)| BulkEvent {
                        at,
                        user_id: Some(user),
                        event,
                    })
                    .collect(),
                appeals: Vec::new(),
            });
        }
        let written = db::write_tx(c, |c| bulk::insert_many(c, &batch))?;
        assert_eq!(
            written.tracking_nos, numbers,
            "the writer numbers cases as intake does"
        );
        tally.requesters += written.requesters_created;
    }
    Ok(tally)
}

fn on_spot(events: &[(Event, i64)]) -> bool {
    matches!(
        events.first(),
        Some((
            Event::Intake {
                on_the_spot: true,
                ..
            },
            _
        ))
    )
}

// ------------------------------------------------------------------ timing

struct Probe<'a> {
    label: &'static str,
    who: &'a Browser,
    path: String,
    /// The list's total ("共 N 条"), when the page is a list.
    total: Option<i64>,
    /// Text the page must contain.
    contains: Vec<String>,
}

/// The "共 N 条" total of a list page.
fn list_total(page: &Page) -> Option<i64> {
    let at = page.body.find("共 ")? + "共 ".len();
    let digits: String = page.body[at..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

fn check(probe: &Probe, page: &Page) {
    assert_eq!(
        page.status, 200,
        "{} {}: expected 200, got {}",
        probe.label, probe.path, page.status
    );
    if let Some(total) = probe.total {
        assert_eq!(
            list_total(page),
            Some(total),
            "{} {}: the list should count {total} cases",
            probe.label,
            probe.path
        );
    }
    for text in &probe.contains {
        assert!(
            page.body.contains(text.as_str()),
            "{} {}: the page lacks {text:?}",
            probe.label,
            probe.path
        );
    }
}

struct Figures {
    median: f64,
    p90: f64,
    max: f64,
}

/// Nearest-rank percentiles of the timings, in milliseconds.
fn figures(mut ms: Vec<f64>) -> Figures {
    ms.sort_by(f64::total_cmp);
    let rank = |p: f64| ms[((p * ms.len() as f64).ceil() as usize).clamp(1, ms.len()) - 1];
    Figures {
        median: rank(0.5),
        p90: rank(0.9),
        max: ms[ms.len() - 1],
    }
}

async fn time(probe: &Probe<'_>, runs: usize) -> Figures {
    for _ in 0..WARMUP {
        check(probe, &probe.who.get(&probe.path).await);
    }
    let mut ms = Vec::with_capacity(runs);
    for _ in 0..runs {
        let t = Instant::now();
        let page = probe.who.get(&probe.path).await;
        ms.push(t.elapsed().as_secs_f64() * 1000.0);
        check(probe, &page);
    }
    figures(ms)
}

async fn login(app: &TestApp, username: &str) -> Browser {
    let b = app.browser();
    b.login(username, common::PASSWORD)
        .await
        .assert_redirect("/");
    b
}

struct Run {
    backend: &'static str,
    setup: Duration,
    seeding: Duration,
    tally: Tally,
    rows: Vec<(String, Figures)>,
}

async fn run(backend: Backend, cfg: &Config) -> Option<Run> {
    let name = match backend {
        Backend::Sqlite => "sqlite",
        Backend::Postgres => "postgres",
    };
    let app = TestApp::spawn(backend).await?;
    println!("{name}: {}", db::redact(&app.db.url));
    let t = Instant::now();
    let org = build_org(&app);
    let setup = t.elapsed();
    println!(
        "  agencies and users: {} agencies, {} users in {:.1} s",
        org.agencies.len(),
        org.users,
        setup.as_secs_f64()
    );
    // The periods the office set (the defaults on a new database), as the
    // application computes deadlines with them.
    let settings = app
        .with_conn(gongkai::service::rules::load)
        .unwrap_or_else(|_| panic!("the office settings load"));
    let t = Instant::now();
    let tally = app
        .with_conn(|c| seed(c, &org, cfg, &settings, t))
        .expect("seeding succeeds");
    let seeding = t.elapsed();
    println!(
        "  cases: {} with {} events in {:.1} s (requesters included)",
        tally.cases,
        tally.events,
        seeding.as_secs_f64()
    );
    println!(
        "  open {} (overdue {}, due within 3 working days {}, extension pending {}, clock stopped {}), closed {} (late {}), void {}",
        tally.open,
        tally.overdue,
        tally.due_soon,
        tally.extension_pending,
        tally.stopped,
        tally.closed,
        tally.late,
        tally.void
    );
    let extra = match backend {
        Backend::Sqlite => &cfg.sqlite_sql,
        Backend::Postgres => &cfg.postgres_sql,
    };
    if let Some(sql) = extra {
        let t = Instant::now();
        app.with_conn(|c| c.batch_execute(sql))
            .unwrap_or_else(|e| panic!("the extra statements fail: {e}"));
        println!(
            "  extra statements in {:.1} s: {sql}",
            t.elapsed().as_secs_f64()
        );
    }
    match backend {
        Backend::Postgres => {
            // Visibility map and statistics as autovacuum leaves them after a
            // bulk load (it vacuums and analyzes inserted tables by itself).
            let t = Instant::now();
            app.with_conn(|c| c.batch_execute("VACUUM ANALYZE"))
                .expect("VACUUM ANALYZE");
            println!("  VACUUM ANALYZE in {:.1} s", t.elapsed().as_secs_f64());
        }
        Backend::Sqlite => {
            // The application runs `PRAGMA optimize` when it opens a connection
            // and hourly; the pool here was opened on the empty database, so
            // run it once now, as the server does on data loaded meanwhile.
            app.with_conn(|c| c.batch_execute("PRAGMA optimize = 0x10002"))
                .expect("PRAGMA optimize");
            let stats: i64 = app.with_conn(|c| {
                diesel::select(diesel::dsl::sql::<diesel::sql_types::BigInt>(
                    "(SELECT COUNT(*) FROM sqlite_master WHERE name = 'sqlite_stat1')",
                ))
                .get_result(c)
                .expect("sqlite_master")
            });
            println!(
                "  planner statistics (sqlite_stat1): {}",
                if stats > 0 { "present" } else { "none" }
            );
        }
    }

    app.set_today(TODAY);
    let supervisor = login(&app, "sup-cz").await;
    let admin = login(&app, "root").await;
    let clerk = login(&app, MINE_CLERK).await;
    let paged = org.by_code(PAGED_AGENCY).id;
    let table = r#"<table class="list cases">"#.to_string();
    let probes = vec![
        Probe {
            label: "/cases (supervisor)",
            who: &supervisor,
            path: "/cases".into(),
            total: Some(tally.not_void),
            contains: vec![table.clone()],
        },
        Probe {
            label: "/cases (admin)",
            who: &admin,
            path: "/cases".into(),
            total: Some(tally.not_void),
            contains: vec![table.clone()],
        },
        Probe {
            label: "/cases?overdue=1",
            who: &supervisor,
            path: "/cases?overdue=1".into(),
            total: Some(tally.overdue),
            contains: vec![table.clone(), r#"<tr class="overdue">"#.into()],
        },
        Probe {
            label: "/cases?due_within=3",
            who: &supervisor,
            path: "/cases?due_within=3".into(),
            total: Some(tally.due_soon),
            contains: vec![table.clone(), r#"<tr class="soon">"#.into()],
        },
        Probe {
            label: "/cases?q=<name>",
            who: &supervisor,
            path: format!(
                "/cases?q={}",
                url::form_urlencoded::byte_serialize(tally.fragment.as_bytes()).collect::<String>()
            ),
            total: Some(tally.fragment_hits),
            contains: vec![table.clone(), format!("{}</td>", person_cell(&tally))],
        },
        Probe {
            label: "/cases?agency=..&status=closed&page=5",
            who: &supervisor,
            path: format!("/cases?agency={paged}&status=closed&page=5"),
            total: Some(tally.paged_closed),
            contains: vec![table.clone(), "<span>5 / ".into()],
        },
        Probe {
            label: "/cases/mine (clerk)",
            who: &clerk,
            path: "/cases/mine".into(),
            total: Some(tally.mine_open),
            contains: vec![table.clone()],
        },
        Probe {
            label: "/dashboard (supervisor)",
            who: &supervisor,
            path: "/dashboard".into(),
            total: None,
            contains: vec![
                "<svg".into(),
                format!(r#"<span class="num">{}</span>"#, tally.overdue),
            ],
        },
        Probe {
            label: "/dashboard (admin)",
            who: &admin,
            path: "/dashboard".into(),
            total: None,
            contains: vec![
                "<svg".into(),
                format!(r#"<span class="num">{}</span>"#, tally.open),
            ],
        },
    ];
    let mut rows = Vec::new();
    for probe in &probes {
        let f = time(probe, cfg.runs).await;
        println!(
            "  {:<40} median {:>7.1} ms  p90 {:>7.1} ms  max {:>7.1} ms",
            probe.label, f.median, f.p90, f.max
        );
        rows.push((probe.label.to_string(), f));
    }
    if cfg.keep {
        println!("  kept: {}", app.db.url);
        std::mem::forget(app);
    }
    Some(Run {
        backend: name,
        setup,
        seeding,
        tally,
        rows,
    })
}

/// The end of the requester-name cell of the most frequent requester, who
/// matches the searched fragment.
fn person_cell(t: &Tally) -> &str {
    &t.frequent
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let cfg = Config::from_env();
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    let load = || {
        std::fs::read_to_string("/proc/loadavg")
            .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
            .unwrap_or_else(|_| "unknown".into())
    };
    println!("load average before: {}", load());
    let mut runs = Vec::new();
    for backend in cfg.backends.clone() {
        match run(backend, &cfg).await {
            Some(r) => runs.push(r),
            None => println!("postgres: skipped (GONGKAI_TEST_POSTGRES_URL is not set)"),
        }
    }
    println!();
    println!(
        "gongkai lists benchmark: {} cases, {} requesters generated, today {TODAY}; nproc {cores}; {} timed requests per endpoint after {WARMUP} warm-up; load average after: {}",
        cfg.cases,
        cfg.requesters,
        cfg.runs,
        load()
    );
    for r in &runs {
        println!(
            "{}: agencies and users {:.1} s, seeding {:.1} s ({} cases, {} events, {} requesters stored); open {}, overdue {}, due within 3 days {}",
            r.backend,
            r.setup.as_secs_f64(),
            r.seeding.as_secs_f64(),
            r.tally.cases,
            r.tally.events,
            r.tally.requesters,
            r.tally.open,
            r.tally.overdue,
            r.tally.due_soon
        );
    }
    println!();
    println!(
        "| backend  | endpoint                               | median ms |  p90 ms |  max ms |"
    );
    println!(
        "|----------|----------------------------------------|----------:|--------:|--------:|"
    );
    for r in &runs {
        for (label, f) in &r.rows {
            println!(
                "| {:<8} | {:<38} | {:>9.1} | {:>7.1} | {:>7.1} |",
                r.backend, label, f.median, f.p90, f.max
            );
        }
    }
}
