use std::fmt;

/// One value that could not be read, and where it is; or, with no column, a row that is wrong
/// as a whole (a school given twice).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    /// The line of the file, counting the header as line 1, as a spreadsheet numbers rows.
    pub row: u64,
    pub column: String,
    pub value: String,
    pub expected: String,
}

/// Stands for a value of personal data in a row error, which names where the value is and what
/// was expected but never repeats it: errors are printed, logged and shown on pages.
pub const WITHHELD: &str = "\u{2063}withheld";

impl fmt::Display for RowError {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.column.is_empty() {
            write!(formatter, "row {}: {}", self.row, self.expected)
        } else if self.value == WITHHELD {
            write!(
                formatter,
                "row {}, column {}: the value (not repeated: it is personal data) is not {}",
                self.row, self.column, self.expected
            )
        } else {
            write!(
                formatter,
                "row {}, column {}: '{}' is not {}",
                self.row, self.column, self.value, self.expected
            )
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error("{file}: could not be read: {source}")]
    Unreadable {
        file: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{file}: is not a CSV file Stride can read: {detail}")]
    NotCsv { file: String, detail: String },
    #[error("{file}: is not a kind of file Stride knows (its header begins: {header}). Stride reads: {known}")]
    UnknownKind {
        file: String,
        header: String,
        known: String,
    },
    #[error("{file}: cannot be filed under a year and release: {detail}")]
    Edition { file: String, detail: String },
    #[error("{file}: has no column '{column}', which this kind of file must have")]
    MissingColumn { file: String, column: String },
    #[error("{file}: refused, nothing was imported:\n{}{}", list(errors), more_line(*more))]
    Rows {
        file: String,
        errors: Vec<RowError>,
        more: usize,
    },
}

fn list(errors: &[RowError]) -> String {
    errors.iter().map(|error| format!("  {error}\n")).collect()
}

fn more_line(more: usize) -> String {
    if more == 0 {
        String::new()
    } else {
        format!("  and {more} more errors like these\n")
    }
}
