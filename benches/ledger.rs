//! How long `gongkai ledger import` takes for a large ledger (100,000 lines by
//! default) and `gongkai ledger export` for the same year, through the built
//! binary as an operator runs them, on SQLite and (when
//! GONGKAI_TEST_POSTGRES_URL is set) on PostgreSQL. See bench/README.md.
//!
//! `cargo bench --bench ledger [-- sqlite|postgres]`
//!
//! Environment: GONGKAI_BENCH_LEDGER_ROWS (default 100000),
//! GONGKAI_BENCH_LEDGER_SAVE=FILE (keep a copy of the generated ledger, to
//! import it by hand with GONGKAI_LOG=debug for the time of each step).

#[path = "../tests/common/mod.rs"]
mod common;

use common::{Backend, TestDb, cli};
use std::time::Instant;

const AGENCIES: &str = "code,name,kind,parent_code\n\
    CZ,常州市人民政府,government,\n\
    CZ-ZRZY,常州市自然资源和规划局,department,CZ\n\
    CZ-ZJJ,常州市住房和城乡建设局,department,CZ\n\
    CZ-STHJ,常州市生态环境局,department,CZ\n\
    CZ-RSJ,常州市人力资源和社会保障局,department,CZ\n\
    CZ-WJ,常州市武进区人民政府,government,CZ\n\
    CZ-WJ-ZJJ,常州市武进区住房和城乡建设局,department,CZ-WJ\n\
    CZ-XB,常州市新北区人民政府,government,CZ\n";

fn main() {
    let rows: usize = std::env::var("GONGKAI_BENCH_LEDGER_ROWS")
        .ok()
        .and_then(|v| v.trim().replace('_', "").parse().ok())
        .unwrap_or(100_000);
    let words: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let wants = |w: &str| words.is_empty() || words.iter().any(|a| a == w);
    let today = gongkai::service::cases::today_in_china();
    let dir = tempfile::tempdir().expect("a temporary directory");
    let t = Instant::now();
    let ledger = common::ledgers::generate(
        0x6c65_6467_6572,
        rows,
        &[
            "CZ",
            "CZ-ZRZY",
            "CZ-ZJJ",
            "CZ-STHJ",
            "CZ-RSJ",
            "CZ-WJ",
            "CZ-WJ-ZJJ",
            "CZ-XB",
        ],
        2024,
        today,
    );
    let path = dir.path().join("ledger.csv");
    std::fs::write(&path, &ledger.csv).expect("the ledger is written");
    if let Ok(copy) = std::env::var("GONGKAI_BENCH_LEDGER_SAVE") {
        std::fs::write(&copy, &ledger.csv).expect("the copy is written");
    }
    let agencies = dir.path().join("agencies.csv");
    std::fs::write(&agencies, AGENCIES).expect("the agencies are written");
    println!(
        "ledger: {rows} lines, {:.1} MB, generated in {:.1} s",
        ledger.csv.len() as f64 / 1e6,
        t.elapsed().as_secs_f64()
    );
    let path = path.display().to_string();
    let agencies = agencies.display().to_string();
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let name = match backend {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        };
        if !wants(name) {
            continue;
        }
        let Some(db) = TestDb::new(backend) else {
            println!("{name}: skipped (GONGKAI_TEST_POSTGRES_URL is not set)");
            continue;
        };
        let (code, _, err) = cli(&db.url, &["agency", "import", &agencies], None);
        assert_eq!(code, 0, "{err}");
        let t = Instant::now();
        let (code, out, err) = cli(&db.url, &["ledger", "import", &path], None);
        let import = t.elapsed();
        assert_eq!(code, 0, "{err}");
        assert!(out.contains(&format!("{rows} cases imported")), "{out}");
        let t = Instant::now();
        let (code, exported, err) = cli(&db.url, &["ledger", "export", "--year", "2024"], None);
        let export = t.elapsed();
        assert_eq!(code, 0, "{err}");
        let lines = csv::Reader::from_reader(exported.as_bytes())
            .records()
            .count();
        assert_eq!(lines, rows);
        println!(
            "{name}: import {:.1} s ({}), export {:.1} s ({:.1} MB)",
            import.as_secs_f64(),
            out.trim(),
            export.as_secs_f64(),
            exported.len() as f64 / 1e6
        );
    }
}
