//! The audit log for administrators: every read and change of pupil data, searched by who, what,
//! which pupil (by Stride's number) and when, with whether its chain of seals is whole, and the
//! same entries as CSV or Excel. Entries never hold a name or UPN, so neither does this page.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Query, State};
use axum::response::{Html, Response};
use serde::{Deserialize, Serialize};
use stride_core::pupils::AuditAction;
use stride_core::pupils::audit::verify_chain;
use stride_core::table::{Cell, Column, Table};
use stride_store::AuditSearch;

use crate::pages::{csv_download, render, xlsx_download};
use crate::session::SignedIn;
use crate::view::{Chrome, ShownTable};
use crate::{AppState, WebError};

/// How many entries the page lists; a download holds up to [`DOWNLOAD_LIMIT`].
const PAGE_LIMIT: u32 = 500;
const DOWNLOAD_LIMIT: u32 = 100_000;

#[derive(Debug, Default, Deserialize, Serialize)]
pub struct AuditQuery {
    #[serde(default)]
    username: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    pupil: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    /// Whether to check the whole chain: it reads every entry, so it is asked for, not done on
    /// every view.
    #[serde(default)]
    check: String,
}

fn reading(signed_in: &SignedIn) -> Result<(), WebError> {
    if signed_in.account.role.reads_audit_log() {
        Ok(())
    } else {
        Err(WebError::Forbidden)
    }
}

/// The search a query asks for, and what in it could not be read, in words.
async fn search_of(state: &AppState, query: &AuditQuery) -> Result<(AuditSearch, Vec<String>), WebError> {
    let mut problems = Vec::new();
    let mut search = AuditSearch::default();
    if !query.username.trim().is_empty() {
        match state.store.credentials(query.username.trim()).await? {
            Some(credentials) => search.account_id = Some(credentials.account_id),
            // No account by that name: match nothing, and say so.
            None => {
                search.account_id = Some(-1);
                problems.push("No account has that username.".to_owned());
            }
        }
    }
    if !query.action.is_empty() {
        match AuditAction::from_code(&query.action) {
            Ok(action) => search.action = Some(action),
            Err(_) => problems.push("Choose an action from the list.".to_owned()),
        }
    }
    if !query.pupil.trim().is_empty() {
        match query.pupil.trim().parse::<i64>() {
            Ok(pupil) => search.pupil_id = Some(pupil),
            Err(_) => problems.push("A pupil is found by Stride's number for them, a whole number.".to_owned()),
        }
    }
    for (text, day, what) in [
        (&query.from, &mut search.from, "From"),
        (&query.to, &mut search.to, "To"),
    ] {
        if !text.trim().is_empty() {
            match chrono::NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d") {
                Ok(parsed) => *day = Some(parsed),
                Err(_) => problems.push(format!("{what} must be a date such as 2026-11-20.")),
            }
        }
    }
    Ok((search, problems))
}

async fn entries_table(state: &AppState, search: &AuditSearch, limit: u32) -> Result<Table, WebError> {
    let entries = state.store.audit_search(search, limit).await?;
    let mut names: HashMap<i64, String> = HashMap::new();
    for (_, entry) in &entries {
        if let std::collections::hash_map::Entry::Vacant(unnamed) = names.entry(entry.account_id) {
            let name = state.store.account(entry.account_id).await?.map_or_else(
                || format!("account {} (the command line, or removed)", entry.account_id),
                |account| account.username,
            );
            unnamed.insert(name);
        }
    }
    Ok(Table {
        title: "Audit log entries, newest first".to_owned(),
        columns: vec![
            Column::number("Entry"),
            Column::text("When (UTC)"),
            Column::text("Who"),
            Column::text("Action"),
            Column::number("Pupil (Stride's number)"),
            Column::text("What"),
        ],
        rows: entries
            .iter()
            .map(|(id, entry)| {
                vec![
                    Cell::Integer(*id),
                    Cell::Text(entry.at.format("%Y-%m-%d %H:%M:%S").to_string()),
                    Cell::Text(names.get(&entry.account_id).cloned().unwrap_or_default()),
                    Cell::Text(entry.action.label().to_owned()),
                    entry
                        .pupil_id
                        .map_or_else(|| Cell::Missing(String::new()), Cell::Integer),
                    Cell::Text(entry.what.clone()),
                ]
            })
            .collect(),
    })
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    chrome: Chrome,
    query: AuditQuery,
    actions: Vec<(&'static str, &'static str)>,
    problems: Vec<String>,
    chain: Option<Result<usize, String>>,
    entries: ShownTable,
    listed: usize,
    downloads: (String, String),
}

/// `/audit`: the search, the chain's state and the entries found.
pub async fn show(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Query(query): Query<AuditQuery>,
) -> Result<Html<String>, WebError> {
    reading(&signed_in)?;
    let (search, problems) = search_of(&state, &query).await?;
    let table = entries_table(&state, &search, PAGE_LIMIT).await?;
    let chain = if query.check.is_empty() {
        None
    } else {
        Some(verify_chain(&state.store.audit_chain().await?).map_err(|broken| broken.to_string()))
    };
    // The same filters again, for the downloads' addresses.
    let filters = serde_urlencoded::to_string(&query).unwrap_or_default();
    render(&AuditPage {
        chrome: Chrome::for_user(&signed_in, "audit"),
        actions: AuditAction::ALL
            .iter()
            .map(|action| (action.code(), action.label()))
            .collect(),
        problems,
        chain,
        listed: table.rows.len(),
        entries: ShownTable::of(&table),
        downloads: (format!("/audit.csv?{filters}"), format!("/audit.xlsx?{filters}")),
        query,
    })
}

/// The entries a download's query asks for, up to [`DOWNLOAD_LIMIT`].
async fn download_table(state: &AppState, signed_in: &SignedIn, query: &AuditQuery) -> Result<Table, WebError> {
    reading(signed_in)?;
    let (search, _) = search_of(state, query).await?;
    entries_table(state, &search, DOWNLOAD_LIMIT).await
}

pub async fn download_csv(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Query(query): Query<AuditQuery>,
) -> Result<Response, WebError> {
    csv_download(&download_table(&state, &signed_in, &query).await?, "audit-log")
}

pub async fn download_xlsx(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Query(query): Query<AuditQuery>,
) -> Result<Response, WebError> {
    xlsx_download(&download_table(&state, &signed_in, &query).await?, "audit-log")
}
