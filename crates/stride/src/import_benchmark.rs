//! `stride bench import`: every published file in a folder read, checked and written into a new
//! SQLite file as `stride import` does it, timed, with the process's peak memory, to set beside
//! a plain load of the same files as untyped text (`scripts/bench-import`).

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use stride_store::Store;

/// What one run did and took.
#[derive(Debug, Clone)]
pub struct ImportBenchmark {
    pub files: usize,
    pub rows: usize,
    pub records: usize,
    pub seconds: f64,
    /// When the last file had been read and checked, in seconds from the start: the writing of
    /// the files before it runs alongside.
    pub reading_seconds: f64,
    /// Each file and the seconds its writing took, slowest first.
    pub writing: Vec<(String, f64)>,
    /// The process's peak resident memory, where the system tells it.
    pub peak_resident_mib: Option<f64>,
}

/// The files Stride reads under a folder, in name order: CSV (plain or gzipped), zip archives,
/// workbooks and parquet files. Other files (a README) are left out.
pub fn published_files(folder: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    let mut folders = vec![folder.to_path_buf()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder)? {
            let path = entry?.path();
            let name = path.to_string_lossy().to_lowercase();
            if path.is_dir() {
                folders.push(path);
            } else if [".csv", ".csv.gz", ".zip", ".xlsx", ".parquet"]
                .iter()
                .any(|ending| name.ends_with(ending))
            {
                files.push(path);
            }
        }
    }
    files.sort();
    Ok(files)
}

/// What a person importing would state of a file whose name does not say it: the year its
/// folder names (`2018-2019_england`), and then that results not named provisional are final.
fn statements(path: &Path) -> [stride_ingest::Stated; 3] {
    let folder = path
        .parent()
        .and_then(Path::file_name)
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    let year = stride_ingest::year_in_name(&folder);
    [
        stride_ingest::Stated::default(),
        stride_ingest::Stated { year, release: None },
        stride_ingest::Stated {
            year,
            release: Some(stride_core::Release::Final),
        },
    ]
}

fn read_stating(
    path: &Path,
    source: &stride_ingest::SourceFile,
    beside: &[stride_ingest::SourceFile],
) -> Result<(stride_core::import::ImportedFile, stride_core::import::ImportContent), stride_ingest::IngestError> {
    let mut outcome = None;
    for stated in statements(path) {
        match stride_ingest::read_among(source, beside, stated) {
            Err(error @ stride_ingest::IngestError::Edition { .. }) => outcome = Some(Err(error)),
            other => return other,
        }
    }
    outcome.unwrap_or_else(|| stride_ingest::read_among(source, beside, stride_ingest::Stated::default()))
}

/// Imports every file as `stride import` does: read side by side, each written as soon as it
/// and those before it are read, the batch in one transaction.
pub async fn import_all(store: &Arc<dyn Store>, files: &[PathBuf]) -> anyhow::Result<ImportBenchmark> {
    let started = Instant::now();
    let paths = files.to_vec();
    let last_read = Arc::new(Mutex::new(0.0_f64));
    let read = {
        let last_read = Arc::clone(&last_read);
        move |position: usize, source: &stride_ingest::SourceFile, beside: &[stride_ingest::SourceFile]| {
            let read = read_stating(&paths[position], source, beside);
            if let Ok(mut last_read) = last_read.lock() {
                *last_read = last_read.max(started.elapsed().as_secs_f64());
            }
            read
        }
    };
    let writing = Mutex::new((Vec::new(), Instant::now(), 0));
    let told = |step: stride_store::BatchWriting<'_>| {
        let Ok(mut writing) = writing.lock() else { return };
        match step {
            stride_store::BatchWriting::Started { .. } => writing.1 = Instant::now(),
            stride_store::BatchWriting::Records { .. } => {}
            stride_store::BatchWriting::Written { file, .. } => {
                let seconds = writing.1.elapsed().as_secs_f64();
                writing.0.push((file.name.clone(), seconds));
                writing.2 += file.rows;
            }
        }
    };
    let batch = crate::batch_import::Batch {
        paths: files.to_vec(),
        sheet: None,
    };
    let summaries = crate::batch_import::read_and_write(store, batch, read, false, &told).await?;
    let seconds = started.elapsed().as_secs_f64();
    let (mut writing, _, rows) = writing.into_inner().map_err(|_| anyhow::anyhow!("a writer panicked"))?;
    writing.sort_by(|first, second| second.1.total_cmp(&first.1));
    let reading_seconds = last_read.lock().map_or(0.0, |last_read| *last_read);
    Ok(ImportBenchmark {
        files: summaries.len(),
        rows,
        records: summaries
            .iter()
            .map(|summary| summary.added + summary.changed + summary.unchanged)
            .sum(),
        seconds,
        reading_seconds,
        writing,
        peak_resident_mib: peak_resident_mib(),
    })
}

/// Linux's high-water mark of resident memory for this process.
pub fn peak_resident_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_benchmark_takes_every_file_stride_reads_and_no_other() {
        let folder = tempfile::tempdir().expect("temporary directory");
        let nested = folder.path().join("lait");
        std::fs::create_dir(&nested).expect("folder");
        for name in [
            "a.csv",
            "lait/b.csv.gz",
            "lait/c.parquet",
            "d.zip",
            "e.xlsx",
            "SOURCES.md",
        ] {
            std::fs::write(folder.path().join(name), b"").expect("written");
        }
        let names: Vec<String> = published_files(folder.path())
            .expect("lists")
            .iter()
            .map(|path| path.strip_prefix(folder.path()).expect("inside").display().to_string())
            .collect();
        assert_eq!(names, ["a.csv", "d.zip", "e.xlsx", "lait/b.csv.gz", "lait/c.parquet"]);
    }

    #[test]
    fn a_performance_tables_file_takes_its_year_from_its_folder() {
        let [first, by_folder, final_release] = statements(Path::new("data/2018-2019_england/england_census.csv"));
        assert_eq!(first.year, None);
        assert_eq!(by_folder.year, Some(stride_core::AcademicYear::starting(2018)));
        assert_eq!(final_release.release, Some(stride_core::Release::Final));
    }
}
