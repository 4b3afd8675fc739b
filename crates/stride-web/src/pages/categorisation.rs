//! Every school's level of support under a rule set, and one school's reasons: each indicator's
//! finding with the figures, years, comparators and sources behind it. An improvement manager
//! sets a level by professional judgement, records a self-nomination and keeps runs, whose
//! history shows how schools moved between levels.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{Html, Redirect, Response};
use serde::Deserialize;
use std::sync::Arc;

use stride_core::categorisation::{
    self, LevelOverride, NationalQuartiles, RuleSet, SchoolCategorisation, Verdict, final_level,
};
use stride_core::{IntelligenceItem, IntelligenceKind, Urn};

use super::{csv_download, render, xlsx_download};
use crate::session::{SignedIn, check_csrf};
use crate::view::{Chrome, long_date};
use crate::{AppState, WebError};

const DEFAULT_RULES: &str = "national-2025";

#[derive(Debug, Default, Deserialize)]
pub struct CategorisationParams {
    #[serde(default)]
    rules: String,
    /// Only schools at this level (its code).
    #[serde(default)]
    level: String,
    /// `concerns` for the most concerns first; otherwise by name.
    #[serde(default)]
    sort: String,
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

    fn rule_set(&self) -> Result<(RuleSet, &'static str), WebError> {
        // A shipped rule set is checked by the tests; one that fails here is a fault.
        Ok(categorisation::shipped(self.name()).ok_or(WebError::NotFound)??)
    }
}

/// A categorisation of the schools the user may see, on today's evidence, with the levels set
/// by judgement under the rule set.
struct Loaded {
    results: Vec<SchoolCategorisation>,
    overrides: Vec<LevelOverride>,
    today: chrono::NaiveDate,
}

/// National quartiles kept between requests: making them reads every school's figures (seconds
/// for England), and they change only when figures are imported.
#[derive(Default)]
pub struct QuartileCache {
    made: std::sync::Mutex<QuartilesMade>,
}

type QuartilesMade =
    std::collections::HashMap<Vec<(stride_core::Measure, stride_core::PupilGroup)>, (i64, Arc<NationalQuartiles>)>;

impl QuartileCache {
    fn get(
        &self,
        measures: &[(stride_core::Measure, stride_core::PupilGroup)],
        version: i64,
    ) -> Option<Arc<NationalQuartiles>> {
        let made = self.made.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        made.get(measures)
            .filter(|(made_from, _)| *made_from == version)
            .map(|(_, quartiles)| quartiles.clone())
    }

    fn keep(
        &self,
        measures: Vec<(stride_core::Measure, stride_core::PupilGroup)>,
        version: i64,
        quartiles: Arc<NationalQuartiles>,
    ) {
        let mut made = self.made.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        made.insert(measures, (version, quartiles));
    }
}

async fn load(state: &AppState, signed_in: &SignedIn, rules: &RuleSet) -> Result<Loaded, WebError> {
    if !signed_in.account.role.can_see_categorisation() {
        return Err(WebError::Forbidden);
    }
    let la = state.store.local_authority().await?.map(|own| own.code);
    let mut wanted = rules.evidence_wanted();
    let version = state.store.figures_version().await?;
    let kept = state.quartiles.get(&wanted.national, version);
    let national = std::mem::take(&mut wanted.national);
    if kept.is_none() {
        wanted.national.clone_from(&national);
    }
    let mut evidence = state.store.categorisation_evidence(la, &wanted).await?;
    let quartiles = match kept {
        Some(quartiles) => quartiles,
        None => {
            let quartiles = Arc::new(categorisation::national_quartiles(&evidence.national));
            state.quartiles.keep(national, version, quartiles.clone());
            quartiles
        }
    };
    evidence
        .schools
        .retain(|school| signed_in.account.can_see_school(school.urn));
    let today = chrono::Utc::now().date_naive();
    Ok(Loaded {
        results: categorisation::categorise_with(rules, &evidence, &quartiles, today),
        overrides: state.store.level_overrides(&rules.name).await?,
        today,
    })
}

struct RuleSetOption {
    name: &'static str,
    selected: bool,
}

struct LevelFilter {
    code: String,
    name: String,
    selected: bool,
}

/// A school's level against where it stood in the latest run kept.
fn change_since(rules: &RuleSet, earlier: Option<&str>, now: &str) -> String {
    let position = |code: &str| rules.levels.iter().position(|level| level.code == code);
    match earlier {
        None => String::new(),
        Some(before) => match (position(before), position(now)) {
            (Some(was), Some(is)) if is > was => format!("Up from {}", level_name(rules, before)),
            (Some(was), Some(is)) if is < was => format!("Down from {}", level_name(rules, before)),
            (Some(_), Some(_)) => "No change".to_owned(),
            _ => format!("Was {}", level_name(rules, before)),
        },
    }
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
    by_concerns: bool,
    /// When the run compared with was kept, if any.
    last_run: Option<String>,
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

fn rule_set_options(selected: &str) -> Vec<RuleSetOption> {
    categorisation::SHIPPED
        .iter()
        .map(|(name, _)| RuleSetOption {
            name,
            selected: *name == selected,
        })
        .collect()
}

pub async fn list(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Query(params): Query<CategorisationParams>,
) -> Result<Html<String>, WebError> {
    let (rules, _) = params.rule_set()?;
    let loaded = load(&state, &signed_in, &rules).await?;
    let standings: Vec<_> = loaded
        .results
        .iter()
        .map(|result| (result, final_level(&rules, result, &loaded.overrides)))
        .collect();
    let levels = rules
        .levels
        .iter()
        .map(|level| LevelCount {
            name: level.name.clone(),
            schools: standings
                .iter()
                .filter(|(_, standing)| standing.level == level.code)
                .count(),
        })
        .collect();
    let runs = state.store.categorisation_runs().await?;
    let last_run = runs.iter().find(|run| run.rule_set == rules.name);
    let earlier: std::collections::HashMap<Urn, String> = match last_run {
        Some(run) => state
            .store
            .saved_levels(run.id)
            .await?
            .into_iter()
            .map(|saved| (saved.urn, saved.level))
            .collect(),
        None => std::collections::HashMap::new(),
    };
    let mut shown: Vec<_> = standings
        .iter()
        .filter(|(_, standing)| params.level.is_empty() || standing.level == params.level)
        .collect();
    if params.sort == "concerns" {
        shown.sort_by_key(|(result, _)| std::cmp::Reverse(result.categorisation.concerns()));
    }
    let rows = shown
        .into_iter()
        .map(|(result, standing)| Row {
            urn: result.urn.to_string(),
            name: result.name.clone(),
            level: level_name(&rules, standing.level),
            level_colour: level_colour(&rules, standing.level),
            computed: (standing.level != standing.computed).then(|| level_name(&rules, standing.computed)),
            change: match last_run {
                Some(_) => earlier.get(&result.urn).map_or_else(
                    || "New".to_owned(),
                    |before| change_since(&rules, Some(before), standing.level),
                ),
                None => change_since(&rules, None, standing.level),
            },
            on_register: standing.on_register,
            concerns: result.categorisation.concerns(),
            not_enough_evidence: result.categorisation.not_enough_evidence(),
            adviser_days: format!("{:.1}", result.categorisation.adviser_days),
        })
        .collect();
    render(&CategorisationPage {
        chrome: Chrome::for_user(&signed_in, "categorisation"),
        title: rules.title.clone(),
        version: rules.version.clone(),
        as_of: long_date(loaded.today),
        rule_sets: rule_set_options(&rules.name),
        levels,
        level_filters: rules
            .levels
            .iter()
            .map(|level| LevelFilter {
                code: level.code.clone(),
                name: level.name.clone(),
                selected: level.code == params.level,
            })
            .collect(),
        by_concerns: params.sort == "concerns",
        last_run: last_run.map(|run| long_date(run.run_at.date_naive())),
        rows,
        csv_href: format!("/categorisation.csv?rules={}", rules.name),
        xlsx_href: format!("/categorisation.xlsx?rules={}", rules.name),
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
    let (rules, _) = params.rule_set()?;
    let loaded = load(&state, &signed_in, &rules).await?;
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

/// A form that decides something about categorisation: its token checked, the user's role
/// allowed, and the shipped rule set it names.
fn deciding(signed_in: &SignedIn, csrf_token: &str, rules: String) -> Result<(RuleSet, &'static str), WebError> {
    check_csrf(&signed_in.session, csrf_token)?;
    if !signed_in.account.role.can_decide_categorisation() {
        return Err(WebError::Forbidden);
    }
    CategorisationParams::named(rules).rule_set()
}

#[derive(Debug, Deserialize)]
pub struct LevelForm {
    csrf_token: String,
    rules: String,
    level: String,
    reason: String,
}

/// Sets a school's level by professional judgement, with a written reason.
pub async fn set_level(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(urn): Path<String>,
    Form(form): Form<LevelForm>,
) -> Result<Redirect, WebError> {
    let (rules, _) = deciding(&signed_in, &form.csrf_token, form.rules)?;
    let urn = visible_urn(&signed_in, &urn)?;
    let reason = form.reason.trim();
    if rules.level(&form.level).is_none() || reason.is_empty() {
        return Err(WebError::BadForm("Choose a level and write the reason for it."));
    }
    state
        .store
        .record_level_override(&LevelOverride {
            urn,
            rule_set: rules.name.clone(),
            level: form.level,
            reason: reason.to_owned(),
            decided_by: signed_in.account.display_name.clone(),
            decided_at: chrono::Utc::now(),
        })
        .await?;
    Ok(Redirect::to(&format!("/categorisation/{urn}?rules={}", rules.name)))
}

#[derive(Debug, Deserialize)]
pub struct NominationForm {
    csrf_token: String,
    rules: String,
    note: String,
}

/// Records that the school asked to be placed on the register.
pub async fn self_nominate(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(urn): Path<String>,
    Form(form): Form<NominationForm>,
) -> Result<Redirect, WebError> {
    let (rules, _) = deciding(&signed_in, &form.csrf_token, form.rules)?;
    let urn = visible_urn(&signed_in, &urn)?;
    let note = form.note.trim();
    state
        .store
        .record_intelligence(&IntelligenceItem {
            urn,
            kind: IntelligenceKind::SelfNomination,
            recorded_on: chrono::Utc::now().date_naive(),
            summary: if note.is_empty() {
                "Self-nominated for the register".to_owned()
            } else {
                note.to_owned()
            },
            recorded_by: signed_in.account.display_name.clone(),
        })
        .await?;
    Ok(Redirect::to(&format!("/categorisation/{urn}?rules={}", rules.name)))
}

#[derive(Debug, Deserialize)]
pub struct SaveForm {
    csrf_token: String,
    rules: String,
}

/// Keeps today's categorisation of every school the user sees in the history.
pub async fn save(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Form(form): Form<SaveForm>,
) -> Result<Redirect, WebError> {
    let (rules, text) = deciding(&signed_in, &form.csrf_token, form.rules)?;
    let loaded = load(&state, &signed_in, &rules).await?;
    state
        .store
        .save_categorisation(&categorisation::NewRun {
            rules: &rules,
            rule_text: text,
            as_of: loaded.today,
            run_at: chrono::Utc::now(),
            run_by: &signed_in.account.display_name,
            results: &loaded.results,
            overrides: &loaded.overrides,
        })
        .await?;
    Ok(Redirect::to(&format!("/categorisation/history?rules={}", rules.name)))
}

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
    let (rules, _) = chosen.rule_set()?;
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

struct IndicatorRow {
    code: String,
    name: String,
    applies_to: String,
    when_missing: &'static str,
}

#[derive(Template)]
#[template(path = "categorisation_rules.html")]
struct RulesPage {
    chrome: Chrome,
    name: String,
    title: String,
    version: String,
    indicators: Vec<IndicatorRow>,
    levels: Vec<(String, String, String)>,
    text: &'static str,
}

/// A rule set as it is written, and its indicators and levels in a table.
pub async fn rules(
    State(_state): State<AppState>,
    signed_in: SignedIn,
    Path(name): Path<String>,
) -> Result<Html<String>, WebError> {
    if !signed_in.account.role.can_see_categorisation() {
        return Err(WebError::Forbidden);
    }
    let (rules, text) = CategorisationParams::named(name).rule_set()?;
    render(&RulesPage {
        chrome: Chrome::for_user(&signed_in, "categorisation"),
        title: rules.title.clone(),
        version: rules.version.clone(),
        indicators: rules
            .indicators
            .iter()
            .map(|indicator| IndicatorRow {
                code: indicator.code.clone(),
                name: indicator.name.clone(),
                applies_to: if indicator.phases.is_empty() {
                    "Every phase".to_owned()
                } else {
                    indicator
                        .phases
                        .iter()
                        .map(|phase| phase.label())
                        .collect::<Vec<_>>()
                        .join(", ")
                },
                when_missing: match indicator.when_missing {
                    categorisation::WhenMissing::NotEnoughEvidence => "Not enough evidence",
                    categorisation::WhenMissing::Concern => "Counted as a concern",
                },
            })
            .collect(),
        levels: rules
            .levels
            .iter()
            .map(|level| {
                let (least, most) = level.adviser_days;
                (
                    level.name.clone(),
                    format!("{least} to {most}"),
                    describe_condition(&level.when),
                )
            })
            .collect(),
        text,
        name: rules.name,
    })
}

fn describe_condition(condition: &categorisation::Condition) -> String {
    let mut parts = Vec::new();
    if !condition.any_of.is_empty() {
        parts.push(format!("any of: {}", condition.any_of.join(", ")));
    }
    if let Some(least) = condition.at_least {
        parts.push(format!("at least {least} concerns"));
    }
    if !condition.levels.is_empty() {
        parts.push(format!("at level: {}", condition.levels.join(", ")));
    }
    if parts.is_empty() {
        "Otherwise".to_owned()
    } else {
        parts.join("; or ")
    }
}

pub async fn download_csv(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Query(params): Query<CategorisationParams>,
) -> Result<Response, WebError> {
    let (rules, _) = params.rule_set()?;
    let loaded = load(&state, &signed_in, &rules).await?;
    let table = categorisation::categorisation_table(&rules, &loaded.results, &loaded.overrides);
    csv_download(&table, "categorisation")
}

pub async fn download_xlsx(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Query(params): Query<CategorisationParams>,
) -> Result<Response, WebError> {
    let (rules, _) = params.rule_set()?;
    let loaded = load(&state, &signed_in, &rules).await?;
    let table = categorisation::categorisation_table(&rules, &loaded.results, &loaded.overrides);
    xlsx_download(&table, "categorisation")
}

struct WhatIfRow {
    urn: String,
    name: String,
    from: String,
    to: String,
    why: Vec<String>,
}

#[derive(Template)]
#[template(path = "categorisation_what_if.html")]
struct WhatIfPage {
    chrome: Chrome,
    rules: String,
    title: String,
    csrf_token: String,
    text: String,
    /// The rule set's errors, where it could not be read.
    error: Option<String>,
    /// Set once an edited rule set has been compared.
    compared: bool,
    rows: Vec<WhatIfRow>,
    days_before: String,
    days_after: String,
    register_before: usize,
    register_after: usize,
}

impl WhatIfPage {
    fn new(signed_in: &SignedIn, rules: &RuleSet, text: String) -> WhatIfPage {
        WhatIfPage {
            chrome: Chrome::for_user(signed_in, "categorisation"),
            rules: rules.name.clone(),
            title: rules.title.clone(),
            csrf_token: signed_in.session.csrf_token.clone(),
            text,
            error: None,
            compared: false,
            rows: Vec::new(),
            days_before: String::new(),
            days_after: String::new(),
            register_before: 0,
            register_after: 0,
        }
    }
}

/// An edited copy of a rule set to try: the shipped text to start from.
pub async fn what_if_form(
    State(_state): State<AppState>,
    signed_in: SignedIn,
    Query(params): Query<CategorisationParams>,
) -> Result<Html<String>, WebError> {
    if !signed_in.account.role.can_decide_categorisation() {
        return Err(WebError::Forbidden);
    }
    let (rules, text) = params.rule_set()?;
    render(&WhatIfPage::new(&signed_in, &rules, text.to_owned()))
}

#[derive(Debug, Deserialize)]
pub struct WhatIfForm {
    csrf_token: String,
    rules: String,
    text: String,
}

/// Which schools the edited rule set would move, and why, before anything is kept.
pub async fn what_if(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Form(form): Form<WhatIfForm>,
) -> Result<Html<String>, WebError> {
    let (rules, _) = deciding(&signed_in, &form.csrf_token, form.rules)?;
    let mut page = WhatIfPage::new(&signed_in, &rules, form.text.clone());
    let edited = match RuleSet::from_toml("the edited rule set", &form.text) {
        Ok(edited) => edited,
        Err(error) => {
            page.error = Some(error.to_string());
            return render(&page);
        }
    };
    let before = load(&state, &signed_in, &rules).await?;
    let after = load(&state, &signed_in, &edited).await?;
    let compared = categorisation::what_if(&rules, &before.results, &edited, &after.results);
    page.compared = true;
    page.rows = compared
        .changes
        .into_iter()
        .map(|change| WhatIfRow {
            urn: change.urn.to_string(),
            name: change.name,
            from: change.from,
            to: change.to,
            why: change.why,
        })
        .collect();
    page.days_before = format!("{:.1}", compared.adviser_days_before);
    page.days_after = format!("{:.1}", compared.adviser_days_after);
    page.register_before = compared.register_before;
    page.register_after = compared.register_after;
    render(&page)
}

#[cfg(test)]
mod tests {
    use super::*;
    use stride_core::{Measure, PupilGroup};

    #[test]
    fn kept_quartiles_are_given_only_for_the_same_measures_and_figures_version() {
        let cache = QuartileCache::default();
        let measures = vec![(Measure::Ks4Progress8, PupilGroup::All)];
        assert!(cache.get(&measures, 3).is_none());
        cache.keep(measures.clone(), 3, Arc::new(NationalQuartiles::new()));
        assert!(cache.get(&measures, 3).is_some());
        assert!(cache.get(&measures, 4).is_none(), "figures imported since");
        assert!(cache.get(&[(Measure::OverallAbsence, PupilGroup::All)], 3).is_none());
    }
}
