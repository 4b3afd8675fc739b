//! The directory of providers: filtered by what they offer, each with its record of the schools
//! supported and how the support was evaluated; kept by the improvement manager.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::Datelike;
use serde::Deserialize;
use stride_core::support::{
    ApprovalStatus, GridReference, OutcomeRecord, Pence, Provider, ProviderEntry, ProviderKind, Specialism,
    commissions_of, directory_table, provider_record_table,
};
use stride_core::{Phase, Urn};

use super::{SupportWork, download, support_work};
use crate::pages::intervention::entered_date;
use crate::pages::render;
use crate::session::{SignedIn, check_csrf};
use crate::view::{Chrome, long_date};
use crate::{AppState, WebError};

/// The phases a provider may be said to work in.
const PHASES: [Phase; 5] = [
    Phase::Nursery,
    Phase::Primary,
    Phase::Secondary,
    Phase::Special,
    Phase::AlternativeProvision,
];

#[derive(Debug, Default, Deserialize)]
pub struct DirectoryParams {
    #[serde(default)]
    specialism: String,
    #[serde(default)]
    phase: String,
}

/// A checkbox or option, with whether it starts chosen.
struct Choice {
    value: &'static str,
    label: &'static str,
    chosen: bool,
}

fn choices<T: Copy>(
    all: &[T],
    code: fn(T) -> &'static str,
    label: fn(T) -> &'static str,
    chosen: impl Fn(T) -> bool,
) -> Vec<Choice> {
    all.iter()
        .map(|value| Choice {
            value: code(*value),
            label: label(*value),
            chosen: chosen(*value),
        })
        .collect()
}

/// The entry form's fields as typed, to start the form with or give back when refused.
struct EntryForm {
    name: String,
    organisation: String,
    kinds: Vec<Choice>,
    specialisms: Vec<Choice>,
    phases: Vec<Choice>,
    approvals: Vec<Choice>,
    review: (String, String, String),
    day_rate: String,
    easting: String,
    northing: String,
}

impl EntryForm {
    fn of(provider: Option<&Provider>, today: chrono::NaiveDate) -> EntryForm {
        let review = provider.map_or(today + chrono::Months::new(12), |provider| provider.approval_review_on);
        EntryForm {
            name: provider.map_or_else(String::new, |provider| provider.name.clone()),
            organisation: provider.map_or_else(String::new, |provider| provider.organisation.clone()),
            kinds: choices(ProviderKind::ALL, ProviderKind::code, ProviderKind::label, |kind| {
                provider.is_some_and(|provider| provider.kind == kind)
            }),
            specialisms: choices(Specialism::ALL, Specialism::code, Specialism::label, |specialism| {
                provider.is_some_and(|provider| provider.specialisms.contains(&specialism))
            }),
            phases: choices(&PHASES, Phase::code, Phase::label, |phase| {
                provider.is_some_and(|provider| provider.phases.contains(&phase))
            }),
            approvals: choices(
                ApprovalStatus::ALL,
                ApprovalStatus::code,
                ApprovalStatus::label,
                |approval| {
                    provider.map_or(approval == ApprovalStatus::Approved, |provider| {
                        provider.approval == approval
                    })
                },
            ),
            review: (
                review.day().to_string(),
                review.month().to_string(),
                review.year().to_string(),
            ),
            day_rate: provider.map_or_else(String::new, |provider| format!("{:.2}", provider.day_rate.pounds())),
            easting: provider
                .and_then(|provider| provider.location)
                .map_or_else(String::new, |at| at.easting.to_string()),
            northing: provider
                .and_then(|provider| provider.location)
                .map_or_else(String::new, |at| at.northing.to_string()),
        }
    }

    fn typed(fields: &[(String, String)]) -> EntryForm {
        let one = |name: &str| {
            fields
                .iter()
                .find(|(field, _)| field == name)
                .map_or_else(String::new, |(_, value)| value.trim().to_owned())
        };
        let all = |name: &str| -> Vec<String> {
            fields
                .iter()
                .filter(|(field, _)| field == name)
                .map(|(_, value)| value.clone())
                .collect()
        };
        let (kind, specialisms, phases, approval) = (one("kind"), all("specialism"), all("phase"), one("approval"));
        EntryForm {
            name: one("name"),
            organisation: one("organisation"),
            kinds: choices(ProviderKind::ALL, ProviderKind::code, ProviderKind::label, |value| {
                value.code() == kind
            }),
            specialisms: choices(Specialism::ALL, Specialism::code, Specialism::label, |value| {
                specialisms.iter().any(|chosen| chosen == value.code())
            }),
            phases: choices(&PHASES, Phase::code, Phase::label, |value| {
                phases.iter().any(|chosen| chosen == value.code())
            }),
            approvals: choices(
                ApprovalStatus::ALL,
                ApprovalStatus::code,
                ApprovalStatus::label,
                |value| value.code() == approval,
            ),
            review: (one("review-day"), one("review-month"), one("review-year")),
            day_rate: one("day-rate"),
            easting: one("easting"),
            northing: one("northing"),
        }
    }

    /// The entry the form describes, or what is wrong with it by field.
    fn entry(&self) -> Result<ProviderEntry, Vec<(String, String)>> {
        let mut errors: Vec<(String, String)> = Vec::new();
        let mut refuse = |field: &str, message: &str| errors.push((format!("#{field}"), message.to_owned()));
        let chosen = |choices: &[Choice]| {
            choices
                .iter()
                .filter(|choice| choice.chosen)
                .map(|choice| choice.value)
                .collect::<Vec<_>>()
        };
        let kind = chosen(&self.kinds)
            .first()
            .and_then(|code| ProviderKind::from_code(code).ok());
        if kind.is_none() {
            refuse("kind", "Choose the kind of provider");
        }
        let approval = chosen(&self.approvals)
            .first()
            .and_then(|code| ApprovalStatus::from_code(code).ok());
        if approval.is_none() {
            refuse("approval", "Choose where the approval stands");
        }
        let review = entered_date(&self.review.0, &self.review.1, &self.review.2);
        if review.is_none() {
            refuse(
                "review-day",
                "Enter the date the approval is next reviewed, as day, month and year",
            );
        }
        let day_rate = Pence::from_pounds(&self.day_rate);
        if day_rate.is_none() {
            refuse("day-rate", "Enter the day rate in pounds, such as 450 or 450.50");
        }
        let location = match (self.easting.as_str(), self.northing.as_str()) {
            ("", "") => None,
            (easting, northing) => match (easting.parse::<u32>(), northing.parse::<u32>()) {
                (Ok(easting), Ok(northing)) if easting <= 800_000 && northing <= 1_400_000 => {
                    Some(GridReference { easting, northing })
                }
                _ => {
                    refuse(
                        "easting",
                        "Enter both the easting and the northing in metres, or neither",
                    );
                    None
                }
            },
        };
        let entry = ProviderEntry {
            name: self.name.clone(),
            kind: kind.unwrap_or(ProviderKind::Organisation),
            organisation: self.organisation.clone(),
            specialisms: chosen(&self.specialisms)
                .iter()
                .filter_map(|code| Specialism::from_code(code).ok())
                .collect(),
            phases: chosen(&self.phases)
                .iter()
                .filter_map(|code| Phase::from_code(code).ok())
                .collect(),
            approval: approval.unwrap_or(ApprovalStatus::Approved),
            approval_review_on: review.unwrap_or_default(),
            day_rate: day_rate.unwrap_or_default(),
            location,
        };
        if let Err(problems) = entry.check() {
            for problem in problems {
                refuse(problem.field, problem.message);
            }
        }
        if errors.is_empty() { Ok(entry) } else { Err(errors) }
    }
}

struct ProviderRow {
    id: i64,
    name: String,
    kind: &'static str,
    specialisms: String,
    phases: String,
    approval: String,
    day_rate: String,
    outcomes: String,
}

#[derive(Template)]
#[template(path = "providers.html")]
struct DirectoryPage {
    chrome: Chrome,
    csrf_token: String,
    can_keep: bool,
    specialisms: Vec<Choice>,
    phases: Vec<Choice>,
    providers: Vec<ProviderRow>,
    csv_href: String,
    xlsx_href: String,
    form: EntryForm,
    errors: Vec<(String, String)>,
}

fn listed<'a>(work: &'a SupportWork, params: &DirectoryParams) -> Vec<&'a Provider> {
    let specialism = Specialism::from_code(&params.specialism).ok();
    let phase = Phase::from_code(&params.phase).ok();
    work.providers
        .iter()
        .filter(|provider| specialism.is_none_or(|wanted| provider.specialisms.contains(&wanted)))
        .filter(|provider| phase.is_none_or(|wanted| provider.works_in(wanted)))
        .collect()
}

async fn directory_page(
    state: &AppState,
    signed_in: &SignedIn,
    params: &DirectoryParams,
    form: EntryForm,
    errors: Vec<(String, String)>,
) -> Result<Html<String>, WebError> {
    let work = support_work(state, &signed_in.account).await?;
    // Only codes the enumerations know go back into the links.
    let code = |known: bool, text: &str| if known { text.to_owned() } else { String::new() };
    let query = format!(
        "?specialism={}&phase={}",
        code(Specialism::from_code(&params.specialism).is_ok(), &params.specialism),
        code(Phase::from_code(&params.phase).is_ok(), &params.phase)
    );
    let providers = listed(&work, params)
        .into_iter()
        .map(|provider| {
            let theirs = commissions_of(provider.id, &work.commissions);
            ProviderRow {
                id: provider.id,
                name: provider.name.clone(),
                kind: provider.kind.label(),
                specialisms: provider.specialisms_in_words(),
                phases: provider.phases_in_words(),
                approval: provider.approval_on(work.today),
                day_rate: provider.day_rate.to_string(),
                outcomes: OutcomeRecord::of(theirs.iter().map(|(_, support)| support.evaluation.as_ref())).describe(),
            }
        })
        .collect();
    render(&DirectoryPage {
        chrome: Chrome::for_user(signed_in, "support"),
        csrf_token: signed_in.session.csrf_token.clone(),
        can_keep: signed_in.account.role.decides_steps(),
        specialisms: choices(Specialism::ALL, Specialism::code, Specialism::label, |value| {
            value.code() == params.specialism
        }),
        phases: choices(&PHASES, Phase::code, Phase::label, |value| value.code() == params.phase),
        providers,
        csv_href: format!("/support/providers.csv{query}"),
        xlsx_href: format!("/support/providers.xlsx{query}"),
        form,
        errors,
    })
}

pub async fn directory(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Query(params): Query<DirectoryParams>,
) -> Result<Html<String>, WebError> {
    let form = EntryForm::of(None, state.today());
    directory_page(&state, &signed_in, &params, form, Vec::new()).await
}

/// The directory as filtered, as CSV or XLSX.
pub async fn directory_download(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Query(params): Query<DirectoryParams>,
    extension: &'static str,
) -> Result<Response, WebError> {
    let work = support_work(&state, &signed_in.account).await?;
    let table = directory_table(&listed(&work, &params), &work.commissions, work.today);
    download(&table, "providers", extension)
}

fn keeping(signed_in: &SignedIn, fields: &[(String, String)]) -> Result<(), WebError> {
    let token = fields
        .iter()
        .find(|(name, _)| name == "csrf_token")
        .map_or("", |(_, value)| value.as_str());
    check_csrf(&signed_in.session, token)?;
    if signed_in.account.role.decides_steps() {
        Ok(())
    } else {
        Err(WebError::Forbidden)
    }
}

/// Adds a provider to the directory.
pub async fn add_provider(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    keeping(&signed_in, &fields)?;
    let form = EntryForm::typed(&fields);
    match form.entry() {
        Ok(entry) => {
            let saved = state
                .store
                .save_provider(None, &entry, &signed_in.account.display_name, chrono::Utc::now())
                .await?;
            let id = saved.ok_or(WebError::NotFound)?;
            Ok(Redirect::to(&format!("/support/providers/{id}")).into_response())
        }
        Err(errors) => Ok(
            directory_page(&state, &signed_in, &DirectoryParams::default(), form, errors)
                .await?
                .into_response(),
        ),
    }
}

struct CommissionRow {
    urn: String,
    school: String,
    commissioned_on: String,
    kind: &'static str,
    purpose: String,
    days: String,
    cost: String,
    evaluation: String,
}

#[derive(Template)]
#[template(path = "provider.html")]
struct ProviderPage {
    chrome: Chrome,
    csrf_token: String,
    can_keep: bool,
    id: i64,
    name: String,
    kind: &'static str,
    organisation: String,
    specialisms: String,
    phases: String,
    approval: String,
    day_rate: String,
    location: String,
    outcomes: String,
    commissions: Vec<CommissionRow>,
    history: Vec<(String, String, String)>,
    csv_href: String,
    xlsx_href: String,
    form: EntryForm,
    errors: Vec<(String, String)>,
}

fn school_name(work: &SupportWork, urn: Urn) -> String {
    work.evidence
        .schools
        .iter()
        .find(|school| school.urn == urn)
        .map_or_else(|| urn.to_string(), |school| school.name.clone())
}

async fn provider_page(
    state: &AppState,
    signed_in: &SignedIn,
    id: i64,
    form: Option<EntryForm>,
    errors: Vec<(String, String)>,
) -> Result<Html<String>, WebError> {
    let work = support_work(state, &signed_in.account).await?;
    let provider = work
        .providers
        .iter()
        .find(|provider| provider.id == id)
        .ok_or(WebError::NotFound)?;
    let theirs = commissions_of(id, &work.commissions);
    let commissions = theirs
        .iter()
        .map(|(urn, support)| CommissionRow {
            urn: urn.to_string(),
            school: school_name(&work, *urn),
            commissioned_on: long_date(support.commissioned_on),
            kind: support.kind.label(),
            purpose: support.purpose.clone(),
            days: format!("{} of {}", support.days_used, support.days_allocated),
            cost: support
                .cost
                .map_or_else(|| "Not recorded".to_owned(), |cost| cost.to_string()),
            evaluation: support.evaluation.as_ref().map_or_else(
                || "Not yet evaluated".to_owned(),
                |evaluation| format!("{}: {}", evaluation.outcome.label(), evaluation.evidence),
            ),
        })
        .collect();
    let history = state
        .store
        .provider_changes(id)
        .await?
        .into_iter()
        .map(|(by, at, change)| (by, long_date(at.date_naive()), change))
        .collect();
    render(&ProviderPage {
        chrome: Chrome::for_user(signed_in, "support"),
        csrf_token: signed_in.session.csrf_token.clone(),
        can_keep: signed_in.account.role.decides_steps(),
        id,
        name: provider.name.clone(),
        kind: provider.kind.label(),
        organisation: provider.organisation.clone(),
        specialisms: provider.specialisms_in_words(),
        phases: provider.phases_in_words(),
        approval: provider.approval_on(work.today),
        day_rate: provider.day_rate.to_string(),
        location: provider.location.map_or_else(
            || "Not known".to_owned(),
            |at| format!("Easting {}, northing {}", at.easting, at.northing),
        ),
        outcomes: OutcomeRecord::of(theirs.iter().map(|(_, support)| support.evaluation.as_ref())).describe(),
        commissions,
        history,
        csv_href: format!("/support/providers/{id}/record.csv"),
        xlsx_href: format!("/support/providers/{id}/record.xlsx"),
        form: form.unwrap_or_else(|| EntryForm::of(Some(provider), work.today)),
        errors,
    })
}

pub async fn provider(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(id): Path<i64>,
) -> Result<Html<String>, WebError> {
    provider_page(&state, &signed_in, id, None, Vec::new()).await
}

/// A provider's record as CSV or XLSX.
pub async fn provider_download(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(id): Path<i64>,
    extension: &'static str,
) -> Result<Response, WebError> {
    let work = support_work(&state, &signed_in.account).await?;
    let provider = work
        .providers
        .iter()
        .find(|provider| provider.id == id)
        .ok_or(WebError::NotFound)?;
    let theirs = commissions_of(id, &work.commissions);
    let table = provider_record_table(provider, &theirs, |urn| school_name(&work, urn));
    download(&table, &format!("provider-{id}"), extension)
}

/// Changes a provider's entry, keeping the change in its history.
pub async fn change_provider(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(id): Path<i64>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    keeping(&signed_in, &fields)?;
    let form = EntryForm::typed(&fields);
    match form.entry() {
        Ok(entry) => {
            state
                .store
                .save_provider(Some(id), &entry, &signed_in.account.display_name, chrono::Utc::now())
                .await?
                .ok_or(WebError::NotFound)?;
            Ok(Redirect::to(&format!("/support/providers/{id}")).into_response())
        }
        Err(errors) => Ok(provider_page(&state, &signed_in, id, Some(form), errors)
            .await?
            .into_response()),
    }
}
