//! Case ledgers through the built binary on both databases: `gongkai ledger
//! import` stores each line as a case with its history (the import first) and
//! the derived columns intake would store; every bad line is named by row and
//! column and nothing is written; `gongkai ledger export` lists a year with the
//! computed columns, and an export imported into a fresh database gives the
//! same export again.

mod common;
use common::{TestApp, TestDb, cli, date};
use diesel::prelude::*;
use gongkai::db::schema::{audit_log, case_events, cases, counters, requesters};
use gongkai::db::{self, DbConn};
use gongkai::service::cases::{Clock, refresh, today_in_china};

both_backends!(a_good_ledger_reads_like_any_case);

macro_rules! cli_on_both {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[test]
            fn sqlite() {
                super::$name(crate::common::TestDb::new(crate::common::Backend::Sqlite).unwrap());
            }
            #[test]
            fn postgres() {
                match crate::common::TestDb::new(crate::common::Backend::Postgres) {
                    Some(db) => super::$name(db),
                    None => eprintln!("PostgreSQL run skipped: GONGKAI_TEST_POSTGRES_URL is not set"),
                }
            }
        }
    )*};
}

cli_on_both!(
    bad_ledgers_name_row_and_column_and_write_nothing,
    export_then_import_gives_the_same_ledger,
);

const HEADER: &str = "tracking_no,agency_code,received_on,channel,requester_type,requester_name,subject,topic,extended,outcome,closed_on,fee_method,fee_notice_on,fee_amount_yuan,fee_paid_on,review_filed_on,review_result,review_decided_on,lawsuit_filed_on,lawsuit_after_review,lawsuit_result,lawsuit_decided_on";

const AGENCIES: &str = "code,name,kind,parent_code\n\
    CZ,常州市人民政府,government,\n\
    CZ-GTJ,常州市国土资源局,department,CZ\n\
    CZ-WJ,常州市武进区人民政府,government,CZ\n";

fn write(dir: &tempfile::TempDir, name: &str, bytes: &[u8]) -> String {
    let p = dir.path().join(name);
    std::fs::write(&p, bytes).unwrap();
    p.display().to_string()
}

fn conn(url: &str) -> db::PooledConn {
    db::open_pool(url, 1).unwrap().get().unwrap()
}

fn count_cases(url: &str) -> i64 {
    cases::table.count().get_result(&mut *conn(url)).unwrap()
}

fn case_by_number(c: &mut DbConn, tracking_no: &str) -> db::cases::Case {
    cases::table
        .filter(cases::tracking_no.eq(tracking_no))
        .select(db::cases::Case::as_select())
        .first(c)
        .unwrap()
}

fn import(url: &str, path: &str) -> (i32, String, String) {
    cli(url, &["ledger", "import", path], None)
}

/// The CSV lines of an export, parsed.
fn lines(csv_text: &str) -> Vec<Vec<String>> {
    csv::Reader::from_reader(csv_text.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect()
}

async fn a_good_ledger_reads_like_any_case(app: TestApp) {
    app.office();
    let dir = tempfile::tempdir().unwrap();
    let rows = [
        // Row 2: answered 2023-05-10, after its deadline (2023-03-29): late.
        "常国土〔2023〕1号,CZ-GTJ,2023-03-01,信函,自然人,张三,某地块征地补偿方案,征地拆迁,,予以公开,2023-05-10,,,,,,,,,,,",
        // Row 3: still open since January 2024: overdue. Numbered on import.
        ",CZ,2024-01-10,online,enterprise,常州市某置业有限公司,\"某小区规划许可证, 及附图\",,false,,,,,,,,,,,,,",
        // Row 4: extended, a fee paid, a reconsideration upheld, then a suit.
        ",CZ-GTJ,2024-09-27,letter,natural_person,张三,某道路工程批复,,true,withheld_third_party,2024-11-20,per_volume,2024-10-08,880.5,2024-10-15,2024-11-25,upheld,2025-01-10,2025-02-01,true,,",
    ];
    let path = write(
        &dir,
        "ledger.csv",
        format!("{HEADER}\n{}\n", rows.join("\n")).as_bytes(),
    );
    let (code, out, err) = import(&app.db.url, &path);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("3 cases imported (1 open, 2 closed), 2 new requesters"),
        "{out}"
    );

    let mut c = app.conn();
    let late = case_by_number(&mut c, "常国土〔2023〕1号");
    assert_eq!(late.status, "closed");
    assert_eq!(late.outcome.as_deref(), Some("disclosed"));
    assert_eq!(late.due_on, Some(date("2023-03-29")));
    assert!(late.late);
    let open = case_by_number(&mut c, "CZ-2024-0001");
    assert_eq!(open.status, "open");
    assert!(open.due_on.unwrap() < today_in_china());
    assert_eq!(open.subject, "某小区规划许可证, 及附图");
    let full = case_by_number(&mut c, "CZ-GTJ-2024-0001");
    assert!(full.extended && !full.late);
    assert_eq!(full.outcome.as_deref(), Some("withheld_third_party"));
    // One 张三 for both of his requests.
    assert_eq!(full.requester_id, late.requester_id);

    // Stored exactly as the normal path stores them: recomputing from the
    // history changes nothing.
    let calendar = db::calendar::load(&mut c).unwrap();
    let settings = gongkai::service::rules::load(&mut c).unwrap();
    let clock = Clock {
        calendar: &calendar,
        settings: &settings,
        today: today_in_china(),
    };
    for before in [&late, &open, &full] {
        refresh(&mut c, before.id, &clock).unwrap();
        let after = app.stored(before.id);
        assert_eq!(
            (
                &after.status,
                &after.clock,
                after.due_on,
                after.extended,
                &after.outcome,
                after.closed_on,
                after.late
            ),
            (
                &before.status,
                &before.clock,
                before.due_on,
                before.extended,
                &before.outcome,
                before.closed_on,
                before.late
            ),
            "{}",
            before.tracking_no
        );
    }

    // The history, in date order, the import first.
    let kinds: Vec<String> = case_events::table
        .filter(case_events::case_id.eq(full.id))
        .order(case_events::id)
        .select(case_events::kind)
        .load(&mut c)
        .unwrap();
    assert_eq!(
        kinds,
        [
            "imported",
            "intake",
            "fee_proposed",
            "fee_approved",
            "fee_paid",
            "extension_approved",
            "decided",
            "appeal_filed",
            "appeal_updated",
            "appeal_filed"
        ]
    );
    let appeals = db::appeals::of_case(&mut c, full.id).unwrap();
    assert_eq!(appeals.len(), 2);
    assert_eq!(
        (appeals[0].kind.as_str(), appeals[0].grounds.as_str()),
        ("review", "decision")
    );
    assert_eq!(
        (appeals[1].kind.as_str(), appeals[1].review_id),
        ("lawsuit_after_review", Some(appeals[0].id))
    );
    assert_eq!(appeals[0].result.as_deref(), Some("upheld"));
    // One audit entry for the file.
    let entries: i64 = audit_log::table
        .filter(audit_log::action.eq("ledger.import"))
        .count()
        .get_result(&mut c)
        .unwrap();
    assert_eq!(entries, 1);
    drop(c);

    let boss = app.login("boss").await;
    let page = boss.get(&format!("/cases/{}", full.id)).await;
    page.assert_ok()
        .assert_contains("从案件台账导入")
        .assert_contains("ledger.csv 第 4 行")
        .assert_contains("880.50")
        .assert_contains("申请人提起行政复议或诉讼");

    // The counters moved: the next case numbered for CZ in 2024 is the second.
    let more = write(
        &dir,
        "more.csv",
        "agency_code,received_on,channel,requester_type,requester_name,subject,extended\n\
         CZ,2024-03-01,in_person,natural_person,李四,事项,FALSE\n\
         CZ,2024-03-02,in_person,自然人,张三,事项,\n"
            .as_bytes(),
    );
    let (code, out, err) = import(&app.db.url, &more);
    assert_eq!(code, 0, "{err}");
    // 张三 is the one stored before.
    assert!(
        out.contains("2 cases imported (2 open, 0 closed), 1 new requesters"),
        "{out}"
    );
    app.with_conn(|c| {
        assert_eq!(case_by_number(c, "CZ-2024-0002").requester_name, "李四");
        assert_eq!(
            case_by_number(c, "CZ-2024-0003").requester_id,
            late.requester_id
        );
    });

    // The export of 2024: what was received then, with the computed columns;
    // the 2023 case, closed in 2023, belongs to 2023's.
    let (code, out, err) = cli(&app.db.url, &["ledger", "export", "--year", "2024"], None);
    assert_eq!(code, 0, "{err}");
    let header = out.lines().next().unwrap();
    assert_eq!(header, format!("{HEADER},due_on,status,overdue"));
    let got = lines(&out);
    assert_eq!(got.len(), 4);
    let row = |no: &str| got.iter().find(|l| l[0] == no).unwrap().clone();
    let open_line = row("CZ-2024-0001");
    assert_eq!(
        &open_line[22..],
        [open.due_on.unwrap().to_string().as_str(), "open", "true"]
    );
    let full_line = row("CZ-GTJ-2024-0001");
    assert_eq!(full_line[9], "withheld_third_party");
    assert_eq!(full_line[13], "880.50");
    assert_eq!(
        &full_line[15..22],
        [
            "2024-11-25",
            "upheld",
            "2025-01-10",
            "2025-02-01",
            "true",
            "",
            ""
        ]
    );
    assert_eq!(full_line[24], "false");
    let (_, out, _) = cli(&app.db.url, &["ledger", "export", "--year", "2023"], None);
    let got = lines(&out);
    assert_eq!(got.len(), 1);
    assert_eq!(&got[0][22..], ["2023-03-29", "closed", "true"]);
    // An agency's subtree only.
    let (_, out, _) = cli(
        &app.db.url,
        &["ledger", "export", "--year", "2024", "--agency", "CZ-GTJ"],
        None,
    );
    assert_eq!(lines(&out).len(), 1);
    let (code, _, err) = cli(
        &app.db.url,
        &["ledger", "export", "--year", "2024", "--agency", "NOPE"],
        None,
    );
    assert_ne!(code, 0);
    assert!(
        err.contains("--agency NOPE: no agency has this code"),
        "{err}"
    );
}

fn setup(t: &TestDb, dir: &tempfile::TempDir) {
    let agencies = write(dir, "agencies.csv", AGENCIES.as_bytes());
    let (code, _, err) = cli(&t.url, &["agency", "import", &agencies], None);
    assert_eq!(code, 0, "{err}");
}

fn bad_ledgers_name_row_and_column_and_write_nothing(t: TestDb) {
    let dir = tempfile::tempdir().unwrap();
    setup(&t, &dir);
    let rows = [
        ",CZ,2024-13-01,letter,natural_person,张三,事项,,,,,,,,,,,,,,,",
        ",ZZ,2024-09-27,pigeon,natural_person,张三,事项,,,,,,,,,,,,,,,",
        ",CZ,2024-09-27,letter,natural_person,张三,事项,,,disclosed,2024-09-01,,,,,,,,,,,",
        "A-1,CZ,2024-09-27,letter,natural_person,张三,事项,,,,,,,,,,,,,,,",
        "A-1,CZ,2024-09-27,letter,natural_person,张三,事项,,,,,,,,,,,,,,,",
        ",CZ,2024-09-27,letter,natural_person,张三,事项,,,,,,,,,,,,2024-10-01,true,,",
    ];
    let path = write(
        &dir,
        "ledger.csv",
        format!("{HEADER}\n{}\n", rows.join("\n")).as_bytes(),
    );
    let (code, _, err) = import(&t.url, &path);
    assert_ne!(code, 0);
    let expected = [
        "ledger.csv row 2, column received_on: \"2024-13-01\" is not a date (YYYY-MM-DD)",
        "ledger.csv row 3, column agency_code: \"ZZ\" is not the code of an agency in the database",
        "ledger.csv row 3, column channel: \"pigeon\" is not one of in_person (当面), fax (传真), online (网络), letter (信函), other (其他)",
        "ledger.csv row 4, column closed_on: 2024-09-01 is before received_on (2024-09-27)",
        "ledger.csv row 6, column tracking_no: \"A-1\" already appears in row 5",
        "ledger.csv row 7, column lawsuit_after_review: is true but review_filed_on is empty on this row",
        "ledger.csv: 6 error(s); nothing was imported",
    ];
    for e in expected {
        assert!(err.contains(e), "missing {e:?} in:\n{err}");
    }
    assert_eq!(err.lines().count(), expected.len(), "{err}");
    assert_eq!(count_cases(&t.url), 0);

    // Header and bytes: an unknown column, a byte that is not UTF-8, a NUL.
    let head = "agency_code,received_on,channel,requester_type,requester_name,subject";
    let unknown = write(
        &dir,
        "colour.csv",
        format!("{head},colour\nCZ,2024-09-27,letter,natural_person,张三,事项,red\n").as_bytes(),
    );
    let (code, _, err) = import(&t.url, &unknown);
    assert_ne!(code, 0);
    assert!(
        err.contains("colour.csv row 1, column colour: unknown column; expected columns: tracking_no, agency_code"),
        "{err}"
    );
    let mut bytes = format!("{head}\nCZ,2024-09-27,letter,natural_person,张三,事项\n").into_bytes();
    bytes.extend_from_slice(b"CZ,2024-09-27,letter,natural_person,\xFF\xFE,x\n");
    bytes.extend_from_slice(b"CZ,2024-09-27,letter,natural_person,li,a\x00b\n");
    let binary = write(&dir, "bytes.csv", &bytes);
    let (code, _, err) = import(&t.url, &binary);
    assert_ne!(code, 0);
    assert!(
        err.contains("bytes.csv row 3, column requester_name: is not UTF-8 text (byte 1 of the cell, 0xFF); save the file as UTF-8"),
        "{err}"
    );
    assert!(
        err.contains("bytes.csv row 4, column subject: contains the control character U+0000"),
        "{err}"
    );
    assert_eq!(count_cases(&t.url), 0);

    // A number stored before is refused on the row that repeats it.
    let first = write(
        &dir,
        "first.csv",
        format!("tracking_no,{head}\n旧-1,CZ,2024-09-27,letter,natural_person,张三,事项\n")
            .as_bytes(),
    );
    assert_eq!(import(&t.url, &first).0, 0);
    let again = write(
        &dir,
        "again.csv",
        format!(
            "tracking_no,{head}\n新-1,CZ,2024-09-28,letter,natural_person,张三,事项\n旧-1,CZ,2024-09-27,letter,natural_person,张三,事项\n"
        )
        .as_bytes(),
    );
    let (code, _, err) = import(&t.url, &again);
    assert_ne!(code, 0);
    assert!(
        err.contains(
            "again.csv row 3, column tracking_no: \"旧-1\" is the number of a case already stored"
        ),
        "{err}"
    );
    assert_eq!(count_cases(&t.url), 1);
    let (code, _, err) = import(&t.url, "/no/such/ledger.csv");
    assert_ne!(code, 0);
    assert!(err.contains("/no/such/ledger.csv"), "{err}");
    let mut c = conn(&t.url);
    let imports: i64 = audit_log::table
        .filter(audit_log::action.eq("ledger.import"))
        .count()
        .get_result(&mut c)
        .unwrap();
    assert_eq!(imports, 1);
}

fn export_then_import_gives_the_same_ledger(t: TestDb) {
    let dir = tempfile::tempdir().unwrap();
    setup(&t, &dir);
    let ledger = common::ledgers::generate(
        0x6c65_6467_6572,
        300,
        &["CZ", "CZ-GTJ", "CZ-WJ"],
        2024,
        today_in_china(),
    );
    let path = write(&dir, "generated.csv", ledger.csv.as_bytes());
    let (code, out, err) = import(&t.url, &path);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("300 cases imported"), "{out}");
    let (code, first, err) = cli(&t.url, &["ledger", "export", "--year", "2024"], None);
    assert_eq!(code, 0, "{err}");
    let exported = lines(&first);
    assert_eq!(exported.len(), 300);
    // Line for line what was written, in codes; numbered where the file left it open.
    for (i, (got, want)) in exported.iter().zip(&ledger.canonical).enumerate() {
        if want[0].is_empty() {
            assert!(got[0].starts_with(&format!("{}-2024-", want[1])), "{got:?}");
        }
        for c in 1..want.len() {
            assert_eq!(got[c], want[c], "line {}, column {c}: {got:?}", i + 2);
        }
        if !want[0].is_empty() {
            assert_eq!(got[0], want[0]);
        }
    }

    // Into a fresh database: the same export again, computed columns included.
    let other = TestDb::new(t.backend).unwrap();
    setup(&other, &dir);
    let path = write(&dir, "exported.csv", first.as_bytes());
    let (code, _, err) = import(&other.url, &path);
    assert_eq!(code, 0, "{err}");
    let (code, second, err) = cli(&other.url, &["ledger", "export", "--year", "2024"], None);
    assert_eq!(code, 0, "{err}");
    assert_eq!(lines(&second), exported);
    // And the same requesters, numbering counters and histories' lengths.
    let shape = |url: &str| {
        let mut c = conn(url);
        let r: i64 = requesters::table.count().get_result(&mut c).unwrap();
        let e: i64 = case_events::table.count().get_result(&mut c).unwrap();
        let mut n: Vec<(i32, i32)> = counters::table
            .select((counters::year, counters::value))
            .load(&mut c)
            .unwrap();
        n.sort();
        (r, e, n)
    };
    assert_eq!(shape(&t.url), shape(&other.url));
}
