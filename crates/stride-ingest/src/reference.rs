//! Reference files that come with the performance tables: the list of LA and region codes, and
//! the column dictionaries (`*meta*.csv`) that say what each column of a download means.

use stride_core::LaCode;
use stride_core::import::{ColumnDescription, LocalAuthorityRecord};

use crate::IngestError;
use crate::table::{Errors, Table};

const LAIT_AREAS: u32 = 970;

/// The performance tables' list (`LEA`, `REGION NAME`) or LAIT's (`LA Number`, `Region`).
pub fn local_authorities(table: &Table) -> Result<Vec<LocalAuthorityRecord>, IngestError> {
    let (code_column, region_column) = match table.optional_column("LEA") {
        Some(code) => (code, table.column("REGION NAME")?),
        None => (table.column("LA Number")?, table.column("Region")?),
    };
    let name_column = table.column("LA Name")?;
    let mut errors = Errors::new(table);
    let mut records = Vec::with_capacity(table.len());
    for row in table.rows() {
        // LAIT's list ends with England and its regions, numbered 970 and above, with no region
        // (blank in the CSV, NA in the spreadsheet).
        let number: Option<u32> = row.get(code_column).parse().ok();
        if number.is_some_and(|number| number >= LAIT_AREAS) && matches!(row.get(region_column), "" | "NA") {
            continue;
        }
        let code = errors.required(&row, code_column, "an LA code: three digits", |value| {
            value.parse().ok().and_then(|code| LaCode::new(code).ok())
        });
        let name = errors.required(&row, name_column, "the LA's name", non_empty);
        let region = errors.required(&row, region_column, "the region's name", |value| {
            (!value.is_empty()).then(|| stride_core::region_name(value))
        });
        if let (Some(code), Some(name), Some(region)) = (code, name, region) {
            records.push(LocalAuthorityRecord { code, name, region });
        }
    }
    errors.finish(records)
}

/// A dictionary names each column under "Metafile heading" (key stage 4) or "Field Name"
/// (key stage 2), and describes it in the column after.
pub fn column_dictionary(table: &Table) -> Result<Vec<ColumnDescription>, IngestError> {
    let (heading_column, description_column) = match table.optional_column("Metafile heading") {
        Some(heading) => (heading, table.column("Metafile description")?),
        None => (table.column("Field Name")?, table.column("Label/Description")?),
    };
    let mut errors = Errors::new(table);
    let mut descriptions = Vec::with_capacity(table.len());
    for row in table.rows() {
        let column = errors.required(&row, heading_column, "a column's name", non_empty);
        if let Some(column) = column {
            descriptions.push(ColumnDescription {
                column,
                description: row.get(description_column).to_owned(),
            });
        }
    }
    errors.finish(descriptions)
}

fn non_empty(value: &str) -> Option<String> {
    (!value.is_empty()).then(|| value.to_owned())
}
