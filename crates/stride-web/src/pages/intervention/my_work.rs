//! My work: for an adviser, what is overdue and what is due in the next ten working days across
//! their schools; for the improvement manager, theirs, or the whole team's.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::{Html, Response};
use serde::Deserialize;

use stride_core::Role;
use stride_core::intervention::{Assigned, DueState, Owner, due_table};

use super::work;
use crate::pages::{csv_download, render, xlsx_download};
use crate::session::SignedIn;
use crate::view::{Chrome, long_date};
use crate::{AppState, WebError};

#[derive(Debug, Default, Deserialize)]
pub struct MyWorkParams {
    /// `team` for everyone's; otherwise the user's own.
    #[serde(default)]
    whose: String,
}

pub(super) struct DueRow {
    pub urn: Option<String>,
    pub school: String,
    pub what: String,
    pub due: String,
    pub when: String,
    pub whose: String,
    pub state_colour: &'static str,
}

impl DueRow {
    pub(super) fn of(assigned: &Assigned) -> DueRow {
        let item = &assigned.item;
        let days = item.working_days_left;
        DueRow {
            urn: item.urn.map(|urn| urn.to_string()),
            school: item.school.clone(),
            what: item.what.clone(),
            due: long_date(item.due_on),
            when: match item.state {
                DueState::Done => item
                    .done_on
                    .map_or_else(|| "Done".to_owned(), |done| format!("Done on {}", long_date(done))),
                DueState::Overdue if days == 0 => "Overdue today".to_owned(),
                DueState::Overdue => format!("{} working day{} overdue", -days, if days == -1 { "" } else { "s" }),
                _ if days == 0 => "Due today".to_owned(),
                _ => format!("In {days} working day{}", if days == 1 { "" } else { "s" }),
            },
            whose: assigned.whose(),
            state_colour: match item.state {
                DueState::Overdue => "govuk-tag--red",
                DueState::DueSoon => "govuk-tag--yellow",
                DueState::Later => "govuk-tag--grey",
                DueState::Done => "govuk-tag--green",
            },
        }
    }
}

#[derive(Template)]
#[template(path = "my_work.html")]
struct MyWorkPage {
    chrome: Chrome,
    today: String,
    team: bool,
    can_see_team: bool,
    overdue: Vec<DueRow>,
    due_soon: Vec<DueRow>,
    csv_href: String,
    xlsx_href: String,
    csrf_token: String,
}

/// The items on the user's list: an adviser's, those of their schools whose job is theirs; the
/// improvement manager's, the manager's own or, for the team, every one.
pub(super) fn mine<'a>(
    account: &stride_core::Account,
    items: &'a [Assigned],
    team: bool,
    states: &[DueState],
) -> Vec<&'a Assigned> {
    items
        .iter()
        .filter(|assigned| states.contains(&assigned.item.state))
        .filter(|assigned| match account.role {
            _ if team => true,
            Role::Adviser => assigned.is_for(account.id),
            _ => assigned.item.whose == Owner::ImprovementManager,
        })
        .collect()
}

async fn listed(
    state: &AppState,
    signed_in: &SignedIn,
    params: &MyWorkParams,
) -> Result<(Vec<Assigned>, bool, chrono::NaiveDate), WebError> {
    if !signed_in.account.role.works_cases() {
        return Err(WebError::Forbidden);
    }
    let team = params.whose == "team" && signed_in.account.role.decides_steps();
    let work = work(state, &signed_in.account).await?;
    let kept = mine(
        &signed_in.account,
        &work.items,
        team,
        &[DueState::Overdue, DueState::DueSoon],
    )
    .into_iter()
    .cloned()
    .collect();
    Ok((kept, team, work.today))
}

pub async fn my_work(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Query(params): Query<MyWorkParams>,
) -> Result<Html<String>, WebError> {
    let (items, team, today) = listed(&state, &signed_in, &params).await?;
    let rows = |wanted: DueState| {
        items
            .iter()
            .filter(|assigned| assigned.item.state == wanted)
            .map(DueRow::of)
            .collect()
    };
    let suffix = if team { "?whose=team" } else { "" };
    render(&MyWorkPage {
        chrome: Chrome::for_user(&signed_in, "my-work"),
        today: long_date(today),
        team,
        can_see_team: signed_in.account.role.decides_steps(),
        overdue: rows(DueState::Overdue),
        due_soon: rows(DueState::DueSoon),
        csv_href: format!("/my-work.csv{suffix}"),
        xlsx_href: format!("/my-work.xlsx{suffix}"),
        csrf_token: signed_in.session.csrf_token.clone(),
    })
}

pub async fn download_csv(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Query(params): Query<MyWorkParams>,
) -> Result<Response, WebError> {
    let (items, _, today) = listed(&state, &signed_in, &params).await?;
    csv_download(&due_table(&items.iter().collect::<Vec<_>>(), today), "my-work")
}

pub async fn download_xlsx(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Query(params): Query<MyWorkParams>,
) -> Result<Response, WebError> {
    let (items, _, today) = listed(&state, &signed_in, &params).await?;
    xlsx_download(&due_table(&items.iter().collect::<Vec<_>>(), today), "my-work")
}
