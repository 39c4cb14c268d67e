//! A national table with every row and every column non-zero, from a ledger
//! built by hand, through `gongkai ledger import` and `gongkai report --format
//! json`; the expected figures are worked out here from report-formats.md's
//! row table, independently of gongkai's. Both databases.

mod common;
use common::{TestApp, cli};
use std::fmt::Write;

both_backends!(a_ledger_gives_the_national_table_row_by_row,);

const COLUMNS: [&str; 6] = [
    "natural_person",
    "enterprise",
    "research_institution",
    "public_interest_org",
    "legal_services",
    "other_org",
];

/// report-formats.md, profile national-2021: the result rows and their outcomes.
const ROWS: [(&str, &[&str]); 22] = [
    ("disclosed", &["disclosed_already_public", "disclosed"]),
    ("partial", &["partial"]),
    ("withheld.state_secret", &["withheld_state_secret"]),
    (
        "withheld.prohibited_by_law",
        &["withheld_prohibited_by_law"],
    ),
    (
        "withheld.security_stability",
        &["withheld_security_stability"],
    ),
    ("withheld.third_party", &["withheld_third_party"]),
    ("withheld.internal_affairs", &["withheld_internal_affairs"]),
    ("withheld.process_info", &["withheld_process_info"]),
    ("withheld.enforcement_file", &["withheld_enforcement_file"]),
    ("withheld.admin_query", &["withheld_admin_query"]),
    (
        "unavailable.not_held",
        &["not_held_other_agency", "not_held_nonexistent"],
    ),
    ("unavailable.needs_compilation", &["needs_compilation"]),
    ("unavailable.unclear", &["unclear_after_correction"]),
    ("not_processed.petition", &["not_processed_petition"]),
    ("not_processed.repeat", &["not_processed_repeat"]),
    ("not_processed.publication", &["not_processed_publication"]),
    ("not_processed.excessive", &["not_processed_excessive"]),
    (
        "not_processed.confirmation",
        &["not_processed_confirmation"],
    ),
    ("other.correction_overdue", &["other_correction_overdue"]),
    ("other.fee_unpaid", &["other_fee_unpaid"]),
    ("other.other", &["other"]),
    ("results_total", &[]),
];

/// How many cases of an outcome (by its place in the list) and column.
fn n(outcome: usize, col: usize) -> u64 {
    1 + ((outcome + col) % 3) as u64
}

async fn a_ledger_gives_the_national_table_row_by_row(app: TestApp) {
    let dir = tempfile::tempdir().unwrap();
    let agencies = dir.path().join("agencies.csv");
    std::fs::write(
        &agencies,
        "code,name,kind,parent_code\nSQ,宿迁市人民政府,government,\nSQ-ZRJ,宿迁市自然资源和规划局,department,SQ\n",
    )
    .unwrap();
    let (code, _, err) = cli(
        &app.db.url,
        &["agency", "import", agencies.to_str().unwrap()],
        None,
    );
    assert_eq!(code, 0, "{err}");
    let outcomes: Vec<&str> = ROWS.iter().flat_map(|(_, o)| o.iter().copied()).collect();
    let mut csv = String::from(
        "agency_code,received_on,channel,requester_type,requester_name,subject,outcome,closed_on,\
         review_filed_on,review_result,review_decided_on,lawsuit_filed_on,lawsuit_after_review,\
         lawsuit_result,lawsuit_decided_on,fee_method,fee_notice_on,fee_amount_yuan\n",
    );
    let mut line = |received: &str, col: usize, outcome: &str, closed: &str, tail: &str| {
        // A case closed as unpaid had a fee notice.
        let fee = if outcome == "other_fee_unpaid" {
            "per_volume,2024-03-05,100"
        } else {
            ",,"
        };
        writeln!(
            csv,
            "SQ-ZRJ,{received},letter,{},申请人,某项信息,{outcome},{closed},{tail},{fee}",
            COLUMNS[col]
        )
        .unwrap();
    };
    for (k, outcome) in outcomes.iter().enumerate() {
        for col in 0..6 {
            for _ in 0..n(k, col) {
                line("2024-03-01", col, outcome, "2024-03-20", ",,,,,,");
            }
        }
    }
    // Carried in from 2023 and answered in 2024; received in 2024 and still open.
    for col in 0..6 {
        for _ in 0..=col {
            line("2023-12-20", col, "disclosed", "2024-01-10", ",,,,,,");
        }
        for _ in 0..col + 2 {
            line("2024-12-20", col, "", "", ",,,,,,");
        }
    }
    // Table 四: every cell. Reviews: upheld, corrected, other, and one pending on
    // 31 December (decided in 2025). Suits likewise, direct and after review.
    let appeals = [
        ("2024-04-01,upheld,2024-05-01,,,,", 1),
        ("2024-04-01,corrected,2024-05-01,,,,", 2),
        ("2024-04-01,other,2024-05-01,,,,", 3),
        ("2024-11-01,upheld,2025-01-05,,,,", 4),
        (",,,2024-04-01,false,upheld,2024-06-01", 5),
        (",,,2024-04-01,false,corrected,2024-06-01", 6),
        (",,,2024-04-01,false,other,2024-06-01", 7),
        (",,,2024-12-01,false,,", 8),
        (
            "2024-04-01,upheld,2024-04-20,2024-05-01,true,upheld,2024-07-01",
            9,
        ),
        (
            "2024-04-01,upheld,2024-04-20,2024-05-01,true,corrected,2024-07-01",
            10,
        ),
        (
            "2024-04-01,upheld,2024-04-20,2024-05-01,true,other,2024-07-01",
            11,
        ),
        ("2024-04-01,upheld,2024-04-20,2024-05-01,true,,", 12),
    ];
    for (tail, _) in appeals {
        line("2024-03-01", 0, "partial", "2024-03-20", tail);
    }
    let file = dir.path().join("ledger.csv");
    std::fs::write(&file, csv).unwrap();
    let (code, _, err) = cli(
        &app.db.url,
        &["ledger", "import", file.to_str().unwrap()],
        None,
    );
    assert_eq!(code, 0, "{err}");

    let (code, json, err) = cli(
        &app.db.url,
        &["report", "--year", "2024", "--format", "json"],
        None,
    );
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let row = |key: &str| -> Vec<u64> {
        v["table3"]["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["key"] == key)
            .unwrap_or_else(|| panic!("no row {key}"))["values"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n.as_u64().unwrap())
            .collect()
    };
    let with_total = |cols: [u64; 6]| -> Vec<u64> {
        let mut v = cols.to_vec();
        v.push(cols.iter().sum());
        v
    };
    let mut start = 0;
    let mut total = [0u64; 6];
    for (key, list) in ROWS.iter().filter(|(k, _)| *k != "results_total") {
        let mut cols = [0u64; 6];
        for (k, _) in list.iter().enumerate() {
            for (col, c) in cols.iter_mut().enumerate() {
                *c += n(start + k, col);
            }
        }
        start += list.len();
        if *key == "disclosed" {
            for (col, c) in cols.iter_mut().enumerate() {
                *c += col as u64 + 1;
            }
        }
        if *key == "partial" {
            cols[0] += 12;
        }
        assert_eq!(row(key), with_total(cols), "{key}");
        assert!(row(key).iter().all(|x| *x > 0), "{key} has a zero");
        for col in 0..6 {
            total[col] += cols[col];
        }
    }
    assert_eq!(row("results_total"), with_total(total));
    let carried_in: [u64; 6] = std::array::from_fn(|c| c as u64 + 1);
    let carried_out: [u64; 6] = std::array::from_fn(|c| c as u64 + 2);
    assert_eq!(row("carried_in"), with_total(carried_in));
    assert_eq!(row("carried_out"), with_total(carried_out));
    let new: [u64; 6] = std::array::from_fn(|c| total[c] - carried_in[c] + carried_out[c]);
    assert_eq!(row("new"), with_total(new));
    assert_eq!(v["table4"]["review"], serde_json::json!([5, 1, 1, 1, 8]));
    assert_eq!(
        v["table4"]["lawsuit_direct"],
        serde_json::json!([1, 1, 1, 1, 4])
    );
    assert_eq!(
        v["table4"]["lawsuit_after_review"],
        serde_json::json!([1, 1, 1, 1, 4])
    );
    assert!(
        v["checks"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["ok"] == true)
    );
}
