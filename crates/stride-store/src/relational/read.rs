//! Reading establishments, figures and inspections back into core types.

use super::engine::{self, DbRow, Pool};
use super::{Dynamic, query, query_scalar};
use sqlx::Row;
use stride_core::import::ImportRecord;
use stride_core::inspection::Judgement;
use stride_core::school_list::SchoolListRow;
use stride_core::school_profile::SchoolProfile;
use stride_core::{
    AcademicYear, ComparatorFigure, DfeNumber, Establishment, EvaluationArea, Figure, Framework, Governance, Grade,
    Inspection, InspectionFields, IntelligenceItem, LaCode, Leader, LocalAuthority, Locality, Measure, MissingReason,
    PhaseGroup, PupilGroup, SchoolFigure, Trust, Urn, VisibleSchool,
};

use super::{coded, optional_coded, unreadable, urn};
use crate::StoreError;

/// Makes an LA Stride knows of (from an LA list imported, or the generated authority) the
/// deployment's own; none if Stride does not know the code.
pub(super) async fn set_local_authority(pool: &Pool, la: LaCode) -> Result<Option<LocalAuthority>, StoreError> {
    let code = i64::from(la.get());
    let mut transaction = engine::begin_writing(pool).await?;
    let written = query(
        "INSERT INTO local_authority (id, la_code, name, region)
         SELECT 1, la_code, name, region FROM local_authorities WHERE la_code = ?
         ON CONFLICT (id) DO UPDATE SET la_code = excluded.la_code, name = excluded.name, region = excluded.region",
    )
    .bind(code)
    .execute(&mut *transaction)
    .await?;
    if written.rows_affected() == 0 {
        return Ok(None);
    }
    // The LA's schools imported before it was set up take their districts as localities, as
    // those imported after do, until the LA sets its own.
    query(
        "INSERT INTO localities (name) SELECT DISTINCT district FROM establishments
         WHERE la_code = ? AND locality_id IS NULL AND district IS NOT NULL
         ON CONFLICT (name) DO NOTHING",
    )
    .bind(code)
    .execute(&mut *transaction)
    .await?;
    query(
        "UPDATE establishments SET locality_id = (SELECT id FROM localities WHERE name = establishments.district)
         WHERE la_code = ? AND locality_id IS NULL AND district IS NOT NULL",
    )
    .bind(code)
    .execute(&mut *transaction)
    .await?;
    transaction.commit().await?;
    local_authority(pool).await
}

pub(super) async fn local_authority(pool: &Pool) -> Result<Option<LocalAuthority>, StoreError> {
    let row = query("SELECT la_code, name, region FROM local_authority WHERE id = 1")
        .fetch_optional(pool)
        .await?;
    row.map(|row| {
        let code: i64 = row.try_get("la_code")?;
        let code = u16::try_from(code)
            .ok()
            .and_then(|code| LaCode::new(code).ok())
            .ok_or_else(|| StoreError::Unreadable {
                table: "local_authority",
                column: "la_code",
                detail: format!("{code}"),
            })?;
        Ok(LocalAuthority {
            code,
            name: row.try_get("name")?,
            region: row.try_get("region")?,
        })
    })
    .transpose()
}

pub(super) async fn localities(pool: &Pool) -> Result<Vec<Locality>, StoreError> {
    let rows = query("SELECT id, name FROM localities ORDER BY name")
        .fetch_all(pool)
        .await?;
    rows.iter()
        .map(|row| {
            Ok(Locality {
                id: row.try_get("id")?,
                name: row.try_get("name")?,
            })
        })
        .collect()
}

pub(super) async fn school_list_rows(pool: &Pool, la: Option<LaCode>) -> Result<Vec<SchoolListRow>, StoreError> {
    let la = la.map(|la| i64::from(la.get()));
    let rows = query(
        "SELECT e.urn, e.la_code, e.name, e.establishment_type, e.phase, COALESCE(l.name, '') AS locality, roll.value AS roll
         FROM establishments e
         LEFT JOIN localities l ON l.id = e.locality_id
         LEFT JOIN (
             SELECT urn, value, ROW_NUMBER() OVER (PARTITION BY urn ORDER BY academic_year DESC) AS recency
             FROM school_figures
             WHERE measure = 'pupils-on-roll' AND pupil_group = 'all' AND value IS NOT NULL
         ) roll ON roll.urn = e.urn AND roll.recency = 1
         WHERE e.status <> 'closed' AND (? IS NULL OR e.la_code = ?)",
    )
    .bind(la)
    .bind(la)
    .fetch_all(pool)
    .await?;
    rows.iter()
        .map(|row| {
            let roll: Option<f64> = row.try_get("roll")?;
            let la_code: i64 = row.try_get("la_code")?;
            Ok(SchoolListRow {
                urn: urn(row, "establishments")?,
                la: u16::try_from(la_code)
                    .ok()
                    .and_then(|code| LaCode::new(code).ok())
                    .ok_or_else(|| unreadable("establishments", "la_code", la_code))?,
                name: row.try_get("name")?,
                establishment_type: coded(row, "establishments", "establishment_type")?,
                phase: coded(row, "establishments", "phase")?,
                locality: row.try_get("locality")?,
                pupils_on_roll: roll.map(|roll| roll.round() as u32),
                latest_inspection: None,
                headline: [None; 4],
            })
        })
        .collect()
}

pub(super) async fn latest_full_inspections(pool: &Pool) -> Result<Vec<Inspection>, StoreError> {
    inspections_where(
        pool,
        "i.kind = 'graded' AND i.started_on = (SELECT MAX(j.started_on) FROM inspections j WHERE j.urn = i.urn AND j.kind = 'graded')",
        Bound::Nothing,
    )
    .await
}

pub(super) async fn inspections_of(pool: &Pool, urn: Urn) -> Result<Vec<Inspection>, StoreError> {
    inspections_where(pool, "i.urn = ?", Bound::Urn(urn)).await
}

/// The value a condition binds, if any.
pub(super) enum Bound {
    Nothing,
    Urn(Urn),
    /// An LA's code, or none for every LA, bound twice: `(? IS NULL OR la_code = ?)`.
    La(Option<i64>),
}

/// Inspections matching a condition on `i`, each with its judgements, newest first.
pub(super) async fn inspections_where(
    pool: &Pool,
    condition: &str,
    bound: Bound,
) -> Result<Vec<Inspection>, StoreError> {
    let sql = format!(
        "SELECT i.id, i.urn, i.framework, i.kind, i.started_on, i.published_on, i.ungraded_outcome, i.category_of_concern,
                j.area, j.grade
         FROM inspections i LEFT JOIN judgements j ON j.inspection_id = i.id
         WHERE {condition}
         ORDER BY i.started_on DESC, i.id DESC"
    );
    // The SQL is made only of this module's constant text; values are bound.
    let query = query(Dynamic(sql));
    let query = match bound {
        Bound::Nothing => query,
        Bound::Urn(urn) => query.bind(i64::from(urn.get())),
        Bound::La(la) => query.bind(la).bind(la),
    };
    let rows = query.fetch_all(pool).await?;
    let mut inspections: Vec<(i64, InspectionFields)> = Vec::new();
    for row in &rows {
        let id: i64 = row.try_get("id")?;
        if inspections.last().is_none_or(|(last, _)| *last != id) {
            inspections.push((id, inspection_fields(row)?));
        }
        let area: Option<String> = row.try_get("area")?;
        if let (Some(area), Some((_, fields))) = (area, inspections.last_mut()) {
            let unreadable = |detail: String| StoreError::Unreadable {
                table: "judgements",
                column: "grade",
                detail,
            };
            let area: EvaluationArea = area
                .parse()
                .map_err(|error: stride_core::coded::UnknownCode| unreadable(error.to_string()))?;
            let grade: String = row.try_get("grade")?;
            let grade =
                Grade::from_code(fields.framework, area, &grade).map_err(|error| unreadable(error.to_string()))?;
            fields.judgements.push(Judgement { area, grade });
        }
    }
    inspections
        .into_iter()
        .map(|(_, fields)| {
            Inspection::new(fields).map_err(|error| StoreError::Unreadable {
                table: "inspections",
                column: "framework",
                detail: error.to_string(),
            })
        })
        .collect()
}

fn inspection_fields(row: &DbRow) -> Result<InspectionFields, StoreError> {
    let framework: Framework = coded(row, "inspections", "framework")?;
    Ok(InspectionFields {
        urn: urn(row, "inspections")?,
        framework,
        kind: coded(row, "inspections", "kind")?,
        started_on: row.try_get("started_on")?,
        published_on: row.try_get("published_on")?,
        judgements: Vec::new(),
        ungraded_outcome: optional_coded(row, "inspections", "ungraded_outcome")?,
        category_of_concern: optional_coded(row, "inspections", "category_of_concern")?,
    })
}

pub(super) fn figure(row: &DbRow, table: &'static str) -> Result<Figure, StoreError> {
    let value: Option<f64> = row.try_get("value")?;
    match value {
        Some(value) => Ok(Figure::Value(value)),
        None => Ok(Figure::Missing(coded::<MissingReason>(row, table, "missing_reason")?)),
    }
}

pub(super) fn school_figure(row: &DbRow) -> Result<SchoolFigure, StoreError> {
    let cohort: Option<i64> = row.try_get("cohort")?;
    let year: i64 = row.try_get("academic_year")?;
    Ok(SchoolFigure {
        urn: urn(row, "school_figures")?,
        measure: coded(row, "school_figures", "measure")?,
        year: AcademicYear::starting(year as i32),
        group: coded(row, "school_figures", "pupil_group")?,
        figure: figure(row, "school_figures")?,
        cohort: cohort.and_then(|cohort| u32::try_from(cohort).ok()),
        source: row.try_get("source")?,
        release: coded(row, "school_figures", "release")?,
    })
}

pub(super) const SCHOOL_FIGURE_COLUMNS: &str =
    "urn, measure, academic_year, pupil_group, release, value, missing_reason, cohort, source";

pub(super) async fn figures_for_all_schools(
    pool: &Pool,
    measures: &[Measure],
    group: PupilGroup,
) -> Result<Vec<SchoolFigure>, StoreError> {
    if measures.is_empty() {
        return Ok(Vec::new());
    }
    let placeholders = vec!["?"; measures.len()].join(", ");
    let sql = format!(
        "SELECT {SCHOOL_FIGURE_COLUMNS} FROM school_figures WHERE pupil_group = ? AND measure IN ({placeholders})"
    );
    // The SQL is made only of constant text and placeholders; values are bound.
    let mut query = query(Dynamic(sql)).bind(group.code());
    for measure in measures {
        query = query.bind(measure.code());
    }
    query.fetch_all(pool).await?.iter().map(school_figure).collect()
}

pub(super) async fn figures_of_schools(pool: &Pool, urns: &[Urn]) -> Result<Vec<SchoolFigure>, StoreError> {
    if urns.is_empty() {
        return Ok(Vec::new());
    }
    let placeholders = vec!["?"; urns.len()].join(", ");
    // The SQL is made only of constant text and placeholders; the URNs are bound.
    let sql = format!("SELECT {SCHOOL_FIGURE_COLUMNS} FROM school_figures WHERE urn IN ({placeholders})");
    let mut query = query(Dynamic(sql));
    for urn in urns {
        query = query.bind(i64::from(urn.get()));
    }
    query.fetch_all(pool).await?.iter().map(school_figure).collect()
}

pub(super) async fn school_profile(
    pool: &Pool,
    school: VisibleSchool,
    year_count: usize,
) -> Result<Option<SchoolProfile>, StoreError> {
    let Some(establishment) = establishment(pool, school.urn()).await? else {
        return Ok(None);
    };
    let urn = i64::from(school.urn().get());
    let latest: Option<i64> = query_scalar("SELECT MAX(academic_year) FROM school_figures")
        .fetch_one(pool)
        .await?;
    let years = latest.map_or_else(Vec::new, |latest| {
        AcademicYear::starting(latest as i32).last(year_count)
    });
    let first_year = years.first().map_or(0, |year| year.start_year());
    let school_figures = query(Dynamic(format!(
        "SELECT {SCHOOL_FIGURE_COLUMNS} FROM school_figures WHERE urn = ? AND academic_year >= ?"
    )))
    .bind(urn)
    .bind(first_year)
    .fetch_all(pool)
    .await?
    .iter()
    .map(school_figure)
    .collect::<Result<Vec<_>, _>>()?;
    let comparator_figures = comparator_figures(
        pool,
        establishment.la,
        Some(establishment.phase.comparator_group()),
        first_year,
    )
    .await?;
    let inspections = inspections_of(pool, school.urn()).await?;
    let intelligence = intelligence(pool, school.urn()).await?;
    let history = history(pool, school.urn()).await?;
    Ok(Some(SchoolProfile {
        history,
        establishment,
        inspections,
        intelligence,
        school_figures,
        comparator_figures,
        years,
    }))
}

/// A school's comparators: its own LA, that LA's statistical neighbours and region, and England's
/// state-funded schools. The codes of these kinds of area are those of the comparators.
/// With no phase group, every phase's.
pub(super) async fn comparator_figures(
    pool: &Pool,
    la: LaCode,
    phase_group: Option<PhaseGroup>,
    first_year: i32,
) -> Result<Vec<ComparatorFigure>, StoreError> {
    let phase_group = phase_group.map(PhaseGroup::code);
    let rows = query(
        "SELECT area_kind AS comparator, phase_group, measure, academic_year, pupil_group, release, value,
                missing_reason, source
         FROM area_figures
         WHERE (? IS NULL OR phase_group IN (?, 'all')) AND academic_year >= ?
           AND ((area_kind IN ('la', 'statistical-neighbours') AND area_code = ?)
             OR (area_kind = 'region'
                 AND area_code = (SELECT region FROM local_authorities WHERE la_code = ?))
             OR area_kind = 'england')",
    )
    .bind(phase_group)
    .bind(phase_group)
    .bind(first_year)
    .bind(la.to_string())
    .bind(i64::from(la.get()))
    .fetch_all(pool)
    .await?;
    let mut figures = rows
        .iter()
        .map(comparator_figure)
        .collect::<Result<Vec<_>, StoreError>>()?;
    // Where no source gives the neighbours' figure itself, it is their mean.
    if !figures
        .iter()
        .any(|figure| figure.comparator == stride_core::Comparator::StatisticalNeighbours)
    {
        let neighbours = neighbour_figures(pool, la, phase_group, first_year).await?;
        figures.extend(stride_core::figure::statistical_neighbours_mean(&neighbours));
    }
    Ok(figures)
}

/// Every LA's own figures (phase: all schools), each with its LA, for quartile bands and ranks
/// among LAs.
pub(super) async fn every_la_figures(pool: &Pool) -> Result<Vec<(LaCode, ComparatorFigure)>, StoreError> {
    let rows = query(
        "SELECT area_code, area_kind AS comparator, phase_group, measure, academic_year, pupil_group, release, value,
                missing_reason, source
         FROM area_figures WHERE area_kind = 'la' AND phase_group = 'all'",
    )
    .fetch_all(pool)
    .await?;
    rows.iter()
        .map(|row| {
            let code: String = row.try_get("area_code")?;
            let la = code
                .parse::<u16>()
                .ok()
                .and_then(|code| LaCode::new(code).ok())
                .ok_or_else(|| unreadable("area_figures", "area_code", code.clone()))?;
            Ok((la, comparator_figure(row)?))
        })
        .collect()
}

/// A row of `area_figures` whose kind of area is selected as `comparator`.
pub(super) fn comparator_figure(row: &DbRow) -> Result<ComparatorFigure, StoreError> {
    let year: i64 = row.try_get("academic_year")?;
    Ok(ComparatorFigure {
        comparator: coded(row, "area_figures", "comparator")?,
        phase_group: coded(row, "area_figures", "phase_group")?,
        measure: coded(row, "area_figures", "measure")?,
        year: AcademicYear::starting(year as i32),
        group: coded(row, "area_figures", "pupil_group")?,
        figure: figure(row, "area_figures")?,
        source: row.try_get("source")?,
        release: coded(row, "area_figures", "release")?,
    })
}

/// The figures of an LA's statistical neighbours, from the latest edition of the DfE's table
/// that names them.
async fn neighbour_figures(
    pool: &Pool,
    la: LaCode,
    phase_group: Option<&'static str>,
    first_year: i32,
) -> Result<Vec<stride_core::AreaFigure>, StoreError> {
    let rows = query(
        "SELECT f.area_code, f.phase_group, f.measure, f.academic_year, f.pupil_group, f.release, f.value,
                f.missing_reason, f.cohort, f.source
         FROM statistical_neighbours n
         JOIN area_figures f ON f.area_kind = 'la' AND f.area_code = CAST(n.neighbour_la_code AS TEXT)
         WHERE n.la_code = ? AND n.neighbour_set = 'current'
           AND n.edition = (SELECT MAX(edition) FROM statistical_neighbours WHERE la_code = ? AND neighbour_set = 'current')
           AND (? IS NULL OR f.phase_group IN (?, 'all')) AND f.academic_year >= ?",
    )
    .bind(i64::from(la.get()))
    .bind(i64::from(la.get()))
    .bind(phase_group)
    .bind(phase_group)
    .bind(first_year)
    .fetch_all(pool)
    .await?;
    rows.iter()
        .map(|row| {
            let code: String = row.try_get("area_code")?;
            let year: i64 = row.try_get("academic_year")?;
            let cohort: Option<i64> = row.try_get("cohort")?;
            Ok(stride_core::AreaFigure {
                area: stride_core::Area::from_codes("la", &code)
                    .map_err(|error| super::unreadable("area_figures", "area_code", error))?,
                phase_group: coded(row, "area_figures", "phase_group")?,
                measure: coded(row, "area_figures", "measure")?,
                year: AcademicYear::starting(year as i32),
                group: coded(row, "area_figures", "pupil_group")?,
                figure: figure(row, "area_figures")?,
                cohort: cohort.and_then(|cohort| u32::try_from(cohort).ok()),
                source: row.try_get("source")?,
                release: coded(row, "area_figures", "release")?,
            })
        })
        .collect()
}

pub(super) async fn establishment(pool: &Pool, urn_wanted: Urn) -> Result<Option<Establishment>, StoreError> {
    let row = query(Dynamic(format!("{ESTABLISHMENT_SELECT} WHERE e.urn = ?")))
        .bind(i64::from(urn_wanted.get()))
        .fetch_optional(pool)
        .await?;
    let Some(row) = row else { return Ok(None) };
    let leaders = current_leaders(pool, urn_wanted).await?;
    establishment_from_row(&row, leaders).map(Some)
}

/// An establishment's row with its locality's and trust's names; a condition on `e` follows.
pub(super) const ESTABLISHMENT_SELECT: &str = "SELECT e.*, l.name AS locality_name, t.name AS trust_name
     FROM establishments e LEFT JOIN localities l ON l.id = e.locality_id LEFT JOIN trusts t ON t.id = e.trust_id";

pub(super) fn establishment_from_row(row: &DbRow, leaders: Vec<Leader>) -> Result<Establishment, StoreError> {
    let unreadable = |column: &'static str, detail: String| StoreError::Unreadable {
        table: "establishments",
        column,
        detail,
    };
    let la: i64 = row.try_get("la_code")?;
    let la = u16::try_from(la)
        .ok()
        .and_then(|la| LaCode::new(la).ok())
        .ok_or_else(|| unreadable("la_code", la.to_string()))?;
    let number: Option<i64> = row.try_get("establishment_number")?;
    let dfe_number = number
        .map(|number| {
            u16::try_from(number)
                .ok()
                .and_then(|number| DfeNumber::new(la, number).ok())
                .ok_or_else(|| unreadable("establishment_number", format!("{la}/{number}")))
        })
        .transpose()?;
    let is_academy: bool = row.try_get("is_academy")?;
    let trust_id: Option<i64> = row.try_get("trust_id")?;
    let trust_name: Option<String> = row.try_get("trust_name")?;
    let governance = if is_academy {
        Governance::Academy {
            trust: trust_id.zip(trust_name).map(|(id, name)| Trust { id, name }),
        }
    } else {
        Governance::Maintained
    };
    let age = |column: &'static str| -> Result<Option<u8>, StoreError> {
        let age: Option<i64> = row.try_get(column)?;
        age.map(|age| u8::try_from(age).map_err(|_| unreadable(column, age.to_string())))
            .transpose()
    };
    let locality_id: Option<i64> = row.try_get("locality_id")?;
    let locality_name: Option<String> = row.try_get("locality_name")?;
    Ok(Establishment {
        urn: urn(row, "establishments")?,
        la,
        dfe_number,
        name: row.try_get("name")?,
        establishment_type: coded(row, "establishments", "establishment_type")?,
        phase: coded(row, "establishments", "phase")?,
        status: coded(row, "establishments", "status")?,
        opened_on: row.try_get("opened_on")?,
        closed_on: row.try_get("closed_on")?,
        statutory_low_age: age("statutory_low_age")?,
        statutory_high_age: age("statutory_high_age")?,
        locality: locality_id.zip(locality_name).map(|(id, name)| Locality { id, name }),
        governance,
        diocese: row.try_get("diocese")?,
        leaders,
        location: super::support::establishment_location(row)?,
    })
}

/// The current leaders of every establishment matching a condition on `e`, by URN.
pub(super) async fn current_leaders_where(
    pool: &Pool,
    condition: &str,
    la: Option<i64>,
) -> Result<std::collections::HashMap<Urn, Vec<Leader>>, StoreError> {
    // The condition is the store's constant text; the LA is bound.
    let rows = query(Dynamic(format!(
        "SELECT l.urn, l.role, l.name, l.since FROM leaders l
         WHERE l.urn IN (SELECT e.urn FROM establishments e WHERE {condition})
           AND l.since = (SELECT MAX(since) FROM leaders m WHERE m.urn = l.urn AND m.role = l.role)
         ORDER BY l.urn, l.role DESC"
    )))
    .bind(la)
    .bind(la)
    .fetch_all(pool)
    .await?;
    let mut leaders: std::collections::HashMap<Urn, Vec<Leader>> = std::collections::HashMap::new();
    for row in &rows {
        leaders.entry(urn(row, "leaders")?).or_default().push(Leader {
            role: coded(row, "leaders", "role")?,
            name: row.try_get("name")?,
            since: row.try_get("since")?,
        });
    }
    Ok(leaders)
}

/// The headteacher and chair now in post: the latest appointment to each role.
async fn current_leaders(pool: &Pool, urn: Urn) -> Result<Vec<Leader>, StoreError> {
    let rows = query(
        "SELECT role, name, since FROM leaders l
         WHERE urn = ? AND since = (SELECT MAX(since) FROM leaders m WHERE m.urn = l.urn AND m.role = l.role)
         ORDER BY role DESC",
    )
    .bind(i64::from(urn.get()))
    .fetch_all(pool)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(Leader {
                role: coded(row, "leaders", "role")?,
                name: row.try_get("name")?,
                since: row.try_get("since")?,
            })
        })
        .collect()
}

pub(super) async fn intelligence(pool: &Pool, urn_wanted: Urn) -> Result<Vec<IntelligenceItem>, StoreError> {
    let rows = query(
        "SELECT urn, kind, recorded_on, summary, recorded_by FROM intelligence WHERE urn = ? ORDER BY recorded_on DESC, id DESC",
    )
    .bind(i64::from(urn_wanted.get()))
    .fetch_all(pool)
    .await?;
    intelligence_items(&rows)
}

pub(super) fn intelligence_items(rows: &[DbRow]) -> Result<Vec<IntelligenceItem>, StoreError> {
    rows.iter()
        .map(|row| {
            Ok(IntelligenceItem {
                urn: urn(row, "intelligence")?,
                kind: coded(row, "intelligence", "kind")?,
                recorded_on: row.try_get("recorded_on")?,
                summary: row.try_get("summary")?,
                recorded_by: row.try_get("recorded_by")?,
            })
        })
        .collect()
}

async fn history(pool: &Pool, urn_wanted: Urn) -> Result<Vec<stride_core::school_profile::HistoryLink>, StoreError> {
    let rows = query(
        "SELECT l.urn, l.linked_urn, l.linked_name, l.kind, l.link_type, l.established_on,
                EXISTS (SELECT 1 FROM establishments e WHERE e.urn = l.linked_urn) AS held
         FROM establishment_links l WHERE l.urn = ? ORDER BY l.established_on NULLS FIRST, l.linked_urn",
    )
    .bind(i64::from(urn_wanted.get()))
    .fetch_all(pool)
    .await?;
    rows.iter()
        .map(|row| {
            let linked: i64 = row.try_get("linked_urn")?;
            let linked_urn = u32::try_from(linked)
                .ok()
                .and_then(|urn| Urn::new(urn).ok())
                .ok_or_else(|| StoreError::Unreadable {
                    table: "establishment_links",
                    column: "linked_urn",
                    detail: linked.to_string(),
                })?;
            Ok(stride_core::school_profile::HistoryLink {
                link: stride_core::import::EstablishmentLink {
                    urn: urn(row, "establishment_links")?,
                    linked_urn,
                    linked_name: row.try_get("linked_name")?,
                    kind: coded(row, "establishment_links", "kind")?,
                    link_type: row.try_get("link_type")?,
                    established_on: row.try_get("established_on")?,
                },
                held: row.try_get("held")?,
            })
        })
        .collect()
}

/// The files imported, newest first.
pub(super) async fn imports(pool: &Pool, limit: u32) -> Result<Vec<ImportRecord>, StoreError> {
    let rows = query(
        "SELECT file_name, sha256, kind, publisher, imported_at, row_count, added, changed, unchanged, academic_year,
                release
         FROM imports ORDER BY imported_at DESC, id DESC LIMIT ?",
    )
    .bind(i64::from(limit))
    .fetch_all(pool)
    .await?;
    rows.iter()
        .map(|row| {
            let count = |column: &'static str| -> Result<usize, StoreError> {
                let value: i64 = row.try_get(column)?;
                usize::try_from(value).map_err(|error| unreadable("imports", column, error))
            };
            let year: Option<i64> = row.try_get("academic_year")?;
            Ok(ImportRecord {
                file_name: row.try_get("file_name")?,
                sha256: row.try_get("sha256")?,
                kind: coded(row, "imports", "kind")?,
                publisher: row.try_get("publisher")?,
                imported_at: row.try_get("imported_at")?,
                rows: count("row_count")?,
                added: count("added")?,
                changed: count("changed")?,
                unchanged: count("unchanged")?,
                year: year.map(|year| AcademicYear::starting(year as i32)),
                release: optional_coded(row, "imports", "release")?,
            })
        })
        .collect()
}
