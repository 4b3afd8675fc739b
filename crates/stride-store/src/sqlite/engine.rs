//! SQLite's types and the little of its SQL that differs, for the shared relational store.

pub(super) use super::backup::backup_to;

pub(crate) type Db = sqlx::Sqlite;
pub(crate) type Pool = sqlx::SqlitePool;
pub(crate) type DbRow = sqlx::sqlite::SqliteRow;
pub(crate) type Arguments = sqlx::sqlite::SqliteArguments;

/// Statements are written in SQLite's own form.
pub(super) fn statement(sql: &'static str) -> sqlx::SqlStr {
    sqlx::SqlSafeStr::into_sql_str(sql)
}

pub(super) fn built_statement(sql: String) -> sqlx::SqlStr {
    sqlx::SqlSafeStr::into_sql_str(sqlx::AssertSqlSafe(sql))
}

/// A bound JSON array's scalars as a table named `alias` with one column, `value`.
pub(super) fn bound_json_scalars(alias: &str) -> String {
    format!("json_each(?) AS {alias}")
}

/// A bound JSON array's elements, themselves arrays, as a table `alias` with one column, `value`,
/// whose members `->>` reads.
pub(super) fn bound_json_arrays(alias: &str) -> String {
    format!("json_each(?) AS {alias}")
}

/// A statistics row's figures (its `figures` column, a JSON array) as a table `figure` with
/// `figure.position` (from 0), `figure.number` and `figure.reason`, for a row named `row`
/// whose indicator list is named `list`; `figure.indicator` is the figure's indicator's name.
pub(super) fn figures_of(row: &str) -> String {
    format!("json_each({row}.figures) AS figure")
}

pub(super) const FIGURE_INDICATOR: &str = "list.names ->> figure.key";
pub(super) const FIGURE_NUMBER: &str =
    "CASE WHEN figure.type IN ('integer', 'real') THEN CAST(figure.value AS REAL) END";
pub(super) const FIGURE_REASON: &str = "CASE WHEN figure.type = 'text' THEN figure.value END";
/// The figures again as one JSON object of indicator names to figures, as published.
pub(super) const FIGURES_AS_OBJECT: &str = "json_group_object(list.names ->> figure.key, figure.value)";

/// SQLite numbers a new row past the highest held; nothing to do after rows given numbers.
pub(super) async fn number_on_from_held(
    _transaction: &mut sqlx::Transaction<'_, Db>,
    _table: &'static str,
) -> Result<(), crate::StoreError> {
    Ok(())
}

/// A transaction that will write, holding SQLite's one write lock from its start (waiting its
/// turn for it). A transaction begun as a reader and then writing fails at once, without
/// waiting, where another wrote since it read: two officers saving at the same moment.
pub(super) async fn begin_writing(pool: &Pool) -> Result<sqlx::Transaction<'static, Db>, crate::StoreError> {
    Ok(pool.begin_with("BEGIN IMMEDIATE").await?)
}

/// SQLite has one writer at a time already: a transaction's first write takes the lock.
pub(super) async fn one_writer_at_a_time(
    _transaction: &mut sqlx::Transaction<'_, Db>,
    _table: &'static str,
) -> Result<(), crate::StoreError> {
    Ok(())
}

/// A join whose left table is the outer loop: SQLite's planner keeps a CROSS JOIN's order.
pub(super) const OUTER_LOOP_FIRST: &str = "CROSS JOIN";
