//! One school: its context, inspections, intelligence and figures beside its comparators.

use std::sync::Arc;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{Html, Response};
use serde::Deserialize;
use stride_core::school_profile::{MeasureSeries, SchoolProfile, reasons_shown};
use stride_core::{Comparator, Governance, Inspection, IntelligenceItem, LeaderRole, Measure, PupilGroup, Urn};

use super::{csv_download, render, xlsx_download};
use crate::session::SignedIn;
use crate::view::{Chrome, long_date};
use crate::{AppState, WebError};
use stride_core::report::{Chart, ChartLine};
use stride_export::svg::line_chart;

/// Five academic years, as an LA's school data profile shows.
pub const PROFILE_YEARS: usize = 5;

#[derive(Debug, Default, Deserialize)]
pub struct ProfileParams {
    #[serde(default)]
    group: String,
}

/// A school's record as kept between imports, its intelligence as it stands now, and the
/// deployment's own LA, which the record is kept by.
struct Loaded {
    profile: Arc<SchoolProfile>,
    /// The figures version the record was read at.
    version: i64,
    intelligence: Vec<IntelligenceItem>,
    own: Option<stride_core::LocalAuthority>,
}

/// Finds the school if the signed-in user may see it. A school they may not see is answered
/// exactly as a school that does not exist, so its existence is not disclosed either.
async fn load(state: &AppState, signed_in: &SignedIn, urn: &str) -> Result<Loaded, WebError> {
    let urn: Urn = urn.parse().map_err(|_| WebError::NotFound)?;
    let school = signed_in.account.visible_school(urn).ok_or(WebError::NotFound)?;
    // Setting the deployment's LA gives its schools their localities, without an import.
    let imported = state.imported().await?;
    let (version, own) = (imported.figures_version, imported.local_authority);
    let key = (urn, own.as_ref().map(|own| own.code));
    // The kept record is shared, not copied: only its intelligence is read afresh.
    if let Some(profile) = state.school_profiles.get(&key, version) {
        let intelligence = state.store.intelligence_of(school).await?;
        return Ok(Loaded {
            profile,
            version,
            intelligence,
            own,
        });
    }
    let mut profile = state
        .store
        .school_profile(school, PROFILE_YEARS)
        .await?
        .ok_or(WebError::NotFound)?;
    let intelligence = std::mem::take(&mut profile.intelligence);
    let profile = Arc::new(profile);
    state
        .school_profiles
        .keep_at_most(key, version, Arc::clone(&profile), KEPT_PROFILES);
    Ok(Loaded {
        profile,
        version,
        intelligence,
        own,
    })
}

/// School records kept between imports: every school of a large LA, and the reference schools
/// its people look at most, within a few hundred megabytes.
const KEPT_PROFILES: usize = 1_000;

struct InspectionRow {
    started: String,
    published: String,
    kind: &'static str,
    framework: &'static str,
    outcome: &'static str,
    outcome_colour: &'static str,
    category: Option<&'static str>,
    judgements: Vec<(&'static str, &'static str)>,
}

struct HistoryRow {
    relation: String,
    name: String,
    urn: String,
    held: bool,
    date: String,
}

struct YearRow {
    year: String,
    school: String,
    cohort: String,
    comparators: Vec<String>,
    release: &'static str,
}

struct SeriesView {
    code: &'static str,
    label: &'static str,
    unit: &'static str,
    group: &'static str,
    chart: Option<String>,
    years: Vec<YearRow>,
    /// The publications the figures come from, each named once.
    sources: Vec<String>,
}

/// A school's figures for one pupil group, each measure beside its comparators over the years.
#[derive(Template)]
#[template(path = "school_figures.html")]
struct SchoolFigures {
    series: Vec<SeriesView>,
    /// The mark and meaning of each kind of missing figure the page shows.
    missing_reasons: Vec<(&'static str, &'static str)>,
    comparator_labels: Vec<&'static str>,
}

#[derive(Template)]
#[template(path = "school.html")]
struct SchoolPage {
    chrome: Chrome,
    urn: String,
    name: String,
    phase: &'static str,
    establishment_type: &'static str,
    /// For a school outside the deployment's own LA: its LA, as reference data.
    other_authority: Option<String>,
    /// Whether the user may read the school's categorisation and its reasons.
    categorised: bool,
    profiled: bool,
    category: Option<&'static str>,
    context: Vec<(&'static str, String)>,
    roll: Vec<(String, String)>,
    inspections: Vec<InspectionRow>,
    intelligence: Vec<(String, &'static str, String, String)>,
    history: Vec<HistoryRow>,
    groups: Vec<(&'static str, &'static str, bool)>,
    /// The figures of the group chosen, as `SchoolFigures` renders them.
    figures: Arc<String>,
    csv_href: String,
    xlsx_href: String,
}

pub async fn profile(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(urn): Path<String>,
    Query(params): Query<ProfileParams>,
) -> Result<Html<String>, WebError> {
    let Loaded {
        profile,
        version,
        intelligence,
        own,
    } = load(&state, &signed_in, &urn).await?;
    let group = PupilGroup::from_code(&params.group).unwrap_or(PupilGroup::All);
    let establishment = &profile.establishment;
    let latest_full = profile.inspections.iter().find(|inspection| inspection.is_full());
    let figures = figures_shown(&state, &profile, own.as_ref(), version, group)?;
    let other_authority = own
        .filter(|own| own.code != establishment.la)
        .map(|_| establishment.la.to_string());
    let page = SchoolPage {
        chrome: Chrome::for_user(&signed_in, "schools"),
        urn: establishment.urn.to_string(),
        name: establishment.name.clone(),
        phase: establishment.phase.label(),
        establishment_type: establishment.establishment_type.label(),
        categorised: other_authority.is_none() && signed_in.account.role.can_see_categorisation(),
        profiled: other_authority.is_none() && signed_in.account.role.can_read_school_profiles(),
        other_authority,
        category: latest_full
            .and_then(|inspection| inspection.category_of_concern)
            .map(|category| category.label()),
        context: context(&profile),
        roll: profile
            .roll()
            .into_iter()
            .map(|(year, roll)| {
                (
                    year.to_string(),
                    roll.map_or_else(|| "–".to_owned(), |roll| roll.to_string()),
                )
            })
            .collect(),
        inspections: profile.inspections.iter().map(inspection_row).collect(),
        intelligence: intelligence
            .iter()
            .map(|item| {
                (
                    long_date(item.recorded_on),
                    item.kind.label(),
                    item.summary.clone(),
                    item.recorded_by.clone(),
                )
            })
            .collect(),
        history: profile
            .history
            .iter()
            .map(|entry| HistoryRow {
                relation: entry.link.link_type.clone(),
                name: entry.link.linked_name.clone(),
                urn: entry.link.linked_urn.to_string(),
                held: entry.held,
                date: entry.link.established_on.map_or_else(String::new, long_date),
            })
            .collect(),
        groups: profile
            .groups()
            .into_iter()
            .map(|candidate| (candidate.code(), candidate.label(), candidate == group))
            .collect(),
        figures,
        csv_href: format!("/schools/{}/figures.csv", establishment.urn),
        xlsx_href: format!("/schools/{}/figures.xlsx", establishment.urn),
    };
    render(&page)
}

/// Figures made for one school's page and pupil group, kept until an import: the same for
/// every reader, and most of the page's making (every figure gathered and formatted, the charts
/// drawn).
const KEPT_FIGURES: usize = 1_000;

fn figures_shown(
    state: &AppState,
    profile: &SchoolProfile,
    own: Option<&stride_core::LocalAuthority>,
    version: i64,
    group: PupilGroup,
) -> Result<Arc<String>, WebError> {
    let key = (profile.establishment.urn, own.map(|own| own.code), group);
    if let Some(kept) = state.school_figures.get(&key, version) {
        return Ok(kept);
    }
    let headline = Measure::headline_for(profile.establishment.phase);
    let series: Vec<MeasureSeries> = profile
        .series_for(group)
        .into_iter()
        .filter(|series| series.measure != Measure::PupilsOnRoll)
        .collect();
    let shown = SchoolFigures {
        series: series
            .iter()
            .map(|series| series_view(series, headline.contains(&series.measure)))
            .collect(),
        missing_reasons: reasons_shown(&series)
            .into_iter()
            .map(|reason| (reason.mark(), reason.label()))
            .collect(),
        comparator_labels: Comparator::ALL.iter().map(|comparator| comparator.label()).collect(),
    };
    let figures = Arc::new(shown.render()?);
    state
        .school_figures
        .keep_at_most(key, version, Arc::clone(&figures), KEPT_FIGURES);
    Ok(figures)
}

fn context(profile: &SchoolProfile) -> Vec<(&'static str, String)> {
    let establishment = &profile.establishment;
    let leader = |role| {
        establishment.leader(role).map_or_else(
            || "Not recorded".to_owned(),
            |leader| format!("{}, since {}", leader.name, long_date(leader.since)),
        )
    };
    let mut rows = vec![
        ("URN", establishment.urn.to_string()),
        (
            "DfE number",
            establishment
                .dfe_number
                .map_or_else(|| "None".to_owned(), |number| number.to_string()),
        ),
        ("Type", establishment.establishment_type.label().to_owned()),
        ("Phase", establishment.phase.label().to_owned()),
        (
            "Ages",
            match (establishment.statutory_low_age, establishment.statutory_high_age) {
                (Some(low), Some(high)) => format!("{low} to {high}"),
                _ => "Not recorded".to_owned(),
            },
        ),
        ("Governance", establishment.governance.label()),
        (
            "Locality",
            establishment.locality.as_ref().map_or_else(
                || format!("Outside this LA (LA {}): reference data", establishment.la),
                |locality| locality.name.clone(),
            ),
        ),
        ("Headteacher", leader(LeaderRole::Headteacher)),
        ("Chair of governors", leader(LeaderRole::ChairOfGovernors)),
    ];
    if let Some(diocese) = &establishment.diocese {
        rows.push(("Diocese", diocese.clone()));
    }
    if let (Governance::Academy { .. }, Some(opened)) = (&establishment.governance, establishment.opened_on) {
        rows.push(("Opened as an academy", long_date(opened)));
    }
    rows
}

fn inspection_row(inspection: &Inspection) -> InspectionRow {
    let outcome = inspection.outcome_label();
    let outcome_colour = if inspection.is_full() {
        inspection.headline().tag_colour()
    } else {
        "govuk-tag--grey"
    };
    InspectionRow {
        started: long_date(inspection.started_on),
        published: long_date(inspection.published_on),
        kind: inspection.kind.label(),
        framework: inspection.framework.label(),
        outcome,
        outcome_colour,
        category: inspection.category_of_concern.map(|category| category.label()),
        judgements: inspection
            .judgements
            .iter()
            .map(|judgement| (judgement.area.label(), judgement.grade.label()))
            .collect(),
    }
}

fn series_view(series: &MeasureSeries, headline: bool) -> SeriesView {
    let measure = series.measure;
    let years: Vec<String> = series.years.iter().map(|year| year.year.to_string()).collect();
    let chart = if headline && series.has_any_value() {
        let school = ChartLine {
            label: "School".to_owned(),
            values: series.years.iter().map(|year| year.school.value()).collect(),
        };
        let england = ChartLine {
            label: "England".to_owned(),
            values: series
                .years
                .iter()
                .map(|year| year.comparator(Comparator::England).and_then(|figure| figure.value()))
                .collect(),
        };
        line_chart(
            &format!("chart-{}", measure.code()),
            &Chart {
                title: format!("{}, {}: school against England", measure.label(), series.group.label()),
                measure,
                years: years.clone(),
                lines: vec![school, england],
            },
        )
    } else {
        None
    };
    SeriesView {
        code: measure.code(),
        label: measure.label(),
        unit: measure.unit_label(),
        group: series.group.label(),
        chart,
        years: series
            .years
            .iter()
            .map(|year| YearRow {
                year: year.year.to_string(),
                school: year.school.display(measure),
                cohort: year.cohort.map_or_else(String::new, |cohort| cohort.to_string()),
                comparators: year
                    .comparators
                    .iter()
                    .map(|figure| figure.map_or_else(|| "–".to_owned(), |figure| figure.display(measure)))
                    .collect(),
                release: year.release.map_or("", |release| release.label()),
            })
            .collect(),
        sources: series
            .years
            .iter()
            .map(|year| year.source.clone())
            .filter(|source| !source.is_empty())
            .fold(Vec::new(), |mut sources, source| {
                if !sources.contains(&source) {
                    sources.push(source);
                }
                sources
            }),
    }
}

pub async fn download_csv(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(urn): Path<String>,
) -> Result<Response, WebError> {
    let profile = load(&state, &signed_in, &urn).await?.profile;
    csv_download(
        &profile.figures_table(),
        &format!("school-{}-figures", profile.establishment.urn),
    )
}

pub async fn download_xlsx(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(urn): Path<String>,
) -> Result<Response, WebError> {
    let profile = load(&state, &signed_in, &urn).await?.profile;
    xlsx_download(
        &profile.figures_table(),
        &format!("school-{}-figures", profile.establishment.urn),
    )
}
