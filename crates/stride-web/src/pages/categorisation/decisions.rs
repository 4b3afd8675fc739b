//! What an improvement manager decides about categorisation: a level set by professional
//! judgement, a self-nomination for the register, and a run kept in the history.

use axum::Form;
use axum::extract::{Path, State};
use axum::response::Redirect;
use serde::Deserialize;

use stride_core::categorisation::{self, FoundRuleSet, LevelOverride};
use stride_core::{IntelligenceItem, IntelligenceKind};

use super::{categorised, deciding, visible_urn};
use crate::session::SignedIn;
use crate::{AppState, WebError};

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
    let FoundRuleSet { rules, .. } = deciding(&state, &signed_in, &form.csrf_token, &form.rules).await?;
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
    let FoundRuleSet { rules, .. } = deciding(&state, &signed_in, &form.csrf_token, &form.rules).await?;
    let urn = visible_urn(&signed_in, &urn)?;
    let note = form.note.trim();
    state
        .store
        .record_intelligence(&IntelligenceItem {
            urn,
            kind: IntelligenceKind::SelfNomination,
            recorded_on: state.today(),
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
    let FoundRuleSet { rules, text, .. } = deciding(&state, &signed_in, &form.csrf_token, &form.rules).await?;
    let loaded = categorised(&state, &signed_in.account, &rules).await?;
    state
        .store
        .save_categorisation(&categorisation::NewRun {
            rules: &rules,
            rule_text: &text,
            as_of: loaded.today,
            run_at: chrono::Utc::now(),
            run_by: &signed_in.account.display_name,
            results: &loaded.results,
            overrides: &loaded.overrides,
        })
        .await?;
    Ok(Redirect::to(&format!("/categorisation/history?rules={}", rules.name)))
}
