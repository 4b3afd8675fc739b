//! Writing a whole local authority in one transaction.

use std::borrow::Borrow;

use super::engine::{self, Db, Pool};
use super::{Dynamic, query, query_scalar};
use sqlx::Transaction;
use stride_core::{
    AreaFigure, Dataset, Establishment, Figure, Governance, Inspection, IntelligenceItem, LocalAuthority, SchoolFigure,
};

use super::overlapped::{SharedText, Statement, run_in_order};
use crate::{NewAccount, StoreError};

pub(super) async fn dataset(pool: &Pool, dataset: &Dataset, accounts: &[NewAccount]) -> Result<(), StoreError> {
    let mut transaction = engine::begin_writing(pool).await?;
    if let Some(local_authority) = &dataset.local_authority {
        local_authority_row(&mut transaction, local_authority).await?;
    }
    for locality in &dataset.localities {
        query("INSERT INTO localities (id, name) VALUES (?, ?)")
            .bind(locality.id)
            .bind(&locality.name)
            .execute(&mut *transaction)
            .await?;
    }
    for trust in &dataset.trusts {
        query("INSERT INTO trusts (id, name) VALUES (?, ?)")
            .bind(trust.id)
            .bind(&trust.name)
            .execute(&mut *transaction)
            .await?;
    }
    for establishment in &dataset.establishments {
        establishment_row(&mut transaction, establishment).await?;
    }
    let (nothing_told, mut shared) = (|_| {}, SharedText::default());
    run_in_order(
        &mut transaction,
        dataset.school_figures.chunks(ROWS_PER_STATEMENT),
        |batch| school_figure_rows("school_figures", batch, None, "", &mut shared),
        &nothing_told,
    )
    .await?;
    run_in_order(
        &mut transaction,
        dataset.area_figures().chunks(ROWS_PER_STATEMENT),
        |batch| area_figure_rows("area_figures", batch, None, "", &mut shared),
        &nothing_told,
    )
    .await?;
    for inspection in &dataset.inspections {
        inspection_rows(&mut transaction, inspection, None).await?;
    }
    for item in &dataset.intelligence {
        intelligence_row(&mut transaction, item).await?;
    }
    let written_at = chrono::Utc::now();
    for provider in &dataset.providers {
        super::support::insert_provider(&mut transaction, Some(provider.id), &provider.entry()).await?;
    }
    for numbered in ["localities", "trusts", "providers"] {
        engine::number_on_from_held(&mut transaction, numbered).await?;
    }
    let mut case_ids = Vec::with_capacity(dataset.cases.len());
    for case in &dataset.cases {
        let id = super::intervention::insert_case(
            &mut transaction,
            case.urn,
            case.opened_on,
            case.plan_agreed_on,
            &case.steps,
            written_at,
        )
        .await?;
        case_ids.push(id);
    }
    for (case_index, support) in &dataset.support {
        let Some(case_id) = case_ids.get(*case_index) else {
            continue;
        };
        super::support::insert_support(&mut transaction, *case_id, support).await?;
    }
    for activity in &dataset.activities {
        super::intervention::record_activity(&mut *transaction, activity).await?;
    }
    super::action_plans::write_action_plans(
        &mut transaction,
        &dataset.action_plans,
        "Stride (generated)",
        written_at,
    )
    .await?;
    let mut account_ids = std::collections::HashMap::new();
    for account in accounts {
        let id = super::accounts::insert_account(&mut transaction, account).await?;
        account_ids.insert(account.username.as_str(), id);
    }
    super::pupils::census(&mut transaction, &dataset.pupils, None).await?;
    super::pupils::marks(&mut transaction, &dataset.attendance, None).await?;
    super::pupils::summaries(&mut transaction, &dataset.attendance_summaries, None).await?;
    let caseloads: Vec<(stride_core::pupils::Upn, i64)> = dataset
        .caseloads
        .iter()
        .filter_map(|(upn, username)| account_ids.get(username.as_str()).map(|id| (upn.clone(), *id)))
        .collect();
    let since = dataset
        .pupils
        .iter()
        .map(|pupil| pupil.census.census_date)
        .max()
        .unwrap_or_default();
    super::pupils::assign_caseload(&mut transaction, &caseloads, since).await?;
    super::pupils::write_episodes(&mut transaction, &dataset.episodes, written_at).await?;
    transaction.commit().await?;
    Ok(())
}

async fn local_authority_row(
    transaction: &mut Transaction<'_, Db>,
    local_authority: &LocalAuthority,
) -> Result<(), StoreError> {
    query(
        "INSERT INTO local_authority (id, la_code, name, region) VALUES (1, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET la_code = excluded.la_code, name = excluded.name, region = excluded.region",
    )
    .bind(i64::from(local_authority.code.get()))
    .bind(&local_authority.name)
    .bind(&local_authority.region)
    .execute(&mut **transaction)
    .await?;
    query(
        "INSERT INTO local_authorities (la_code, name, region) VALUES (?, ?, ?)
         ON CONFLICT (la_code) DO UPDATE SET name = excluded.name, region = excluded.region",
    )
    .bind(i64::from(local_authority.code.get()))
    .bind(&local_authority.name)
    .bind(&local_authority.region)
    .execute(&mut **transaction)
    .await?;
    Ok(())
}

async fn establishment_row(
    transaction: &mut Transaction<'_, Db>,
    establishment: &Establishment,
) -> Result<(), StoreError> {
    let trust_id = match &establishment.governance {
        Governance::Academy { trust: Some(trust) } => Some(trust.id),
        _ => None,
    };
    query(
        "INSERT INTO establishments (urn, la_code, establishment_number, name, establishment_type, phase,
             status, opened_on, closed_on, statutory_low_age, statutory_high_age, locality_id, is_academy,
             trust_id, diocese, easting, northing)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(i64::from(establishment.urn.get()))
    .bind(i64::from(establishment.la.get()))
    .bind(
        establishment
            .dfe_number
            .map(|number| i64::from(number.establishment_number())),
    )
    .bind(&establishment.name)
    .bind(establishment.establishment_type.code())
    .bind(establishment.phase.code())
    .bind(establishment.status.code())
    .bind(establishment.opened_on)
    .bind(establishment.closed_on)
    .bind(establishment.statutory_low_age.map(i64::from))
    .bind(establishment.statutory_high_age.map(i64::from))
    .bind(establishment.locality.as_ref().map(|locality| locality.id))
    .bind(matches!(establishment.governance, Governance::Academy { .. }))
    .bind(trust_id)
    .bind(&establishment.diocese)
    .bind(establishment.location.map(|at| i64::from(at.easting)))
    .bind(establishment.location.map(|at| i64::from(at.northing)))
    .execute(&mut **transaction)
    .await?;
    for leader in &establishment.leaders {
        query("INSERT INTO leaders (urn, role, name, since) VALUES (?, ?, ?, ?)")
            .bind(i64::from(establishment.urn.get()))
            .bind(leader.role.code())
            .bind(&leader.name)
            .bind(leader.since)
            .execute(&mut **transaction)
            .await?;
    }
    Ok(())
}

pub(super) fn value_and_reason(figure: Figure) -> (Option<f64>, Option<&'static str>) {
    match figure {
        Figure::Value(value) => (Some(value), None),
        Figure::Missing(reason) => (None, Some(reason.code())),
    }
}

/// Figures are written several hundred to a statement: one statement per row costs more in
/// round trips to SQLite's thread than in writing.
pub(super) const ROWS_PER_STATEMENT: usize = 400;

pub(super) fn placeholders(rows: usize, columns: usize) -> String {
    let row = format!("({})", vec!["?"; columns].join(", "));
    vec![row; rows].join(", ")
}

/// Writes figures into `table`: the figures themselves, or the staging table an import compares
/// them from. `table` is one of this crate's constant names, and `then` (an `ON CONFLICT`
/// clause, or nothing) is made of them.
pub(super) fn school_figure_rows<F: Borrow<SchoolFigure>>(
    table: &'static str,
    figures: &[F],
    import_id: Option<i64>,
    then: &str,
    shared: &mut SharedText,
) -> (Statement, usize) {
    let sql = format!(
        "INSERT INTO {table} (urn, measure, academic_year, pupil_group, release, value, missing_reason, cohort, source,
             import_id)
         VALUES {} {then}",
        placeholders(figures.len(), 10)
    );
    // The SQL is made only of constant text and placeholders; values are bound.
    let mut query = query(Dynamic(sql));
    for figure in figures {
        let figure = figure.borrow();
        let (value, missing_reason) = value_and_reason(figure.figure);
        query = query
            .bind(i64::from(figure.urn.get()))
            .bind(shared.of(figure.measure.code()))
            .bind(figure.year.start_year())
            .bind(shared.of(figure.group.code()))
            .bind(shared.of(figure.release.code()))
            .bind(value)
            .bind(missing_reason.map(|reason| shared.of(reason)))
            .bind(figure.cohort.map(i64::from))
            .bind(shared.of(&figure.source))
            .bind(import_id);
    }
    (query, figures.len())
}

/// Writes area figures into `table`, as [`school_figure_rows`] does.
pub(super) fn area_figure_rows<F: Borrow<AreaFigure>>(
    table: &'static str,
    figures: &[F],
    import_id: Option<i64>,
    then: &str,
    shared: &mut SharedText,
) -> (Statement, usize) {
    let sql = format!(
        "INSERT INTO {table} (area_kind, area_code, phase_group, measure, academic_year, pupil_group, release, value,
             missing_reason, cohort, source, import_id)
         VALUES {} {then}",
        placeholders(figures.len(), 12)
    );
    // The SQL is made only of constant text and placeholders; values are bound.
    let mut query = query(Dynamic(sql));
    for figure in figures {
        let figure = figure.borrow();
        let (value, missing_reason) = value_and_reason(figure.figure);
        query = query
            .bind(shared.of(figure.area.kind_code()))
            .bind(shared.of(&figure.area.code()))
            .bind(shared.of(figure.phase_group.code()))
            .bind(shared.of(figure.measure.code()))
            .bind(figure.year.start_year())
            .bind(shared.of(figure.group.code()))
            .bind(shared.of(figure.release.code()))
            .bind(value)
            .bind(missing_reason.map(|reason| shared.of(reason)))
            .bind(figure.cohort.map(i64::from))
            .bind(shared.of(&figure.source))
            .bind(import_id);
    }
    (query, figures.len())
}

/// Writes an inspection and its judgements; `import_id` names the file it came from, if any.
pub(super) async fn inspection_rows(
    transaction: &mut Transaction<'_, Db>,
    inspection: &Inspection,
    import_id: Option<i64>,
) -> Result<(), StoreError> {
    let inserted = query_scalar::<i64>(
        "INSERT INTO inspections (urn, framework, kind, started_on, published_on, ungraded_outcome, category_of_concern,
             import_id)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(i64::from(inspection.urn.get()))
    .bind(inspection.framework.code())
    .bind(inspection.kind.code())
    .bind(inspection.started_on)
    .bind(inspection.published_on)
    .bind(inspection.ungraded_outcome.map(|outcome| outcome.code()))
    .bind(inspection.category_of_concern.map(|category| category.code()))
    .bind(import_id)
    .fetch_one(&mut **transaction)
    .await?;
    let inspection_id = inserted;
    for judgement in &inspection.judgements {
        query("INSERT INTO judgements (inspection_id, area, grade) VALUES (?, ?, ?)")
            .bind(inspection_id)
            .bind(judgement.area.code())
            .bind(judgement.grade.code())
            .execute(&mut **transaction)
            .await?;
    }
    Ok(())
}

async fn intelligence_row(transaction: &mut Transaction<'_, Db>, item: &IntelligenceItem) -> Result<(), StoreError> {
    query("INSERT INTO intelligence (urn, kind, recorded_on, summary, recorded_by) VALUES (?, ?, ?, ?, ?)")
        .bind(i64::from(item.urn.get()))
        .bind(item.kind.code())
        .bind(item.recorded_on)
        .bind(&item.summary)
        .bind(&item.recorded_by)
        .execute(&mut **transaction)
        .await?;
    Ok(())
}
