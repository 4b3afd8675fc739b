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
use crate::{AppState, WebError, second_factor};

#[derive(Template)]
#[template(path = "sign_in.html")]
struct SignInPage {
    chrome: Chrome,
    csrf_token: String,
    username: String,
    error: Option<String>,
    /// The identity provider's name, where single sign-on is offered.
    single_sign_on: Option<String>,
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
        Some(anonymous) => Ok(page(&state, anonymous.csrf_token, String::new(), None)?.into_response()),
        None => {
            let (anonymous, cookie) = session::start(&state, None).await?;
            Ok((
                [(header::SET_COOKIE, cookie)],
                page(&state, anonymous.csrf_token, String::new(), None)?,
            )
                .into_response())
        }
    }
}

fn page(
    state: &AppState,
    csrf_token: String,
    username: String,
    error: Option<String>,
) -> Result<impl IntoResponse, WebError> {
    render(&SignInPage {
        chrome: Chrome::anonymous(),
        csrf_token,
        username,
        error,
        single_sign_on: state
            .config
            .single_sign_on
            .as_ref()
            .map(|provider| provider.provider_name.clone()),
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
    if let Some(message) = lockout(&state, &tried).await? {
        tracing::info!("sign-in refused: too many wrong passwords");
        return Ok((
            StatusCode::TOO_MANY_REQUESTS,
            page(&state, anonymous.csrf_token, username, Some(message))?,
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
            page(&state, anonymous.csrf_token, username, Some(message))?,
        )
            .into_response());
    };
    state.store.delete_session(&anonymous.token_hash).await?;
    if state.store.second_factor(credentials.account_id).await?.is_some() {
        // Wrong passwords are forgotten only once the code is right too, or a thief with the
        // password could guess codes without end by signing in again between guesses.
        let (_, cookie) = session::start_awaiting_code(&state, credentials.account_id).await?;
        return Ok(([(header::SET_COOKIE, cookie)], Redirect::to("/sign-in/code")).into_response());
    }
    state.store.clear_sign_in_failures(&tried).await?;
    signed_in_response(&state, credentials.account_id).await
}

/// Why a username (by its hash) may not try again yet, if it may not.
pub(crate) async fn lockout(state: &AppState, tried: &str) -> Result<Option<String>, WebError> {
    let now = Utc::now();
    let failures = state.store.sign_in_failures(tried, now - sign_in::WINDOW).await?;
    Ok(sign_in::locked_until(&failures, now).map(|until| {
        format!(
            "There have been too many wrong passwords or codes for this username. Try again in {} minutes.",
            sign_in::minutes_left(until, now)
        )
    }))
}

async fn signed_in_response(state: &AppState, account_id: i64) -> Result<Response, WebError> {
    let (_, cookie) = session::start(state, Some(account_id)).await?;
    tracing::info!(account = account_id, "signed in");
    Ok(([(header::SET_COOKIE, cookie)], Redirect::to("/schools")).into_response())
}

#[derive(Template)]
#[template(path = "sign_in_code.html")]
struct CodePage {
    chrome: Chrome,
    csrf_token: String,
    error: Option<String>,
}

/// A code from an authenticator app, at sign-in or when setting one up.
#[derive(Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    pub(crate) code: String,
    #[serde(default)]
    pub(crate) csrf_token: String,
}

fn code_page(status: StatusCode, csrf_token: &str, error: Option<String>) -> Result<Response, WebError> {
    let page = render(&CodePage {
        chrome: Chrome::anonymous(),
        csrf_token: csrf_token.to_owned(),
        error,
    })?;
    Ok((status, page).into_response())
}

/// The second step of signing in, for an account with an authenticator.
pub async fn code_form(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, WebError> {
    match session::current(&state, &headers).await? {
        Some(waiting) if waiting.awaiting_account_id.is_some() => {
            Ok(code_page(StatusCode::OK, &waiting.csrf_token, None)?)
        }
        _ => Ok(Redirect::to("/sign-in").into_response()),
    }
}

pub async fn submit_code(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<CodeForm>,
) -> Result<Response, WebError> {
    let waiting = session::current(&state, &headers).await?.ok_or(WebError::FormExpired)?;
    check_csrf(&waiting, &form.csrf_token)?;
    let Some(account_id) = waiting.awaiting_account_id else {
        return Ok(Redirect::to("/sign-in").into_response());
    };
    let (Some(account), Some(factor)) = (
        state.store.account(account_id).await?,
        state.store.second_factor(account_id).await?,
    ) else {
        return Ok(Redirect::to("/sign-in").into_response());
    };
    let tried = token_hash(&account.username.to_lowercase());
    if let Some(message) = lockout(&state, &tried).await? {
        return code_page(StatusCode::TOO_MANY_REQUESTS, &waiting.csrf_token, Some(message));
    }
    let now = Utc::now();
    let step = second_factor::matching_step(&factor.secret, &form.code, now.timestamp(), factor.last_step);
    let taken = match step {
        Some(step) => state.store.take_second_factor_step(account_id, step).await?,
        None => false,
    };
    if !taken {
        tracing::info!("sign-in refused: wrong code");
        state.store.record_sign_in_failure(&tried, now).await?;
        let message = "Enter the 6-digit code your authenticator app shows now".to_owned();
        return code_page(StatusCode::UNAUTHORIZED, &waiting.csrf_token, Some(message));
    }
    state.store.clear_sign_in_failures(&tried).await?;
    state.store.delete_session(&waiting.token_hash).await?;
    signed_in_response(&state, account_id).await
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
