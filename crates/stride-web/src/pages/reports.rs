//! Reports for management, scrutiny and cabinet: the list, each report as a page from what
//! Stride holds today, and the same report as a PDF, an Excel workbook or CSV.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Response};
use serde::Deserialize;
use stride_core::report::{REPORTS, Report, SCHOOL_DATA_PROFILE, build, find_report};

use crate::pages::render;
use crate::session::SignedIn;
use crate::view::{Chrome, ShownTable, long_date};
use crate::{AppState, WebError};

fn reading(signed_in: &SignedIn) -> Result<(), WebError> {
    if signed_in.account.role.can_read_reports() {
        Ok(())
    } else {
        Err(WebError::Forbidden)
    }
}

#[derive(Template)]
#[template(path = "reports.html")]
struct ReportsPage {
    chrome: Chrome,
    reports: Vec<(&'static str, &'static str, &'static str)>,
}

pub async fn list(signed_in: SignedIn) -> Result<Html<String>, WebError> {
    reading(&signed_in)?;
    render(&ReportsPage {
        chrome: Chrome::for_user(&signed_in, "reports"),
        reports: REPORTS
            .iter()
            .map(|report| (report.name, report.title, report.what))
            .collect(),
    })
}

#[derive(Debug, Default, Deserialize)]
pub struct ReportParams {
    /// For a termly report, how many terms before the present one.
    #[serde(default)]
    back: usize,
}

pub(crate) struct ShownSection {
    heading: String,
    sentences: Vec<String>,
    tables: Vec<ShownTable>,
    /// Each chart as SVG, its words inside it.
    charts: Vec<String>,
    /// The files the section's counts were made from, each with its source page's address.
    sources: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "report.html")]
pub(crate) struct ReportPage {
    pub chrome: Chrome,
    pub title: String,
    pub as_of: String,
    pub sections: Vec<ShownSection>,
    pub downloads: Vec<(String, &'static str)>,
    pub termly: bool,
    pub back: usize,
    pub name: &'static str,
    /// Where the back link goes, and what it says.
    pub back_link: (String, &'static str),
}

async fn report(state: &AppState, signed_in: &SignedIn, name: &str, back: usize) -> Result<Report, WebError> {
    reading(signed_in)?;
    let data = stride_store::report_data(state.store.as_ref(), &signed_in.account).await?;
    build(name, &data.evidence(), &data.calendar, state.today(), back.min(9)).ok_or(WebError::NotFound)
}

/// A report as a download in the format its address ends in, named by its stem and day.
pub(crate) fn download(report: &Report, extension: &str, stem: &str) -> Result<Response, WebError> {
    let (bytes, content_type) = match extension {
        "pdf" => (stride_export::report_to_pdf(report)?, "application/pdf"),
        "xlsx" => (
            stride_export::report_to_xlsx(report)?,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        "csv" => (stride_export::report_to_csv(report)?, "text/csv; charset=utf-8"),
        _ => return Err(WebError::NotFound),
    };
    Ok(attachment(
        bytes,
        content_type,
        &format!("{stem}-{}.{extension}", report.as_of),
    ))
}

pub(crate) fn attachment(bytes: Vec<u8>, content_type: &'static str, file_name: &str) -> Response {
    (
        [
            ("content-type", content_type.to_owned()),
            ("content-disposition", format!("attachment; filename=\"{file_name}\"")),
        ],
        bytes,
    )
        .into_response()
}

/// The report's sections as a page shows them, each chart drawn as SVG.
pub(crate) fn shown_sections(report: &Report) -> Vec<ShownSection> {
    report
        .sections
        .iter()
        .enumerate()
        .map(|(number, section)| ShownSection {
            heading: section.heading.clone(),
            sentences: section.sentences.clone(),
            tables: section.tables.iter().map(ShownTable::of).collect(),
            charts: section
                .charts
                .iter()
                .enumerate()
                .filter_map(|(index, chart)| stride_export::svg::line_chart(&format!("chart-{number}-{index}"), chart))
                .collect(),
            sources: section
                .sources
                .iter()
                .map(|source| (crate::view::source_href(source), source.clone()))
                .collect(),
        })
        .collect()
}

/// The download links of a report's page.
pub(crate) fn downloads(stem: &str, suffix: &str) -> Vec<(String, &'static str)> {
    [("pdf", "PDF"), ("xlsx", "Excel workbook"), ("csv", "CSV")]
        .iter()
        .map(|(ending, label)| (format!("{stem}.{ending}{suffix}"), *label))
        .collect()
}

/// A report's page (`/reports/monthly-data-set`) or a download of it (`…/monthly-data-set.pdf`).
pub async fn show(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(file): Path<String>,
    Query(params): Query<ReportParams>,
) -> Result<Response, WebError> {
    let (name, extension) = file.rsplit_once('.').unwrap_or((file.as_str(), ""));
    let kind = find_report(name).ok_or(WebError::NotFound)?;
    if kind.name == SCHOOL_DATA_PROFILE && extension.is_empty() {
        return super::profiles::chooser(&state, &signed_in).await;
    }
    let report = report(&state, &signed_in, kind.name, params.back).await?;
    if !extension.is_empty() {
        return download(&report, extension, kind.name);
    }
    let suffix = if params.back > 0 {
        format!("?back={}", params.back)
    } else {
        String::new()
    };
    Ok(render(&ReportPage {
        chrome: Chrome::for_user(&signed_in, "reports"),
        title: report.title.clone(),
        as_of: long_date(report.as_of),
        sections: shown_sections(&report),
        downloads: downloads(&format!("/reports/{}", kind.name), &suffix),
        termly: kind.name == "termly-movement",
        back: params.back,
        name: kind.name,
        back_link: ("/reports".to_owned(), "Reports"),
    })?
    .into_response())
}
