//! A batch of files read side by side and written as it is read: each file is read from its
//! path (decompressed, unpacked) only when a reader comes to it, handed to the store as soon as
//! it and every file before it are read, and the store writes the batch in one transaction. So
//! the writing of the first files overlaps the reading of the last, and a file refused anywhere
//! in the batch leaves nothing written.

use std::collections::BTreeMap;
use std::ops::ControlFlow;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context;

use stride_core::import::{ImportContent, ImportSummary, ImportedFile};
use stride_ingest::{IngestError, SourceFile};
use stride_store::{BatchFile, BatchTold, Store};

/// How many read files may wait for the writer: enough that it never waits on a reader that
/// is ahead, few enough that memory is not every file at once.
const WAITING_TO_BE_WRITTEN: usize = 2;

/// The paths of a batch, and the sheet to take from a workbook.
pub struct Batch {
    pub paths: Vec<PathBuf>,
    pub sheet: Option<String>,
}

/// Reads every file of the batch with `read` (given the position of its path, and the files a
/// data set may need beside it: every `.meta.csv` of the batch), and writes the batch, or writes
/// nothing and says why: the reading's refusal before the store's error, since the first is the
/// cause of the second.
pub async fn read_and_write<Read>(
    store: &Arc<dyn Store>,
    batch: Batch,
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
        let outcome = read_in_order(&batch, &read, |(file, content)| {
            match hand_on.blocking_send(BatchFile::Read(Box::new(file), Box::new(content))) {
                Ok(()) => ControlFlow::Continue(()),
                // The writer has stopped, on an error of its own.
                Err(_) => ControlFlow::Break(()),
            }
        });
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

/// Reads the batch's paths side by side, handing on each file read in the batch's order (an
/// archive's members in the archive's). A data set's `.meta.csv` is small and may be anywhere
/// in the batch, so those are read first, to be beside every file, and not read again.
fn read_in_order<Read>(
    batch: &Batch,
    read: &Read,
    mut hand_on: impl FnMut((ImportedFile, ImportContent)) -> ControlFlow<()>,
) -> Result<(), IngestError>
where
    Read: Fn(usize, &SourceFile, &[SourceFile]) -> Result<(ImportedFile, ImportContent), IngestError> + Sync,
{
    let sheet = batch.sheet.as_deref();
    let metadata: Vec<(usize, &PathBuf)> = batch
        .paths
        .iter()
        .enumerate()
        .filter(|(_, path)| stride_ingest::is_metadata(&path.to_string_lossy()))
        .collect();
    let read_first: BTreeMap<usize, Vec<SourceFile>> =
        stride_ingest::try_in_parallel(&metadata, |_, (position, path)| {
            Ok::<_, IngestError>((*position, SourceFile::read_all(path, sheet)?))
        })?
        .into_iter()
        .collect();
    // In the batch's order, as a data set finds the first of its name.
    let companions: Vec<SourceFile> = read_first.values().flatten().cloned().collect();
    stride_ingest::try_in_parallel_in_order(
        &batch.paths,
        |position, path| {
            let files = match read_first.get(&position) {
                Some(files) => files.clone(),
                None => SourceFile::read_all(path, sheet)?,
            };
            // An archive's own `.meta.csv` stands beside its data set too.
            let mut beside = companions.clone();
            beside.extend(
                files
                    .iter()
                    .filter(|file| stride_ingest::is_metadata(&file.name))
                    .cloned(),
            );
            files
                .iter()
                .map(|file| read(position, file, &beside))
                .collect::<Result<Vec<_>, _>>()
        },
        |files| {
            for file in files {
                hand_on(file)?;
            }
            ControlFlow::Continue(())
        },
    )
}
