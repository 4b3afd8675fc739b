//! Running a long run of statements with the building of each next one overlapping the running
//! of the one before. sqlx runs SQLite on a worker thread of its own; awaited one at a time, a
//! statement's thousands of bound values are built while that thread waits, and the statement
//! run while this one waits. Started, then built beside, the two take the time of the longer.

use std::collections::HashSet;
use std::future::{Future, poll_fn};
use std::sync::Arc;
use std::task::Poll;

use super::engine::{Arguments, Db};
use sqlx::Transaction;

use crate::StoreError;

/// A statement with its values bound, owning them, ready to run.
pub(crate) type Statement = sqlx::query::Query<'static, Db, Arguments>;

/// Builds a statement from each part in turn and runs them in order in the transaction, telling
/// `told` the records written so far (`build` says how many each statement writes).
pub(crate) async fn run_in_order<Part>(
    transaction: &mut Transaction<'_, Db>,
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
pub(crate) struct SharedText {
    held: HashSet<Arc<str>>,
}

impl SharedText {
    pub(crate) fn of(&mut self, text: &str) -> Arc<str> {
        if let Some(held) = self.held.get(text) {
            return Arc::clone(held);
        }
        let made: Arc<str> = Arc::from(text);
        self.held.insert(Arc::clone(&made));
        made
    }
}
