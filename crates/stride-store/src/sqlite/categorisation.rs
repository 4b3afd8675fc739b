//! The evidence a categorisation reads, gathered in a few statements over every school at once.

use sqlx::{AssertSqlSafe, SqlitePool};
use stride_core::categorisation::CategorisationEvidence;
use stride_core::{LaCode, Measure, Phase, PhaseGroup};

use super::coded;
use super::read::{
    SCHOOL_FIGURE_COLUMNS, comparator_figures, establishment, inspections_where, intelligence_items, school_figure,
};
use crate::StoreError;

/// The schools categorised: open (or proposed to close) schools with a phase, of the LA if one
/// is given. Children's centres and establishments GIAS gives no phase are not schools to
/// categorise. The condition is on `e`, with the LA bound twice.
const SCHOOLS: &str = "SELECT e.urn FROM establishments e
    WHERE e.status IN ('open', 'proposed-to-close') AND e.phase <> 'not-applicable'
      AND (?1 IS NULL OR e.la_code = ?1)";

pub(super) async fn categorisation_evidence(
    pool: &SqlitePool,
    la: Option<LaCode>,
    national_measures: &[Measure],
) -> Result<CategorisationEvidence, StoreError> {
    let la_code = la.map(|la| i64::from(la.get()));
    let urns: Vec<i64> = sqlx::query_scalar(AssertSqlSafe(format!("{SCHOOLS} ORDER BY e.name, e.urn")))
        .bind(la_code)
        .fetch_all(pool)
        .await?;
    let mut schools = Vec::with_capacity(urns.len());
    for urn in urns {
        let urn = super::urn_from(urn, "establishments")?;
        if let Some(school) = establishment(pool, urn).await? {
            schools.push(school);
        }
    }
    let figures = sqlx::query(AssertSqlSafe(format!(
        "SELECT {SCHOOL_FIGURE_COLUMNS} FROM school_figures WHERE urn IN ({SCHOOLS})"
    )))
    .bind(la_code)
    .fetch_all(pool)
    .await?
    .iter()
    .map(school_figure)
    .collect::<Result<Vec<_>, _>>()?;
    let mut comparators = Vec::new();
    if let Some(la) = la {
        let mut phase_groups: Vec<PhaseGroup> = schools.iter().map(|school| school.phase.comparator_group()).collect();
        phase_groups.sort();
        phase_groups.dedup();
        for phase_group in phase_groups {
            comparators.extend(comparator_figures(pool, la, phase_group, 0).await?);
        }
    }
    // Inspections and intelligence of every school, filtered here to those categorised.
    let inspections = inspections_where(pool, "1 = 1", None).await?;
    let wanted: std::collections::HashSet<_> = schools.iter().map(|school| school.urn).collect();
    let inspections = inspections
        .into_iter()
        .filter(|inspection| wanted.contains(&inspection.urn))
        .collect();
    let intelligence_rows = sqlx::query(AssertSqlSafe(format!(
        "SELECT urn, kind, recorded_on, summary, recorded_by FROM intelligence WHERE urn IN ({SCHOOLS})
         ORDER BY recorded_on DESC, id DESC"
    )))
    .bind(la_code)
    .fetch_all(pool)
    .await?;
    Ok(CategorisationEvidence {
        schools,
        figures,
        comparators,
        inspections,
        intelligence: intelligence_items(&intelligence_rows)?,
        national: national_figures(pool, national_measures).await?,
    })
}

/// Every school's figures of the measures, with the phase it is compared within.
async fn national_figures(
    pool: &SqlitePool,
    measures: &[Measure],
) -> Result<Vec<(PhaseGroup, stride_core::SchoolFigure)>, StoreError> {
    if measures.is_empty() {
        return Ok(Vec::new());
    }
    let placeholders = vec!["?"; measures.len()].join(", ");
    let columns = SCHOOL_FIGURE_COLUMNS
        .split(", ")
        .map(|column| format!("f.{column}"))
        .collect::<Vec<_>>()
        .join(", ");
    // The SQL is made only of constant text and placeholders; values are bound.
    let mut query = sqlx::query(AssertSqlSafe(format!(
        "SELECT {columns}, e.phase FROM school_figures f JOIN establishments e ON e.urn = f.urn
         WHERE f.measure IN ({placeholders})"
    )));
    for measure in measures {
        query = query.bind(measure.code());
    }
    query
        .fetch_all(pool)
        .await?
        .iter()
        .map(|row| {
            let phase: Phase = coded(row, "establishments", "phase")?;
            Ok((phase.comparator_group(), school_figure(row)?))
        })
        .collect()
}
