//! Every school's level of support under a rule set, and one school's reasons: each indicator's
//! finding with the figures, years, comparators and sources behind it. An improvement manager
//! sets a level by professional judgement, records a self-nomination and keeps runs, whose
//! history shows how schools moved between levels; and keeps the LA's own rule sets.

mod decisions;
mod history;
mod kept_evidence;
mod rule_sets;

pub use kept_evidence::{KeptEvidence, KeptUntilImport};

pub use decisions::{save, self_nominate, set_level};
pub use history::history;
pub use rule_sets::{keep_rule_set, rules, what_if, what_if_form};

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{Html, Response};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

use stride_core::categorisation::{
    self, CategorisationList, CategorisationListQuery, CategorisationSort, FoundRuleSet, LevelOverride, RuleSet,
    SchoolCategorisation, Verdict, categorisation_list, final_level,
};
use stride_core::school_list::SortDirection;
use stride_core::{Account, Urn};

use super::{csv_download, render, xlsx_download};
use crate::session::{SignedIn, check_csrf};
use crate::view::{Chrome, long_date};
use crate::{AppState, WebError};

pub(crate) const DEFAULT_RULES: &str = "national-2025";

/// The list's query string. Values that are not codes Stride knows are ignored, as a filter
/// left at 'Any' would be.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct CategorisationParams {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    rules: String,
    /// Only schools at this level (its code).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    level: String,
    /// `on` for the schools flagged for the register alone.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    register: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    sort: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    order: String,
}

impl CategorisationParams {
    fn named(rules: String) -> CategorisationParams {
        CategorisationParams {
            rules,
            ..CategorisationParams::default()
        }
    }

    fn name(&self) -> &str {
        if self.rules.is_empty() {
            DEFAULT_RULES
        } else {
            &self.rules
        }
    }

    fn query(&self) -> CategorisationListQuery {
        let sort = CategorisationSort::from_code(&self.sort).unwrap_or(CategorisationSort::School);
        CategorisationListQuery {
            level: (!self.level.is_empty()).then(|| self.level.clone()),
            register_only: self.register == "on",
            sort,
            direction: SortDirection::from_code(&self.order).unwrap_or(sort.default_direction()),
        }
    }

    fn href(&self, path: &str) -> String {
        match serde_urlencoded::to_string(self) {
            Ok(query) if !query.is_empty() => format!("{path}?{query}"),
            _ => path.to_owned(),
        }
    }

    /// The link a column heading gives: sort by it, or reverse the order if it is the sort now.
    fn sorted_by(&self, column: CategorisationSort, current: &CategorisationListQuery) -> String {
        let direction = match (current.sort == column, current.direction) {
            (true, SortDirection::Ascending) => SortDirection::Descending,
            (true, SortDirection::Descending) => SortDirection::Ascending,
            (false, _) => column.default_direction(),
        };
        CategorisationParams {
            sort: column.code().to_owned(),
            order: direction.code().to_owned(),
            ..self.clone()
        }
        .href("/categorisation")
    }
}

/// A rule set by its name: shipped, or the latest version the LA kept. A shipped rule set is
/// checked by the tests and a kept one when it was kept, so one that fails here is a fault.
pub(crate) async fn found(state: &AppState, name: &str) -> Result<FoundRuleSet, WebError> {
    let kept = state.store.kept_rule_sets().await?;
    Ok(categorisation::find(name, &kept).ok_or(WebError::NotFound)??)
}

/// A categorisation of the schools the user may see, on today's evidence, with the levels set
/// by judgement under the rule set.
pub(crate) struct Loaded {
    pub(crate) results: Vec<SchoolCategorisation>,
    pub(crate) overrides: Vec<LevelOverride>,
    today: chrono::NaiveDate,
}

pub(crate) async fn categorised(state: &AppState, account: &Account, rules: &RuleSet) -> Result<Loaded, WebError> {
    if !account.role.can_see_categorisation() {
        return Err(WebError::Forbidden);
    }
    let la = state.store.local_authority().await?.map(|own| own.code);
    let wanted = rules.evidence_wanted();
    let version = state.imported().await?.figures_version;
    let evidence_key = (la, wanted.figures.clone());
    let kept = &state.categorisation;
    let (evidence, quartiles, intelligence) = match (
        kept.evidence.get(&evidence_key, version),
        kept.quartiles.get(&wanted.national, version),
    ) {
        (Some(evidence), Some(quartiles)) => {
            let intelligence = state.store.categorisation_intelligence(la).await?;
            (evidence, quartiles, intelligence)
        }
        _ => {
            let mut evidence = state.store.categorisation_evidence(la, &wanted).await?;
            let quartiles = Arc::new(categorisation::national_quartiles(&evidence.national));
            let intelligence = std::mem::take(&mut evidence.intelligence);
            evidence.national = Vec::new();
            let evidence = Arc::new(evidence);
            kept.quartiles.keep(wanted.national, version, quartiles.clone());
            kept.evidence.keep(evidence_key, version, evidence.clone());
            (evidence, quartiles, intelligence)
        }
    };
    let today = state.today();
    let mut results = categorisation::categorise_with(rules, &evidence, &intelligence, &quartiles, today);
    results.retain(|result| account.can_see_school(result.urn));
    Ok(Loaded {
        results,
        overrides: state.store.level_overrides(&rules.name).await?,
        today,
    })
}

struct RuleSetOption {
    name: String,
    selected: bool,
}

struct LevelFilter {
    code: String,
    name: String,
    selected: bool,
}

struct LevelCount {
    name: String,
    schools: usize,
}

struct ColumnHeading {
    label: &'static str,
    href: String,
    aria_sort: &'static str,
    numeric: bool,
}

struct Row {
    urn: String,
    name: String,
    level: String,
    level_colour: &'static str,
    /// The computed level, where judgement set another.
    computed: Option<String>,
    /// Against the latest run kept: up or down from a level, or new.
    change: String,
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
    level_filters: Vec<LevelFilter>,
    register_only: bool,
    columns: Vec<ColumnHeading>,
    rows: Vec<Row>,
    csv_href: String,
    xlsx_href: String,
    can_decide: bool,
    csrf_token: String,
}

/// The GOV.UK tag colour of a level: the first grey, the last red, those between yellow.
fn level_colour(rules: &RuleSet, code: &str) -> &'static str {
    match rules.levels.iter().position(|level| level.code == code) {
        Some(0) => "govuk-tag--grey",
        Some(position) if position + 1 == rules.levels.len() => "govuk-tag--red",
        _ => "govuk-tag--yellow",
    }
}

fn level_name(rules: &RuleSet, code: &str) -> String {
    rules
        .level(code)
        .map_or_else(|| code.to_owned(), |level| level.name.clone())
}

/// The list as the query asks, of the schools the user may see, beside the latest run kept.
async fn listed<'a>(
    state: &AppState,
    rules: &RuleSet,
    loaded: &'a Loaded,
    query: &CategorisationListQuery,
) -> Result<(CategorisationList<'a>, Option<String>), WebError> {
    let last_run = state.store.latest_run_levels(&rules.name).await?;
    let list = categorisation_list(
        rules,
        &loaded.results,
        &loaded.overrides,
        last_run.as_ref().map(|(_, levels)| levels),
        query,
    );
    Ok((list, last_run.map(|(run, _)| long_date(run.run_at.date_naive()))))
}

fn column_headings(
    params: &CategorisationParams,
    query: &CategorisationListQuery,
    last_run: Option<&str>,
) -> Vec<ColumnHeading> {
    use CategorisationSort::*;
    [
        School,
        Urn,
        Level,
        Change,
        Register,
        Concerns,
        NotEnoughEvidence,
        AdviserDays,
    ]
    .into_iter()
    .map(|column| ColumnHeading {
        label: match (column, last_run) {
            (Change, None) => "Since the last run kept",
            (Change, Some(_)) => "Since the latest run kept",
            _ => column.label(),
        },
        href: params.sorted_by(column, query),
        aria_sort: match (query.sort == column, query.direction) {
            (false, _) => "none",
            (true, SortDirection::Ascending) => "ascending",
            (true, SortDirection::Descending) => "descending",
        },
        numeric: matches!(column, Urn | Concerns | NotEnoughEvidence | AdviserDays),
    })
    .collect()
}

pub async fn list(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Query(params): Query<CategorisationParams>,
) -> Result<Html<String>, WebError> {
    let FoundRuleSet { rules, .. } = found(&state, params.name()).await?;
    let loaded = categorised(&state, &signed_in.account, &rules).await?;
    let query = params.query();
    let (list, last_run) = listed(&state, &rules, &loaded, &query).await?;
    let kept = state.store.kept_rule_sets().await?;
    let rows = list
        .shown
        .iter()
        .map(|row| Row {
            urn: row.result.urn.to_string(),
            name: row.result.name.clone(),
            level: level_name(&rules, row.standing.level),
            level_colour: level_colour(&rules, row.standing.level),
            computed: (row.standing.level != row.standing.computed).then(|| level_name(&rules, row.standing.computed)),
            change: row.change.describe(&rules),
            on_register: row.standing.on_register,
            concerns: row.result.categorisation.concerns(),
            not_enough_evidence: row.result.categorisation.not_enough_evidence(),
            adviser_days: format!("{:.1}", row.result.categorisation.adviser_days),
        })
        .collect();
    let download = |path: &str| {
        CategorisationParams {
            rules: rules.name.clone(),
            ..params.clone()
        }
        .href(path)
    };
    render(&CategorisationPage {
        chrome: Chrome::for_user(&signed_in, "categorisation"),
        title: rules.title.clone(),
        version: rules.version.clone(),
        as_of: long_date(loaded.today),
        rule_sets: categorisation::rule_set_names(&kept)
            .into_iter()
            .map(|name| RuleSetOption {
                selected: name == rules.name,
                name,
            })
            .collect(),
        levels: list
            .counts
            .iter()
            .map(|(code, schools)| LevelCount {
                name: level_name(&rules, code),
                schools: *schools,
            })
            .collect(),
        level_filters: rules
            .levels
            .iter()
            .map(|level| LevelFilter {
                code: level.code.clone(),
                name: level.name.clone(),
                selected: level.code == params.level,
            })
            .collect(),
        register_only: query.register_only,
        columns: column_headings(&params, &query, last_run.as_deref()),
        rows,
        csv_href: download("/categorisation.csv"),
        xlsx_href: download("/categorisation.xlsx"),
        can_decide: signed_in.account.role.can_decide_categorisation(),
        csrf_token: signed_in.session.csrf_token.clone(),
        rules: rules.name,
    })
}

struct ReasonRow {
    name: String,
    finding: &'static str,
    finding_colour: &'static str,
    reason: String,
    /// The publications the figures came from, one after another.
    sources: String,
}

struct LevelOption {
    code: String,
    name: String,
    selected: bool,
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
    computed: String,
    judgement: Option<String>,
    on_register: bool,
    adviser_days: String,
    reasons: Vec<ReasonRow>,
    can_decide: bool,
    csrf_token: String,
    level_options: Vec<LevelOption>,
}

fn finding_colour(verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::Fired => "govuk-tag--red",
        Verdict::NotFired => "govuk-tag--green",
        Verdict::NotEnoughEvidence => "govuk-tag--yellow",
        Verdict::NotApplicable => "govuk-tag--grey",
    }
}

/// A form that decides something about categorisation: its token checked, the user's role
/// allowed, and the rule set it names found.
async fn deciding(
    state: &AppState,
    signed_in: &SignedIn,
    csrf_token: &str,
    rules: &str,
) -> Result<FoundRuleSet, WebError> {
    check_csrf(&signed_in.session, csrf_token)?;
    if !signed_in.account.role.can_decide_categorisation() {
        return Err(WebError::Forbidden);
    }
    found(state, CategorisationParams::named(rules.to_owned()).name()).await
}

fn visible_urn(signed_in: &SignedIn, urn: &str) -> Result<Urn, WebError> {
    let urn: Urn = urn.parse().map_err(|_| WebError::NotFound)?;
    // A school the user may not see is answered as one that does not exist.
    if signed_in.account.can_see_school(urn) {
        Ok(urn)
    } else {
        Err(WebError::NotFound)
    }
}

pub async fn school(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(urn): Path<String>,
    Query(params): Query<CategorisationParams>,
) -> Result<Html<String>, WebError> {
    let urn = visible_urn(&signed_in, &urn)?;
    let FoundRuleSet { rules, .. } = found(&state, params.name()).await?;
    let loaded = categorised(&state, &signed_in.account, &rules).await?;
    let result = loaded
        .results
        .iter()
        .find(|result| result.urn == urn)
        .ok_or(WebError::NotFound)?;
    let standing = final_level(&rules, result, &loaded.overrides);
    // Concerns first, then what could not be judged, then the rest.
    let mut outcomes = result.categorisation.outcomes.clone();
    outcomes.sort_by_key(|outcome| match outcome.verdict {
        Verdict::Fired => 0,
        Verdict::NotEnoughEvidence => 1,
        Verdict::NotFired => 2,
        Verdict::NotApplicable => 3,
    });
    render(&SchoolCategorisationPage {
        chrome: Chrome::for_user(&signed_in, "categorisation"),
        urn: urn.to_string(),
        name: result.name.clone(),
        title: rules.title.clone(),
        as_of: long_date(loaded.today),
        level_colour: level_colour(&rules, standing.level),
        level: level_name(&rules, standing.level),
        computed: level_name(&rules, standing.computed),
        judgement: standing.overridden.map(|chosen| {
            format!(
                "Set by {} on {}: {}",
                chosen.decided_by,
                long_date(chosen.decided_at.date_naive()),
                chosen.reason
            )
        }),
        on_register: standing.on_register,
        adviser_days: format!("{:.1}", result.categorisation.adviser_days),
        reasons: outcomes
            .into_iter()
            .map(|outcome| ReasonRow {
                name: outcome.name,
                finding: outcome.verdict.label(),
                finding_colour: finding_colour(outcome.verdict),
                reason: outcome.reason,
                sources: outcome.sources.join("; "),
            })
            .collect(),
        can_decide: signed_in.account.role.can_decide_categorisation(),
        csrf_token: signed_in.session.csrf_token.clone(),
        level_options: rules
            .levels
            .iter()
            .map(|level| LevelOption {
                code: level.code.clone(),
                name: level.name.clone(),
                selected: level.code == standing.level,
            })
            .collect(),
        rules: rules.name,
    })
}

/// The list as the page shows it, filtered and sorted the same, as a table to download.
async fn download_table(
    state: &AppState,
    signed_in: &SignedIn,
    params: &CategorisationParams,
) -> Result<stride_core::table::Table, WebError> {
    let FoundRuleSet { rules, .. } = found(state, params.name()).await?;
    let loaded = categorised(state, &signed_in.account, &rules).await?;
    let (list, _) = listed(state, &rules, &loaded, &params.query()).await?;
    Ok(list.to_table(&rules))
}

pub async fn download_csv(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Query(params): Query<CategorisationParams>,
) -> Result<Response, WebError> {
    csv_download(&download_table(&state, &signed_in, &params).await?, "categorisation")
}

pub async fn download_xlsx(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Query(params): Query<CategorisationParams>,
) -> Result<Response, WebError> {
    xlsx_download(&download_table(&state, &signed_in, &params).await?, "categorisation")
}
