//! The command line, driven through the built binary, on both databases.

mod common;
use common::{Backend, TestDb, cli};
use gongkai::db;

fn pool(url: &str) -> db::Pool {
    db::open_pool(url, 1).unwrap()
}

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

cli_on_both!(migrate_then_imports_and_user_add, bad_files_write_nothing);

fn write(dir: &tempfile::TempDir, name: &str, text: &str) -> String {
    let p = dir.path().join(name);
    std::fs::write(&p, text).unwrap();
    p.display().to_string()
}

fn migrate_then_imports_and_user_add(t: TestDb) {
    let (code, out, err) = cli(&t.url, &["migrate"], None);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("migrations applied"));
    // Running it again is harmless.
    assert_eq!(cli(&t.url, &["migrate"], None).0, 0);

    let dir = tempfile::tempdir().unwrap();
    let agencies = write(
        &dir,
        "agencies.csv",
        "code,name,kind,parent_code,short_name\nCZ-GTJ,常州市国土资源局,department,CZ,市国土局\nCZ,常州市人民政府,government,,\n",
    );
    let (code, out, err) = cli(&t.url, &["agency", "import", &agencies], None);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("2 created, 0 updated"), "{out}");
    // Importing again updates by code.
    let (code, out, _) = cli(&t.url, &["agency", "import", &agencies], None);
    assert_eq!(code, 0);
    assert!(out.contains("0 created, 2 updated"), "{out}");

    let (code, out, err) = cli(
        &t.url,
        &[
            "user",
            "add",
            "--username",
            "Wang",
            "--role",
            "clerk",
            "--agency",
            "CZ-GTJ",
        ],
        Some("a long password\n"),
    );
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("user wang created"));
    let (code, _, err) = cli(
        &t.url,
        &[
            "user",
            "add",
            "--username",
            "wang",
            "--role",
            "clerk",
            "--agency",
            "CZ",
        ],
        Some("another password\n"),
    );
    assert_ne!(code, 0);
    assert!(err.contains("username: This username is taken."), "{err}");
    let (code, _, err) = cli(
        &t.url,
        &[
            "user",
            "add",
            "--username",
            "li",
            "--role",
            "clerk",
            "--agency",
            "NOPE",
        ],
        Some("a long password\n"),
    );
    assert_ne!(code, 0);
    assert!(
        err.contains("--agency NOPE: no agency has this code"),
        "{err}"
    );
    let (code, _, err) = cli(
        &t.url,
        &["user", "add", "--username", "li", "--role", "clerk"],
        Some("a long password\n"),
    );
    assert_ne!(code, 0);
    assert!(
        err.contains("agency_id: Clerks and supervisors belong to an agency."),
        "{err}"
    );
    let (code, _, err) = cli(
        &t.url,
        &["user", "add", "--username", "li", "--role", "admin"],
        Some("short\n"),
    );
    assert_ne!(code, 0);
    assert!(err.contains("at least 10 characters"), "{err}");
    let (code, _, err) = cli(
        &t.url,
        &["user", "add", "--username", "li", "--role", "king"],
        Some("a long password\n"),
    );
    assert_ne!(code, 0);
    assert!(err.contains("king"), "{err}");

    let cal = write(
        &dir,
        "2027.csv",
        "date,kind,festival,notice\n2027-01-01,holiday,元旦,\n2027-02-20,workday,春节,\n",
    );
    let (code, out, err) = cli(&t.url, &["calendar", "import", &cal], None);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("2 days added, 0 replaced"), "{out}");

    let p = pool(&t.url);
    let mut c = p.get().unwrap();
    let wang = db::users::find_by_username(&mut c, "wang")
        .unwrap()
        .unwrap();
    assert_eq!(wang.role, "clerk");
    assert!(gongkai::auth::verify_password(
        "a long password",
        Some(&wang.password_hash)
    ));
    let gtj = db::agencies::find_by_code(&mut c, "CZ-GTJ")
        .unwrap()
        .unwrap();
    assert_eq!(gtj.short_name, "市国土局");
    assert!(
        db::calendar::loaded_years(&mut c)
            .unwrap()
            .iter()
            .any(|(y, n)| *y == 2027 && *n == 2)
    );
}

fn bad_files_write_nothing(t: TestDb) {
    let dir = tempfile::tempdir().unwrap();
    let bad = write(
        &dir,
        "agencies.csv",
        "code,name,kind,parent_code\nCZ,常州市人民政府,government,\nCZ-X,某局,department,ZZ\n",
    );
    let (code, _, err) = cli(&t.url, &["agency", "import", &bad], None);
    assert_ne!(code, 0);
    assert!(
        err.contains("agencies.csv row 3, column parent_code: \"ZZ\" is not an agency"),
        "{err}"
    );
    let cycle = write(
        &dir,
        "cycle.csv",
        "code,name,kind,parent_code\nA,甲,government,B\nB,乙,government,A\n",
    );
    let (code, _, err) = cli(&t.url, &["agency", "import", &cycle], None);
    assert_ne!(code, 0);
    assert!(err.contains("cycle"), "{err}");
    let cal = write(
        &dir,
        "cal.csv",
        "date,kind\n2027-01-01,holiday\n2027-13-01,holiday\n",
    );
    let (code, _, err) = cli(&t.url, &["calendar", "import", &cal], None);
    assert_ne!(code, 0);
    assert!(
        err.contains("cal.csv row 3, column date: \"2027-13-01\" is not a date (YYYY-MM-DD)"),
        "{err}"
    );
    let (code, _, err) = cli(&t.url, &["agency", "import", "/no/such/file.csv"], None);
    assert_ne!(code, 0);
    assert!(err.contains("/no/such/file.csv"), "{err}");
    let p = pool(&t.url);
    let mut c = p.get().unwrap();
    assert_eq!(db::agencies::count(&mut c).unwrap(), 0);
    assert_eq!(db::calendar::count(&mut c).unwrap(), 0);
}

#[test]
fn bad_database_urls_say_what_is_wrong() {
    let (code, _, err) = cli("mysql://root@localhost/x", &["migrate"], None);
    assert_ne!(code, 0);
    assert!(err.contains("use sqlite://PATH or postgres://"), "{err}");
    let (code, _, err) = cli("gongkai.db", &["migrate"], None);
    assert_ne!(code, 0);
    assert!(err.contains("unsupported database URL"), "{err}");
    let (code, _, err) = cli("sqlite://", &["migrate"], None);
    assert_ne!(code, 0);
    assert!(err.contains("names no file"), "{err}");
    let (code, _, err) = cli(
        "postgres://postgres:secret@127.0.0.1:1/gongkai",
        &["migrate"],
        None,
    );
    assert_ne!(code, 0);
    assert!(err.contains("the server cannot be reached"), "{err}");
    assert!(
        !err.contains("secret"),
        "the password is not printed: {err}"
    );
    let (code, _, err) = cli("sqlite:///no/such/dir/x.db", &["migrate"], None);
    assert_ne!(code, 0);
    assert!(err.contains("sqlite file /no/such/dir/x.db"), "{err}");
    if let Some(t) = TestDb::new(Backend::Postgres) {
        let mut url = url::Url::parse(&t.url).unwrap();
        url.set_path("/gongkai_no_such_database");
        let (code, _, err) = cli(url.as_str(), &["migrate"], None);
        assert_ne!(code, 0);
        assert!(err.contains("does not exist"), "{err}");
    }
}
