//! `stride`: serve Stride, or fill a database with a synthetic local authority.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use clap::{Parser, Subcommand};
use stride_store::Store;
use stride_web::{AppState, Config};

mod categorise;
mod due;
mod report;

use categorise::CategoriseFormat;

#[derive(Parser)]
#[command(
    name = "stride",
    version,
    about = "School improvement and vulnerable learners for an English local authority"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Export {
    /// Every figure held, one per row: school or area, academic year, measure, pupil group,
    /// value or missing reason, cohort, release and source file.
    Figures {
        /// The database file.
        #[arg(long)]
        db: String,
        /// Only this school's figures.
        #[arg(long)]
        urn: Option<stride_core::Urn>,
        #[arg(long, value_enum, default_value_t = ExportFormat::Csv)]
        format: ExportFormat,
        /// Write to this file rather than to standard output.
        #[arg(long)]
        output: Option<std::path::PathBuf>,
        /// Add the values that later files of the same release replaced, each naming the file
        /// that replaced it.
        #[arg(long)]
        history: bool,
    },
    /// Every pupil's attendance in a year at each school, one row per pupil and school: possible
    /// sessions, attended, authorised and unauthorised absence, and the persistent and severe
    /// absence flags. Pupil data: the export is written to the audit log.
    Attendance {
        /// The database file.
        #[arg(long)]
        db: String,
        /// The academic year by the calendar year it starts in; this one if not given.
        #[arg(long)]
        year: Option<i32>,
        #[arg(long, value_enum, default_value_t = ExportFormat::Csv)]
        format: ExportFormat,
        /// Write to this file rather than to standard output.
        #[arg(long)]
        output: Option<std::path::PathBuf>,
    },
    /// Every statistic held as published beyond Stride's own measures, one per row: LAIT's
    /// indicators and the Explore Education Statistics data sets, with period, filters, value or
    /// missing reason, release and source file.
    Statistics {
        /// The database file.
        #[arg(long)]
        db: String,
        /// Only this data set: LAIT, or an Explore Education Statistics file's name without
        /// .csv, such as absence_by_term.
        #[arg(long)]
        data_set: Option<String>,
        /// Only this area's or school's: an LA code, a region's name, E92000001 for England, a
        /// URN, or a DfE number written 935/4604.
        #[arg(long)]
        code: Option<String>,
        #[arg(long, value_enum, default_value_t = ExportFormat::Csv)]
        format: ExportFormat,
        /// Write to this file rather than to standard output.
        #[arg(long)]
        output: Option<std::path::PathBuf>,
    },
}

#[derive(Subcommand)]
enum Bench {
    /// Categorise every school in a database (such as one from `stride generate --size
    /// england`) and the deployment's own LA's, reporting the time each step took.
    Categorise {
        /// The database: an SQLite file, or a PostgreSQL URL (postgres://...).
        #[arg(long)]
        db: String,
        /// A shipped rule set by name, or a rule set file.
        #[arg(long, default_value = "national-2025")]
        rules: String,
    },
    /// Count a year of register marks (written first if the folder lacks them) into every
    /// pupil's attendance, persistent and severe absence, by school and by group, and report the
    /// time and the peak memory it took.
    Attendance {
        /// Where the marks and pupils files are kept.
        #[arg(long, default_value = "target/bench/attendance")]
        folder: std::path::PathBuf,
        /// How many pupils.
        #[arg(long, default_value_t = 100_000)]
        pupils: usize,
    },
    /// Import every published file under a folder into a new SQLite file, and report the time
    /// and the peak memory it took.
    Import {
        /// The folder of published files (by default shared/data beside the repository).
        #[arg(long, default_value = "../shared/data")]
        data: std::path::PathBuf,
        /// The SQLite file to write (a new one; by default a temporary file).
        #[arg(long)]
        db: Option<std::path::PathBuf>,
    },
}

#[derive(Subcommand)]
enum Clocks {
    /// Keep a clock rules file (TOML, as rules/clocks.toml) as the clocks in force, checked
    /// first, under a version not kept before; every version stays.
    Keep {
        /// The database: an SQLite file, or a PostgreSQL URL (postgres://...).
        #[arg(long)]
        db: String,
        /// Who is keeping them, as the record will name them.
        #[arg(long, default_value = "the command line")]
        by: String,
        file: std::path::PathBuf,
    },
}

#[derive(Subcommand)]
enum Rules {
    /// Keep a rule set file (TOML) as the LA's own, checked first: it can then be chosen by its
    /// name here and in the browser. A changed rule set is kept under a new `version`; every
    /// version kept stays.
    Keep {
        /// The database: an SQLite file, or a PostgreSQL URL (postgres://...).
        #[arg(long)]
        db: String,
        /// Who is keeping it, as the history will name them.
        #[arg(long, default_value = "the command line")]
        by: String,
        file: std::path::PathBuf,
    },
    /// The rule sets that can be chosen: those shipped, and every version the LA kept.
    List {
        /// The database: an SQLite file, or a PostgreSQL URL (postgres://...).
        #[arg(long)]
        db: String,
    },
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum ExportFormat {
    Csv,
    Json,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum GenerateSize {
    La,
    England,
}

/// Single sign-on through the LA's identity provider, offered beside Stride's own accounts.
#[derive(clap::Args)]
struct SingleSignOnArgs {
    /// The OpenID Connect issuer of the LA's identity provider, such as
    /// https://login.microsoftonline.com/TENANT/v2.0. Its client secret is read from the
    /// environment variable STRIDE_OIDC_CLIENT_SECRET, never the command line.
    #[arg(long, requires_all = ["oidc_client_id", "oidc_redirect_url"])]
    oidc_issuer: Option<String>,
    /// Stride's client id at the provider.
    #[arg(long)]
    oidc_client_id: Option<String>,
    /// Stride's own address that the provider sends people back to, registered with it:
    /// https://stride.example.gov.uk/sign-in/single-sign-on/return.
    #[arg(long)]
    oidc_redirect_url: Option<String>,
    /// The ID token's claim holding each person's Stride role (data-manager, adviser..., or
    /// Stride.data-manager...): Entra ID puts app roles in `roles`.
    #[arg(long, default_value = "roles")]
    oidc_role_claim: String,
    /// What the sign-in button calls the provider: "Sign in with ...".
    #[arg(long, default_value = "your organisation account")]
    oidc_provider_name: String,
}

impl SingleSignOnArgs {
    fn config(self) -> anyhow::Result<Option<stride_web::single_sign_on::SingleSignOn>> {
        let (Some(issuer), Some(client_id), Some(redirect_url)) =
            (self.oidc_issuer, self.oidc_client_id, self.oidc_redirect_url)
        else {
            return Ok(None);
        };
        let client_secret = std::env::var("STRIDE_OIDC_CLIENT_SECRET")
            .context("single sign-on needs the client secret in the environment variable STRIDE_OIDC_CLIENT_SECRET")?;
        Ok(Some(stride_web::single_sign_on::SingleSignOn {
            issuer,
            client_id,
            client_secret,
            redirect_url,
            role_claim: self.oidc_role_claim,
            provider_name: self.oidc_provider_name,
        }))
    }
}

#[derive(Subcommand)]
enum AccountCommand {
    /// Add an account. Its password is read from standard input, one line, so that it is never
    /// in the shell's history or the list of processes; a common or easily guessed one is
    /// refused. An administrator sets up an authenticator at their first sign-in.
    Add {
        /// The database: an SQLite file, or a PostgreSQL URL (postgres://...).
        #[arg(long)]
        db: String,
        #[arg(long)]
        username: String,
        /// The name shown, such as "Priya Shah".
        #[arg(long)]
        name: String,
        /// data-manager, improvement-manager, adviser, inclusion-officer, headteacher,
        /// elected-member or administrator.
        #[arg(long)]
        role: stride_core::Role,
        /// An adviser's assigned school or a headteacher's own (repeat for each), by URN.
        #[arg(long = "school")]
        schools: Vec<stride_core::Urn>,
    },
    /// Take away an account's authenticator, for someone who has lost their phone: they sign in
    /// with their password alone until they set up a new one (an administrator at once).
    ResetAuthenticator {
        /// The database: an SQLite file, or a PostgreSQL URL (postgres://...).
        #[arg(long)]
        db: String,
        #[arg(long)]
        username: String,
    },
    /// Issue a token for the JSON API to an account, for a service (a reporting tool, a data
    /// warehouse) that reads as that account: the token is printed once, alone on its line, and
    /// only its hash is kept. It is sent as 'Authorization: Bearer TOKEN'.
    Token {
        /// The database: an SQLite file, or a PostgreSQL URL (postgres://...).
        #[arg(long)]
        db: String,
        #[arg(long)]
        username: String,
        /// What the token is for, such as "Power BI".
        #[arg(long)]
        label: String,
    },
    /// Withdraw every API token of an account at once.
    RevokeTokens {
        /// The database: an SQLite file, or a PostgreSQL URL (postgres://...).
        #[arg(long)]
        db: String,
        #[arg(long)]
        username: String,
    },
}

#[derive(Subcommand)]
enum Audit {
    /// Check that every entry of the audit log is sealed to the one before it: an entry edited
    /// or removed outside Stride breaks the chain there. Exits with an error naming the first
    /// broken entry.
    Verify {
        /// The database: an SQLite file, or a PostgreSQL URL (postgres://...).
        #[arg(long)]
        db: String,
    },
}

#[derive(Subcommand)]
enum Command {
    /// Serve Stride on a demonstration database, generating a synthetic local authority into it
    /// first if it is empty.
    Demo {
        /// The database: an SQLite file, or a PostgreSQL URL (postgres://...).
        #[arg(long, default_value = "stride-demo.sqlite")]
        db: String,
        /// The address to serve on.
        #[arg(long, default_value = "127.0.0.1:8080")]
        listen: SocketAddr,
        /// The seed of the synthetic authority.
        #[arg(long, default_value_t = 2026)]
        seed: u64,
        /// Serve as on this day rather than today: what is due and overdue, and the evidence
        /// categorisation reads, as they stood then.
        #[arg(long)]
        as_of: Option<chrono::NaiveDate>,
        #[command(flatten)]
        single_sign_on: SingleSignOnArgs,
    },
    /// Serve Stride on a database.
    Serve {
        /// The database: an SQLite file, or a PostgreSQL URL (postgres://...).
        #[arg(long)]
        db: String,
        /// The address to serve on.
        #[arg(long, default_value = "127.0.0.1:8080")]
        listen: SocketAddr,
        /// Mark the session cookie Secure (set when Stride is behind HTTPS).
        #[arg(long)]
        secure_cookies: bool,
        /// Serve as on this day rather than today.
        #[arg(long)]
        as_of: Option<chrono::NaiveDate>,
        /// Withhold counts of pupils under this from readers without pupil access (and any
        /// count that would give one away): the LA's own small-number rule.
        #[arg(long, default_value_t = stride_core::suppression::DEFAULT_THRESHOLD, value_parser = clap::value_parser!(u64).range(1..))]
        suppress_below: u64,
        #[command(flatten)]
        single_sign_on: SingleSignOnArgs,
    },
    /// Import files as the DfE and Ofsted publish them. Every file is read and checked before
    /// anything is written; a file with a bad row is refused whole.
    Import {
        /// The database: an SQLite file (created if it does not exist), or a PostgreSQL URL.
        #[arg(long)]
        db: String,
        /// Report what would be added, changed and left alone, and write nothing.
        #[arg(long)]
        dry_run: bool,
        /// The academic year of performance tables whose name and columns do not say it, such
        /// as 2018/19 (absence in the tables of a year is filed under the year before, as the
        /// tables carry it).
        #[arg(long)]
        year: Option<stride_core::AcademicYear>,
        /// Whether results whose name does not say it are provisional, revised or final.
        #[arg(long)]
        release: Option<stride_core::Release>,
        /// The sheet to read in a spreadsheet, where it is not the first.
        #[arg(long)]
        sheet: Option<String>,
        /// The files: CSV, plain, gzipped or in a zip archive (each CSV in it imported), or an
        /// Excel workbook (.xlsx). An Explore Education Statistics data set takes the kinds of its
        /// columns from its .meta.csv given beside it or in the same archive.
        #[arg(required = true)]
        files: Vec<std::path::PathBuf>,
    },
    /// Set the deployment up for its own LA: its schools are the ones Stride lists and works
    /// with; other LAs' schools that national files bring are kept as reference data.
    Setup {
        /// The database: an SQLite file (created if it does not exist), or a PostgreSQL URL.
        #[arg(long)]
        db: String,
        /// The LA's three-digit code, such as 936 for Surrey. Stride must know the LA: import
        /// an LA list (la_code_list.csv or la_and_region_codes_meta.csv) first.
        #[arg(long)]
        la: stride_core::LaCode,
    },
    /// Categorise every school of the deployment's LA (or every school held, where no LA is set
    /// up) by risk under a rule set, with the reasons.
    Categorise {
        /// The database: an SQLite file, or a PostgreSQL URL (postgres://...).
        #[arg(long)]
        db: String,
        /// A rule set by name: shipped (national-2025) or kept by the LA (`stride rules keep`);
        /// or a rule set file (TOML).
        #[arg(long)]
        rules: String,
        /// Judge on what was known on this date (by default today).
        #[arg(long)]
        as_of: Option<chrono::NaiveDate>,
        #[arg(long, value_enum, default_value_t = CategoriseFormat::Table)]
        format: CategoriseFormat,
        /// Write to this file rather than to standard output.
        #[arg(long)]
        output: Option<std::path::PathBuf>,
        /// Keep this run, with the rule set as it is, for the history of levels.
        #[arg(long)]
        save: bool,
    },
    /// Everything due and overdue across the LA's schools and the LA, by the clocks of the
    /// Schools Causing Concern cycle on the English working calendar: school, what, whose, when.
    Due {
        /// The database: an SQLite file, or a PostgreSQL URL (postgres://...).
        #[arg(long)]
        db: String,
        /// As on this date (by default today).
        #[arg(long)]
        as_of: Option<chrono::NaiveDate>,
        /// What is done as well, with when it was done.
        #[arg(long)]
        all: bool,
        #[arg(long, value_enum, default_value_t = due::DueFormat::Table)]
        format: due::DueFormat,
        /// Write to this file rather than to standard output.
        #[arg(long)]
        output: Option<std::path::PathBuf>,
    },
    /// A report for management, scrutiny or cabinet from what the database holds; `--list`
    /// names them.
    Report {
        /// The report's name, such as monthly-data-set.
        #[arg(required_unless_present = "list")]
        name: Option<String>,
        /// Name the reports and what each holds.
        #[arg(long)]
        list: bool,
        /// The database: an SQLite file, or a PostgreSQL URL (postgres://...).
        #[arg(long, required_unless_present = "list")]
        db: Option<String>,
        #[arg(long, value_enum, default_value_t = report::ReportFormat::Html)]
        format: report::ReportFormat,
        /// As on this date (by default today).
        #[arg(long)]
        as_of: Option<chrono::NaiveDate>,
        /// For a termly report: the term this many terms before the one the date falls in.
        #[arg(long, default_value_t = 0)]
        terms_back: usize,
        /// For school data profiles: this school's alone (by default, every school's).
        #[arg(long)]
        urn: Option<stride_core::Urn>,
        /// For the action plans' progress report: this plan's alone (by default, every plan's).
        #[arg(long)]
        plan: Option<i64>,
        /// Write to this file rather than to standard output.
        #[arg(long)]
        out: Option<std::path::PathBuf>,
    },
    /// The clock rules of the Schools Causing Concern cycle.
    Clocks {
        #[command(subcommand)]
        what: Clocks,
    },
    /// The LA's own rule sets for categorisation.
    Rules {
        #[command(subcommand)]
        what: Rules,
    },
    /// Measure Stride.
    Bench {
        #[command(subcommand)]
        what: Bench,
    },
    /// Write what Stride holds, for a spreadsheet, Power BI or another system.
    Export {
        #[command(subcommand)]
        what: Export,
    },
    /// Write a consistent copy of the database to a new file, while Stride goes on serving
    /// from it, and check the copy is whole.
    Backup {
        /// The SQLite database file.
        #[arg(long)]
        db: String,
        /// The new file to write the copy to.
        #[arg(long)]
        to: std::path::PathBuf,
    },
    /// Bring a database back from a backup, after checking the backup is whole. Stop Stride
    /// first: the database is replaced, not merged.
    Restore {
        /// The backup to restore from.
        #[arg(long)]
        from: std::path::PathBuf,
        /// The SQLite database file to restore into.
        #[arg(long)]
        db: std::path::PathBuf,
        /// Replace the database if it exists (it is otherwise refused).
        #[arg(long)]
        replace: bool,
    },
    /// Copy a deployment from its SQLite file to an empty PostgreSQL database, in one
    /// transaction, then prove the copy: each table's rows counted and checksummed on both sides.
    /// Stop Stride first, so that nothing is written to the file while it is copied.
    MigrateDb {
        /// The SQLite database file to copy from.
        #[arg(long)]
        from: std::path::PathBuf,
        /// The PostgreSQL database to copy into: postgres://user@host:port/database.
        #[arg(long)]
        to: String,
    },
    /// The accounts that sign in to Stride.
    Account {
        #[command(subcommand)]
        what: AccountCommand,
    },
    /// The audit log of every read and change of pupil data.
    Audit {
        #[command(subcommand)]
        what: Audit,
    },
    /// Write a synthetic local authority into an empty database: the same data for the same seed.
    Generate {
        /// The database: an SQLite file (created if it does not exist), or a PostgreSQL URL.
        #[arg(long)]
        db: String,
        /// The seed of the synthetic authority.
        #[arg(long, default_value_t = 2026)]
        seed: u64,
        /// One authority, or England: the authority with 87 more beside it (about 22,000
        /// schools), for benchmarks.
        #[arg(long, value_enum, default_value_t = GenerateSize::La)]
        size: GenerateSize,
    },
}

fn main() -> ExitCode {
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("Error: could not start: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            // The chain of causes, plainly: a person reads this, not a debugger.
            eprintln!("Error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=error")),
        )
        .with_target(false)
        .init();
    match Cli::parse().command {
        Command::Demo {
            db,
            listen,
            seed,
            as_of,
            single_sign_on,
        } => {
            let store = open(&db).await?;
            if store.establishment_count().await? == 0 {
                generate(&store, seed, stride::Size::LocalAuthority).await?;
            } else {
                println!("Using the data already in {}.", stride_store::without_password(&db));
            }
            print_demo_accounts();
            let config = Config {
                today: as_of,
                single_sign_on: single_sign_on.config()?,
                ..Config::default()
            };
            serve(store, listen, config).await
        }
        Command::Serve {
            db,
            listen,
            secure_cookies,
            as_of,
            suppress_below,
            single_sign_on,
        } => {
            let config = Config {
                secure_cookies,
                today: as_of,
                suppress_below,
                single_sign_on: single_sign_on.config()?,
            };
            serve(open(&db).await?, listen, config).await
        }
        Command::Audit {
            what: Audit::Verify { db },
        } => verify_audit(&db).await,
        Command::Account { what } => account(what).await,
        Command::Backup { db, to } => backup(&db, &to).await,
        Command::Restore { from, db, replace } => restore(&from, &db, replace).await,
        Command::MigrateDb { from, to } => migrate_db(&from, &to).await,
        Command::Import {
            db,
            dry_run,
            year,
            release,
            sheet,
            files,
        } => {
            let stated = stride_ingest::Stated { year, release };
            import(&db, dry_run, stated, sheet.as_deref(), &files).await
        }
        Command::Export {
            what:
                Export::Figures {
                    db,
                    urn,
                    format,
                    output,
                    history,
                },
        } => export_figures(&db, urn, history, format, output.as_deref()).await,
        Command::Export {
            what:
                Export::Attendance {
                    db,
                    year,
                    format,
                    output,
                },
        } => export_attendance(&db, year, format, output.as_deref()).await,
        Command::Export {
            what:
                Export::Statistics {
                    db,
                    data_set,
                    code,
                    format,
                    output,
                },
        } => export_statistics(&db, data_set.as_deref(), code.as_deref(), format, output.as_deref()).await,
        Command::Setup { db, la } => {
            let store = open(&db).await?;
            match store.set_local_authority(la).await? {
                Some(own) => {
                    println!("Stride is set up for {} (LA {}, {}).", own.name, own.code, own.region);
                    Ok(())
                }
                None => anyhow::bail!(
                    "Stride knows of no LA {la}: import an LA list (such as LAIT's la_code_list.csv) first"
                ),
            }
        }
        Command::Bench {
            what: Bench::Import { data, db },
        } => bench_import(&data, db.as_deref()).await,
        Command::Bench {
            what: Bench::Attendance { folder, pupils },
        } => bench_attendance(&folder, pupils),
        Command::Bench {
            what: Bench::Categorise { db, rules },
        } => categorise::bench(&db, &rules).await,
        Command::Categorise {
            db,
            rules,
            as_of,
            format,
            output,
            save,
        } => categorise::categorise(&db, &rules, as_of, format, output.as_deref(), save).await,
        Command::Due {
            db,
            as_of,
            all,
            format,
            output,
        } => due::due(&db, as_of, all, format, output.as_deref()).await,
        Command::Report { list: true, .. } => {
            print!("{}", report::list());
            Ok(())
        }
        Command::Report {
            name,
            db,
            format,
            as_of,
            terms_back,
            urn,
            plan,
            out,
            ..
        } => {
            report::report(report::ReportRequest {
                name: name.as_deref().unwrap_or_default(),
                db: db.as_deref().unwrap_or_default(),
                format,
                as_of,
                terms_back,
                urn,
                plan,
                output: out.as_deref(),
            })
            .await
        }
        Command::Clocks {
            what: Clocks::Keep { db, by, file },
        } => due::keep_clocks(&db, &file, &by).await,
        Command::Rules {
            what: Rules::Keep { db, by, file },
        } => categorise::keep(&db, &file, &by).await,
        Command::Rules {
            what: Rules::List { db },
        } => categorise::list(&db).await,
        Command::Generate { db, seed, size } => {
            let store = open(&db).await?;
            let size = match size {
                GenerateSize::La => stride::Size::LocalAuthority,
                GenerateSize::England => stride::Size::England,
            };
            generate(&store, seed, size).await?;
            print_demo_accounts();
            Ok(())
        }
    }
}

pub(crate) async fn open(db: &str) -> anyhow::Result<Arc<dyn Store>> {
    stride_store::open(db)
        .await
        .with_context(|| format!("opening the database {}", stride_store::without_password(db)))
}

async fn generate(store: &Arc<dyn Store>, seed: u64, size: stride::Size) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    let generated = stride::generate_sized_into(store, seed, size, |step| println!("{step}…")).await?;
    println!(
        "Generated {} establishments, {} figures and {} inspections (seed {seed}) in {:.1} s.",
        generated.establishments,
        generated.figures,
        generated.inspections,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

async fn import(
    db: &str,
    dry_run: bool,
    stated: stride_ingest::Stated,
    sheet: Option<&str>,
    paths: &[std::path::PathBuf],
) -> anyhow::Result<()> {
    let of = paths.len();
    let store = open(db).await?;
    // Files are read side by side, so each line names its file.
    let read = move |position: usize, source: &stride_ingest::SourceFile, beside: &[stride_ingest::SourceFile]| {
        println!("Reading {} ({} of {of})…", source.name, position + 1);
        let read = stride_ingest::read_among(source, beside, stated)?;
        println!("  {}: {}", read.0.name, stride_core::import::describe_read(&read.0));
        Ok(read)
    };
    let (progress, written) = (StagingProgress::default(), std::sync::atomic::AtomicUsize::new(0));
    let told = |step: stride_store::BatchWriting<'_>| match step {
        stride_store::BatchWriting::Started { file } => {
            let number = written.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
            println!("Writing {} ({number} of {of})…", file.name);
            progress.start();
        }
        stride_store::BatchWriting::Records { written, of } => progress.tell(written, of),
        stride_store::BatchWriting::Written { file, summary } => {
            println!("{}", stride_core::import::describe_import(file, summary, dry_run));
        }
    };
    let batch = stride::batch_import::Batch {
        paths: paths.to_vec(),
        sheet: sheet.map(str::to_owned),
    };
    stride::batch_import::read_and_write(&store, batch, read, dry_run, &told).await?;
    if dry_run {
        println!("Dry run: nothing was written.");
    }
    Ok(())
}

/// For a file of many records, a line at each tenth of them staged, then one as they are
/// compared with what is held and written, which is one step that cannot be counted.
#[derive(Default)]
struct StagingProgress {
    tenths_told: std::sync::Mutex<usize>,
}

impl StagingProgress {
    const WORTH_TELLING: usize = 50_000;

    fn start(&self) {
        if let Ok(mut told) = self.tenths_told.lock() {
            *told = 0;
        }
    }

    fn tell(&self, staged: usize, total: usize) {
        if total < Self::WORTH_TELLING {
            return;
        }
        let Ok(mut told) = self.tenths_told.lock() else { return };
        let tenths = staged * 10 / total;
        if tenths > *told && tenths < 10 {
            *told = tenths;
            println!("  {staged} of {total} records staged");
        } else if tenths == 10 && *told < 10 {
            *told = 10;
            println!("  all {total} records staged; comparing them with what is held and writing…");
        }
    }
}

async fn export_figures(
    db: &str,
    urn: Option<stride_core::Urn>,
    history: bool,
    format: ExportFormat,
    output: Option<&std::path::Path>,
) -> anyhow::Result<()> {
    let store = open(db).await?;
    let figures = store.held_figures(urn, history).await.context("reading the figures")?;
    let bytes = match format {
        ExportFormat::Csv => stride_export::to_csv(&stride_core::held_figures::held_figures_table(&figures))?,
        ExportFormat::Json => {
            let records: Vec<_> = figures.iter().map(|figure| figure.record()).collect();
            serde_json::to_vec_pretty(&records)?
        }
    };
    write_out(output, &bytes)
}

async fn export_attendance(
    db: &str,
    year: Option<i32>,
    format: ExportFormat,
    output: Option<&std::path::Path>,
) -> anyhow::Result<()> {
    use stride_core::pupils::tables::{attendance_rows, attendance_table};
    use stride_core::pupils::terms::{sessions_by_term, sessions_in_year};
    let store = open(db).await?;
    let today = chrono::Utc::now().date_naive();
    let year = year.map_or_else(
        || stride_core::AcademicYear::containing(today),
        stride_core::AcademicYear::starting,
    );
    let pupils = store
        .pupils(stride_store::PupilFilter::All)
        .await
        .context("reading the pupils")?;
    let marks = store
        .attendance_marks(year, stride_store::MarksOf::Everyone)
        .await
        .context("reading the register marks")?;
    let summaries = store
        .attendance_summaries(stride_store::MarksOf::Everyone)
        .await
        .context("reading the termly totals")?;
    let sessions = sessions_in_year(&sessions_by_term(&marks, year, year.last_day(), &summaries), year);
    let rows = attendance_rows(&pupils, &sessions, year.last_day());
    store
        .record_audit(&[stride_core::pupils::AuditEntry {
            at: chrono::Utc::now(),
            account_id: 0,
            action: stride_core::pupils::AuditAction::ExportPupils,
            pupil_id: None,
            what: format!("attendance of {} pupils in {year}, from the command line", pupils.len()),
        }])
        .await?;
    let bytes = match format {
        ExportFormat::Csv => stride_export::to_csv(&attendance_table(&format!("Attendance, {year}"), &rows))?,
        ExportFormat::Json => serde_json::to_vec_pretty(&rows.iter().map(|row| row.record()).collect::<Vec<_>>())?,
    };
    write_out(output, &bytes)
}

async fn backup(db: &str, to: &std::path::Path) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    open(db).await?.backup_to(to).await.context("writing the backup")?;
    stride_store::check_copy(to).await.context("checking the backup")?;
    let bytes = std::fs::metadata(to).map(|metadata| metadata.len()).unwrap_or_default();
    println!(
        "Backed up {db} to {} ({:.1} MB) in {:.1} s; the copy is whole.",
        to.display(),
        bytes as f64 / 1_000_000.0,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Checks the backup, copies it beside the database and renames it into place, so that the
/// database is never part of one and part of the other. The old write-ahead log goes first: left
/// beside the backup it would be replayed onto it.
async fn restore(from: &std::path::Path, db: &std::path::Path, replace: bool) -> anyhow::Result<()> {
    if db.to_str().is_some_and(stride_store::is_postgres) {
        anyhow::bail!("a PostgreSQL database is restored with pg_restore (see the README), not by Stride");
    }
    stride_store::check_copy(from)
        .await
        .with_context(|| format!("checking the backup {}", from.display()))?;
    if db.exists() && !replace {
        anyhow::bail!(
            "{} exists: give --replace to replace it with the backup (stop Stride first)",
            db.display()
        );
    }
    let staged = db.with_extension("restoring");
    std::fs::copy(from, &staged).with_context(|| format!("copying the backup to {}", staged.display()))?;
    std::fs::File::open(&staged)?.sync_all()?;
    // The old database's write-ahead log belongs to it, not to the backup.
    for ending in ["-wal", "-shm"] {
        let mut side = db.as_os_str().to_owned();
        side.push(ending);
        let _ = std::fs::remove_file(side);
    }
    std::fs::rename(&staged, db).with_context(|| format!("putting the backup in place of {}", db.display()))?;
    println!("Restored {} from {}.", db.display(), from.display());
    Ok(())
}

async fn migrate_db(from: &std::path::Path, to: &str) -> anyhow::Result<()> {
    if !stride_store::is_postgres(to) {
        anyhow::bail!("--to names the PostgreSQL database to copy into: postgres://user@host:port/database");
    }
    let shown = stride_store::without_password(to);
    let started = std::time::Instant::now();
    println!("Copying {} to {shown} in one transaction…", from.display());
    let tell = |table: &stride_store::copy_across::TableCopied| {
        println!("  {:<28} {:>9} rows  {}", table.table, table.rows, table.checksum);
    };
    let proved = stride_store::copy_across::sqlite_to_postgres(from, to, &tell)
        .await
        .with_context(|| format!("copying {} to {shown}", from.display()))?;
    let rows: u64 = proved.iter().map(|table| table.rows).sum();
    println!(
        "Copied {rows} rows in {} tables in {:.1} s; every table counts and checksums the same in both.",
        proved.len(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

async fn account(what: AccountCommand) -> anyhow::Result<()> {
    match what {
        AccountCommand::Add {
            db,
            username,
            name,
            role,
            schools,
        } => {
            let needs_schools = matches!(role, stride_core::Role::Adviser | stride_core::Role::Headteacher);
            if needs_schools && schools.is_empty() {
                anyhow::bail!("an {role} account needs its schools: give --school URN for each");
            }
            let mut password = String::new();
            std::io::stdin()
                .read_line(&mut password)
                .context("reading the password from standard input")?;
            let password = password.trim_end_matches(['\r', '\n']).to_owned();
            if let Some(problem) = stride_web::auth::password_problem(&password, &username, &name) {
                anyhow::bail!("the password is refused: {problem}");
            }
            let store = open(&db).await?;
            if store.credentials(&username).await?.is_some() {
                anyhow::bail!("there is already an account {username}");
            }
            let password_hash = stride_web::auth::hash_password(&password)?;
            let account = stride_store::NewAccount {
                username: username.clone(),
                display_name: name,
                role,
                password_hash,
                schools,
            };
            store
                .create_account(&account)
                .await
                .context("adding the account (is each --school a URN Stride holds?)")?;
            println!("Added {username}, {}.", role.label());
            Ok(())
        }
        AccountCommand::ResetAuthenticator { db, username } => {
            let store = open(&db).await?;
            store
                .remove_second_factor(account_id(store.as_ref(), &username).await?)
                .await?;
            println!("{username} signs in with their password alone until they set up a new authenticator.");
            Ok(())
        }
        AccountCommand::Token { db, username, label } => {
            let store = open(&db).await?;
            let account_id = account_id(store.as_ref(), &username).await?;
            let token = stride_web::api::issue_token(store.as_ref(), account_id, &label, chrono::Utc::now()).await?;
            eprintln!("A token for {username} ({label}); it is not shown again:");
            println!("{token}");
            Ok(())
        }
        AccountCommand::RevokeTokens { db, username } => {
            let store = open(&db).await?;
            let withdrawn = store
                .revoke_api_tokens(account_id(store.as_ref(), &username).await?)
                .await?;
            println!("Withdrew {withdrawn} API token(s) of {username}.");
            Ok(())
        }
    }
}

async fn account_id(store: &dyn stride_store::Store, username: &str) -> anyhow::Result<i64> {
    Ok(store
        .credentials(username)
        .await?
        .ok_or_else(|| anyhow::anyhow!("there is no account {username}"))?
        .account_id)
}

async fn verify_audit(db: &str) -> anyhow::Result<()> {
    let entries = open(db).await?.audit_chain().await.context("reading the audit log")?;
    let checked = stride_core::pupils::audit::verify_chain(&entries)
        .map_err(|broken| anyhow::anyhow!("the audit log's chain is broken: {broken}"))?;
    println!("The audit log's chain is whole: {checked} entries, each sealed to the one before.");
    Ok(())
}

async fn export_statistics(
    db: &str,
    data_set: Option<&str>,
    code: Option<&str>,
    format: ExportFormat,
    output: Option<&std::path::Path>,
) -> anyhow::Result<()> {
    let store = open(db).await?;
    let statistics = store
        .held_statistics(data_set, code)
        .await
        .context("reading the statistics")?;
    let bytes = match format {
        ExportFormat::Csv => stride_export::to_csv(&stride_core::held_statistics::held_statistics_table(&statistics))?,
        ExportFormat::Json => {
            let records: Vec<_> = statistics.iter().map(|statistic| statistic.record()).collect();
            serde_json::to_vec_pretty(&records)?
        }
    };
    write_out(output, &bytes)
}

fn bench_attendance(folder: &std::path::Path, pupils: usize) -> anyhow::Result<()> {
    let written = std::time::Instant::now();
    let (marks, roll) = stride::attendance_benchmark::write_files(folder, pupils)
        .with_context(|| format!("writing the marks into {}", folder.display()))?;
    println!(
        "files: {} and {} ({:.1} s to have them)",
        marks.display(),
        roll.display(),
        written.elapsed().as_secs_f64()
    );
    let found = stride::attendance_benchmark::run(&marks, &roll)?;
    println!(
        "stride: {} pupils at {} schools, {} possible sessions counted in {:.2} s ({:.2} s reading and counting the marks), peak resident memory {}",
        found.pupils,
        found.schools,
        found.possible,
        found.seconds,
        found.counting_seconds,
        found
            .peak_resident_mib
            .map_or_else(|| "not known".to_owned(), |mib| format!("{mib:.0} MiB")),
    );
    println!(
        "stride: persistently absent {}, severely absent {}",
        found.persistent, found.severe
    );
    for (group, pupils, persistent, absence) in &found.groups {
        println!("stride: {group}: {pupils} pupils, {persistent} persistently absent, absence {absence:.2}%");
    }
    Ok(())
}

async fn bench_import(data: &std::path::Path, db: Option<&std::path::Path>) -> anyhow::Result<()> {
    let directory = tempfile::tempdir()?;
    let database = db.map_or_else(
        || directory.path().join("bench-import.sqlite"),
        std::path::Path::to_path_buf,
    );
    if database.exists() {
        anyhow::bail!("{} exists: the benchmark writes into a new file", database.display());
    }
    let files = stride::import_benchmark::published_files(data)
        .with_context(|| format!("listing the files in {}", data.display()))?;
    let store = open(&database.to_string_lossy()).await?;
    let measured = stride::import_benchmark::import_all(&store, &files).await?;
    println!(
        "stride: {} files ({} rows, {} records) imported in {:.2} s, peak resident memory {}",
        measured.files,
        measured.rows,
        measured.records,
        measured.seconds,
        measured
            .peak_resident_mib
            .map_or_else(|| "not known".to_owned(), |mib| format!("{mib:.0} MiB"))
    );
    println!(
        "  every file read and checked {:.2} s from the start, the writing alongside",
        measured.reading_seconds
    );
    println!("  writing, the slowest files:");
    for (name, seconds) in measured.writing.iter().take(8) {
        println!("    {seconds:>6.2} s  {name}");
    }
    Ok(())
}

pub(crate) fn write_out(output: Option<&std::path::Path>, bytes: &[u8]) -> anyhow::Result<()> {
    match output {
        Some(path) => std::fs::write(path, bytes).with_context(|| format!("writing {}", path.display()))?,
        None => std::io::Write::write_all(&mut std::io::stdout().lock(), bytes)?,
    }
    Ok(())
}

fn print_demo_accounts() {
    println!();
    println!("Demo accounts, each with the password {}:", stride_synth::DEMO_PASSWORD);
    for (username, what) in [
        ("data.manager", "data manager: every school"),
        ("improvement.manager", "improvement manager: every school"),
        ("adviser.north", "adviser: schools in Ashbourne Vale and Brindleford"),
        ("adviser.south", "adviser: schools in Greyhaven and Hollowmoor"),
        ("sue.whitfield", "adviser: a third of the other schools"),
        ("mark.ellis", "adviser: a third of the other schools"),
        ("joanne.price", "adviser: a third of the other schools"),
        (
            "inclusion.officer",
            "inclusion officer: the LA's attendance service, every pupil",
        ),
        (
            "inclusion.north",
            "inclusion officer: pupils of the north's schools, and the children in care",
        ),
        ("headteacher", "headteacher: one primary school"),
        ("elected.member", "elected member"),
        ("administrator", "administrator"),
    ] {
        println!("  {username:<22} {what}");
    }
}

async fn serve(store: Arc<dyn Store>, listen: SocketAddr, config: Config) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .with_context(|| format!("listening on {listen}"))?;
    let address = listener.local_addr()?;
    println!();
    println!("Stride is serving on http://{address}");
    println!("Stop it with Ctrl+C.");
    let state = AppState::new(store, config);
    stride_web::serve(state, listener).await.context("serving")
}
