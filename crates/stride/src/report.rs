//! `stride report`: a report from what the database holds, as HTML, an Excel workbook, a PDF or
//! CSV, so that a monthly pack can be produced by a scheduled job.

use anyhow::Context;
use stride_core::report::{REPORTS, build};
use stride_core::{Account, Role, SchoolScope};

use crate::{open, write_out};

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum ReportFormat {
    Html,
    Xlsx,
    Pdf,
    Csv,
}

/// The reports, a line each: name, title and what it holds.
pub fn list() -> String {
    REPORTS
        .iter()
        .map(|report| format!("{:<18} {}: {}\n", report.name, report.title, report.what))
        .collect()
}

/// Whoever runs the command has the database itself: every school of the LA.
fn the_command_line() -> Account {
    Account {
        id: 0,
        username: "command-line".to_owned(),
        display_name: "stride report".to_owned(),
        role: Role::Administrator,
        scope: SchoolScope::AllSchools,
    }
}

pub async fn report(
    name: &str,
    db: &str,
    format: ReportFormat,
    as_of: Option<chrono::NaiveDate>,
    terms_back: usize,
    output: Option<&std::path::Path>,
) -> anyhow::Result<()> {
    let store = open(db).await?;
    let data = stride_store::report_data(store.as_ref(), &the_command_line()).await?;
    let as_of = as_of.unwrap_or_else(|| chrono::Utc::now().date_naive());
    let report = build(name, &data.evidence(), &data.calendar, as_of, terms_back).with_context(|| {
        format!(
            "no report '{name}' (or no such term in the LA's calendar); the reports are:\n{}",
            list()
        )
    })?;
    let bytes = match format {
        ReportFormat::Html => stride_export::report_to_html(&report).into_bytes(),
        ReportFormat::Xlsx => stride_export::report_to_xlsx(&report)?,
        ReportFormat::Pdf => stride_export::report_to_pdf(&report)?,
        ReportFormat::Csv => stride_export::report_to_csv(&report)?,
    };
    write_out(output, &bytes)
}
