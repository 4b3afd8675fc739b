//! Readers for the files the DfE and Ofsted publish. Each file is read whole into core values or
//! refused whole with errors that name the file, row, column, value and what was expected.
//!
//! Invariants: nothing here writes to the database; a reader never guesses a value it cannot
//! read (a blank is `None`, never zero); the kind of a file is decided by its header row, not
//! its name.

mod error;
mod gias;
mod source;
mod table;

pub use error::{IngestError, RowError};
pub use source::SourceFile;
pub use table::Table;

use stride_core::import::{FileKind, ImportContent, ImportedFile};

/// The most row errors one refusal lists; the rest are counted.
pub const ERRORS_LISTED: usize = 20;

/// The kind of a file from its header row, if it is one Stride knows. A kind is recognised by the
/// columns that name it, not by every column it needs, so that a file missing a needed column is
/// told which, rather than that it is unknown.
pub fn recognise(headers: &[String]) -> Option<FileKind> {
    let has = |name: &str| headers.iter().any(|header| header == name);
    if has("URN") && has("LinkURN") && has("LinkType") {
        Some(FileKind::GiasLinks)
    } else if has("URN") && has("LA (code)") && (has("TypeOfEstablishment (name)") || has("TypeOfEstablishment (code)"))
    {
        Some(FileKind::GiasEstablishments)
    } else {
        None
    }
}

/// Reads a file of any kind Stride knows into its records.
pub fn read(file: &SourceFile) -> Result<(ImportedFile, ImportContent), IngestError> {
    let table = Table::parse(file)?;
    let kind = recognise(table.headers()).ok_or_else(|| IngestError::UnknownKind {
        file: file.name.clone(),
        header: table.headers().iter().take(6).cloned().collect::<Vec<_>>().join(", "),
        known: FileKind::ALL
            .iter()
            .map(|kind| kind.label())
            .collect::<Vec<_>>()
            .join("; "),
    })?;
    let content = match kind {
        FileKind::GiasEstablishments => ImportContent::Establishments(gias::establishments(&table)?),
        FileKind::GiasLinks => ImportContent::Links(gias::links(&table)?),
    };
    let imported = ImportedFile {
        name: file.name.clone(),
        sha256: file.sha256.clone(),
        kind,
        rows: table.len(),
    };
    Ok((imported, content))
}
