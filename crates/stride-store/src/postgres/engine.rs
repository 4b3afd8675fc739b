//! PostgreSQL's types and the little of its SQL that differs, for the shared relational store.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{OnceLock, RwLock};

use crate::StoreError;

pub(crate) type Db = sqlx::Postgres;
pub(crate) type Pool = sqlx::PgPool;
pub(crate) type DbRow = sqlx::postgres::PgRow;
pub(crate) type Arguments = sqlx::postgres::PgArguments;

/// A constant statement in PostgreSQL's form, made once and kept: there are as many as the
/// source holds, so the texts kept are bounded.
pub(super) fn statement(sql: &'static str) -> sqlx::SqlStr {
    static MADE: OnceLock<RwLock<HashMap<&'static str, &'static str>>> = OnceLock::new();
    let made = MADE.get_or_init(RwLock::default);
    // Every query asks; after the first, readers share the lock rather than queue for it.
    let kept = made
        .read()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .get(sql)
        .copied();
    let numbered: &'static str = kept.unwrap_or_else(|| {
        *made
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .entry(sql)
            .or_insert_with(|| Box::leak(numbered_placeholders(sql).into_boxed_str()))
    });
    sqlx::SqlSafeStr::into_sql_str(numbered)
}

pub(super) fn built_statement(sql: String) -> sqlx::SqlStr {
    sqlx::SqlSafeStr::into_sql_str(sqlx::AssertSqlSafe(numbered_placeholders(&sql)))
}

/// SQLite's `?` and `?N` placeholders as PostgreSQL's `$N`, leaving quoted text and comments be.
pub(crate) fn numbered_placeholders(sql: &str) -> String {
    let mut numbered = String::with_capacity(sql.len() + sql.len() / 8);
    let mut next = 0;
    let mut characters = sql.chars().peekable();
    let mut quoted: Option<char> = None;
    while let Some(character) = characters.next() {
        match (quoted, character) {
            (Some(quote), _) => {
                numbered.push(character);
                if character == quote {
                    quoted = None;
                }
            }
            (None, '\'' | '"') => {
                quoted = Some(character);
                numbered.push(character);
            }
            (None, '-') if characters.peek() == Some(&'-') => {
                numbered.push(character);
                for rest in characters.by_ref() {
                    numbered.push(rest);
                    if rest == '\n' {
                        break;
                    }
                }
            }
            (None, '?') => {
                let mut digits = String::new();
                while let Some(digit) = characters.next_if(char::is_ascii_digit) {
                    digits.push(digit);
                }
                if digits.is_empty() {
                    next += 1;
                    digits = next.to_string();
                }
                numbered.push('$');
                numbered.push_str(&digits);
            }
            (None, _) => numbered.push(character),
        }
    }
    numbered
}

/// A bound JSON array's scalars as a table named `alias` with one column, `value`, as text.
pub(super) fn bound_json_scalars(alias: &str) -> String {
    format!("json_array_elements_text(CAST(? AS JSON)) AS {alias} (value)")
}

/// A bound JSON array's elements, themselves arrays, as a table `alias` with one column, `value`.
pub(super) fn bound_json_arrays(alias: &str) -> String {
    format!("json_array_elements(CAST(? AS JSON)) AS {alias} (value)")
}

/// A statistics row's figures as a table `figure`; see SQLite's.
pub(super) fn figures_of(row: &str) -> String {
    format!("json_array_elements(CAST({row}.figures AS JSON)) WITH ORDINALITY AS figure (value, position)")
}

pub(super) const FIGURE_INDICATOR: &str = "CAST(list.names AS JSON) ->> CAST(figure.position - 1 AS INTEGER)";
pub(super) const FIGURE_NUMBER: &str =
    "CASE WHEN json_typeof(figure.value) = 'number' THEN CAST(figure.value #>> '{}' AS DOUBLE PRECISION) END";
pub(super) const FIGURE_REASON: &str = "CASE WHEN json_typeof(figure.value) = 'string' THEN figure.value #>> '{}' END";
pub(super) const FIGURES_AS_OBJECT: &str =
    "CAST(json_object_agg(CAST(list.names AS JSON) ->> CAST(figure.position - 1 AS INTEGER), figure.value) AS TEXT)";

/// After rows given their numbers (a directory loaded whole), a table's next new row is numbered
/// past the highest held, as SQLite numbers it.
pub(crate) async fn number_on_from_held(
    transaction: &mut sqlx::Transaction<'_, Db>,
    table: &str,
) -> Result<(), StoreError> {
    // The table's name is one of the store's constants, or of the schema's own tables.
    let sql =
        format!("SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE(MAX(id), 0) + 1, false) FROM {table}");
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .execute(&mut **transaction)
        .await?;
    Ok(())
}

/// A transaction that will write: PostgreSQL's writers wait on the rows they both change, and
/// `one_writer_at_a_time` holds off the others where a transaction reads before it writes.
pub(super) async fn begin_writing(pool: &Pool) -> Result<sqlx::Transaction<'static, Db>, StoreError> {
    Ok(pool.begin().await?)
}

/// Holds off every other writer of the table (readers go on) until the transaction ends.
pub(super) async fn one_writer_at_a_time(
    transaction: &mut sqlx::Transaction<'_, Db>,
    table: &'static str,
) -> Result<(), StoreError> {
    // The table's name is one of the store's constants.
    let sql = format!("LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE");
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .execute(&mut **transaction)
        .await?;
    Ok(())
}

/// PostgreSQL plans a join by its statistics, and takes no `ON` after a CROSS JOIN.
pub(super) const OUTER_LOOP_FIRST: &str = "JOIN";

/// PostgreSQL's copies are made by `pg_dump`, outside Stride (see the README).
pub(super) async fn backup_to(_pool: &Pool, _to: &Path) -> Result<(), StoreError> {
    Err(StoreError::Unsupported(
        "a PostgreSQL database is backed up with pg_dump (see the README), not by Stride".to_owned(),
    ))
}

#[cfg(test)]
mod tests {
    use super::numbered_placeholders;

    #[test]
    fn placeholders_are_numbered_in_order_and_numbered_ones_kept() {
        assert_eq!(
            numbered_placeholders("SELECT a FROM t WHERE b = ? AND c IN (?, ?)"),
            "SELECT a FROM t WHERE b = $1 AND c IN ($2, $3)"
        );
        assert_eq!(
            numbered_placeholders("UPDATE t SET a = ?2 WHERE id = ?1"),
            "UPDATE t SET a = $2 WHERE id = $1"
        );
    }

    #[test]
    fn question_marks_in_quoted_text_and_comments_are_left_be() {
        assert_eq!(
            numbered_placeholders("SELECT '?', \"a?\" -- why?\nFROM t WHERE b = ?"),
            "SELECT '?', \"a?\" -- why?\nFROM t WHERE b = $1"
        );
    }
}
