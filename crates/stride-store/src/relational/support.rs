//! The directory of providers and the support commissioned from them, in SQLite. A provider's
//! entry may be changed, each change kept beside it; support is changed only through its
//! case's revision (see `intervention.rs`).

use super::engine::{self, Db, DbRow, Pool};
use super::{Dynamic, query, query_scalar};
use chrono::{DateTime, Utc};
use sqlx::{Row, Transaction};
use stride_core::Phase;
use stride_core::intervention::Support;
use stride_core::support::{Evaluation, GridReference, Pence, Provider, ProviderEntry, Specialism};

use super::{coded, optional_coded, unreadable};
use crate::StoreError;

fn codes<T: std::str::FromStr>(row: &DbRow, column: &'static str) -> Result<Vec<T>, StoreError>
where
    T::Err: std::fmt::Display,
{
    let text: String = row.try_get(column)?;
    text.split(',')
        .filter(|code| !code.is_empty())
        .map(|code| code.parse().map_err(|error| unreadable("providers", column, error)))
        .collect()
}

fn grid(row: &DbRow) -> Result<Option<GridReference>, StoreError> {
    let easting: Option<i64> = row.try_get("easting")?;
    let northing: Option<i64> = row.try_get("northing")?;
    Ok(easting.zip(northing).and_then(|(easting, northing)| {
        Some(GridReference {
            easting: u32::try_from(easting).ok()?,
            northing: u32::try_from(northing).ok()?,
        })
    }))
}

pub(super) fn establishment_location(row: &DbRow) -> Result<Option<GridReference>, StoreError> {
    grid(row)
}

fn provider(row: &DbRow) -> Result<Provider, StoreError> {
    Ok(Provider {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        kind: coded(row, "providers", "kind")?,
        organisation: row.try_get("organisation")?,
        specialisms: codes::<Specialism>(row, "specialisms")?,
        phases: codes::<Phase>(row, "phases")?,
        approval: coded(row, "providers", "approval")?,
        approval_review_on: row.try_get("approval_review_on")?,
        day_rate: Pence(row.try_get("day_rate_pence")?),
        location: grid(row)?,
    })
}

/// Every provider in the directory, by name.
pub(super) async fn providers(pool: &Pool) -> Result<Vec<Provider>, StoreError> {
    let rows = query("SELECT * FROM providers ORDER BY name, id")
        .fetch_all(pool)
        .await?;
    rows.iter().map(provider).collect()
}

fn joined<T: Copy>(values: &[T], code: fn(T) -> &'static str) -> String {
    values.iter().map(|value| code(*value)).collect::<Vec<_>>().join(",")
}

/// Writes a provider with its id (as the directory is loaded whole) or a new one; the id.
pub(super) async fn insert_provider(
    transaction: &mut Transaction<'_, Db>,
    id: Option<i64>,
    entry: &ProviderEntry,
) -> Result<i64, StoreError> {
    // A new provider takes the next number; one loaded with the directory keeps its own.
    let (id_column, id_value) = if id.is_some() { ("id, ", "?, ") } else { ("", "") };
    let mut insert = query_scalar::<i64>(Dynamic(format!(
        "INSERT INTO providers ({id_column}name, kind, organisation, specialisms, phases, approval, approval_review_on,
             day_rate_pence, easting, northing) VALUES ({id_value}?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id"
    )));
    if let Some(id) = id {
        insert = insert.bind(id);
    }
    let written = insert
        .bind(entry.name.trim())
        .bind(entry.kind.code())
        .bind(entry.organisation.trim())
        .bind(joined(&entry.specialisms, Specialism::code))
        .bind(joined(&entry.phases, Phase::code))
        .bind(entry.approval.code())
        .bind(entry.approval_review_on)
        .bind(entry.day_rate.0)
        .bind(entry.location.map(|at| i64::from(at.easting)))
        .bind(entry.location.map(|at| i64::from(at.northing)))
        .fetch_one(&mut **transaction)
        .await?;
    Ok(written)
}

/// Adds a provider (no id) or changes one, keeping the change in its history; none where the
/// provider to change is not held.
pub(super) async fn save_provider(
    pool: &Pool,
    id: Option<i64>,
    entry: &ProviderEntry,
    by: &str,
    at: DateTime<Utc>,
) -> Result<Option<i64>, StoreError> {
    let mut transaction = engine::begin_writing(pool).await?;
    let (id, change) = match id {
        None => (
            insert_provider(&mut transaction, None, entry).await?,
            "Added to the directory",
        ),
        Some(id) => {
            let changed = query(
                "UPDATE providers SET name = ?, kind = ?, organisation = ?, specialisms = ?, phases = ?, approval = ?,
                     approval_review_on = ?, day_rate_pence = ?, easting = ?, northing = ? WHERE id = ?",
            )
            .bind(entry.name.trim())
            .bind(entry.kind.code())
            .bind(entry.organisation.trim())
            .bind(joined(&entry.specialisms, Specialism::code))
            .bind(joined(&entry.phases, Phase::code))
            .bind(entry.approval.code())
            .bind(entry.approval_review_on)
            .bind(entry.day_rate.0)
            .bind(entry.location.map(|at| i64::from(at.easting)))
            .bind(entry.location.map(|at| i64::from(at.northing)))
            .bind(id)
            .execute(&mut *transaction)
            .await?;
            if changed.rows_affected() == 0 {
                return Ok(None);
            }
            (id, "Entry changed")
        }
    };
    let described = format!(
        "{change}: {}, approval {} (review {}), day rate {}",
        entry.kind.label(),
        entry.approval.label().to_lowercase(),
        entry.approval_review_on,
        entry.day_rate
    );
    query("INSERT INTO provider_changes (provider_id, changed_by, changed_at, change) VALUES (?, ?, ?, ?)")
        .bind(id)
        .bind(by)
        .bind(at)
        .bind(described)
        .execute(&mut *transaction)
        .await?;
    transaction.commit().await?;
    Ok(Some(id))
}

/// A provider's history, newest first: who changed the entry, when, and to what.
pub(super) async fn provider_changes(pool: &Pool, id: i64) -> Result<Vec<(String, DateTime<Utc>, String)>, StoreError> {
    let rows =
        query("SELECT changed_by, changed_at, change FROM provider_changes WHERE provider_id = ? ORDER BY id DESC")
            .bind(id)
            .fetch_all(pool)
            .await?;
    rows.iter()
        .map(|row| {
            Ok((
                row.try_get("changed_by")?,
                row.try_get("changed_at")?,
                row.try_get("change")?,
            ))
        })
        .collect()
}

/// Writes support commissioned for a case, as it stands.
pub(super) async fn insert_support(
    transaction: &mut Transaction<'_, Db>,
    case_id: i64,
    support: &Support,
) -> Result<u64, StoreError> {
    let evaluation = support.evaluation.as_ref();
    let written = query(
        "INSERT INTO support (case_id, kind, provider, provider_id, purpose, commissioned_on, days_allocated, days_used,
             cost_pence, funding, objective_id, evaluation, evaluation_evidence, evaluated_on)
         SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?
         WHERE ? IS NULL OR EXISTS (SELECT 1 FROM plan_priorities WHERE id = ? AND case_id = ?)",
    )
    .bind(case_id)
    .bind(support.kind.code())
    .bind(&support.provider)
    .bind(support.provider_id)
    .bind(&support.purpose)
    .bind(support.commissioned_on)
    .bind(support.days_allocated)
    .bind(support.days_used)
    .bind(support.cost.map(|cost| cost.0))
    .bind(support.funding.map(|funding| funding.code()))
    .bind(support.objective)
    .bind(evaluation.map(|evaluation| evaluation.outcome.code()))
    .bind(evaluation.map(|evaluation| evaluation.evidence.as_str()))
    .bind(evaluation.map(|evaluation| evaluation.evaluated_on))
    .bind(support.objective)
    .bind(support.objective)
    .bind(case_id)
    .execute(&mut **transaction)
    .await?;
    Ok(written.rows_affected())
}

/// Records a commission's evaluation; the rows written, none where it is not the case's.
pub(super) async fn evaluate(
    transaction: &mut Transaction<'_, Db>,
    case_id: i64,
    support: i64,
    evaluation: &Evaluation,
) -> Result<u64, StoreError> {
    let written = query(
        "UPDATE support SET evaluation = ?, evaluation_evidence = ?, evaluated_on = ? WHERE id = ? AND case_id = ?",
    )
    .bind(evaluation.outcome.code())
    .bind(&evaluation.evidence)
    .bind(evaluation.evaluated_on)
    .bind(support)
    .bind(case_id)
    .execute(&mut **transaction)
    .await?;
    Ok(written.rows_affected())
}

const SUPPORT_COLUMNS: &str = "id, case_id, kind, provider, provider_id, purpose, commissioned_on, days_allocated,
    days_used, cost_pence, funding, objective_id, evaluation, evaluation_evidence, evaluated_on";

fn support_row(row: &DbRow) -> Result<Support, StoreError> {
    let evaluation = match optional_coded(row, "support", "evaluation")? {
        Some(outcome) => Some(Evaluation {
            outcome,
            evidence: row
                .try_get::<Option<String>, _>("evaluation_evidence")?
                .unwrap_or_default(),
            evaluated_on: row
                .try_get::<Option<chrono::NaiveDate>, _>("evaluated_on")?
                .ok_or_else(|| unreadable("support", "evaluated_on", "an evaluation with no date"))?,
        }),
        None => None,
    };
    Ok(Support {
        id: row.try_get("id")?,
        kind: coded(row, "support", "kind")?,
        provider: row.try_get("provider")?,
        provider_id: row.try_get("provider_id")?,
        purpose: row.try_get("purpose")?,
        commissioned_on: row.try_get("commissioned_on")?,
        days_allocated: row.try_get("days_allocated")?,
        days_used: row.try_get("days_used")?,
        cost: row.try_get::<Option<i64>, _>("cost_pence")?.map(Pence),
        funding: optional_coded(row, "support", "funding")?,
        objective: row.try_get("objective_id")?,
        evaluation,
    })
}

/// The support commissioned for a case, in the order commissioned.
pub(super) async fn of_case(pool: &Pool, case_id: i64) -> Result<Vec<Support>, StoreError> {
    let rows = query(Dynamic(format!(
        "SELECT {SUPPORT_COLUMNS} FROM support WHERE case_id = ? ORDER BY id"
    )))
    .bind(case_id)
    .fetch_all(pool)
    .await?;
    rows.iter().map(support_row).collect()
}

/// All support held, by the id of its case, in the order commissioned.
pub(super) async fn all(pool: &Pool) -> Result<Vec<(i64, Support)>, StoreError> {
    let rows = query(Dynamic(format!("SELECT {SUPPORT_COLUMNS} FROM support ORDER BY id")))
        .fetch_all(pool)
        .await?;
    rows.iter()
        .map(|row| Ok((row.try_get("case_id")?, support_row(row)?)))
        .collect()
}
