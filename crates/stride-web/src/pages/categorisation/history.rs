//! The runs kept under a rule set, and how schools moved between levels from one to another.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Html;
use serde::Deserialize;

use stride_core::Urn;
use stride_core::categorisation::{self, FoundRuleSet};

use super::{CategorisationParams, found, level_name};
use crate::pages::render;
use crate::session::SignedIn;
use crate::view::{Chrome, long_date};
use crate::{AppState, WebError};

#[derive(Debug, Default, Deserialize)]
pub struct HistoryParams {
    #[serde(default)]
    rules: String,
    from: Option<i64>,
    to: Option<i64>,
}

struct RunRow {
    id: i64,
    run_at: String,
    as_of: String,
    version: String,
    run_by: String,
    schools: usize,
}

struct MovedRow {
    urn: String,
    name: String,
    from: String,
    to: String,
}

#[derive(Template)]
#[template(path = "categorisation_history.html")]
struct HistoryPage {
    chrome: Chrome,
    rules: String,
    title: String,
    runs: Vec<RunRow>,
    /// The two runs compared, earlier first, with when each was run.
    compared: Option<(String, String)>,
    level_names: Vec<String>,
    matrix: Vec<(String, Vec<usize>)>,
    moved: Vec<MovedRow>,
    not_compared: usize,
}

/// The runs kept under a rule set, and how schools moved between two of them (by default the
/// latest two).
pub async fn history(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Query(params): Query<HistoryParams>,
) -> Result<Html<String>, WebError> {
    if !signed_in.account.role.can_see_categorisation() {
        return Err(WebError::Forbidden);
    }
    let chosen = CategorisationParams::named(params.rules);
    let FoundRuleSet { rules, .. } = found(&state, chosen.name()).await?;
    let runs: Vec<_> = state
        .store
        .categorisation_runs()
        .await?
        .into_iter()
        .filter(|run| run.rule_set == rules.name)
        .collect();
    let pick = |wanted: Option<i64>, default: usize| match wanted {
        Some(id) => runs.iter().find(|run| run.id == id),
        None => runs.get(default),
    };
    let (earlier, later) = (pick(params.from, 1), pick(params.to, 0));
    let mut page = HistoryPage {
        chrome: Chrome::for_user(&signed_in, "categorisation"),
        title: rules.title.clone(),
        runs: runs
            .iter()
            .map(|run| RunRow {
                id: run.id,
                run_at: long_date(run.run_at.date_naive()),
                as_of: long_date(run.as_of),
                version: run.version.clone(),
                run_by: run.run_by.clone(),
                schools: run.schools,
            })
            .collect(),
        compared: None,
        level_names: rules.levels.iter().map(|level| level.name.clone()).collect(),
        matrix: Vec::new(),
        moved: Vec::new(),
        not_compared: 0,
        rules: rules.name.clone(),
    };
    if let (Some(earlier), Some(later)) = (earlier, later) {
        let visible = |levels: Vec<categorisation::SavedLevel>| -> Vec<categorisation::SavedLevel> {
            levels
                .into_iter()
                .filter(|saved| signed_in.account.can_see_school(saved.urn))
                .collect()
        };
        let before = visible(state.store.saved_levels(earlier.id).await?);
        let after = visible(state.store.saved_levels(later.id).await?);
        let movement = categorisation::movement(&rules, &before, &after);
        let names = school_names(&state).await?;
        page.compared = Some((
            long_date(earlier.run_at.date_naive()),
            long_date(later.run_at.date_naive()),
        ));
        page.matrix = page.level_names.iter().cloned().zip(movement.counts).collect();
        page.moved = movement
            .moved
            .iter()
            .map(|(urn, from, to)| MovedRow {
                urn: urn.to_string(),
                name: names.get(urn).cloned().unwrap_or_else(|| urn.to_string()),
                from: level_name(&rules, from),
                to: level_name(&rules, to),
            })
            .collect();
        page.not_compared = movement.not_compared;
    }
    render(&page)
}

/// The names of the schools held, by URN.
async fn school_names(state: &AppState) -> Result<std::collections::HashMap<Urn, String>, WebError> {
    Ok(state
        .store
        .school_list_rows(None)
        .await?
        .into_iter()
        .map(|row| (row.urn, row.name))
        .collect())
}
