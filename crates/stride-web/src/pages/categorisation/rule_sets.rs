//! A rule set as it is written; what would change under an edited one; and keeping the LA's
//! own rule set in Stride, each version kept for good.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;

use stride_core::categorisation::{self, FoundRuleSet, Keeping, KeptRuleSet, RuleSet};

use super::{CategorisationParams, categorised, deciding, found};
use crate::pages::render;
use crate::session::SignedIn;
use crate::view::{Chrome, long_date};
use crate::{AppState, WebError};

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
    text: String,
    /// For the LA's own rule set: each version kept, newest first, as (version, by, on).
    versions: Vec<(String, String, String)>,
    /// Who kept the version shown, and when; none for a shipped rule set.
    kept: Option<String>,
}

/// A rule set as it is written, and its indicators and levels in a table.
pub async fn rules(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(name): Path<String>,
) -> Result<Html<String>, WebError> {
    if !signed_in.account.role.can_see_categorisation() {
        return Err(WebError::Forbidden);
    }
    let FoundRuleSet { rules, text, kept } = found(&state, &name).await?;
    let versions = match &kept {
        None => Vec::new(),
        Some(_) => state
            .store
            .kept_rule_sets()
            .await?
            .into_iter()
            .filter(|version| version.name == rules.name)
            .map(|version| {
                let on = long_date(version.kept_at.date_naive());
                (version.version, version.kept_by, on)
            })
            .collect(),
    };
    render(&RulesPage {
        kept: kept.map(|kept| format!("Kept by {} on {}", kept.kept_by, long_date(kept.kept_at.date_naive()))),
        versions,
        chrome: Chrome::for_user(&signed_in, "categorisation"),
        title: rules.title.clone(),
        version: rules.version.clone(),
        indicators: rules
            .indicators
            .iter()
            .map(|indicator| IndicatorRow {
                code: indicator.code.clone(),
                name: indicator.name.clone(),
                applies_to: capitalised(&categorisation::applies_to(indicator)),
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

fn capitalised(text: &str) -> String {
    let mut characters = text.chars();
    characters
        .next()
        .map_or_else(String::new, |first| first.to_uppercase().chain(characters).collect())
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

/// An edited copy of a rule set to try: the rule set's text to start from.
pub async fn what_if_form(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Query(params): Query<CategorisationParams>,
) -> Result<Html<String>, WebError> {
    if !signed_in.account.role.can_decide_categorisation() {
        return Err(WebError::Forbidden);
    }
    let FoundRuleSet { rules, text, .. } = found(&state, params.name()).await?;
    render(&WhatIfPage::new(&signed_in, &rules, text))
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
    let FoundRuleSet { rules, .. } = deciding(&state, &signed_in, &form.csrf_token, &form.rules).await?;
    let mut page = WhatIfPage::new(&signed_in, &rules, form.text.clone());
    let edited = match RuleSet::from_toml("the edited rule set", &form.text) {
        Ok(edited) => edited,
        Err(error) => {
            page.error = Some(error.to_string());
            return render(&page);
        }
    };
    let before = categorised(&state, &signed_in.account, &rules).await?;
    let after = categorised(&state, &signed_in.account, &edited).await?;
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

/// Keeps the edited rule set as the LA's own, checked first; a refusal is shown on the what-if
/// page beside the text, which is not lost.
pub async fn keep_rule_set(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Form(form): Form<WhatIfForm>,
) -> Result<Response, WebError> {
    let FoundRuleSet { rules, .. } = deciding(&state, &signed_in, &form.csrf_token, &form.rules).await?;
    let refused = |error: String| -> Result<Response, WebError> {
        let mut page = WhatIfPage::new(&signed_in, &rules, form.text.clone());
        page.error = Some(error);
        Ok(render(&page)?.into_response())
    };
    let edited = match RuleSet::from_toml("the edited rule set", &form.text) {
        Ok(edited) => edited,
        Err(error) => return refused(error.to_string()),
    };
    let kept = state.store.kept_rule_sets().await?;
    match categorisation::keeping(&kept, &edited, &form.text) {
        Err(error) => return refused(error.to_string()),
        Ok(Keeping::Unchanged) => {}
        Ok(Keeping::First | Keeping::NewVersion) => {
            state
                .store
                .keep_rule_set(&KeptRuleSet {
                    name: edited.name.clone(),
                    version: edited.version.clone(),
                    title: edited.title.clone(),
                    text: form.text.clone(),
                    kept_by: signed_in.account.display_name.clone(),
                    kept_at: chrono::Utc::now(),
                })
                .await?;
        }
    }
    Ok(Redirect::to(&format!("/categorisation/rules/{}", edited.name)).into_response())
}
