//! Databases for tests, on either engine: an SQLite file in a folder, or, when the environment
//! variable `STRIDE_TEST_POSTGRES` names a database on a PostgreSQL server (CI names
//! `postgres://postgres@127.0.0.1:5432/test`), a new database on that server for each one asked
//! for. The same tests then run on both: `./scripts/test` runs them once each way.

use std::path::Path;
use std::sync::atomic::{AtomicU32, Ordering};

use sqlx::Connection;

/// The variable that turns the tests to PostgreSQL.
pub const POSTGRES_VARIABLE: &str = "STRIDE_TEST_POSTGRES";

/// The server the tests are turned to, if any.
pub fn postgres_server() -> Option<String> {
    std::env::var(POSTGRES_VARIABLE).ok().filter(|url| !url.is_empty())
}

/// A new, empty database's location for `--db`: `name.sqlite` in the folder, or a new
/// PostgreSQL database when the tests are turned to PostgreSQL.
pub fn database(folder: &Path, name: &str) -> String {
    match postgres_server() {
        Some(server) => new_postgres_database(&server, None),
        None => folder.join(format!("{name}.sqlite")).display().to_string(),
    }
}

/// A new, empty PostgreSQL database, whichever way the tests are turned: on the server
/// `STRIDE_TEST_POSTGRES` names, or else on this machine's (127.0.0.1:5432, user postgres).
pub fn postgres_database() -> String {
    let server = postgres_server().unwrap_or_else(|| "postgres://postgres@127.0.0.1:5432/test".to_owned());
    new_postgres_database(&server, None)
}

/// A copy of a database at a new location: the file copied (with its write-ahead log, if one
/// is left), or a new PostgreSQL database made from the first as its template. Nothing may be
/// connected to the first while it is copied; a connection just closed may take a moment to go.
pub fn copy(location: &str, folder: &Path, name: &str) -> String {
    if crate::is_postgres(location) {
        let server = postgres_server().unwrap_or_else(|| location.to_owned());
        return new_postgres_database(&server, Some(database_name(location)));
    }
    let copy = folder.join(format!("{name}.sqlite"));
    std::fs::copy(location, &copy).expect("the database file copies");
    let log = format!("{location}-wal");
    if Path::new(&log).exists() {
        std::fs::copy(&log, format!("{}-wal", copy.display())).expect("the write-ahead log copies");
    }
    copy.display().to_string()
}

/// A database that `make` fills, made once under `key` and kept for every test process after
/// (the test binaries of one run share the synthetic authority rather than each generating it):
/// an SQLite file in `folder`, or a PostgreSQL database named for the key. `make` is given the
/// new database's location and must leave nothing connected to it. The key names what is in it,
/// the build included, so that a change makes a new one; those of other keys are removed.
pub fn template(key: &str, folder: &Path, make: impl FnOnce(&str) + Send) -> String {
    let key: String = key
        .chars()
        .map(|character| {
            if character.is_ascii_alphanumeric() {
                character
            } else {
                '_'
            }
        })
        .collect();
    // One test thread makes it while the others of the process wait.
    static MAKING: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _making = MAKING.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    match postgres_server() {
        Some(server) => postgres_template(&server, &key, make),
        None => sqlite_template(&key, folder, make),
    }
}

fn sqlite_template(key: &str, folder: &Path, make: impl FnOnce(&str) + Send) -> String {
    let kept = folder.join(format!("stride-template-{key}.sqlite"));
    if !kept.exists() {
        std::fs::create_dir_all(folder).expect("the templates' folder");
        let making = folder.join(format!("stride-template-{key}-{}.making", std::process::id()));
        let making_location = making.display().to_string();
        for ending in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{making_location}{ending}"));
        }
        make(&making_location);
        let partial = folder.join(format!("stride-template-{key}-{}.partial", std::process::id()));
        run_blocking(async {
            let pool = sqlx::SqlitePool::connect(&format!("sqlite://{making_location}"))
                .await
                .expect("the template opens");
            // One file, whatever was left in the write-ahead log.
            sqlx::query("VACUUM INTO ?1")
                .bind(partial.display().to_string())
                .execute(&pool)
                .await
                .expect("the template is written whole");
            pool.close().await;
            // VACUUM INTO writes a rollback-journal file; the store opens in WAL mode, and many
            // tests opening a copy at once would each need the file alone to switch it.
            let copy = sqlx::SqlitePool::connect(&format!("sqlite://{}", partial.display()))
                .await
                .expect("the template opens");
            sqlx::query("PRAGMA journal_mode = WAL")
                .execute(&copy)
                .await
                .expect("the template is in WAL mode");
            copy.close().await;
        });
        std::fs::rename(&partial, &kept).expect("the template is kept");
        for ending in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{making_location}{ending}"));
        }
        for entry in std::fs::read_dir(folder).into_iter().flatten().flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with("stride-template-") && name.ends_with(".sqlite") && entry.path() != kept {
                let _ = std::fs::remove_file(entry.path());
            }
        }
    }
    kept.display().to_string()
}

fn postgres_template(server: &str, key: &str, make: impl FnOnce(&str) + Send) -> String {
    let name = format!("stride_test_template_{key}");
    let kept = with_database(server, &name);
    let admin = server.to_owned();
    let making_name = format!("{name}_making");
    let making = with_database(server, &making_name);
    run_blocking(async {
        let mut connection = sqlx::PgConnection::connect(&admin)
            .await
            .expect("the test PostgreSQL server answers");
        // One process makes it while the others wait, then find it made.
        sqlx::query("SELECT pg_advisory_lock(20261206)")
            .execute(&mut connection)
            .await
            .expect("locked");
        let held: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)")
            .bind(&name)
            .fetch_one(&mut connection)
            .await
            .expect("asked");
        if !held {
            for statement in [
                format!("DROP DATABASE IF EXISTS {making_name}"),
                format!("CREATE DATABASE {making_name}"),
            ] {
                sqlx::raw_sql(sqlx::AssertSqlSafe(statement))
                    .execute(&mut connection)
                    .await
                    .expect("the template's database is made");
            }
            make(&making);
            retry_while_in_use(
                &mut connection,
                format!("ALTER DATABASE {making_name} RENAME TO {name}"),
            )
            .await;
        }
        sqlx::query("SELECT pg_advisory_unlock(20261206)")
            .execute(&mut connection)
            .await
            .expect("unlocked");
    });
    kept
}

/// Runs a future to its end on a thread and runtime of its own, so that a test may ask from
/// inside its runtime or from none.
fn run_blocking(work: impl std::future::Future<Output = ()> + Send) {
    std::thread::scope(|scope| {
        scope
            .spawn(|| {
                tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("a runtime")
                    .block_on(work);
            })
            .join()
            .expect("the thread finished");
    });
}

/// Runs a statement on a database that a connection just closed may still hold: PostgreSQL
/// refuses to copy or rename a database anyone is connected to.
async fn retry_while_in_use(connection: &mut sqlx::PgConnection, statement: String) {
    for attempt in 1.. {
        match sqlx::raw_sql(sqlx::AssertSqlSafe(statement.clone()))
            .execute(&mut *connection)
            .await
        {
            Ok(_) => return,
            Err(error) if attempt < 100 && error.to_string().contains("being accessed by other users") => {
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            }
            Err(error) => panic!("{statement}: {error}"),
        }
    }
}

/// The database's name at the end of a PostgreSQL URL.
fn database_name(url: &str) -> &str {
    let without_options = url.split('?').next().unwrap_or(url);
    without_options.rsplit('/').next().unwrap_or(without_options)
}

fn with_database(url: &str, name: &str) -> String {
    let (without_options, options) = url
        .split_once('?')
        .map_or((url, None), |(url, options)| (url, Some(options)));
    let server = without_options
        .rsplit_once('/')
        .map_or(without_options, |(server, _)| server);
    match options {
        Some(options) => format!("{server}/{name}?{options}"),
        None => format!("{server}/{name}"),
    }
}

fn new_postgres_database(server: &str, template: Option<&str>) -> String {
    static MADE: AtomicU32 = AtomicU32::new(0);
    let name = format!(
        "stride_test_{}_{}_{}",
        std::process::id(),
        MADE.fetch_add(1, Ordering::Relaxed),
        chrono::Utc::now().timestamp_micros()
    );
    let statement = match template {
        Some(template) => format!("CREATE DATABASE {name} TEMPLATE {template}"),
        None => format!("CREATE DATABASE {name}"),
    };
    let connect_to = server.to_owned();
    run_blocking(async move {
        let mut connection = sqlx::PgConnection::connect(&connect_to)
            .await
            .expect("the test PostgreSQL server answers");
        retry_while_in_use(&mut connection, statement).await;
    });
    with_database(server, &name)
}

/// A database reached past the store, as someone holding the file or a login would: for tests
/// that change what Stride holds behind its back. [`with_raw_pool!`](crate::with_raw_pool) runs
/// the same statements on either; write their placeholders `$1`, which both take.
pub enum Raw {
    Sqlite(sqlx::SqlitePool),
    Postgres(sqlx::PgPool),
}

impl Raw {
    pub async fn connect(location: &str) -> Raw {
        if crate::is_postgres(location) {
            Raw::Postgres(
                sqlx::PgPool::connect(location)
                    .await
                    .expect("the test database answers"),
            )
        } else {
            let url = format!(
                "sqlite://{}",
                location.trim_start_matches("sqlite://").trim_start_matches("sqlite:")
            );
            Raw::Sqlite(sqlx::SqlitePool::connect(&url).await.expect("the test database opens"))
        }
    }
}

/// Runs `body` with `pool` the raw pool of either engine: `with_raw_pool!(raw, |pool| ...)`.
#[macro_export]
macro_rules! with_raw_pool {
    ($raw:expr, |$pool:ident| $body:expr) => {
        match $raw {
            $crate::scratch::Raw::Sqlite($pool) => $body,
            $crate::scratch::Raw::Postgres($pool) => $body,
        }
    };
}

#[cfg(test)]
mod tests {
    use super::{database_name, with_database};

    #[test]
    fn a_database_is_named_at_the_end_of_the_url_and_options_kept() {
        let url = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable";
        assert_eq!(database_name(url), "test");
        assert_eq!(
            with_database(url, "other"),
            "postgres://postgres@127.0.0.1:5432/other?sslmode=disable"
        );
        assert_eq!(with_database("postgres://h/test", "x"), "postgres://h/x");
    }
}
