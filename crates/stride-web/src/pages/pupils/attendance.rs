//! Attendance: each school's list for the termly targeting meeting, and the LA's absence and
//! exclusions by phase, group and school, suppressed for readers without pupil access.

use std::collections::{BTreeSet, HashMap};

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Response};
use serde::Deserialize;
use stride_core::pupils::overlap::CountedPupil;
use stride_core::pupils::tables::{
    PupilAttendance, attendance_by_characteristic, attendance_by_group, attendance_by_part, attendance_rows,
    attendance_table, group_attendance_table, targeting_list,
};
use stride_core::pupils::terms::{sessions_by_term, sessions_in_year};
use stride_core::pupils::trend::{TermAttendance, attendance_trend};
use stride_core::pupils::{AuditAction, Characteristic, PupilScope, SessionCounts, TermOfYear};
use stride_core::report::Chart;
use stride_core::table::Table;
use stride_core::{AcademicYear, Urn};
use stride_export::svg::line_chart;
use stride_store::pupils::{caseloads_by_pupil, read_pupils};
use stride_store::{MarksOf, PupilFilter};

use crate::pages::{csv_download, render, xlsx_download};
use crate::session::SignedIn;
use crate::view::{Chrome, ShownTable, long_date};
use crate::{AppState, CountedTerm, WebError};

use stride_core::PhaseGroup;
use stride_core::pupils::exclusions::{
    ExclusionRow, PupilExclusions, exclusions_by_characteristic, exclusions_by_part, exclusions_in, exclusions_table,
};
use stride_core::pupils::tables::GroupAttendance;
use stride_core::report::{GroupOutcome, group_outcomes, phase_outcomes};

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
    let summaries = state.store.attendance_summaries(MarksOf::School(urn)).await?;
    let sessions = sessions_in_year(&sessions_by_term(&marks, year, today, &summaries), year);
    Ok((attendance_rows(&pupils, &sessions, today), year))
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

/// Every pupil's sessions term by term, with their characteristics in the term: this year's
/// terms from the marks to today, the rest from the termly totals (the marks where both are
/// held), kept until the next import.
async fn counted_terms(state: &AppState) -> Result<std::sync::Arc<Vec<CountedTerm>>, WebError> {
    let today = state.today();
    let version = state.imported().await?.figures_version;
    if let Some(kept) = state.counted_terms.get(&today, version) {
        return Ok(kept);
    }
    let year = AcademicYear::containing(today);
    let counted = sessions_by_term(
        &state.store.attendance_marks(year, MarksOf::Everyone).await?,
        year,
        today,
        &state.store.attendance_summaries(MarksOf::Everyone).await?,
    );
    let terms: BTreeSet<TermOfYear> = counted.keys().map(|(_, _, term)| *term).collect();
    let mut characteristics: HashMap<TermOfYear, HashMap<i64, Vec<Characteristic>>> = HashMap::new();
    for term in terms {
        let on = term.days().1.min(today);
        let standing = state.store.pupil_characteristics(on).await?;
        characteristics.insert(
            term,
            standing
                .into_iter()
                .map(|pupil| (pupil.pupil_id, pupil.characteristics.into_iter().collect()))
                .collect(),
        );
    }
    let counted = std::sync::Arc::new(
        counted
            .into_iter()
            .map(|((pupil_id, urn, term), counts)| CountedTerm {
                pupil_id,
                urn,
                term,
                counts,
                characteristics: characteristics
                    .get(&term)
                    .and_then(|of_term| of_term.get(&pupil_id))
                    .cloned()
                    .unwrap_or_default(),
            })
            .collect::<Vec<_>>(),
    );
    state.counted_terms.keep(today, version, counted.clone());
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
    /// The phase the DfE publishes comparators for: "Other schools" where there is none.
    published_phase: String,
    locality: String,
    characteristics: Vec<Characteristic>,
    sessions: Option<stride_core::pupils::SessionCounts>,
    exclusions: PupilExclusions,
}

/// What the reader may count: the pupils on roll now, each term's sessions for the trend, and
/// the threshold counts are suppressed below.
struct Countable {
    pupils: Vec<Counted>,
    terms: Vec<TermAttendance>,
    threshold: Option<u64>,
}

/// How many years of terms the trend goes back, as the LA's reports do.
const TREND_YEARS: i32 = 5;

/// The pupils on roll at the LA's schools that the reader may count: in their pupil scope with
/// pupil access, else at the schools they may see (and then counted with suppression).
async fn countable(state: &AppState, signed_in: &SignedIn) -> Result<Countable, WebError> {
    let threshold = counting(state, signed_in)?;
    let scope = PupilScope::of(&signed_in.account);
    let caseloads = caseloads_by_pupil(state.store.as_ref()).await?;
    let own_la = state.store.local_authority().await?.map(|la| la.code);
    let schools: HashMap<Urn, (String, String, String, String)> = state
        .store
        .school_list_rows(own_la)
        .await?
        .into_iter()
        .map(|row| {
            let published = match row.phase.comparator_group() {
                PhaseGroup::AllSchools => "Other schools",
                group => group.label(),
            };
            (
                row.urn,
                (
                    row.name,
                    row.phase.label().to_owned(),
                    row.locality,
                    published.to_owned(),
                ),
            )
        })
        .collect();
    let year = AcademicYear::containing(state.today());
    let may_count = |pupil_id: i64, urn: Urn| match threshold {
        None => scope.includes(Some(urn), caseloads.get(&pupil_id).map_or(&[], Vec::as_slice)),
        Some(_) => signed_in.account.can_see_school(urn),
    };
    let counted_terms = counted_terms(state).await?;
    let mut sessions: HashMap<i64, SessionCounts> = HashMap::new();
    for counted in counted_terms.iter().filter(|counted| counted.term.year == year) {
        sessions.entry(counted.pupil_id).or_default().add(&counted.counts);
    }
    let terms = counted_terms
        .iter()
        .filter(|counted| counted.term.year.start_year() > year.start_year() - TREND_YEARS)
        .filter(|counted| may_count(counted.pupil_id, counted.urn))
        .filter_map(|counted| {
            Some(TermAttendance {
                term: counted.term,
                phase: schools.get(&counted.urn)?.1.clone(),
                characteristics: counted.characteristics.clone(),
                counts: counted.counts,
            })
        })
        .collect();
    let exclusions = exclusions_in(&state.store.episodes(None).await?, year);
    let counted = counted_pupils(state)
        .await?
        .iter()
        .filter(|pupil: &&CountedPupil| may_count(pupil.pupil_id, pupil.urn))
        .filter_map(|pupil| {
            let (school, phase, locality, published_phase) = schools.get(&pupil.urn)?.clone();
            Some(Counted {
                school,
                phase,
                published_phase,
                locality,
                characteristics: pupil.characteristics.iter().copied().collect(),
                sessions: sessions.get(&pupil.pupil_id).copied(),
                exclusions: exclusions.get(&pupil.pupil_id).copied().unwrap_or_default(),
            })
        })
        .collect();
    Ok(Countable {
        pupils: counted,
        terms,
        threshold,
    })
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

/// Absence and exclusions by group of the pupils counted, all pupils first.
fn by_group(counted: &[Counted], threshold: Option<u64>) -> (Vec<GroupAttendance>, Vec<ExclusionRow>) {
    let with_sessions: Vec<(&[Characteristic], SessionCounts)> = counted
        .iter()
        .filter_map(|pupil| Some((pupil.characteristics.as_slice(), pupil.sessions?)))
        .collect();
    let with_exclusions: Vec<(&[Characteristic], PupilExclusions)> = counted
        .iter()
        .map(|pupil| (pupil.characteristics.as_slice(), pupil.exclusions))
        .collect();
    (
        attendance_by_characteristic(&with_sessions, threshold),
        exclusions_by_characteristic(&with_exclusions, threshold),
    )
}

/// Each vulnerable group's outcomes this year from the pupils the reader may count, and the
/// threshold they were withheld below.
pub(super) async fn group_outcomes_counted(
    state: &AppState,
    signed_in: &SignedIn,
) -> Result<(Vec<GroupOutcome>, Vec<GroupOutcome>, Option<u64>), WebError> {
    let Countable {
        pupils: counted,
        threshold,
        ..
    } = countable(state, signed_in).await?;
    let (groups, exclusions) = by_group(&counted, threshold);
    let by_phase = |pupil: &Counted| pupil.published_phase.clone();
    let (phases, _) = attendance_by_part(&parts_by(&counted, by_phase, |pupil| pupil.sessions), threshold);
    let (excluded, _) = exclusions_by_part(&parts_by(&counted, by_phase, |pupil| Some(pupil.exclusions)), threshold);
    Ok((
        group_outcomes(&groups, &exclusions),
        phase_outcomes(&phases, &excluded),
        threshold,
    ))
}

/// The page's tables, by the code its downloads name them by, and the trend's chart.
async fn attendance_tables(
    state: &AppState,
    signed_in: &SignedIn,
) -> Result<(Vec<(&'static str, Table)>, Chart, String), WebError> {
    let Countable {
        pupils: counted,
        terms,
        threshold,
    } = countable(state, signed_in).await?;
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
    let (mut groups, mut excluded_groups) = by_group(&counted, threshold);
    if let Some(first) = groups.first_mut() {
        *first = whole.clone();
    }
    phases.push(whole);
    let (mut excluded_phases, excluded_whole) =
        exclusions_by_part(&parts_by(&counted, by_phase, exclusions), threshold);
    let (excluded_schools, _) = exclusions_by_part(&parts_by(&counted, by_school, exclusions), threshold);
    let (excluded_localities, _) = exclusions_by_part(&parts_by(&counted, by_locality, exclusions), threshold);
    if let Some(first) = excluded_groups.first_mut() {
        *first = excluded_whole.clone();
    }
    excluded_phases.push(excluded_whole);
    let trend = attendance_trend(&terms, threshold);
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
        (
            "trend-absence",
            trend.absence_table("Absence (%) by term: all pupils, each phase and each group"),
        ),
        (
            "trend-persistent",
            trend.persistent_table("Pupils persistently absent in the term (%): all pupils, each phase and each group"),
        ),
    ];
    let chart = trend.absence_chart("Absence by term: all pupils and each phase");
    Ok((tables, chart, as_at))
}

#[derive(Template)]
#[template(path = "attendance.html")]
struct LaAttendancePage {
    chrome: Chrome,
    as_at: String,
    suppressed: bool,
    tables: Vec<(&'static str, ShownTable)>,
    trend_chart: Option<String>,
    trend_tables: Vec<(&'static str, ShownTable)>,
}

pub async fn attendance(State(state): State<AppState>, signed_in: SignedIn) -> Result<Html<String>, WebError> {
    let (tables, chart, as_at) = attendance_tables(&state, &signed_in).await?;
    let (trend_tables, tables): (Vec<_>, Vec<_>) = tables
        .iter()
        .map(|(name, table)| (*name, ShownTable::of(table)))
        .partition(|(name, _)| name.starts_with("trend-"));
    render(&LaAttendancePage {
        chrome: Chrome::for_user(&signed_in, "vulnerable-learners"),
        as_at,
        suppressed: !signed_in.account.role.has_pupil_access(),
        tables,
        trend_chart: line_chart("attendance-trend", &chart),
        trend_tables,
    })
}

async fn attendance_table_of(
    state: &AppState,
    signed_in: &SignedIn,
    query: &AttendanceQuery,
) -> Result<Table, WebError> {
    let (tables, _, _) = attendance_tables(state, signed_in).await?;
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
