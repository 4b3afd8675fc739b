//! A user's own account: changing the password (which ends every other session of theirs) and
//! setting up an authenticator app for the second factor, which administrators must do before
//! anything else.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use serde::Deserialize;

use crate::auth::{hash_password, password_problem, token_hash, verify_password};
use crate::pages::render;
use crate::pages::sign_in::{CodeForm, lockout};
use crate::second_factor::{grouped, key_uri, matching_step, new_secret, qr_code_svg};
use crate::session::{self, SignedIn, check_csrf};
use crate::view::Chrome;
use crate::{AppState, WebError};

/// A field in error and what to do about it.
type FieldError = (&'static str, String);

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    chrome: Chrome,
    csrf_token: String,
    display_name: String,
    username: String,
    second_factor: bool,
    second_factor_required: bool,
    done: Option<&'static str>,
    errors: Vec<FieldError>,
}

impl AccountPage {
    fn error_for(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|(name, _)| *name == field)
            .map(|(_, message)| message.as_str())
    }

    fn summary(&self) -> Vec<(String, String)> {
        self.errors
            .iter()
            .map(|(field, message)| (format!("#{field}"), message.clone()))
            .collect()
    }
}

#[derive(Deserialize)]
pub struct AccountQuery {
    #[serde(default)]
    done: String,
}

fn account_page(signed_in: &SignedIn, done: Option<&'static str>, errors: Vec<FieldError>) -> AccountPage {
    AccountPage {
        chrome: Chrome::for_user(signed_in, "account"),
        csrf_token: signed_in.session.csrf_token.clone(),
        display_name: signed_in.account.display_name.clone(),
        username: signed_in.account.username.clone(),
        second_factor: signed_in.account.second_factor,
        second_factor_required: signed_in.account.role.requires_second_factor(),
        done,
        errors,
    }
}

pub async fn show(signed_in: SignedIn, Query(query): Query<AccountQuery>) -> Result<Response, WebError> {
    let done = match query.done.as_str() {
        "password" => Some("Your password has been changed. Every other session of yours has been signed out."),
        "two-factor" => Some("Your authenticator app is set up. You will be asked for a code each time you sign in."),
        _ => None,
    };
    Ok(render(&account_page(&signed_in, done, Vec::new()))?.into_response())
}

#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    new_password: String,
    #[serde(default)]
    confirm_password: String,
    #[serde(default)]
    csrf_token: String,
}

/// Changes the password. Every session of the account ends, this one with the rest, and a new
/// one starts: a session stolen before the change is worthless after it.
pub async fn change_password(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Form(form): Form<PasswordForm>,
) -> Result<Response, WebError> {
    check_csrf(&signed_in.session, &form.csrf_token)?;
    let account = &signed_in.account;
    let tried = token_hash(&account.username.to_lowercase());
    let now = Utc::now();
    let locked = lockout(&state, &tried).await?.is_some();
    let stored = state
        .store
        .credentials(&account.username)
        .await?
        .ok_or(WebError::Forbidden)?;
    let current = form.current_password.clone();
    let current_matches = !locked
        && tokio::task::spawn_blocking(move || verify_password(&stored.password_hash, &current))
            .await
            .unwrap_or(false);
    let errors = password_errors(&form, current_matches, locked, account);
    if !errors.is_empty() {
        if !current_matches && !locked {
            state.store.record_sign_in_failure(&tried, now).await?;
        }
        let page = render(&account_page(&signed_in, None, errors))?;
        return Ok((StatusCode::BAD_REQUEST, page).into_response());
    }
    let new_password = form.new_password;
    let password_hash = tokio::task::spawn_blocking(move || hash_password(&new_password))
        .await
        .map_err(|error| WebError::Password(error.to_string()))??;
    state.store.set_password(account.id, &password_hash).await?;
    tracing::info!(account = account.id, "password changed; every session ended");
    let (_, cookie) = session::start(&state, Some(account.id)).await?;
    Ok(([(header::SET_COOKIE, cookie)], Redirect::to("/account?done=password")).into_response())
}

fn password_errors(
    form: &PasswordForm,
    current_matches: bool,
    locked: bool,
    account: &stride_core::Account,
) -> Vec<FieldError> {
    let mut errors = Vec::new();
    if locked {
        errors.push((
            "current_password",
            "There have been too many wrong passwords for your account. Try again later.".to_owned(),
        ));
    } else if !current_matches {
        errors.push(("current_password", "Enter your current password correctly".to_owned()));
    }
    if let Some(problem) = password_problem(&form.new_password, &account.username, &account.display_name) {
        errors.push(("new_password", problem));
    } else if form.new_password == form.current_password {
        errors.push((
            "new_password",
            "Enter a new password, not the one you have now".to_owned(),
        ));
    }
    if form.confirm_password != form.new_password {
        errors.push(("confirm_password", "Enter the same new password twice".to_owned()));
    }
    errors
}

#[derive(Template)]
#[template(path = "two_factor.html")]
struct TwoFactorPage {
    chrome: Chrome,
    csrf_token: String,
    already_set_up: bool,
    required: bool,
    qr_code_svg: String,
    grouped_key: String,
    error: Option<String>,
}

/// Offers a new key (the same one until it is confirmed, so that a reload does not change the
/// QR code under a phone already scanning it).
pub async fn two_factor(State(state): State<AppState>, signed_in: SignedIn) -> Result<Response, WebError> {
    if signed_in.account.second_factor {
        return Ok(render(&two_factor_page(&signed_in, "", None))?.into_response());
    }
    let secret = match &signed_in.session.offered_secret {
        Some(secret) => secret.clone(),
        None => {
            let secret = new_secret();
            state
                .store
                .offer_secret(&signed_in.session.token_hash, Some(&secret))
                .await?;
            // A page that changes the session: the confirming form must read it afresh.
            state.recent.changed();
            secret
        }
    };
    Ok(render(&two_factor_page(&signed_in, &secret, None))?.into_response())
}

fn two_factor_page(signed_in: &SignedIn, secret: &str, error: Option<String>) -> TwoFactorPage {
    let set_up = signed_in.account.second_factor;
    TwoFactorPage {
        chrome: Chrome::for_user(signed_in, "account"),
        csrf_token: signed_in.session.csrf_token.clone(),
        already_set_up: set_up,
        required: signed_in.account.role.requires_second_factor(),
        qr_code_svg: if set_up {
            String::new()
        } else {
            qr_code_svg(&key_uri(secret, &signed_in.account.username))
        },
        grouped_key: grouped(secret),
        error,
    }
}

/// Confirms the key offered with a code from it: only then does the account sign in with it.
pub async fn confirm_two_factor(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Form(form): Form<CodeForm>,
) -> Result<Response, WebError> {
    check_csrf(&signed_in.session, &form.csrf_token)?;
    let (false, Some(secret)) = (signed_in.account.second_factor, &signed_in.session.offered_secret) else {
        return Ok(Redirect::to("/account/two-factor").into_response());
    };
    let Some(step) = matching_step(secret, &form.code, Utc::now().timestamp(), None) else {
        let message = "Enter the 6-digit code your authenticator app shows for Stride".to_owned();
        let page = render(&two_factor_page(&signed_in, secret, Some(message)))?;
        return Ok((StatusCode::BAD_REQUEST, page).into_response());
    };
    state
        .store
        .enrol_second_factor(signed_in.account.id, secret, step)
        .await?;
    state.store.offer_secret(&signed_in.session.token_hash, None).await?;
    tracing::info!(account = signed_in.account.id, "second factor set up");
    Ok(Redirect::to("/account?done=two-factor").into_response())
}
