//! Copies of a database: SQLite writes a consistent snapshot of the file with `VACUUM INTO`
//! while Stride goes on serving (readers and the writer are not held up past the copy's own
//! read), and a copy is checked whole before it is trusted.

use std::path::Path;

use sqlx::sqlite::{SqliteConnectOptions, SqlitePool};
use sqlx::{ConnectOptions, Connection};

use crate::StoreError;

/// Writes a consistent copy of the database to `to`, which must not exist yet.
pub(crate) async fn backup_to(pool: &SqlitePool, to: &Path) -> Result<(), StoreError> {
    if to.exists() {
        return Err(StoreError::Refused(format!(
            "{} exists already: a backup is written to a new file",
            to.display()
        )));
    }
    let target = to
        .to_str()
        .ok_or_else(|| StoreError::Refused(format!("{} is not a path SQLite can take", to.display())))?;
    sqlx::query("VACUUM INTO ?1").bind(target).execute(pool).await?;
    Ok(())
}

/// Opens a copy read-only, as it is, and checks that SQLite finds it whole and that it is a
/// Stride database; the number of migrations it has had.
pub async fn check_copy(path: &Path) -> Result<i64, StoreError> {
    let location = path.display().to_string();
    let mut connection = SqliteConnectOptions::new()
        .filename(path)
        .read_only(true)
        .connect()
        .await
        .map_err(|source| StoreError::Open {
            location: location.clone(),
            source,
        })?;
    let verdict: String = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(&mut connection)
        .await?;
    if verdict != "ok" {
        return Err(StoreError::Refused(format!(
            "{location} is damaged: SQLite's integrity check says {verdict}"
        )));
    }
    let migrations: Option<i64> = sqlx::query_scalar("SELECT count(*) FROM _sqlx_migrations WHERE success")
        .fetch_optional(&mut connection)
        .await
        .map_err(|_| StoreError::Refused(format!("{location} is not a Stride database")))?;
    connection.close().await?;
    Ok(migrations.unwrap_or_default())
}
