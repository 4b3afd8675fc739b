//! The readers on the real files the DfE publishes, in `../shared/data` beside the repository.

use std::path::{Path, PathBuf};

use stride_core::import::{FileKind, ImportContent};
use stride_ingest::SourceFile;

/// The real DfE and Ofsted files: `STRIDE_DATA_DIR`, or the `shared/data` folder beside the
/// repository (or beside any folder above it).
fn data(path: &str) -> PathBuf {
    let root = std::env::var_os("STRIDE_DATA_DIR").map(PathBuf::from).or_else(|| {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .ancestors()
            .map(|folder| folder.join("shared/data"))
            .find(|candidate| candidate.is_dir())
    });
    root.unwrap_or_else(|| {
        panic!("the real data files are needed: put shared/data beside the repository, or set STRIDE_DATA_DIR")
    })
    .join(path)
}

/// Rows of a CSV file counted without Stride's reader.
fn independent_row_count(path: &str) -> usize {
    let text = String::from_utf8_lossy(&std::fs::read(data(path)).expect("readable")).into_owned();
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(text.as_bytes());
    reader
        .records()
        .filter(|record| {
            record
                .as_ref()
                .is_ok_and(|record| record.iter().any(|field| !field.is_empty()))
        })
        .count()
}

#[test]
fn the_gias_extracts_read_whole() {
    for (path, rows) in [("gias/2021_936_gias.csv", 590), ("gias/20220420_gias.csv", 1_096)] {
        let file = SourceFile::read(&data(path)).expect("readable");
        let (imported, content) = stride_ingest::read(&file, stride_ingest::Stated::default()).expect("reads");
        assert_eq!(imported.kind, FileKind::GiasEstablishments);
        assert_eq!(imported.rows, independent_row_count(path));
        assert_eq!(imported.rows, rows);
        let ImportContent::Establishments(records) = content else {
            panic!("establishments")
        };
        assert_eq!(records.len(), rows);
    }
}

#[test]
fn the_links_file_reads_whole() {
    let file = SourceFile::read(&data("gias/links_edubasealldata20250422.csv")).expect("readable");
    let (imported, content) = stride_ingest::read(&file, stride_ingest::Stated::default()).expect("reads");
    assert_eq!(imported.kind, FileKind::GiasLinks);
    let ImportContent::Links(links) = content else {
        panic!("links")
    };
    assert_eq!(
        links.len(),
        independent_row_count("gias/links_edubasealldata20250422.csv")
    );
    assert_eq!(links.len(), 33_801);
}

#[test]
fn a_file_of_another_kind_is_refused_with_the_kinds_stride_knows() {
    let file =
        SourceFile::from_bytes("staff.csv".into(), b"Name,Role,Started\nA. Head,Headteacher,2020\n").expect("readable");
    let message = stride_ingest::read(&file, stride_ingest::Stated::default())
        .expect_err("not a kind Stride knows")
        .to_string();
    assert!(
        message.contains("staff.csv: is not a kind of file Stride knows"),
        "{message}"
    );
    assert!(message.contains("its header begins: Name, Role, Started"), "{message}");
    for kind in stride_core::import::FileKind::ALL {
        assert!(message.contains(kind.label()), "{message} lists {kind:?}");
    }
}
