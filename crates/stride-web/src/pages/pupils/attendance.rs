//! Attendance: each school's list for the termly targeting meeting, and the LA's absence and
//! exclusions by phase, group and school, suppressed for readers without pupil access.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Response};
use serde::Deserialize;
use stride_core::pupils::overlap::CountedPupil;
use stride_core::pupils::tables::{
    PupilAttendance, attendance_by_characteristic, attendance_by_group, attendance_by_part, attendance_rows,
    attendance_table, group_attendance_table, targeting_list,
};
use stride_core::pupils::{AuditAction, Characteristic, PupilScope};
use stride_core::table::Table;
use stride_core::{AcademicYear, Urn};
use stride_store::pupils::{caseloads_by_pupil, read_pupils};
use stride_store::{MarksOf, PupilFilter};

use crate::pages::{csv_download, render, xlsx_download};
use crate::session::SignedIn;
use crate::view::{Chrome, ShownTable, long_date};
use crate::{AppState, WebError};

use stride_core::pupils::exclusions::{
    PupilExclusions, exclusions_by_characteristic, exclusions_by_part, exclusions_in, exclusions_table,
};

use super::overlap::{counted_pupils, counting};
use super::record::percent_text;
use super::*;

/// A school's attendance list: every pupil on roll's sessions this year so far, read in scope and
/// audited.
async fn school_attendance(
    state: &AppState,
    signed_in: &SignedIn,
    urn: Urn,
    action: AuditAction,
) -> Result<(Vec<PupilAttendance>, AcademicYear), WebError> {
    let scope = pupil_scope(signed_in)?;
    let in_scope = match &scope {
        PupilScope::AllPupils => true,
        PupilScope::Schools { schools, .. } => schools.contains(&urn),
        PupilScope::NoPupils => false,
    };
    if !in_scope {
        return Err(WebError::NotFound);
    }
    let today = state.today();
    let year = AcademicYear::containing(today);
    let pupils = read_pupils(
        state.store.as_ref(),
        &signed_in.account,
        PupilFilter::AtSchool(urn),
        &purpose(state, action, format!("attendance of school {urn}")),
    )
    .await?;
    let marks = state.store.attendance_marks(year, MarksOf::School(urn)).await?;
    Ok((attendance_rows(&pupils, &marks, year, today), year))
}

#[derive(Template)]
#[template(path = "attendance_school.html")]
struct AttendancePage {
    chrome: Chrome,
    urn: Urn,
    school: String,
    year: String,
    as_at: String,
    pupils: usize,
    groups: ShownTable,
    targeted: Vec<(i64, String, String, String, String, &'static str)>,
}

/// `/attendance/schools/914001`, or with `.csv` or `.xlsx` the whole list as a download.
pub async fn school(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(file): Path<String>,
) -> Result<Response, WebError> {
    let (stem, extension) = file
        .split_once('.')
        .map_or((file.as_str(), None), |(stem, ending)| (stem, Some(ending)));
    let urn: Urn = stem
        .parse::<u32>()
        .ok()
        .and_then(|urn| Urn::new(urn).ok())
        .ok_or(WebError::NotFound)?;
    let action = if extension.is_some() {
        AuditAction::ExportPupils
    } else {
        AuditAction::ListPupils
    };
    let (rows, year) = school_attendance(&state, &signed_in, urn, action).await?;
    let names = school_names(&state).await?;
    let name = names.get(&urn).cloned().unwrap_or_else(|| format!("URN {urn}"));
    let title = format!("Attendance of {name}, {year} to {}", long_date(state.today()));
    match extension {
        Some("csv") => return csv_download(&attendance_table(&title, &rows), &format!("attendance-{urn}")),
        Some("xlsx") => return xlsx_download(&attendance_table(&title, &rows), &format!("attendance-{urn}")),
        Some(_) => return Err(WebError::NotFound),
        None => {}
    }
    let groups = group_attendance_table("Absence by group", &attendance_by_group(&rows, None));
    let targeted = targeting_list(&rows)
        .into_iter()
        .map(|row| {
            (
                row.pupil_id,
                row.name,
                row.year_group,
                row.counts.possible.to_string(),
                percent_text(row.counts.absence_percent()),
                row.band.map_or("", |band| band.label()),
            )
        })
        .collect();
    Ok(render(&AttendancePage {
        chrome: Chrome::for_user(&signed_in, "pupils"),
        urn,
        school: name,
        year: year.to_string(),
        as_at: long_date(state.today()),
        pupils: rows.len(),
        groups: ShownTable::of(&groups),
        targeted,
    })?
    .into_response())
}

/// Every pupil's sessions this year to today, kept until the next import.
async fn counted_sessions(
    state: &AppState,
) -> Result<std::sync::Arc<Vec<(i64, Urn, stride_core::pupils::SessionCounts)>>, WebError> {
    let today = state.today();
    let version = state.store.figures_version().await?;
    if let Some(kept) = state.counted_sessions.get(&today, version) {
        return Ok(kept);
    }
    let year = AcademicYear::containing(today);
    let counted: Vec<_> = state
        .store
        .attendance_marks(year, MarksOf::Everyone)
        .await?
        .into_iter()
        .map(|(pupil, urn, marks)| (pupil, urn, marks.counts_until(year, today)))
        .collect();
    let counted = std::sync::Arc::new(counted);
    state.counted_sessions.keep(today, version, counted.clone());
    Ok(counted)
}

#[derive(Deserialize, Default)]
pub struct AttendanceQuery {
    #[serde(default)]
    table: String,
}

/// A pupil a reader may count, as counted: where, what, and this year's sessions and exclusions.
struct Counted {
    school: String,
    phase: String,
    locality: String,
    characteristics: Vec<Characteristic>,
    sessions: Option<stride_core::pupils::SessionCounts>,
    exclusions: PupilExclusions,
}

/// The pupils on roll at the LA's schools that the reader may count: in their pupil scope with
/// pupil access, else at the schools they may see (and then counted with suppression).
async fn countable(state: &AppState, signed_in: &SignedIn) -> Result<(Vec<Counted>, Option<u64>), WebError> {
    let threshold = counting(signed_in)?;
    let scope = PupilScope::of(&signed_in.account);
    let caseloads = caseloads_by_pupil(state.store.as_ref()).await?;
    let own_la = state.store.local_authority().await?.map(|la| la.code);
    let schools: HashMap<Urn, (String, String, String)> = state
        .store
        .school_list_rows(own_la)
        .await?
        .into_iter()
        .map(|row| (row.urn, (row.name, row.phase.label().to_owned(), row.locality)))
        .collect();
    let mut sessions: HashMap<i64, stride_core::pupils::SessionCounts> = HashMap::new();
    for (pupil, _, counts) in counted_sessions(state).await?.iter() {
        sessions.entry(*pupil).or_default().add(counts);
    }
    let year = AcademicYear::containing(state.today());
    let exclusions = exclusions_in(&state.store.episodes(None).await?, year);
    let may_count = |pupil: &CountedPupil| match threshold {
        None => scope.includes(
            Some(pupil.urn),
            caseloads.get(&pupil.pupil_id).map_or(&[], Vec::as_slice),
        ),
        Some(_) => signed_in.account.can_see_school(pupil.urn),
    };
    let counted = counted_pupils(state)
        .await?
        .iter()
        .filter(|pupil| may_count(pupil))
        .filter_map(|pupil| {
            let (school, phase, locality) = schools.get(&pupil.urn)?.clone();
            Some(Counted {
                school,
                phase,
                locality,
                characteristics: pupil.characteristics.iter().copied().collect(),
                sessions: sessions.get(&pupil.pupil_id).copied(),
                exclusions: exclusions.get(&pupil.pupil_id).copied().unwrap_or_default(),
            })
        })
        .collect();
    Ok((counted, threshold))
}

/// Parts of the whole by a key (phase, school), each part's values in the key's order.
fn parts_by<T: Copy>(
    counted: &[Counted],
    key: impl Fn(&Counted) -> String,
    value: impl Fn(&Counted) -> Option<T>,
) -> Vec<(String, Vec<T>)> {
    let mut parts: std::collections::BTreeMap<String, Vec<T>> = std::collections::BTreeMap::new();
    for pupil in counted {
        if let Some(value) = value(pupil) {
            parts.entry(key(pupil)).or_default().push(value);
        }
    }
    parts.into_iter().collect()
}

/// The page's tables, by the code its downloads name them by.
async fn attendance_tables(
    state: &AppState,
    signed_in: &SignedIn,
) -> Result<(Vec<(&'static str, Table)>, String), WebError> {
    let (counted, threshold) = countable(state, signed_in).await?;
    let as_at = long_date(state.today());
    let by_phase = |pupil: &Counted| pupil.phase.clone();
    let by_school = |pupil: &Counted| pupil.school.clone();
    let by_locality = |pupil: &Counted| pupil.locality.clone();
    let sessions = |pupil: &Counted| pupil.sessions;
    let exclusions = |pupil: &Counted| Some(pupil.exclusions);
    // The whole is the same cells in every table, so each shows the one the parts were kept to.
    let (mut phases, whole) = attendance_by_part(&parts_by(&counted, by_phase, sessions), threshold);
    let (schools, _) = attendance_by_part(&parts_by(&counted, by_school, sessions), threshold);
    let (localities, _) = attendance_by_part(&parts_by(&counted, by_locality, sessions), threshold);
    let with_sessions: Vec<(&[Characteristic], stride_core::pupils::SessionCounts)> = counted
        .iter()
        .filter_map(|pupil| Some((pupil.characteristics.as_slice(), pupil.sessions?)))
        .collect();
    let mut groups = attendance_by_characteristic(&with_sessions, threshold);
    if let Some(first) = groups.first_mut() {
        *first = whole.clone();
    }
    phases.push(whole);
    let (mut excluded_phases, excluded_whole) =
        exclusions_by_part(&parts_by(&counted, by_phase, exclusions), threshold);
    let (excluded_schools, _) = exclusions_by_part(&parts_by(&counted, by_school, exclusions), threshold);
    let (excluded_localities, _) = exclusions_by_part(&parts_by(&counted, by_locality, exclusions), threshold);
    let with_exclusions: Vec<(&[Characteristic], PupilExclusions)> = counted
        .iter()
        .map(|pupil| (pupil.characteristics.as_slice(), pupil.exclusions))
        .collect();
    let mut excluded_groups = exclusions_by_characteristic(&with_exclusions, threshold);
    if let Some(first) = excluded_groups.first_mut() {
        *first = excluded_whole.clone();
    }
    excluded_phases.push(excluded_whole);
    let tables = vec![
        (
            "phase",
            group_attendance_table(&format!("Absence by phase, this year to {as_at}"), &phases),
        ),
        (
            "group",
            group_attendance_table(&format!("Absence by group, this year to {as_at}"), &groups),
        ),
        (
            "locality",
            group_attendance_table(&format!("Absence by locality, this year to {as_at}"), &localities),
        ),
        (
            "school",
            group_attendance_table(&format!("Absence by school, this year to {as_at}"), &schools),
        ),
        (
            "exclusions-phase",
            exclusions_table(
                &format!("Suspensions and permanent exclusions by phase, this year to {as_at}"),
                &excluded_phases,
            ),
        ),
        (
            "exclusions-group",
            exclusions_table(
                &format!("Suspensions and permanent exclusions by group, this year to {as_at}"),
                &excluded_groups,
            ),
        ),
        (
            "exclusions-locality",
            exclusions_table(
                &format!("Suspensions and permanent exclusions by locality, this year to {as_at}"),
                &excluded_localities,
            ),
        ),
        (
            "exclusions-school",
            exclusions_table(
                &format!("Suspensions and permanent exclusions by school, this year to {as_at}"),
                &excluded_schools,
            ),
        ),
    ];
    Ok((tables, as_at))
}

#[derive(Template)]
#[template(path = "attendance.html")]
struct LaAttendancePage {
    chrome: Chrome,
    as_at: String,
    suppressed: bool,
    tables: Vec<(&'static str, ShownTable)>,
}

pub async fn attendance(State(state): State<AppState>, signed_in: SignedIn) -> Result<Html<String>, WebError> {
    let (tables, as_at) = attendance_tables(&state, &signed_in).await?;
    render(&LaAttendancePage {
        chrome: Chrome::for_user(&signed_in, "vulnerable-learners"),
        as_at,
        suppressed: !signed_in.account.role.has_pupil_access(),
        tables: tables
            .iter()
            .map(|(name, table)| (*name, ShownTable::of(table)))
            .collect(),
    })
}

async fn attendance_table_of(
    state: &AppState,
    signed_in: &SignedIn,
    query: &AttendanceQuery,
) -> Result<Table, WebError> {
    let (tables, _) = attendance_tables(state, signed_in).await?;
    tables
        .into_iter()
        .find(|(name, _)| *name == query.table)
        .map(|(_, table)| table)
        .ok_or(WebError::NotFound)
}

pub async fn attendance_csv(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Query(query): Query<AttendanceQuery>,
) -> Result<Response, WebError> {
    csv_download(&attendance_table_of(&state, &signed_in, &query).await?, "attendance")
}

pub async fn attendance_xlsx(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Query(query): Query<AttendanceQuery>,
) -> Result<Response, WebError> {
    xlsx_download(&attendance_table_of(&state, &signed_in, &query).await?, "attendance")
}
