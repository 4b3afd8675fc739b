//! A published file as text: decompressed if it is gzipped, each CSV in a zip archive on its own,
//! and a spreadsheet's sheet written out as CSV, with the SHA-256 of the bytes as published.

use std::io::{Cursor, Read};
use std::path::Path;

use calamine::{Data, Reader};
use sha2::{Digest, Sha256};

use crate::IngestError;

#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The file's name; a member of an archive is named `archive.zip/member.csv`.
    pub name: String,
    /// Of the bytes as published: a gzipped file's compressed bytes, a zip member's own.
    pub sha256: String,
    /// The file's text, decoded; a spreadsheet's sheet as CSV, a row of text for each of its
    /// rows, so that row numbers are the spreadsheet's.
    pub text: String,
}

fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|byte| format!("{byte:02x}")).collect()
}

fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |name| name.to_string_lossy().into_owned(),
    )
}

impl SourceFile {
    pub fn read(path: &Path) -> Result<SourceFile, IngestError> {
        let name = file_name(path);
        let bytes = std::fs::read(path).map_err(|source| IngestError::Unreadable {
            file: name.clone(),
            source,
        })?;
        SourceFile::from_bytes(name, &bytes)
    }

    /// The files a path holds: itself, or each CSV in a zip archive; a spreadsheet's first sheet,
    /// or the one named.
    pub fn read_all(path: &Path, sheet: Option<&str>) -> Result<Vec<SourceFile>, IngestError> {
        let name = file_name(path);
        let bytes = std::fs::read(path).map_err(|source| IngestError::Unreadable {
            file: name.clone(),
            source,
        })?;
        SourceFile::all_from_bytes(name, &bytes, sheet)
    }

    pub fn all_from_bytes(name: String, bytes: &[u8], sheet: Option<&str>) -> Result<Vec<SourceFile>, IngestError> {
        let is_zip = bytes.starts_with(b"PK\x03\x04");
        let lower = name.to_ascii_lowercase();
        if bytes.starts_with(b"PAR1") {
            // The parquet crate panics on some malformed files rather than returning an error;
            // a file that makes it panic is refused like any other unreadable file.
            let guarded = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| parquet_file(name.clone(), bytes)));
            match guarded {
                Ok(read) => Ok(vec![read?]),
                Err(_) => Err(unreadable(&name, "it is not a parquet file Stride can read")),
            }
        } else if is_zip && (lower.ends_with(".xlsx") || lower.ends_with(".xlsm")) {
            Ok(vec![spreadsheet(name, bytes, sheet)?])
        } else if is_zip {
            archive_members(&name, bytes)
        } else {
            Ok(vec![SourceFile::from_bytes(name, bytes)?])
        }
    }

    pub fn from_bytes(name: String, bytes: &[u8]) -> Result<SourceFile, IngestError> {
        let sha256 = sha256(bytes);
        let decompressed;
        let content = if bytes.starts_with(&[0x1f, 0x8b]) {
            let mut buffer = Vec::new();
            flate2::read::MultiGzDecoder::new(bytes)
                .read_to_end(&mut buffer)
                .map_err(|source| IngestError::Unreadable {
                    file: name.clone(),
                    source,
                })?;
            decompressed = buffer;
            decompressed.as_slice()
        } else {
            bytes
        };
        Ok(SourceFile {
            text: decode(content),
            name,
            sha256,
        })
    }
}

fn unreadable(file: &str, detail: impl std::fmt::Display) -> IngestError {
    IngestError::NotCsv {
        file: file.to_owned(),
        detail: detail.to_string(),
    }
}

/// Each CSV in a zip archive, gzipped or not; other members (a README, a folder) are passed by.
fn archive_members(name: &str, bytes: &[u8]) -> Result<Vec<SourceFile>, IngestError> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|error| unreadable(name, error))?;
    let mut members = Vec::new();
    for index in 0..archive.len() {
        let mut member = archive.by_index(index).map_err(|error| unreadable(name, error))?;
        let member_name = member.name().map_err(|error| unreadable(name, error))?.into_owned();
        let lower = member_name.to_ascii_lowercase();
        if member.is_dir() || !(lower.ends_with(".csv") || lower.ends_with(".csv.gz")) {
            continue;
        }
        let mut content = Vec::new();
        member
            .read_to_end(&mut content)
            .map_err(|source| IngestError::Unreadable {
                file: format!("{name}/{member_name}"),
                source,
            })?;
        members.push(SourceFile::from_bytes(format!("{name}/{member_name}"), &content)?);
    }
    if members.is_empty() {
        return Err(unreadable(name, "the archive holds no CSV file"));
    }
    Ok(members)
}

/// A sheet written out as CSV, with a blank line for each row above its first so that the row
/// numbers an error gives are the spreadsheet's.
fn spreadsheet(name: String, bytes: &[u8], sheet: Option<&str>) -> Result<SourceFile, IngestError> {
    let mut workbook =
        calamine::open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(|error| unreadable(&name, error))?;
    let range = match sheet {
        Some(sheet) => workbook.worksheet_range(sheet).map_err(|_| {
            unreadable(
                &name,
                format!(
                    "it has no sheet '{sheet}'; its sheets are {}",
                    workbook.sheet_names().join(", ")
                ),
            )
        })?,
        None => workbook
            .worksheet_range_at(0)
            .ok_or_else(|| unreadable(&name, "it has no sheets"))?
            .map_err(|error| unreadable(&name, error))?,
    };
    let mut text = "\n".repeat(range.start().map_or(0, |(row, _)| row as usize));
    let mut writer = csv::WriterBuilder::new().flexible(true).from_writer(Vec::new());
    for row in range.rows() {
        writer
            .write_record(row.iter().map(cell_text))
            .map_err(|error| unreadable(&name, error))?;
    }
    let written = writer.into_inner().map_err(|error| unreadable(&name, error))?;
    text.push_str(&String::from_utf8_lossy(&written));
    Ok(SourceFile {
        sha256: sha256(bytes),
        name,
        text,
    })
}

/// A parquet file as the CSV text of its rows.
fn parquet_file(name: String, bytes: &[u8]) -> Result<SourceFile, IngestError> {
    let written = crate::parquet_text::as_csv(bytes).map_err(|refusal| unreadable(&name, refusal))?;
    Ok(SourceFile {
        sha256: sha256(bytes),
        text: String::from_utf8_lossy(&written).into_owned(),
        name,
    })
}

/// A cell as a CSV file of the same sheet would write it: whole numbers without a decimal
/// point, dates as ISO dates.
fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(text) | Data::DateTimeIso(text) | Data::DurationIso(text) => text.clone(),
        Data::Float(number) if number.fract() == 0.0 && number.abs() < 1e15 => format!("{}", *number as i64),
        Data::Float(number) => number.to_string(),
        Data::Int(number) => number.to_string(),
        Data::Bool(value) => value.to_string(),
        Data::DateTime(date) => date
            .as_datetime()
            .map(|moment| {
                if moment.time() == chrono::NaiveTime::MIN {
                    moment.date().to_string()
                } else {
                    moment.to_string()
                }
            })
            .unwrap_or_else(|| date.as_f64().to_string()),
        Data::Error(error) => format!("#{error}"),
    }
}

/// Text as UTF-8 (without a byte-order mark), or, failing that, as Windows-1252, which older
/// DfE downloads and files saved from Excel use.
fn decode(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(&[0xef, 0xbb, 0xbf]).unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_owned(),
        Err(_) => bytes.iter().map(|byte| windows_1252(*byte)).collect(),
    }
}

fn windows_1252(byte: u8) -> char {
    const HIGH: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž', '\u{8f}', '\u{90}', '‘',
        '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9d}', 'ž', 'Ÿ',
    ];
    match byte {
        0x80..=0x9f => HIGH[usize::from(byte - 0x80)],
        _ => char::from(byte),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_byte_order_mark_is_dropped_and_windows_1252_is_read() {
        let with_mark = SourceFile::from_bytes("a.csv".into(), b"\xef\xbb\xbfURN,Name\n").expect("reads");
        assert_eq!(with_mark.text, "URN,Name\n");
        let windows = SourceFile::from_bytes("b.csv".into(), b"St Mary\x92s \xa3").expect("reads");
        assert_eq!(windows.text, "St Mary’s £");
    }

    #[test]
    fn a_parquet_file_that_makes_the_parquet_crate_panic_is_refused() {
        // Found by the fuzzer: a small parquet file with a damaged footer.
        let bytes = include_bytes!("../tests/data/malformed.parquet");
        let refused = SourceFile::all_from_bytes("malformed.parquet".into(), bytes, None).expect_err("refused");
        assert!(refused.to_string().contains("malformed.parquet"), "{refused}");
    }

    #[test]
    fn a_gzipped_file_is_read_and_hashed_as_published() {
        use std::io::Write;
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        encoder.write_all(b"URN,Name\n100000,Ash\n").expect("compresses");
        let compressed = encoder.finish().expect("finishes");
        let file = SourceFile::from_bytes("c.csv.gz".into(), &compressed).expect("reads");
        assert_eq!(file.text, "URN,Name\n100000,Ash\n");
        let plain = SourceFile::from_bytes("c.csv".into(), b"URN,Name\n100000,Ash\n").expect("reads");
        assert_ne!(file.sha256, plain.sha256, "the hash is of the file as published");
    }
}
