//! A batch of files read side by side and written as it is read: each file is handed to the
//! store as soon as it and every file before it are read, and the store writes the batch in one
//! transaction, so the writing of the first files overlaps the reading of the last and a file
//! refused anywhere in the batch leaves nothing written.

use std::ops::ControlFlow;
use std::sync::Arc;

use anyhow::Context;

use stride_core::import::{ImportContent, ImportSummary, ImportedFile};
use stride_ingest::{IngestError, SourceFile};
use stride_store::{BatchFile, BatchTold, Store};

/// How many read files may wait for the writer: enough that it never waits on a reader that
/// is ahead, few enough that memory is not every file at once.
const WAITING_TO_BE_WRITTEN: usize = 2;

/// Reads every source with `read` (given the others beside it, as a data set needs its
/// `.meta.csv`) and writes the batch, or writes nothing and says why: the reading's refusal
/// before the store's error, since the first is the cause of the second.
pub async fn read_and_write<Read>(
    store: &Arc<dyn Store>,
    sources: Arc<Vec<SourceFile>>,
    read: Read,
    dry_run: bool,
    told: BatchTold<'_>,
) -> anyhow::Result<Vec<ImportSummary>>
where
    Read: Fn(usize, &SourceFile, &[SourceFile]) -> Result<(ImportedFile, ImportContent), IngestError>
        + Send
        + Sync
        + 'static,
{
    let (hand_on, mut handed_on) = tokio::sync::mpsc::channel(WAITING_TO_BE_WRITTEN);
    let reading = tokio::task::spawn_blocking(move || {
        let outcome = stride_ingest::try_in_parallel_in_order(
            &sources,
            |position, source| read(position, source, &sources),
            |(file, content)| match hand_on.blocking_send(BatchFile::Read(Box::new(file), Box::new(content))) {
                Ok(()) => ControlFlow::Continue(()),
                // The writer has stopped, on an error of its own.
                Err(_) => ControlFlow::Break(()),
            },
        );
        if outcome.is_err() {
            let _ = hand_on.blocking_send(BatchFile::Refused);
        }
        outcome
    });
    let written = store.import_batch(&mut handed_on, dry_run, told).await;
    // A reader still handing files on then stops rather than waiting for a writer gone.
    drop(handed_on);
    reading.await??;
    written.context("writing the batch (nothing of it was written)")
}
