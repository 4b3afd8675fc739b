//! Any bytes, as a file an officer might import, under each name that changes how it is read (chosen by its last byte)
//! (plain or gzipped CSV, a zip archive, a workbook): Stride reads it or refuses it with an
//! error, and never panics. The same bytes as a register marks file go through the marks counter
//! too, whose fields are cut by hand.

#![no_main]

use libfuzzer_sys::fuzz_target;

const NAMES: [&str; 3] = ["published.csv", "published.zip", "published.xlsx"];

fuzz_target!(|bytes: &[u8]| {
    // Parquet is read by the parquet crate, which panics on some malformed files; Stride catches
    // that and refuses the file, but the fuzzer's panic hook aborts before it can, so parquet is
    // left to the crate's own fuzzing.
    if bytes.starts_with(b"PAR1") {
        return;
    }
    let name = NAMES[usize::from(bytes.last().copied().unwrap_or(0)) % NAMES.len()];
    let _ = stride_ingest::summarise_marks("marks.csv", bytes);
    let Ok(files) = stride_ingest::SourceFile::all_from_bytes(name.to_owned(), bytes, None) else {
        return;
    };
    for file in &files {
        let _ = stride_ingest::read_among(file, &files, stride_ingest::Stated::default());
    }
});
