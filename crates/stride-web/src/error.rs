//! One error type for every page, rendered as a GOV.UK error page that says what to do next.
//! The detail of a server fault goes to the log (never personal data), not to the user.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

#[derive(Debug, thiserror::Error)]
pub enum WebError {
    #[error("page not found")]
    NotFound,
    #[error("the form has expired")]
    FormExpired,
    #[error("not open to this role")]
    Forbidden,
    #[error("the upload could not be read")]
    BadUpload,
    /// A form whose answers cannot be used, with what to do.
    #[error("the form could not be used: {0}")]
    BadForm(&'static str),
    #[error("storage: {0}")]
    Store(#[from] stride_store::StoreError),
    #[error("export: {0}")]
    Export(#[from] stride_export::ExportError),
    #[error("template: {0}")]
    Template(#[from] askama::Error),
    #[error("password hashing: {0}")]
    Password(String),
    #[error("{0}")]
    RuleSet(#[from] stride_core::categorisation::RuleSetError),
    /// Boxed: the error names its file, clock, field and value, and would make every page's
    /// result large.
    #[error("{0}")]
    Clocks(Box<stride_core::intervention::ClockRulesError>),
}

impl From<stride_core::intervention::ClockRulesError> for WebError {
    fn from(error: stride_core::intervention::ClockRulesError) -> Self {
        WebError::Clocks(Box::new(error))
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    chrome: crate::view::Chrome,
    title: &'static str,
    message: &'static str,
    next_step: &'static str,
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        let (status, page) = match &self {
            WebError::NotFound => (
                StatusCode::NOT_FOUND,
                ErrorPage {
                    chrome: crate::view::Chrome::anonymous(),
                    title: "Page not found",
                    message: "There is no page at this address, or you do not have access to it.",
                    next_step: "Check the address, or go back to the list of schools.",
                },
            ),
            WebError::FormExpired => (
                StatusCode::FORBIDDEN,
                ErrorPage {
                    chrome: crate::view::Chrome::anonymous(),
                    title: "This form has expired",
                    message: "For your security, the form could not be accepted: it was opened in an earlier session or from another site.",
                    next_step: "Go back, reload the page and try again.",
                },
            ),
            WebError::Forbidden => (
                StatusCode::FORBIDDEN,
                ErrorPage {
                    chrome: crate::view::Chrome::anonymous(),
                    title: "You cannot use this page",
                    message: "Your role does not give you access to this page.",
                    next_step: "Go back to the list of schools, or ask your Stride administrator.",
                },
            ),
            WebError::BadUpload => (
                StatusCode::BAD_REQUEST,
                ErrorPage {
                    chrome: crate::view::Chrome::anonymous(),
                    title: "The files could not be uploaded",
                    message: "Stride received no file it could read from the form.",
                    next_step: "Go back, choose one or more files and upload them again.",
                },
            ),
            WebError::BadForm(what) => (
                StatusCode::BAD_REQUEST,
                ErrorPage {
                    chrome: crate::view::Chrome::anonymous(),
                    title: "The form could not be used",
                    message: what,
                    next_step: "Go back, correct the form and send it again.",
                },
            ),
            _ => {
                tracing::error!(error = %self, "request failed");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    ErrorPage {
                        chrome: crate::view::Chrome::anonymous(),
                        title: "Sorry, there is a problem with Stride",
                        message: "Stride could not complete your request. Nothing you entered has been lost.",
                        next_step: "Try again later. If it keeps happening, tell your Stride administrator the time it happened.",
                    },
                )
            }
        };
        match page.render() {
            Ok(html) => (status, Html(html)).into_response(),
            Err(_) => (status, page.title).into_response(),
        }
    }
}
