//! Accounts, their school assignments, and server-side sessions.

use super::engine::{self, Db, Pool};
use super::{query, query_scalar};
use chrono::{DateTime, Utc};
use sqlx::{Row, Transaction};
use stride_core::{Account, Role, SchoolScope, Urn};

use super::{coded, urn};
use crate::{Credentials, NewAccount, SecondFactor, SessionRecord, StoreError};

pub(super) async fn create_account(pool: &Pool, account: &NewAccount) -> Result<i64, StoreError> {
    let mut transaction = engine::begin_writing(pool).await?;
    let account_id = insert_account(&mut transaction, account).await?;
    transaction.commit().await?;
    Ok(account_id)
}

/// Inserts an account and its schools within a transaction the caller commits.
pub(super) async fn insert_account(
    transaction: &mut Transaction<'_, Db>,
    account: &NewAccount,
) -> Result<i64, StoreError> {
    let inserted = query_scalar::<i64>(
        "INSERT INTO accounts (username, display_name, role, password_hash, created_at) VALUES (?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(&account.username)
    .bind(&account.display_name)
    .bind(account.role.code())
    .bind(&account.password_hash)
    .bind(Utc::now())
    .fetch_one(&mut **transaction)
    .await?;
    let account_id = inserted;
    for school in &account.schools {
        query("INSERT INTO account_schools (account_id, urn) VALUES (?, ?)")
            .bind(account_id)
            .bind(i64::from(school.get()))
            .execute(&mut **transaction)
            .await?;
    }
    Ok(account_id)
}

pub(super) async fn credentials(pool: &Pool, username: &str) -> Result<Option<Credentials>, StoreError> {
    let row = query("SELECT id, password_hash FROM accounts WHERE username = ?")
        .bind(username)
        .fetch_optional(pool)
        .await?;
    row.map(|row| {
        Ok(Credentials {
            account_id: row.try_get("id")?,
            password_hash: row.try_get("password_hash")?,
        })
    })
    .transpose()
}

pub(super) async fn account(pool: &Pool, account_id: i64) -> Result<Option<Account>, StoreError> {
    let Some(row) = query(
        "SELECT id, username, display_name, role, second_factor_secret IS NOT NULL AS second_factor
         FROM accounts WHERE id = ?",
    )
    .bind(account_id)
    .fetch_optional(pool)
    .await?
    else {
        return Ok(None);
    };
    let role: Role = coded(&row, "accounts", "role")?;
    let schools = query("SELECT urn FROM account_schools WHERE account_id = ? ORDER BY urn")
        .bind(account_id)
        .fetch_all(pool)
        .await?
        .iter()
        .map(|row| urn(row, "account_schools"))
        .collect::<Result<Vec<Urn>, _>>()?;
    Ok(Some(Account {
        id: row.try_get("id")?,
        username: row.try_get("username")?,
        display_name: row.try_get("display_name")?,
        role,
        scope: SchoolScope::for_role(role, schools),
        second_factor: row.try_get("second_factor")?,
    }))
}

pub(super) async fn create_session(pool: &Pool, session: &SessionRecord) -> Result<(), StoreError> {
    query(
        "INSERT INTO sessions (token_hash, account_id, csrf_token, created_at, last_seen_at, awaiting_account_id,
         offered_secret) VALUES (?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(&session.token_hash)
    .bind(session.account_id)
    .bind(&session.csrf_token)
    .bind(session.created_at)
    .bind(session.last_seen_at)
    .bind(session.awaiting_account_id)
    .bind(&session.offered_secret)
    .execute(pool)
    .await?;
    Ok(())
}

pub(super) async fn session(pool: &Pool, token_hash: &str) -> Result<Option<SessionRecord>, StoreError> {
    let row = query(
        "SELECT token_hash, account_id, csrf_token, created_at, last_seen_at, awaiting_account_id, offered_secret
         FROM sessions WHERE token_hash = ?",
    )
    .bind(token_hash)
    .fetch_optional(pool)
    .await?;
    row.map(|row| {
        Ok(SessionRecord {
            token_hash: row.try_get("token_hash")?,
            account_id: row.try_get("account_id")?,
            csrf_token: row.try_get("csrf_token")?,
            created_at: row.try_get("created_at")?,
            last_seen_at: row.try_get("last_seen_at")?,
            awaiting_account_id: row.try_get("awaiting_account_id")?,
            offered_secret: row.try_get("offered_secret")?,
        })
    })
    .transpose()
}

pub(super) async fn touch_session(pool: &Pool, token_hash: &str, at: DateTime<Utc>) -> Result<(), StoreError> {
    query("UPDATE sessions SET last_seen_at = ? WHERE token_hash = ?")
        .bind(at)
        .bind(token_hash)
        .execute(pool)
        .await?;
    Ok(())
}

pub(super) async fn delete_session(pool: &Pool, token_hash: &str) -> Result<(), StoreError> {
    query("DELETE FROM sessions WHERE token_hash = ?")
        .bind(token_hash)
        .execute(pool)
        .await?;
    Ok(())
}

pub(super) async fn set_password(pool: &Pool, account_id: i64, password_hash: &str) -> Result<(), StoreError> {
    let mut transaction = engine::begin_writing(pool).await?;
    query("UPDATE accounts SET password_hash = ?1 WHERE id = ?2")
        .bind(password_hash)
        .bind(account_id)
        .execute(&mut *transaction)
        .await?;
    end_sessions(&mut transaction, account_id).await?;
    transaction.commit().await?;
    Ok(())
}

/// Ends every session of an account, and any waiting for its code.
async fn end_sessions(transaction: &mut Transaction<'_, Db>, account_id: i64) -> Result<(), StoreError> {
    query("DELETE FROM sessions WHERE account_id = ?1 OR awaiting_account_id = ?1")
        .bind(account_id)
        .execute(&mut **transaction)
        .await?;
    Ok(())
}

pub(super) async fn offer_secret(pool: &Pool, token_hash: &str, secret: Option<&str>) -> Result<(), StoreError> {
    query("UPDATE sessions SET offered_secret = ?1 WHERE token_hash = ?2")
        .bind(secret)
        .bind(token_hash)
        .execute(pool)
        .await?;
    Ok(())
}

pub(super) async fn second_factor(pool: &Pool, account_id: i64) -> Result<Option<SecondFactor>, StoreError> {
    let row = query(
        "SELECT second_factor_secret, second_factor_last_step FROM accounts
         WHERE id = ? AND second_factor_secret IS NOT NULL",
    )
    .bind(account_id)
    .fetch_optional(pool)
    .await?;
    row.map(|row| {
        Ok(SecondFactor {
            secret: row.try_get("second_factor_secret")?,
            last_step: row.try_get("second_factor_last_step")?,
        })
    })
    .transpose()
}

pub(super) async fn enrol_second_factor(
    pool: &Pool,
    account_id: i64,
    secret: &str,
    step: i64,
) -> Result<(), StoreError> {
    query("UPDATE accounts SET second_factor_secret = ?1, second_factor_last_step = ?2 WHERE id = ?3")
        .bind(secret)
        .bind(step)
        .bind(account_id)
        .execute(pool)
        .await?;
    Ok(())
}

pub(super) async fn remove_second_factor(pool: &Pool, account_id: i64) -> Result<(), StoreError> {
    let mut transaction = engine::begin_writing(pool).await?;
    query("UPDATE accounts SET second_factor_secret = NULL, second_factor_last_step = NULL WHERE id = ?1")
        .bind(account_id)
        .execute(&mut *transaction)
        .await?;
    end_sessions(&mut transaction, account_id).await?;
    transaction.commit().await?;
    Ok(())
}

pub(super) async fn take_second_factor_step(pool: &Pool, account_id: i64, step: i64) -> Result<bool, StoreError> {
    let taken = query(
        "UPDATE accounts SET second_factor_last_step = ?1
         WHERE id = ?2 AND second_factor_secret IS NOT NULL
           AND (second_factor_last_step IS NULL OR second_factor_last_step < ?1)",
    )
    .bind(step)
    .bind(account_id)
    .execute(pool)
    .await?;
    Ok(taken.rows_affected() == 1)
}

pub(super) async fn record_sign_in_failure(
    pool: &Pool,
    username_hash: &str,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    let mut transaction = engine::begin_writing(pool).await?;
    query("INSERT INTO sign_in_failures (username_hash, at) VALUES (?1, ?2)")
        .bind(username_hash)
        .bind(at)
        .execute(&mut *transaction)
        .await?;
    query("DELETE FROM sign_in_failures WHERE at < ?1")
        .bind(at - chrono::Duration::days(1))
        .execute(&mut *transaction)
        .await?;
    transaction.commit().await?;
    Ok(())
}

pub(super) async fn sign_in_failures(
    pool: &Pool,
    username_hash: &str,
    since: DateTime<Utc>,
) -> Result<Vec<DateTime<Utc>>, StoreError> {
    Ok(
        query_scalar("SELECT at FROM sign_in_failures WHERE username_hash = ?1 AND at >= ?2")
            .bind(username_hash)
            .bind(since)
            .fetch_all(pool)
            .await?,
    )
}

pub(super) async fn clear_sign_in_failures(pool: &Pool, username_hash: &str) -> Result<(), StoreError> {
    query("DELETE FROM sign_in_failures WHERE username_hash = ?1")
        .bind(username_hash)
        .execute(pool)
        .await?;
    Ok(())
}

/// Gives the account a new calendar feed, held by its token's hash, in place of any before.
pub(super) async fn set_calendar_feed(
    pool: &Pool,
    account_id: i64,
    token_hash: &str,
    at: chrono::DateTime<chrono::Utc>,
) -> Result<(), StoreError> {
    query(
        "INSERT INTO calendar_feeds (account_id, token_hash, created_at) VALUES (?, ?, ?)
         ON CONFLICT (account_id) DO UPDATE SET token_hash = excluded.token_hash, created_at = excluded.created_at",
    )
    .bind(account_id)
    .bind(token_hash)
    .bind(at)
    .execute(pool)
    .await?;
    Ok(())
}

/// The account whose calendar feed a token's hash is, if any.
pub(super) async fn calendar_feed_account(pool: &Pool, token_hash: &str) -> Result<Option<Account>, StoreError> {
    account_of_token(
        pool,
        "SELECT account_id FROM calendar_feeds WHERE token_hash = ?",
        token_hash,
    )
    .await
}

/// The account a query finds by a token's hash, if it finds one.
async fn account_of_token(pool: &Pool, query: &'static str, token_hash: &str) -> Result<Option<Account>, StoreError> {
    let id: Option<i64> = query_scalar(query).bind(token_hash).fetch_optional(pool).await?;
    match id {
        Some(id) => account(pool, id).await,
        None => Ok(None),
    }
}

pub(super) async fn create_api_token(
    pool: &Pool,
    account_id: i64,
    token_hash: &str,
    label: &str,
    at: chrono::DateTime<chrono::Utc>,
) -> Result<(), StoreError> {
    query("INSERT INTO api_tokens (token_hash, account_id, label, created_at) VALUES (?, ?, ?, ?)")
        .bind(token_hash)
        .bind(account_id)
        .bind(label)
        .bind(at)
        .execute(pool)
        .await?;
    Ok(())
}

pub(super) async fn api_token_account(pool: &Pool, token_hash: &str) -> Result<Option<Account>, StoreError> {
    account_of_token(
        pool,
        "SELECT account_id FROM api_tokens WHERE token_hash = ?",
        token_hash,
    )
    .await
}

pub(super) async fn revoke_api_tokens(pool: &Pool, account_id: i64) -> Result<u64, StoreError> {
    let done = query("DELETE FROM api_tokens WHERE account_id = ?")
        .bind(account_id)
        .execute(pool)
        .await?;
    Ok(done.rows_affected())
}

pub(super) async fn sign_in_from_provider(pool: &Pool, subject: &str, account: &NewAccount) -> Result<i64, StoreError> {
    let mut transaction = engine::begin_writing(pool).await?;
    let known: Option<i64> = query_scalar("SELECT id FROM accounts WHERE single_sign_on_subject = ?")
        .bind(subject)
        .fetch_optional(&mut *transaction)
        .await?;
    let account_id = match known {
        Some(id) => {
            query("UPDATE accounts SET role = ?, display_name = ? WHERE id = ?")
                .bind(account.role.code())
                .bind(&account.display_name)
                .bind(id)
                .execute(&mut *transaction)
                .await?;
            id
        }
        None => {
            let taken: Option<i64> = query_scalar("SELECT id FROM accounts WHERE username = ?")
                .bind(&account.username)
                .fetch_optional(&mut *transaction)
                .await?;
            if taken.is_some() {
                return Err(StoreError::Refused(format!(
                    "the username {} is another account's already",
                    account.username
                )));
            }
            let id = insert_account(&mut transaction, account).await?;
            query("UPDATE accounts SET single_sign_on_subject = ? WHERE id = ?")
                .bind(subject)
                .bind(id)
                .execute(&mut *transaction)
                .await?;
            id
        }
    };
    transaction.commit().await?;
    Ok(account_id)
}

pub(super) async fn start_sign_in_flow(pool: &Pool, flow: &crate::SignInFlow) -> Result<(), StoreError> {
    // Flows never finished are cleared as new ones start: an hour is long past any sign-in.
    query("DELETE FROM sign_in_flows WHERE created_at < ?")
        .bind(flow.created_at - chrono::Duration::hours(1))
        .execute(pool)
        .await?;
    query("INSERT INTO sign_in_flows (token_hash, state, nonce, pkce_verifier, created_at) VALUES (?, ?, ?, ?, ?)")
        .bind(&flow.token_hash)
        .bind(&flow.state)
        .bind(&flow.nonce)
        .bind(&flow.pkce_verifier)
        .bind(flow.created_at)
        .execute(pool)
        .await?;
    Ok(())
}

pub(super) async fn take_sign_in_flow(
    pool: &Pool,
    token_hash: &str,
    since: chrono::DateTime<chrono::Utc>,
) -> Result<Option<crate::SignInFlow>, StoreError> {
    let row = query(
        "DELETE FROM sign_in_flows WHERE token_hash = ? RETURNING token_hash, state, nonce, pkce_verifier, created_at",
    )
    .bind(token_hash)
    .fetch_optional(pool)
    .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let flow = crate::SignInFlow {
        token_hash: row.try_get("token_hash")?,
        state: row.try_get("state")?,
        nonce: row.try_get("nonce")?,
        pkce_verifier: row.try_get("pkce_verifier")?,
        created_at: row.try_get("created_at")?,
    };
    Ok((flow.created_at >= since).then_some(flow))
}
