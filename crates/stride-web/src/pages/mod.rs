//! The pages, one module each.

pub mod account;
pub mod audit;
pub mod categorisation;
pub mod imports;
pub mod intervention;
pub mod plans;
pub mod profiles;
pub mod pupils;
pub mod reports;
pub mod school;
pub mod schools;
pub mod sign_in;
pub mod single_sign_on;
pub mod sources;
pub mod support;

use askama::Template;
use axum::http::header;
use axum::response::{Html, IntoResponse, Redirect, Response};
use stride_core::table::Table;

use crate::WebError;

pub async fn home() -> Redirect {
    Redirect::to("/schools")
}

pub async fn not_found() -> WebError {
    WebError::NotFound
}

pub fn render(template: &impl Template) -> Result<Html<String>, WebError> {
    Ok(Html(template.render()?))
}

/// A table as a CSV download.
pub fn csv_download(table: &Table, file_stem: &str) -> Result<Response, WebError> {
    let body = stride_export::to_csv(table)?;
    Ok(download(body, "text/csv; charset=utf-8", &format!("{file_stem}.csv")))
}

/// A table as an XLSX download.
pub fn xlsx_download(table: &Table, file_stem: &str) -> Result<Response, WebError> {
    let body = stride_export::to_xlsx(table)?;
    Ok(download(
        body,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        &format!("{file_stem}.xlsx"),
    ))
}

fn download(body: Vec<u8>, content_type: &'static str, file_name: &str) -> Response {
    let disposition = format!("attachment; filename=\"{file_name}\"");
    (
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        body,
    )
        .into_response()
}
