//! Support and its impact in the browser: the directory of providers and each provider's record,
//! finding support for a school's priority, whether support worked against similar schools, and
//! the two questions of the monthly data set and the termly movement tables: schools in a
//! category not making progress, and schools inspected in the term that are static or worse,
//! each with its support.
//!
//! Every page reads only the schools the user may see: an adviser's comparison is of their own
//! schools, and says when they are too few.

mod find;
mod impact;
mod providers;

pub use find::find_support;
pub use impact::{impact, impact_download};
pub use providers::{add_provider, change_provider, directory, directory_download, provider, provider_download};

use askama::Template;
use axum::extract::{Query, State};
use axum::response::{Html, Response};
use chrono::{Datelike, NaiveDate};
use serde::Deserialize;
use stride_core::intervention::{InterventionEvidence, Support};
use stride_core::support::{
    InCategory, Inspected, Progress, Provider, commissions_by_school, current_commissions, in_category_table,
    inspected_in, inspected_table, schools_in_category,
};
use stride_core::table::Table;
use stride_core::{Account, Urn};

use crate::pages::intervention::scoped_evidence;
use crate::pages::{csv_download, render, xlsx_download};
use crate::session::SignedIn;
use crate::view::{Chrome, ShownTable, long_date};
use crate::{AppState, WebError};

/// What every support page reads: the record of the schools the user may see, every commission
/// of theirs by school, and the directory.
struct SupportWork {
    evidence: InterventionEvidence,
    commissions: Vec<(Urn, Support)>,
    providers: Vec<Provider>,
    today: NaiveDate,
}

fn working(account: &Account) -> Result<(), WebError> {
    if account.role.works_cases() {
        Ok(())
    } else {
        Err(WebError::Forbidden)
    }
}

async fn support_work(state: &AppState, account: &Account) -> Result<SupportWork, WebError> {
    working(account)?;
    let evidence = scoped_evidence(state, account).await?;
    let commissions = commissions_by_school(&evidence.cases, &evidence.support);
    Ok(SupportWork {
        commissions,
        providers: state.store.providers().await?,
        today: state.today(),
        evidence,
    })
}

#[derive(Debug, Default, Deserialize)]
pub struct TermParams {
    /// How many terms back from the present one: 0 for this term.
    #[serde(default)]
    back: usize,
}

struct Tables {
    in_category: Table,
    not_making_progress: usize,
    inspected: Table,
    to_reprioritise: usize,
    term: String,
}

async fn tables(state: &AppState, signed_in: &SignedIn, back: usize) -> Result<Tables, WebError> {
    let work = support_work(state, &signed_in.account).await?;
    let current = current_commissions(&work.evidence.cases, &work.evidence.support);
    let found: Vec<InCategory> = schools_in_category(
        &work.evidence.schools,
        &work.evidence.inspections,
        &work.commissions,
        work.today,
    );
    let (_, _, calendar) = state.store.cycle().await?;
    let term = calendar.terms_back(work.today, back.min(9)).ok_or(WebError::NotFound)?;
    let term_name = format!("the {} {}", term.name.label().to_lowercase(), term.dates.first().year());
    let inspected: Vec<Inspected> =
        inspected_in(&work.evidence.schools, &work.evidence.inspections, &current, term.dates);
    Ok(Tables {
        not_making_progress: found
            .iter()
            .filter(|school| school.progress == Progress::NotMakingProgress)
            .count(),
        in_category: in_category_table(&found, work.today),
        to_reprioritise: inspected.iter().filter(|school| school.to_reprioritise()).count(),
        inspected: inspected_table(&inspected, &term_name),
        term: term_name,
    })
}

#[derive(Template)]
#[template(path = "support.html")]
struct SupportPage {
    chrome: Chrome,
    today: String,
    in_category: ShownTable,
    not_making_progress: usize,
    inspected: ShownTable,
    to_reprioritise: usize,
    term: String,
    back: usize,
    inspected_csv: String,
    inspected_xlsx: String,
}

/// The overview: schools in a category not making progress, and schools inspected in a term
/// that are static or worse, each with its support.
pub async fn overview(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Query(params): Query<TermParams>,
) -> Result<Html<String>, WebError> {
    let tables = tables(&state, &signed_in, params.back).await?;
    render(&SupportPage {
        chrome: Chrome::for_user(&signed_in, "support"),
        today: long_date(state.today()),
        in_category: ShownTable::of(&tables.in_category),
        not_making_progress: tables.not_making_progress,
        inspected: ShownTable::of(&tables.inspected),
        to_reprioritise: tables.to_reprioritise,
        term: tables.term,
        back: params.back,
        inspected_csv: format!("/support/inspected.csv?back={}", params.back),
        inspected_xlsx: format!("/support/inspected.xlsx?back={}", params.back),
    })
}

/// One of the overview's tables, `in-category` or `inspected`, as CSV or XLSX.
pub async fn overview_download(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Query(params): Query<TermParams>,
    (stem, extension): (&'static str, &'static str),
) -> Result<Response, WebError> {
    let tables = tables(&state, &signed_in, params.back).await?;
    let table = if stem == "inspected" {
        &tables.inspected
    } else {
        &tables.in_category
    };
    download(table, stem, extension)
}

fn download(table: &Table, stem: &str, extension: &str) -> Result<Response, WebError> {
    match extension {
        "csv" => csv_download(table, stem),
        "xlsx" => xlsx_download(table, stem),
        _ => Err(WebError::NotFound),
    }
}
