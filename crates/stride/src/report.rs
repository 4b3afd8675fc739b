//! `stride report`: a report from what the database holds, as HTML, an Excel workbook, a PDF or
//! CSV, so that a monthly pack can be produced by a scheduled job.

use anyhow::Context;
use stride_core::report::{ProfileBook, REPORTS, Report, SCHOOL_DATA_PROFILE, build, school_data_profile};
use stride_core::{Account, Role, SchoolScope, Urn};

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
        second_factor: false,
    }
}

/// What `stride report` was asked for.
pub struct ReportRequest<'a> {
    pub name: &'a str,
    pub db: &'a str,
    pub format: ReportFormat,
    pub as_of: Option<chrono::NaiveDate>,
    pub terms_back: usize,
    /// For school data profiles: one school's, rather than every school's.
    pub urn: Option<Urn>,
    /// For the action plans' progress report: this plan's alone (by default, every plan's).
    pub plan: Option<i64>,
    pub output: Option<&'a std::path::Path>,
}

pub async fn report(request: ReportRequest<'_>) -> anyhow::Result<()> {
    let store = open(request.db).await?;
    let as_of = request.as_of.unwrap_or_else(|| chrono::Utc::now().date_naive());
    if request.name == SCHOOL_DATA_PROFILE {
        let bytes = profiles(store.as_ref(), &request, as_of).await?;
        return write_out(request.output, &bytes);
    }
    let mut data = stride_store::report_data(store.as_ref(), &the_command_line()).await?;
    if let Some(plan) = request.plan {
        data.action_plans.retain(|held| held.id == plan);
        anyhow::ensure!(!data.action_plans.is_empty(), "no action plan {plan} is held");
    }
    let report = build(
        request.name,
        &data.evidence(),
        &data.calendar,
        as_of,
        request.terms_back,
    )
    .with_context(|| {
        format!(
            "no report '{}' (or no such term in the LA's calendar); the reports are:\n{}",
            request.name,
            list()
        )
    })?;
    write_out(request.output, &written(&report, request.format)?)
}

fn written(report: &Report, format: ReportFormat) -> anyhow::Result<Vec<u8>> {
    Ok(match format {
        ReportFormat::Html => stride_export::report_to_html(report).into_bytes(),
        ReportFormat::Xlsx => stride_export::report_to_xlsx(report)?,
        ReportFormat::Pdf => stride_export::report_to_pdf(report)?,
        ReportFormat::Csv => stride_export::report_to_csv(report)?,
    })
}

/// One school's profile, or every school's: as a PDF, one after another; otherwise as one
/// book of tables, every school's rows in each.
async fn profiles(
    store: &dyn stride_store::Store,
    request: &ReportRequest<'_>,
    as_of: chrono::NaiveDate,
) -> anyhow::Result<Vec<u8>> {
    if let Some(urn) = request.urn {
        let data = stride_store::school_profile_data(store, &the_command_line(), urn)
            .await?
            .with_context(|| format!("no school with URN {urn} among the LA's open schools"))?;
        let report = school_data_profile(&data.evidence(), urn, as_of).context("the school's profile")?;
        return written(&report, request.format);
    }
    let data = stride_store::profile_data(store, &the_command_line()).await?;
    let evidence = data.evidence();
    if let ReportFormat::Pdf = request.format {
        let mut pack = stride_export::PdfPack::new("School data profiles");
        for urn in &data.visible {
            pack.add(&school_data_profile(&evidence, *urn, as_of).context("a profile of a school held")?);
        }
        return Ok(pack.finish()?);
    }
    let mut book = ProfileBook::default();
    for urn in &data.visible {
        let report = school_data_profile(&evidence, *urn, as_of).context("a profile of a school held")?;
        book.add(*urn, data.school_name(*urn).unwrap_or_default(), &report);
    }
    written(&book.into_report(as_of), request.format)
}
