//! How long a year's annual report takes over a large office (1,000,000 demo
//! cases by default, seeded by `gongkai demo-data` through the bulk path),
//! beside the bare SQL aggregate the report cannot beat (the floor), on SQLite
//! and (when GONGKAI_TEST_POSTGRES_URL is set) on PostgreSQL. See bench/README.md.
//!
//! `cargo bench --bench report [-- sqlite|postgres]`
//!
//! Environment: GONGKAI_BENCH_REPORT_CASES (default 1000000).

#[path = "../tests/common/mod.rs"]
mod common;

use chrono::Datelike;
use common::{Backend, TestDb};
use diesel::RunQueryDsl;
use gongkai::db;
use gongkai::domain::report::Profile;
use gongkai::service;
use std::time::{Duration, Instant};

fn main() {
    let cases: usize = std::env::var("GONGKAI_BENCH_REPORT_CASES")
        .ok()
        .and_then(|v| v.trim().replace('_', "").parse().ok())
        .unwrap_or(1_000_000);
    let words: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let wants = |w: &str| words.is_empty() || words.iter().any(|a| a == w);
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let name = match backend {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        };
        if !wants(name) {
            continue;
        }
        let Some(test_db) = TestDb::new(backend) else {
            println!("{name}: skipped (set GONGKAI_TEST_POSTGRES_URL)");
            continue;
        };
        run(name, &test_db, cases);
    }
}

fn run(name: &str, test_db: &TestDb, cases: usize) {
    let pool = db::open_pool(&test_db.url, 2).expect("open the database");
    let mut c = pool.get().unwrap();
    db::run_migrations(&mut c).unwrap();
    service::bootstrap::ensure(&mut c).unwrap();
    let today = service::cases::today_in_china();
    let t = Instant::now();
    let opts = service::demo::Options {
        cases,
        seed: 11,
        password: service::demo::DEFAULT_PASSWORD.into(),
        force: false,
    };
    service::demo::run(&mut c, &opts, today).expect("demo data");
    println!(
        "{name}: seeded {cases} cases in {:.1} s",
        t.elapsed().as_secs_f64()
    );
    let root = db::agencies::find_by_code(&mut c, "SF").unwrap().unwrap();
    let year = today.year() - 1;
    // The report, as the page and `gongkai report` make it.
    let report = median(5, || {
        service::report::generate(&mut c, &root, year, Profile::National2021).unwrap();
    });
    // The floor: one grouped scan of the year's closed cases.
    let (first, last) = db::report::bounds(year);
    let floor = median(5, || {
        let sql = format!(
            "SELECT outcome, requester_kind, COUNT(*) FROM cases \
             WHERE closed_on BETWEEN '{first}' AND '{last}' AND status = 'closed' \
             GROUP BY outcome, requester_kind"
        );
        diesel::sql_query(sql).execute(&mut c).unwrap();
    });
    let r = service::report::generate(&mut c, &root, year, Profile::National2021).unwrap();
    let received = r.channels.iter().sum::<u64>();
    println!(
        "{name}: report {year} over {cases} cases ({received} received that year): \
         median {:.0} ms; bare SQL aggregate {:.0} ms; checks {}",
        report.as_secs_f64() * 1e3,
        floor.as_secs_f64() * 1e3,
        if r.checks.iter().all(|c| c.ok) {
            "pass"
        } else {
            "FAIL"
        }
    );
}

fn median(n: usize, mut f: impl FnMut()) -> Duration {
    let mut times: Vec<Duration> = (0..n)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect();
    times.sort();
    times[n / 2]
}
