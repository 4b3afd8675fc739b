//! Writing a file's figures: staged in a temporary table, then compared with what is held in a
//! few statements over the whole file, so that a national file of a hundred thousand figures is
//! one pass, not a hundred thousand round trips. A value that differs from the one held for the
//! same release is kept in `superseded_figures` before it is replaced; a figure of a later release
//! is a row of its own beside the earlier one.

use super::engine::{self, Db};
use super::{Dynamic, query, query_as, query_scalar};
use chrono::{DateTime, Utc};
use sqlx::Transaction;
use stride_core::import::{
    ColumnDescription, Figures, ImportSummary, IndicatorDefinition, LocalAuthorityRecord, NeighbourRecord,
    StatisticsColumn,
};

use std::collections::{BTreeSet, HashMap};

use stride_core::{AcademicYear, AreaFigure, Measure, PupilGroup, SchoolFigure, Urn};

use super::overlapped::{SharedText, run_in_order};
use super::write::{ROWS_PER_STATEMENT, area_figure_rows, school_figure_rows};
use crate::StoreError;

/// One of the two tables of figures, described so that the same statements serve both. Every
/// piece is constant text.
struct FigureTable {
    table: &'static str,
    staging: &'static str,
    create_staging: &'static str,
    /// The columns that say which figure a row is, release aside.
    key: &'static [&'static str],
    /// How a row of `table` (as `held`) names its subject in `superseded_figures`.
    subject: &'static str,
}

const SCHOOL_FIGURES: FigureTable = FigureTable {
    table: "school_figures",
    staging: "incoming_school_figures",
    create_staging: "CREATE TEMP TABLE IF NOT EXISTS incoming_school_figures (
        urn BIGINT, measure TEXT, academic_year BIGINT, pupil_group TEXT, release TEXT, value DOUBLE PRECISION,
        missing_reason TEXT, cohort BIGINT, source TEXT, import_id BIGINT)",
    key: &["urn", "measure", "academic_year", "pupil_group"],
    subject: "'school', CAST(held.urn AS TEXT), 'all'",
};

const AREA_FIGURES: FigureTable = FigureTable {
    table: "area_figures",
    staging: "incoming_area_figures",
    create_staging: "CREATE TEMP TABLE IF NOT EXISTS incoming_area_figures (
        area_kind TEXT, area_code TEXT, phase_group TEXT, measure TEXT, academic_year BIGINT, pupil_group TEXT,
        release TEXT, value DOUBLE PRECISION, missing_reason TEXT, cohort BIGINT, source TEXT, import_id BIGINT)",
    key: &[
        "area_kind",
        "area_code",
        "phase_group",
        "measure",
        "academic_year",
        "pupil_group",
    ],
    subject: "held.area_kind, held.area_code, held.phase_group",
};

/// Releases in order, for comparing them in SQL.
const RELEASE_RANK: &str = "CASE {}.release WHEN 'provisional' THEN 1 WHEN 'revised' THEN 2 ELSE 3 END";

fn rank(alias: &str) -> String {
    RELEASE_RANK.replace("{}", alias)
}

impl FigureTable {
    /// `held` and `incoming` are the same figure, whatever their releases.
    fn same_key(&self) -> String {
        self.key
            .iter()
            .map(|column| format!("held.{column} = incoming.{column}"))
            .collect::<Vec<_>>()
            .join(" AND ")
    }

    /// `held` and `incoming` are the same figure in the same release.
    fn same_figure(&self) -> String {
        format!("{} AND held.release = incoming.release", self.same_key())
    }

    /// How a figure a file states twice is held, written straight into the table: as its last
    /// statement, as a staged file's is.
    fn last_statement_held(&self) -> String {
        format!(
            "ON CONFLICT ({}, release) DO UPDATE SET value = excluded.value, missing_reason = excluded.missing_reason,
                 cohort = excluded.cohort, source = excluded.source, import_id = excluded.import_id",
            self.key.join(", ")
        )
    }

    fn count_where(&self, condition: &str) -> String {
        format!(
            "SELECT COUNT(*) FROM {staging} incoming JOIN {table} held ON {same} WHERE {condition}",
            staging = self.staging,
            table = self.table,
            same = self.same_figure(),
        )
    }
}

const DIFFERS: &str =
    "(held.value IS DISTINCT FROM incoming.value OR held.missing_reason IS DISTINCT FROM incoming.missing_reason
     OR held.cohort IS DISTINCT FROM incoming.cohort)";

/// A count, or a sum that is NULL over no rows, as a number of records.
pub(super) async fn scalar(transaction: &mut Transaction<'_, Db>, sql: String) -> Result<usize, StoreError> {
    // Every statement given here is made of the import modules' constant text.
    let count: Option<i64> = query_scalar(Dynamic(sql)).fetch_one(&mut **transaction).await?;
    Ok(usize::try_from(count.unwrap_or(0)).unwrap_or(0))
}

pub(super) async fn execute(transaction: &mut Transaction<'_, Db>, sql: String) -> Result<(), StoreError> {
    query(Dynamic(sql)).execute(&mut **transaction).await?;
    Ok(())
}

/// Whether any figure held shares the first column of its key with a staged one. Where none
/// does (a data set, or a school, met for the first time), there is nothing to compare.
async fn any_held_alike(transaction: &mut Transaction<'_, Db>, figures: &FigureTable) -> Result<bool, StoreError> {
    let first = figures.key[0];
    // Every statement here is made of the import modules' constant text.
    let alike: bool = query_scalar(Dynamic(format!(
        "SELECT EXISTS (SELECT 1 FROM {table} WHERE {first} IN (SELECT DISTINCT {first} FROM {staging}))",
        table = figures.table,
        staging = figures.staging,
    )))
    .fetch_one(&mut **transaction)
    .await?;
    Ok(alike)
}

/// Writes the staged figures, in key order, so that the table's index grows at its end.
async fn write_staged(transaction: &mut Transaction<'_, Db>, figures: &FigureTable) -> Result<(), StoreError> {
    let key = figures.key.join(", ");
    execute(
        transaction,
        format!(
            "INSERT INTO {table} ({key}, release, value, missing_reason, cohort, source, import_id)
             SELECT {key}, release, value, missing_reason, cohort, source, import_id FROM {staging}
             WHERE true ORDER BY {key}, release
             ON CONFLICT ({key}, release) DO UPDATE SET value = excluded.value,
                 missing_reason = excluded.missing_reason, cohort = excluded.cohort, source = excluded.source,
                 import_id = excluded.import_id
             WHERE {table}.value IS DISTINCT FROM excluded.value OR {table}.missing_reason IS DISTINCT FROM excluded.missing_reason
                OR {table}.cohort IS DISTINCT FROM excluded.cohort",
            table = figures.table,
            staging = figures.staging,
        ),
    )
    .await
}

/// Compares the staged figures with those held, keeps the values they replace, and writes them.
async fn merge(
    transaction: &mut Transaction<'_, Db>,
    figures: &FigureTable,
    incoming: usize,
    import_id: i64,
) -> Result<ImportSummary, StoreError> {
    if !any_held_alike(transaction, figures).await? {
        write_staged(transaction, figures).await?;
        return Ok(ImportSummary::compared(incoming, 0, 0, 0));
    }
    let unchanged = scalar(transaction, figures.count_where(&format!("NOT {DIFFERS}"))).await?;
    // Every figure already held as it is (the same file again, or a copy in another format):
    // nothing to supersede, nothing to write.
    if unchanged == incoming {
        return Ok(ImportSummary::compared(incoming, unchanged, 0, 0));
    }
    let changed = scalar(transaction, figures.count_where(DIFFERS)).await?;
    let superseded_earlier_release = scalar(
        transaction,
        format!(
            "SELECT COUNT(*) FROM {staging} incoming WHERE EXISTS (
                 SELECT 1 FROM {table} held WHERE {same_key} AND {held_rank} < {incoming_rank})
             AND NOT EXISTS (SELECT 1 FROM {table} held WHERE {same_figure})",
            staging = figures.staging,
            table = figures.table,
            same_key = figures.same_key(),
            same_figure = figures.same_figure(),
            held_rank = rank("held"),
            incoming_rank = rank("incoming"),
        ),
    )
    .await?;
    execute(
        transaction,
        format!(
            "INSERT INTO superseded_figures (subject_kind, subject_code, phase_group, measure, academic_year,
                 pupil_group, release, value, missing_reason, cohort, source, import_id, superseded_by_import_id)
             SELECT {subject}, held.measure, held.academic_year, held.pupil_group, held.release, held.value, held.missing_reason, held.cohort,
                    held.source, held.import_id, {import_id}
             FROM {staging} incoming JOIN {table} held ON {same} WHERE {DIFFERS}",
            subject = figures.subject,
            staging = figures.staging,
            table = figures.table,
            same = figures.same_figure(),
        ),
    )
    .await?;
    write_staged(transaction, figures).await?;
    Ok(ImportSummary::compared(
        incoming,
        unchanged,
        changed,
        superseded_earlier_release,
    ))
}

async fn stage(transaction: &mut Transaction<'_, Db>, figures: &FigureTable) -> Result<(), StoreError> {
    execute(transaction, figures.create_staging.to_owned()).await?;
    execute(transaction, format!("DELETE FROM {}", figures.staging)).await
}

pub(super) async fn figures(
    transaction: &mut Transaction<'_, Db>,
    figures: &Figures,
    import_id: i64,
    told: &(dyn Fn(usize) + Send + Sync),
) -> Result<ImportSummary, StoreError> {
    let schools_not_held = schools_not_held(transaction, figures.schools.iter().map(|figure| figure.urn)).await?;
    let school = file_figures(transaction, &figures.schools, import_id, told).await?;
    let told_after_schools = |written: usize| told(figures.schools.len() + written);
    let area = file_figures(transaction, &figures.areas, import_id, &told_after_schools).await?;
    Ok(ImportSummary {
        added: school.added + area.added,
        changed: school.changed + area.changed,
        unchanged: school.unchanged + area.unchanged,
        superseded_earlier_release: school.superseded_earlier_release + area.superseded_earlier_release,
        schools_not_held,
        ..ImportSummary::default()
    })
}

/// A school's or an area's figure, as writing a file's figures into its table needs it.
trait FileFigure: Sync {
    const TABLE: &'static FigureTable;
    type Key: Ord;
    fn measure_group_year(&self) -> (Measure, PupilGroup, AcademicYear);
    /// The figure's place in its table's key order, release last.
    fn key(&self) -> Self::Key;
    fn batch<'a>(figures: &'a [&'a Self]) -> FigureBatch<'a>;
}

enum FigureBatch<'a> {
    Schools(&'a [&'a SchoolFigure]),
    Areas(&'a [&'a AreaFigure]),
}

impl FileFigure for SchoolFigure {
    const TABLE: &'static FigureTable = &SCHOOL_FIGURES;
    type Key = (Urn, &'static str, AcademicYear, &'static str, &'static str);
    fn measure_group_year(&self) -> (Measure, PupilGroup, AcademicYear) {
        (self.measure, self.group, self.year)
    }
    fn key(&self) -> Self::Key {
        (
            self.urn,
            self.measure.code(),
            self.year,
            self.group.code(),
            self.release.code(),
        )
    }
    fn batch<'a>(figures: &'a [&'a Self]) -> FigureBatch<'a> {
        FigureBatch::Schools(figures)
    }
}

impl FileFigure for AreaFigure {
    const TABLE: &'static FigureTable = &AREA_FIGURES;
    type Key = (
        &'static str,
        String,
        &'static str,
        &'static str,
        AcademicYear,
        &'static str,
        &'static str,
    );
    fn measure_group_year(&self) -> (Measure, PupilGroup, AcademicYear) {
        (self.measure, self.group, self.year)
    }
    fn key(&self) -> Self::Key {
        (
            self.area.kind_code(),
            self.area.code(),
            self.phase_group.code(),
            self.measure.code(),
            self.year,
            self.group.code(),
            self.release.code(),
        )
    }
    fn batch<'a>(figures: &'a [&'a Self]) -> FigureBatch<'a> {
        FigureBatch::Areas(figures)
    }
}

/// Writes one table's figures of a file: staged and compared with those held, or, where none
/// held is of their measures, groups and years, straight into the table in its key order.
async fn file_figures<F: FileFigure>(
    transaction: &mut Transaction<'_, Db>,
    figures: &[F],
    import_id: i64,
    told: &(dyn Fn(usize) + Send + Sync),
) -> Result<ImportSummary, StoreError> {
    let table = F::TABLE;
    let met = figures.iter().map(FileFigure::measure_group_year).collect();
    let mut in_order: Vec<&F> = figures.iter().collect();
    let held_alike = any_held_of(transaction, table, met).await?;
    let (into, then) = if held_alike {
        stage(transaction, table).await?;
        (table.staging, String::new())
    } else {
        // Stable, so that of a figure a file states twice the last is written last.
        in_order.sort_by_cached_key(|figure| figure.key());
        (table.table, table.last_statement_held())
    };
    let mut shared = SharedText::default();
    let statement = |batch| match F::batch(batch) {
        FigureBatch::Schools(batch) => school_figure_rows(into, batch, Some(import_id), &then, &mut shared),
        FigureBatch::Areas(batch) => area_figure_rows(into, batch, Some(import_id), &then, &mut shared),
    };
    run_in_order(transaction, in_order.chunks(ROWS_PER_STATEMENT), statement, told).await?;
    if held_alike {
        merge(transaction, table, figures.len(), import_id).await
    } else {
        Ok(ImportSummary::compared(figures.len(), 0, 0, 0))
    }
}

/// The schools, by URN, that figures name and Stride does not hold.
pub(super) async fn schools_not_held(
    transaction: &mut Transaction<'_, Db>,
    urns: impl Iterator<Item = Urn>,
) -> Result<usize, StoreError> {
    let urns: BTreeSet<u32> = urns.map(Urn::get).collect();
    if urns.is_empty() {
        return Ok(0);
    }
    let list = urns.iter().map(u32::to_string).collect::<Vec<_>>().join(",");
    let count: i64 = query_scalar(Dynamic(format!(
        "SELECT COUNT(*) FROM {met} WHERE CAST(met.value AS BIGINT) NOT IN (SELECT urn FROM establishments)",
        met = engine::bound_json_scalars("met")
    )))
    .bind(format!("[{list}]"))
    .fetch_one(&mut **transaction)
    .await?;
    Ok(usize::try_from(count).unwrap_or(0))
}

/// Whether Stride holds any figure in `figures` of a measure, pupil group and year that `met`
/// names. Where it holds none (a year's national file met for the first time), a file's figures
/// have nothing to be compared with, and go straight into their table in its key order.
async fn any_held_of(
    transaction: &mut Transaction<'_, Db>,
    figures: &FigureTable,
    met: BTreeSet<(Measure, PupilGroup, AcademicYear)>,
) -> Result<bool, StoreError> {
    if met.is_empty() {
        return Ok(false);
    }
    let met: Vec<(&str, &str, i32)> = met
        .into_iter()
        .map(|(measure, group, year)| (measure.code(), group.code(), year.start_year()))
        .collect();
    let met = serde_json::to_string(&met).map_err(|error| StoreError::Unreadable {
        table: figures.table,
        column: "measure",
        detail: error.to_string(),
    })?;
    let held: bool = query_scalar(Dynamic(format!(
        "SELECT EXISTS (SELECT 1 FROM {met} JOIN {table} held
             ON held.measure = met.value ->> 0 AND held.pupil_group = met.value ->> 1
            AND held.academic_year = CAST(met.value ->> 2 AS BIGINT))",
        met = engine::bound_json_arrays("met"),
        table = figures.table
    )))
    .bind(met)
    .fetch_one(&mut **transaction)
    .await?;
    Ok(held)
}

/// A data set's columns, held as the file stated them; the same file again adds nothing.
pub(super) async fn statistics_columns(
    transaction: &mut Transaction<'_, Db>,
    data_set: &str,
    columns: &[StatisticsColumn],
    import_id: i64,
    previously_imported_at: Option<DateTime<Utc>>,
) -> Result<ImportSummary, StoreError> {
    if let Some(summary) = held_before(columns.len(), previously_imported_at) {
        return Ok(summary);
    }
    for (position, column) in columns.iter().enumerate() {
        query(
            "INSERT INTO statistics_columns (import_id, data_set, position, column_name, column_type, label, unit)
             VALUES (?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(import_id)
        .bind(data_set)
        .bind(position as i64)
        .bind(&column.name)
        .bind(column.column_type.code())
        .bind(&column.label)
        .bind(&column.unit)
        .execute(&mut **transaction)
        .await?;
    }
    Ok(ImportSummary {
        added: columns.len(),
        ..ImportSummary::default()
    })
}

/// A dictionary is held as the file stated it; the same file again adds nothing.
pub(super) async fn indicator_dictionary(
    transaction: &mut Transaction<'_, Db>,
    definitions: &[IndicatorDefinition],
    import_id: i64,
    previously_imported_at: Option<DateTime<Utc>>,
) -> Result<ImportSummary, StoreError> {
    if let Some(summary) = held_before(definitions.len(), previously_imported_at) {
        return Ok(summary);
    }
    for (position, definition) in definitions.iter().enumerate() {
        query(
            "INSERT INTO indicators (import_id, position, number, code, name, topic, polarity, year_type)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(import_id)
        .bind(position as i64)
        .bind(&definition.number)
        .bind(&definition.code)
        .bind(&definition.name)
        .bind(&definition.topic)
        .bind(definition.polarity.code())
        .bind(&definition.year_type)
        .execute(&mut **transaction)
        .await?;
    }
    Ok(ImportSummary {
        added: definitions.len(),
        ..ImportSummary::default()
    })
}

pub(super) async fn statistical_neighbours(
    transaction: &mut Transaction<'_, Db>,
    records: &[NeighbourRecord],
    import_id: i64,
) -> Result<ImportSummary, StoreError> {
    type Key = (String, i64, String, i64);
    let mut held: HashMap<Key, (i64, String)> = HashMap::new();
    let editions: BTreeSet<String> = records.iter().map(|record| record.edition.to_string()).collect();
    for edition in editions {
        let rows: Vec<(i64, String, i64, i64, String)> = query_as(
            "SELECT la_code, neighbour_set, rank, neighbour_la_code, closeness FROM statistical_neighbours
             WHERE edition = ?",
        )
        .bind(&edition)
        .fetch_all(&mut **transaction)
        .await?;
        for (la, set, rank, neighbour, closeness) in rows {
            held.insert((edition.clone(), la, set, rank), (neighbour, closeness));
        }
    }
    let (summary, to_write) = compared(records, |record| {
        let key = (
            record.edition.to_string(),
            i64::from(record.la.get()),
            record.set.code().to_owned(),
            i64::from(record.rank),
        );
        let incoming = (i64::from(record.neighbour.get()), record.closeness.clone());
        held.insert(key, incoming.clone()).map(|before| before == incoming)
    });
    let statement = |batch: &[&NeighbourRecord]| {
        let sql = format!(
            "INSERT INTO statistical_neighbours (edition, la_code, neighbour_set, rank, neighbour_la_code, closeness,
                 import_id)
             VALUES {}
             ON CONFLICT (edition, la_code, neighbour_set, rank) DO UPDATE SET neighbour_la_code = excluded.neighbour_la_code,
                 closeness = excluded.closeness, import_id = excluded.import_id",
            super::write::placeholders(batch.len(), 7)
        );
        // The SQL is made only of constant text and placeholders; values are bound.
        let mut query = query(Dynamic(sql));
        for record in batch {
            query = query
                .bind(record.edition.to_string())
                .bind(i64::from(record.la.get()))
                .bind(record.set.code())
                .bind(i64::from(record.rank))
                .bind(i64::from(record.neighbour.get()))
                .bind(record.closeness.clone())
                .bind(import_id);
        }
        (query, batch.len())
    };
    run_in_order(transaction, to_write.chunks(ROWS_PER_STATEMENT), statement, &|_| {}).await?;
    Ok(summary)
}

/// Each record compared with what is held (`held_same`: `None` if nothing is, else whether it
/// is the same), counted, and those that are new or differ kept to be written. A record is
/// compared with the one before it of the same key, where a file states one twice.
fn compared<Record>(
    records: &[Record],
    mut held_same: impl FnMut(&Record) -> Option<bool>,
) -> (ImportSummary, Vec<&Record>) {
    let (mut summary, mut to_write) = (ImportSummary::default(), Vec::new());
    for record in records {
        match held_same(record) {
            Some(true) => {
                summary.unchanged += 1;
                continue;
            }
            Some(false) => summary.changed += 1,
            None => summary.added += 1,
        }
        to_write.push(record);
    }
    (summary, to_write)
}

pub(super) async fn local_authorities(
    transaction: &mut Transaction<'_, Db>,
    records: &[LocalAuthorityRecord],
    import_id: i64,
) -> Result<ImportSummary, StoreError> {
    let rows: Vec<(i64, String, String)> = query_as("SELECT la_code, name, region FROM local_authorities")
        .fetch_all(&mut **transaction)
        .await?;
    let mut held: HashMap<i64, (String, String)> = rows
        .into_iter()
        .map(|(code, name, region)| (code, (name, region)))
        .collect();
    let (summary, to_write) = compared(records, |record| {
        let incoming = (record.name.clone(), record.region.clone());
        held.insert(i64::from(record.code.get()), incoming.clone())
            .map(|before| before == incoming)
    });
    let statement = |batch: &[&LocalAuthorityRecord]| {
        let sql = format!(
            "INSERT INTO local_authorities (la_code, name, region, import_id) VALUES {}
             ON CONFLICT (la_code) DO UPDATE SET name = excluded.name, region = excluded.region,
                 import_id = excluded.import_id",
            super::write::placeholders(batch.len(), 4)
        );
        // The SQL is made only of constant text and placeholders; values are bound.
        let mut query = query(Dynamic(sql));
        for record in batch {
            query = query
                .bind(i64::from(record.code.get()))
                .bind(record.name.clone())
                .bind(record.region.clone())
                .bind(import_id);
        }
        (query, batch.len())
    };
    run_in_order(transaction, to_write.chunks(ROWS_PER_STATEMENT), statement, &|_| {}).await?;
    Ok(summary)
}

/// A dictionary held row by row as a file stated it: the same file again is all left alone.
fn held_before(rows: usize, previously_imported_at: Option<DateTime<Utc>>) -> Option<ImportSummary> {
    previously_imported_at.map(|_| ImportSummary {
        unchanged: rows,
        ..ImportSummary::default()
    })
}

/// A dictionary is held as the file stated it; the same file again adds nothing.
pub(super) async fn column_dictionary(
    transaction: &mut Transaction<'_, Db>,
    columns: &[ColumnDescription],
    import_id: i64,
    previously_imported_at: Option<DateTime<Utc>>,
) -> Result<ImportSummary, StoreError> {
    if let Some(summary) = held_before(columns.len(), previously_imported_at) {
        return Ok(summary);
    }
    for (position, column) in columns.iter().enumerate() {
        query("INSERT INTO column_descriptions (import_id, position, column_name, description) VALUES (?, ?, ?, ?)")
            .bind(import_id)
            .bind(position as i64)
            .bind(&column.column)
            .bind(&column.description)
            .execute(&mut **transaction)
            .await?;
    }
    Ok(ImportSummary {
        added: columns.len(),
        ..ImportSummary::default()
    })
}
