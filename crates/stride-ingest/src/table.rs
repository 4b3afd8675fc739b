//! A CSV file as a header and rows, each row with the line it starts on, and the reading of a
//! row's values with errors collected, not stopped at, so one refusal lists every problem.

use std::collections::HashMap;

use crate::{ERRORS_LISTED, IngestError, RowError, SourceFile};

pub struct Table {
    file: String,
    headers: Vec<String>,
    index: HashMap<String, usize>,
    rows: Vec<(u64, csv::StringRecord)>,
}

/// A column the reader needs, found in the header.
#[derive(Debug, Clone, Copy)]
pub struct Column<'a> {
    pub name: &'a str,
    pub(crate) position: usize,
}

pub struct Row<'a> {
    pub line: u64,
    record: &'a csv::StringRecord,
}

impl Row<'_> {
    /// The value in a column, trimmed; empty where a short (ragged or truncated) row has none.
    pub fn get(&self, column: Column<'_>) -> &str {
        self.record.get(column.position).unwrap_or("").trim()
    }

    /// Whether the row reaches the column at all: a blank field is there, a cut-short row's
    /// missing fields are not.
    pub fn has(&self, column: Column<'_>) -> bool {
        column.position < self.record.len()
    }
}

fn trimmed(record: &csv::StringRecord) -> Vec<String> {
    record.iter().map(|field| field.trim().to_owned()).collect()
}

/// Every record that is not blank, with the line of the file it starts on.
fn lines_and_records(file: &SourceFile) -> Result<Vec<(u64, csv::StringRecord)>, IngestError> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(false)
        .from_reader(file.text.as_bytes());
    let not_csv = |error: csv::Error| IngestError::NotCsv {
        file: file.name.clone(),
        detail: error.to_string(),
    };
    let mut rows = Vec::new();
    // The csv reader's own line count passes over blank lines; counting newlines up to each
    // record's first byte gives the line a person sees in an editor.
    let (mut line, mut counted_to) = (1u64, 0usize);
    let bytes = file.text.as_bytes();
    for record in reader.records() {
        let record = record.map_err(not_csv)?;
        let mut start = record
            .position()
            .map_or(counted_to, |position| position.byte() as usize);
        // A record's position is where the reader resumed, before any blank lines it skipped.
        while start < bytes.len() && matches!(bytes[start], b'\n' | b'\r') {
            start += 1;
        }
        line += bytes[counted_to..start.max(counted_to)]
            .iter()
            .filter(|byte| **byte == b'\n')
            .count() as u64;
        counted_to = start.max(counted_to);
        if record.iter().all(|field| field.trim().is_empty()) {
            continue;
        }
        rows.push((line, record));
    }
    Ok(rows)
}

impl Table {
    /// Reads CSV with quoted fields (newlines in them too) and rows longer or shorter than the
    /// header, as DfE files have. The first row is the header.
    pub fn parse(file: &SourceFile) -> Result<Table, IngestError> {
        Table::parse_finding_header(file, |_| true)
    }

    /// As [`parse`](Self::parse), with the header the first of the first few rows that
    /// `is_header` accepts, or the first row if none does: spreadsheets and some DfE downloads
    /// put a title or column letters above it.
    pub fn parse_finding_header(
        file: &SourceFile,
        is_header: impl Fn(&[String]) -> bool,
    ) -> Result<Table, IngestError> {
        const ROWS_ABOVE_HEADER: usize = 10;
        let mut records = lines_and_records(file)?;
        let header_at = records
            .iter()
            .take(ROWS_ABOVE_HEADER)
            .position(|(_, record)| is_header(&trimmed(record)))
            .unwrap_or(0);
        let rows = if records.is_empty() {
            Vec::new()
        } else {
            records.split_off(header_at + 1)
        };
        let headers = records.pop().map(|(_, record)| trimmed(&record)).unwrap_or_default();
        let index = headers
            .iter()
            .enumerate()
            .map(|(position, header)| (header.clone(), position))
            .collect();
        Ok(Table {
            file: file.name.clone(),
            headers,
            index,
            rows,
        })
    }

    /// A table of text written in a test, under a file name.
    #[cfg(test)]
    pub fn from_text(name: &str, text: &str) -> Table {
        Table::parse(&SourceFile {
            name: name.into(),
            sha256: String::new(),
            text: text.into(),
        })
        .expect("parses")
    }

    pub fn headers(&self) -> &[String] {
        &self.headers
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    pub fn file(&self) -> &str {
        &self.file
    }

    pub fn column<'a>(&self, name: &'a str) -> Result<Column<'a>, IngestError> {
        self.optional_column(name).ok_or_else(|| IngestError::MissingColumn {
            file: self.file.clone(),
            column: name.to_owned(),
        })
    }

    pub fn optional_column<'a>(&self, name: &'a str) -> Option<Column<'a>> {
        self.index.get(name).map(|position| Column {
            name,
            position: *position,
        })
    }

    /// The column to the right of another, whatever its name: the DfE's neighbours spreadsheet
    /// heads each closeness column `SNP`.
    pub fn column_after<'t>(&'t self, column: Column<'_>) -> Option<Column<'t>> {
        self.headers.get(column.position + 1).map(|name| Column {
            name,
            position: column.position + 1,
        })
    }

    pub fn rows(&self) -> impl Iterator<Item = Row<'_>> {
        self.rows.iter().map(|(line, record)| Row { line: *line, record })
    }
}

/// The errors met while reading a table.
pub struct Errors {
    file: String,
    listed: Vec<RowError>,
    more: usize,
}

impl Errors {
    pub fn new(table: &Table) -> Errors {
        Errors {
            file: table.file().to_owned(),
            listed: Vec::new(),
            more: 0,
        }
    }

    pub fn push(&mut self, row: &Row<'_>, column: Column<'_>, expected: &str) {
        self.note(RowError {
            row: row.line,
            column: column.name.to_owned(),
            value: row.get(column).to_owned(),
            expected: expected.to_owned(),
        });
    }

    /// As [`Errors::push`], for a column of personal data: the value is not kept.
    pub fn push_personal(&mut self, row: &Row<'_>, column: Column<'_>, expected: &str) {
        self.note(RowError {
            row: row.line,
            column: column.name.to_owned(),
            value: crate::error::WITHHELD.to_owned(),
            expected: expected.to_owned(),
        });
    }

    /// A row wrong as a whole, said in a sentence.
    pub fn push_row(&mut self, row: &Row<'_>, problem: String) {
        self.note(RowError {
            row: row.line,
            column: String::new(),
            value: String::new(),
            expected: problem,
        });
    }

    fn note(&mut self, error: RowError) {
        if self.listed.len() < ERRORS_LISTED {
            self.listed.push(error);
        } else {
            self.more += 1;
        }
    }

    /// Reads a value that must be there, noting an error if it is blank or does not parse.
    pub fn required<T>(
        &mut self,
        row: &Row<'_>,
        column: Column<'_>,
        expected: &str,
        parse: impl FnOnce(&str) -> Option<T>,
    ) -> Option<T> {
        let parsed = parse(row.get(column));
        if parsed.is_none() {
            self.push(row, column, expected);
        }
        parsed
    }

    /// Reads a value that may be blank, noting an error if it is there but does not parse.
    pub fn optional<T>(
        &mut self,
        row: &Row<'_>,
        column: Column<'_>,
        expected: &str,
        parse: impl FnOnce(&str) -> Option<T>,
    ) -> Option<T> {
        if row.get(column).is_empty() {
            None
        } else {
            self.required(row, column, expected, parse)
        }
    }

    pub fn finish<T>(self, value: T) -> Result<T, IngestError> {
        if self.listed.is_empty() {
            Ok(value)
        } else {
            Err(IngestError::Rows {
                file: self.file,
                errors: self.listed,
                more: self.more,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(text: &str) -> Table {
        Table::from_text("t.csv", text)
    }

    #[test]
    fn quoted_newlines_ragged_rows_and_blank_lines_are_read() {
        let table = table("URN,Name,Note\n100000,\"Ash\nPrimary\",x,extra\n\n100001,Beech\n");
        assert_eq!(table.len(), 2);
        let name = table.column("Name").expect("column");
        let note = table.column("Note").expect("column");
        let rows: Vec<_> = table.rows().collect();
        assert_eq!(rows[0].get(name), "Ash\nPrimary");
        assert_eq!((rows[1].line, rows[1].get(note)), (5, ""));
    }

    #[test]
    fn errors_name_the_row_and_column_and_stop_listing_at_a_limit() {
        let mut text = String::from("URN\n");
        for _ in 0..25 {
            text.push_str("bad\n");
        }
        let table = table(&text);
        let urn = table.column("URN").expect("column");
        let mut errors = Errors::new(&table);
        for row in table.rows() {
            errors.required(&row, urn, "a URN", |value| value.parse::<u32>().ok());
        }
        match errors.finish(()) {
            Err(IngestError::Rows { errors, more, .. }) => {
                assert_eq!(errors.len(), ERRORS_LISTED);
                assert_eq!(more, 5);
                assert_eq!(errors[0].to_string(), "row 2, column URN: 'bad' is not a URN");
            }
            other => panic!("expected row errors, got {other:?}"),
        }
    }
}
