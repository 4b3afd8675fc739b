//! The SQLite implementation of [`Store`](crate::Store): the embedded default.

pub mod backup;
mod engine;
// The one implementation, compiled here for this engine, as it is for the other beside it.
#[allow(clippy::duplicate_mod)]
#[path = "../relational/mod.rs"]
mod relational;

use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

use crate::StoreError;

static MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");

/// The store on an SQLite file.
pub type SqliteStore = relational::RelationalStore;

impl SqliteStore {
    /// Opens (creating if need be) the database file and brings its schema up to date.
    pub async fn open(path: &str) -> Result<SqliteStore, StoreError> {
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options)
            .await
            .map_err(|source| StoreError::Open {
                location: path.to_owned(),
                source,
            })?;
        MIGRATIONS.run(&pool).await?;
        Ok(SqliteStore::on(pool))
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use std::sync::Arc;

    use sqlx::SqlitePool;

    use super::relational::overlapped::{SharedText, Statement, run_in_order};

    /// A database in memory holding one table, made by `create`.
    async fn one_table(create: &'static str) -> SqlitePool {
        let pool = SqlitePool::connect("sqlite::memory:").await.expect("opens");
        sqlx::query(create).execute(&pool).await.expect("created");
        pool
    }

    #[tokio::test]
    async fn statements_built_beside_the_one_running_still_run_in_order_and_tell_each_total() {
        let pool = one_table("CREATE TABLE written (position INTEGER PRIMARY KEY AUTOINCREMENT, batch INTEGER)").await;
        let mut transaction = pool.begin().await.expect("begins");
        let told = Mutex::new(Vec::new());
        let tell = |written| told.lock().expect("not poisoned").push(written);
        let build = |batch: i64| {
            let statement: Statement = sqlx::query("INSERT INTO written (batch) VALUES (?), (?)")
                .bind(batch)
                .bind(batch);
            (statement, 2)
        };
        run_in_order(&mut transaction, [3, 1, 2], build, &tell)
            .await
            .expect("runs");
        transaction.commit().await.expect("commits");
        let batches: Vec<i64> = sqlx::query_scalar("SELECT batch FROM written ORDER BY position")
            .fetch_all(&pool)
            .await
            .expect("reads");
        assert_eq!(batches, [3, 3, 1, 1, 2, 2]);
        assert_eq!(*told.lock().expect("not poisoned"), [2, 4, 6]);
    }

    #[tokio::test]
    async fn a_failing_statement_stops_the_run() {
        let pool = one_table("CREATE TABLE written (batch INTEGER CHECK (batch > 0))").await;
        let mut transaction = pool.begin().await.expect("begins");
        let built = Mutex::new(0);
        let build = |batch: i64| {
            *built.lock().expect("not poisoned") += 1;
            let statement: Statement = sqlx::query("INSERT INTO written (batch) VALUES (?)").bind(batch);
            (statement, 1)
        };
        let outcome = run_in_order(&mut transaction, [1, -1, 2, 3], build, &|_| {}).await;
        assert!(outcome.is_err());
        // The third was built while the second ran; the fourth never was.
        assert_eq!(*built.lock().expect("not poisoned"), 3);
    }

    #[test]
    fn equal_texts_are_one_allocation() {
        let mut shared = SharedText::default();
        let first = shared.of("KS4");
        let again = shared.of(&String::from("KS4"));
        assert!(Arc::ptr_eq(&first, &again));
        assert!(!Arc::ptr_eq(&first, &shared.of("KS2")));
    }
}
