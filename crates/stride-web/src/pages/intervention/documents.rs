//! Documents attached to a school's Intervention Record, uploaded and downloaded by those who
//! work its case. A document is served as an attachment, never shown in the page, so that a
//! browser does not run what someone uploaded.

use axum::extract::{Multipart, Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use sha2::{Digest, Sha256};

use stride_core::intervention::{Document, document_type};

use super::record::visible;
use crate::session::{SignedIn, check_csrf};
use crate::{AppState, WebError};

/// The largest document: a plan or report, with room for pictures in it.
pub const LARGEST_DOCUMENT: usize = 20 * 1024 * 1024;

pub async fn attach(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(urn): Path<String>,
    mut multipart: Multipart,
) -> Result<Response, WebError> {
    let urn = visible(&signed_in, &urn)?;
    let (mut csrf_token, mut title, mut file) = (String::new(), String::new(), None);
    while let Some(field) = multipart.next_field().await.map_err(|_| WebError::BadUpload)? {
        let name = field.name().unwrap_or_default().to_owned();
        let file_name = field.file_name().map(str::to_owned);
        let bytes = field.bytes().await.map_err(|_| WebError::BadUpload)?;
        match (name.as_str(), file_name) {
            ("document", Some(file_name)) if !file_name.is_empty() && !bytes.is_empty() => {
                file = Some((file_name, bytes.to_vec()));
            }
            ("csrf_token", _) => csrf_token = String::from_utf8_lossy(&bytes).into_owned(),
            ("title", _) => title = String::from_utf8_lossy(&bytes).trim().to_owned(),
            _ => {}
        }
    }
    check_csrf(&signed_in.session, &csrf_token)?;
    let Some((file_name, bytes)) = file else {
        return Err(WebError::BadUpload);
    };
    // Only the name's last part: a browser may send a path.
    let file_name = file_name.rsplit(['/', '\\']).next().unwrap_or("document").to_owned();
    let document = Document {
        id: 0,
        urn,
        title: if title.is_empty() { file_name.clone() } else { title },
        content_type: document_type(&file_name).to_owned(),
        size: bytes.len(),
        sha256: Sha256::digest(&bytes)
            .iter()
            .map(|byte| format!("{byte:02x}"))
            .collect(),
        uploaded_by: signed_in.account.display_name.clone(),
        uploaded_at: chrono::Utc::now(),
        file_name,
    };
    state.store.attach_document(&document, &bytes).await?;
    Ok(Redirect::to(&format!("/schools/{urn}/record#documents")).into_response())
}

pub async fn download(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path((urn, id)): Path<(String, i64)>,
) -> Result<Response, WebError> {
    let urn = visible(&signed_in, &urn)?;
    let (document, bytes) = state.store.document_bytes(urn, id).await?.ok_or(WebError::NotFound)?;
    // The name as given, with anything that would break the header taken out.
    let safe_name: String = document
        .file_name
        .chars()
        .map(|character| {
            if character.is_ascii_graphic() && character != '"' || character == ' ' {
                character
            } else {
                '_'
            }
        })
        .collect();
    Ok((
        [
            (header::CONTENT_TYPE, document.content_type),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{safe_name}\""),
            ),
        ],
        bytes,
    )
        .into_response())
}
