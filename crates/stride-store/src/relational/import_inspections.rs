//! Writing the inspections an Ofsted file states: each is added, or rewritten where Ofsted now
//! states it differently, or left alone; inspections of schools Stride does not hold are kept.

use super::engine::Db;
use super::{query, query_scalar};
use sqlx::{Row, Transaction};
use stride_core::Inspection;
use stride_core::import::ImportSummary;

use crate::StoreError;

/// An inspection as storage holds it, to tell a change from none.
#[derive(Debug, PartialEq)]
struct HeldInspection {
    framework: String,
    published_on: chrono::NaiveDate,
    ungraded_outcome: Option<String>,
    category_of_concern: Option<String>,
    judgements: Vec<(String, String)>,
}

impl HeldInspection {
    fn of(inspection: &Inspection) -> HeldInspection {
        let mut judgements: Vec<(String, String)> = inspection
            .judgements
            .iter()
            .map(|judgement| (judgement.area.code().to_owned(), judgement.grade.code().to_owned()))
            .collect();
        judgements.sort();
        HeldInspection {
            framework: inspection.framework.code().to_owned(),
            published_on: inspection.published_on,
            ungraded_outcome: inspection.ungraded_outcome.map(|outcome| outcome.code().to_owned()),
            category_of_concern: inspection
                .category_of_concern
                .map(|category| category.code().to_owned()),
            judgements,
        }
    }
}

pub(super) async fn inspections(
    transaction: &mut Transaction<'_, Db>,
    inspections: &[Inspection],
    import_id: i64,
) -> Result<ImportSummary, StoreError> {
    let mut summary = ImportSummary::default();
    for inspection in inspections {
        match held(transaction, inspection).await? {
            None => summary.added += 1,
            Some((_, held)) if held == HeldInspection::of(inspection) => {
                summary.unchanged += 1;
                continue;
            }
            Some((id, _)) => {
                query("DELETE FROM inspections WHERE id = ?")
                    .bind(id)
                    .execute(&mut **transaction)
                    .await?;
                summary.changed += 1;
            }
        }
        super::write::inspection_rows(transaction, inspection, Some(import_id)).await?;
    }
    summary.schools_not_held = schools_not_held(transaction, inspections).await?;
    Ok(summary)
}

async fn held(
    transaction: &mut Transaction<'_, Db>,
    inspection: &Inspection,
) -> Result<Option<(i64, HeldInspection)>, StoreError> {
    let Some(row) = query(
        "SELECT id, framework, published_on, ungraded_outcome, category_of_concern FROM inspections
         WHERE urn = ? AND started_on = ? AND kind = ?",
    )
    .bind(i64::from(inspection.urn.get()))
    .bind(inspection.started_on)
    .bind(inspection.kind.code())
    .fetch_optional(&mut **transaction)
    .await?
    else {
        return Ok(None);
    };
    let id: i64 = row.try_get("id")?;
    let judgements = query("SELECT area, grade FROM judgements WHERE inspection_id = ? ORDER BY area, grade")
        .bind(id)
        .fetch_all(&mut **transaction)
        .await?
        .iter()
        .map(|judgement| Ok((judgement.try_get("area")?, judgement.try_get("grade")?)))
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    Ok(Some((
        id,
        HeldInspection {
            framework: row.try_get("framework")?,
            published_on: row.try_get("published_on")?,
            ungraded_outcome: row.try_get("ungraded_outcome")?,
            category_of_concern: row.try_get("category_of_concern")?,
            judgements,
        },
    )))
}

/// The schools the file's inspections name that Stride has met in no establishment file.
async fn schools_not_held(
    transaction: &mut Transaction<'_, Db>,
    inspections: &[Inspection],
) -> Result<usize, StoreError> {
    let mut urns: Vec<i64> = inspections
        .iter()
        .map(|inspection| i64::from(inspection.urn.get()))
        .collect();
    urns.sort_unstable();
    urns.dedup();
    let mut not_held = 0;
    for urn in urns {
        let held: bool = query_scalar("SELECT EXISTS (SELECT 1 FROM establishments WHERE urn = ?)")
            .bind(urn)
            .fetch_one(&mut **transaction)
            .await?;
        not_held += usize::from(!held);
    }
    Ok(not_held)
}
