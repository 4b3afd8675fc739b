//! Imports on the web: a data manager drops published files on a form; Stride reads every one
//! before it writes any, as `stride import` does, in a task of its own, and the job's page shows
//! each file's progress until it is done, refreshing itself without script.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use askama::Template;
use axum::extract::{Multipart, Path, State};
use axum::response::{Html, Redirect};
use chrono::{DateTime, Utc};
use stride_core::import::{ImportRecord, describe_import, describe_read};
use stride_core::{AcademicYear, Release};

use super::render;
use crate::session::{SignedIn, check_csrf};
use crate::view::Chrome;
use crate::{AppState, WebError};

/// Where one file of a job has got to.
#[derive(Debug, Clone, PartialEq)]
pub enum FileStage {
    Waiting,
    Read(String),
    /// Records staged for writing, of all the file's.
    Writing {
        staged: usize,
        total: usize,
    },
    Written(String),
}

/// One upload, as its page shows it.
#[derive(Debug, Clone)]
pub struct ImportJob {
    account_id: i64,
    pub started_at: DateTime<Utc>,
    pub dry_run: bool,
    pub files: Vec<(String, FileStage)>,
    /// Why nothing was written, where a file was refused.
    pub refused: Option<String>,
    pub finished: bool,
}

/// The jobs this server has run, by their random identifiers.
#[derive(Default)]
pub struct ImportJobs(Mutex<HashMap<String, ImportJob>>);

impl ImportJobs {
    fn update(&self, id: &str, change: impl FnOnce(&mut ImportJob)) {
        // A poisoned lock means a job's task panicked mid-update: its page is then stale, no more.
        if let Ok(mut jobs) = self.0.lock()
            && let Some(job) = jobs.get_mut(id)
        {
            change(job);
        }
    }

    fn get(&self, id: &str) -> Option<ImportJob> {
        self.0.lock().ok().and_then(|jobs| jobs.get(id).cloned())
    }

    fn insert(&self, id: String, job: ImportJob) {
        if let Ok(mut jobs) = self.0.lock() {
            jobs.insert(id, job);
        }
    }
}

fn may_import(signed_in: &SignedIn) -> Result<(), WebError> {
    if signed_in.account.role.can_import() {
        Ok(())
    } else {
        Err(WebError::Forbidden)
    }
}

#[derive(Template)]
#[template(path = "imports.html")]
struct ImportsPage {
    chrome: Chrome,
    csrf_token: String,
    imports: Vec<ImportRow>,
}

pub(crate) struct ImportRow {
    pub(crate) file_name: String,
    pub(crate) kind: &'static str,
    pub(crate) edition: String,
    pub(crate) rows: usize,
    pub(crate) added: usize,
    pub(crate) changed: usize,
    pub(crate) unchanged: usize,
    pub(crate) imported_at: String,
}

pub(crate) fn import_row(record: ImportRecord) -> ImportRow {
    let edition = match (record.release, record.year) {
        (Some(release), Some(year)) => format!("{} {year}", release.label()),
        _ => String::new(),
    };
    ImportRow {
        file_name: record.file_name,
        kind: record.kind.label(),
        edition,
        rows: record.rows,
        added: record.added,
        changed: record.changed,
        unchanged: record.unchanged,
        imported_at: record.imported_at.format("%-d %B %Y %H:%M").to_string(),
    }
}

pub async fn list(State(state): State<AppState>, signed_in: SignedIn) -> Result<Html<String>, WebError> {
    may_import(&signed_in)?;
    let imports = state.store.imports(100).await?;
    render(&ImportsPage {
        chrome: Chrome::for_user(&signed_in, "imports"),
        csrf_token: signed_in.session.csrf_token.clone(),
        imports: imports.into_iter().map(import_row).collect(),
    })
}

/// What the form sent.
#[derive(Default)]
struct Upload {
    csrf_token: String,
    year: Option<AcademicYear>,
    release: Option<Release>,
    dry_run: bool,
    files: Vec<(String, Vec<u8>)>,
}

async fn read_upload(mut multipart: Multipart) -> Result<Upload, WebError> {
    let mut upload = Upload::default();
    while let Some(field) = multipart.next_field().await.map_err(|_| WebError::BadUpload)? {
        let name = field.name().unwrap_or_default().to_owned();
        let file_name = field.file_name().map(str::to_owned);
        let bytes = field.bytes().await.map_err(|_| WebError::BadUpload)?;
        let text = || String::from_utf8_lossy(&bytes).trim().to_owned();
        match (name.as_str(), file_name) {
            ("files", Some(file_name)) if !file_name.is_empty() && !bytes.is_empty() => {
                upload.files.push((file_name, bytes.to_vec()));
            }
            ("csrf_token", _) => upload.csrf_token = text(),
            ("year", _) => upload.year = text().parse().ok(),
            ("release", _) => upload.release = Release::from_code(&text()).ok(),
            ("dry_run", _) => upload.dry_run = true,
            _ => {}
        }
    }
    Ok(upload)
}

pub async fn start(
    State(state): State<AppState>,
    signed_in: SignedIn,
    multipart: Multipart,
) -> Result<Redirect, WebError> {
    may_import(&signed_in)?;
    let upload = read_upload(multipart).await?;
    check_csrf(&signed_in.session, &upload.csrf_token)?;
    if upload.files.is_empty() {
        return Err(WebError::BadUpload);
    }
    let id = crate::auth::random_token();
    state.imports.insert(
        id.clone(),
        ImportJob {
            account_id: signed_in.account.id,
            started_at: Utc::now(),
            dry_run: upload.dry_run,
            files: upload
                .files
                .iter()
                .map(|(name, _)| (name.clone(), FileStage::Waiting))
                .collect(),
            refused: None,
            finished: false,
        },
    );
    tokio::spawn(run(state, id.clone(), upload));
    Ok(Redirect::to(&format!("/imports/{id}")))
}

/// Reads every file, then writes the batch, telling the job's page as it goes.
async fn run(state: AppState, id: String, upload: Upload) {
    let jobs = state.imports.clone();
    let stated = stride_ingest::Stated {
        year: upload.year,
        release: upload.release,
    };
    let read = tokio::task::spawn_blocking({
        let jobs = jobs.clone();
        let id = id.clone();
        move || read_all(&jobs, &id, &upload.files, stated)
    })
    .await;
    let read = match read {
        Ok(Ok(read)) => read,
        Ok(Err(refusal)) => return jobs.update(&id, |job| refuse(job, refusal)),
        Err(_) => return jobs.update(&id, |job| refuse(job, "Stride stopped reading the files.".to_owned())),
    };
    // The batch is written in one transaction: a file that cannot be written keeps none of it.
    let (hand_on, mut handed_on) = tokio::sync::mpsc::channel(read.len().max(1));
    for (file, content) in read {
        // The channel has room for every file, and its receiver is held here.
        let _ = hand_on.try_send(stride_store::BatchFile::Read(Box::new(file), Box::new(content)));
    }
    drop(hand_on);
    let writing = std::sync::atomic::AtomicUsize::new(0);
    let told = |step: stride_store::BatchWriting<'_>| match step {
        stride_store::BatchWriting::Started { .. } => {}
        stride_store::BatchWriting::Records { written, of } => {
            let position = writing.load(std::sync::atomic::Ordering::Relaxed);
            jobs.update(&id, |job| {
                job.files[position].1 = FileStage::Writing {
                    staged: written,
                    total: of,
                }
            });
        }
        stride_store::BatchWriting::Written { file, summary } => {
            let position = writing.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let line = describe_import(file, summary, upload.dry_run);
            jobs.update(&id, |job| job.files[position].1 = FileStage::Written(line));
        }
    };
    let written = state.store.import_batch(&mut handed_on, upload.dry_run, &told).await;
    // The figures version read before the import is stale now; it is marked so before the page
    // that follows the job can say it is finished.
    state.recent.changed();
    if let Err(error) = written {
        tracing::error!(error = %error, "an uploaded batch could not be written");
        let position = writing.load(std::sync::atomic::Ordering::Relaxed);
        return jobs.update(&id, |job| {
            let name = job
                .files
                .get(position)
                .map(|(name, _)| name.clone())
                .unwrap_or_default();
            refuse(
                job,
                format!("{name}: could not be written; nothing of the batch was kept."),
            );
        });
    }
    jobs.update(&id, |job| job.finished = true);
}

fn refuse(job: &mut ImportJob, refusal: String) {
    job.refused = Some(refusal);
    job.finished = true;
}

type ReadFile = (stride_core::import::ImportedFile, stride_core::import::ImportContent);

/// Every file read and checked, a zip archive's members each on its own; or the first refusal.
fn read_all(
    jobs: &ImportJobs,
    id: &str,
    files: &[(String, Vec<u8>)],
    stated: stride_ingest::Stated,
) -> Result<Vec<ReadFile>, String> {
    let mut sources = Vec::new();
    for (name, bytes) in files {
        sources.extend(
            stride_ingest::SourceFile::all_from_bytes(name.clone(), bytes, None).map_err(|error| error.to_string())?,
        );
    }
    jobs.update(id, |job| {
        job.files = sources
            .iter()
            .map(|source| (source.name.clone(), FileStage::Waiting))
            .collect();
    });
    stride_ingest::read_batch(&sources, stated, |step| {
        if let stride_ingest::BatchStep::Read { position, file } = step {
            let line = describe_read(file);
            jobs.update(id, |job| job.files[position].1 = FileStage::Read(line));
        }
    })
    .map_err(|error| error.to_string())
}

#[derive(Template)]
#[template(path = "import_job.html")]
struct ImportJobPage {
    chrome: Chrome,
    finished: bool,
    dry_run: bool,
    started_at: String,
    done: usize,
    files: Vec<JobFile>,
    refused: Option<String>,
}

struct JobFile {
    name: String,
    status: &'static str,
    detail: String,
    /// Percent of records staged, while the file is being written.
    percent: Option<usize>,
}

pub async fn job(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(id): Path<String>,
) -> Result<Html<String>, WebError> {
    may_import(&signed_in)?;
    // Only the person who started an upload sees it.
    let job = state
        .imports
        .get(&id)
        .filter(|job| job.account_id == signed_in.account.id)
        .ok_or(WebError::NotFound)?;
    let files: Vec<JobFile> = job
        .files
        .iter()
        .map(|(name, stage)| {
            let (status, detail, percent) = describe_stage(stage, job.finished);
            JobFile {
                name: name.clone(),
                status,
                detail,
                percent,
            }
        })
        .collect();
    render(&ImportJobPage {
        chrome: Chrome::for_user(&signed_in, "imports"),
        finished: job.finished,
        dry_run: job.dry_run,
        started_at: job.started_at.format("%H:%M:%S").to_string(),
        done: job
            .files
            .iter()
            .filter(|(_, stage)| matches!(stage, FileStage::Written(_)))
            .count(),
        files,
        refused: job.refused,
    })
}

/// A file's status, what to say of it, and the share of its records staged while it is written.
fn describe_stage(stage: &FileStage, finished: bool) -> (&'static str, String, Option<usize>) {
    match stage {
        FileStage::Waiting if finished => ("Not written", String::new(), None),
        FileStage::Waiting => ("Waiting", String::new(), None),
        FileStage::Read(line) if finished => ("Read, not written", line.clone(), None),
        FileStage::Read(line) => ("Read and checked", line.clone(), None),
        FileStage::Writing { staged, total } if staged >= total => (
            "Writing",
            format!("All {total} records staged; comparing them with what is held and writing"),
            Some(100),
        ),
        FileStage::Writing { staged, total } => (
            "Writing",
            format!("{staged} of {total} records staged"),
            Some(staged * 100 / (*total).max(1)),
        ),
        FileStage::Written(line) => ("Done", line.clone(), None),
    }
}

/// The shared registry the router's state carries.
pub fn jobs() -> Arc<ImportJobs> {
    Arc::new(ImportJobs::default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_being_written_shows_the_share_staged_and_an_unfinished_batch_says_what_was_not_written() {
        let writing = describe_stage(
            &FileStage::Writing {
                staged: 250,
                total: 1000,
            },
            false,
        );
        assert_eq!(writing, ("Writing", "250 of 1000 records staged".to_owned(), Some(25)));
        let comparing = describe_stage(
            &FileStage::Writing {
                staged: 1000,
                total: 1000,
            },
            false,
        );
        assert_eq!(comparing.2, Some(100));
        assert!(comparing.1.contains("comparing them with what is held"));
        let refused = describe_stage(&FileStage::Read("a.csv: 3 rows".into()), true);
        assert_eq!(refused.0, "Read, not written");
    }
}
