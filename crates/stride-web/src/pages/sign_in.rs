//! Signing in and out. The sign-in form is protected by a session of its own that carries only
//! its CSRF token; a successful sign-in replaces it with a new session, so a session identifier
//! planted before sign-in is worthless after it.

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::render;
use chrono::Utc;
use stride_core::sign_in;

use crate::auth::{decoy_hash, token_hash, verify_password};
use crate::session::{self, SignedIn, check_csrf};
use crate::view::Chrome;
use crate::{AppState, WebError};

#[derive(Template)]
#[template(path = "sign_in.html")]
struct SignInPage {
    chrome: Chrome,
    csrf_token: String,
    username: String,
    error: Option<String>,
}

#[derive(Deserialize)]
pub struct SignInForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    csrf_token: String,
}

#[derive(Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    csrf_token: String,
}

pub async fn form(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, WebError> {
    match session::current(&state, &headers).await? {
        Some(existing) if existing.account_id.is_some() => Ok(Redirect::to("/schools").into_response()),
        Some(anonymous) => Ok(page(anonymous.csrf_token, String::new(), None)?.into_response()),
        None => {
            let (anonymous, cookie) = session::start(&state, None).await?;
            Ok((
                [(header::SET_COOKIE, cookie)],
                page(anonymous.csrf_token, String::new(), None)?,
            )
                .into_response())
        }
    }
}

fn page(csrf_token: String, username: String, error: Option<String>) -> Result<impl IntoResponse, WebError> {
    render(&SignInPage {
        chrome: Chrome::anonymous(),
        csrf_token,
        username,
        error,
    })
}

pub async fn submit(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<SignInForm>,
) -> Result<Response, WebError> {
    let anonymous = session::current(&state, &headers).await?.ok_or(WebError::FormExpired)?;
    check_csrf(&anonymous, &form.csrf_token)?;
    let username = form.username.trim().to_owned();
    // Guesses are counted by the username tried, known or not, so that the answer says
    // nothing of which usernames exist; by its hash, since a mistyped one may be a name.
    let tried = token_hash(&username.to_lowercase());
    let now = Utc::now();
    let failures = state.store.sign_in_failures(&tried, now - sign_in::WINDOW).await?;
    if let Some(until) = sign_in::locked_until(&failures, now) {
        tracing::info!("sign-in refused: too many wrong passwords");
        let message = format!(
            "There have been too many wrong passwords for this username. Try again in {} minutes.",
            sign_in::minutes_left(until, now)
        );
        return Ok((
            StatusCode::TOO_MANY_REQUESTS,
            page(anonymous.csrf_token, username, Some(message))?,
        )
            .into_response());
    }
    let credentials = state.store.credentials(&username).await?;
    let stored_hash = credentials
        .as_ref()
        .map_or_else(|| decoy_hash().to_owned(), |found| found.password_hash.clone());
    let password = form.password;
    // Hashing takes tens of milliseconds of CPU: keep it off the threads that serve requests.
    let matches = tokio::task::spawn_blocking(move || verify_password(&stored_hash, &password))
        .await
        .unwrap_or(false);
    let Some(credentials) = credentials.filter(|_| matches) else {
        tracing::info!("sign-in refused");
        state.store.record_sign_in_failure(&tried, now).await?;
        let message = "Enter a correct username and password".to_owned();
        return Ok((
            StatusCode::UNAUTHORIZED,
            page(anonymous.csrf_token, username, Some(message))?,
        )
            .into_response());
    };
    state.store.clear_sign_in_failures(&tried).await?;
    state.store.delete_session(&anonymous.token_hash).await?;
    let (_, cookie) = session::start(&state, Some(credentials.account_id)).await?;
    tracing::info!(account = credentials.account_id, "signed in");
    Ok(([(header::SET_COOKIE, cookie)], Redirect::to("/schools")).into_response())
}

pub async fn sign_out(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Form(form): Form<CsrfForm>,
) -> Result<Response, WebError> {
    check_csrf(&signed_in.session, &form.csrf_token)?;
    state.store.delete_session(&signed_in.session.token_hash).await?;
    Ok((
        [(header::SET_COOKIE, session::clearing_cookie(&state))],
        Redirect::to("/sign-in"),
    )
        .into_response())
}
