//! Copying a deployment from its SQLite file to a PostgreSQL database (`stride migrate-db`), in
//! one transaction, and proving the copy: each table's rows are counted and checksummed on both
//! sides after the copy is committed, and any difference is an error.
//!
//! A row's checksum is SHA-256 over its values in a form both engines give alike (times to the
//! microsecond, PostgreSQL's precision and the audit seal's); a table's is SHA-256 over its rows'
//! checksums sorted, so that the engines' orders (their collations differ) do not matter.

use std::path::Path;

use chrono::{DateTime, NaiveDate, Utc};
use futures_util::TryStreamExt;
use sha2::{Digest, Sha256};
use sqlx::Row;
use sqlx::postgres::PgRow;
use sqlx::sqlite::SqliteRow;

use crate::{PostgresStore, SqliteStore, StoreError};

/// Every table of a deployment, each after those it refers to. A table added by a migration is
/// added here too; a test checks that this list and the schema agree.
pub const TABLES: &[&str] = &[
    "local_authority",
    "localities",
    "trusts",
    "establishments",
    "leaders",
    "intelligence",
    "accounts",
    "account_schools",
    "sessions",
    "imports",
    "establishment_links",
    "school_figures",
    "local_authorities",
    "area_figures",
    "indicators",
    "statistical_neighbours",
    "column_descriptions",
    "inspections",
    "judgements",
    "statistics_columns",
    "superseded_statistics_rows",
    "superseded_figures",
    "categorisation_runs",
    "categorisations",
    "level_overrides",
    "kept_rule_sets",
    "cases",
    "case_steps",
    "activities",
    "case_history",
    "kept_clock_rules",
    "school_terms",
    "calendar_feeds",
    "plan_priorities",
    "plan_actions",
    "providers",
    "support",
    "documents",
    "provider_changes",
    "strategy_plans",
    "strategy_actions",
    "strategy_tasks",
    "strategy_task_updates",
    "strategy_reports",
    "pupils",
    "pupil_census",
    "attendance_marks",
    "caseloads",
    "audit_log",
    "pupil_episodes",
    "pupil_episode_versions",
    "attendance_summaries",
    "audit_seals",
    "sign_in_failures",
    "api_tokens",
    "sign_in_flows",
    "statistics_data_sets",
    "statistics_filters",
    "statistics_indicator_lists",
    "statistics_rows",
];

/// Rows sent to PostgreSQL in one statement, at most; fewer where a table has many columns.
const ROWS_PER_STATEMENT: usize = 500;
/// PostgreSQL takes at most this many bound values in one statement.
const VALUES_PER_STATEMENT: usize = 65_535;

/// One table as copied and as read back from both databases.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableCopied {
    pub table: &'static str,
    pub rows: u64,
    /// SHA-256, in hexadecimal, of the table's rows; the same on both sides.
    pub checksum: String,
}

/// A column's kind, as PostgreSQL's schema declares it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Integer,
    Real,
    Flag,
    Day,
    Moment,
    Text,
    Bytes,
}

impl Kind {
    fn of(data_type: &str) -> Result<Kind, StoreError> {
        Ok(match data_type {
            "bigint" | "integer" | "smallint" => Kind::Integer,
            "double precision" | "real" => Kind::Real,
            "boolean" => Kind::Flag,
            "date" => Kind::Day,
            "timestamp with time zone" => Kind::Moment,
            "text" | "character varying" => Kind::Text,
            "bytea" => Kind::Bytes,
            other => {
                return Err(StoreError::Unsupported(format!(
                    "a column of type {other} has no copy from SQLite"
                )));
            }
        })
    }
}

/// One value on its way across.
#[derive(Debug, Clone, PartialEq)]
enum Value {
    Integer(Option<i64>),
    Real(Option<f64>),
    Flag(Option<bool>),
    Day(Option<NaiveDate>),
    Moment(Option<DateTime<Utc>>),
    Text(Option<String>),
    Bytes(Option<Vec<u8>>),
}

impl Value {
    /// SQLite holds dates and times as text and flags as numbers; sqlx reads each as its type.
    fn from_sqlite(row: &SqliteRow, index: usize, kind: Kind) -> Result<Value, sqlx::Error> {
        Ok(match kind {
            Kind::Integer => Value::Integer(row.try_get_unchecked(index)?),
            Kind::Real => Value::Real(row.try_get_unchecked(index)?),
            Kind::Flag => Value::Flag(row.try_get_unchecked::<Option<i64>, _>(index)?.map(|flag| flag != 0)),
            Kind::Day => Value::Day(row.try_get_unchecked(index)?),
            Kind::Moment => Value::Moment(row.try_get_unchecked(index)?),
            Kind::Text => Value::Text(row.try_get_unchecked(index)?),
            Kind::Bytes => Value::Bytes(row.try_get_unchecked(index)?),
        })
    }

    fn from_postgres(row: &PgRow, index: usize, kind: Kind) -> Result<Value, sqlx::Error> {
        Ok(match kind {
            Kind::Integer => Value::Integer(row.try_get(index)?),
            Kind::Real => Value::Real(row.try_get(index)?),
            Kind::Flag => Value::Flag(row.try_get(index)?),
            Kind::Day => Value::Day(row.try_get(index)?),
            Kind::Moment => Value::Moment(row.try_get(index)?),
            Kind::Text => Value::Text(row.try_get(index)?),
            Kind::Bytes => Value::Bytes(row.try_get(index)?),
        })
    }

    fn bind<'q>(
        self,
        query: sqlx::query::Query<'q, sqlx::Postgres, sqlx::postgres::PgArguments>,
    ) -> sqlx::query::Query<'q, sqlx::Postgres, sqlx::postgres::PgArguments> {
        match self {
            Value::Integer(value) => query.bind(value),
            Value::Real(value) => query.bind(value),
            Value::Flag(value) => query.bind(value),
            Value::Day(value) => query.bind(value),
            Value::Moment(value) => query.bind(value),
            Value::Text(value) => query.bind(value),
            Value::Bytes(value) => query.bind(value),
        }
    }

    /// The value as both engines give it, tagged so that no two kinds or values run together.
    fn feed(&self, row: &mut Sha256) {
        let text = match self {
            Value::Integer(value) => value.map(|value| format!("i{value}")),
            Value::Real(value) => value.map(|value| format!("r{:016x}", value.to_bits())),
            Value::Flag(value) => value.map(|value| format!("b{value}")),
            Value::Day(value) => value.map(|value| format!("d{value}")),
            Value::Moment(value) => value.map(|value| format!("m{}", value.timestamp_micros())),
            Value::Text(value) => value.as_ref().map(|value| format!("t{}:{value}", value.len())),
            Value::Bytes(value) => value.as_ref().map(|value| format!("x{}:{value:02x?}", value.len())),
        };
        row.update(text.as_deref().unwrap_or("n").as_bytes());
        row.update([0]);
    }
}

/// A table's columns and their kinds, from PostgreSQL's schema.
async fn columns(target: &sqlx::PgPool, table: &str) -> Result<Vec<(String, Kind)>, StoreError> {
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT column_name::text, data_type::text FROM information_schema.columns
         WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position",
    )
    .bind(table)
    .fetch_all(target)
    .await?;
    if rows.is_empty() {
        return Err(StoreError::Unsupported(format!("PostgreSQL has no table {table}")));
    }
    rows.into_iter()
        .map(|(name, data_type)| Ok((name, Kind::of(&data_type)?)))
        .collect()
}

fn select_all(table: &str, columns: &[(String, Kind)]) -> String {
    let names: Vec<&str> = columns.iter().map(|(name, _)| name.as_str()).collect();
    format!("SELECT {} FROM {table}", names.join(", "))
}

/// Copies the SQLite deployment at `from` into the empty PostgreSQL database at `to`, whole or
/// not at all, then reads both back and compares them table by table; each table as proved.
pub async fn sqlite_to_postgres(
    from: &Path,
    to: &str,
    told: &(dyn Fn(&TableCopied) + Send + Sync),
) -> Result<Vec<TableCopied>, StoreError> {
    if !from.is_file() {
        return Err(StoreError::Refused(format!("{} is not an SQLite file", from.display())));
    }
    let location = from
        .to_str()
        .ok_or_else(|| StoreError::Refused(format!("{} is not a path SQLite can take", from.display())))?;
    let source = SqliteStore::open(location).await?;
    let target = PostgresStore::open(to).await?;
    refuse_unless_empty(target.pool()).await?;
    let mut tables = Vec::with_capacity(TABLES.len());
    for table in TABLES {
        tables.push((*table, columns(target.pool(), table).await?));
    }
    let mut transaction = target.pool().begin().await?;
    for (table, columns) in &tables {
        copy_table(source.pool(), &mut transaction, table, columns).await?;
    }
    number_on(&mut transaction).await?;
    transaction.commit().await?;
    let mut proved = Vec::with_capacity(tables.len());
    for (table, columns) in &tables {
        let copied = prove(source.pool(), target.pool(), table, columns).await?;
        told(&copied);
        proved.push(copied);
    }
    Ok(proved)
}

async fn refuse_unless_empty(target: &sqlx::PgPool) -> Result<(), StoreError> {
    for table in TABLES {
        let held: bool = sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT EXISTS (SELECT 1 FROM {table})")))
            .fetch_one(target)
            .await?;
        if held {
            return Err(StoreError::Refused(format!(
                "the PostgreSQL database holds rows in {table} already: a deployment is copied into an empty one"
            )));
        }
    }
    Ok(())
}

async fn copy_table(
    source: &sqlx::SqlitePool,
    transaction: &mut sqlx::Transaction<'_, sqlx::Postgres>,
    table: &str,
    columns: &[(String, Kind)],
) -> Result<(), StoreError> {
    let rows_per_statement = ROWS_PER_STATEMENT.min(VALUES_PER_STATEMENT / columns.len());
    let mut rows = sqlx::query(sqlx::AssertSqlSafe(select_all(table, columns))).fetch(source);
    let mut batch: Vec<Vec<Value>> = Vec::with_capacity(rows_per_statement);
    while let Some(row) = rows.try_next().await? {
        batch.push(sqlite_values(&row, columns)?);
        if batch.len() == rows_per_statement {
            insert(transaction, table, columns, std::mem::take(&mut batch)).await?;
        }
    }
    if !batch.is_empty() {
        insert(transaction, table, columns, batch).await?;
    }
    Ok(())
}

fn sqlite_values(row: &SqliteRow, columns: &[(String, Kind)]) -> Result<Vec<Value>, sqlx::Error> {
    columns
        .iter()
        .enumerate()
        .map(|(index, (_, kind))| Value::from_sqlite(row, index, *kind))
        .collect()
}

fn postgres_values(row: &PgRow, columns: &[(String, Kind)]) -> Result<Vec<Value>, sqlx::Error> {
    columns
        .iter()
        .enumerate()
        .map(|(index, (_, kind))| Value::from_postgres(row, index, *kind))
        .collect()
}

async fn insert(
    transaction: &mut sqlx::Transaction<'_, sqlx::Postgres>,
    table: &str,
    columns: &[(String, Kind)],
    rows: Vec<Vec<Value>>,
) -> Result<(), StoreError> {
    let names: Vec<&str> = columns.iter().map(|(name, _)| name.as_str()).collect();
    let mut number = 0;
    let tuples: Vec<String> = rows
        .iter()
        .map(|row| {
            let placeholders: Vec<String> = row
                .iter()
                .map(|_| {
                    number += 1;
                    format!("${number}")
                })
                .collect();
            format!("({})", placeholders.join(", "))
        })
        .collect();
    // The table and columns are the schema's own names; every value is bound.
    let sql = format!(
        "INSERT INTO {table} ({}) VALUES {}",
        names.join(", "),
        tuples.join(", ")
    );
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
    for value in rows.into_iter().flatten() {
        query = value.bind(query);
    }
    query.execute(&mut **transaction).await?;
    Ok(())
}

/// Tables whose rows are numbered go on numbering past the rows copied, as SQLite would.
async fn number_on(transaction: &mut sqlx::Transaction<'_, sqlx::Postgres>) -> Result<(), StoreError> {
    let numbered: Vec<String> = sqlx::query_scalar(
        "SELECT table_name::text FROM information_schema.columns
         WHERE table_schema = current_schema() AND column_name = 'id' AND is_identity = 'YES'",
    )
    .fetch_all(&mut **transaction)
    .await?;
    for table in numbered {
        crate::postgres::number_on_from_held(transaction, &table).await?;
    }
    Ok(())
}

/// Reads the table back from both databases and compares their counts and checksums.
async fn prove(
    source: &sqlx::SqlitePool,
    target: &sqlx::PgPool,
    table: &'static str,
    columns: &[(String, Kind)],
) -> Result<TableCopied, StoreError> {
    let sql = select_all(table, columns);
    let mut from_sqlite = Vec::new();
    let mut rows = sqlx::query(sqlx::AssertSqlSafe(sql.clone())).fetch(source);
    while let Some(row) = rows.try_next().await? {
        from_sqlite.push(row_checksum(&sqlite_values(&row, columns)?));
    }
    let mut from_postgres = Vec::new();
    let mut rows = sqlx::query(sqlx::AssertSqlSafe(sql)).fetch(target);
    while let Some(row) = rows.try_next().await? {
        from_postgres.push(row_checksum(&postgres_values(&row, columns)?));
    }
    let (sqlite, postgres) = (table_checksum(from_sqlite), table_checksum(from_postgres));
    if sqlite != postgres {
        return Err(StoreError::Refused(format!(
            "the copy of {table} differs: {} rows with checksum {} in SQLite, {} rows with checksum {} in PostgreSQL",
            sqlite.0, sqlite.1, postgres.0, postgres.1
        )));
    }
    Ok(TableCopied {
        table,
        rows: sqlite.0,
        checksum: sqlite.1,
    })
}

fn row_checksum(values: &[Value]) -> [u8; 32] {
    let mut row = Sha256::new();
    for value in values {
        value.feed(&mut row);
    }
    row.finalize().into()
}

fn table_checksum(mut rows: Vec<[u8; 32]>) -> (u64, String) {
    rows.sort_unstable();
    let mut table = Sha256::new();
    for row in &rows {
        table.update(row);
    }
    let checksum = table.finalize().iter().map(|byte| format!("{byte:02x}")).collect();
    (rows.len() as u64, checksum)
}

#[cfg(test)]
mod tests {
    use super::{Value, row_checksum, table_checksum};

    #[test]
    fn a_tables_checksum_is_the_same_in_any_order_and_changes_with_any_value() {
        let rows = [
            vec![Value::Integer(Some(1)), Value::Text(Some("a".into()))],
            vec![Value::Integer(Some(2)), Value::Text(None)],
        ];
        let forwards = table_checksum(rows.iter().map(|row| row_checksum(row)).collect());
        let backwards = table_checksum(rows.iter().rev().map(|row| row_checksum(row)).collect());
        assert_eq!(forwards, backwards);
        assert_eq!(forwards.0, 2);
        let changed = [
            vec![Value::Integer(Some(1)), Value::Text(Some("a".into()))],
            vec![Value::Integer(Some(2)), Value::Text(Some(String::new()))],
        ];
        assert_ne!(
            forwards,
            table_checksum(changed.iter().map(|row| row_checksum(row)).collect())
        );
    }

    #[test]
    fn values_that_print_alike_are_told_apart() {
        assert_ne!(
            row_checksum(&[Value::Integer(Some(1))]),
            row_checksum(&[Value::Text(Some("1".into()))])
        );
        assert_ne!(
            row_checksum(&[Value::Text(Some("a".into())), Value::Text(Some("b".into()))]),
            row_checksum(&[Value::Text(Some("a\u{0}".into())), Value::Text(Some("b".into()))])
        );
    }
}
