//! The Schools Causing Concern register: every school with an open case above light touch, its
//! stage, why and since when, its adviser, what is next and when, and what is overdue.

use askama::Template;
use axum::extract::State;
use axum::response::Html;

use stride_core::intervention::{DueState, Stage, latest_case};

use super::work;
use crate::pages::render;
use crate::session::SignedIn;
use crate::view::{Chrome, long_date};
use crate::{AppState, WebError};

struct RegisterRow {
    /// For ordering: the furthest up the ladder first.
    at: Stage,
    urn: String,
    name: String,
    stage: &'static str,
    stage_colour: &'static str,
    why: String,
    since: String,
    advisers: String,
    next: String,
    overdue: usize,
}

#[derive(Template)]
#[template(path = "register.html")]
struct RegisterPage {
    chrome: Chrome,
    today: String,
    rows: Vec<RegisterRow>,
    overdue: usize,
}

fn stage_colour(stage: Stage) -> &'static str {
    match stage {
        Stage::LightTouch | Stage::Closed => "govuk-tag--grey",
        Stage::AdditionalSupport => "govuk-tag--yellow",
        Stage::HighLevelSupport => "govuk-tag--orange",
        _ => "govuk-tag--red",
    }
}

pub async fn register(State(state): State<AppState>, signed_in: SignedIn) -> Result<Html<String>, WebError> {
    if !signed_in.account.role.can_see_register() {
        return Err(WebError::Forbidden);
    }
    let work = work(&state, &signed_in.account).await?;
    let mut rows = Vec::new();
    for school in &work.evidence.schools {
        let Some(case) = latest_case(&work.evidence.cases, school.urn).filter(|case| case.is_open()) else {
            continue;
        };
        if case.stage() == Stage::LightTouch {
            continue;
        }
        let items: Vec<_> = work
            .items
            .iter()
            .filter(|assigned| assigned.item.urn == Some(school.urn) && assigned.item.state != DueState::Done)
            .collect();
        let step = case.current_step();
        rows.push(RegisterRow {
            at: case.stage(),
            urn: school.urn.to_string(),
            name: school.name.clone(),
            stage: case.stage().label(),
            stage_colour: stage_colour(case.stage()),
            why: step.map_or_else(String::new, |step| step.evidence.clone()),
            since: step.map_or_else(String::new, |step| long_date(step.taken_on)),
            advisers: work
                .evidence
                .advisers
                .iter()
                .filter(|adviser| adviser.urn == school.urn)
                .map(|adviser| adviser.name.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            next: items
                .iter()
                .min_by_key(|assigned| assigned.item.due_on)
                .map_or_else(String::new, |next| {
                    format!("{}, by {}", next.item.what, long_date(next.item.due_on))
                }),
            overdue: items
                .iter()
                .filter(|assigned| assigned.item.state == DueState::Overdue)
                .count(),
        });
    }
    // The schools needing most first: the ladder's order, then by name.
    rows.sort_by(|left, right| right.at.cmp(&left.at).then(left.name.cmp(&right.name)));
    render(&RegisterPage {
        chrome: Chrome::for_user(&signed_in, "register"),
        today: long_date(work.today),
        overdue: rows.iter().map(|row| row.overdue).sum(),
        rows,
    })
}
