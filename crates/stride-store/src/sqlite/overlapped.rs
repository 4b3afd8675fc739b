//! Running a long run of statements with the building of each next one overlapping the running
//! of the one before. sqlx runs SQLite on a worker thread of its own; awaited one at a time, a
//! statement's thousands of bound values are built while that thread waits, and the statement
//! run while this one waits. Started, then built beside, the two take the time of the longer.

use std::collections::HashSet;
use std::future::{Future, poll_fn};
use std::sync::Arc;
use std::task::Poll;

use sqlx::sqlite::SqliteArguments;
use sqlx::{Sqlite, Transaction};

use crate::StoreError;

/// A statement with its values bound, owning them, ready to run.
pub(super) type Statement = sqlx::query::Query<'static, Sqlite, SqliteArguments>;

/// Builds a statement from each part in turn and runs them in order in the transaction, telling
/// `told` the records written so far (`build` says how many each statement writes).
pub(super) async fn run_in_order<Part>(
    transaction: &mut Transaction<'_, Sqlite>,
    parts: impl IntoIterator<Item = Part>,
    mut build: impl FnMut(Part) -> (Statement, usize),
    told: &(dyn Fn(usize) + Send + Sync),
) -> Result<(), StoreError> {
    let mut parts = parts.into_iter();
    let Some(first) = parts.next() else {
        return Ok(());
    };
    let (mut running, mut records) = build(first);
    let mut written = 0;
    for part in parts {
        let next = {
            let mut execution = std::pin::pin!(running.execute(&mut **transaction));
            // The first poll hands the statement to SQLite's thread, which runs it from then on.
            let started = poll_fn(|context| Poll::Ready(execution.as_mut().poll(context))).await;
            let next = build(part);
            match started {
                Poll::Ready(result) => result?,
                Poll::Pending => execution.await?,
            };
            next
        };
        written += records;
        told(written);
        (running, records) = next;
    }
    running.execute(&mut **transaction).await?;
    told(written + records);
    Ok(())
}

/// The texts bound into a long run of statements, each distinct one made once and then shared.
/// sqlx copies every `&str` or `String` bound into two fresh allocations (and SQLite copies it
/// once more), freed on SQLite's thread: for a file's millions of codes that repeat, the
/// allocating and freeing was a large part of the writing. An `Arc<str>` is bound by reference.
#[derive(Debug, Default)]
pub(super) struct SharedText {
    held: HashSet<Arc<str>>,
}

impl SharedText {
    pub(super) fn of(&mut self, text: &str) -> Arc<str> {
        if let Some(held) = self.held.get(text) {
            return Arc::clone(held);
        }
        let made: Arc<str> = Arc::from(text);
        self.held.insert(Arc::clone(&made));
        made
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use sqlx::SqlitePool;

    use super::*;

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
