//! Writing an imported file: establishments upserted one by one, links in batches, and the file
//! recorded, all in one transaction that a dry run rolls back.

use std::collections::HashSet;

use super::engine::{self, Db, Pool};
use super::{Dynamic, query, query_as, query_scalar};
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{Row, Transaction};
use stride_core::import::{EstablishmentLink, EstablishmentRecord, ImportContent, ImportSummary, ImportedFile};

use crate::StoreError;

pub(super) async fn import(
    pool: &Pool,
    file: &ImportedFile,
    content: &ImportContent,
    dry_run: bool,
) -> Result<ImportSummary, StoreError> {
    let mut transaction = engine::begin_writing(pool).await?;
    let summary = import_in(&mut transaction, file, content, &|_, _| {}).await?;
    finish(transaction, dry_run).await?;
    Ok(summary)
}

/// Writes a batch of files in one transaction as the reader hands them on, so that the writing
/// of the first overlaps the reading of the last, and the batch is written whole or not at all.
pub(super) async fn import_batch(
    pool: &Pool,
    files: &mut tokio::sync::mpsc::Receiver<crate::BatchFile>,
    dry_run: bool,
    told: crate::BatchTold<'_>,
) -> Result<Vec<ImportSummary>, StoreError> {
    let mut transaction = engine::begin_writing(pool).await?;
    // One batch at a time, as SQLite has it anyway: two at once would each number the texts they
    // find new, and the second to commit would find them taken.
    engine::one_writer_at_a_time(&mut transaction, "imports").await?;
    let mut summaries = Vec::new();
    while let Some(handed_on) = files.recv().await {
        let crate::BatchFile::Read(file, content) = handed_on else {
            // Dropping the transaction rolls back what the batch wrote so far.
            return Err(StoreError::Refused(
                "a file of the batch was refused, so none of it was written".to_owned(),
            ));
        };
        told(crate::BatchWriting::Started { file: &file });
        let progress = |written, of| told(crate::BatchWriting::Records { written, of });
        let summary = import_in(&mut transaction, &file, &content, &progress).await?;
        told(crate::BatchWriting::Written {
            file: &file,
            summary: &summary,
        });
        summaries.push(summary);
        // A national file's millions of records take a while to free: not on the writer's time.
        tokio::task::spawn_blocking(move || drop(content));
    }
    finish(transaction, dry_run).await?;
    Ok(summaries)
}

async fn finish(transaction: Transaction<'_, Db>, dry_run: bool) -> Result<(), StoreError> {
    if dry_run {
        transaction.rollback().await?;
    } else {
        transaction.commit().await?;
    }
    Ok(())
}

/// Writes one file's records in the transaction.
async fn import_in(
    transaction: &mut Transaction<'_, Db>,
    file: &ImportedFile,
    content: &ImportContent,
    progress: crate::Progress<'_>,
) -> Result<ImportSummary, StoreError> {
    let total = content.records();
    let told = |written: usize| progress(written, total);
    let previously_imported_at: Option<DateTime<Utc>> =
        query_scalar("SELECT MAX(imported_at) FROM imports WHERE sha256 = ?")
            .bind(&file.sha256)
            .fetch_one(&mut **transaction)
            .await?;
    // The file is recorded first, so that every figure it writes can name it.
    let import_id = record_import(transaction, file).await?;
    let mut summary = match content {
        ImportContent::Establishments(records) => establishments(transaction, records).await?,
        ImportContent::SchoolInformation(records) => school_information(transaction, records).await?,
        ImportContent::Links(links) => establishment_links(transaction, links).await?,
        ImportContent::Figures(figures) => {
            super::import_figures::figures(transaction, figures, import_id, &told).await?
        }
        ImportContent::LocalAuthorities(records) => {
            super::import_figures::local_authorities(transaction, records, import_id).await?
        }
        ImportContent::IndicatorDictionary(definitions) => {
            super::import_figures::indicator_dictionary(transaction, definitions, import_id, previously_imported_at)
                .await?
        }
        ImportContent::StatisticalNeighbours(records) => {
            super::import_figures::statistical_neighbours(transaction, records, import_id).await?
        }
        ImportContent::Statistics(set) => {
            super::import_statistics::statistics(transaction, set, import_id, &told).await?
        }
        ImportContent::StatisticsMetadata { data_set, columns } => {
            super::import_figures::statistics_columns(transaction, data_set, columns, import_id, previously_imported_at)
                .await?
        }
        ImportContent::Inspections(inspections) => {
            super::import_inspections::inspections(transaction, inspections, import_id).await?
        }
        ImportContent::PupilCensus(records) => super::pupils::census(transaction, records, Some(import_id)).await?,
        ImportContent::AttendanceMarks(marks) => super::pupils::marks(transaction, marks, Some(import_id)).await?,
        ImportContent::AttendanceSummaries(summaries) => {
            super::pupils::summaries(transaction, summaries, Some(import_id)).await?
        }
        ImportContent::ColumnDictionary(columns) => {
            super::import_figures::column_dictionary(transaction, columns, import_id, previously_imported_at).await?
        }
    };
    told(total);
    summary.previously_imported_at = previously_imported_at;
    // A second import of the same file that changes nothing leaves no trace either.
    if previously_imported_at.is_some() && summary.added + summary.changed == 0 {
        query("DELETE FROM imports WHERE id = ?")
            .bind(import_id)
            .execute(&mut **transaction)
            .await?;
    } else {
        record_counts(transaction, import_id, &summary).await?;
    }
    Ok(summary)
}

async fn record_import(transaction: &mut Transaction<'_, Db>, file: &ImportedFile) -> Result<i64, StoreError> {
    let inserted = query_scalar::<i64>(
        "INSERT INTO imports (file_name, sha256, kind, publisher, imported_at, row_count, added, changed, unchanged,
             academic_year, release)
         VALUES (?, ?, ?, ?, ?, ?, 0, 0, 0, ?, ?) RETURNING id",
    )
    .bind(&file.name)
    .bind(&file.sha256)
    .bind(file.kind.code())
    .bind(file.kind.publisher())
    .bind(Utc::now())
    .bind(file.rows as i64)
    .bind(file.year.map(|year| year.start_year()))
    .bind(file.release.map(|release| release.code()))
    .fetch_one(&mut **transaction)
    .await?;
    Ok(inserted)
}

async fn record_counts(
    transaction: &mut Transaction<'_, Db>,
    import_id: i64,
    summary: &ImportSummary,
) -> Result<(), StoreError> {
    query("UPDATE imports SET added = ?, changed = ?, unchanged = ? WHERE id = ?")
        .bind(summary.added as i64)
        .bind(summary.changed as i64)
        .bind(summary.unchanged as i64)
        .bind(import_id)
        .execute(&mut **transaction)
        .await?;
    Ok(())
}

/// The values of an establishment's row that an import writes, to tell a change from none.
#[derive(Debug, PartialEq, sqlx::FromRow)]
struct EstablishmentColumns {
    la_code: i64,
    establishment_number: Option<i64>,
    name: String,
    establishment_type: String,
    phase: String,
    status: String,
    opened_on: Option<NaiveDate>,
    closed_on: Option<NaiveDate>,
    statutory_low_age: Option<i64>,
    statutory_high_age: Option<i64>,
    locality_id: Option<i64>,
    is_academy: bool,
    trust_id: Option<i64>,
    diocese: Option<String>,
    gias_last_changed_on: Option<NaiveDate>,
    district: Option<String>,
    easting: Option<i64>,
    northing: Option<i64>,
}

/// Finds or adds a named row (a trust, a locality) and returns its id.
async fn named_id(transaction: &mut Transaction<'_, Db>, table: &'static str, name: &str) -> Result<i64, StoreError> {
    // The table name is one of this module's constants; the name is bound.
    query(Dynamic(format!(
        "INSERT INTO {table} (name) VALUES (?) ON CONFLICT (name) DO NOTHING"
    )))
    .bind(name)
    .execute(&mut **transaction)
    .await?;
    Ok(query_scalar(Dynamic(format!("SELECT id FROM {table} WHERE name = ?")))
        .bind(name)
        .fetch_one(&mut **transaction)
        .await?)
}

async fn establishments(
    transaction: &mut Transaction<'_, Db>,
    records: &[EstablishmentRecord],
) -> Result<ImportSummary, StoreError> {
    let own_la: Option<i64> = query_scalar("SELECT la_code FROM local_authority WHERE id = 1")
        .fetch_optional(&mut **transaction)
        .await?;
    let mut summary = ImportSummary::default();
    for record in records {
        let existing: Option<EstablishmentColumns> = query_as(
            "SELECT la_code, establishment_number, name, establishment_type, phase, status, opened_on, closed_on,
                    statutory_low_age, statutory_high_age, locality_id, is_academy, trust_id, diocese,
                    gias_last_changed_on, district, easting, northing
             FROM establishments WHERE urn = ?",
        )
        .bind(i64::from(record.urn.get()))
        .fetch_optional(&mut **transaction)
        .await?;
        let incoming_changed_on = record.last_changed_on;
        if let Some(existing) = &existing
            && existing.gias_last_changed_on.is_some()
            && incoming_changed_on < existing.gias_last_changed_on
        {
            summary.older_than_held += 1;
            summary.unchanged += 1;
            continue;
        }
        let trust_id = match &record.trust {
            Some(trust) if record.establishment_type.is_academy() => {
                Some(named_id(transaction, "trusts", trust).await?)
            }
            _ => None,
        };
        // The LA's own schools take their district as a locality until the LA sets its own;
        // a locality already given is kept.
        let locality_id = match (existing.as_ref().and_then(|row| row.locality_id), &record.district) {
            (Some(kept), _) => Some(kept),
            (None, Some(district)) if own_la == Some(i64::from(record.la.get())) => {
                Some(named_id(transaction, "localities", district).await?)
            }
            _ => None,
        };
        let columns = EstablishmentColumns {
            la_code: i64::from(record.la.get()),
            establishment_number: record.dfe_number.map(|number| i64::from(number.establishment_number())),
            name: record.name.clone(),
            establishment_type: record.establishment_type.code().to_owned(),
            phase: record.phase.code().to_owned(),
            status: record.status.code().to_owned(),
            opened_on: record.opened_on,
            closed_on: record.closed_on,
            statutory_low_age: record.statutory_low_age.map(i64::from),
            statutory_high_age: record.statutory_high_age.map(i64::from),
            locality_id,
            is_academy: record.establishment_type.is_academy(),
            trust_id,
            diocese: record.diocese.clone(),
            gias_last_changed_on: incoming_changed_on,
            district: record.district.clone(),
            easting: record.location.map(|at| i64::from(at.easting)),
            northing: record.location.map(|at| i64::from(at.northing)),
        };
        match existing {
            Some(existing) if existing == columns => summary.unchanged += 1,
            Some(_) => {
                write_establishment(transaction, record, &columns, true).await?;
                summary.changed += 1;
            }
            None => {
                write_establishment(transaction, record, &columns, false).await?;
                summary.added += 1;
            }
        }
    }
    Ok(summary)
}

async fn write_establishment(
    transaction: &mut Transaction<'_, Db>,
    record: &EstablishmentRecord,
    columns: &EstablishmentColumns,
    update: bool,
) -> Result<(), StoreError> {
    let sql = if update {
        "UPDATE establishments SET la_code = ?, establishment_number = ?, name = ?, establishment_type = ?, phase = ?,
             status = ?, opened_on = ?, closed_on = ?, statutory_low_age = ?, statutory_high_age = ?, locality_id = ?,
             is_academy = ?, trust_id = ?, diocese = ?, gias_last_changed_on = ?, district = ?, easting = ?,
             northing = ?
         WHERE urn = ?"
    } else {
        "INSERT INTO establishments (la_code, establishment_number, name, establishment_type, phase, status, opened_on,
             closed_on, statutory_low_age, statutory_high_age, locality_id, is_academy, trust_id, diocese,
             gias_last_changed_on, district, easting, northing, urn)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    };
    query(sql)
        .bind(columns.la_code)
        .bind(columns.establishment_number)
        .bind(&columns.name)
        .bind(&columns.establishment_type)
        .bind(&columns.phase)
        .bind(&columns.status)
        .bind(columns.opened_on)
        .bind(columns.closed_on)
        .bind(columns.statutory_low_age)
        .bind(columns.statutory_high_age)
        .bind(columns.locality_id)
        .bind(columns.is_academy)
        .bind(columns.trust_id)
        .bind(&columns.diocese)
        .bind(columns.gias_last_changed_on)
        .bind(&columns.district)
        .bind(columns.easting)
        .bind(columns.northing)
        .bind(i64::from(record.urn.get()))
        .execute(&mut **transaction)
        .await?;
    Ok(())
}

const ESTABLISHMENTS_PER_STATEMENT: usize = 500;

/// Schools as a source below GIAS, the register, states them: each added where Stride holds no
/// school of its URN, never changing one it holds.
async fn school_information(
    transaction: &mut Transaction<'_, Db>,
    records: &[EstablishmentRecord],
) -> Result<ImportSummary, StoreError> {
    let mut added = 0u64;
    for batch in records.chunks(ESTABLISHMENTS_PER_STATEMENT) {
        let sql = format!(
            "INSERT INTO establishments (urn, la_code, establishment_number, name, establishment_type, phase, status,
                 opened_on, closed_on, statutory_low_age, statutory_high_age, is_academy)
             VALUES {} ON CONFLICT (urn) DO NOTHING",
            super::write::placeholders(batch.len(), 12)
        );
        // The SQL is made only of constant text and placeholders; values are bound.
        let mut query = query(Dynamic(sql));
        for record in batch {
            query = query
                .bind(i64::from(record.urn.get()))
                .bind(i64::from(record.la.get()))
                .bind(record.dfe_number.map(|number| i64::from(number.establishment_number())))
                .bind(&record.name)
                .bind(record.establishment_type.code())
                .bind(record.phase.code())
                .bind(record.status.code())
                .bind(record.opened_on)
                .bind(record.closed_on)
                .bind(record.statutory_low_age.map(i64::from))
                .bind(record.statutory_high_age.map(i64::from))
                .bind(record.establishment_type.is_academy());
        }
        added += query.execute(&mut **transaction).await?.rows_affected();
    }
    let added = usize::try_from(added).unwrap_or(0);
    let held_already = records.len().saturating_sub(added);
    Ok(ImportSummary {
        added,
        unchanged: held_already,
        held_already,
        ..ImportSummary::default()
    })
}

const LINKS_PER_STATEMENT: usize = 500;

async fn establishment_links(
    transaction: &mut Transaction<'_, Db>,
    links: &[EstablishmentLink],
) -> Result<ImportSummary, StoreError> {
    let count = "SELECT COUNT(*) FROM establishment_links";
    let before: i64 = query_scalar(count).fetch_one(&mut **transaction).await?;
    let mut written = 0u64;
    for batch in links.chunks(LINKS_PER_STATEMENT) {
        let rows = vec!["(?, ?, ?, ?, ?, ?)"; batch.len()].join(", ");
        // Only a link whose name or date differs is rewritten, so the count of rows written is
        // the count of links added or changed.
        let sql = format!(
            "INSERT INTO establishment_links (urn, linked_urn, link_type, kind, linked_name, established_on) VALUES {rows}
             ON CONFLICT (urn, linked_urn, link_type) DO UPDATE SET
                 kind = excluded.kind, linked_name = excluded.linked_name, established_on = excluded.established_on
             WHERE establishment_links.linked_name IS DISTINCT FROM excluded.linked_name
                OR establishment_links.established_on IS DISTINCT FROM excluded.established_on"
        );
        let mut query = query(Dynamic(sql));
        for link in batch {
            query = query
                .bind(i64::from(link.urn.get()))
                .bind(i64::from(link.linked_urn.get()))
                .bind(&link.link_type)
                .bind(link.kind.code())
                .bind(&link.linked_name)
                .bind(link.established_on);
        }
        written += query.execute(&mut **transaction).await?.rows_affected();
    }
    let after: i64 = query_scalar(count).fetch_one(&mut **transaction).await?;
    let added = usize::try_from(after - before).unwrap_or(0);
    let changed = usize::try_from(written).unwrap_or(0).saturating_sub(added);
    let held: HashSet<i64> = query("SELECT urn FROM establishments")
        .fetch_all(&mut **transaction)
        .await?
        .iter()
        .map(|row| row.try_get::<i64, _>("urn"))
        .collect::<Result<_, _>>()?;
    let not_held = links
        .iter()
        .filter(|link| !held.contains(&i64::from(link.urn.get())) || !held.contains(&i64::from(link.linked_urn.get())))
        .count();
    Ok(ImportSummary {
        added,
        changed,
        unchanged: links.len().saturating_sub(added + changed),
        links_to_establishments_not_held: not_held,
        ..ImportSummary::default()
    })
}
