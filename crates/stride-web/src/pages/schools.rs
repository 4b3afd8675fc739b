//! All schools: searched, filtered, sorted, and downloaded with the same filters.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use serde::{Deserialize, Serialize};
use stride_core::inspection::HeadlineOutcome;
use stride_core::school_list::{
    LIST_MEASURES, SchoolList, SchoolListQuery, SchoolListRow, SortColumn, SortDirection, attach_evidence,
    headline_heading,
};
use stride_core::{Account, EstablishmentType, Figure, Phase, PupilGroup, SchoolScope};

use super::{csv_download, render, xlsx_download};
use crate::session::SignedIn;
use crate::view::{Chrome, long_date};
use crate::{AppState, WebError};

/// The list's query string. Values that are not codes Stride knows are ignored, as a filter left
/// at 'Any' would be.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct ListParams {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    q: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    phase: String,
    #[serde(default, rename = "type", skip_serializing_if = "String::is_empty")]
    establishment_type: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    locality: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    outcome: String,
    /// `all` for every LA's schools; otherwise the deployment's own.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    area: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    sort: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    order: String,
}

impl ListParams {
    fn query(&self) -> SchoolListQuery {
        SchoolListQuery {
            search: self.q.clone(),
            phase: Phase::from_code(&self.phase).ok(),
            establishment_type: EstablishmentType::from_code(&self.establishment_type).ok(),
            locality: (!self.locality.is_empty()).then(|| self.locality.clone()),
            outcome: HeadlineOutcome::from_code(&self.outcome).ok(),
            every_authority: self.area == "all",
            sort: SortColumn::from_code(&self.sort).unwrap_or(SortColumn::Name),
            direction: SortDirection::from_code(&self.order).unwrap_or(SortDirection::Ascending),
        }
    }

    fn href(&self, path: &str) -> String {
        match serde_urlencoded::to_string(self) {
            Ok(query) if !query.is_empty() => format!("{path}?{query}"),
            _ => path.to_owned(),
        }
    }

    /// The link a column heading gives: sort by it, or reverse the order if it is the sort now.
    fn sorted_by(&self, column: SortColumn, current: &SchoolListQuery) -> String {
        let direction = if current.sort == column && current.direction == SortDirection::Ascending {
            SortDirection::Descending
        } else if current.sort == column {
            SortDirection::Ascending
        } else {
            default_direction(column)
        };
        ListParams {
            sort: column.code().to_owned(),
            order: direction.code().to_owned(),
            ..self.clone()
        }
        .href("/schools")
    }
}

/// Names read A to Z, but a reader sorting by a figure first wants the highest.
fn default_direction(column: SortColumn) -> SortDirection {
    match column {
        SortColumn::PupilsOnRoll
        | SortColumn::InspectionDate
        | SortColumn::Ks2
        | SortColumn::Attainment8
        | SortColumn::Progress8
        | SortColumn::Absence => SortDirection::Descending,
        _ => SortDirection::Ascending,
    }
}

pub async fn load(state: &AppState, account: &Account, query: &SchoolListQuery) -> Result<SchoolList, WebError> {
    // A deployment set up for its LA lists its own schools; other LAs' are reference data,
    // listed when asked for.
    let imported = state.imported().await?;
    let la = imported
        .local_authority
        .filter(|_| !query.every_authority)
        .map(|own| own.code);
    let listed = match state.school_lists.get(&la, imported.figures_version) {
        Some(listed) => listed,
        None => {
            let listed = std::sync::Arc::new(listed(state, la).await?);
            state
                .school_lists
                .keep(la, imported.figures_version, std::sync::Arc::clone(&listed));
            listed
        }
    };
    let (rows, years) = listed.as_ref();
    Ok(SchoolList::build(rows.clone(), *years, account, query))
}

/// Every school of the LA (or of every LA held) with its latest inspection and headline
/// figures: all of it changes only by an import, so it is kept until the next.
pub type ListedSchools = (Vec<SchoolListRow>, [Option<stride_core::AcademicYear>; 4]);

async fn listed(state: &AppState, la: Option<stride_core::LaCode>) -> Result<ListedSchools, WebError> {
    let mut rows = state.store.school_list_rows(la).await?;
    let inspections = state.store.latest_full_inspections().await?;
    let figures = state
        .store
        .figures_for_all_schools(&LIST_MEASURES, PupilGroup::All)
        .await?;
    let years = attach_evidence(&mut rows, &inspections, &figures);
    Ok((rows, years))
}

struct FilterOption {
    value: String,
    label: String,
    selected: bool,
}

struct Filter {
    name: &'static str,
    label: &'static str,
    options: Vec<FilterOption>,
}

struct ColumnHeading {
    label: String,
    href: String,
    aria_sort: &'static str,
    numeric: bool,
}

struct Row {
    urn: String,
    /// The LA of a school outside the deployment's own: reference data.
    other_authority: Option<String>,
    name: String,
    establishment_type: &'static str,
    phase: &'static str,
    locality: String,
    roll: String,
    outcome: &'static str,
    outcome_colour: &'static str,
    category: Option<&'static str>,
    published: String,
    figures: Vec<String>,
}

#[derive(Template)]
#[template(path = "schools.html")]
struct SchoolsPage {
    chrome: Chrome,
    shown: usize,
    total: usize,
    scope_note: &'static str,
    /// The deployment's own LA's name, where it is set.
    own_authority: String,
    every_authority: bool,
    search: String,
    sort: String,
    order: String,
    filters: Vec<Filter>,
    columns: Vec<ColumnHeading>,
    rows: Vec<Row>,
    csv_href: String,
    xlsx_href: String,
}

pub async fn list(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Query(params): Query<ListParams>,
) -> Result<axum::response::Html<String>, WebError> {
    let query = params.query();
    let list = load(&state, &signed_in.account, &query).await?;
    let localities = state.store.localities().await?;
    let own = state.store.local_authority().await?;
    let filters = vec![
        filter(
            "phase",
            "Phase",
            Phase::ALL
                .iter()
                .map(|phase| (phase.code().to_owned(), phase.label().to_owned())),
            &params.phase,
        ),
        filter(
            "type",
            "Type",
            EstablishmentType::ALL
                .iter()
                .map(|kind| (kind.code().to_owned(), kind.label().to_owned())),
            &params.establishment_type,
        ),
        filter(
            "locality",
            "Locality",
            localities
                .into_iter()
                .map(|locality| (locality.name.clone(), locality.name)),
            &params.locality,
        ),
        filter(
            "outcome",
            "Latest inspection",
            HeadlineOutcome::ALL
                .iter()
                .map(|outcome| (outcome.code().to_owned(), outcome.label().to_owned())),
            &params.outcome,
        ),
    ];
    let page = SchoolsPage {
        chrome: Chrome::for_user(&signed_in, "schools"),
        shown: list.rows.len(),
        total: list.total,
        scope_note: match signed_in.account.scope {
            SchoolScope::Assigned(_) => "your assigned schools",
            SchoolScope::OwnSchool(_) => "your school",
            _ => "",
        },
        own_authority: own.as_ref().map_or_else(String::new, |own| own.name.clone()),
        every_authority: query.every_authority,
        search: params.q.clone(),
        sort: query.sort.code().to_owned(),
        order: query.direction.code().to_owned(),
        filters,
        columns: columns(&params, &query, &list),
        rows: list
            .rows
            .iter()
            .map(|school| row(school, own.as_ref().map(|own| own.code)))
            .collect(),
        csv_href: params.href("/schools.csv"),
        xlsx_href: params.href("/schools.xlsx"),
    };
    render(&page)
}

fn filter(
    name: &'static str,
    label: &'static str,
    options: impl Iterator<Item = (String, String)>,
    selected: &str,
) -> Filter {
    let options = options
        .map(|(value, label)| FilterOption {
            selected: value == selected,
            value,
            label,
        })
        .collect();
    Filter { name, label, options }
}

fn columns(params: &ListParams, query: &SchoolListQuery, list: &SchoolList) -> Vec<ColumnHeading> {
    let mut headings: Vec<(SortColumn, String, bool)> = vec![
        (SortColumn::Name, "Name".to_owned(), false),
        (SortColumn::Urn, "URN".to_owned(), true),
        (SortColumn::EstablishmentType, "Type".to_owned(), false),
        (SortColumn::Phase, "Phase".to_owned(), false),
        (SortColumn::Locality, "Locality".to_owned(), false),
        (SortColumn::PupilsOnRoll, "Pupils on roll".to_owned(), true),
        (SortColumn::InspectionOutcome, "Latest inspection".to_owned(), false),
        (SortColumn::InspectionDate, "Published".to_owned(), false),
    ];
    let figure_columns = [
        SortColumn::Ks2,
        SortColumn::Attainment8,
        SortColumn::Progress8,
        SortColumn::Absence,
    ];
    for ((column, measure), year) in figure_columns.into_iter().zip(LIST_MEASURES).zip(list.years) {
        headings.push((column, headline_heading(measure, year), true));
    }
    headings
        .into_iter()
        .map(|(column, label, numeric)| ColumnHeading {
            href: params.sorted_by(column, query),
            aria_sort: match (query.sort == column, query.direction) {
                (false, _) => "none",
                (true, SortDirection::Ascending) => "ascending",
                (true, SortDirection::Descending) => "descending",
            },
            label,
            numeric,
        })
        .collect()
}

fn row(row: &SchoolListRow, own: Option<stride_core::LaCode>) -> Row {
    let inspection = row.latest_inspection.as_ref();
    Row {
        urn: row.urn.to_string(),
        other_authority: own.filter(|own| *own != row.la).map(|_| row.la.to_string()),
        name: row.name.clone(),
        establishment_type: row.establishment_type.label(),
        phase: row.phase.label(),
        locality: row.locality.clone(),
        roll: row.pupils_on_roll.map_or_else(String::new, |roll| roll.to_string()),
        outcome: row.outcome().label(),
        outcome_colour: row.outcome().tag_colour(),
        category: inspection
            .and_then(|inspection| inspection.category_of_concern)
            .map(|category| category.label()),
        published: inspection.map_or_else(String::new, |inspection| long_date(inspection.published_on)),
        figures: LIST_MEASURES
            .iter()
            .zip(row.headline)
            .map(|(measure, figure)| figure.map_or_else(String::new, |figure: Figure| figure.display(*measure)))
            .collect(),
    }
}

pub async fn download_csv(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Query(params): Query<ListParams>,
) -> Result<Response, WebError> {
    let list = load(&state, &signed_in.account, &params.query()).await?;
    csv_download(&list.to_table(), "schools")
}

pub async fn download_xlsx(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Query(params): Query<ListParams>,
) -> Result<Response, WebError> {
    let list = load(&state, &signed_in.account, &params.query()).await?;
    xlsx_download(&list.to_table(), "schools")
}
