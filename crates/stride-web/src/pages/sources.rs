//! A source's page (`/sources?name=…`), where every figure a report links is traced to: each
//! import of the file of that name, when, what it held and what it changed, or, for the figures
//! Stride generated for its demonstration authority, that they were made, not imported.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Html;
use serde::Deserialize;

use super::imports::{ImportRow, import_row};
use crate::pages::render;
use crate::session::SignedIn;
use crate::view::Chrome;
use crate::{AppState, WebError};

/// How many imports are searched for the source's name: every one a deployment makes in years.
const IMPORTS_SEARCHED: u32 = 100_000;

#[derive(Deserialize)]
pub struct SourceParams {
    name: String,
}

#[derive(Template)]
#[template(path = "source.html")]
struct SourcePage {
    chrome: Chrome,
    name: String,
    generated: bool,
    imports: Vec<ImportRow>,
}

/// Open to every signed-in user: a source is a published file's name and its import, not data
/// about anyone.
pub async fn show(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Query(params): Query<SourceParams>,
) -> Result<Html<String>, WebError> {
    let imports: Vec<ImportRow> = state
        .store
        .imports(IMPORTS_SEARCHED)
        .await?
        .into_iter()
        .filter(|record| record.file_name == params.name)
        .map(import_row)
        .collect();
    render(&SourcePage {
        chrome: Chrome::for_user(&signed_in, ""),
        generated: imports.is_empty() && params.name.starts_with("Synthetic"),
        name: params.name,
        imports,
    })
}
