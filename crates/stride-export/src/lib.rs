//! Writes report tables as CSV and XLSX, and due dates as an iCalendar feed, so that every table a page shows can be taken away in
//! the form an analyst will open it in, with the same figures.
//!
//! Invariant: the figures written are the table's cells, typed: numbers stay numbers in the
//! workbook, and a missing figure is written as its mark, never as zero.

mod icalendar;
mod pdf;
mod report;
pub mod svg;

pub use icalendar::{CalendarEvent, to_icalendar};
pub use pdf::{PdfPack, report_to_pdf};
pub use report::{report_to_csv, report_to_html, report_to_xlsx};

use chrono::Datelike;
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, XlsxError};
use stride_core::table::{Cell, Table};

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("could not write the CSV file: {0}")]
    Csv(#[from] csv::Error),
    #[error("could not write the workbook: {0}")]
    Xlsx(#[from] XlsxError),
    #[error("could not finish the CSV file: {0}")]
    Finish(String),
    #[error("could not write the PDF: {0}")]
    Pdf(String),
}

/// The table as CSV with a header row, numbers written with their published decimals.
pub fn to_csv(table: &Table) -> Result<Vec<u8>, ExportError> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(table.columns.iter().map(|column| column.heading.as_str()))?;
    for row in &table.rows {
        writer.write_record(row.iter().map(|cell| protect_formula(cell.display())))?;
    }
    writer
        .into_inner()
        .map_err(|error| ExportError::Finish(error.to_string()))
}

/// Spreadsheet programs run a cell that begins with = + - or @ as a formula; a school name or a
/// note must never do that. Numbers are written by us and may start with a minus sign.
pub(crate) fn protect_formula(text: String) -> String {
    let looks_numeric = text.parse::<f64>().is_ok();
    if !looks_numeric && text.starts_with(['=', '+', '-', '@']) {
        format!("'{text}")
    } else {
        text
    }
}

/// The table as a one-sheet workbook: a bold, frozen header row, numbers as numbers with their
/// decimals, dates as dates.
pub fn to_xlsx(table: &Table) -> Result<Vec<u8>, ExportError> {
    let mut workbook = Workbook::new();
    write_sheet(&mut workbook, table, &sheet_name(&table.title))?;
    Ok(workbook.save_to_buffer()?)
}

/// A table as a sheet of a workbook, under a name.
pub(crate) fn write_sheet(workbook: &mut Workbook, table: &Table, name: &str) -> Result<(), ExportError> {
    let sheet = workbook.add_worksheet();
    sheet.set_name(name)?;
    let header = Format::new().set_bold().set_text_wrap();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    for (column, heading) in table.columns.iter().enumerate() {
        sheet.write_string_with_format(0, column as u16, &heading.heading, &header)?;
        sheet.set_column_width(column as u16, if heading.numeric { 12 } else { 24 })?;
    }
    sheet.set_freeze_panes(1, 0)?;
    for (index, row) in table.rows.iter().enumerate() {
        let row_number = index as u32 + 1;
        for (column, cell) in row.iter().enumerate() {
            let column = column as u16;
            match cell {
                Cell::Integer(value) => {
                    sheet.write_number(row_number, column, *value as f64)?;
                }
                Cell::Number { value, decimals } | Cell::Sourced { value, decimals, .. } => {
                    let format = Format::new().set_num_format(number_format(*decimals));
                    sheet.write_number_with_format(row_number, column, *value, &format)?;
                }
                Cell::Date(day) => {
                    let day = ExcelDateTime::from_ymd(day.year() as u16, day.month() as u8, day.day() as u8)?;
                    sheet.write_date_with_format(row_number, column, &day, &date)?;
                }
                Cell::Text(text) | Cell::Missing(text) => {
                    if !text.is_empty() {
                        sheet.write_string(row_number, column, text)?;
                    }
                }
            }
        }
    }
    Ok(())
}

fn number_format(decimals: usize) -> String {
    if decimals == 0 {
        "0".to_owned()
    } else {
        format!("0.{}", "0".repeat(decimals))
    }
}

/// Excel limits sheet names to 31 characters and forbids some.
pub(crate) fn sheet_name(title: &str) -> String {
    let cleaned: String = title
        .chars()
        .filter(|c| !matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\'))
        .collect();
    let trimmed: String = cleaned.chars().take(31).collect();
    if trimmed.trim().is_empty() {
        "Table".to_owned()
    } else {
        trimmed
    }
}

#[cfg(test)]
mod tests {
    use calamine::{Data, Reader, Xlsx};
    use chrono::NaiveDate;
    use stride_core::table::Column;

    use super::*;

    fn table() -> Table {
        Table {
            title: "Schools: a test [draft]".to_owned(),
            columns: vec![
                Column::text("Name"),
                Column::number("Roll"),
                Column::number("Progress 8"),
                Column::text("Published"),
            ],
            rows: vec![
                vec![
                    Cell::Text("=HYPERLINK(\"x\")".to_owned()),
                    Cell::Integer(412),
                    Cell::Number {
                        value: -0.25,
                        decimals: 2,
                    },
                    Cell::Date(NaiveDate::from_ymd_opt(2025, 3, 14).expect("valid date")),
                ],
                vec![
                    Cell::Text("Ash Primary".to_owned()),
                    Cell::Integer(96),
                    Cell::Missing("SUPP".to_owned()),
                    Cell::Missing(String::new()),
                ],
            ],
        }
    }

    #[test]
    fn csv_keeps_the_figures_and_defuses_formulas() {
        let text = String::from_utf8(to_csv(&table()).expect("csv")).expect("utf-8");
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "Name,Roll,Progress 8,Published");
        assert_eq!(lines[1], "\"'=HYPERLINK(\"\"x\"\")\",412,-0.25,2025-03-14");
        assert_eq!(lines[2], "Ash Primary,96,SUPP,");
    }

    #[test]
    fn the_workbook_reads_back_with_numbers_as_numbers() {
        let bytes = to_xlsx(&table()).expect("xlsx");
        let mut workbook: Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).expect("opens");
        let sheets = workbook.sheet_names();
        assert_eq!(sheets, vec!["Schools a test draft".to_owned()]);
        let range = workbook.worksheet_range(&sheets[0]).expect("sheet");
        assert_eq!(range.get((0, 1)), Some(&Data::String("Roll".to_owned())));
        assert_eq!(range.get((1, 1)), Some(&Data::Float(412.0)));
        assert_eq!(range.get((1, 2)), Some(&Data::Float(-0.25)));
        assert_eq!(range.get((2, 2)), Some(&Data::String("SUPP".to_owned())));
    }
}
