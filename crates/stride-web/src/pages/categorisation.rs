//! Every school's level of support under a rule set, and one school's reasons: each indicator's
//! finding with the figures, years, comparators and sources behind it.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{Html, Response};
use serde::Deserialize;
use stride_core::Urn;
use stride_core::categorisation::{self, RuleSet, SchoolCategorisation, Verdict};

use super::{csv_download, render, xlsx_download};
use crate::session::SignedIn;
use crate::view::{Chrome, long_date};
use crate::{AppState, WebError};

const DEFAULT_RULES: &str = "national-2025";

#[derive(Debug, Default, Deserialize)]
pub struct CategorisationParams {
    #[serde(default)]
    rules: String,
}

impl CategorisationParams {
    fn rule_set(&self) -> Result<RuleSet, WebError> {
        let name = if self.rules.is_empty() {
            DEFAULT_RULES
        } else {
            &self.rules
        };
        // A shipped rule set is checked by the tests; one that fails here is a fault.
        Ok(categorisation::shipped(name).ok_or(WebError::NotFound)??)
    }
}

/// The schools the user may see, categorised on today's evidence.
async fn load(
    state: &AppState,
    signed_in: &SignedIn,
    rules: &RuleSet,
) -> Result<(Vec<SchoolCategorisation>, chrono::NaiveDate), WebError> {
    if !signed_in.account.role.can_see_categorisation() {
        return Err(WebError::Forbidden);
    }
    let la = state.store.local_authority().await?.map(|own| own.code);
    let mut evidence = state
        .store
        .categorisation_evidence(la, &rules.national_measures())
        .await?;
    evidence
        .schools
        .retain(|school| signed_in.account.can_see_school(school.urn));
    let today = chrono::Utc::now().date_naive();
    Ok((categorisation::categorise(rules, &evidence, today), today))
}

struct RuleSetOption {
    name: &'static str,
    selected: bool,
}

struct LevelCount {
    name: String,
    schools: usize,
}

struct Row {
    urn: String,
    name: String,
    level: String,
    level_colour: &'static str,
    on_register: bool,
    concerns: usize,
    not_enough_evidence: usize,
    adviser_days: String,
}

#[derive(Template)]
#[template(path = "categorisation.html")]
struct CategorisationPage {
    chrome: Chrome,
    title: String,
    version: String,
    rules: String,
    as_of: String,
    rule_sets: Vec<RuleSetOption>,
    levels: Vec<LevelCount>,
    rows: Vec<Row>,
    csv_href: String,
    xlsx_href: String,
}

/// The GOV.UK tag colour of a level: the first grey, the last red, those between yellow.
fn level_colour(rules: &RuleSet, code: &str) -> &'static str {
    match rules.levels.iter().position(|level| level.code == code) {
        Some(0) => "govuk-tag--grey",
        Some(position) if position + 1 == rules.levels.len() => "govuk-tag--red",
        _ => "govuk-tag--yellow",
    }
}

pub async fn list(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Query(params): Query<CategorisationParams>,
) -> Result<Html<String>, WebError> {
    let rules = params.rule_set()?;
    let (results, today) = load(&state, &signed_in, &rules).await?;
    let levels = rules
        .levels
        .iter()
        .map(|level| LevelCount {
            name: level.name.clone(),
            schools: results
                .iter()
                .filter(|result| result.categorisation.level == level.code)
                .count(),
        })
        .collect();
    let rows = results
        .iter()
        .map(|result| {
            let categorisation = &result.categorisation;
            Row {
                urn: result.urn.to_string(),
                name: result.name.clone(),
                level: categorisation.level_name.clone(),
                level_colour: level_colour(&rules, &categorisation.level),
                on_register: categorisation.on_register,
                concerns: categorisation.concerns(),
                not_enough_evidence: categorisation.not_enough_evidence(),
                adviser_days: format!("{:.1}", categorisation.adviser_days),
            }
        })
        .collect();
    render(&CategorisationPage {
        chrome: Chrome::for_user(&signed_in, "categorisation"),
        title: rules.title.clone(),
        version: rules.version.clone(),
        as_of: long_date(today),
        rule_sets: categorisation::SHIPPED
            .iter()
            .map(|(name, _)| RuleSetOption {
                name,
                selected: *name == rules.name,
            })
            .collect(),
        levels,
        rows,
        csv_href: format!("/categorisation.csv?rules={}", rules.name),
        xlsx_href: format!("/categorisation.xlsx?rules={}", rules.name),
        rules: rules.name,
    })
}

struct ReasonRow {
    name: String,
    finding: &'static str,
    finding_colour: &'static str,
    reason: String,
}

#[derive(Template)]
#[template(path = "categorisation_school.html")]
struct SchoolCategorisationPage {
    chrome: Chrome,
    urn: String,
    name: String,
    title: String,
    rules: String,
    as_of: String,
    level: String,
    level_colour: &'static str,
    on_register: bool,
    adviser_days: String,
    reasons: Vec<ReasonRow>,
}

fn finding_colour(verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::Fired => "govuk-tag--red",
        Verdict::NotFired => "govuk-tag--green",
        Verdict::NotEnoughEvidence => "govuk-tag--yellow",
        Verdict::NotApplicable => "govuk-tag--grey",
    }
}

pub async fn school(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(urn): Path<String>,
    Query(params): Query<CategorisationParams>,
) -> Result<Html<String>, WebError> {
    let urn: Urn = urn.parse().map_err(|_| WebError::NotFound)?;
    if !signed_in.account.can_see_school(urn) {
        return Err(WebError::NotFound);
    }
    let rules = params.rule_set()?;
    let (results, today) = load(&state, &signed_in, &rules).await?;
    let result = results
        .into_iter()
        .find(|result| result.urn == urn)
        .ok_or(WebError::NotFound)?;
    let categorisation = result.categorisation;
    // Concerns first, then what could not be judged, then the rest.
    let mut outcomes = categorisation.outcomes.clone();
    outcomes.sort_by_key(|outcome| match outcome.verdict {
        Verdict::Fired => 0,
        Verdict::NotEnoughEvidence => 1,
        Verdict::NotFired => 2,
        Verdict::NotApplicable => 3,
    });
    render(&SchoolCategorisationPage {
        chrome: Chrome::for_user(&signed_in, "categorisation"),
        urn: urn.to_string(),
        name: result.name,
        title: rules.title.clone(),
        as_of: long_date(today),
        level_colour: level_colour(&rules, &categorisation.level),
        level: categorisation.level_name.clone(),
        on_register: categorisation.on_register,
        adviser_days: format!("{:.1}", categorisation.adviser_days),
        reasons: outcomes
            .into_iter()
            .map(|outcome| ReasonRow {
                name: outcome.name,
                finding: outcome.verdict.label(),
                finding_colour: finding_colour(outcome.verdict),
                reason: outcome.reason,
            })
            .collect(),
        rules: rules.name,
    })
}

pub async fn download_csv(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Query(params): Query<CategorisationParams>,
) -> Result<Response, WebError> {
    let rules = params.rule_set()?;
    let (results, _) = load(&state, &signed_in, &rules).await?;
    csv_download(
        &categorisation::categorisation_table(&rules, &results),
        "categorisation",
    )
}

pub async fn download_xlsx(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Query(params): Query<CategorisationParams>,
) -> Result<Response, WebError> {
    let rules = params.rule_set()?;
    let (results, _) = load(&state, &signed_in, &rules).await?;
    xlsx_download(
        &categorisation::categorisation_table(&rules, &results),
        "categorisation",
    )
}
