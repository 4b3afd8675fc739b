//! Reports for management, scrutiny and cabinet: the list, each report as a page from what
//! Stride holds today, and the same report as a PDF, an Excel workbook or CSV.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Response};
use serde::Deserialize;
use stride_core::report::{REPORTS, Report, build, find_report};

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

struct ShownSection {
    heading: String,
    sentences: Vec<String>,
    tables: Vec<ShownTable>,
}

#[derive(Template)]
#[template(path = "report.html")]
struct ReportPage {
    chrome: Chrome,
    title: String,
    as_of: String,
    sections: Vec<ShownSection>,
    downloads: Vec<(String, &'static str)>,
    termly: bool,
    back: usize,
    name: &'static str,
}

async fn report(state: &AppState, signed_in: &SignedIn, name: &str, back: usize) -> Result<Report, WebError> {
    reading(signed_in)?;
    let data = stride_store::report_data(state.store.as_ref(), &signed_in.account).await?;
    build(name, &data.evidence(), &data.calendar, state.today(), back.min(9)).ok_or(WebError::NotFound)
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
    let report = report(&state, &signed_in, kind.name, params.back).await?;
    let download = |bytes: Vec<u8>, content_type: &'static str| -> Response {
        let disposition = format!("attachment; filename=\"{}-{}.{extension}\"", kind.name, report.as_of);
        (
            [
                ("content-type", content_type.to_owned()),
                ("content-disposition", disposition),
            ],
            bytes,
        )
            .into_response()
    };
    match extension {
        "pdf" => Ok(download(stride_export::report_to_pdf(&report)?, "application/pdf")),
        "xlsx" => Ok(download(
            stride_export::report_to_xlsx(&report)?,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )),
        "csv" => Ok(download(
            stride_export::report_to_csv(&report)?,
            "text/csv; charset=utf-8",
        )),
        "" => {
            let suffix = if params.back > 0 {
                format!("?back={}", params.back)
            } else {
                String::new()
            };
            Ok(render(&ReportPage {
                chrome: Chrome::for_user(&signed_in, "reports"),
                title: report.title.clone(),
                as_of: long_date(report.as_of),
                sections: report
                    .sections
                    .iter()
                    .map(|section| ShownSection {
                        heading: section.heading.clone(),
                        sentences: section.sentences.clone(),
                        tables: section.tables.iter().map(ShownTable::of).collect(),
                    })
                    .collect(),
                downloads: [("pdf", "PDF"), ("xlsx", "Excel workbook"), ("csv", "CSV")]
                    .iter()
                    .map(|(ending, label)| (format!("/reports/{}.{ending}{suffix}", kind.name), *label))
                    .collect(),
                termly: kind.name == "termly-movement",
                back: params.back,
                name: kind.name,
            })?
            .into_response())
        }
        _ => Err(WebError::NotFound),
    }
}
