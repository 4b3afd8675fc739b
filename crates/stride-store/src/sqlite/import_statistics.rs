//! Writing an Explore Education Statistics data set: its figures gathered back into the rows
//! they were published in, staged, and compared with what is held row by row. A row a later file
//! of the same release changes is kept in `superseded_statistics_rows` before it is replaced.

use std::fmt::Write;
use std::sync::Arc;

use sqlx::{AssertSqlSafe, Sqlite, Transaction};

use super::import_figures::{execute, scalar};
use super::overlapped::{SharedText, Statement, run_in_order};
use stride_core::Figure;
use stride_core::import::{ImportSummary, StatisticsFigure, StatisticsSet, StatisticsSubject};

use crate::StoreError;

/// One published row: where its figures sit, and the figures as a JSON object.
struct PublishedRow<'a> {
    first: &'a StatisticsFigure,
    figures: String,
    count: usize,
}

/// The figures of one row are consecutive, as the readers push them.
fn same_row(left: &StatisticsFigure, right: &StatisticsFigure) -> bool {
    left.subject == right.subject
        && left.time_period == right.time_period
        && left.time_identifier == right.time_identifier
        && left.filters == right.filters
        && left.release == right.release
}

fn rows(figures: &[StatisticsFigure]) -> Vec<PublishedRow<'_>> {
    figures
        .chunk_by(same_row)
        .map(|row| PublishedRow {
            first: &row[0],
            figures: figures_json(row),
            count: row.len(),
        })
        .collect()
}

/// `{"indicator":12.5,"other":"suppressed"}`: a value as a JSON number, a missing one as its
/// reason's code.
fn figures_json(row: &[StatisticsFigure]) -> String {
    let mut json = String::from("{");
    for (position, figure) in row.iter().enumerate() {
        if position > 0 {
            json.push(',');
        }
        json_string(&mut json, &figure.indicator);
        json.push(':');
        match figure.figure {
            Figure::Value(value) => json_number(&mut json, value),
            Figure::Missing(reason) => json_string(&mut json, reason.code()),
        }
    }
    json.push('}');
    json
}

/// A value as Rust writes a float, without an exponent (values were read as finite numbers);
/// most published values are whole counts, written as integers, which is quicker and the same.
fn json_number(json: &mut String, value: f64) {
    const EXACT_INTEGERS: f64 = 9_007_199_254_740_992.0;
    if value.fract() == 0.0 && value.abs() < EXACT_INTEGERS && !(value == 0.0 && value.is_sign_negative()) {
        // Writing into a String cannot fail.
        let _ = write!(json, "{}", value as i64);
    } else {
        let _ = write!(json, "{value}");
    }
}

fn json_string(json: &mut String, text: &str) {
    json.push('"');
    // Indicator names and reason codes almost never need escaping: copied whole, they are quicker.
    if !text.bytes().any(|byte| byte == b'"' || byte == b'\\' || byte < 0x20) {
        json.push_str(text);
        json.push('"');
        return;
    }
    for character in text.chars() {
        match character {
            '"' => json.push_str("\\\""),
            '\\' => json.push_str("\\\\"),
            control if u32::from(control) < 0x20 => json.push_str(&format!("\\u{:04x}", u32::from(control))),
            other => json.push(other),
        }
    }
    json.push('"');
}

const ROWS_PER_STATEMENT: usize = 300;
const KEY: &str = "data_set, subject_kind, subject_code, time_period, time_identifier, filters";
const SAME_ROW: &str = "held.data_set = incoming.data_set AND held.subject_kind = incoming.subject_kind
    AND held.subject_code = incoming.subject_code AND held.time_period = incoming.time_period
    AND held.time_identifier = incoming.time_identifier AND held.filters = incoming.filters";

pub(super) async fn statistics(
    transaction: &mut Transaction<'_, Sqlite>,
    set: &StatisticsSet,
    import_id: i64,
    told: &(dyn Fn(usize) + Send + Sync),
) -> Result<ImportSummary, StoreError> {
    let mut published = rows(&set.figures);
    let schools_not_held = schools_not_held(transaction, &published).await?;
    let held_before: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM statistics_rows WHERE data_set = ?)")
        .bind(&set.data_set)
        .fetch_one(&mut **transaction)
        .await?;
    let summary = if held_before {
        stage(transaction, &set.data_set, &mut published, told).await?;
        merge(transaction, set.figures.len(), import_id).await?
    } else {
        // A data set met for the first time has nothing to compare with: its rows go straight
        // in, in the table's key order, so that each lands at the end of the table.
        published.sort_by_cached_key(|row| {
            let first = row.first;
            (
                first.subject.kind_code(),
                first.subject.code(),
                first.time_period.clone(),
                first.time_identifier.clone(),
                first.filters.clone(),
                first.release.code(),
            )
        });
        let (into, mut shared) = (Destination::Held { import_id }, SharedText::default());
        run_in_order(
            transaction,
            published.chunks_mut(ROWS_PER_STATEMENT),
            |batch| statement(&into, &set.data_set, batch, &mut shared),
            told,
        )
        .await?;
        ImportSummary::compared(set.figures.len(), 0, 0, 0)
    };
    super::import_figures::figures(transaction, &set.measures, import_id, &|_| {}).await?;
    Ok(ImportSummary {
        schools_not_held,
        ..summary
    })
}

/// The schools, by URN, that rows name and Stride does not hold.
async fn schools_not_held(
    transaction: &mut Transaction<'_, Sqlite>,
    published: &[PublishedRow<'_>],
) -> Result<usize, StoreError> {
    let urns = published.iter().filter_map(|row| match row.first.subject {
        StatisticsSubject::School(urn) => Some(urn),
        _ => None,
    });
    super::import_figures::schools_not_held(transaction, urns).await
}

async fn stage(
    transaction: &mut Transaction<'_, Sqlite>,
    data_set: &str,
    published: &mut [PublishedRow<'_>],
    told: &(dyn Fn(usize) + Send + Sync),
) -> Result<(), StoreError> {
    execute(
        transaction,
        "CREATE TEMP TABLE IF NOT EXISTS incoming_statistics_rows (data_set TEXT, subject_kind TEXT,
             subject_code TEXT, time_period TEXT, time_identifier TEXT, academic_year INTEGER, filters TEXT,
             release TEXT, figures TEXT, figure_count INTEGER)"
            .to_owned(),
    )
    .await?;
    execute(transaction, "DELETE FROM incoming_statistics_rows".to_owned()).await?;
    let mut shared = SharedText::default();
    run_in_order(
        transaction,
        published.chunks_mut(ROWS_PER_STATEMENT),
        |batch| statement(&Destination::Staging, data_set, batch, &mut shared),
        told,
    )
    .await
}

/// Where published rows are written: staged to be compared with those held, or held.
enum Destination {
    Staging,
    Held { import_id: i64 },
}

/// The statement that writes a batch of rows, with the number of figures they hold.
fn statement(
    into: &Destination,
    data_set: &str,
    batch: &mut [PublishedRow<'_>],
    shared: &mut SharedText,
) -> (Statement, usize) {
    let (table, last_column, conflict) = match into {
        Destination::Staging => ("incoming_statistics_rows", "figure_count", String::new()),
        // A row a file states twice is held as its last statement.
        Destination::Held { .. } => (
            "statistics_rows",
            "import_id",
            format!("ON CONFLICT ({KEY}, release) DO UPDATE SET figures = excluded.figures"),
        ),
    };
    let sql = format!(
        "INSERT INTO {table} ({KEY}, academic_year, release, figures, {last_column}) VALUES {} {conflict}",
        super::write::placeholders(batch.len(), 10)
    );
    // The SQL is made only of constant text and placeholders; values are bound.
    let mut query = sqlx::query(AssertSqlSafe(sql));
    let data_set = shared.of(data_set);
    for row in batch.iter_mut() {
        let first = row.first;
        query = query
            .bind(Arc::clone(&data_set))
            .bind(shared.of(first.subject.kind_code()))
            .bind(shared.of(&first.subject.code()))
            .bind(first.time_period.clone())
            .bind(first.time_identifier.clone())
            .bind(first.filters.clone())
            .bind(first.year.map(|year| year.start_year()))
            .bind(shared.of(first.release.code()))
            // Each row is written once, so its figures move into the statement.
            .bind(std::mem::take(&mut row.figures))
            .bind(match into {
                Destination::Held { import_id } => *import_id,
                Destination::Staging => row.count as i64,
            });
    }
    (query, batch.iter().map(|row| row.count).sum())
}

/// The figures in staged rows that meet a held row of the same release on `condition`.
fn figures_where(condition: &str) -> String {
    format!(
        "SELECT SUM(incoming.figure_count) FROM incoming_statistics_rows incoming
         JOIN statistics_rows held ON {SAME_ROW} AND held.release = incoming.release WHERE {condition}"
    )
}

async fn merge(
    transaction: &mut Transaction<'_, Sqlite>,
    incoming: usize,
    import_id: i64,
) -> Result<ImportSummary, StoreError> {
    let unchanged = scalar(transaction, figures_where("held.figures = incoming.figures")).await?;
    if unchanged == incoming {
        return Ok(ImportSummary::compared(incoming, unchanged, 0, 0));
    }
    let changed = scalar(transaction, figures_where("held.figures <> incoming.figures")).await?;
    let superseded_earlier_release = scalar(
        transaction,
        format!(
            "SELECT SUM(incoming.figure_count) FROM incoming_statistics_rows incoming
             WHERE EXISTS (SELECT 1 FROM statistics_rows held WHERE {SAME_ROW}
                           AND (CASE held.release WHEN 'provisional' THEN 1 WHEN 'revised' THEN 2 ELSE 3 END)
                             < (CASE incoming.release WHEN 'provisional' THEN 1 WHEN 'revised' THEN 2 ELSE 3 END))
               AND NOT EXISTS (SELECT 1 FROM statistics_rows held WHERE {SAME_ROW} AND held.release = incoming.release)"
        ),
    )
    .await?;
    execute(
        transaction,
        format!(
            "INSERT INTO superseded_statistics_rows ({KEY}, release, figures, import_id, superseded_by_import_id)
             SELECT held.data_set, held.subject_kind, held.subject_code, held.time_period, held.time_identifier,
                    held.filters, held.release, held.figures, held.import_id, {import_id}
             FROM incoming_statistics_rows incoming
             JOIN statistics_rows held ON {SAME_ROW} AND held.release = incoming.release
             WHERE held.figures <> incoming.figures"
        ),
    )
    .await?;
    write(transaction, import_id).await?;
    Ok(ImportSummary::compared(
        incoming,
        unchanged,
        changed,
        superseded_earlier_release,
    ))
}

/// Writes the staged rows in key order, replacing a held row of the same release that differs.
async fn write(transaction: &mut Transaction<'_, Sqlite>, import_id: i64) -> Result<(), StoreError> {
    sqlx::query(AssertSqlSafe(format!(
        "INSERT INTO statistics_rows ({KEY}, academic_year, release, figures, import_id)
         SELECT {KEY}, academic_year, release, figures, ? FROM incoming_statistics_rows WHERE true
         ORDER BY {KEY}, release
         ON CONFLICT ({KEY}, release) DO UPDATE SET figures = excluded.figures,
             academic_year = excluded.academic_year, import_id = excluded.import_id
         WHERE statistics_rows.figures <> excluded.figures"
    )))
    .bind(import_id)
    .execute(&mut **transaction)
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use stride_core::import::StatisticsSubject;
    use stride_core::{Area, MissingReason, Release};

    use super::*;

    fn figure(indicator: &str, filters: &str, figure: Figure) -> StatisticsFigure {
        StatisticsFigure {
            subject: StatisticsSubject::Area(Area::England),
            time_period: Arc::from("201617"),
            time_identifier: Arc::from("Academic year"),
            year: None,
            filters: Arc::from(filters),
            indicator: Arc::from(indicator),
            release: Release::Final,
            figure,
        }
    }

    #[test]
    fn a_rows_figures_are_one_json_object_with_values_as_numbers_and_reasons_as_codes() {
        let figures = [
            figure("perm_excl", "school_type: Total", Figure::Value(12.0)),
            figure("perm \"excl\" rate", "school_type: Total", Figure::Value(0.03)),
            figure(
                "fixed_excl",
                "school_type: Total",
                Figure::Missing(MissingReason::Suppressed),
            ),
            figure("perm_excl", "school_type: Special", Figure::Value(1.5)),
        ];
        let rows = rows(&figures);
        assert_eq!(rows.len(), 2);
        assert_eq!(
            rows[0].figures,
            r#"{"perm_excl":12,"perm \"excl\" rate":0.03,"fixed_excl":"suppressed"}"#
        );
        assert_eq!((rows[0].count, rows[1].count), (3, 1));
    }
}
