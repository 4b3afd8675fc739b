//! Every figure held, with the file it came from, for `stride export figures`.

use super::engine::{self, DbRow, Pool};
use super::{Dynamic, query};
use sqlx::Row;
use stride_core::held_figures::{FigureSubject, HeldFigure, SourceFileRecord};
use stride_core::held_statistics::HeldStatistic;
use stride_core::{AcademicYear, Area, Urn};

use super::read::figure;
use super::{coded, unreadable};
use crate::StoreError;

const COLUMNS: &str = "f.measure, f.academic_year, f.pupil_group, f.release, f.value, f.missing_reason, f.cohort,
    f.source, i.file_name, i.sha256, i.publisher, i.imported_at";

const SCHOOLS: &str = "SELECT 'school' AS subject_kind, CAST(f.urn AS TEXT) AS subject_code, 'all' AS phase_group,
    {COLUMNS}, NULL AS superseded_by
    FROM school_figures f LEFT JOIN imports i ON i.id = f.import_id WHERE {URN}";

const AREAS: &str = "SELECT f.area_kind AS subject_kind, f.area_code AS subject_code, f.phase_group,
    {COLUMNS}, NULL AS superseded_by
    FROM area_figures f LEFT JOIN imports i ON i.id = f.import_id WHERE {AREA}";

const SUPERSEDED: &str =
    "SELECT f.subject_kind, f.subject_code, f.phase_group, {COLUMNS}, later.file_name AS superseded_by
    FROM superseded_figures f LEFT JOIN imports i ON i.id = f.import_id
    JOIN imports later ON later.id = f.superseded_by_import_id
    WHERE ((f.subject_kind <> 'school' AND {AREA}) OR (f.subject_kind = 'school' AND {SUPERSEDED_URN}))";

// A figure as it stands (superseded by nothing) before the values it replaced, on either engine:
// SQLite puts NULL first unless told, PostgreSQL last.
const ORDER: &str = "ORDER BY subject_kind, subject_code, phase_group, academic_year, measure, pupil_group, release,
    superseded_by NULLS FIRST";

/// Every figure held, or one school's; with `history`, the values later files replaced too.
pub(super) async fn held_figures(pool: &Pool, urn: Option<Urn>, history: bool) -> Result<Vec<HeldFigure>, StoreError> {
    // With a URN, areas are left out and schools filtered; the URN is bound, once per part.
    let (urn_condition, area_condition, superseded_urn) = match urn {
        Some(_) => ("f.urn = ?", "0 = 1", "f.subject_code = CAST(? AS TEXT)"),
        None => ("1 = 1", "1 = 1", "1 = 1"),
    };
    let mut parts = vec![SCHOOLS, AREAS];
    if history {
        parts.push(SUPERSEDED);
    }
    let sql = parts
        .join(" UNION ALL ")
        .replace("{COLUMNS}", COLUMNS)
        .replace("{URN}", urn_condition)
        .replace("{AREA}", area_condition)
        .replace("{SUPERSEDED_URN}", superseded_urn);
    // The SQL is made of this module's constant text; the URN is bound.
    let mut query = query(Dynamic(format!("SELECT * FROM ({sql}) AS held {ORDER}")));
    if let Some(urn) = urn {
        query = query.bind(i64::from(urn.get()));
        if history {
            query = query.bind(i64::from(urn.get()));
        }
    }
    query.fetch_all(pool).await?.iter().map(held_figure).collect()
}

fn held_figure(row: &DbRow) -> Result<HeldFigure, StoreError> {
    let year: i64 = row.try_get("academic_year")?;
    let cohort: Option<i64> = row.try_get("cohort")?;
    let file = source_file(row)?;
    Ok(HeldFigure {
        subject: subject(row)?,
        year: AcademicYear::starting(year as i32),
        measure: coded(row, "figures", "measure")?,
        group: coded(row, "figures", "pupil_group")?,
        figure: figure(row, "figures")?,
        cohort: cohort.and_then(|cohort| u32::try_from(cohort).ok()),
        release: coded(row, "figures", "release")?,
        source: row.try_get("source")?,
        file,
        superseded_by: row.try_get("superseded_by")?,
    })
}

fn subject(row: &DbRow) -> Result<FigureSubject, StoreError> {
    let kind: String = row.try_get("subject_kind")?;
    let code: String = row.try_get("subject_code")?;
    if kind == "school" {
        let urn = code
            .parse::<Urn>()
            .map_err(|error| unreadable("school_figures", "urn", error))?;
        return Ok(FigureSubject::School(urn));
    }
    let area = Area::from_codes(&kind, &code).map_err(|error| unreadable("area_figures", "area_code", error))?;
    Ok(FigureSubject::Area(area, coded(row, "area_figures", "phase_group")?))
}

/// Every LAIT indicator figure and Explore Education Statistics figure held, or one data set's,
/// or one area's or school's.
pub(super) async fn held_statistics(
    pool: &Pool,
    data_set: Option<&str>,
    code: Option<&str>,
) -> Result<Vec<HeldStatistic>, StoreError> {
    let sql = format!(
        "SELECT * FROM (
        SELECT data_set.name AS data_set, f.subject_kind, f.subject_code, f.time_period, f.time_identifier,
               filters.filters, {indicator} AS indicator, f.release, {number} AS value, {reason} AS missing_reason,
               i.file_name, i.sha256, i.publisher, i.imported_at
        FROM statistics_rows f
        JOIN statistics_data_sets data_set ON data_set.id = f.data_set
        JOIN statistics_filters filters ON filters.id = f.filters
        JOIN statistics_indicator_lists list ON list.id = f.indicators
        CROSS JOIN {figures} LEFT JOIN imports i ON i.id = f.import_id) AS held
    WHERE (CAST(? AS TEXT) IS NULL OR data_set = ?) AND (CAST(? AS TEXT) IS NULL OR subject_code = ?)
    ORDER BY data_set, subject_kind, subject_code, time_period, time_identifier, filters, indicator, release",
        indicator = engine::FIGURE_INDICATOR,
        number = engine::FIGURE_NUMBER,
        reason = engine::FIGURE_REASON,
        figures = engine::figures_of("f"),
    );
    query(Dynamic(sql))
        .bind(data_set)
        .bind(data_set)
        .bind(code)
        .bind(code)
        .fetch_all(pool)
        .await?
        .iter()
        .map(held_statistic)
        .collect()
}

fn source_file(row: &DbRow) -> Result<Option<SourceFileRecord>, StoreError> {
    let file_name: Option<String> = row.try_get("file_name")?;
    Ok(match file_name {
        Some(file_name) => Some(SourceFileRecord {
            file_name,
            sha256: row.try_get("sha256")?,
            publisher: row.try_get("publisher")?,
            imported_at: row.try_get("imported_at")?,
        }),
        None => None,
    })
}

fn held_statistic(row: &DbRow) -> Result<HeldStatistic, StoreError> {
    Ok(HeldStatistic {
        data_set: row.try_get("data_set")?,
        subject: row.try_get("subject_kind")?,
        code: row.try_get("subject_code")?,
        time_period: row.try_get("time_period")?,
        time_identifier: row.try_get("time_identifier")?,
        filters: row.try_get("filters")?,
        indicator: row.try_get("indicator")?,
        figure: figure(row, "statistics_rows")?,
        release: coded(row, "statistics_rows", "release")?,
        file: source_file(row)?,
    })
}
