//! A school's Intervention Record: where its case stands on the ladder and since when, what is
//! due, what was done (visits with their notes, meetings, statements), and the forms that
//! record a visit or meeting, open a case, take a step and agree the plan. A change saved by
//! someone else since the page was opened is shown, and nothing is overwritten.

use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};

use stride_core::intervention::{
    ActionStatus, Activity, ActivityKind, Case, CaseChange, CaseOpening, CaseSaved, HistoryEntry, LadderStep,
    NoteOfVisit, PlanPriority, Powers, RISK_CHARACTERISTICS, SELF_EVALUATION_JUDGEMENTS, SelfEvaluationGrade, Stage,
    StepDecision, StructuralSolution, SupportKind, check_step, latest_case,
};
use stride_core::support::{FundingSource, ObjectiveOutcome};
use stride_core::{Establishment, Urn};

use super::commission::{SupportRow, commission_from, days_used_from, evaluation_from};
use super::my_work::DueRow;
use super::{Work, entered_date, work};
use crate::pages::render;
use crate::session::{SignedIn, check_csrf};
use crate::view::{Chrome, long_date};
use crate::{AppState, WebError};

struct StepRow {
    stage: &'static str,
    on: String,
    evidence: String,
    decided_by: String,
}

struct ActivityRow {
    kind: &'static str,
    held_on: String,
    recorded_by: String,
    attendees: String,
    summary: String,
    actions: String,
    note: Option<NoteOfVisit>,
}

struct DocumentRow {
    id: i64,
    title: String,
    file_name: String,
    size: String,
    by: String,
    on: String,
}

/// An option of a select, with whether it starts chosen.
struct Choice {
    value: String,
    label: String,
    selected: bool,
}

struct HistoryRow {
    by: String,
    when: String,
    change: String,
}

#[derive(Template)]
#[template(path = "school_record.html")]
struct RecordPage {
    chrome: Chrome,
    urn: String,
    name: String,
    powers: &'static str,
    advisers: String,
    stage: Option<&'static str>,
    since: String,
    opened_on: String,
    plan_agreed_on: String,
    revision: i64,
    steps: Vec<StepRow>,
    history: Vec<HistoryRow>,
    plan: Vec<PlanPriority>,
    statuses: Vec<(&'static str, &'static str)>,
    support: Vec<SupportRow>,
    /// The approved providers who work in the school's phase.
    providers: Vec<Choice>,
    commission_kinds: Vec<Choice>,
    objectives: Vec<Choice>,
    funding_sources: Vec<(&'static str, &'static str)>,
    outcomes: Vec<(&'static str, &'static str)>,
    /// Opened from "Find support", with a provider chosen.
    commission_open: bool,
    documents: Vec<DocumentRow>,
    due: Vec<DueRow>,
    activities: Vec<ActivityRow>,
    can_decide: bool,
    csrf_token: String,
    kinds: Vec<(&'static str, &'static str)>,
    next_stages: Vec<(&'static str, &'static str)>,
    solutions: Vec<(&'static str, &'static str)>,
    judgements: Vec<(usize, &'static str)>,
    risks: Vec<(usize, &'static str)>,
    /// Today's day, month and year, to start the date fields with.
    today: (u32, u32, i32),
    errors: Vec<(String, String)>,
    /// Changes someone else saved since this person opened the page.
    conflict: Vec<HistoryRow>,
    /// What the person wrote, kept when the form could not be saved.
    kept_evidence: String,
    kept_summary: String,
}

/// What went wrong with a form, to show beside it.
#[derive(Default)]
struct Problems {
    errors: Vec<(String, String)>,
    conflict: Vec<HistoryEntry>,
    kept_evidence: String,
    kept_summary: String,
}

impl Problems {
    fn error(anchor: &str, message: impl Into<String>) -> Problems {
        Problems {
            errors: vec![(format!("#{anchor}"), message.into())],
            ..Problems::default()
        }
    }
}

pub(super) fn visible(signed_in: &SignedIn, urn: &str) -> Result<Urn, WebError> {
    if !signed_in.account.role.works_cases() {
        return Err(WebError::Forbidden);
    }
    let urn: Urn = urn.parse().map_err(|_| WebError::NotFound)?;
    // A school the user may not see is answered as one that does not exist.
    if signed_in.account.can_see_school(urn) {
        Ok(urn)
    } else {
        Err(WebError::NotFound)
    }
}

fn school(work: &Work, urn: Urn) -> Result<&Establishment, WebError> {
    work.evidence
        .schools
        .iter()
        .find(|school| school.urn == urn)
        .ok_or(WebError::NotFound)
}

fn history_row(entry: &HistoryEntry) -> HistoryRow {
    HistoryRow {
        by: entry.changed_by.clone(),
        when: long_date(entry.changed_at.date_naive()),
        change: entry.change.clone(),
    }
}

/// What the record was opened with from "Find support": the provider chosen, the priority it is
/// for and the kind of support, to start the commission form with.
#[derive(Debug, Default, serde::Deserialize)]
pub struct Chosen {
    provider: Option<i64>,
    objective: Option<i64>,
    #[serde(default)]
    kind: String,
}

async fn page(state: &AppState, signed_in: &SignedIn, urn: Urn, problems: Problems) -> Result<Html<String>, WebError> {
    page_with(state, signed_in, urn, problems, &Chosen::default()).await
}

async fn page_with(
    state: &AppState,
    signed_in: &SignedIn,
    urn: Urn,
    problems: Problems,
    chosen: &Chosen,
) -> Result<Html<String>, WebError> {
    let work = work(state, &signed_in.account).await?;
    let school = school(&work, urn)?;
    let powers = Powers::of(&school.governance);
    let case = latest_case(&work.evidence.cases, urn).filter(|case| case.is_open());
    let (history, plan, support) = match case {
        Some(case) => (
            state.store.case_history(case.id, 0).await?,
            state.store.plan(case.id).await?,
            state.store.support(case.id).await?,
        ),
        None => (Vec::new(), Vec::new(), Vec::new()),
    };
    let stage = case.map_or(Stage::LightTouch, Case::stage);
    let next_stages = stage
        .next_stages(powers)
        .into_iter()
        .filter(|next| case.is_some() || matches!(next, Stage::AdditionalSupport))
        .map(|next| (next.code(), next.label()))
        .collect();
    let today = work.today;
    let support_rows = support
        .iter()
        .map(|commissioned| SupportRow::of(commissioned, &plan))
        .collect();
    let objectives = plan
        .iter()
        .map(|priority| Choice {
            value: priority.id.to_string(),
            label: priority.title.clone(),
            selected: chosen.objective == Some(priority.id),
        })
        .collect();
    render(&RecordPage {
        chrome: Chrome::for_user(signed_in, "my-work"),
        urn: urn.to_string(),
        name: school.name.clone(),
        powers: match powers {
            Powers::Intervene => "Maintained: the LA may intervene itself",
            Powers::AlertDfe => "Academy: the LA alerts the DfE regional team",
        },
        advisers: work
            .evidence
            .advisers
            .iter()
            .filter(|adviser| adviser.urn == urn)
            .map(|adviser| adviser.name.as_str())
            .collect::<Vec<_>>()
            .join(", "),
        stage: case.map(|case| case.stage().label()),
        since: case
            .and_then(Case::current_step)
            .map_or_else(String::new, |step| long_date(step.taken_on)),
        opened_on: case.map_or_else(String::new, |case| long_date(case.opened_on)),
        plan_agreed_on: case
            .and_then(|case| case.plan_agreed_on)
            .map_or_else(String::new, long_date),
        revision: case.map_or(0, |case| case.revision),
        steps: case.map_or_else(Vec::new, |case| {
            case.steps
                .iter()
                .rev()
                .map(|step| StepRow {
                    stage: step.stage.label(),
                    on: long_date(step.taken_on),
                    evidence: step.evidence.clone(),
                    decided_by: step.decided_by.clone(),
                })
                .collect()
        }),
        history: history.iter().rev().map(history_row).collect(),
        plan,
        support: support_rows,
        providers: state
            .store
            .providers()
            .await?
            .into_iter()
            .filter(|provider| provider.approved_on(today) && provider.works_in(school.phase))
            .map(|provider| Choice {
                value: provider.id.to_string(),
                label: format!("{} ({})", provider.name, provider.kind.label()),
                selected: chosen.provider == Some(provider.id),
            })
            .collect(),
        commission_kinds: SupportKind::ALL
            .iter()
            .map(|kind| Choice {
                value: kind.code().to_owned(),
                label: kind.label().to_owned(),
                selected: chosen.kind == kind.code(),
            })
            .collect(),
        objectives,
        commission_open: chosen.provider.is_some(),
        funding_sources: FundingSource::ALL
            .iter()
            .map(|source| (source.code(), source.label()))
            .collect(),
        outcomes: ObjectiveOutcome::ALL
            .iter()
            .map(|outcome| (outcome.code(), outcome.label()))
            .collect(),
        documents: state
            .store
            .documents(urn)
            .await?
            .into_iter()
            .map(|document| DocumentRow {
                id: document.id,
                title: document.title,
                file_name: document.file_name,
                size: if document.size >= 1024 * 1024 {
                    format!("{:.1} MB", document.size as f64 / (1024.0 * 1024.0))
                } else {
                    format!("{} KB", document.size.div_ceil(1024))
                },
                by: document.uploaded_by,
                on: long_date(document.uploaded_at.date_naive()),
            })
            .collect(),
        statuses: ActionStatus::ALL
            .iter()
            .map(|status| (status.code(), status.label()))
            .collect(),
        due: work
            .items
            .iter()
            .filter(|assigned| assigned.item.urn == Some(urn))
            .map(DueRow::of)
            .collect(),
        activities: work
            .evidence
            .activities
            .iter()
            .rev()
            .filter(|activity| activity.urn == Some(urn))
            .map(|activity| ActivityRow {
                kind: activity.kind.label(),
                held_on: long_date(activity.held_on),
                recorded_by: activity.recorded_by.clone(),
                attendees: activity.attendees.clone(),
                summary: activity.summary.clone(),
                actions: activity.actions.clone(),
                note: activity.note.clone(),
            })
            .collect(),
        can_decide: signed_in.account.role.decides_steps(),
        csrf_token: signed_in.session.csrf_token.clone(),
        kinds: ActivityKind::ALL
            .iter()
            .filter(|kind| **kind != ActivityKind::SchoolReviewGroup)
            .map(|kind| (kind.code(), kind.label()))
            .collect(),
        next_stages,
        solutions: StructuralSolution::ALL
            .iter()
            .map(|solution| (solution.code(), solution.label()))
            .collect(),
        judgements: SELF_EVALUATION_JUDGEMENTS.iter().copied().enumerate().collect(),
        risks: RISK_CHARACTERISTICS.iter().copied().enumerate().collect(),
        today: (
            chrono::Datelike::day(&today),
            chrono::Datelike::month(&today),
            chrono::Datelike::year(&today),
        ),
        errors: problems.errors,
        conflict: problems.conflict.iter().map(history_row).collect(),
        kept_evidence: problems.kept_evidence,
        kept_summary: problems.kept_summary,
    })
}

pub async fn record(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(urn): Path<String>,
    Query(chosen): Query<Chosen>,
) -> Result<Html<String>, WebError> {
    let urn = visible(&signed_in, &urn)?;
    page_with(&state, &signed_in, urn, Problems::default(), &chosen).await
}

type Fields = HashMap<String, String>;

fn field<'a>(fields: &'a Fields, name: &str) -> &'a str {
    fields.get(name).map_or("", |value| value.trim())
}

fn date_field(fields: &Fields, prefix: &str) -> Option<chrono::NaiveDate> {
    entered_date(
        field(fields, &format!("{prefix}-day")),
        field(fields, &format!("{prefix}-month")),
        field(fields, &format!("{prefix}-year")),
    )
}

fn checked_form(signed_in: &SignedIn, fields: &Fields, urn: &str) -> Result<Urn, WebError> {
    check_csrf(&signed_in.session, field(fields, "csrf_token"))?;
    visible(signed_in, urn)
}

fn after_saving(urn: Urn, anchor: &str) -> Response {
    Redirect::to(&format!("/schools/{urn}/record#{anchor}")).into_response()
}

/// The note of visit from the template's fields, for a visit.
fn note_from(fields: &Fields) -> NoteOfVisit {
    NoteOfVisit {
        focus: field(fields, "focus").to_owned(),
        priorities_and_impact: field(fields, "priorities").to_owned(),
        grades: SELF_EVALUATION_JUDGEMENTS
            .iter()
            .enumerate()
            .filter_map(|(index, judgement)| {
                let grade = field(fields, &format!("grade-{index}")).parse::<u8>().ok()?;
                (1..=4).contains(&grade).then(|| SelfEvaluationGrade {
                    judgement: (*judgement).to_owned(),
                    grade,
                })
            })
            .collect(),
        risks: RISK_CHARACTERISTICS
            .iter()
            .enumerate()
            .filter(|(index, _)| !field(fields, &format!("risk-{index}")).is_empty())
            .map(|(_, risk)| (*risk).to_owned())
            .collect(),
        next_steps: field(fields, "next-steps").to_owned(),
    }
}

/// Records a visit, meeting, statement or review for the school.
pub async fn record_activity(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(urn): Path<String>,
    Form(fields): Form<Fields>,
) -> Result<Response, WebError> {
    let urn = checked_form(&signed_in, &fields, &urn)?;
    let refused = |anchor: &str, message: &str| Problems {
        kept_summary: field(&fields, "summary").to_owned(),
        ..Problems::error(anchor, message)
    };
    let Ok(kind) = ActivityKind::from_code(field(&fields, "kind")) else {
        return Ok(page(&state, &signed_in, urn, refused("kind", "Choose what was done"))
            .await?
            .into_response());
    };
    let today = state.today();
    let Some(held_on) = date_field(&fields, "held-on").filter(|held_on| *held_on <= today) else {
        let problem = refused(
            "held-on-day",
            "Enter the date it was held, today or before, as day, month and year",
        );
        return Ok(page(&state, &signed_in, urn, problem).await?.into_response());
    };
    let summary = field(&fields, "summary");
    if summary.is_empty() {
        let problem = refused("summary", "Write what was done or decided");
        return Ok(page(&state, &signed_in, urn, problem).await?.into_response());
    }
    let activity = Activity {
        id: 0,
        urn: Some(urn),
        kind,
        held_on,
        recorded_by: signed_in.account.display_name.clone(),
        recorded_at: chrono::Utc::now(),
        attendees: field(&fields, "attendees").to_owned(),
        summary: summary.to_owned(),
        actions: field(&fields, "actions").to_owned(),
        note: kind.is_visit().then(|| note_from(&fields)),
    };
    state.store.record_activity(&activity).await?;
    Ok(after_saving(urn, "activities"))
}

fn deciding(signed_in: &SignedIn) -> Result<(), WebError> {
    if signed_in.account.role.decides_steps() {
        Ok(())
    } else {
        Err(WebError::Forbidden)
    }
}

/// The step the form describes, checked against the ladder from where the case stood.
fn step_from(
    fields: &Fields,
    from: Stage,
    powers: Powers,
    signed_in: &SignedIn,
    today: chrono::NaiveDate,
) -> Result<LadderStep, Problems> {
    let kept = |problems: Problems| Problems {
        kept_evidence: field(fields, "evidence").to_owned(),
        ..problems
    };
    let to =
        Stage::from_code(field(fields, "stage")).map_err(|_| kept(Problems::error("stage", "Choose the stage")))?;
    let decision = StepDecision {
        to,
        solution: StructuralSolution::from_code(field(fields, "solution")).ok(),
        evidence: field(fields, "evidence").to_owned(),
    };
    check_step(from, powers, &decision).map_err(|refused| {
        let anchor = if decision.evidence.is_empty() {
            "evidence"
        } else {
            "stage"
        };
        kept(Problems::error(anchor, refused.to_string()))
    })?;
    let compliance_ends = date_field(fields, "compliance");
    if to == Stage::WarningNotice && compliance_ends.is_none_or(|ends| ends <= today) {
        return Err(kept(Problems::error(
            "compliance-day",
            "Enter the end of the compliance period the notice states, after today",
        )));
    }
    Ok(LadderStep {
        stage: to,
        taken_on: today,
        solution: decision.solution.filter(|_| to == Stage::StructuralSolution),
        compliance_ends: compliance_ends.filter(|_| to == Stage::WarningNotice),
        evidence: decision.evidence,
        decided_by: signed_in.account.display_name.clone(),
    })
}

/// Opens a case for the school, at additional support.
pub async fn open_case(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(urn): Path<String>,
    Form(fields): Form<Fields>,
) -> Result<Response, WebError> {
    let urn = checked_form(&signed_in, &fields, &urn)?;
    deciding(&signed_in)?;
    let work = work(&state, &signed_in.account).await?;
    let powers = Powers::of(&school(&work, urn)?.governance);
    let step = match step_from(&fields, Stage::LightTouch, powers, &signed_in, state.today()) {
        Ok(step) => step,
        Err(problems) => return Ok(page(&state, &signed_in, urn, problems).await?.into_response()),
    };
    match state.store.open_case(urn, &step, chrono::Utc::now()).await? {
        CaseOpening::Opened(_) => Ok(after_saving(urn, "case")),
        CaseOpening::AlreadyOpen(case_id) => {
            let problems = Problems {
                conflict: state.store.case_history(case_id, 0).await?,
                kept_evidence: step.evidence,
                ..Problems::default()
            };
            Ok(page(&state, &signed_in, urn, problems).await?.into_response())
        }
    }
}

/// Saves a change to the open case at the revision the form was opened at.
async fn change(
    state: &AppState,
    signed_in: &SignedIn,
    (urn, anchor): (Urn, &str),
    fields: &Fields,
    make: impl FnOnce(&Case, Powers) -> Result<CaseChange, Problems>,
) -> Result<Response, WebError> {
    let work = work(state, &signed_in.account).await?;
    let powers = Powers::of(&school(&work, urn)?.governance);
    let seen: i64 = field(fields, "revision")
        .parse()
        .map_err(|_| WebError::BadForm("The form has no revision: reload the page."))?;
    let Some(case) = latest_case(&work.evidence.cases, urn).filter(|case| case.is_open()) else {
        return Ok(page(
            state,
            signed_in,
            urn,
            Problems::error("case", "The school has no open case: open one first"),
        )
        .await?
        .into_response());
    };
    // Someone else saved since this person read the case: their decision was made on what they
    // saw, so it is shown the other change rather than judged against a stage they never saw.
    if case.revision != seen {
        let problems = Problems {
            conflict: state.store.case_history(case.id, seen).await?,
            kept_evidence: field(fields, "evidence").to_owned(),
            ..Problems::default()
        };
        return Ok(page(state, signed_in, urn, problems).await?.into_response());
    }
    let change = match make(case, powers) {
        Ok(change) => change,
        Err(problems) => return Ok(page(state, signed_in, urn, problems).await?.into_response()),
    };
    let by = &signed_in.account.display_name;
    match state
        .store
        .change_case(case.id, seen, &change, by, chrono::Utc::now())
        .await?
    {
        CaseSaved::Saved(_) => Ok(after_saving(urn, anchor)),
        CaseSaved::NotThisCase => Err(WebError::NotFound),
        CaseSaved::Conflict { changes_since } => {
            let kept_evidence = match &change {
                CaseChange::Step(step) => step.evidence.clone(),
                _ => String::new(),
            };
            let problems = Problems {
                conflict: changes_since,
                kept_evidence,
                ..Problems::default()
            };
            Ok(page(state, signed_in, urn, problems).await?.into_response())
        }
    }
}

/// Takes a step on the ladder.
pub async fn take_step(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(urn): Path<String>,
    Form(fields): Form<Fields>,
) -> Result<Response, WebError> {
    let urn = checked_form(&signed_in, &fields, &urn)?;
    deciding(&signed_in)?;
    let today = state.today();
    change(&state, &signed_in, (urn, "case"), &fields, |case, powers| {
        step_from(&fields, case.stage(), powers, &signed_in, today).map(CaseChange::Step)
    })
    .await
}

/// Records the day the school's Raising Achievement Plan was agreed.
pub async fn agree_plan(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(urn): Path<String>,
    Form(fields): Form<Fields>,
) -> Result<Response, WebError> {
    let urn = checked_form(&signed_in, &fields, &urn)?;
    deciding(&signed_in)?;
    let today = state.today();
    change(&state, &signed_in, (urn, "plan"), &fields, |_, _| {
        date_field(&fields, "agreed")
            .filter(|agreed| *agreed <= today)
            .map(CaseChange::PlanAgreed)
            .ok_or_else(|| Problems::error("agreed-day", "Enter the day the plan was agreed, today or before"))
    })
    .await
}

/// A change to the school's plan: a priority or action added, an action's status, or the
/// impact against a priority. Advisers keep the plan of their schools with the school.
pub async fn change_plan(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(urn): Path<String>,
    Form(fields): Form<Fields>,
) -> Result<Response, WebError> {
    let urn = checked_form(&signed_in, &fields, &urn)?;
    let number = |name: &str| field(&fields, name).parse::<i64>().ok();
    let today = state.today();
    let anchor = if matches!(field(&fields, "change"), "support" | "days-used" | "evaluation") {
        "support"
    } else {
        "plan"
    };
    let providers = state.store.providers().await?;
    change(&state, &signed_in, (urn, anchor), &fields, |_, _| {
        let missing = |anchor: &str, message: &str| Problems::error(anchor, message);
        match field(&fields, "change") {
            "priority" => {
                let title = field(&fields, "title");
                if title.is_empty() {
                    return Err(missing("title", "Write the priority"));
                }
                Ok(CaseChange::AddPriority {
                    title: title.to_owned(),
                })
            }
            "action" => {
                let description = field(&fields, "description");
                let owner = field(&fields, "owner");
                let due_on = date_field(&fields, "action-due");
                match (number("priority"), description.is_empty(), owner.is_empty(), due_on) {
                    (Some(priority), false, false, Some(due_on)) => Ok(CaseChange::AddAction {
                        priority,
                        description: description.to_owned(),
                        owner: owner.to_owned(),
                        due_on,
                    }),
                    _ => Err(missing(
                        "description",
                        "Write the action, who owns it and the day it is due by",
                    )),
                }
            }
            "status" => match (number("action"), ActionStatus::from_code(field(&fields, "status"))) {
                (Some(action), Ok(status)) => Ok(CaseChange::SetActionStatus { action, status }),
                _ => Err(missing("plan", "Choose the action's status")),
            },
            "impact" => match (number("priority"), field(&fields, "impact")) {
                (Some(priority), impact) if !impact.is_empty() => Ok(CaseChange::RecordImpact {
                    priority,
                    impact: impact.to_owned(),
                }),
                _ => Err(missing("plan", "Write the impact of the actions taken")),
            },
            "support" => {
                commission_from(&fields, &providers, today).map_err(|(anchor, message)| missing(anchor, message))
            }
            "days-used" => days_used_from(&fields).map_err(|(anchor, message)| missing(anchor, message)),
            "evaluation" => evaluation_from(&fields, today).map_err(|(anchor, message)| missing(anchor, message)),
            _ => Err(missing("plan", "Choose what to change in the plan")),
        }
    })
    .await
}
