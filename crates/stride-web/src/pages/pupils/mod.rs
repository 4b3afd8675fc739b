//! Pupils: the search, an officer's caseload, a pupil's record, each school's attendance list
//! for the termly targeting meeting, and the vulnerability overlap. Every pupil is read through
//! `stride_store::pupils`, which keeps to the reader's scope and writes the audit log; a pupil
//! outside the scope is answered as one that does not exist. Names and UPNs never go in a URL:
//! a pupil is addressed by Stride's own number and the search is posted.

mod attendance;
mod episodes;
mod outcomes;
mod overlap;
mod record;

pub use attendance::{attendance, attendance_csv, attendance_xlsx, school};
pub use episodes::{due, due_csv, due_xlsx, record_event, register, register_csv, register_xlsx, start_episode};
pub use outcomes::outcomes;
pub use overlap::{vulnerable_learners, vulnerable_learners_csv, vulnerable_learners_xlsx};
pub use record::{change_caseload, show};

use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::response::Html;
use serde::Deserialize;
use stride_core::Urn;
use stride_core::pupils::{AuditAction, Pupil, PupilScope};
use stride_store::PupilFilter;
use stride_store::pupils::{Purpose, read_pupils};

use crate::pages::render;
use crate::session::{SignedIn, check_csrf};
use crate::view::Chrome;
use crate::{AppState, WebError};

fn pupil_scope(signed_in: &SignedIn) -> Result<PupilScope, WebError> {
    let scope = PupilScope::of(&signed_in.account);
    if scope.is_none() {
        Err(WebError::Forbidden)
    } else {
        Ok(scope)
    }
}

fn purpose(state: &AppState, action: AuditAction, what: String) -> Purpose {
    Purpose {
        action,
        what,
        at: state.now(),
    }
}

/// The pupils of these ids that the reader may see, by id, read and audited as `what`.
async fn visible_by_id(
    state: &AppState,
    signed_in: &SignedIn,
    ids: impl IntoIterator<Item = i64>,
    what: &str,
) -> Result<HashMap<i64, Pupil>, WebError> {
    let ids: Vec<i64> = ids
        .into_iter()
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    let pupils = read_pupils(
        state.store.as_ref(),
        &signed_in.account,
        PupilFilter::Ids(&ids),
        &purpose(state, AuditAction::ListPupils, what.to_owned()),
    )
    .await?;
    Ok(pupils.into_iter().map(|pupil| (pupil.id, pupil)).collect())
}

async fn school_names(state: &AppState) -> Result<HashMap<Urn, String>, WebError> {
    Ok(state
        .store
        .school_list_rows(None)
        .await?
        .into_iter()
        .map(|row| (row.urn, row.name))
        .collect())
}

struct PupilRow {
    id: i64,
    name: String,
    year_group: String,
    school: String,
}

fn pupil_rows(pupils: &[Pupil], names: &HashMap<Urn, String>) -> Vec<PupilRow> {
    pupils
        .iter()
        .map(|pupil| {
            let latest = pupil.latest_return();
            PupilRow {
                id: pupil.id,
                name: pupil.full_name(),
                year_group: latest.map(|each| each.year_group.label()).unwrap_or_default(),
                school: latest
                    .map(|each| {
                        names
                            .get(&each.urn)
                            .cloned()
                            .unwrap_or_else(|| format!("URN {}", each.urn))
                    })
                    .unwrap_or_default(),
            }
        })
        .collect()
}

#[derive(Template)]
#[template(path = "pupils.html")]
struct PupilsPage {
    chrome: Chrome,
    csrf_token: String,
    searched: Option<String>,
    results: Vec<PupilRow>,
    caseload: Vec<PupilRow>,
    schools: Vec<(Urn, String)>,
    problem: Option<&'static str>,
}

async fn pupils_page(
    state: &AppState,
    signed_in: &SignedIn,
    searched: Option<String>,
    results: Vec<PupilRow>,
    problem: Option<&'static str>,
) -> Result<Html<String>, WebError> {
    let scope = pupil_scope(signed_in)?;
    let names = school_names(state).await?;
    let caseload = read_pupils(
        state.store.as_ref(),
        &signed_in.account,
        PupilFilter::OnCaseload(signed_in.account.id),
        &purpose(state, AuditAction::ListPupils, "their caseload".into()),
    )
    .await?;
    let own_la = state.store.local_authority().await?.map(|la| la.code);
    let mut schools: Vec<(Urn, String)> = state
        .store
        .school_list_rows(own_la)
        .await?
        .into_iter()
        .filter(|row| match &scope {
            PupilScope::AllPupils => true,
            PupilScope::Schools { schools, .. } => schools.contains(&row.urn),
            PupilScope::NoPupils => false,
        })
        .map(|row| (row.urn, row.name))
        .collect();
    schools.sort_by(|a, b| a.1.cmp(&b.1));
    render(&PupilsPage {
        chrome: Chrome::for_user(signed_in, "pupils"),
        csrf_token: signed_in.session.csrf_token.clone(),
        searched,
        results,
        caseload: pupil_rows(&caseload, &names),
        schools,
        problem,
    })
}

pub async fn index(State(state): State<AppState>, signed_in: SignedIn) -> Result<Html<String>, WebError> {
    pupils_page(&state, &signed_in, None, Vec::new(), None).await
}

#[derive(Deserialize)]
pub struct SearchForm {
    csrf_token: String,
    name: String,
}

/// The search is posted, so that a child's name never appears in a URL or a server's log.
pub async fn search(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Form(form): Form<SearchForm>,
) -> Result<Html<String>, WebError> {
    pupil_scope(&signed_in)?;
    check_csrf(&signed_in.session, &form.csrf_token)?;
    let text = form.name.trim().to_owned();
    if text.chars().count() < 2 {
        return pupils_page(
            &state,
            &signed_in,
            Some(text),
            Vec::new(),
            Some("Enter at least two letters of a name, or a UPN"),
        )
        .await;
    }
    let found = read_pupils(
        state.store.as_ref(),
        &signed_in.account,
        PupilFilter::Named(&text),
        &purpose(&state, AuditAction::SearchPupils, "search by name or UPN".into()),
    )
    .await?;
    let names = school_names(&state).await?;
    pupils_page(&state, &signed_in, Some(text), pupil_rows(&found, &names), None).await
}
