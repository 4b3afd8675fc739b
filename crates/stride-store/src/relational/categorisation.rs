//! The evidence a categorisation reads, gathered in a few statements over every school at once.

use super::engine::{self, Arguments, Db, Pool};
use super::{Dynamic, query, query_scalar};
use sqlx::Row;
use stride_core::categorisation::{
    CategorisationEvidence, CategorisationRun, EvidenceWanted, KeptRuleSet, LevelOverride, NewRun, SavedLevel,
    final_level,
};
use stride_core::{IntelligenceItem, LaCode, Measure, Phase, PhaseGroup, PupilGroup};

use super::coded;
use super::read::{
    Bound, ESTABLISHMENT_SELECT, SCHOOL_FIGURE_COLUMNS, comparator_figure, comparator_figures, current_leaders_where,
    establishment_from_row, inspections_where, intelligence_items, school_figure,
};
use crate::StoreError;

/// The schools categorised: open (or proposed to close) schools with a phase, of the LA if one
/// is given. Children's centres and establishments GIAS gives no phase are not schools to
/// categorise. A condition on `e`, with the LA bound twice (sqlx numbers anonymous parameters
/// on its own, so they are not mixed with numbered ones).
const CATEGORISED: &str = "e.status IN ('open', 'proposed-to-close') AND e.phase <> 'not-applicable'
      AND (? IS NULL OR e.la_code = ?)";

/// `f.measure IN (...) AND (f.measure, f.pupil_group) IN (VALUES ...)` for the pairs wanted, to
/// bind with [`bind_pairs`] after any other value; none matches no row. The measures alone come
/// first so that SQLite looks each school's figures up by URN and measure (the primary key's
/// first columns) rather than reading every figure of the school.
fn pairs_condition(pairs: &[(Measure, PupilGroup)]) -> String {
    if pairs.is_empty() {
        return "0 = 1".to_owned();
    }
    let measures = vec!["?"; distinct_measures(pairs).len()].join(", ");
    let values = vec!["(?, ?)"; pairs.len()].join(", ");
    format!("f.measure IN ({measures}) AND (f.measure, f.pupil_group) IN (VALUES {values})")
}

fn distinct_measures(pairs: &[(Measure, PupilGroup)]) -> Vec<Measure> {
    let mut measures: Vec<Measure> = pairs.iter().map(|(measure, _)| *measure).collect();
    measures.sort();
    measures.dedup();
    measures
}

/// Binds the values of [`pairs_condition`], in its order.
fn bind_pairs<'q>(
    mut query: sqlx::query::Query<'q, Db, Arguments>,
    pairs: &[(Measure, PupilGroup)],
) -> sqlx::query::Query<'q, Db, Arguments> {
    for measure in distinct_measures(pairs) {
        query = query.bind(measure.code());
    }
    for (measure, group) in pairs {
        query = query.bind(measure.code()).bind(group.code());
    }
    query
}

/// The LA's comparators, or England's alone for schools of every LA.
pub(super) async fn la_comparators(
    pool: &Pool,
    la: Option<LaCode>,
) -> Result<Vec<stride_core::ComparatorFigure>, StoreError> {
    match la {
        Some(la) => comparator_figures(pool, la, None, 0).await,
        // Schools of every LA share only England as a comparator.
        None => england_figures(pool).await,
    }
}

pub(super) async fn categorisation_evidence(
    pool: &Pool,
    la: Option<LaCode>,
    wanted: &EvidenceWanted,
) -> Result<CategorisationEvidence, StoreError> {
    let la_code = la.map(|la| i64::from(la.get()));
    let schools = categorised_schools(pool, la_code).await?;
    // The SQL is made of constant text and placeholders; the LA and the pairs are bound.
    // The schools are the outer loop, each school's figures found by its URN: left to itself,
    // SQLite may instead scan every school's figures of the measures wanted.
    let columns = SCHOOL_FIGURE_COLUMNS
        .split(", ")
        .map(|column| format!("f.{column}"))
        .collect::<Vec<_>>()
        .join(", ");
    let figures = query(Dynamic(format!(
        "SELECT {columns} FROM establishments e {outer_first} school_figures f ON f.urn = e.urn
         WHERE {CATEGORISED} AND {}",
        pairs_condition(&wanted.figures),
        outer_first = engine::OUTER_LOOP_FIRST
    )))
    .bind(la_code)
    .bind(la_code);
    let figures = bind_pairs(figures, &wanted.figures)
        .fetch_all(pool)
        .await?
        .iter()
        .map(school_figure)
        .collect::<Result<Vec<_>, _>>()?;
    let comparators = la_comparators(pool, la).await?;
    let inspections = categorised_inspections(pool, la_code).await?;
    Ok(CategorisationEvidence {
        schools,
        figures,
        comparators,
        inspections,
        intelligence: intelligence(pool, la).await?,
        national: national_figures(pool, &wanted.national).await?,
    })
}

/// The schools categorised, of the LA (`la_code`) or every one held, with their leaders.
pub(super) async fn categorised_schools(
    pool: &Pool,
    la_code: Option<i64>,
) -> Result<Vec<stride_core::Establishment>, StoreError> {
    let mut leaders = current_leaders_where(pool, CATEGORISED, la_code).await?;
    query(Dynamic(format!(
        "{ESTABLISHMENT_SELECT} WHERE {CATEGORISED} ORDER BY e.name, e.urn"
    )))
    .bind(la_code)
    .bind(la_code)
    .fetch_all(pool)
    .await?
    .iter()
    .map(|row| {
        let urn = super::urn(row, "establishments")?;
        establishment_from_row(row, leaders.remove(&urn).unwrap_or_default())
    })
    .collect()
}

/// Every inspection of the schools categorised.
pub(super) async fn categorised_inspections(
    pool: &Pool,
    la_code: Option<i64>,
) -> Result<Vec<stride_core::Inspection>, StoreError> {
    inspections_where(
        pool,
        &format!("i.urn IN (SELECT e.urn FROM establishments e WHERE {CATEGORISED})"),
        Bound::La(la_code),
    )
    .await
}

/// The intelligence recorded about the schools categorised, newest first.
pub(super) async fn intelligence(pool: &Pool, la: Option<LaCode>) -> Result<Vec<IntelligenceItem>, StoreError> {
    let la_code = la.map(|la| i64::from(la.get()));
    let rows = query(Dynamic(format!(
        "SELECT urn, kind, recorded_on, summary, recorded_by FROM intelligence
         WHERE urn IN (SELECT e.urn FROM establishments e WHERE {CATEGORISED})
         ORDER BY recorded_on DESC, id DESC"
    )))
    .bind(la_code)
    .bind(la_code)
    .fetch_all(pool)
    .await?;
    intelligence_items(&rows)
}

/// England's figures, every phase, as the comparator of schools of every LA.
async fn england_figures(pool: &Pool) -> Result<Vec<stride_core::ComparatorFigure>, StoreError> {
    let rows = query(
        "SELECT area_kind AS comparator, phase_group, measure, academic_year, pupil_group, release, value,
                missing_reason, source
         FROM area_figures WHERE area_kind = 'england'",
    )
    .fetch_all(pool)
    .await?;
    rows.iter().map(comparator_figure).collect()
}

/// Every school's figures of the measures and groups, with the phase it is compared within.
async fn national_figures(
    pool: &Pool,
    pairs: &[(Measure, PupilGroup)],
) -> Result<Vec<(PhaseGroup, stride_core::SchoolFigure)>, StoreError> {
    if pairs.is_empty() {
        return Ok(Vec::new());
    }
    let columns = SCHOOL_FIGURE_COLUMNS
        .split(", ")
        .map(|column| format!("f.{column}"))
        .collect::<Vec<_>>()
        .join(", ");
    // The SQL is made only of constant text and placeholders; values are bound.
    let query = query(Dynamic(format!(
        "SELECT {columns}, e.phase FROM school_figures f JOIN establishments e ON e.urn = f.urn
         WHERE {}",
        pairs_condition(pairs)
    )));
    bind_pairs(query, pairs)
        .fetch_all(pool)
        .await?
        .iter()
        .map(|row| {
            let phase: Phase = coded(row, "establishments", "phase")?;
            Ok((phase.comparator_group(), school_figure(row)?))
        })
        .collect()
}

/// Saves a run and every school's result in it, whole or not at all.
pub(super) async fn save_run(pool: &Pool, run: &NewRun<'_>) -> Result<i64, StoreError> {
    let mut transaction = engine::begin_writing(pool).await?;
    let id = query_scalar::<i64>(
        "INSERT INTO categorisation_runs (rule_set, version, rule_text, as_of, run_at, run_by)
         VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(&run.rules.name)
    .bind(&run.rules.version)
    .bind(run.rule_text)
    .bind(run.as_of)
    .bind(run.run_at)
    .bind(run.run_by)
    .fetch_one(&mut *transaction)
    .await?;
    for result in run.results {
        let categorisation = &result.categorisation;
        let findings = serde_json::to_string(&categorisation.outcomes).map_err(|error| StoreError::Unreadable {
            table: "categorisations",
            column: "findings",
            detail: error.to_string(),
        })?;
        let standing = final_level(run.rules, result, run.overrides);
        query(
            "INSERT INTO categorisations (run_id, urn, computed_level, level, on_register, adviser_days, findings)
             VALUES (?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(id)
        .bind(i64::from(result.urn.get()))
        .bind(&categorisation.level)
        .bind(standing.level)
        .bind(standing.on_register)
        .bind(categorisation.adviser_days)
        .bind(findings)
        .execute(&mut *transaction)
        .await?;
    }
    transaction.commit().await?;
    Ok(id)
}

/// The runs saved, newest first.
pub(super) async fn runs(pool: &Pool) -> Result<Vec<CategorisationRun>, StoreError> {
    let rows = query(
        "SELECT r.id, r.rule_set, r.version, r.as_of, r.run_at, r.run_by,
                (SELECT COUNT(*) FROM categorisations c WHERE c.run_id = r.id) AS schools
         FROM categorisation_runs r ORDER BY r.run_at DESC, r.id DESC",
    )
    .fetch_all(pool)
    .await?;
    rows.iter()
        .map(|row| {
            let schools: i64 = row.try_get("schools")?;
            Ok(CategorisationRun {
                id: row.try_get("id")?,
                rule_set: row.try_get("rule_set")?,
                version: row.try_get("version")?,
                as_of: row.try_get("as_of")?,
                run_at: row.try_get("run_at")?,
                run_by: row.try_get("run_by")?,
                schools: usize::try_from(schools).unwrap_or(0),
            })
        })
        .collect()
}

/// Every school's level in a saved run.
pub(super) async fn saved_levels(pool: &Pool, run_id: i64) -> Result<Vec<SavedLevel>, StoreError> {
    let rows = query("SELECT urn, level, on_register FROM categorisations WHERE run_id = ? ORDER BY urn")
        .bind(run_id)
        .fetch_all(pool)
        .await?;
    rows.iter()
        .map(|row| {
            Ok(SavedLevel {
                urn: super::urn(row, "categorisations")?,
                level: row.try_get("level")?,
                on_register: row.try_get("on_register")?,
            })
        })
        .collect()
}

pub(super) async fn record_override(pool: &Pool, chosen: &LevelOverride) -> Result<(), StoreError> {
    query(
        "INSERT INTO level_overrides (urn, rule_set, level, reason, decided_by, decided_at) VALUES (?, ?, ?, ?, ?, ?)",
    )
    .bind(i64::from(chosen.urn.get()))
    .bind(&chosen.rule_set)
    .bind(&chosen.level)
    .bind(&chosen.reason)
    .bind(&chosen.decided_by)
    .bind(chosen.decided_at)
    .execute(pool)
    .await?;
    Ok(())
}

/// Every level set by judgement under a rule set, oldest first.
pub(super) async fn overrides(pool: &Pool, rule_set: &str) -> Result<Vec<LevelOverride>, StoreError> {
    let rows = query(
        "SELECT urn, rule_set, level, reason, decided_by, decided_at FROM level_overrides
         WHERE rule_set = ? ORDER BY decided_at, id",
    )
    .bind(rule_set)
    .fetch_all(pool)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(LevelOverride {
                urn: super::urn(row, "level_overrides")?,
                rule_set: row.try_get("rule_set")?,
                level: row.try_get("level")?,
                reason: row.try_get("reason")?,
                decided_by: row.try_get("decided_by")?,
                decided_at: row.try_get("decided_at")?,
            })
        })
        .collect()
}

pub(super) async fn record_intelligence(pool: &Pool, item: &IntelligenceItem) -> Result<(), StoreError> {
    query("INSERT INTO intelligence (urn, kind, recorded_on, summary, recorded_by) VALUES (?, ?, ?, ?, ?)")
        .bind(i64::from(item.urn.get()))
        .bind(item.kind.code())
        .bind(item.recorded_on)
        .bind(&item.summary)
        .bind(&item.recorded_by)
        .execute(pool)
        .await?;
    Ok(())
}

/// Keeps a version of the LA's own rule set; the table refuses a version kept before.
pub(super) async fn keep_rule_set(pool: &Pool, kept: &KeptRuleSet) -> Result<(), StoreError> {
    query("INSERT INTO kept_rule_sets (name, version, title, rule_text, kept_by, kept_at) VALUES (?, ?, ?, ?, ?, ?)")
        .bind(&kept.name)
        .bind(&kept.version)
        .bind(&kept.title)
        .bind(&kept.text)
        .bind(&kept.kept_by)
        .bind(kept.kept_at)
        .execute(pool)
        .await?;
    Ok(())
}

/// Every version of every rule set the LA kept, newest first.
pub(super) async fn kept_rule_sets(pool: &Pool) -> Result<Vec<KeptRuleSet>, StoreError> {
    let rows = query(
        "SELECT name, version, title, rule_text, kept_by, kept_at FROM kept_rule_sets ORDER BY kept_at DESC, id DESC",
    )
    .fetch_all(pool)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(KeptRuleSet {
                name: row.try_get("name")?,
                version: row.try_get("version")?,
                title: row.try_get("title")?,
                text: row.try_get("rule_text")?,
                kept_by: row.try_get("kept_by")?,
                kept_at: row.try_get("kept_at")?,
            })
        })
        .collect()
}
