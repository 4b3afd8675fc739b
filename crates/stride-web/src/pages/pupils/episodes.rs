//! Episodes: starting one and recording what happened on it, what is due across the reader's
//! pupils, and the register of children not in school full time.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use serde::Deserialize;
use stride_core::pupils::episodes::{EpisodeEvent, EpisodeKind, ExclusionReason, NewEpisode, due_on_episodes};
use stride_core::pupils::{AuditAction, Pupil};
use stride_core::table::{Cell, Column, Table};
use stride_core::{AcademicYear, Urn};
use stride_store::pupils::read_pupil;

use crate::pages::intervention::entered_date;
use crate::pages::{csv_download, render, xlsx_download};
use crate::session::{SignedIn, check_csrf};
use crate::view::{Chrome, long_date};
use crate::{AppState, WebError};

use super::record::{describe, pupil_page};
use super::*;

#[derive(Deserialize)]
pub struct NewEpisodeForm {
    csrf_token: String,
    kind: String,
    #[serde(rename = "began-day", default)]
    day: String,
    #[serde(rename = "began-month", default)]
    month: String,
    #[serde(rename = "began-year", default)]
    year: String,
    #[serde(default)]
    school_days: String,
    #[serde(default)]
    reason: String,
    #[serde(rename = "end-day", default)]
    end_day: String,
    #[serde(rename = "end-month", default)]
    end_month: String,
    #[serde(rename = "end-year", default)]
    end_year: String,
    #[serde(default)]
    provider: String,
}

/// A pupil held in the reader's scope, for a change: refused, and audited as refused, otherwise.
async fn pupil_to_change(state: &AppState, signed_in: &SignedIn, id: i64, csrf_token: &str) -> Result<Pupil, WebError> {
    pupil_scope(signed_in)?;
    check_csrf(&signed_in.session, csrf_token)?;
    read_pupil(
        state.store.as_ref(),
        &signed_in.account,
        id,
        &purpose(state, AuditAction::ChangePupil, "recorded an episode".into()),
    )
    .await?
    .ok_or(WebError::NotFound)
}

pub async fn start_episode(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(id): Path<i64>,
    Form(form): Form<NewEpisodeForm>,
) -> Result<Response, WebError> {
    let pupil = pupil_to_change(&state, &signed_in, id, &form.csrf_token).await?;
    let new = NewEpisode {
        kind: &form.kind,
        on: entered_date(&form.day, &form.month, &form.year),
        urn: pupil.latest_return().map(|latest| latest.urn),
        school_days: form.school_days.trim().parse().ok(),
        reason: ExclusionReason::from_code(form.reason.trim()).ok(),
        planned_end: entered_date(&form.end_day, &form.end_month, &form.end_year),
        provider: &form.provider,
    };
    match new.episode() {
        Ok(kind) => {
            state
                .store
                .record_episode(id, None, &kind, &signed_in.account.display_name, state.now())
                .await?;
            Ok(Redirect::to(&format!("/pupils/{id}#episodes")).into_response())
        }
        Err(problem) => Ok(pupil_page(&state, &signed_in, id, Some(problem)).await?.into_response()),
    }
}

#[derive(Deserialize)]
pub struct EventForm {
    csrf_token: String,
    event: String,
    #[serde(rename = "on-day", default)]
    day: String,
    #[serde(rename = "on-month", default)]
    month: String,
    #[serde(rename = "on-year", default)]
    year: String,
    #[serde(default)]
    words: String,
}

pub async fn record_event(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path((id, episode_id)): Path<(i64, i64)>,
    Form(form): Form<EventForm>,
) -> Result<Response, WebError> {
    pupil_to_change(&state, &signed_in, id, &form.csrf_token).await?;
    let episode = state
        .store
        .episodes(Some(id))
        .await?
        .into_iter()
        .find(|episode| episode.id == episode_id)
        .ok_or(WebError::NotFound)?;
    let outcome = entered_date(&form.day, &form.month, &form.year)
        .ok_or("Enter the date, as day, month and year")
        .and_then(|on| EpisodeEvent::from_form(&form.event, on, &form.words))
        .and_then(|event| episode.kind.with(event));
    match outcome {
        Ok(kind) => {
            state
                .store
                .record_episode(
                    id,
                    Some(episode_id),
                    &kind,
                    &signed_in.account.display_name,
                    state.now(),
                )
                .await?
                .ok_or(WebError::NotFound)?;
            Ok(Redirect::to(&format!("/pupils/{id}#episodes")).into_response())
        }
        Err(problem) => Ok(pupil_page(&state, &signed_in, id, Some(problem)).await?.into_response()),
    }
}

struct DueRow {
    pupil_id: i64,
    pupil: String,
    school: String,
    what: String,
    due_on: String,
    state: &'static str,
}

#[derive(Template)]
#[template(path = "pupils_due.html")]
struct DuePage {
    chrome: Chrome,
    today: String,
    rows: Vec<DueRow>,
    overdue: usize,
}

/// What is due on the episodes of the pupils in the reader's scope, overdue first.
async fn due_rows(state: &AppState, signed_in: &SignedIn) -> Result<Vec<(DueRow, NaiveDate)>, WebError> {
    pupil_scope(signed_in)?;
    let (rules, _, calendar) = state.store.cycle().await?;
    let today = state.today();
    let episodes = state.store.episodes(None).await?;
    let due = due_on_episodes(&episodes, &calendar, &rules.pupils, today);
    let by_id = visible_by_id(state, signed_in, due.iter().map(|each| each.pupil_id), "what is due").await?;
    let names = school_names(state).await?;
    Ok(due
        .into_iter()
        .filter_map(|due| {
            let pupil = by_id.get(&due.pupil_id)?;
            let school = pupil
                .latest_return()
                .map(|latest| names.get(&latest.urn).cloned().unwrap_or_default())
                .unwrap_or_default();
            Some((
                DueRow {
                    pupil_id: pupil.id,
                    pupil: pupil.full_name(),
                    school,
                    what: due.what.to_owned(),
                    due_on: long_date(due.due_on),
                    state: due.state.label(),
                },
                due.due_on,
            ))
        })
        .collect())
}

pub async fn due(State(state): State<AppState>, signed_in: SignedIn) -> Result<Html<String>, WebError> {
    let rows: Vec<DueRow> = due_rows(&state, &signed_in)
        .await?
        .into_iter()
        .map(|(row, _)| row)
        .collect();
    render(&DuePage {
        chrome: Chrome::for_user(&signed_in, "pupils"),
        today: long_date(state.today()),
        overdue: rows.iter().filter(|row| row.state == "Overdue").count(),
        rows,
    })
}

fn due_table(rows: Vec<(DueRow, NaiveDate)>) -> Table {
    Table {
        title: "What is due for pupils".into(),
        columns: vec![
            Column::text("State"),
            Column::text("Due"),
            Column::text("Pupil"),
            Column::text("School"),
            Column::text("What"),
        ],
        rows: rows
            .into_iter()
            .map(|(row, due_on)| {
                vec![
                    Cell::Text(row.state.into()),
                    Cell::Date(due_on),
                    Cell::Text(row.pupil),
                    Cell::Text(row.school),
                    Cell::Text(row.what),
                ]
            })
            .collect(),
    }
}

pub async fn due_csv(State(state): State<AppState>, signed_in: SignedIn) -> Result<Response, WebError> {
    csv_download(&due_table(due_rows(&state, &signed_in).await?), "pupils-due")
}

pub async fn due_xlsx(State(state): State<AppState>, signed_in: SignedIn) -> Result<Response, WebError> {
    xlsx_download(&due_table(due_rows(&state, &signed_in).await?), "pupils-due")
}

/// The register of children not in school full time: open episodes of each kind, of the
/// pupils in the reader's scope, each with the school last returning them and what is due next.
struct RegisterRow {
    pupil_id: i64,
    pupil: String,
    school: String,
    described: String,
    next_due: String,
}

#[derive(Template)]
#[template(path = "pupils_register.html")]
struct RegisterPage {
    chrome: Chrome,
    today: String,
    sections: Vec<(&'static str, &'static str, Vec<RegisterRow>)>,
}

/// The kinds the register lists, by the code its downloads name them by.
const REGISTER_KINDS: [(&str, &str); 5] = [
    ("missing-education", "Children missing education"),
    ("home-education", "Electively home educated"),
    ("reduced-timetable", "On a reduced timetable"),
    ("alternative-provision", "In alternative provision"),
    (
        "excluded",
        "Excluded now: suspended today, or permanently excluded this year",
    ),
];

fn register_kind(kind: &EpisodeKind) -> Option<&'static str> {
    Some(match kind {
        EpisodeKind::MissingEducation { .. } => "missing-education",
        EpisodeKind::HomeEducation { .. } => "home-education",
        EpisodeKind::ReducedTimetable { .. } => "reduced-timetable",
        EpisodeKind::AlternativeProvision { .. } => "alternative-provision",
        EpisodeKind::Suspension { .. } | EpisodeKind::PermanentExclusion { .. } => "excluded",
        _ => return None,
    })
}

async fn register_rows(state: &AppState, signed_in: &SignedIn) -> Result<Vec<(&'static str, RegisterRow)>, WebError> {
    pupil_scope(signed_in)?;
    let (rules, _, calendar) = state.store.cycle().await?;
    let today = state.today();
    let year = AcademicYear::containing(today);
    let open: Vec<_> = state
        .store
        .episodes(None)
        .await?
        .into_iter()
        .filter(|episode| match &episode.kind {
            EpisodeKind::PermanentExclusion { first_day, .. } => AcademicYear::containing(*first_day) == year,
            kind => kind.is_open(&calendar, today),
        })
        .filter_map(|episode| register_kind(&episode.kind).map(|code| (code, episode)))
        .collect();
    let ids = open.iter().map(|(_, episode)| episode.pupil_id);
    let by_id = visible_by_id(state, signed_in, ids, "children not in school full time").await?;
    let names = school_names(state).await?;
    let school = |urn: Urn| names.get(&urn).cloned().unwrap_or_else(|| format!("URN {urn}"));
    Ok(open
        .into_iter()
        .filter_map(|(code, episode)| {
            let pupil = by_id.get(&episode.pupil_id)?;
            let next = episode
                .due(&calendar, &rules.pupils, today)
                .into_iter()
                .min_by_key(|due| due.due_on);
            Some((
                code,
                RegisterRow {
                    pupil_id: pupil.id,
                    pupil: pupil.full_name(),
                    school: pupil
                        .latest_return()
                        .map(|latest| school(latest.urn))
                        .unwrap_or_default(),
                    described: describe(&episode.kind, &school),
                    next_due: next.map_or_else(String::new, |due| {
                        format!("{}: {} by {}", due.state.label(), due.what, long_date(due.due_on))
                    }),
                },
            ))
        })
        .collect())
}

pub async fn register(State(state): State<AppState>, signed_in: SignedIn) -> Result<Html<String>, WebError> {
    let mut rows = register_rows(&state, &signed_in).await?;
    let sections = REGISTER_KINDS
        .iter()
        .map(|(code, title)| {
            let (mine, rest): (Vec<_>, Vec<_>) = std::mem::take(&mut rows)
                .into_iter()
                .partition(|(kind, _)| kind == code);
            rows = rest;
            (*code, *title, mine.into_iter().map(|(_, row)| row).collect())
        })
        .collect();
    render(&RegisterPage {
        chrome: Chrome::for_user(&signed_in, "pupils"),
        today: long_date(state.today()),
        sections,
    })
}

#[derive(Deserialize, Default)]
pub struct RegisterQuery {
    #[serde(default)]
    kind: String,
}

async fn register_table(state: &AppState, signed_in: &SignedIn, query: &RegisterQuery) -> Result<Table, WebError> {
    let (code, title) = REGISTER_KINDS
        .iter()
        .find(|(code, _)| *code == query.kind)
        .copied()
        .unwrap_or(REGISTER_KINDS[0]);
    let rows = register_rows(state, signed_in).await?;
    Ok(Table {
        title: format!("{title}, {}", long_date(state.today())),
        columns: vec![
            Column::text("Pupil"),
            Column::text("School last on roll"),
            Column::text("Episode"),
            Column::text("Next due"),
        ],
        rows: rows
            .into_iter()
            .filter(|(kind, _)| *kind == code)
            .map(|(_, row)| {
                vec![
                    Cell::Text(row.pupil),
                    Cell::Text(row.school),
                    Cell::Text(row.described),
                    Cell::Text(row.next_due),
                ]
            })
            .collect(),
    })
}

pub async fn register_csv(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Query(query): Query<RegisterQuery>,
) -> Result<Response, WebError> {
    csv_download(&register_table(&state, &signed_in, &query).await?, "not-in-school")
}

pub async fn register_xlsx(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Query(query): Query<RegisterQuery>,
) -> Result<Response, WebError> {
    xlsx_download(&register_table(&state, &signed_in, &query).await?, "not-in-school")
}
