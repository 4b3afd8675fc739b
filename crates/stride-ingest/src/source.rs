//! A published file as bytes: decompressed if it is gzipped, with its SHA-256 as published.

use std::io::Read;
use std::path::Path;

use sha2::{Digest, Sha256};

use crate::IngestError;

#[derive(Debug, Clone)]
pub struct SourceFile {
    pub name: String,
    pub sha256: String,
    /// The file's text, decoded.
    pub text: String,
}

impl SourceFile {
    pub fn read(path: &Path) -> Result<SourceFile, IngestError> {
        let name = path.file_name().map_or_else(
            || path.display().to_string(),
            |name| name.to_string_lossy().into_owned(),
        );
        let bytes = std::fs::read(path).map_err(|source| IngestError::Unreadable {
            file: name.clone(),
            source,
        })?;
        SourceFile::from_bytes(name, &bytes)
    }

    pub fn from_bytes(name: String, bytes: &[u8]) -> Result<SourceFile, IngestError> {
        let sha256 = Sha256::digest(bytes).iter().map(|byte| format!("{byte:02x}")).collect();
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
