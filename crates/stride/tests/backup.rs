//! Backups and crashes: a backup taken while a long import is writing is whole and holds the
//! import whole or not at all; an import killed half way leaves the database as it was, with
//! everything committed before still there; a backup restores in place of the database.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

mod shared_data;
use shared_data::data;

fn stride(arguments: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_stride"));
    command.args(arguments);
    command
}

fn run(arguments: &[&str]) -> String {
    let output = stride(arguments).output().expect("runs");
    assert!(
        output.status.success(),
        "stride {arguments:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn path(path: &Path) -> &str {
    path.to_str().expect("utf-8")
}

/// LAIT's long data set: 641,000 rows, a write of several seconds.
fn long_import(database: &Path) -> Child {
    stride(&[
        "import",
        "--db",
        path(database),
        path(&data("la_level/lait/bds_long_0.parquet")),
    ])
    .stdout(Stdio::null())
    .stderr(Stdio::null())
    .spawn()
    .expect("starts")
}

/// The imports recorded and the statistics' figures held, read straight from the file.
async fn held(database: &Path) -> (i64, i64) {
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}?mode=ro", database.display()))
        .await
        .expect("opens");
    let imports: i64 = sqlx::query_scalar("SELECT count(*) FROM imports")
        .fetch_one(&pool)
        .await
        .expect("counts");
    let figures: i64 = sqlx::query_scalar("SELECT count(*) FROM statistics_rows")
        .fetch_one(&pool)
        .await
        .expect("counts");
    pool.close().await;
    (imports, figures)
}

#[tokio::test]
async fn a_backup_while_writing_is_whole_and_a_killed_write_loses_nothing_committed() {
    let directory = tempfile::tempdir().expect("a folder");
    let database = directory.path().join("stride.sqlite");
    // Something committed first: Ofsted's and the performance tables' absence files.
    run(&[
        "import",
        "--db",
        path(&database),
        "--year",
        "2017/18",
        path(&data("performance_tables/2018-2019_england/england_abs.csv")),
    ]);
    let before = held(&database).await;
    assert_eq!(before.0, 1, "one import committed");
    let initial = directory.path().join("initial.sqlite");
    run(&["backup", "--db", path(&database), "--to", path(&initial)]);

    // Backups taken while the long import writes: each whole, each with it whole or not at all.
    let mut writing = long_import(&database);
    let mut backups = Vec::new();
    let started = Instant::now();
    while writing.try_wait().expect("waits").is_none() && started.elapsed() < Duration::from_secs(600) {
        let copy = directory.path().join(format!("backup-{}.sqlite", backups.len()));
        run(&["backup", "--db", path(&database), "--to", path(&copy)]);
        backups.push(copy);
        std::thread::sleep(Duration::from_millis(300));
    }
    assert!(writing.wait().expect("waits").success(), "the import finishes");
    let after = held(&database).await;
    assert_eq!(after.0, 2);
    assert!(after.1 > before.1, "the long import's figures are held");
    assert!(!backups.is_empty(), "a backup was taken while it wrote");
    for copy in &backups {
        stride_store::check_copy(copy).await.expect("whole");
        let seen = held(copy).await;
        assert!(
            seen == before || seen == after,
            "{seen:?}: neither before {before:?} nor after {after:?}"
        );
    }
    let refused = stride(&["backup", "--db", path(&database), "--to", path(&backups[0])])
        .output()
        .expect("runs");
    assert!(!refused.status.success(), "a backup never overwrites a file");

    // The same import into a copy of the first state, killed half way: nothing of it is held,
    // and what was committed before is.
    let crashed = directory.path().join("crashed.sqlite");
    run(&["restore", "--from", path(&initial), "--db", path(&crashed)]);
    let first = held(&crashed).await;
    assert_eq!(first, before);
    let mut writing = long_import(&crashed);
    // Killed once its transaction has written a megabyte to the write-ahead log: mid-write.
    let log = directory.path().join("crashed.sqlite-wal");
    let started = Instant::now();
    while std::fs::metadata(&log).map_or(0, |metadata| metadata.len()) < 1_000_000
        && started.elapsed() < Duration::from_secs(600)
    {
        assert!(
            writing.try_wait().expect("waits").is_none(),
            "killed before it finishes"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    writing.kill().expect("killed");
    let killed = writing.wait().expect("waits");
    assert!(!killed.success(), "killed before it finished");
    stride_store::check_copy(&crashed)
        .await
        .expect("opens whole after the crash");
    assert_eq!(
        held(&crashed).await,
        first,
        "nothing half-written, nothing committed lost"
    );
    run(&["audit", "verify", "--db", path(&crashed)]);

    // A restore replaces a database only when told to.
    let refused = stride(&["restore", "--from", path(&initial), "--db", path(&database)])
        .output()
        .expect("runs");
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("--replace"));
    run(&[
        "restore",
        "--from",
        path(&initial),
        "--db",
        path(&database),
        "--replace",
    ]);
    assert_eq!(held(&database).await, first);
}
