//! Each person's due dates as an iCalendar feed their calendar subscribes to. A calendar cannot
//! sign in, so the feed's address holds a secret token (held by its hash, as sessions are); a
//! new link replaces the old, and the feed shows only what the account may see today.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};
use serde::Deserialize;

use stride_core::intervention::DueState;
use stride_export::{CalendarEvent, to_icalendar};

use super::my_work::mine;
use super::work;
use crate::auth::{random_token, token_hash};
use crate::pages::render;
use crate::session::{SignedIn, check_csrf};
use crate::view::Chrome;
use crate::{AppState, WebError};

#[derive(Template)]
#[template(path = "calendar_feed.html")]
struct FeedPage {
    chrome: Chrome,
    address: String,
}

#[derive(Debug, Deserialize)]
pub struct FeedForm {
    csrf_token: String,
}

/// Makes the user a new feed address, and shows it once.
pub async fn new_feed(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Form(form): Form<FeedForm>,
) -> Result<Html<String>, WebError> {
    check_csrf(&signed_in.session, &form.csrf_token)?;
    if !signed_in.account.role.works_cases() {
        return Err(WebError::Forbidden);
    }
    let token = random_token();
    state
        .store
        .set_calendar_feed(signed_in.account.id, &token_hash(&token), chrono::Utc::now())
        .await?;
    render(&FeedPage {
        chrome: Chrome::for_user(&signed_in, "my-work"),
        address: format!("/calendar/{token}.ics"),
    })
}

/// The feed: the account's items not yet done, each on its due date.
pub async fn feed(State(state): State<AppState>, Path(file): Path<String>) -> Result<Response, WebError> {
    let token = file.strip_suffix(".ics").ok_or(WebError::NotFound)?;
    let account = state
        .store
        .calendar_feed_account(&token_hash(token))
        .await?
        .filter(|account| account.role.works_cases())
        .ok_or(WebError::NotFound)?;
    let work = work(&state, &account).await?;
    let open = [DueState::Overdue, DueState::DueSoon, DueState::Later];
    let events: Vec<CalendarEvent> = mine(&account, &work.items, false, &open)
        .into_iter()
        .map(|assigned| {
            let item = &assigned.item;
            CalendarEvent {
                uid: format!(
                    "{}/{}/{}@stride",
                    item.clock,
                    item.urn.map_or_else(|| "la".to_owned(), |urn| urn.to_string()),
                    item.started_on
                ),
                on: item.due_on,
                summary: format!("{}: {}", item.school, item.what),
                description: format!("{}. {}.", item.state.label(), assigned.whose()),
            }
        })
        .collect();
    let name = format!("{}: due dates in Stride", account.display_name);
    Ok((
        [
            (header::CONTENT_TYPE, "text/calendar; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        to_icalendar(&name, &events, chrono::Utc::now()),
    )
        .into_response())
}
