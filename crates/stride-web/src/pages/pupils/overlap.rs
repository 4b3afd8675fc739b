//! How vulnerabilities overlap, as an UpSet chart and a table, suppressed for readers without
//! pupil access; and who may count pupils at all.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use stride_core::Urn;
use stride_core::pupils::overlap::{CountedPupil, Overlap, VULNERABLE_GROUPS, overlap};
use stride_core::pupils::{AuditAction, AuditEntry, PupilScope};
use stride_core::suppression::Count;
use stride_core::table::{Cell, Column, Table};
use stride_store::pupils::caseloads_by_pupil;

use crate::pages::{csv_download, render, xlsx_download};
use crate::session::SignedIn;
use crate::view::{Chrome, ShownTable, long_date};
use crate::{AppState, WebError};

#[derive(Deserialize, Default)]
pub struct OverlapQuery {
    #[serde(default)]
    school: String,
    #[serde(default)]
    year: String,
    /// A locality's name: its schools' pupils.
    #[serde(default)]
    locality: String,
}

/// Who may count pupils: those with pupil access (in their scope, unsuppressed) and the readers
/// of reports (of the schools they may see, with small numbers suppressed).
pub(super) fn counting(state: &AppState, signed_in: &SignedIn) -> Result<Option<u64>, WebError> {
    if signed_in.account.role.has_pupil_access() {
        Ok(None)
    } else if signed_in.account.role.can_read_reports() {
        Ok(Some(state.config.suppress_below))
    } else {
        Err(WebError::Forbidden)
    }
}

async fn overlap_of(
    state: &AppState,
    signed_in: &SignedIn,
    query: &OverlapQuery,
) -> Result<(Overlap, String), WebError> {
    let threshold = counting(state, signed_in)?;
    let scope = PupilScope::of(&signed_in.account);
    let caseloads = caseloads_by_pupil(state.store.as_ref()).await?;
    let school: Option<Urn> = query.school.parse::<u32>().ok().and_then(|urn| Urn::new(urn).ok());
    let year: Option<i8> = stride_core::pupils::YearGroup::parse(&query.year).map(|year| year.number());
    let counted = counted_pupils(state).await?;
    let own_la = state.store.local_authority().await?.map(|la| la.code);
    // A locality is its schools, as GIAS districts them.
    let in_locality: Option<std::collections::HashSet<Urn>> = if query.locality.is_empty() {
        None
    } else {
        let rows = state.store.school_list_rows(own_la).await?;
        Some(
            rows.into_iter()
                .filter(|row| row.locality == query.locality)
                .map(|row| row.urn)
                .collect(),
        )
    };
    let sets: Vec<_> = counted
        .iter()
        .filter(|pupil| match threshold {
            None => scope.includes(
                Some(pupil.urn),
                caseloads.get(&pupil.pupil_id).map_or(&[], Vec::as_slice),
            ),
            Some(_) => signed_in.account.can_see_school(pupil.urn),
        })
        .filter(|pupil| school.is_none_or(|school| pupil.urn == school))
        .filter(|pupil| in_locality.as_ref().is_none_or(|schools| schools.contains(&pupil.urn)))
        .filter(|pupil| year.is_none_or(|year| pupil.year_group.number() == year))
        .map(|pupil| &pupil.characteristics)
        .collect();
    let mut described = match (school, in_locality.is_some()) {
        (Some(urn), _) => format!("pupils on roll at school {urn}"),
        (None, true) => format!("pupils in your scope at schools in {}", query.locality),
        (None, false) => "pupils in your scope".to_owned(),
    };
    if let Some(year) = year.and_then(stride_core::pupils::YearGroup::from_number) {
        described.push_str(&format!(", {}", year.label().to_lowercase()));
    }
    state
        .store
        .record_audit(&[AuditEntry {
            at: state.now(),
            account_id: signed_in.account.id,
            action: AuditAction::CountPupils,
            pupil_id: None,
            what: format!("vulnerability overlap of {described}"),
        }])
        .await?;
    Ok((overlap(sets, &VULNERABLE_GROUPS, threshold), described))
}

/// Every pupil's characteristics today, kept until the next import.
pub(super) async fn counted_pupils(state: &AppState) -> Result<std::sync::Arc<Vec<CountedPupil>>, WebError> {
    let today = state.today();
    let version = state.imported().await?.figures_version;
    if let Some(kept) = state.counted_pupils.get(&today, version) {
        return Ok(kept);
    }
    let counted = std::sync::Arc::new(state.store.pupil_characteristics(today).await?);
    state.counted_pupils.keep(today, version, counted.clone());
    Ok(counted)
}

fn overlap_table(overlap: &Overlap, title: &str) -> Table {
    let count = Cell::of_count;
    let mut rows: Vec<Vec<Cell>> = overlap
        .combinations
        .iter()
        .map(|combination| {
            let names: Vec<&str> = combination.members.iter().map(|member| member.label()).collect();
            vec![
                Cell::Text(if names.is_empty() {
                    "None of these".into()
                } else {
                    names.join(", ")
                }),
                Cell::Integer(combination.members.len() as i64),
                count(combination.count),
            ]
        })
        .collect();
    rows.push(vec![
        Cell::Text("All pupils".into()),
        Cell::Missing("z".into()),
        count(overlap.pupils),
    ]);
    Table {
        title: title.to_owned(),
        columns: vec![
            Column::text("Combination"),
            Column::number("Characteristics"),
            Column::number("Pupils"),
        ],
        rows,
    }
}

#[derive(Template)]
#[template(path = "vulnerable_learners.html")]
struct OverlapPage {
    chrome: Chrome,
    described: String,
    chart: Option<String>,
    each: Vec<(&'static str, String)>,
    table: ShownTable,
    suppressed: bool,
    schools: Vec<(String, String, bool)>,
    years: Vec<(String, String, bool)>,
    query_string: String,
    localities: Vec<(String, bool)>,
}

pub async fn vulnerable_learners(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Query(query): Query<OverlapQuery>,
) -> Result<Response, WebError> {
    overlap_response(&state, &signed_in, &query, None).await
}

pub async fn vulnerable_learners_csv(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Query(query): Query<OverlapQuery>,
) -> Result<Response, WebError> {
    overlap_response(&state, &signed_in, &query, Some("csv")).await
}

pub async fn vulnerable_learners_xlsx(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Query(query): Query<OverlapQuery>,
) -> Result<Response, WebError> {
    overlap_response(&state, &signed_in, &query, Some("xlsx")).await
}

async fn overlap_response(
    state: &AppState,
    signed_in: &SignedIn,
    query: &OverlapQuery,
    download: Option<&str>,
) -> Result<Response, WebError> {
    let (overlap, described) = overlap_of(state, signed_in, query).await?;
    let title = format!("Overlap of vulnerabilities: {described}, {}", long_date(state.today()));
    let table = overlap_table(&overlap, &title);
    match download {
        Some("csv") => return csv_download(&table, "vulnerable-learners"),
        Some(_) => return xlsx_download(&table, "vulnerable-learners"),
        None => {}
    }
    let own_la = state.store.local_authority().await?.map(|la| la.code);
    let scope = PupilScope::of(&signed_in.account);
    let mut schools: Vec<(String, String, bool)> = state
        .store
        .school_list_rows(own_la)
        .await?
        .into_iter()
        .filter(|row| match (&scope, signed_in.account.role.has_pupil_access()) {
            (PupilScope::Schools { schools, .. }, true) => schools.contains(&row.urn),
            _ => signed_in.account.can_see_school(row.urn),
        })
        .map(|row| (row.urn.to_string(), row.name, row.urn.to_string() == query.school))
        .collect();
    schools.sort_by(|a, b| a.1.cmp(&b.1));
    let years = (-2..=14)
        .filter_map(stride_core::pupils::YearGroup::from_number)
        .map(|year| (year.code(), year.label(), year.code() == query.year))
        .collect();
    render(&OverlapPage {
        chrome: Chrome::for_user(signed_in, "vulnerable-learners"),
        chart: stride_export::svg::upset_chart("overlap", &title, &overlap, 16),
        each: overlap
            .characteristics
            .iter()
            .zip(&overlap.with_each)
            .map(|(characteristic, count)| (characteristic.label(), count.to_string()))
            .collect(),
        suppressed: overlap.combinations.iter().any(|each| each.count == Count::Suppressed),
        table: ShownTable::of(&table),
        described,
        schools,
        years,
        localities: state
            .store
            .localities()
            .await?
            .into_iter()
            .map(|locality| {
                let chosen = locality.name == query.locality;
                (locality.name, chosen)
            })
            .collect(),
        query_string: serde_urlencoded::to_string([
            ("school", &query.school),
            ("year", &query.year),
            ("locality", &query.locality),
        ])
        .unwrap_or_default(),
    })
    .map(IntoResponse::into_response)
}
