//! Strategy action plans in the browser: the plans, each plan's actions and tasks with their
//! ratings, a task's history and the form that updates it, and the plan's progress report as a
//! page and its downloads. Every change is one edit, made whole or refused.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use serde::Deserialize;
use stride_core::action_plan::{ActionPlan, PlanChange, Rating, TaskStatus, Timescale, rating};
use stride_core::report::action_plan_progress;

use super::reports::{ReportPage, download, downloads, shown_sections};
use crate::pages::render;
use crate::session::{SignedIn, check_csrf};
use crate::view::{Chrome, long_date};
use crate::{AppState, WebError};

fn reading(signed_in: &SignedIn) -> Result<(), WebError> {
    if signed_in.account.role.can_read_action_plans() {
        Ok(())
    } else {
        Err(WebError::Forbidden)
    }
}

fn keeping(signed_in: &SignedIn, csrf_token: &str) -> Result<(), WebError> {
    if !signed_in.account.role.keeps_action_plans() {
        return Err(WebError::Forbidden);
    }
    check_csrf(&signed_in.session, csrf_token)
}

async fn plan(state: &AppState, id: i64) -> Result<ActionPlan, WebError> {
    state
        .store
        .action_plans()
        .await?
        .into_iter()
        .find(|plan| plan.id == id)
        .ok_or(WebError::NotFound)
}

/// The months of the year for a timescale's select, January first.
fn months() -> Vec<(u32, String)> {
    (1..=12)
        .filter_map(|month| {
            NaiveDate::from_ymd_opt(2000, month, 1).map(|first| (month, first.format("%B").to_string()))
        })
        .collect()
}

struct PlanRow {
    id: i64,
    title: String,
    tasks: usize,
    counts: Vec<(&'static str, usize)>,
    last_report: String,
}

#[derive(Template)]
#[template(path = "plans.html")]
struct PlansPage {
    chrome: Chrome,
    csrf_token: String,
    keeps: bool,
    plans: Vec<PlanRow>,
}

pub async fn list(State(state): State<AppState>, signed_in: SignedIn) -> Result<Html<String>, WebError> {
    reading(&signed_in)?;
    let today = state.today();
    let plans = state
        .store
        .action_plans()
        .await?
        .into_iter()
        .map(|plan| {
            let ratings: Vec<Rating> = plan
                .tasks()
                .map(|task| rating(&task.state_on(today), today).0)
                .collect();
            PlanRow {
                id: plan.id,
                title: plan.title.clone(),
                tasks: ratings.len(),
                counts: Rating::ALL
                    .iter()
                    .map(|rated| (rated.label(), ratings.iter().filter(|held| *held == rated).count()))
                    .collect(),
                last_report: plan
                    .reports_issued
                    .last()
                    .map_or_else(|| "None issued".to_owned(), |day| long_date(*day)),
            }
        })
        .collect();
    render(&PlansPage {
        chrome: Chrome::for_user(&signed_in, "plans"),
        csrf_token: signed_in.session.csrf_token.clone(),
        keeps: signed_in.account.role.keeps_action_plans(),
        plans,
    })
}

#[derive(Deserialize)]
pub struct NewPlanForm {
    csrf_token: String,
    title: String,
}

pub async fn create(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Form(form): Form<NewPlanForm>,
) -> Result<Redirect, WebError> {
    keeping(&signed_in, &form.csrf_token)?;
    let title = required(&form.title, "Give the plan a title.")?;
    let change = PlanChange::NewPlan { title };
    let id = change_plans(&state, &signed_in, &change).await?;
    Ok(Redirect::to(&format!("/plans/{id}")))
}

fn required(text: &str, refusal: &'static str) -> Result<String, WebError> {
    let text = text.trim();
    if text.is_empty() {
        Err(WebError::BadForm(refusal))
    } else {
        Ok(text.to_owned())
    }
}

async fn change_plans(state: &AppState, signed_in: &SignedIn, change: &PlanChange) -> Result<i64, WebError> {
    state
        .store
        .change_action_plan(change, &signed_in.account.display_name, state.now())
        .await?
        .ok_or(WebError::NotFound)
}

struct TaskRow {
    id: i64,
    description: String,
    progress: String,
    timescale: String,
    status: &'static str,
    rating: &'static str,
    rating_colour: &'static str,
    reason: String,
    updated: String,
}

struct ActionView {
    id: i64,
    number: u32,
    title: String,
    tasks: Vec<TaskRow>,
}

#[derive(Template)]
#[template(path = "plan.html")]
struct PlanPage {
    chrome: Chrome,
    csrf_token: String,
    keeps: bool,
    id: i64,
    title: String,
    last_report: Option<String>,
    actions: Vec<ActionView>,
    months: Vec<(u32, String)>,
    this_year: i32,
}

/// The tag colour that reads a rating at a glance; its word is always beside it.
fn rating_colour(rated: Rating) -> &'static str {
    match rated {
        Rating::Complete => "govuk-tag--blue",
        Rating::Green => "govuk-tag--green",
        Rating::Amber => "govuk-tag--yellow",
        Rating::Red => "govuk-tag--red",
    }
}

pub async fn show(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(id): Path<i64>,
) -> Result<Html<String>, WebError> {
    reading(&signed_in)?;
    let plan = plan(&state, id).await?;
    let today = state.today();
    let actions = plan
        .actions
        .iter()
        .map(|action| ActionView {
            id: action.id,
            number: action.number,
            title: action.title.clone(),
            tasks: action
                .tasks
                .iter()
                .map(|task| {
                    let held = task.state_on(today);
                    let (rated, reason) = rating(&held, today);
                    TaskRow {
                        id: task.id,
                        description: task.description.clone(),
                        progress: held.progress.clone(),
                        timescale: held.timescale.label(),
                        status: held.status.label(),
                        rating: rated.label(),
                        rating_colour: rating_colour(rated),
                        reason,
                        updated: task.updates.last().map_or_else(
                            || "Not yet updated".to_owned(),
                            |update| format!("{}, {}", long_date(update.at.date_naive()), update.by),
                        ),
                    }
                })
                .collect(),
        })
        .collect();
    render(&PlanPage {
        chrome: Chrome::for_user(&signed_in, "plans"),
        csrf_token: signed_in.session.csrf_token.clone(),
        keeps: signed_in.account.role.keeps_action_plans(),
        id,
        title: plan.title.clone(),
        last_report: plan.reports_issued.last().map(|day| long_date(*day)),
        actions,
        months: months(),
        this_year: chrono::Datelike::year(&today),
    })
}

#[derive(Deserialize)]
pub struct NewActionForm {
    csrf_token: String,
    title: String,
}

pub async fn add_action(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(plan): Path<i64>,
    Form(form): Form<NewActionForm>,
) -> Result<Redirect, WebError> {
    keeping(&signed_in, &form.csrf_token)?;
    let title = required(&form.title, "Say what the action is.")?;
    change_plans(&state, &signed_in, &PlanChange::AddAction { plan, title }).await?;
    Ok(Redirect::to(&format!("/plans/{plan}")))
}

/// A timescale from a form's month and year, or ongoing where that box is ticked.
fn timescale_from(month: &str, year: &str, ongoing: bool) -> Result<Option<Timescale>, WebError> {
    if ongoing {
        return Ok(Some(Timescale::Ongoing));
    }
    if month.trim().is_empty() && year.trim().is_empty() {
        return Ok(None);
    }
    let refused = || WebError::BadForm("Give the timescale as a month and a year, such as September and 2027.");
    let month: u32 = month.trim().parse().map_err(|_| refused())?;
    let year: i32 = year.trim().parse().map_err(|_| refused())?;
    Timescale::month(year, month).map(Some).map_err(|_| refused())
}

#[derive(Deserialize)]
pub struct NewTaskForm {
    csrf_token: String,
    action: i64,
    description: String,
    #[serde(default)]
    month: String,
    #[serde(default)]
    year: String,
    #[serde(default)]
    ongoing: Option<String>,
}

pub async fn add_task(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(plan): Path<i64>,
    Form(form): Form<NewTaskForm>,
) -> Result<Redirect, WebError> {
    keeping(&signed_in, &form.csrf_token)?;
    let description = required(&form.description, "Say what the task is.")?;
    let timescale = timescale_from(&form.month, &form.year, form.ongoing.is_some())?.ok_or(WebError::BadForm(
        "Give the task's timescale: a month and a year, or ongoing.",
    ))?;
    let change = PlanChange::AddTask {
        plan,
        action: form.action,
        description,
        timescale,
    };
    change_plans(&state, &signed_in, &change).await?;
    Ok(Redirect::to(&format!("/plans/{plan}")))
}

struct UpdateRow {
    at: String,
    by: String,
    status: &'static str,
    progress: String,
    revised: String,
}

#[derive(Template)]
#[template(path = "plan_task.html")]
struct TaskPage {
    chrome: Chrome,
    csrf_token: String,
    keeps: bool,
    plan_id: i64,
    plan_title: String,
    task_id: i64,
    description: String,
    timescale: String,
    status: &'static str,
    progress: String,
    statuses: Vec<(&'static str, &'static str, bool)>,
    months: Vec<(u32, String)>,
    updates: Vec<UpdateRow>,
}

pub async fn task(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path((plan_id, task_id)): Path<(i64, i64)>,
) -> Result<Html<String>, WebError> {
    reading(&signed_in)?;
    let plan = plan(&state, plan_id).await?;
    let task = plan.tasks().find(|task| task.id == task_id).ok_or(WebError::NotFound)?;
    let held = task.state_on(state.today());
    render(&TaskPage {
        chrome: Chrome::for_user(&signed_in, "plans"),
        csrf_token: signed_in.session.csrf_token.clone(),
        keeps: signed_in.account.role.keeps_action_plans(),
        plan_id,
        plan_title: plan.title.clone(),
        task_id,
        description: task.description.clone(),
        timescale: held.timescale.label(),
        status: held.status.label(),
        progress: held.progress.clone(),
        statuses: TaskStatus::ALL
            .iter()
            .map(|status| (status.code(), status.label(), *status == held.status))
            .collect(),
        months: months(),
        updates: task
            .updates
            .iter()
            .rev()
            .map(|update| UpdateRow {
                at: update.at.format("%-d %B %Y %H:%M").to_string(),
                by: update.by.clone(),
                status: update.status.label(),
                progress: update.progress.clone(),
                revised: update.revised_timescale.map_or_else(String::new, Timescale::label),
            })
            .collect(),
    })
}

#[derive(Deserialize)]
pub struct UpdateForm {
    csrf_token: String,
    status: String,
    progress: String,
    #[serde(default)]
    month: String,
    #[serde(default)]
    year: String,
}

pub async fn update_task(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path((plan, task)): Path<(i64, i64)>,
    Form(form): Form<UpdateForm>,
) -> Result<Redirect, WebError> {
    keeping(&signed_in, &form.csrf_token)?;
    let status = TaskStatus::from_code(&form.status).map_err(|_| WebError::BadForm("Choose the task's status."))?;
    let progress = required(&form.progress, "Say what progress has been made.")?;
    let change = PlanChange::UpdateTask {
        plan,
        task,
        status,
        progress,
        revised_timescale: timescale_from(&form.month, &form.year, false)?,
    };
    change_plans(&state, &signed_in, &change).await?;
    Ok(Redirect::to(&format!("/plans/{plan}/tasks/{task}")))
}

#[derive(Deserialize)]
pub struct IssueForm {
    csrf_token: String,
}

/// Records that the plan's progress report was issued today: the next reports what changed
/// since.
pub async fn issue_report(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(plan): Path<i64>,
    Form(form): Form<IssueForm>,
) -> Result<Redirect, WebError> {
    keeping(&signed_in, &form.csrf_token)?;
    let change = PlanChange::IssueReport {
        plan,
        on: state.today(),
    };
    // Issuing twice in a day changes nothing.
    if state
        .store
        .change_action_plan(&change, &signed_in.account.display_name, state.now())
        .await?
        .is_none()
    {
        self::plan(&state, plan).await?;
    }
    Ok(Redirect::to(&format!("/plans/{plan}/report")))
}

/// The plan's progress report as a page (`/plans/1/report`) or a download (`…/report.pdf`).
pub async fn report(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path((id, file)): Path<(i64, String)>,
) -> Result<Response, WebError> {
    reading(&signed_in)?;
    let extension = match file.as_str() {
        "report" => "",
        "report.pdf" => "pdf",
        "report.xlsx" => "xlsx",
        "report.csv" => "csv",
        _ => return Err(WebError::NotFound),
    };
    let plan = plan(&state, id).await?;
    let report = action_plan_progress(std::slice::from_ref(&plan), state.today());
    if !extension.is_empty() {
        return download(&report, extension, &format!("action-plan-{id}-progress"));
    }
    Ok(render(&ReportPage {
        chrome: Chrome::for_user(&signed_in, "plans"),
        title: report.title.clone(),
        as_of: long_date(report.as_of),
        sections: shown_sections(&report),
        downloads: downloads(&format!("/plans/{id}/report"), ""),
        termly: false,
        back: 0,
        name: "action-plan-progress",
        back_link: (format!("/plans/{id}"), "The plan"),
    })?
    .into_response())
}
