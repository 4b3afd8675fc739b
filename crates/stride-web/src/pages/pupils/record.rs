//! A pupil's record: who they are, their schools and characteristics over time, this year's
//! attendance, and their episodes with what is due on each and the forms that record them.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Html;
use chrono::NaiveDate;
use stride_core::pupils::episodes::{EpisodeKind, ExclusionReason, STARTED_KINDS, events_of};
use stride_core::pupils::terms::sessions_by_term;
use stride_core::pupils::{AuditAction, Pupil};
use stride_core::{AcademicYear, Urn};
use stride_store::MarksOf;
use stride_store::pupils::{caseloads_by_pupil, read_pupil};

use crate::pages::render;
use crate::session::SignedIn;
use crate::view::{Chrome, long_date};
use crate::{AppState, WebError};

use super::*;

struct AttendanceSummary {
    term: String,
    school: String,
    possible: u32,
    attendance: String,
    authorised: String,
    unauthorised: String,
    band: &'static str,
}

pub(super) fn percent_text(value: Option<f64>) -> String {
    value.map_or_else(|| "none possible".into(), |value| format!("{value:.1}%"))
}

#[derive(Template)]
#[template(path = "pupil.html")]
struct PupilPage {
    chrome: Chrome,
    pupil: Pupil,
    born: String,
    placements: Vec<(String, String, String, String)>,
    characteristics: Vec<(String, String, String)>,
    sen_need: Option<String>,
    attendance: Vec<AttendanceSummary>,
    year: String,
    on_caseload_of: usize,
    /// Whether the reader keeps a caseload, and whether this pupil is on it.
    keeps_caseload: bool,
    on_my_caseload: bool,
    episodes: Vec<EpisodeRow>,
    csrf_token: String,
    problem: Option<&'static str>,
    started_kinds: &'static [(&'static str, &'static str)],
    reasons: Vec<(&'static str, &'static str)>,
}

struct EpisodeRow {
    id: i64,
    label: &'static str,
    described: String,
    open: bool,
    due: Vec<(String, String, &'static str)>,
    events: &'static [(&'static str, &'static str, bool)],
}

/// Who provides an excluded pupil's education from the sixth day, where it is recorded.
fn sixth_day(provision: &Option<String>) -> String {
    provision
        .as_ref()
        .map_or_else(String::new, |by| format!(" Education from the sixth day: {by}."))
}

pub(super) fn describe(kind: &EpisodeKind, school: &dyn Fn(Urn) -> String) -> String {
    let on = |day: &NaiveDate| long_date(*day);
    let dates = |days: &[NaiveDate]| days.iter().map(|day| long_date(*day)).collect::<Vec<_>>().join(", ");
    match kind {
        EpisodeKind::Suspension {
            urn,
            first_day,
            school_days,
            reason,
            provision,
            reintegration_meeting,
        } => format!(
            "{school_days} school days from {} at {}: {}.{}{}",
            on(first_day),
            school(*urn),
            reason.label(),
            sixth_day(provision),
            reintegration_meeting.map_or_else(String::new, |day| format!(" Reintegration meeting {}.", on(&day))),
        ),
        EpisodeKind::PermanentExclusion {
            urn,
            first_day,
            reason,
            provision,
            governors_considered,
        } => format!(
            "From {} at {}: {}.{}{}",
            on(first_day),
            school(*urn),
            reason.label(),
            sixth_day(provision),
            governors_considered.map_or_else(String::new, |day| format!(" Governors considered it {}.", on(&day))),
        ),
        EpisodeKind::MissingEducation {
            referred,
            enquiries,
            outcome,
            closed,
        } => format!(
            "Referred {}.{}{}",
            on(referred),
            if enquiries.is_empty() {
                String::new()
            } else {
                format!(" Enquiries {}.", dates(enquiries))
            },
            closed.map_or_else(String::new, |day| format!(
                " Closed {}: {}.",
                on(&day),
                outcome.clone().unwrap_or_default()
            )),
        ),
        EpisodeKind::HomeEducation {
            registered,
            reviews,
            returned_to_school,
        } => format!(
            "Registered {}.{}{}",
            on(registered),
            if reviews.is_empty() {
                String::new()
            } else {
                format!(" Reviewed {}.", dates(reviews))
            },
            returned_to_school.map_or_else(String::new, |day| format!(" Returned to school {}.", on(&day))),
        ),
        EpisodeKind::ReducedTimetable {
            urn,
            started,
            planned_end,
            reviews,
            ended,
        } => format!(
            "At {} from {}, planned to end {}.{}{}",
            school(*urn),
            on(started),
            on(planned_end),
            if reviews.is_empty() {
                String::new()
            } else {
                format!(" Reviewed {}.", dates(reviews))
            },
            ended.map_or_else(String::new, |day| format!(" Ended {}.", on(&day))),
        ),
        EpisodeKind::AlternativeProvision {
            provider,
            started,
            ended,
        } => format!(
            "{provider}, from {}.{}",
            on(started),
            ended.map_or_else(String::new, |day| format!(" Ended {}.", on(&day))),
        ),
        EpisodeKind::PersonalEducationPlan { reviews } => format!("Reviewed {}.", dates(reviews)),
        EpisodeKind::SchoolPlace { requested, offered } => format!(
            "Requested {}.{}",
            on(requested),
            offered.map_or_else(
                || " No place offered yet.".to_owned(),
                |day| format!(" Offered {}.", on(&day))
            ),
        ),
    }
}

pub async fn show(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(id): Path<i64>,
) -> Result<Html<String>, WebError> {
    pupil_page(&state, &signed_in, id, None).await
}

pub(super) async fn pupil_page(
    state: &AppState,
    signed_in: &SignedIn,
    id: i64,
    problem: Option<&'static str>,
) -> Result<Html<String>, WebError> {
    pupil_scope(signed_in)?;
    let pupil = read_pupil(
        state.store.as_ref(),
        &signed_in.account,
        id,
        &purpose(state, AuditAction::ViewPupil, "pupil's record".into()),
    )
    .await?
    .ok_or(WebError::NotFound)?;
    let names = school_names(state).await?;
    let school = |urn: Urn| names.get(&urn).cloned().unwrap_or_else(|| format!("URN {urn}"));
    let year = AcademicYear::containing(state.today());
    let mut by_term: Vec<_> = sessions_by_term(
        &state.store.attendance_marks(year, MarksOf::Pupil(id)).await?,
        year,
        state.today(),
        &state.store.attendance_summaries(MarksOf::Pupil(id)).await?,
    )
    .into_iter()
    .collect();
    by_term.sort_by(|((_, a_school, a_term), _), ((_, b_school, b_term), _)| {
        b_term.cmp(a_term).then(a_school.cmp(b_school))
    });
    let attendance = by_term
        .into_iter()
        .map(|((_, urn, term), counts)| AttendanceSummary {
            term: term.to_string(),
            school: school(urn),
            possible: counts.possible,
            attendance: percent_text(counts.attendance_percent()),
            authorised: percent_text(counts.authorised_percent()),
            unauthorised: percent_text(counts.unauthorised_percent()),
            band: counts.band().map_or("", |band| band.label()),
        })
        .collect();
    let caseloads = caseloads_by_pupil(state.store.as_ref()).await?;
    let (rules, _, calendar) = state.store.cycle().await?;
    let today = state.today();
    let episodes = state
        .store
        .episodes(Some(id))
        .await?
        .into_iter()
        .map(|episode| EpisodeRow {
            id: episode.id,
            label: episode.kind.label(),
            described: describe(&episode.kind, &school),
            open: episode.kind.is_open(&calendar, today),
            due: episode
                .due(&calendar, &rules.pupils, today)
                .into_iter()
                .map(|due| (due.what.to_owned(), long_date(due.due_on), due.state.label()))
                .collect(),
            events: events_of(&episode.kind),
        })
        .collect();
    render(&PupilPage {
        chrome: Chrome::for_user(signed_in, "pupils"),
        episodes,
        csrf_token: signed_in.session.csrf_token.clone(),
        problem,
        started_kinds: &STARTED_KINDS,
        reasons: ExclusionReason::ALL
            .iter()
            .map(|reason| (reason.code(), reason.label()))
            .collect(),
        born: long_date(pupil.date_of_birth),
        placements: pupil
            .placements()
            .into_iter()
            .map(|placement| {
                (
                    school(placement.urn),
                    placement.year_group.label(),
                    long_date(placement.first_returned),
                    long_date(placement.last_returned),
                )
            })
            .collect(),
        characteristics: pupil
            .characteristic_spans()
            .into_iter()
            .map(|span| {
                (
                    span.characteristic.label().to_owned(),
                    long_date(span.from),
                    span.until.map_or_else(
                        || "Still recorded".into(),
                        |until| format!("Not recorded from {}", long_date(until)),
                    ),
                )
            })
            .collect(),
        sen_need: pupil
            .latest_return()
            .and_then(|each| each.sen_need)
            .map(|need| need.label().to_owned()),
        attendance,
        year: year.to_string(),
        on_caseload_of: caseloads.get(&id).map_or(0, Vec::len),
        keeps_caseload: signed_in.account.role == stride_core::Role::InclusionOfficer,
        on_my_caseload: caseloads
            .get(&id)
            .is_some_and(|officers| officers.contains(&signed_in.account.id)),
        pupil,
    })
}

#[derive(serde::Deserialize)]
pub struct CaseloadForm {
    csrf_token: String,
    /// `add` or `remove`.
    change: String,
}

/// An inclusion officer puts a pupil in their scope on their caseload, or takes them off it;
/// the change is in the audit log.
pub async fn change_caseload(
    axum::extract::State(state): axum::extract::State<AppState>,
    signed_in: SignedIn,
    axum::extract::Path(id): axum::extract::Path<i64>,
    axum::Form(form): axum::Form<CaseloadForm>,
) -> Result<axum::response::Redirect, WebError> {
    if signed_in.account.role != stride_core::Role::InclusionOfficer {
        return Err(WebError::Forbidden);
    }
    crate::session::check_csrf(&signed_in.session, &form.csrf_token)?;
    let what = match form.change.as_str() {
        "add" => "put on their caseload",
        "remove" => "taken off their caseload",
        _ => {
            return Err(WebError::BadForm(
                "Choose to add the pupil to your caseload or take them off it",
            ));
        }
    };
    read_pupil(
        state.store.as_ref(),
        &signed_in.account,
        id,
        &purpose(&state, AuditAction::ChangePupil, what.into()),
    )
    .await?
    .ok_or(WebError::NotFound)?;
    let since = (form.change == "add").then(|| state.today());
    state.store.set_caseload(id, signed_in.account.id, since).await?;
    Ok(axum::response::Redirect::to(&format!("/pupils/{id}")))
}
