//! The cycle's settings: the clock rules in force, shown as a table and, for an administrator,
//! edited as written and kept under a new version; and the LA's terms for an academic year,
//! entered once a year in place of the generated ones.

use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;

use stride_core::AcademicYear;
use stride_core::calendar::{DateRange, Term, TermName};
use stride_core::intervention::{ClockRules, KeptClockRules};

use super::entered_date;
use crate::pages::render;
use crate::session::{SignedIn, check_csrf};
use crate::view::{Chrome, long_date};
use crate::{AppState, WebError};

struct ClockRow {
    code: String,
    what: String,
    starts: String,
    within: String,
    whose: &'static str,
    done_by: &'static str,
    source: String,
}

#[derive(Template)]
#[template(path = "cycle_clocks.html")]
struct ClocksPage {
    chrome: Chrome,
    version: String,
    pupils: stride_core::pupils::episodes::PupilClocks,
    clocks: Vec<ClockRow>,
    versions: Vec<(String, String, String)>,
    can_edit: bool,
    csrf_token: String,
    text: String,
    error: Option<String>,
}

fn viewing(signed_in: &SignedIn) -> Result<(), WebError> {
    let role = signed_in.account.role;
    if role.works_cases() || role.configures_cycle() {
        Ok(())
    } else {
        Err(WebError::Forbidden)
    }
}

async fn clocks_page(
    state: &AppState,
    signed_in: &SignedIn,
    edited: Option<(String, String)>,
) -> Result<Html<String>, WebError> {
    let kept = state.store.kept_clock_rules().await?;
    let (rules, text) = ClockRules::in_force(&kept)?;
    let (text, error) = edited.map_or((text, None), |(text, error)| (text, Some(error)));
    render(&ClocksPage {
        chrome: Chrome::for_user(signed_in, "my-work"),
        version: rules.version.clone(),
        pupils: rules.pupils,
        clocks: rules
            .clocks
            .iter()
            .map(|clock| ClockRow {
                code: clock.code.clone(),
                what: clock.what.clone(),
                starts: clock.starts.describe(),
                within: match (clock.within, clock.repeats) {
                    (Some(period), true) => format!("{}, again after each time", period.describe()),
                    (Some(period), false) => period.describe(),
                    (None, true) => "By the end of each term".to_owned(),
                    (None, false) => "By the date its trigger sets".to_owned(),
                },
                whose: clock.whose.label(),
                done_by: clock.done_by.label(),
                source: clock.source.clone(),
            })
            .collect(),
        versions: kept
            .iter()
            .map(|kept| {
                (
                    kept.version.clone(),
                    kept.kept_by.clone(),
                    long_date(kept.kept_at.date_naive()),
                )
            })
            .collect(),
        can_edit: signed_in.account.role.configures_cycle(),
        csrf_token: signed_in.session.csrf_token.clone(),
        text,
        error,
    })
}

pub async fn clocks(State(state): State<AppState>, signed_in: SignedIn) -> Result<Html<String>, WebError> {
    viewing(&signed_in)?;
    clocks_page(&state, &signed_in, None).await
}

#[derive(Debug, Deserialize)]
pub struct ClocksForm {
    csrf_token: String,
    text: String,
}

/// Keeps edited clock rules as the version in force, checked first.
pub async fn keep_clocks(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Form(form): Form<ClocksForm>,
) -> Result<Response, WebError> {
    check_csrf(&signed_in.session, &form.csrf_token)?;
    if !signed_in.account.role.configures_cycle() {
        return Err(WebError::Forbidden);
    }
    let refused = |error: String| (form.text.clone(), error);
    let rules = match ClockRules::from_toml("the edited clock rules", &form.text) {
        Ok(rules) => rules,
        Err(error) => {
            return Ok(clocks_page(&state, &signed_in, Some(refused(error.to_string())))
                .await?
                .into_response());
        }
    };
    let kept = state.store.kept_clock_rules().await?;
    if let Err(kept_already) = rules.may_be_kept_beside(&kept) {
        return Ok(clocks_page(&state, &signed_in, Some(refused(kept_already.to_string())))
            .await?
            .into_response());
    }
    state
        .store
        .keep_clock_rules(&KeptClockRules {
            version: rules.version,
            text: form.text,
            kept_by: signed_in.account.display_name.clone(),
            kept_at: chrono::Utc::now(),
        })
        .await?;
    Ok(Redirect::to("/cycle/clocks").into_response())
}

#[derive(Debug, Default, Deserialize)]
pub struct YearParams {
    /// The academic year's first calendar year, such as 2026 for 2026/27.
    year: Option<i32>,
}

struct TermRow {
    name: &'static str,
    code: &'static str,
    starts: (u32, u32, i32),
    half_starts: (u32, u32, i32),
    half_ends: (u32, u32, i32),
    ends: (u32, u32, i32),
    shown: String,
}

#[derive(Template)]
#[template(path = "cycle_terms.html")]
struct TermsPage {
    chrome: Chrome,
    year: String,
    start_year: i32,
    previous: i32,
    next: i32,
    entered: bool,
    terms: Vec<TermRow>,
    can_edit: bool,
    csrf_token: String,
    errors: Vec<(String, String)>,
}

fn parts(date: chrono::NaiveDate) -> (u32, u32, i32) {
    use chrono::Datelike;
    (date.day(), date.month(), date.year())
}

async fn terms_page(
    state: &AppState,
    signed_in: &SignedIn,
    year: AcademicYear,
    errors: Vec<(String, String)>,
) -> Result<Html<String>, WebError> {
    let (_, _, calendar) = state.store.cycle().await?;
    render(&TermsPage {
        chrome: Chrome::for_user(signed_in, "my-work"),
        year: year.to_string(),
        start_year: year.start_year(),
        previous: year.start_year() - 1,
        next: year.start_year() + 1,
        entered: calendar.terms_entered(year),
        terms: calendar
            .terms(year)
            .iter()
            .map(|term| TermRow {
                name: term.name.label(),
                code: term.name.code(),
                starts: parts(term.dates.first()),
                half_starts: parts(term.half_term.first()),
                half_ends: parts(term.half_term.last()),
                ends: parts(term.dates.last()),
                shown: format!(
                    "{} to {}, half term {} to {}",
                    long_date(term.dates.first()),
                    long_date(term.dates.last()),
                    long_date(term.half_term.first()),
                    long_date(term.half_term.last())
                ),
            })
            .collect(),
        can_edit: signed_in.account.role.configures_cycle(),
        csrf_token: signed_in.session.csrf_token.clone(),
        errors,
    })
}

fn academic_year(state: &AppState, year: Option<i32>) -> AcademicYear {
    year.filter(|year| (2000..=2100).contains(year))
        .map_or_else(|| AcademicYear::containing(state.today()), AcademicYear::starting)
}

pub async fn terms(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Query(params): Query<YearParams>,
) -> Result<Html<String>, WebError> {
    viewing(&signed_in)?;
    let year = academic_year(&state, params.year);
    terms_page(&state, &signed_in, year, Vec::new()).await
}

/// The four dates of each of the year's three terms, from the form, checked.
fn terms_from(fields: &HashMap<String, String>, year: AcademicYear) -> Result<Vec<Term>, (String, String)> {
    let date = |term: TermName, part: &str| {
        let field = |unit: &str| {
            fields
                .get(&format!("{}-{part}-{unit}", term.code()))
                .map_or("", |value| value.as_str())
        };
        entered_date(field("day"), field("month"), field("year")).ok_or_else(|| {
            (
                format!("#{}-{part}-day", term.code()),
                format!(
                    "Enter the {} {} as day, month and year",
                    term.label().to_lowercase(),
                    part.replace('-', " ")
                ),
            )
        })
    };
    let mut terms: Vec<Term> = Vec::new();
    for name in TermName::ALL.iter().copied() {
        let anchor = format!("#{}-starts-day", name.code());
        let (starts, half_starts, half_ends, ends) = (
            date(name, "starts")?,
            date(name, "half-term-starts")?,
            date(name, "half-term-ends")?,
            date(name, "ends")?,
        );
        let dates = DateRange::new(name.label(), starts, ends).map_err(|error| (anchor.clone(), error.to_string()))?;
        let half = DateRange::new("its half term", half_starts, half_ends)
            .map_err(|error| (anchor.clone(), error.to_string()))?;
        let term = Term::new(name, dates, half).map_err(|error| (anchor.clone(), error.to_string()))?;
        if AcademicYear::containing(starts) != year || AcademicYear::containing(ends) != year {
            return Err((
                anchor,
                format!(
                    "The {} falls outside the academic year {year}",
                    name.label().to_lowercase()
                ),
            ));
        }
        if terms.last().is_some_and(|earlier| earlier.dates.last() >= starts) {
            return Err((
                anchor,
                format!(
                    "The {} starts before the term before it ends",
                    name.label().to_lowercase()
                ),
            ));
        }
        terms.push(term);
    }
    Ok(terms)
}

pub async fn set_terms(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Form(fields): Form<HashMap<String, String>>,
) -> Result<Response, WebError> {
    check_csrf(&signed_in.session, fields.get("csrf_token").map_or("", String::as_str))?;
    if !signed_in.account.role.configures_cycle() {
        return Err(WebError::Forbidden);
    }
    let year = academic_year(&state, fields.get("year").and_then(|year| year.parse().ok()));
    match terms_from(&fields, year) {
        Ok(terms) => {
            let by = &signed_in.account.display_name;
            state
                .store
                .set_school_terms(year, &terms, by, chrono::Utc::now())
                .await?;
            Ok(Redirect::to(&format!("/cycle/terms?year={}", year.start_year())).into_response())
        }
        Err(error) => Ok(terms_page(&state, &signed_in, year, vec![error]).await?.into_response()),
    }
}

struct MovementRow {
    urn: String,
    school: String,
    from: &'static str,
    to: &'static str,
    up: bool,
    on: String,
}

#[derive(Template)]
#[template(path = "cycle_summary.html")]
struct SummaryPage {
    chrome: Chrome,
    term: String,
    today: String,
    on_register: Vec<(&'static str, usize)>,
    total: usize,
    opened: usize,
    movements: Vec<MovementRow>,
    overdue: Vec<(String, usize)>,
    held: Vec<(&'static str, usize)>,
    days_allocated: String,
    days_used: String,
}

/// The termly summary for management: the term `today` falls in, or the last one begun.
pub async fn summary(State(state): State<AppState>, signed_in: SignedIn) -> Result<Html<String>, WebError> {
    if !signed_in.account.role.can_see_register() {
        return Err(WebError::Forbidden);
    }
    let work = super::work(&state, &signed_in.account).await?;
    let term = work.calendar.term_of_or_before(work.today).ok_or(WebError::NotFound)?;
    let summary = stride_core::intervention::termly_summary(&work.evidence, &work.items, term);
    render(&SummaryPage {
        chrome: Chrome::for_user(&signed_in, "register"),
        term: format!(
            "{} {}, {} to {}",
            term.name.label(),
            AcademicYear::containing(term.dates.first()),
            long_date(term.dates.first()),
            long_date(term.dates.last())
        ),
        today: long_date(work.today),
        total: summary.on_register.iter().map(|(_, count)| count).sum(),
        on_register: summary
            .on_register
            .iter()
            .map(|(stage, count)| (stage.label(), *count))
            .collect(),
        opened: summary.opened,
        movements: summary
            .movements
            .iter()
            .map(|movement| MovementRow {
                urn: movement.urn.to_string(),
                school: movement.school.clone(),
                from: movement.from.label(),
                to: movement.to.label(),
                up: movement.to > movement.from,
                on: long_date(movement.on),
            })
            .collect(),
        overdue: summary.overdue,
        held: summary.held,
        days_allocated: format!("{:.1}", summary.days_allocated),
        days_used: format!("{:.1}", summary.days_used),
    })
}

#[derive(Template)]
#[template(path = "cycle_calendar.html")]
struct CalendarPage {
    chrome: Chrome,
    year: String,
    previous: i32,
    next: i32,
    months: Vec<(String, Vec<(String, String)>)>,
}

/// The calendar of the cycle: the academic year month by month.
pub async fn calendar(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Query(params): Query<YearParams>,
) -> Result<Html<String>, WebError> {
    viewing(&signed_in)?;
    let year = academic_year(&state, params.year);
    let (rules, _, calendar) = state.store.cycle().await?;
    let months = stride_core::intervention::cycle_calendar(&rules, &calendar, year)
        .into_iter()
        .map(|(month, dates)| {
            let dates = dates
                .into_iter()
                .map(|date| {
                    let when = match date.to {
                        Some(to) if to != date.from => format!("{} to {}", long_date(date.from), long_date(to)),
                        _ => long_date(date.from),
                    };
                    (when, date.what)
                })
                .collect();
            (month, dates)
        })
        .collect();
    render(&CalendarPage {
        chrome: Chrome::for_user(&signed_in, "my-work"),
        year: year.to_string(),
        previous: year.start_year() - 1,
        next: year.start_year() + 1,
        months,
    })
}
