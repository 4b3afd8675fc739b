//! `stride migrate-db`: a deployment copied from its SQLite file to the real PostgreSQL server,
//! whole, proved by counts and checksums, and read back alike through the store; refused into a
//! database that holds one already, with nothing changed.

use std::process::{Command, Output};

use stride_core::pupils::AuditEntry;

fn stride(arguments: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_stride"))
        .args(arguments)
        .output()
        .expect("stride runs")
}

/// The rows `migrate-db` said it copied of each table.
fn rows_said(output: &Output) -> Vec<(String, u64)> {
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| {
            // A table's line is indented under the heading; the summary is not.
            let mut words = line.strip_prefix("  ")?.split_whitespace();
            let table = words.next()?;
            let rows = words.next()?.parse().ok()?;
            (words.next() == Some("rows")).then(|| (table.to_owned(), rows))
        })
        .collect()
}

/// The audit chain as compared: each entry's time to the microsecond.
async fn chain_read(store: &std::sync::Arc<dyn stride_store::Store>) -> Vec<(i64, Option<String>, String, i64)> {
    store
        .audit_chain()
        .await
        .expect("reads")
        .into_iter()
        .map(|sealed| {
            let entry = sealed.entry;
            let said = format!(
                "{} {:?} {:?} {}",
                entry.account_id, entry.action, entry.pupil_id, entry.what
            );
            (sealed.id, sealed.seal, said, entry.at.timestamp_micros())
        })
        .collect()
}

#[tokio::test]
async fn a_deployment_is_copied_to_postgresql_whole_and_reads_back_the_same() {
    let directory = tempfile::tempdir().expect("a folder");
    let file = directory.path().join("deployment.sqlite");
    let file_location = file.to_str().expect("utf-8");
    let sqlite = stride_store::open(file_location).await.expect("opens");
    stride::generate_into(&sqlite, 7, |_| {}).await.expect("generates");
    let pupils = sqlite.pupils(stride_store::PupilFilter::All).await.expect("reads");
    let viewed: Vec<AuditEntry> = pupils
        .iter()
        .take(3)
        .map(|pupil| AuditEntry {
            at: chrono::Utc::now(),
            account_id: 1,
            action: stride_core::pupils::AuditAction::ViewPupil,
            pupil_id: Some(pupil.id),
            what: format!("/pupils/{}", pupil.id),
        })
        .collect();
    sqlite.record_audit(&viewed).await.expect("audited");
    drop(sqlite);

    let postgres = stride_store::scratch::postgres_database();
    let copied = stride(&["migrate-db", "--from", file_location, "--to", &postgres]);
    assert!(copied.status.success(), "{}", String::from_utf8_lossy(&copied.stderr));
    let said = rows_said(&copied);
    assert_eq!(
        said.len(),
        stride_store::copy_across::TABLES.len(),
        "every table is proved"
    );

    // Counted independently of the copy: straight from the SQLite file.
    let file_pool = sqlx::SqlitePool::connect(&format!("sqlite://{file_location}"))
        .await
        .expect("opens");
    for (table, rows) in &said {
        let counted: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM {table}")))
            .fetch_one(&file_pool)
            .await
            .expect("counts");
        assert_eq!(*rows, counted.unsigned_abs(), "{table}");
    }
    for table in [
        "establishments",
        "school_figures",
        "pupils",
        "audit_log",
        "audit_seals",
        "cases",
    ] {
        assert!(
            said.iter().any(|(name, rows)| name == table && *rows > 0),
            "{table} has rows to copy"
        );
    }

    // Read back through the store, the two alike.
    let sqlite = stride_store::open(file_location).await.expect("opens");
    let copy = stride_store::open(&postgres).await.expect("connects");
    assert_eq!(
        copy.establishment_count().await.expect("counts"),
        sqlite.establishment_count().await.expect("counts")
    );
    assert_eq!(
        copy.pupils(stride_store::PupilFilter::All).await.expect("reads"),
        sqlite.pupils(stride_store::PupilFilter::All).await.expect("reads")
    );
    assert_eq!(
        chain_read(&copy).await,
        chain_read(&sqlite).await,
        "the chain, to the microsecond (PostgreSQL's precision, and the seal's)"
    );
    let verified = stride(&["audit", "verify", "--db", &postgres]);
    assert!(
        verified.status.success(),
        "{}",
        String::from_utf8_lossy(&verified.stderr)
    );

    // New rows are numbered past the copied ones.
    copy.record_audit(&viewed[..1]).await.expect("audited");
    let chain = copy.audit_chain().await.expect("reads");
    let numbers: Vec<i64> = chain.iter().map(|sealed| sealed.id).collect();
    assert!(numbers.windows(2).all(|pair| pair[0] < pair[1]), "{numbers:?}");
    assert_eq!(chain.len(), sqlite.audit_chain().await.expect("reads").len() + 1);

    // Into a database that holds a deployment: refused, and nothing changed.
    let again = stride(&["migrate-db", "--from", file_location, "--to", &postgres]);
    assert!(!again.status.success());
    let error = String::from_utf8_lossy(&again.stderr);
    assert!(error.contains("copied into an empty one"), "{error}");
    assert_eq!(copy.audit_chain().await.expect("reads").len(), chain.len());

    // From no file: refused, naming it.
    let missing = directory.path().join("missing.sqlite");
    let refused = stride(&[
        "migrate-db",
        "--from",
        missing.to_str().expect("utf-8"),
        "--to",
        &stride_store::scratch::postgres_database(),
    ]);
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("missing.sqlite is not an SQLite file"));
    assert!(!missing.exists(), "no file is made");
}
