//! Vulnerable groups' outcomes: this year's attendance and suspensions of each group from
//! pupils' records, beside all pupils and the same group in the LA's comparators, then the
//! published attainment and gaps, as a page and as the reports' downloads.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use stride_core::report::{ReportEvidence, vulnerable_outcomes};

use crate::pages::render;
use crate::pages::reports::{ReportPage, download, downloads, shown_sections};
use crate::session::SignedIn;
use crate::view::{Chrome, long_date};
use crate::{AppState, WebError};

use super::attendance::group_outcomes_counted;

/// `/vulnerable-learners/outcomes`, or with `.pdf`, `.xlsx` or `.csv` the same as a download.
pub async fn outcomes(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(file): Path<String>,
) -> Result<Response, WebError> {
    let (stem, extension) = file.split_once('.').unwrap_or((file.as_str(), ""));
    if stem != "outcomes" {
        return Err(WebError::NotFound);
    }
    let (outcomes, phases, threshold) = group_outcomes_counted(&state, &signed_in).await?;
    let la = state.store.local_authority().await?.map(|la| la.code);
    // Area figures are published, not of pupils: every reader who may count pupils reads them.
    let comparators = state.store.la_comparators(la).await?;
    let every_la = state.store.every_la_figures().await?;
    let evidence = ReportEvidence {
        schools: &[],
        inspections: &[],
        rolls: &[],
        commissions: &[],
        current_support: &[],
        kept_levels: &[],
        comparators: &comparators,
        la,
        every_la: &every_la,
        action_plans: &[],
        inspection_sources: &[],
    };
    let report = vulnerable_outcomes((&outcomes, &phases), &evidence, state.today(), threshold.is_some());
    if !extension.is_empty() {
        return download(&report, extension, report.name);
    }
    Ok(render(&ReportPage {
        chrome: Chrome::for_user(&signed_in, "vulnerable-learners"),
        title: report.title.clone(),
        as_of: long_date(report.as_of),
        sections: shown_sections(&report),
        downloads: downloads("/vulnerable-learners/outcomes", ""),
        termly: false,
        back: 0,
        name: report.name,
        back_link: ("/vulnerable-learners".to_owned(), "Vulnerable learners"),
    })?
    .into_response())
}
