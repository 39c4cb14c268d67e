//! The command line (contracts/cli-and-files.md): serve, migrate, imports, accounts.

use crate::config::{self, DbArgs, WebConfig};
use crate::db::{self, DbConn, audit::Actor};
use crate::i18n::{Lang, Tr};
use crate::service::{self, Fail, bootstrap};
use clap::{Parser, Subcommand};
use std::io::BufRead;
use std::process::ExitCode;

#[derive(Parser, Debug)]
#[command(
    name = "gongkai",
    version,
    about = "Case management for government-information disclosure requests"
)]
pub struct Cli {
    #[command(flatten)]
    db: DbArgs,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Run the web application (the default).
    Serve {
        /// Address to listen on [env: GONGKAI_BIND] [default: 127.0.0.1:8080]
        #[arg(long)]
        bind: Option<String>,
    },
    /// Apply pending migrations and exit.
    Migrate,
    /// Agencies.
    Agency {
        #[command(subcommand)]
        command: AgencyCommand,
    },
    /// Accounts.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// The official calendar of holidays and make-up workdays.
    Calendar {
        #[command(subcommand)]
        command: CalendarCommand,
    },
    /// Generate the statistics section of the annual report.
    Report {
        #[arg(long)]
        year: i32,
        /// Code of the agency whose subtree is counted [default: the root of the hierarchy]
        #[arg(long)]
        agency: Option<String>,
        #[arg(long, default_value = "national-2021",
              value_parser = ["national-2021", "national-2019", "jiangsu-2018"])]
        profile: String,
        #[arg(long, default_value = "text", value_parser = ["json", "text", "html", "xlsx"])]
        format: String,
        /// Write to FILE instead of standard output.
        #[arg(long)]
        out: Option<std::path::PathBuf>,
    },
    /// Case ledgers (台账): import a ledger CSV, export a year's cases.
    Ledger {
        #[command(subcommand)]
        command: LedgerCommand,
    },
    /// Write a consistent backup to FILE while gongkai keeps serving
    /// (SQLite: an online copy, checked; PostgreSQL: pg_dump's custom format).
    Backup { file: std::path::PathBuf },
    /// Fill an empty database with a demo office: agencies, staff (demo-admin,
    /// demo-supervisor, demo-clerk, ...) and N cases over the last three years.
    DemoData {
        /// How many cases.
        #[arg(long, default_value_t = 3000)]
        cases: usize,
        /// The same seed gives the same office.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// The password of every demo account.
        #[arg(long, default_value = crate::service::demo::DEFAULT_PASSWORD)]
        password: String,
        /// Add to a database that already holds cases.
        #[arg(long)]
        force: bool,
    },
}

#[derive(Subcommand, Debug)]
enum AgencyCommand {
    /// Create or update agencies from an agencies CSV, keyed by code (all rows or none).
    Import { file: std::path::PathBuf },
}

#[derive(Subcommand, Debug)]
enum LedgerCommand {
    /// Import a case ledger CSV: every row checked, all rows or none.
    Import { file: std::path::PathBuf },
    /// Write the ledger of cases received in YEAR (or open during it) as CSV
    /// to standard output, with the computed columns due_on, status, overdue.
    Export {
        #[arg(long, value_parser = clap::value_parser!(i32).range(2008..=9999))]
        year: i32,
        /// Code of an agency: it and the agencies under it (default: all).
        #[arg(long)]
        agency: Option<String>,
    },
}

#[derive(Subcommand, Debug)]
enum UserCommand {
    /// Create an account; the password is read from standard input (one line).
    Add {
        #[arg(long)]
        username: String,
        #[arg(long, value_parser = ["clerk", "supervisor", "admin"])]
        role: String,
        /// Code of the user's agency (required for clerks and supervisors).
        #[arg(long)]
        agency: Option<String>,
        #[arg(long, default_value = "")]
        display_name: String,
        #[arg(long, default_value = "")]
        email: String,
    },
}

#[derive(Subcommand, Debug)]
enum CalendarCommand {
    /// Load calendar overrides (date,kind,festival,notice) from a CSV file.
    Import { file: std::path::PathBuf },
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    env_logger::Builder::from_env(env_logger::Env::new().filter_or("GONGKAI_LOG", "info"))
        // The HTTP client's own debug lines name the hosts it connects to and, at trace
        // level, the bytes of a request: the SMS number and text. Its warnings only.
        .filter_module("reqwest", log::LevelFilter::Warn)
        .filter_module("hyper_util", log::LevelFilter::Warn)
        .init();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("gongkai: {message}");
            ExitCode::FAILURE
        }
    }
}

fn connect(url: &str, size: u32) -> Result<db::Pool, String> {
    let pool = db::open_pool(url, size).map_err(|e| e.to_string())?;
    let mut conn = pool.get().map_err(|e| e.to_string())?;
    let applied = db::run_migrations(&mut conn).map_err(|e| e.to_string())?;
    if applied > 0 {
        log::info!("applied {applied} migration(s)");
    }
    Ok(pool)
}

/// A refusal as the operator reads it: English text from the catalogue.
fn explain(f: Fail) -> String {
    let tr = Tr::new(Lang::En);
    match f {
        Fail::Field { field, key } => format!("{field}: {}", tr.t(key)),
        Fail::Refused(key) => tr.t(key),
        other => other.to_string(),
    }
}

fn read_file(path: &std::path::Path) -> Result<(String, Vec<u8>), String> {
    let name = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| format!("{name}: {e}"))?;
    Ok((name, bytes))
}

fn with_conn<T>(url: &str, f: impl FnOnce(&mut DbConn) -> Result<T, String>) -> Result<T, String> {
    let pool = connect(url, 1)?;
    let mut conn = pool.get().map_err(|e| e.to_string())?;
    f(&mut conn)
}

fn run(cli: Cli) -> Result<(), String> {
    let url = cli.db.database_url.clone();
    match cli.command.unwrap_or(Command::Serve { bind: None }) {
        Command::Serve { bind } => serve(&url, WebConfig::from_env(bind)?),
        Command::Migrate => {
            connect(&url, 1)?;
            println!("migrations applied: {}", db::redact(&url));
            Ok(())
        }
        Command::Backup { file } => backup(&url, &file),
        Command::Agency {
            command: AgencyCommand::Import { file },
        } => {
            let (name, bytes) = read_file(&file)?;
            with_conn(&url, |c| {
                let s =
                    service::agencies::import(c, &Actor::cli(), &name, &bytes).map_err(explain)?;
                println!("{name}: {} created, {} updated", s.created, s.updated);
                Ok(())
            })
        }
        Command::Report {
            year,
            agency,
            profile,
            format,
            out,
        } => {
            let bytes = with_conn(&url, |c| {
                report(c, year, agency.as_deref(), &profile, &format)
            })?;
            match out {
                Some(path) => {
                    std::fs::write(&path, bytes).map_err(|e| format!("{}: {e}", path.display()))
                }
                None => {
                    use std::io::Write;
                    std::io::stdout()
                        .write_all(&bytes)
                        .map_err(|e| format!("standard output: {e}"))
                }
            }
        }
        Command::Calendar {
            command: CalendarCommand::Import { file },
        } => {
            let (name, bytes) = read_file(&file)?;
            with_conn(&url, |c| {
                let s =
                    service::calendar::import(c, &Actor::cli(), &name, &bytes).map_err(explain)?;
                println!("{name}: {} days added, {} replaced", s.added, s.replaced);
                Ok(())
            })
        }
        Command::Ledger { command } => ledger(&url, command),
        Command::DemoData {
            cases,
            seed,
            password,
            force,
        } => with_conn(&url, |c| {
            let opts = service::demo::Options {
                cases,
                seed,
                password,
                force,
            };
            let started = std::time::Instant::now();
            let s =
                service::demo::run(c, &opts, service::cases::today_in_china()).map_err(explain)?;
            println!(
                "demo office: {} agencies, {} cases in {:.1} s\naccounts (password {}): {}",
                s.agencies,
                s.cases,
                started.elapsed().as_secs_f64(),
                opts.password,
                s.users.join(", ")
            );
            Ok(())
        }),
        Command::User {
            command:
                UserCommand::Add {
                    username,
                    role,
                    agency,
                    display_name,
                    email,
                },
        } => {
            let mut password = String::new();
            std::io::stdin()
                .lock()
                .read_line(&mut password)
                .map_err(|e| format!("cannot read the password from standard input: {e}"))?;
            let password = password.trim_end_matches(['\r', '\n']).to_string();
            if password.is_empty() {
                return Err("no password on standard input (give it as one line)".into());
            }
            with_conn(&url, |c| {
                let agency_id = match agency.as_deref() {
                    None | Some("") => String::new(),
                    Some(code) => db::agencies::find_by_code(c, code)
                        .map_err(|e| e.to_string())?
                        .ok_or_else(|| format!("--agency {code}: no agency has this code"))?
                        .id
                        .to_string(),
                };
                let input = service::users::UserInput {
                    username: username.clone(),
                    display_name,
                    email,
                    phone: String::new(),
                    role,
                    agency_id,
                };
                service::users::create(c, &Actor::cli(), &input, Some(&password))
                    .map_err(explain)?;
                println!("user {} created", username.trim().to_lowercase());
                Ok(())
            })
        }
    }
}

fn ledger(url: &str, command: LedgerCommand) -> Result<(), String> {
    let today = service::cases::today_in_china();
    match command {
        LedgerCommand::Import { file } => {
            let name = file.display().to_string();
            // Read as a stream: a ledger of a whole province need not fit in memory twice.
            let input = std::fs::File::open(&file).map_err(|e| format!("{name}: {e}"))?;
            let input = std::io::BufReader::with_capacity(1 << 16, input);
            with_conn(url, |c| {
                let s = service::ledger::import(c, &Actor::cli(), &name, input, today).map_err(
                    |f| match f {
                        Fail::Imports(e) => {
                            format!("{e}\n{name}: {} error(s); nothing was imported", e.0.len())
                        }
                        other => explain(other),
                    },
                )?;
                println!(
                    "{name}: {} cases imported ({} open, {} closed), {} new requesters",
                    s.cases, s.open, s.closed, s.requesters_created
                );
                Ok(())
            })
        }
        LedgerCommand::Export { year, agency } => with_conn(url, |c| {
            if let Some(code) = agency.as_deref()
                && db::agencies::find_by_code(c, code)
                    .map_err(|e| e.to_string())?
                    .is_none()
            {
                return Err(format!("--agency {code}: no agency has this code"));
            }
            let out = std::io::BufWriter::new(std::io::stdout().lock());
            service::ledger::export(c, year, agency.as_deref(), today, out)
                .map(|_| ())
                .map_err(explain)
        }),
    }
}

/// A backup that restores: see the README's "Backup and restore".
fn backup(url: &str, file: &std::path::Path) -> Result<(), String> {
    let name = file.display().to_string();
    if file.exists() {
        return Err(format!("{name}: already exists; choose a new file name"));
    }
    match db::Target::parse(url).map_err(|e| e.to_string())? {
        db::Target::Sqlite(_) => {
            let path = file
                .to_str()
                .ok_or_else(|| format!("{name}: the path is not valid UTF-8"))?;
            let cases = with_conn(url, |c| {
                db::backup_sqlite(c, path).map_err(|e| format!("{name}: {e}"))
            })?;
            println!("backup written to {name}: {cases} cases, integrity check ok");
            Ok(())
        }
        db::Target::Postgres(pg) => {
            // The server's own dump tool: a consistent snapshot, restored with pg_restore.
            let out = std::process::Command::new("pg_dump")
                .args(["--format=custom", "--no-owner", "--file"])
                .arg(file)
                .arg(&pg)
                .output()
                .map_err(|e| {
                    format!("pg_dump could not be run ({e}); install the PostgreSQL client tools of the server's version")
                })?;
            if !out.status.success() {
                let _ = std::fs::remove_file(file);
                return Err(format!(
                    "pg_dump failed: {}",
                    String::from_utf8_lossy(&out.stderr).trim()
                ));
            }
            println!("backup written to {name} (pg_dump custom format; restore with pg_restore)");
            Ok(())
        }
    }
}

fn serve(url: &str, web_config: WebConfig) -> Result<(), String> {
    let pool = connect(url, config::pool_size())?;
    let mut conn = pool.get().map_err(|e| e.to_string())?;
    let boot = bootstrap::ensure(&mut conn).map_err(explain)?;
    if boot.calendar_days_loaded > 0 {
        log::info!(
            "loaded the official calendar ({} dated overrides, 2008-2026)",
            boot.calendar_days_loaded
        );
    }
    if let Some((user, password)) = &boot.admin {
        // Printed once, to the console only; the account must change it at first login.
        println!();
        println!("  First administrator created.");
        println!("  username: {user}");
        println!("  one-time password: {password}");
        println!("  (you will be asked to choose a new password at first login)");
        println!();
    }
    let key = crate::web::session_key(&mut conn, web_config.secret_key.as_deref())
        .map_err(|e| e.to_string())?;
    drop(conn);
    let mail = config::MailConfig::from_env();
    // Kept until the server stops; dropping it stops the worker.
    let _worker =
        service::mail::worker::spawn(pool.clone(), &mail, service::cases::today_in_china)?;
    match mail.shown_url() {
        Some(url) => log::info!("mail goes out through {url} as {}", mail.from),
        None => log::warn!(
            "GONGKAI_SMTP_URL is not set: messages wait in the outbox until it is (see /admin/mail)"
        ),
    }
    match mail.sms.shown_url() {
        Some(url) => log::info!("SMS go out through {url}"),
        None => log::info!(
            "GONGKAI_SMS_URL is not set: SMS wait in the outbox until it is (see /admin/mail)"
        ),
    }
    let listener = std::net::TcpListener::bind(&web_config.bind)
        .map_err(|e| format!("cannot listen on {}: {e}", web_config.bind))?;
    println!(
        "gongkai is serving http://{} ({})",
        listener
            .local_addr()
            .map(|a| a.to_string())
            .unwrap_or_default(),
        db::redact(url)
    );
    spawn_refresher(pool.clone());
    let state = actix_web::web::Data::new(crate::web::AppState::new(pool).with_mail(mail));
    actix_web::rt::System::new()
        .block_on(async move { crate::web::build_server(listener, state, key, &web_config)?.await })
        .map_err(|e| e.to_string())
}

/// Hourly upkeep, first at start: stored deadlines of stopped clocks, and
/// SQLite's planner statistics.
fn spawn_refresher(pool: db::Pool) {
    std::thread::spawn(move || {
        loop {
            let run = || -> Result<usize, String> {
                let mut conn = pool.get().map_err(|e| e.to_string())?;
                let calendar = db::calendar::load(&mut conn).map_err(|e| e.to_string())?;
                let settings = service::rules::load(&mut conn).map_err(|e| e.to_string())?;
                let clock = service::cases::Clock {
                    calendar: &calendar,
                    settings: &settings,
                    today: service::cases::today_in_china(),
                };
                db::optimize(&mut conn).map_err(|e| e.to_string())?;
                service::cases::refresh_stopped(&mut conn, &clock).map_err(|e| e.to_string())
            };
            match run() {
                Ok(n) if n > 0 => log::info!("refreshed {n} stopped deadline(s)"),
                Ok(_) => {}
                Err(e) => log::warn!("deadline refresh failed: {e}"),
            }
            std::thread::sleep(std::time::Duration::from_secs(3600));
        }
    });
}

/// `gongkai report`: the statistics section in the chosen format.
fn report(
    c: &mut DbConn,
    year: i32,
    agency: Option<&str>,
    profile: &str,
    format: &str,
) -> Result<Vec<u8>, String> {
    use crate::domain::report::{self, Profile};
    if !(report::FIRST_YEAR..=9999).contains(&year) {
        return Err(format!(
            "--year {year}: the Regulations apply from {}",
            report::FIRST_YEAR
        ));
    }
    let all = db::agencies::all(c).map_err(|e| e.to_string())?;
    let root = match agency {
        Some(code) => all
            .iter()
            .find(|a| a.code == code)
            .ok_or_else(|| format!("--agency {code}: no agency has this code"))?,
        None => service::report::default_root(&all)
            .ok_or("no agency yet: import agencies first (gongkai agency import FILE)")?,
    };
    let profile = Profile::parse(profile).ok_or_else(|| format!("--profile {profile}"))?;
    let r = service::report::generate(c, root, year, profile).map_err(explain)?;
    Ok(match format {
        "json" => {
            let mut v = serde_json::to_vec_pretty(&r).map_err(|e| e.to_string())?;
            v.push(b'\n');
            v
        }
        "xlsx" => crate::files::report_xlsx::write(&r).map_err(|e| e.to_string())?,
        "html" => crate::web::report::standalone(&r)
            .map_err(|e| e.to_string())?
            .into_bytes(),
        _ => report::narrative(&r).into_bytes(),
    })
}
