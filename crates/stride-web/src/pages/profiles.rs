//! School data profiles on the web: one school's as a page and its downloads, and every school's
//! as a batch made in a task of its own, whose page shows how far it has got while the user
//! works elsewhere, and then offers the PDF (one profile after another) and the workbook (every
//! school's rows in each table).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use stride_core::Urn;
use stride_core::report::{ProfileBook, school_data_profile};

use super::reports::{ReportPage, attachment, download, downloads, shown_sections};
use crate::pages::render;
use crate::session::{SignedIn, check_csrf};
use crate::view::{Chrome, long_date};
use crate::{AppState, WebError};

fn reading(signed_in: &SignedIn) -> Result<(), WebError> {
    if signed_in.account.role.can_read_school_profiles() {
        Ok(())
    } else {
        Err(WebError::Forbidden)
    }
}

/// A batch being made or made, as its page shows it.
#[derive(Clone)]
pub struct ProfileBatch {
    account_id: i64,
    started_at: DateTime<Utc>,
    total: usize,
    done: usize,
    /// The PDF and the workbook, when every profile is made.
    made: Option<Arc<(Vec<u8>, Vec<u8>)>>,
    failed: Option<String>,
}

/// How many batches a server keeps, with their files, before the oldest goes.
const BATCHES_KEPT: usize = 20;

/// The batches this server has made, by their random identifiers.
#[derive(Default)]
pub struct ProfileBatches(Mutex<HashMap<String, ProfileBatch>>);

impl ProfileBatches {
    fn update(&self, id: &str, change: impl FnOnce(&mut ProfileBatch)) {
        if let Ok(mut batches) = self.0.lock()
            && let Some(batch) = batches.get_mut(id)
        {
            change(batch);
        }
    }

    /// A batch, only for the account that started it.
    fn get(&self, id: &str, account_id: i64) -> Option<ProfileBatch> {
        self.0
            .lock()
            .ok()
            .and_then(|batches| batches.get(id).cloned())
            .filter(|batch| batch.account_id == account_id)
    }

    /// Keeps a new batch, letting the oldest go beyond [`BATCHES_KEPT`]: each holds its files
    /// in memory until the server stops.
    fn insert(&self, id: String, batch: ProfileBatch) {
        if let Ok(mut batches) = self.0.lock() {
            while batches.len() >= BATCHES_KEPT {
                let Some(oldest) = batches
                    .iter()
                    .min_by_key(|(_, held)| held.started_at)
                    .map(|(id, _)| id.clone())
                else {
                    break;
                };
                batches.remove(&oldest);
            }
            batches.insert(id, batch);
        }
    }
}

#[derive(Template)]
#[template(path = "profiles.html")]
struct ChooserPage {
    chrome: Chrome,
    csrf_token: String,
    schools: Vec<(u32, String, &'static str)>,
}

/// `/reports/school-data-profile`: every school the user may see, each linked to its profile,
/// and the form that makes them all.
pub async fn chooser(state: &AppState, signed_in: &SignedIn) -> Result<Response, WebError> {
    reading(signed_in)?;
    let data = stride_store::profile_data(state.store.as_ref(), &signed_in.account).await?;
    let schools = data
        .visible
        .iter()
        .filter_map(|urn| data.schools.iter().find(|school| school.urn == *urn))
        .map(|school| (school.urn.get(), school.name.clone(), school.phase.label()))
        .collect();
    Ok(render(&ChooserPage {
        chrome: Chrome::for_user(signed_in, "reports"),
        csrf_token: signed_in.session.csrf_token.clone(),
        schools,
    })?
    .into_response())
}

async fn profile_of(
    state: &AppState,
    signed_in: &SignedIn,
    urn: &str,
) -> Result<stride_core::report::Report, WebError> {
    reading(signed_in)?;
    let urn: Urn = urn.parse().map_err(|_| WebError::NotFound)?;
    let data = stride_store::school_profile_data(state.store.as_ref(), &signed_in.account, urn)
        .await?
        .ok_or(WebError::NotFound)?;
    school_data_profile(&data.evidence(), urn, state.today()).ok_or(WebError::NotFound)
}

/// `/schools/{urn}/data-profile`: one school's profile as a page.
pub async fn page(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(urn): Path<String>,
) -> Result<Html<String>, WebError> {
    let report = profile_of(&state, &signed_in, &urn).await?;
    render(&ReportPage {
        chrome: Chrome::for_user(&signed_in, "reports"),
        title: report.title.clone(),
        as_of: long_date(report.as_of),
        sections: shown_sections(&report),
        downloads: downloads(&format!("/schools/{urn}/data-profile"), ""),
        termly: false,
        back: 0,
        name: "school-data-profile",
        back_link: (format!("/schools/{urn}"), "The school's page"),
    })
}

async fn profile_download(
    state: AppState,
    signed_in: SignedIn,
    urn: String,
    extension: &str,
) -> Result<Response, WebError> {
    let report = profile_of(&state, &signed_in, &urn).await?;
    download(&report, extension, &format!("school-{urn}-data-profile"))
}

pub async fn pdf(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(urn): Path<String>,
) -> Result<Response, WebError> {
    profile_download(state, signed_in, urn, "pdf").await
}

pub async fn xlsx(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(urn): Path<String>,
) -> Result<Response, WebError> {
    profile_download(state, signed_in, urn, "xlsx").await
}

pub async fn csv(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(urn): Path<String>,
) -> Result<Response, WebError> {
    profile_download(state, signed_in, urn, "csv").await
}

#[derive(Deserialize)]
pub struct BatchForm {
    csrf_token: String,
}

/// Starts making every school's profile and goes to the batch's page.
pub async fn start(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Form(form): Form<BatchForm>,
) -> Result<Redirect, WebError> {
    reading(&signed_in)?;
    check_csrf(&signed_in.session, &form.csrf_token)?;
    let id = crate::auth::random_token();
    state.profile_batches.insert(
        id.clone(),
        ProfileBatch {
            account_id: signed_in.account.id,
            started_at: Utc::now(),
            total: 0,
            done: 0,
            made: None,
            failed: None,
        },
    );
    tokio::spawn(make(state, id.clone(), signed_in.account));
    Ok(Redirect::to(&format!("/reports/school-data-profile/batches/{id}")))
}

/// Reads the evidence once, then makes each profile, telling the batch's page as it goes.
async fn make(state: AppState, id: String, account: stride_core::Account) {
    let batches = state.profile_batches.clone();
    let data = match stride_store::profile_data(state.store.as_ref(), &account).await {
        Ok(data) => data,
        Err(error) => {
            tracing::error!(error = %error, "the profiles' evidence could not be read");
            return batches.update(&id, |batch| {
                batch.failed = Some("The schools' figures could not be read.".to_owned());
            });
        }
    };
    let as_of = state.today();
    let made = tokio::task::spawn_blocking({
        let batches = batches.clone();
        let id = id.clone();
        move || {
            batches.update(&id, |batch| batch.total = data.visible.len());
            let evidence = data.evidence();
            let mut pack = stride_export::PdfPack::new("School data profiles");
            let mut book = ProfileBook::default();
            for (done, urn) in data.visible.iter().enumerate() {
                if let Some(report) = school_data_profile(&evidence, *urn, as_of) {
                    pack.add(&report);
                    book.add(*urn, data.school_name(*urn).unwrap_or_default(), &report);
                }
                batches.update(&id, |batch| batch.done = done + 1);
            }
            let workbook = stride_export::report_to_xlsx(&book.into_report(as_of))?;
            Ok::<_, stride_export::ExportError>((pack.finish()?, workbook))
        }
    })
    .await;
    batches.update(&id, |batch| match made {
        Ok(Ok(files)) => batch.made = Some(Arc::new(files)),
        Ok(Err(error)) => {
            tracing::error!(error = %error, "the profiles could not be written");
            batch.failed = Some("The profiles could not be written.".to_owned());
        }
        Err(_) => batch.failed = Some("Stride stopped making the profiles.".to_owned()),
    });
}

#[derive(Template)]
#[template(path = "profile_batch.html")]
struct BatchPage {
    chrome: Chrome,
    id: String,
    started_at: String,
    total: usize,
    done: usize,
    finished: bool,
    failed: Option<String>,
}

/// A batch's page (`…/batches/{id}`) or one of its files (`…/batches/{id}.pdf`, `.xlsx`).
pub async fn batch(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(file): Path<String>,
) -> Result<Response, WebError> {
    reading(&signed_in)?;
    let (id, extension) = file.rsplit_once('.').unwrap_or((file.as_str(), ""));
    let batch = state
        .profile_batches
        .get(id, signed_in.account.id)
        .ok_or(WebError::NotFound)?;
    let day = state.today();
    match (extension, &batch.made) {
        ("", _) => Ok(render(&BatchPage {
            chrome: Chrome::for_user(&signed_in, "reports"),
            id: id.to_owned(),
            started_at: batch.started_at.format("%H:%M:%S").to_string(),
            total: batch.total,
            done: batch.done,
            finished: batch.made.is_some() || batch.failed.is_some(),
            failed: batch.failed,
        })?
        .into_response()),
        ("pdf", Some(made)) => Ok(attachment(
            made.0.clone(),
            "application/pdf",
            &format!("school-data-profiles-{day}.pdf"),
        )),
        ("xlsx", Some(made)) => Ok(attachment(
            made.1.clone(),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            &format!("school-data-profiles-{day}.xlsx"),
        )),
        _ => Err(WebError::NotFound),
    }
}

/// The shared registry the router's state carries.
pub fn batches() -> Arc<ProfileBatches> {
    Arc::new(ProfileBatches::default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_server_keeps_its_latest_batches_and_lets_the_oldest_go() {
        let batches = ProfileBatches::default();
        let start = Utc::now();
        for number in 0..=BATCHES_KEPT {
            batches.insert(
                format!("batch-{number}"),
                ProfileBatch {
                    account_id: 1,
                    started_at: start + chrono::Duration::seconds(number as i64),
                    total: 0,
                    done: 0,
                    made: None,
                    failed: None,
                },
            );
        }
        assert!(batches.get("batch-0", 1).is_none(), "the oldest went");
        assert!(batches.get("batch-1", 1).is_some());
        assert!(batches.get(&format!("batch-{BATCHES_KEPT}"), 1).is_some());
        assert!(batches.get("batch-1", 2).is_none(), "a batch is its maker's");
    }
}
