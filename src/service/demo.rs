//! `gongkai demo-data`: a realistic demo office in an empty database, so a
//! newcomer sees every page with data. A city government with its
//! departments, districts with theirs, staff for each, and cases received
//! over the three years up to today with the histories offices see: most
//! answered in time, some extended or late, corrections, fees, appeals, and
//! the recent ones still open. Everything goes through the ledger's bulk path,
//! so demo cases are built exactly like imported ones.

use super::Fail;
use super::cases::Clock;
use crate::db::audit::Actor;
use crate::db::bulk::{self, BulkCase};
use crate::db::{self, DbConn};
use crate::domain::calendar::Calendar;
use crate::domain::ledger::{Appeal, Entry, Fee, FeeMethod};
use crate::domain::outcome::{AppealResult, Channel, Outcome, RequesterType};
use crate::files::ledger::Line;
use chrono::{Days, NaiveDate};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::collections::HashMap;

/// The demo office: (code, name, short name, kind, parent, weight of requests).
const AGENCIES: [(&str, &str, &str, &str, &str, u32); 22] = [
    ("SF", "示范市人民政府", "示范市", "government", "", 0),
    (
        "SF-BGS",
        "示范市人民政府办公室",
        "市政府办公室",
        "department",
        "SF",
        8,
    ),
    (
        "SF-ZRJ",
        "示范市自然资源和规划局",
        "市自然资源规划局",
        "department",
        "SF",
        22,
    ),
    (
        "SF-ZJJ",
        "示范市住房和城乡建设局",
        "市住建局",
        "department",
        "SF",
        12,
    ),
    (
        "SF-STJ",
        "示范市生态环境局",
        "市生态环境局",
        "department",
        "SF",
        6,
    ),
    ("SF-CZJ", "示范市财政局", "市财政局", "department", "SF", 3),
    (
        "SF-RSJ",
        "示范市人力资源和社会保障局",
        "市人社局",
        "department",
        "SF",
        5,
    ),
    (
        "SF-JTJ",
        "示范市交通运输局",
        "市交通运输局",
        "department",
        "SF",
        3,
    ),
    ("SF-JYJ", "示范市教育局", "市教育局", "department", "SF", 3),
    (
        "SF-DC",
        "示范市东城区人民政府",
        "东城区",
        "government",
        "SF",
        5,
    ),
    (
        "SF-DC-ZRJ",
        "示范市东城区自然资源局",
        "东城区自然资源局",
        "department",
        "SF-DC",
        5,
    ),
    (
        "SF-DC-ZJJ",
        "示范市东城区住房和城乡建设局",
        "东城区住建局",
        "department",
        "SF-DC",
        3,
    ),
    (
        "SF-XC",
        "示范市西城区人民政府",
        "西城区",
        "government",
        "SF",
        4,
    ),
    (
        "SF-XC-ZRJ",
        "示范市西城区自然资源局",
        "西城区自然资源局",
        "department",
        "SF-XC",
        4,
    ),
    (
        "SF-XC-ZJJ",
        "示范市西城区住房和城乡建设局",
        "西城区住建局",
        "department",
        "SF-XC",
        2,
    ),
    (
        "SF-NH",
        "示范市南湖区人民政府",
        "南湖区",
        "government",
        "SF",
        6,
    ),
    (
        "SF-NH-ZRJ",
        "示范市南湖区自然资源局",
        "南湖区自然资源局",
        "department",
        "SF-NH",
        6,
    ),
    (
        "SF-NH-ZJJ",
        "示范市南湖区住房和城乡建设局",
        "南湖区住建局",
        "department",
        "SF-NH",
        3,
    ),
    (
        "SF-BX",
        "示范市北溪县人民政府",
        "北溪县",
        "government",
        "SF",
        3,
    ),
    (
        "SF-BX-ZRJ",
        "示范市北溪县自然资源局",
        "北溪县自然资源局",
        "department",
        "SF-BX",
        3,
    ),
    (
        "SF-BX-ZJJ",
        "示范市北溪县住房和城乡建设局",
        "北溪县住建局",
        "department",
        "SF-BX",
        2,
    ),
    (
        "SF-BX-JYJ",
        "示范市北溪县教育局",
        "北溪县教育局",
        "department",
        "SF-BX",
        1,
    ),
];

/// The busiest department: `demo-clerk` works there.
const BUSIEST: &str = "SF-ZRJ";

/// The demo accounts' password when none is given.
pub const DEFAULT_PASSWORD: &str = "plum-harbor-2718";

pub struct Options {
    pub cases: usize,
    pub seed: u64,
    pub password: String,
    /// Add to a database that already holds cases.
    pub force: bool,
}

#[derive(Debug, Default)]
pub struct Summary {
    pub agencies: usize,
    pub users: Vec<String>,
    pub cases: usize,
}

/// Creates the demo office and `opts.cases` cases; refuses a database that
/// already holds cases unless `force`.
pub fn run(conn: &mut DbConn, opts: &Options, today: NaiveDate) -> Result<Summary, Fail> {
    if !opts.force && db::cases::count_all(conn)? > 0 {
        return Err(Fail::Refused("demo-not-empty"));
    }
    let actor = Actor::cli();
    let mut csv = String::from("code,name,kind,parent_code,short_name\n");
    for (code, name, short, kind, parent, _) in AGENCIES {
        csv.push_str(&format!("{code},{name},{kind},{parent},{short}\n"));
    }
    super::agencies::import(conn, &actor, "demo-agencies.csv", csv.as_bytes())?;
    let ids: HashMap<&str, i64> = AGENCIES
        .iter()
        .map(|(code, ..)| {
            let id = db::agencies::find_by_code(conn, code)?
                .map(|a| a.id)
                .ok_or(Fail::NotFound)?;
            Ok((*code, id))
        })
        .collect::<Result<_, Fail>>()?;

    // Staff: the administrator, the city's supervisor, a supervisor per
    // district, and a clerk per agency that answers requests.
    let mut people: Vec<(String, &str, Option<&str>, String)> = vec![
        ("demo-admin".into(), "admin", None, "演示管理员".into()),
        (
            "demo-supervisor".into(),
            "supervisor",
            Some("SF"),
            "市政务公开办负责人".into(),
        ),
        (
            "demo-clerk".into(),
            "clerk",
            Some(BUSIEST),
            "市自然资源规划局经办人".into(),
        ),
    ];
    for (code, _, short, kind, parent, weight) in AGENCIES {
        if kind == "government" && parent == "SF" {
            let login = format!("demo-{}-supervisor", code.to_lowercase());
            people.push((login, "supervisor", Some(code), format!("{short}负责人")));
        }
        if weight > 0 && code != BUSIEST {
            let login = format!("demo-{}-clerk", code.to_lowercase());
            people.push((login, "clerk", Some(code), format!("{short}经办人")));
        }
    }
    let mut summary = Summary {
        agencies: AGENCIES.len(),
        ..Summary::default()
    };
    let mut clerks: HashMap<i64, i64> = HashMap::new();
    for (login, role, agency, display) in &people {
        let existing = db::users::find_by_username(conn, login)?;
        let user_id = match existing {
            Some(u) => u.id,
            None => {
                let input = super::users::UserInput {
                    username: login.clone(),
                    display_name: display.clone(),
                    role: role.to_string(),
                    agency_id: agency.map(|a| ids[a].to_string()).unwrap_or_default(),
                    ..Default::default()
                };
                super::users::create(conn, &actor, &input, Some(&opts.password))?.0
            }
        };
        if *role == "clerk"
            && let Some(a) = agency
        {
            clerks.entry(ids[a]).or_insert(user_id);
        }
        summary.users.push(login.clone());
    }

    // Deadlines count working days: the official calendar first.
    super::bootstrap::calendar(conn)?;
    let calendar = db::calendar::load(conn)?;
    let settings = super::rules::load(conn)?;
    let clock = Clock {
        calendar: &calendar,
        settings: &settings,
        today,
    };
    let mut rng = StdRng::seed_from_u64(opts.seed);
    let entries = generate(&mut rng, opts.cases, today, &calendar);
    let at = db::now();
    // Written in batches, each in its own transaction, so a large demo does
    // not hold one lock for minutes.
    for chunk in entries.chunks(5_000) {
        let batch: Vec<BulkCase> = chunk
            .iter()
            .enumerate()
            .map(|(i, e)| {
                let agency_id = ids[e.agency_code.as_str()];
                let line = Line {
                    row: i as u64 + 2,
                    entry: e.clone(),
                };
                let mut case = super::ledger::prepare(&line, "demo-data", agency_id, &clock, at);
                case.assigned_to = clerks.get(&agency_id).copied();
                case
            })
            .collect();
        db::write_tx(conn, |conn| {
            bulk::insert_many(conn, &batch)?;
            Ok::<_, Fail>(())
        })?;
        summary.cases += batch.len();
    }
    db::optimize(conn)?;
    Ok(summary)
}

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭",
    "何", "高", "林", "罗",
];
const GIVEN: &[&str] = &[
    "伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟",
    "涛", "明", "超", "秀兰", "霞", "平", "刚", "建华", "桂英",
];
const COMPANIES: &[&str] = &[
    "示范市恒通置业有限公司",
    "示范市新城建设发展有限公司",
    "示范市绿源环保科技有限公司",
    "示范市东湖物业管理有限公司",
    "示范市顺达物流有限公司",
];
const LAW_FIRMS: &[&str] = &["示范市正衡律师事务所", "示范市明理律师事务所"];
const INSTITUTES: &[&str] = &["示范大学城市规划研究所"];
const CHARITIES: &[&str] = &["示范市环境保护志愿者协会"];
const OTHER_ORGS: &[&str] = &["示范市东城区某村民委员会", "示范市业主委员会联合会"];

/// (topic, subjects): what people ask for, as they write it.
const SUBJECTS: &[(&str, &[&str])] = &[
    (
        "征地拆迁",
        &[
            "请公开{place}地块征收土地的批复文件及征地补偿安置方案",
            "请公开{place}片区房屋征收决定及补偿方案",
            "请公开{place}村集体土地征收的听证笔录",
        ],
    ),
    (
        "规划建设",
        &[
            "请公开{place}项目的建设工程规划许可证及附图",
            "请公开{place}控制性详细规划调整的批复",
            "请公开{place}小区的竣工验收备案材料",
        ],
    ),
    (
        "环境保护",
        &[
            "请公开{place}某企业的环境影响评价报告书及批复",
            "请公开{place}河道水质监测数据",
        ],
    ),
    (
        "社会保障",
        &[
            "请公开{place}街道低保对象的审批程序和标准",
            "请公开{place}养老保险补贴的发放依据",
        ],
    ),
    (
        "财政资金",
        &[
            "请公开{place}道路改造工程的财政预算及决算",
            "请公开{place}专项资金的分配结果",
        ],
    ),
    (
        "其他",
        &[
            "请公开{place}学校划片招生的依据",
            "请公开{place}公交线路调整的论证材料",
        ],
    ),
];
const PLACES: &[&str] = &[
    "东城区青石路",
    "西城区滨河",
    "南湖区湖心",
    "北溪县城南",
    "高新区创业园",
    "老城区北门",
    "东城区朝阳村",
    "南湖区月湾",
    "西城区北塘",
    "北溪县龙泉镇",
];

/// Outcomes of answered requests, as weights out of 1000.
const OUTCOMES: &[(Outcome, u32)] = &[
    (Outcome::DisclosedAlreadyPublic, 90),
    (Outcome::Disclosed, 300),
    (Outcome::Partial, 110),
    (Outcome::WithheldStateSecret, 4),
    (Outcome::WithheldProhibitedByLaw, 6),
    (Outcome::WithheldSecurityStability, 3),
    (Outcome::WithheldThirdParty, 30),
    (Outcome::WithheldInternalAffairs, 12),
    (Outcome::WithheldProcessInfo, 25),
    (Outcome::WithheldEnforcementFile, 8),
    (Outcome::WithheldAdminQuery, 10),
    (Outcome::NotHeldOtherAgency, 110),
    (Outcome::NotHeldNonexistent, 150),
    (Outcome::NeedsCompilation, 25),
    (Outcome::UnclearAfterCorrection, 12),
    (Outcome::NotProcessedPetition, 20),
    (Outcome::NotProcessedRepeat, 12),
    (Outcome::NotProcessedPublication, 3),
    (Outcome::NotProcessedExcessive, 4),
    (Outcome::NotProcessedConfirmation, 4),
    (Outcome::OtherCorrectionOverdue, 12),
    (Outcome::OtherFeeUnpaid, 2),
    (Outcome::Other, 8),
];

fn weighted<'a, T>(rng: &mut StdRng, items: &'a [(T, u32)]) -> &'a T {
    let total: u32 = items.iter().map(|(_, w)| w).sum();
    let mut n = rng.random_range(0..total);
    for (item, w) in items {
        if n < *w {
            return item;
        }
        n -= w;
    }
    &items[items.len() - 1].0
}

fn pick<'a>(rng: &mut StdRng, xs: &[&'a str]) -> &'a str {
    xs[rng.random_range(0..xs.len())]
}

/// The demo's requests: received on working days over the three years up to
/// today, each with what became of it by today.
fn generate(rng: &mut StdRng, n: usize, today: NaiveDate, cal: &Calendar) -> Vec<Entry> {
    let start = today - Days::new(3 * 365);
    let working: Vec<NaiveDate> = start
        .iter_days()
        .take_while(|d| *d <= today)
        .filter(|d| cal.is_working_day(*d))
        .collect();
    let agencies: Vec<(&str, u32)> = AGENCIES
        .iter()
        .filter(|a| a.5 > 0)
        .map(|a| (a.0, a.5))
        .collect();
    // A few people and companies ask again and again.
    let regulars: Vec<String> = (0..40)
        .map(|_| format!("{}{}", pick(rng, SURNAMES), pick(rng, GIVEN)))
        .collect();
    let mut out: Vec<Entry> = (0..n)
        .map(|_| {
            // Requests grow a little each year.
            let i = {
                let a = rng.random_range(0..working.len());
                let b = rng.random_range(0..working.len());
                a.max(b).min(working.len() - 1)
            };
            let received_on = working[i];
            entry(rng, received_on, today, cal, &agencies, &regulars)
        })
        .collect();
    out.sort_by_key(|e| e.received_on);
    out
}

fn entry(
    rng: &mut StdRng,
    received_on: NaiveDate,
    today: NaiveDate,
    cal: &Calendar,
    agencies: &[(&str, u32)],
    regulars: &[String],
) -> Entry {
    let agency = *weighted(rng, agencies);
    let requester_type = *weighted(
        rng,
        &[
            (RequesterType::NaturalPerson, 880),
            (RequesterType::Enterprise, 60),
            (RequesterType::ResearchInstitution, 8),
            (RequesterType::PublicInterestOrg, 10),
            (RequesterType::LegalServices, 30),
            (RequesterType::OtherOrg, 12),
        ],
    );
    let requester_name = match requester_type {
        RequesterType::NaturalPerson if rng.random_bool(0.15) => {
            regulars[rng.random_range(0..regulars.len())].clone()
        }
        RequesterType::NaturalPerson => format!("{}{}", pick(rng, SURNAMES), pick(rng, GIVEN)),
        RequesterType::Enterprise => pick(rng, COMPANIES).to_string(),
        RequesterType::ResearchInstitution => pick(rng, INSTITUTES).to_string(),
        RequesterType::PublicInterestOrg => pick(rng, CHARITIES).to_string(),
        RequesterType::LegalServices => pick(rng, LAW_FIRMS).to_string(),
        RequesterType::OtherOrg => pick(rng, OTHER_ORGS).to_string(),
    };
    let channel = *weighted(
        rng,
        &[
            (Channel::Online, 450),
            (Channel::Letter, 330),
            (Channel::InPerson, 150),
            (Channel::Fax, 30),
            (Channel::Other, 40),
        ],
    );
    let (topic, subjects) = SUBJECTS[rng.random_range(0..SUBJECTS.len())];
    let subject = pick(rng, subjects).replace("{place}", pick(rng, PLACES));

    // Most are answered within the 20 working days, some after an extension,
    // a few late; the most recent ones are still open.
    let extended = rng.random_bool(0.07);
    let days = match rng.random_range(0..100) {
        0..=2 => rng.random_range(41..55),
        _ if extended => rng.random_range(21..40),
        _ => rng.random_range(2..20),
    };
    let closed_on = cal.add_working_days(received_on, days);
    let answered = closed_on <= today && !rng.random_bool(0.01);
    let outcome = answered.then(|| *weighted(rng, OUTCOMES));
    let mut e = Entry {
        tracking_no: None,
        agency_code: agency.to_string(),
        received_on,
        channel,
        requester_type,
        requester_name,
        subject,
        topic: topic.to_string(),
        extended: extended && (answered || cal.add_working_days(received_on, 20) < today),
        outcome,
        closed_on: answered.then_some(closed_on),
        fee: None,
        review: None,
        lawsuit: None,
        lawsuit_after_review: false,
    };
    // The information-processing fee: rare; an unpaid one closes the case.
    let fee_unpaid = outcome == Some(Outcome::OtherFeeUnpaid);
    if fee_unpaid || (answered && rng.random_bool(0.004)) {
        let notice_on = cal.add_working_days(received_on, 5).min(closed_on);
        let pages: i64 = rng.random_range(101..400);
        e.fee = Some(Fee {
            method: FeeMethod::PerVolume,
            notice_on,
            amount: crate::domain::fees::calculate(crate::domain::fees::Method::PerVolume {
                pages: pages as u32,
            })
            .total,
            paid_on: (!fee_unpaid).then(|| cal.add_working_days(notice_on, 3).min(closed_on)),
        });
    }
    // Reconsideration and lawsuits over refusals and "not held" answers mostly.
    if let (Some(o), Some(closed)) = (outcome, e.closed_on) {
        let contested = o.is_refusal()
            || matches!(o, Outcome::NotHeldNonexistent | Outcome::NotHeldOtherAgency);
        let filed = |rng: &mut StdRng, from: NaiveDate| from + Days::new(rng.random_range(10..60));
        let settle = |rng: &mut StdRng, filed_on: NaiveDate, within: u64| {
            let decided = filed_on + Days::new(rng.random_range(40..within));
            if decided > today {
                return (None, None);
            }
            let r = *weighted(
                rng,
                &[
                    (AppealResult::Upheld, 70),
                    (AppealResult::Corrected, 8),
                    (AppealResult::Other, 22),
                ],
            );
            (Some(r), Some(decided))
        };
        if rng.random_bool(if contested { 0.08 } else { 0.01 }) {
            let filed_on = filed(rng, closed);
            if filed_on <= today {
                let (result, decided_on) = settle(rng, filed_on, 90);
                e.review = Some(Appeal {
                    filed_on,
                    result,
                    decided_on,
                });
                // Some go on to court once the reconsideration is decided.
                if let Some(decided) = decided_on
                    && rng.random_bool(0.3)
                {
                    let sued = filed(rng, decided);
                    if sued <= today {
                        let (result, decided_on) = settle(rng, sued, 200);
                        e.lawsuit = Some(Appeal {
                            filed_on: sued,
                            result,
                            decided_on,
                        });
                        e.lawsuit_after_review = true;
                    }
                }
            }
        } else if rng.random_bool(if contested { 0.05 } else { 0.005 }) {
            let filed_on = filed(rng, closed);
            if filed_on <= today {
                let (result, decided_on) = settle(rng, filed_on, 200);
                e.lawsuit = Some(Appeal {
                    filed_on,
                    result,
                    decided_on,
                });
            }
        }
    }
    e
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_office() {
        let cal = Calendar::empty();
        let today = NaiveDate::from_ymd_opt(2026, 11, 27).unwrap();
        let a = generate(&mut StdRng::seed_from_u64(7), 300, today, &cal);
        let b = generate(&mut StdRng::seed_from_u64(7), 300, today, &cal);
        assert_eq!(a, b);
        assert_eq!(a.len(), 300);
        assert!(a.iter().all(|e| e.received_on <= today));
        assert!(
            a.iter()
                .all(|e| e.closed_on.is_none_or(|c| c <= today && c >= e.received_on))
        );
        assert!(
            a.iter().any(|e| e.outcome.is_none()),
            "recent ones are open"
        );
        assert!(a.iter().filter(|e| e.outcome.is_some()).count() > 250);
    }

    #[test]
    fn the_default_password_is_accepted_for_every_demo_account() {
        for login in [
            "demo-admin",
            "demo-supervisor",
            "demo-clerk",
            "demo-sf-zjj-clerk",
        ] {
            assert!(crate::auth::check_new_password(login, "演示", DEFAULT_PASSWORD).is_ok());
        }
    }
}
