//! Storage: one connection type over SQLite and PostgreSQL, the pool, migrations,
//! and the queries, one module per aggregate. Nothing here decides a rule.

pub mod agencies;
pub mod appeals;
pub mod applications;
pub mod attachments;
pub mod audit;
pub mod bulk;
pub mod calendar;
pub mod cases;
pub mod generations;
pub mod login_attempts;
pub mod outbox;
pub mod report;
pub mod review;
pub mod schema;
pub mod search;
pub mod sessions;
pub mod settings;
pub mod timing;
pub mod units;
pub mod uploads;
pub mod users;

use chrono::{NaiveDateTime, SubsecRound, Utc};
use diesel::connection::{AnsiTransactionManager, SimpleConnection, TransactionManager};
use diesel::pg::PgConnection;
use diesel::prelude::*;
use diesel::r2d2::{self, ManageConnection};
use diesel::sqlite::SqliteConnection;
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const PG_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

#[derive(diesel::MultiConnection)]
pub enum DbConn {
    Pg(PgConnection),
    Sqlite(SqliteConnection),
}

pub type Pool = r2d2::Pool<Manager>;
pub type PooledConn = r2d2::PooledConnection<Manager>;

/// Which backend a database URL names. Parsed by hand: diesel's derived
/// `establish` tries every backend and hides the real error.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    Sqlite(String),
    Postgres(String),
}

impl Target {
    pub fn parse(url: &str) -> Result<Target, DbError> {
        if let Some(path) = url.strip_prefix("sqlite://") {
            if path.is_empty() {
                return Err(DbError::BadUrl(format!(
                    "{url}: the sqlite:// URL names no file (e.g. sqlite://gongkai.db)"
                )));
            }
            Ok(Target::Sqlite(path.to_string()))
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Target::Postgres(url.to_string()))
        } else {
            let shown = redact(url);
            Err(DbError::BadUrl(format!(
                "{shown}: unsupported database URL; use sqlite://PATH or postgres://USER@HOST/DB (postgresql:// also works)"
            )))
        }
    }
}

/// A URL with any password replaced, safe to print.
pub fn redact(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut u) if u.password().is_some() => {
            let _ = u.set_password(Some("***"));
            u.to_string()
        }
        _ => url.to_string(),
    }
}

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("{0}")]
    BadUrl(String),
    #[error("cannot connect to the database: {0}")]
    Connect(String),
    #[error("database error: {0}")]
    Query(#[from] diesel::result::Error),
    #[error("cannot apply migrations: {0}")]
    Migrate(String),
}

/// r2d2 manager that connects to the backend the URL names and prepares
/// every new SQLite connection (foreign keys, WAL, busy timeout).
#[derive(Clone, Debug)]
pub struct Manager {
    target: Target,
}

impl Manager {
    pub fn new(target: Target) -> Self {
        Manager { target }
    }
}

impl ManageConnection for Manager {
    type Connection = DbConn;
    type Error = DbError;

    fn connect(&self) -> Result<DbConn, DbError> {
        match &self.target {
            Target::Postgres(url) => {
                let mut conn = PgConnection::establish(url)
                    .map_err(|e| DbError::Connect(explain_pg(url, &e.to_string())))?;
                // A request waits at most this long for a row another writer
                // holds, then fails with "busy" instead of hanging.
                conn.batch_execute("SET lock_timeout = '5s'")?;
                if let Some(i) = timing::from_env() {
                    conn.set_instrumentation(i);
                }
                Ok(DbConn::Pg(conn))
            }
            Target::Sqlite(path) => {
                let mut conn = SqliteConnection::establish(path)
                    .map_err(|e| DbError::Connect(format!("sqlite file {path}: {e}")))?;
                // `optimize` keeps the planner's statistics current; without
                // them SQLite reads whole tables for a supervisor's lists.
                conn.batch_execute(
                    "PRAGMA foreign_keys = ON; PRAGMA journal_mode = WAL; \
                     PRAGMA busy_timeout = 5000; PRAGMA synchronous = NORMAL; \
                     PRAGMA optimize = 0x10002;",
                )?;
                if let Some(i) = timing::from_env() {
                    conn.set_instrumentation(i);
                }
                Ok(DbConn::Sqlite(conn))
            }
        }
    }

    fn is_valid(&self, conn: &mut DbConn) -> Result<(), DbError> {
        conn.batch_execute("SELECT 1").map_err(DbError::from)
    }

    fn has_broken(&self, _conn: &mut DbConn) -> bool {
        false
    }
}

/// Turns libpq's message into one that says which of URL, password or server is wrong.
fn explain_pg(url: &str, msg: &str) -> String {
    let shown = redact(url);
    let lower = msg.to_lowercase();
    let what = if lower.contains("password authentication failed")
        || lower.contains("no password supplied")
    {
        "wrong user name or password"
    } else if lower.contains("connection refused")
        || lower.contains("could not translate host name")
        || lower.contains("timeout")
        || lower.contains("no route to host")
    {
        "the server cannot be reached"
    } else if lower.contains("does not exist") {
        "the database or role does not exist"
    } else if lower.contains("invalid") {
        "the URL is malformed"
    } else {
        "the server refused the connection"
    };
    format!("{shown}: {what} ({})", msg.trim())
}

/// Opens a pool; fails at once, with the backend's own reason, when the first
/// connection cannot be made.
pub fn open_pool(url: &str, max_size: u32) -> Result<Pool, DbError> {
    let target = Target::parse(url)?;
    let manager = Manager::new(target);
    // Try one connection directly so a bad password is reported as such,
    // not as a pool timeout.
    drop(manager.connect()?);
    r2d2::Pool::builder()
        .max_size(max_size)
        .connection_timeout(std::time::Duration::from_secs(10))
        .build(manager)
        .map_err(|e| DbError::Connect(e.to_string()))
}

pub fn run_migrations(conn: &mut DbConn) -> Result<usize, DbError> {
    let applied = match conn {
        DbConn::Pg(c) => c.run_pending_migrations(PG_MIGRATIONS).map(|v| v.len()),
        DbConn::Sqlite(c) => c.run_pending_migrations(SQLITE_MIGRATIONS).map(|v| v.len()),
    };
    applied.map_err(|e| DbError::Migrate(e.to_string()))
}

/// A write transaction. On SQLite it takes the write lock up front
/// (`BEGIN IMMEDIATE`), so two writers that read first queue on the busy
/// timeout instead of failing with "database is locked".
pub fn write_tx<T, E, F>(conn: &mut DbConn, f: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConn) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    match conn {
        DbConn::Pg(_) => conn.transaction(f),
        DbConn::Sqlite(c) => {
            AnsiTransactionManager::begin_transaction_sql(c, "BEGIN IMMEDIATE")?;
            let result = f(conn);
            let DbConn::Sqlite(c) = conn else {
                unreachable!("the connection does not change backend")
            };
            match result {
                Ok(v) => {
                    AnsiTransactionManager::commit_transaction(c)?;
                    Ok(v)
                }
                Err(e) => {
                    let _ = AnsiTransactionManager::rollback_transaction(c);
                    Err(e)
                }
            }
        }
    }
}

/// Whether the database answers a trivial query.
pub fn ping(conn: &mut DbConn) -> bool {
    conn.batch_execute("SELECT 1").is_ok()
}

/// After a bulk load (a ledger import, demo data): fresh planner statistics, and
/// on PostgreSQL the visibility map the report's index-only scans need, at once
/// rather than whenever autovacuum comes round. Outside any transaction.
pub fn optimize(conn: &mut DbConn) -> QueryResult<()> {
    match conn {
        DbConn::Sqlite(c) => c.batch_execute("PRAGMA optimize"),
        DbConn::Pg(c) => {
            c.batch_execute("VACUUM (ANALYZE) cases, case_events, case_grams, appeals, requesters")
        }
    }
}

/// Now in UTC, to the microsecond: PostgreSQL keeps no more, so both
/// backends store the same value.
pub fn now() -> NaiveDateTime {
    Utc::now().naive_utc().trunc_subsecs(6)
}

/// True when the error is a unique-constraint violation.
pub fn is_unique_violation(e: &diesel::result::Error) -> bool {
    matches!(
        e,
        diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _)
    )
}

/// Writes a consistent copy of an SQLite database to `path` while others
/// keep reading and writing (`VACUUM INTO` reads one snapshot), then checks
/// the copy and returns how many cases it holds.
pub fn backup_sqlite(conn: &mut DbConn, path: &str) -> Result<i64, DbError> {
    let DbConn::Sqlite(c) = conn else {
        return Err(DbError::BadUrl(
            "VACUUM INTO backs up SQLite only; PostgreSQL is backed up with pg_dump".into(),
        ));
    };
    let quoted = path.replace('\'', "''");
    c.batch_execute(&format!("VACUUM INTO '{quoted}'"))?;
    let mut copy = SqliteConnection::establish(path)
        .map_err(|e| DbError::Connect(format!("sqlite file {path}: {e}")))?;
    #[derive(QueryableByName)]
    struct Check {
        #[diesel(sql_type = diesel::sql_types::Text)]
        integrity_check: String,
    }
    let check: Check = diesel::sql_query("PRAGMA integrity_check").get_result(&mut copy)?;
    if check.integrity_check != "ok" {
        return Err(DbError::Migrate(format!(
            "the copy at {path} fails its integrity check: {}",
            check.integrity_check
        )));
    }
    Ok(schema::cases::table.count().get_result(&mut copy)?)
}
