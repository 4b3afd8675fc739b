//! Writing an Explore Education Statistics data set: its figures gathered back into the rows
//! they were published in, staged, and compared with what is held row by row. A row a later file
//! of the same release changes is kept in `superseded_statistics_rows` before it is replaced.
//! The texts every row would repeat (the data set's name, the filters, the indicators' names)
//! are held once each and named by number (migration 0030).

use std::collections::HashMap;
use std::fmt::Write;
use std::sync::Arc;

use super::engine::{self, Db};
use super::{Dynamic, query, query_as, query_scalar};
use sqlx::Transaction;

use super::import_figures::{execute, scalar};
use super::overlapped::{SharedText, Statement, run_in_order};
use stride_core::Figure;
use stride_core::import::{ImportSummary, StatisticsFigure, StatisticsSet, StatisticsSubject};

use crate::StoreError;

/// One published row: its figures, where they sit, and the list of indicators they stand in
/// (its place among the data set's `IndicatorLists`).
struct PublishedRow<'a> {
    figures: &'a [StatisticsFigure],
    first: &'a StatisticsFigure,
    /// The subject's code, one text shared by all the subject's rows.
    code: Arc<str>,
    /// The number the row's filters are held under, once they are (`Interned`).
    filters: i64,
    list: usize,
}

impl PublishedRow<'_> {
    /// The row's place in the table's key order.
    fn key(&self) -> (&'static str, &str, &str, &str, i64, &'static str) {
        let first = self.first;
        (
            first.subject.kind_code(),
            &self.code,
            &first.time_period,
            &first.time_identifier,
            self.filters,
            first.release.code(),
        )
    }
}

/// The figures of one row are consecutive, as the readers push them.
fn same_row(left: &StatisticsFigure, right: &StatisticsFigure) -> bool {
    left.subject == right.subject
        && left.time_period == right.time_period
        && left.time_identifier == right.time_identifier
        && left.filters == right.filters
        && left.release == right.release
}

/// The distinct lists of indicators a data set's rows give figures for, in the order met. A
/// tidy file has one; LAIT's long file a few, where an area lacks some indicators in a period.
#[derive(Default)]
struct IndicatorLists<'a> {
    lists: Vec<Vec<&'a str>>,
    places: HashMap<Vec<&'a str>, usize>,
}

impl<'a> IndicatorLists<'a> {
    /// The place of a row's list, met before or added. Rows mostly share the list before them.
    fn place_of(&mut self, row: &'a [StatisticsFigure]) -> usize {
        let same = |list: &[&str]| {
            list.len() == row.len() && list.iter().zip(row).all(|(name, figure)| *name == &*figure.indicator)
        };
        if let Some(last) = self.lists.len().checked_sub(1)
            && same(&self.lists[last])
        {
            return last;
        }
        let names: Vec<&'a str> = row.iter().map(|figure| &*figure.indicator).collect();
        if let Some(&place) = self.places.get(&names) {
            return place;
        }
        self.lists.push(names.clone());
        self.places.insert(names, self.lists.len() - 1);
        self.lists.len() - 1
    }

    /// Each list as held: its names as a JSON array.
    fn as_json(&self) -> Vec<String> {
        self.lists
            .iter()
            .map(|names| json_texts(names.iter().copied()))
            .collect()
    }
}

fn rows<'a>(
    figures: &'a [StatisticsFigure],
    lists: &mut IndicatorLists<'a>,
    codes: &mut SharedText,
) -> Vec<PublishedRow<'a>> {
    // A subject's rows mostly follow one another: its code is made once for them.
    let mut last: Option<(&StatisticsSubject, Arc<str>)> = None;
    figures
        .chunk_by(same_row)
        .map(|row| {
            let subject = &row[0].subject;
            let code = match &last {
                Some((held, code)) if *held == subject => Arc::clone(code),
                _ => {
                    let code = codes.of(&subject.code());
                    last = Some((subject, Arc::clone(&code)));
                    code
                }
            };
            PublishedRow {
                figures: row,
                first: &row[0],
                code,
                filters: 0,
                list: lists.place_of(row),
            }
        })
        .collect()
}

/// `[12.5,"suppressed"]`: a value as a JSON number, a missing one as its reason's code, in the
/// order of the row's indicators.
fn figures_json(row: &[StatisticsFigure]) -> String {
    let mut json = String::from("[");
    for (position, figure) in row.iter().enumerate() {
        if position > 0 {
            json.push(',');
        }
        match figure.figure {
            Figure::Value(value) => json_number(&mut json, value),
            Figure::Missing(reason) => json_string(&mut json, reason.code()),
        }
    }
    json.push(']');
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

/// `["a","b"]`: texts as a JSON array, as SQLite's `json_group_array` writes them.
fn json_texts<'a>(texts: impl Iterator<Item = &'a str>) -> String {
    let mut json = String::from("[");
    for (position, text) in texts.enumerate() {
        if position > 0 {
            json.push(',');
        }
        json_string(&mut json, text);
    }
    json.push(']');
    json
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
const SAME_FIGURES: &str = "held.indicators = incoming.indicators AND held.figures = incoming.figures";
const OTHER_FIGURES: &str = "(held.indicators <> incoming.indicators OR held.figures <> incoming.figures)";

/// The numbers a data set's texts are held under.
struct Interned {
    data_set: i64,
    filters: HashMap<String, i64>,
    /// By the place of the list among the data set's `IndicatorLists`.
    lists: Vec<i64>,
}

pub(super) async fn statistics(
    transaction: &mut Transaction<'_, Db>,
    set: &StatisticsSet,
    import_id: i64,
    told: &(dyn Fn(usize) + Send + Sync),
) -> Result<ImportSummary, StoreError> {
    let (mut lists, mut shared) = (IndicatorLists::default(), SharedText::default());
    let mut published = rows(&set.figures, &mut lists, &mut shared);
    let schools_not_held = schools_not_held(transaction, &published).await?;
    let interned = intern(transaction, set, &lists).await?;
    number_filters(&mut published, &interned.filters);
    let held_before: bool = query_scalar("SELECT EXISTS (SELECT 1 FROM statistics_rows WHERE data_set = ?)")
        .bind(interned.data_set)
        .fetch_one(&mut **transaction)
        .await?;
    let summary = if held_before {
        stage(transaction, &interned, &published, &mut shared, told).await?;
        merge(transaction, set.figures.len(), import_id).await?
    } else {
        // A data set met for the first time has nothing to compare with: its rows go straight
        // in, in the table's key order, so that each lands at the end of the table.
        // Stable, so that a row a file states twice is written last as it was stated last.
        published.sort_by(|left, right| left.key().cmp(&right.key()));
        let into = Destination::Held { import_id };
        run_in_order(
            transaction,
            published.chunks(ROWS_PER_STATEMENT),
            |batch| statement(&into, &interned, batch, &mut shared),
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

/// The numbers of the data set's name, its rows' filters and their lists of indicators,
/// holding each text not held before.
async fn intern(
    transaction: &mut Transaction<'_, Db>,
    set: &StatisticsSet,
    lists: &IndicatorLists<'_>,
) -> Result<Interned, StoreError> {
    let data_set = numbered(transaction, "statistics_data_sets", "name", [set.data_set.to_string()]).await?;
    let mut filters: Vec<String> = Vec::new();
    for row in set.figures.chunk_by(|left, right| left.filters == right.filters) {
        filters.push(row[0].filters.to_string());
    }
    filters.sort_unstable();
    filters.dedup();
    let filters = numbered(transaction, "statistics_filters", "filters", filters).await?;
    let names = lists.as_json();
    let numbers = numbered(
        transaction,
        "statistics_indicator_lists",
        "names",
        names.iter().cloned(),
    )
    .await?;
    Ok(Interned {
        data_set: data_set
            .get(&*set.data_set)
            .copied()
            .ok_or_else(|| not_numbered("statistics_data_sets"))?,
        filters,
        lists: names
            .iter()
            .map(|names| {
                numbers
                    .get(names)
                    .copied()
                    .ok_or_else(|| not_numbered("statistics_indicator_lists"))
            })
            .collect::<Result<_, _>>()?,
    })
}

/// Gives each row its filters' number. Rows of the same filters mostly follow one another,
/// sharing one text, which is then looked up once.
fn number_filters(published: &mut [PublishedRow<'_>], numbers: &HashMap<String, i64>) {
    let mut last: Option<(&Arc<str>, i64)> = None;
    for row in published {
        let filters = &row.first.filters;
        row.filters = match last {
            Some((held, number)) if Arc::ptr_eq(held, filters) => number,
            _ => {
                // `intern` numbered every filters text of the set.
                let number = numbers.get(&**filters).copied().unwrap_or_default();
                last = Some((filters, number));
                number
            }
        };
    }
}

fn not_numbered(table: &'static str) -> StoreError {
    StoreError::Unreadable {
        table,
        column: "id",
        detail: "a text just held has no number".to_owned(),
    }
}

/// Holds each text in `column` of `table` (a table of numbered texts, unique by text), and
/// returns the number of every one.
async fn numbered(
    transaction: &mut Transaction<'_, Db>,
    table: &'static str,
    column: &'static str,
    texts: impl IntoIterator<Item = String>,
) -> Result<HashMap<String, i64>, StoreError> {
    let texts: Vec<String> = texts.into_iter().collect();
    for batch in texts.chunks(ROWS_PER_STATEMENT) {
        // The table and column are this module's constants; the texts are bound.
        let sql = format!(
            "INSERT INTO {table} ({column}) VALUES {} ON CONFLICT DO NOTHING",
            super::write::placeholders(batch.len(), 1)
        );
        let mut query = query(Dynamic(sql));
        for text in batch {
            query = query.bind(text.as_str());
        }
        query.execute(&mut **transaction).await?;
    }
    let asked = json_texts(texts.iter().map(String::as_str));
    let sql = format!(
        "SELECT {column}, id FROM {table} WHERE {column} IN (SELECT asked.value FROM {asked})",
        asked = engine::bound_json_scalars("asked")
    );
    let numbers: HashMap<String, i64> = query_as(Dynamic(sql))
        .bind(asked)
        .fetch_all(&mut **transaction)
        .await?
        .into_iter()
        .collect();
    // Every text asked was just held, so each has its number; the callers rely on it.
    if texts.iter().any(|text| !numbers.contains_key(text)) {
        return Err(not_numbered(table));
    }
    Ok(numbers)
}

/// The schools, by URN, that rows name and Stride does not hold.
async fn schools_not_held(
    transaction: &mut Transaction<'_, Db>,
    published: &[PublishedRow<'_>],
) -> Result<usize, StoreError> {
    let urns = published.iter().filter_map(|row| match row.first.subject {
        StatisticsSubject::School(urn) => Some(urn),
        _ => None,
    });
    super::import_figures::schools_not_held(transaction, urns).await
}

async fn stage(
    transaction: &mut Transaction<'_, Db>,
    interned: &Interned,
    published: &[PublishedRow<'_>],
    shared: &mut SharedText,
    told: &(dyn Fn(usize) + Send + Sync),
) -> Result<(), StoreError> {
    execute(
        transaction,
        "CREATE TEMP TABLE IF NOT EXISTS incoming_statistics_rows (data_set BIGINT, subject_kind TEXT,
             subject_code TEXT, time_period TEXT, time_identifier TEXT, academic_year BIGINT, filters BIGINT,
             release TEXT, figures TEXT, indicators BIGINT, figure_count BIGINT)"
            .to_owned(),
    )
    .await?;
    execute(transaction, "DELETE FROM incoming_statistics_rows".to_owned()).await?;
    run_in_order(
        transaction,
        published.chunks(ROWS_PER_STATEMENT),
        |batch| statement(&Destination::Staging, interned, batch, shared),
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
    interned: &Interned,
    batch: &[PublishedRow<'_>],
    shared: &mut SharedText,
) -> (Statement, usize) {
    let (table, last_column, conflict) = match into {
        Destination::Staging => ("incoming_statistics_rows", "figure_count", String::new()),
        // A row a file states twice is held as its last statement.
        Destination::Held { .. } => (
            "statistics_rows",
            "import_id",
            format!(
                "ON CONFLICT ({KEY}, release) DO UPDATE SET figures = excluded.figures, indicators = excluded.indicators"
            ),
        ),
    };
    let sql = format!(
        "INSERT INTO {table} ({KEY}, academic_year, release, figures, indicators, {last_column}) VALUES {} {conflict}",
        super::write::placeholders(batch.len(), 11)
    );
    // The SQL is made only of constant text and placeholders; values are bound.
    let mut query = query(Dynamic(sql));
    for row in batch {
        let first = row.first;
        query = query
            .bind(interned.data_set)
            .bind(shared.of(first.subject.kind_code()))
            .bind(Arc::clone(&row.code))
            .bind(first.time_period.clone())
            .bind(first.time_identifier.clone())
            .bind(row.filters)
            .bind(first.year.map(|year| year.start_year()))
            .bind(shared.of(first.release.code()))
            // Made here rather than with the row, so that it is made while SQLite writes the
            // statement before.
            .bind(figures_json(row.figures))
            .bind(interned.lists.get(row.list).copied())
            .bind(match into {
                Destination::Held { import_id } => *import_id,
                Destination::Staging => row.figures.len() as i64,
            });
    }
    (query, batch.iter().map(|row| row.figures.len()).sum())
}

/// The figures in staged rows that meet a held row of the same release on `condition`.
fn figures_where(condition: &str) -> String {
    format!(
        "SELECT CAST(SUM(incoming.figure_count) AS BIGINT) FROM incoming_statistics_rows incoming
         JOIN statistics_rows held ON {SAME_ROW} AND held.release = incoming.release WHERE {condition}"
    )
}

async fn merge(
    transaction: &mut Transaction<'_, Db>,
    incoming: usize,
    import_id: i64,
) -> Result<ImportSummary, StoreError> {
    let unchanged = scalar(transaction, figures_where(SAME_FIGURES)).await?;
    if unchanged == incoming {
        return Ok(ImportSummary::compared(incoming, unchanged, 0, 0));
    }
    let changed = scalar(transaction, figures_where(OTHER_FIGURES)).await?;
    let superseded_earlier_release = scalar(
        transaction,
        format!(
            "SELECT CAST(SUM(incoming.figure_count) AS BIGINT) FROM incoming_statistics_rows incoming
             WHERE EXISTS (SELECT 1 FROM statistics_rows held WHERE {SAME_ROW}
                           AND (CASE held.release WHEN 'provisional' THEN 1 WHEN 'revised' THEN 2 ELSE 3 END)
                             < (CASE incoming.release WHEN 'provisional' THEN 1 WHEN 'revised' THEN 2 ELSE 3 END))
               AND NOT EXISTS (SELECT 1 FROM statistics_rows held WHERE {SAME_ROW} AND held.release = incoming.release)"
        ),
    )
    .await?;
    // History keeps a replaced row as published: its names, filters and figures in full.
    execute(
        transaction,
        format!(
            "INSERT INTO superseded_statistics_rows ({KEY}, release, figures, import_id, superseded_by_import_id)
             SELECT data_set.name, held.subject_kind, held.subject_code, held.time_period, held.time_identifier,
                    filters.filters, held.release,
                    (SELECT {figures_as_object} FROM {figures}),
                    held.import_id, {import_id}
             FROM incoming_statistics_rows incoming
             JOIN statistics_rows held ON {SAME_ROW} AND held.release = incoming.release
             JOIN statistics_data_sets data_set ON data_set.id = held.data_set
             JOIN statistics_filters filters ON filters.id = held.filters
             JOIN statistics_indicator_lists list ON list.id = held.indicators
             WHERE {OTHER_FIGURES}",
            figures_as_object = engine::FIGURES_AS_OBJECT,
            figures = engine::figures_of("held"),
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
async fn write(transaction: &mut Transaction<'_, Db>, import_id: i64) -> Result<(), StoreError> {
    query(Dynamic(format!(
        "INSERT INTO statistics_rows ({KEY}, academic_year, release, figures, indicators, import_id)
         SELECT {KEY}, academic_year, release, figures, indicators, ? FROM incoming_statistics_rows WHERE true
         ORDER BY {KEY}, release
         ON CONFLICT ({KEY}, release) DO UPDATE SET figures = excluded.figures, indicators = excluded.indicators,
             academic_year = excluded.academic_year, import_id = excluded.import_id
         WHERE statistics_rows.figures <> excluded.figures OR statistics_rows.indicators <> excluded.indicators"
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
    fn a_rows_figures_are_one_json_array_with_values_as_numbers_and_reasons_as_codes_beside_its_list_of_names() {
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
        let mut lists = IndicatorLists::default();
        let rows = rows(&figures, &mut lists, &mut SharedText::default());
        assert_eq!(rows.len(), 2);
        assert_eq!(figures_json(rows[0].figures), r#"[12,0.03,"suppressed"]"#);
        assert_eq!((rows[0].figures.len(), rows[1].figures.len()), (3, 1));
        assert_eq!((rows[0].list, rows[1].list), (0, 1));
        assert_eq!(
            lists.as_json(),
            [r#"["perm_excl","perm \"excl\" rate","fixed_excl"]"#, r#"["perm_excl"]"#]
        );
    }
}
