//! Finding support for a priority of a school's plan: the approved providers whose specialism
//! and phase fit, with what their support has achieved, nearest first.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Html;
use serde::Deserialize;
use stride_core::Urn;
use stride_core::intervention::{SupportKind, latest_case};
use stride_core::support::{ProviderKind, Specialism, find_support as candidates};

use super::support_work;
use crate::pages::render;
use crate::session::SignedIn;
use crate::view::Chrome;
use crate::{AppState, WebError};

#[derive(Debug, Default, Deserialize)]
pub struct FindParams {
    #[serde(default)]
    need: String,
    priority: Option<i64>,
}

/// The kind of support a provider gives, to start the commission form with.
fn kind_given_by(kind: ProviderKind) -> SupportKind {
    match kind {
        ProviderKind::NationalLeaderOfEducation
        | ProviderKind::LocalLeaderOfEducation
        | ProviderKind::SpecialistLeaderOfEducation => SupportKind::LeaderOfEducation,
        ProviderKind::LaTeam => SupportKind::AdviserDays,
        ProviderKind::SchoolImprovementAssociate | ProviderKind::TeachingSchoolHub | ProviderKind::Organisation => {
            SupportKind::BrokeredProvider
        }
    }
}

struct CandidateRow {
    id: i64,
    name: String,
    kind: &'static str,
    organisation: String,
    distance: String,
    day_rate: String,
    outcomes: String,
    schools_supported: usize,
    commission_href: String,
}

#[derive(Template)]
#[template(path = "find_support.html")]
struct FindPage {
    chrome: Chrome,
    urn: String,
    school: String,
    phase: &'static str,
    priorities: Vec<(i64, String, bool)>,
    needs: Vec<(&'static str, &'static str, bool)>,
    need: &'static str,
    priority_title: String,
    candidates: Vec<CandidateRow>,
    located: bool,
}

pub async fn find_support(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(urn): Path<String>,
    Query(params): Query<FindParams>,
) -> Result<Html<String>, WebError> {
    let urn: Urn = urn.parse().map_err(|_| WebError::NotFound)?;
    let work = support_work(&state, &signed_in.account).await?;
    // A school out of the user's scope is answered as one that does not exist.
    let school = work
        .evidence
        .schools
        .iter()
        .find(|school| school.urn == urn && signed_in.account.can_see_school(urn))
        .ok_or(WebError::NotFound)?;
    let plan = match latest_case(&work.evidence.cases, urn).filter(|case| case.is_open()) {
        Some(case) => state.store.plan(case.id).await?,
        None => Vec::new(),
    };
    let priority = params
        .priority
        .and_then(|id| plan.iter().find(|priority| priority.id == id));
    let need = Specialism::from_code(&params.need)
        .ok()
        .or_else(|| priority.and_then(|priority| Specialism::suggested_by(&priority.title)))
        .unwrap_or(Specialism::Leadership);
    let found = candidates(
        &work.providers,
        &work.commissions,
        need,
        school.phase,
        school.location,
        work.today,
    );
    render(&FindPage {
        chrome: Chrome::for_user(&signed_in, "my-work"),
        urn: urn.to_string(),
        school: school.name.clone(),
        phase: school.phase.label(),
        priorities: plan
            .iter()
            .map(|candidate| {
                (
                    candidate.id,
                    candidate.title.clone(),
                    Some(candidate.id) == params.priority,
                )
            })
            .collect(),
        needs: Specialism::ALL
            .iter()
            .map(|specialism| (specialism.code(), specialism.label(), *specialism == need))
            .collect(),
        need: need.label(),
        priority_title: priority.map_or_else(String::new, |priority| priority.title.clone()),
        located: school.location.is_some(),
        candidates: found
            .iter()
            .map(|candidate| CandidateRow {
                id: candidate.provider.id,
                name: candidate.provider.name.clone(),
                kind: candidate.provider.kind.label(),
                organisation: candidate.provider.organisation.clone(),
                distance: candidate
                    .kilometres
                    .map_or_else(|| "Not known".to_owned(), |kilometres| format!("{kilometres:.1} km")),
                day_rate: candidate.provider.day_rate.to_string(),
                outcomes: candidate.outcomes.describe(),
                schools_supported: candidate.schools_supported,
                commission_href: format!(
                    "/schools/{urn}/record?provider={}&kind={}{}#support",
                    candidate.provider.id,
                    kind_given_by(candidate.provider.kind).code(),
                    priority.map_or_else(String::new, |priority| format!("&objective={}", priority.id))
                ),
            })
            .collect(),
    })
}
